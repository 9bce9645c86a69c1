"""The Kubernetes half of the audit: read the live cluster and compare it with the declared objects.

Live objects are read as the API server's JSON (``_preload_content=False``), so they compare directly
with the plain manifests the plan holds. Comparison is semantic: server-set metadata is never looked
at, fields the API server defaults (``protocol: TCP``, ``policyTypes``, subject API groups, LimitRange
defaults) are filled in on both sides, quantities compare by value (``1Gi`` == ``1024Mi``), and lists
whose order carries no meaning (rules, peers, ports, subjects) compare as sets.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from kubernetes.client import ApiClient, CoreV1Api, CustomObjectsApi, NetworkingV1Api, RbacAuthorizationV1Api
from kubernetes.client.exceptions import ApiException

from govcloud.audit.expected import (
    CNPG_API_VERSION,
    ExpectedDatabase,
    ExpectedNamespace,
    ExpectedState,
    ScanReport,
)
from govcloud.audit.findings import Finding, Severity
from govcloud.audit.role_secrets import SecretShape, audit_role_secrets, expected_role_secrets, secret_shape
from govcloud.contract.quantity import QuantityError, parse_quantity
from govcloud.manifests.network import policy_types
from govcloud.naming import MANAGED_BY, TENANT_LABEL
from govcloud.policy.baseline import PRIVILEGED_CLUSTER_ROLES

Progress = Callable[[str], None]

"""Built-in ClusterRoles that let a tenant rewrite its own isolation (policies, quotas, RBAC)."""
HEALTHY_PHASE: Final = "Cluster in healthy state"
BACKUP_GRACE: Final = dt.timedelta(hours=6)
"""How late a scheduled backup may finish (a large base backup takes hours) before it counts as missed."""
CNPG_GROUP, CNPG_VERSION = CNPG_API_VERSION.split("/")
RBAC_GROUP: Final = "rbac.authorization.k8s.io"
SECRET_PLACEHOLDER: Final = "[secret]"
UNKNOWN_PLACEHOLDER: Final = "[unknown]"
"""What a plan holds where the value is a secret or only known once deployed (synth's capture)."""


def _finding(
    code: str, severity: Severity, tenant: str | None, resource: str, message: str, **evidence: Any
) -> Finding:
    return Finding(code, severity, tenant, resource, message, evidence)


# --------------------------------------------------------------------------------------------- reading


class ClusterReader:
    """List calls against the live API server, returning the server's JSON objects."""

    def __init__(self, api: ApiClient) -> None:
        self.core = CoreV1Api(api)
        self.networking = NetworkingV1Api(api)
        self.rbac = RbacAuthorizationV1Api(api)
        self.custom = CustomObjectsApi(api)

    @staticmethod
    def _items(call: Callable[..., Any], *args: str) -> list[dict[str, Any]]:
        response = call(*args, _preload_content=False)
        document = json.loads(response.data)
        return [dict(item) for item in document.get("items") or []]

    def namespaces(self) -> list[dict[str, Any]]:
        return self._items(self.core.list_namespace)

    def network_policies(self, namespace: str) -> list[dict[str, Any]]:
        return self._items(self.networking.list_namespaced_network_policy, namespace)

    def resource_quotas(self, namespace: str) -> list[dict[str, Any]]:
        return self._items(self.core.list_namespaced_resource_quota, namespace)

    def limit_ranges(self, namespace: str) -> list[dict[str, Any]]:
        return self._items(self.core.list_namespaced_limit_range, namespace)

    def roles(self, namespace: str) -> list[dict[str, Any]]:
        return self._items(self.rbac.list_namespaced_role, namespace)

    def role_bindings(self, namespace: str) -> list[dict[str, Any]]:
        return self._items(self.rbac.list_namespaced_role_binding, namespace)

    def cluster_role_bindings(self) -> list[dict[str, Any]]:
        return self._items(self.rbac.list_cluster_role_binding)

    def service_accounts(self, namespace: str) -> list[dict[str, Any]]:
        return self._items(self.core.list_namespaced_service_account, namespace)

    def secret_shapes(self, namespace: str) -> dict[str, SecretShape]:
        """Secrets reduced at once to type, key names and username (govcloud.audit.role_secrets)."""
        return {s.name: s for s in map(secret_shape, self._items(self.core.list_namespaced_secret, namespace))}

    def cnpg(self, namespace: str, plural: str) -> list[dict[str, Any]] | None:
        """CloudNativePG objects; None when the cluster does not serve that API (operator absent)."""
        try:
            return self._items(self.custom.list_namespaced_custom_object, CNPG_GROUP, CNPG_VERSION, namespace, plural)
        except ApiException as error:
            if error.status == 404:
                return None
            raise


def _by_name(items: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(i.get("metadata", {}).get("name")): dict(i) for i in items}


# ----------------------------------------------------------------------------------- normalization


def _canonical_quantity(value: Any) -> str:
    try:
        return format(parse_quantity(value).normalize(), "f")
    except (QuantityError, TypeError):
        return str(value)


def _sorted_json(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))


def _selector(selector: Mapping[str, Any] | None) -> dict[str, Any]:
    selector = selector or {}
    out: dict[str, Any] = {}
    if selector.get("matchLabels"):
        out["matchLabels"] = {str(k): str(v) for k, v in selector["matchLabels"].items()}
    if selector.get("matchExpressions"):
        out["matchExpressions"] = _sorted_json(
            {**e, "values": sorted(e.get("values") or [])} if e.get("values") else dict(e)
            for e in selector["matchExpressions"]
        )
    return out


def _cidr(text: str) -> str:
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        return text


def _peer(peer: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("podSelector", "namespaceSelector"):
        if key in peer and peer[key] is not None:
            out[key] = _selector(peer[key])
    block = peer.get("ipBlock")
    if block:
        out["ipBlock"] = {"cidr": _cidr(str(block.get("cidr")))}
        if block.get("except"):
            out["ipBlock"]["except"] = sorted(_cidr(str(c)) for c in block["except"])
    return out


def _port(port: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"protocol": port.get("protocol") or "TCP"}
    for key in ("port", "endPort"):
        if port.get(key) is not None:
            out[key] = port[key]
    return out


def _rule(rule: Mapping[str, Any], peers_key: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    peers = [_peer(p) for p in rule.get(peers_key) or []]
    if peers:
        out[peers_key] = _sorted_json(peers)
    ports = [_port(p) for p in rule.get("ports") or []]
    if ports:
        out["ports"] = _sorted_json(ports)
    return out


def normalize_network_policy_spec(spec: Mapping[str, Any] | None) -> dict[str, Any]:
    """A NetworkPolicy spec with the API server's defaults applied and unordered lists sorted."""
    spec = spec or {}
    out: dict[str, Any] = {"podSelector": _selector(spec.get("podSelector")), "policyTypes": sorted(policy_types(spec))}
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        rules = [_rule(r, peers_key) for r in spec.get(direction) or []]
        if rules:
            out[direction] = _sorted_json(rules)
    return out


def open_rules(spec: Mapping[str, Any] | None) -> list[str]:
    """Why a NetworkPolicy lets traffic to or from anywhere: 0.0.0.0/0, ::/0, a rule without peers, or a peer
    that is every pod of every namespace (``namespaceSelector: {}``), which admits other tenants' pods."""
    normalized = normalize_network_policy_spec(spec)
    reasons: list[str] = []
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        if direction.capitalize() not in normalized["policyTypes"]:
            continue
        for index, rule in enumerate(normalized.get(direction, []), start=1):
            peers = rule.get(peers_key, [])
            if not peers:
                reasons.append(f"{direction} rule {index} has no `{peers_key}`: it matches every address")
            for peer in peers:
                cidr = peer.get("ipBlock", {}).get("cidr")
                if cidr and ipaddress.ip_network(cidr, strict=False).prefixlen == 0:
                    reasons.append(f"{direction} rule {index} allows {cidr}")
                if peer.get("namespaceSelector") == {} and not peer.get("podSelector"):
                    # every pod of every namespace: other tenants included, so isolation is gone
                    reasons.append(f"{direction} rule {index} matches every pod of every namespace")
    return reasons


def allows_traffic(spec: Mapping[str, Any] | None) -> bool:
    """Whether a policy has any allow rule (one without rules only denies, which never widens access)."""
    normalized = normalize_network_policy_spec(spec)
    return any(
        normalized.get(direction) and direction.capitalize() in normalized["policyTypes"]
        for direction in ("ingress", "egress")
    )


def normalize_quota_spec(spec: Mapping[str, Any] | None) -> dict[str, Any]:
    """A ResourceQuota spec with quantities by value (the server may rewrite ``1024Mi`` as ``1Gi``)."""
    spec = spec or {}
    out: dict[str, Any] = {"hard": {str(k): _canonical_quantity(v) for k, v in (spec.get("hard") or {}).items()}}
    if spec.get("scopes"):
        out["scopes"] = sorted(spec["scopes"])
    if spec.get("scopeSelector"):
        out["scopeSelector"] = _selector(spec["scopeSelector"])
    return out


_LIMIT_MAPS: Final = ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")


def _limit_item(item: Mapping[str, Any]) -> dict[str, Any]:
    maps = {k: {str(r): _canonical_quantity(v) for r, v in (item.get(k) or {}).items()} for k in _LIMIT_MAPS}
    if item.get("type") == "Container":  # the API server's SetDefaults_LimitRangeItem
        for resource, value in maps["max"].items():
            maps["default"].setdefault(resource, value)
        for source in ("default", "min"):
            for resource, value in maps[source].items():
                maps["defaultRequest"].setdefault(resource, value)
    return {"type": item.get("type"), **{k: v for k, v in maps.items() if v}}


def normalize_limit_range_spec(spec: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return _sorted_json(_limit_item(i) for i in (spec or {}).get("limits") or [])


def normalize_rules(rules: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """Role rules as a sorted list of rules with sorted fields; empty fields dropped."""
    keys = ("apiGroups", "resources", "resourceNames", "verbs", "nonResourceURLs")
    return _sorted_json({k: sorted(r[k]) for k in keys if r.get(k)} for r in rules or [])


def _subject_api_group(subject: Mapping[str, Any]) -> str:
    if subject.get("apiGroup"):
        return str(subject["apiGroup"])
    return RBAC_GROUP if subject.get("kind") in ("User", "Group") else ""


def normalize_subjects(subjects: Iterable[Mapping[str, Any]] | None) -> list[dict[str, str]]:
    """Subjects as a sorted list, with the API group the server defaults for users and groups."""
    normalized = [
        {
            "kind": str(s.get("kind")),
            "apiGroup": _subject_api_group(s),
            "name": str(s.get("name")),
            **({"namespace": str(s["namespace"])} if s.get("namespace") else {}),
        }
        for s in subjects or []
    ]
    return _sorted_json({json.dumps(s, sort_keys=True): s for s in normalized}.values())


def normalize_role_ref(ref: Mapping[str, Any] | None) -> dict[str, str]:
    ref = ref or {}
    return {
        "apiGroup": str(ref.get("apiGroup") or RBAC_GROUP),
        "kind": str(ref.get("kind")),
        "name": str(ref.get("name")),
    }


def declared_differences(want: Any, have: Any, path: str = "") -> dict[str, dict[str, Any]]:
    """Where a live spec departs from a declared one, per declared leaf (``instances``, ``storage.size``).

    Only what was declared is compared: fields the server or an operator defaults are not drift. Values
    the plan could not know (``[secret]``, ``[unknown]``) are skipped; quantities compare by value.
    """
    if isinstance(want, Mapping):
        if not isinstance(have, Mapping):
            return {path or "(spec)": {"expected": want, "observed": have}}
        found: dict[str, dict[str, Any]] = {}
        for key, value in want.items():
            found.update(declared_differences(value, have.get(key), f"{path}.{key}" if path else str(key)))
        return found
    if isinstance(want, list):
        if not isinstance(have, list) or len(have) != len(want):
            return {path: {"expected": want, "observed": have}}
        found = {}
        for index, (item, live) in enumerate(zip(want, have, strict=True)):
            found.update(declared_differences(item, live, f"{path}[{index}]"))
        return found
    if want in (SECRET_PLACEHOLDER, UNKNOWN_PLACEHOLDER) or want == have:
        return {}
    if isinstance(want, str) and isinstance(have, str) and _canonical_quantity(want) == _canonical_quantity(have):
        return {}
    return {path: {"expected": want, "observed": have}}


def _differences(expected: Mapping[str, Any], observed: Mapping[str, Any]) -> dict[str, Any]:
    """Per key of two flat maps: what was declared and what is there (None for absent)."""
    return {
        key: {"expected": expected.get(key), "observed": observed.get(key)}
        for key in sorted(set(expected) | set(observed))
        if expected.get(key) != observed.get(key)
    }


# ------------------------------------------------------------------------------------------ timestamps


def parse_time(value: Any) -> dt.datetime | None:
    """An RFC 3339 timestamp from the API server or the operator; None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def last_backup_time(status: Mapping[str, Any]) -> dt.datetime | None:
    """The most recent completed backup the operator reports.

    ``firstRecoverabilityPoint`` is the oldest point a restore can reach, so a backup finished at or after
    it; the ``...ByMethod`` maps are where newer operator versions report the same per backup method.
    """
    candidates: list[Any] = [status.get("lastSuccessfulBackup"), status.get("firstRecoverabilityPoint")]
    for key in ("lastSuccessfulBackupByMethod", "firstRecoverabilityPointByMethod"):
        candidates += list((status.get(key) or {}).values())
    times = [t for t in (parse_time(c) for c in candidates) if t is not None]
    return max(times) if times else None


def _hours(delta: dt.timedelta) -> float:
    return round(delta.total_seconds() / 3600, 1)


# ------------------------------------------------------------------------------------------- the audit


def audit_kubernetes(
    expected: ExpectedState,
    api: ApiClient,
    *,
    now: dt.datetime,
    grace: dt.timedelta = BACKUP_GRACE,
    progress: Progress | None = None,
) -> ScanReport:
    """Compare the live cluster with the plan; one list call per kind and namespace, nothing written."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    reader = ClusterReader(api)
    report = ScanReport()
    live_namespaces = _by_name(reader.namespaces())
    report.count("namespaces", len(live_namespaces))
    for namespace in expected.namespaces.values():
        _NamespaceAudit(reader, namespace, live_namespaces.get(namespace.name), report, now, grace).run()
        if progress is not None:
            progress(f"kubernetes {namespace.tenant or namespace.name}")
    _cluster_role_bindings(expected, reader, report)
    declared = expected.declared_namespaces
    for name, live in sorted(live_namespaces.items()):
        labels = live.get("metadata", {}).get("labels") or {}
        if labels.get(MANAGED_BY[0]) == MANAGED_BY[1] and name not in declared:
            report.findings.append(
                _finding(
                    "AUD-NS-004",
                    Severity.MEDIUM,
                    labels.get(TENANT_LABEL),
                    f"Namespace {name}",
                    f"namespace {name} is labelled as managed by govcloud but the stack does not declare it "
                    "(a drifted tenant: offboarded without cleanup, or created by hand)",
                    labels=dict(labels),
                    created=live.get("metadata", {}).get("creationTimestamp"),
                )
            )
    return report


def _cluster_role_bindings(expected: ExpectedState, reader: ClusterReader, report: ScanReport) -> None:
    """A tenant group (or a tenant's ServiceAccount) never holds anything at cluster scope.

    The stack binds tenant groups only in their own namespaces; a ClusterRoleBinding naming one reaches
    every namespace, other tenants' included, so it is high, and critical for a role that can rewrite
    isolation (cluster-admin, admin, edit).
    """
    groups = expected.tenant_groups
    tenant_namespaces = {ns.name: ns.tenant for ns in expected.namespaces.values() if ns.tenant is not None}
    live = reader.cluster_role_bindings()
    report.count("clusterRoleBindings", len(live))
    for binding in sorted(live, key=lambda b: str(b.get("metadata", {}).get("name"))):
        name = str(binding.get("metadata", {}).get("name"))
        ref = normalize_role_ref(binding.get("roleRef"))
        subjects = normalize_subjects(binding.get("subjects"))
        tenants = sorted(
            {groups[s["name"]] for s in subjects if s["kind"] == "Group" and s["name"] in groups}
            | {
                str(tenant_namespaces[s["namespace"]])
                for s in subjects
                if s["kind"] == "ServiceAccount" and s.get("namespace") in tenant_namespaces
            }
        )
        if not tenants:
            continue
        declared = expected.cluster_role_bindings.get(name)
        if declared is not None and (
            normalize_role_ref(declared.get("roleRef")),
            normalize_subjects(declared.get("subjects")),
        ) == (ref, subjects):
            continue
        privileged = ref["kind"] == "ClusterRole" and ref["name"] in PRIVILEGED_CLUSTER_ROLES
        report.findings.append(
            _finding(
                "AUD-RBAC-006",
                Severity.CRITICAL if privileged else Severity.HIGH,
                tenants[0] if len(tenants) == 1 else None,
                f"ClusterRoleBinding {name}",
                f"ClusterRoleBinding {name} grants {ref['kind']} {ref['name']} at cluster scope to "
                f"tenant {', '.join(tenants)}: it reaches every namespace, other tenants' included",
                roleRef=ref,
                subjects=subjects,
                tenants=tenants,
                declared=declared is not None,
            )
        )


class _NamespaceAudit:
    """The checks of one namespace; a class only to keep the many small steps readable."""

    def __init__(
        self,
        reader: ClusterReader,
        expected: ExpectedNamespace,
        live: Mapping[str, Any] | None,
        report: ScanReport,
        now: dt.datetime,
        grace: dt.timedelta,
    ) -> None:
        self.reader, self.expected, self.live, self.report = reader, expected, live, report
        self.now, self.grace = now, grace
        self.ns, self.tenant = expected.name, expected.tenant
        # Undeclared objects are judged in tenant namespaces only: platform namespaces also hold what the
        # platform's charts and the cluster itself create, which the plan cannot list.
        self.judge_extras = expected.tenant is not None

    def add(self, code: str, severity: Severity, resource: str, message: str, **evidence: Any) -> None:
        self.report.findings.append(_finding(code, severity, self.tenant, resource, message, **evidence))

    def release_named(self, obj: Mapping[str, Any]) -> str | None:
        """The declared release of this namespace whose chart names objects as ``obj`` is named, if any."""
        name = str(obj.get("metadata", {}).get("name", ""))
        names = {**{r: r for r in self.expected.helm_releases}, **self.expected.chart_names}
        return next((names[p] for p in sorted(names) if name == p or name.startswith(f"{p}-")), None)

    def release_of(self, obj: Mapping[str, Any]) -> str | None:
        """The declared Helm release whose chart may have made ``obj``, judged only by what the plan knows.

        The plan's releases in this namespace decide, with how charts name what they render (the release's
        full name, ``<release>`` or ``<release>-<component>``). Nothing on the object is trusted: a tenant
        admin can write a ``meta.helm.sh/release-name`` annotation, or a Helm release Secret in its own
        namespace, so neither is read. A chart-made RoleBinding binds only this namespace's ServiceAccounts
        to a Role of this namespace (a chart never grants people or groups anything); anything else is
        judged as undeclared whatever it claims to be.
        """
        release = self.release_named(obj)
        if release is None:
            return None
        if "roleRef" in obj:
            ref = normalize_role_ref(obj.get("roleRef"))
            subjects = normalize_subjects(obj.get("subjects"))
            if ref["kind"] != "Role" or not all(
                s["kind"] == "ServiceAccount" and s.get("namespace", self.ns) == self.ns for s in subjects
            ):
                return None
        return release

    def lists(self, declared: Mapping[str, Any]) -> bool:
        """Whether to list a kind here: always in a tenant namespace, elsewhere only what is declared."""
        return self.judge_extras or bool(declared)

    def run(self) -> None:
        if self.live is None:
            self.add(
                "AUD-NS-001",
                Severity.CRITICAL,
                f"Namespace {self.ns}",
                f"namespace {self.ns} is declared but does not exist: nothing declared in it is isolated or running",
                expected_labels=dict(self.expected.labels),
            )
            return
        if self.expected.declared:
            self.labels()
        self.network_policies()
        self.quotas()
        self.roles()
        self.role_bindings()
        self.service_accounts()
        if self.expected.databases:
            self.databases()

    # ----------------------------------------------------------------------------------- namespace

    def labels(self) -> None:
        assert self.live is not None
        observed = {str(k): str(v) for k, v in (self.live.get("metadata", {}).get("labels") or {}).items()}
        resource = f"Namespace {self.ns}"
        identity = self.expected.identity_labels
        wrong = _differences(identity, {k: observed[k] for k in identity if k in observed})
        if wrong:
            self.add(
                "AUD-NS-002",
                Severity.HIGH,
                resource,
                f"namespace {self.ns} lacks or has changed govcloud labels: policies and reports that "
                "select on them no longer see the tenant",
                labels=wrong,
            )
        psa = self.expected.pod_security_labels
        observed_psa = {k: v for k, v in observed.items() if k.startswith("pod-security.kubernetes.io/")}
        wrong_psa = _differences(psa, observed_psa)
        if wrong_psa:
            self.add(
                "AUD-NS-003",
                Severity.HIGH,
                resource,
                f"namespace {self.ns} does not enforce Pod Security as declared (restricted): privileged "
                "pods may be admitted",
                labels=wrong_psa,
            )

    # ------------------------------------------------------------------------------------- network

    def network_policies(self) -> None:
        if not self.lists(self.expected.network_policies):
            return
        live = _by_name(self.reader.network_policies(self.ns))
        self.report.count("networkPolicies", len(live))
        for name, manifest in sorted(self.expected.network_policies.items()):
            resource = f"NetworkPolicy {self.ns}/{name}"
            observed = live.get(name)
            if observed is None:
                self.add(
                    "AUD-NET-001",
                    Severity.HIGH,
                    resource,
                    f"declared NetworkPolicy {name} is missing: the traffic it governs is not as declared",
                    expected=normalize_network_policy_spec(manifest.get("spec")),
                )
                continue
            want = normalize_network_policy_spec(manifest.get("spec"))
            have = normalize_network_policy_spec(observed.get("spec"))
            if want == have:
                continue
            reasons = open_rules(observed.get("spec"))
            if reasons:
                self.add(
                    "AUD-NET-004",
                    Severity.CRITICAL,
                    resource,
                    f"NetworkPolicy {name} was changed to allow traffic to or from any address",
                    reasons=reasons,
                    declared=True,
                    expected=want,
                    observed=have,
                )
            else:
                self.add(
                    "AUD-NET-002",
                    Severity.HIGH,
                    resource,
                    f"the spec of NetworkPolicy {name} was changed out of band",
                    expected=want,
                    observed=have,
                )
        for name, observed in sorted(live.items()):
            if name in self.expected.network_policies or not self.judge_extras:
                continue
            resource = f"NetworkPolicy {self.ns}/{name}"
            have = normalize_network_policy_spec(observed.get("spec"))
            reasons = open_rules(observed.get("spec"))
            release = self.release_of(observed)
            if reasons:
                self.add(
                    "AUD-NET-004",
                    Severity.CRITICAL,
                    resource,
                    f"undeclared NetworkPolicy {name} allows traffic to or from any address",
                    reasons=reasons,
                    declared=False,
                    helmRelease=release,
                    observed=have,
                )
            elif release is None and allows_traffic(observed.get("spec")):
                self.add(
                    "AUD-NET-003",
                    Severity.MEDIUM,
                    resource,
                    f"undeclared NetworkPolicy {name} allows traffic the stack does not declare",
                    observed=have,
                )

    # -------------------------------------------------------------------------------------- quotas

    def quotas(self) -> None:
        quotas = _by_name(self.reader.resource_quotas(self.ns)) if self.lists(self.expected.resource_quotas) else {}
        self.report.count("resourceQuotas", len(quotas))
        for name, manifest in sorted(self.expected.resource_quotas.items()):
            resource = f"ResourceQuota {self.ns}/{name}"
            observed = quotas.get(name)
            if observed is None:
                self.add(
                    "AUD-QUOTA-001",
                    Severity.HIGH,
                    resource,
                    f"ResourceQuota {name} is missing: the tenant's consumption is unbounded",
                    expected=manifest.get("spec"),
                )
            elif normalize_quota_spec(manifest.get("spec")) != normalize_quota_spec(observed.get("spec")):
                want_hard = normalize_quota_spec(manifest.get("spec"))["hard"]
                have_hard = normalize_quota_spec(observed.get("spec"))["hard"]
                raw_want = (manifest.get("spec") or {}).get("hard") or {}
                raw_have = (observed.get("spec") or {}).get("hard") or {}
                changed = {
                    k: {"expected": raw_want.get(k), "observed": raw_have.get(k)}
                    for k in _differences(want_hard, have_hard)
                }
                self.add(
                    "AUD-QUOTA-002",
                    Severity.HIGH,
                    resource,
                    f"ResourceQuota {name} was changed out of band",
                    changed=changed,
                    expected=manifest.get("spec"),
                    observed=observed.get("spec"),
                )
        limits = _by_name(self.reader.limit_ranges(self.ns)) if self.lists(self.expected.limit_ranges) else {}
        self.report.count("limitRanges", len(limits))
        for name, manifest in sorted(self.expected.limit_ranges.items()):
            resource = f"LimitRange {self.ns}/{name}"
            observed = limits.get(name)
            if observed is None:
                self.add(
                    "AUD-QUOTA-003",
                    Severity.MEDIUM,
                    resource,
                    f"LimitRange {name} is missing: containers without limits fall outside the quota design",
                    expected=manifest.get("spec"),
                )
                continue
            want = normalize_limit_range_spec(manifest.get("spec"))
            have = normalize_limit_range_spec(observed.get("spec"))
            if want != have:
                self.add(
                    "AUD-QUOTA-004",
                    Severity.MEDIUM,
                    resource,
                    f"LimitRange {name} was changed out of band",
                    expected=want,
                    observed=have,
                )

    # ---------------------------------------------------------------------------------------- RBAC

    def roles(self) -> None:
        if not self.expected.roles:  # an undeclared Role grants nothing until bound: bindings are judged
            return
        live = _by_name(self.reader.roles(self.ns))
        self.report.count("roles", len(live))
        for name, manifest in sorted(self.expected.roles.items()):
            resource = f"Role {self.ns}/{name}"
            observed = live.get(name)
            if observed is None:
                self.add(
                    "AUD-RBAC-001",
                    Severity.LOW,
                    resource,
                    f"declared Role {name} is missing (its holders lack access; nothing is widened)",
                )
                continue
            want, have = normalize_rules(manifest.get("rules")), normalize_rules(observed.get("rules"))
            if want != have:
                self.add(
                    "AUD-RBAC-005",
                    Severity.HIGH,
                    resource,
                    f"the rules of Role {name} were changed out of band",
                    added=[r for r in have if r not in want],
                    removed=[r for r in want if r not in have],
                )

    def _operator_managed(self, binding: Mapping[str, Any]) -> bool:
        """CloudNativePG creates a Role and RoleBinding named after each Cluster for its instances."""
        clusters = {db.name for db in self.expected.databases}
        owners = binding.get("metadata", {}).get("ownerReferences") or []
        owner = next(
            (
                o.get("name")
                for o in owners
                if str(o.get("apiVersion", "")).startswith(f"{CNPG_GROUP}/")
                and o.get("kind") == "Cluster"
                and o.get("name") in clusters
            ),
            None,
        )
        ref = normalize_role_ref(binding.get("roleRef"))
        subjects = normalize_subjects(binding.get("subjects"))
        return (
            owner is not None
            and ref == {"apiGroup": RBAC_GROUP, "kind": "Role", "name": owner}
            and all(s["kind"] == "ServiceAccount" and s.get("namespace", self.ns) == self.ns for s in subjects)
        )

    def role_bindings(self) -> None:
        if not self.lists(self.expected.role_bindings):
            return
        live = _by_name(self.reader.role_bindings(self.ns))
        self.report.count("roleBindings", len(live))
        for name, observed in sorted(live.items()):
            declared = self.expected.role_bindings.get(name)
            if declared is None and (not self.judge_extras or self._operator_managed(observed)):
                continue
            resource = f"RoleBinding {self.ns}/{name}"
            ref = normalize_role_ref(observed.get("roleRef"))
            subjects = normalize_subjects(observed.get("subjects"))
            release = None if declared is not None else self.release_of(observed)
            privileged = ref["kind"] == "ClusterRole" and ref["name"] in PRIVILEGED_CLUSTER_ROLES
            as_declared = declared is not None and normalize_role_ref(declared.get("roleRef")) == ref
            if privileged and (self.judge_extras or not as_declared):
                self.add(
                    "AUD-RBAC-004",
                    Severity.CRITICAL,
                    resource,
                    f"RoleBinding {name} grants ClusterRole {ref['name']} in namespace {self.ns}: "
                    "its subjects can rewrite the namespace's isolation",
                    roleRef=ref,
                    subjects=subjects,
                    declared=declared is not None,
                    helmRelease=None if declared is not None else self.release_named(observed),
                )
            elif declared is None and release is None:
                self.add(
                    "AUD-RBAC-002",
                    Severity.HIGH,
                    resource,
                    f"RoleBinding {name} is not declared by the stack",
                    roleRef=ref,
                    subjects=subjects,
                )
            elif declared is not None:
                want_ref = normalize_role_ref(declared.get("roleRef"))
                want_subjects = normalize_subjects(declared.get("subjects"))
                if (want_ref, want_subjects) != (ref, subjects):
                    self.add(
                        "AUD-RBAC-003",
                        Severity.HIGH,
                        resource,
                        f"the subjects or role of RoleBinding {name} were changed out of band",
                        expected={"roleRef": want_ref, "subjects": want_subjects},
                        observed={"roleRef": ref, "subjects": subjects},
                        added=[s for s in subjects if s not in want_subjects],
                        removed=[s for s in want_subjects if s not in subjects],
                    )
        for name in sorted(set(self.expected.role_bindings) - set(live)):
            self.add(
                "AUD-RBAC-001",
                Severity.LOW,
                f"RoleBinding {self.ns}/{name}",
                f"declared RoleBinding {name} is missing (its groups lack access; nothing is widened)",
            )

    def service_accounts(self) -> None:
        """Declared ServiceAccounts: above all the namespace's ``default`` one, which must not mount API tokens."""
        if not self.expected.service_accounts:
            return
        live = _by_name(self.reader.service_accounts(self.ns))
        self.report.count("serviceAccounts", len(live))
        for name, manifest in sorted(self.expected.service_accounts.items()):
            resource = f"ServiceAccount {self.ns}/{name}"
            observed = live.get(name)
            if observed is None:
                self.add(
                    "AUD-SA-001",
                    Severity.MEDIUM,
                    resource,
                    f"declared ServiceAccount {name} is missing",
                )
                continue
            want = manifest.get("automountServiceAccountToken")
            have = observed.get("automountServiceAccountToken")
            # absent means true: the kubelet mounts a token unless the ServiceAccount or the pod says false
            if want is False and have is not False:
                self.add(
                    "AUD-SA-002",
                    Severity.HIGH,
                    resource,
                    f"ServiceAccount {name} mounts API tokens into its pods again (declared "
                    "automountServiceAccountToken: false): every pod in the namespace gets API credentials",
                    expected=want,
                    observed=have,
                )

    # ----------------------------------------------------------------------------------- databases

    def databases(self) -> None:
        clusters = self.reader.cnpg(self.ns, "clusters")
        served = clusters is not None
        live = _by_name(clusters or [])
        self.report.count("databaseClusters", len(live))
        for database in self.expected.databases:
            observed = live.get(database.name)
            resource = f"Cluster {self.ns}/{database.name}"
            if observed is None:
                self.add(
                    "AUD-DB-001",
                    Severity.CRITICAL,
                    resource,
                    f"PostgreSQL cluster {database.name} is declared but does not exist",
                    cloudnativepg_api_served=served,
                )
                continue
            self.declared_spec(database, observed, resource)
            self.health(database, observed, resource)
            self.backup_age(database, observed, resource)
        if any(db.backups for db in self.expected.databases):
            self.schedules()
        role_secrets = [s for db in self.expected.databases for s in expected_role_secrets(self.ns, db.manifest)]
        if role_secrets:  # managed roles' password Secrets, in the shape CloudNativePG reads (issue 11)
            audit_role_secrets(role_secrets, self.reader.secret_shapes(self.ns), self.add)

    def declared_spec(self, database: ExpectedDatabase, observed: Mapping[str, Any], resource: str) -> None:
        """The declared spec (instances, storage, PostgreSQL settings, backup) is what the cluster holds."""
        changed = declared_differences(database.manifest.get("spec") or {}, observed.get("spec") or {})
        if changed:
            summary = "; ".join(
                f"{k}: {v['observed']!r}, declared {v['expected']!r}" for k, v in sorted(changed.items())
            )
            self.add(
                "AUD-DB-005",
                Severity.HIGH,
                resource,
                f"PostgreSQL cluster {database.name} was changed out of band: {summary}",
                changed=changed,
            )

    def health(self, database: ExpectedDatabase, observed: Mapping[str, Any], resource: str) -> None:
        status = observed.get("status") or {}
        phase = status.get("phase")
        if phase != HEALTHY_PHASE:
            self.add(
                "AUD-DB-003",
                Severity.MEDIUM,
                resource,
                f"PostgreSQL cluster {database.name} is not healthy: {phase or 'no status reported'}",
                phase=phase,
                phaseReason=status.get("phaseReason"),
                readyInstances=status.get("readyInstances"),
                instances=status.get("instances"),
            )

    def backup_age(self, database: ExpectedDatabase, observed: Mapping[str, Any], resource: str) -> None:
        period = database.backup_period
        if period is None:
            return
        status = observed.get("status") or {}
        window = period + self.grace
        last = last_backup_time(status)
        evidence = {
            "lastSuccessfulBackup": status.get("lastSuccessfulBackup"),
            "firstRecoverabilityPoint": status.get("firstRecoverabilityPoint"),
            "schedules": [b.schedule for b in database.backups],
            "periodHours": _hours(period),
            "graceHours": _hours(self.grace),
            "auditedAt": self.now.isoformat(),
        }
        if last is not None:
            age = self.now - last
            if age > window:
                self.add(
                    "AUD-DB-002",
                    Severity.HIGH,
                    resource,
                    f"the last successful backup of {database.name} is {_hours(age)} hours old; its schedule "
                    f"allows {_hours(window)} hours ({_hours(period)} between runs + {_hours(self.grace)} grace)",
                    ageHours=_hours(age),
                    **evidence,
                )
            return
        created = parse_time(observed.get("metadata", {}).get("creationTimestamp"))
        if created is None or self.now - created > window:
            self.add(
                "AUD-DB-002",
                Severity.HIGH,
                resource,
                f"{database.name} reports no successful backup at all",
                ageHours=None,
                created=observed.get("metadata", {}).get("creationTimestamp"),
                **evidence,
            )

    def schedules(self) -> None:
        live = _by_name(self.reader.cnpg(self.ns, "scheduledbackups") or [])
        self.report.count("scheduledBackups", len(live))
        for database in self.expected.databases:
            for backup in database.backups:
                resource = f"ScheduledBackup {self.ns}/{backup.name}"
                observed = live.get(backup.name)
                if observed is None:
                    self.add(
                        "AUD-DB-004",
                        Severity.HIGH,
                        resource,
                        f"scheduled backup {backup.name} of {database.name} is missing",
                        expected_schedule=backup.schedule,
                    )
                    continue
                spec = observed.get("spec") or {}
                problems = []
                if spec.get("suspend"):
                    problems.append("suspended")
                if " ".join(str(spec.get("schedule", "")).split()) != " ".join(backup.schedule.split()):
                    problems.append(f"schedule is {spec.get('schedule')!r}, declared {backup.schedule!r}")
                if (spec.get("cluster") or {}).get("name") != backup.cluster:
                    problems.append(
                        f"backs up cluster {(spec.get('cluster') or {}).get('name')!r}, declared {backup.cluster!r}"
                    )
                if problems:
                    self.add(
                        "AUD-DB-004",
                        Severity.HIGH,
                        resource,
                        f"scheduled backup {backup.name}: " + "; ".join(problems),
                        problems=problems,
                        observed=spec,
                    )
