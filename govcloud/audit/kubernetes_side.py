"""The Kubernetes half of the audit: read the live cluster and compare it with the declared objects.

Live objects are read as the API server's JSON, so they compare directly with the plain manifests the plan
holds; how each side is made comparable is ``normalize.py``'s. The tenant kinds (NetworkPolicies, quotas,
RBAC, ServiceAccounts, ...) are compared by one loop over the kind table (``govcloud.audit.kinds``), which
says for each how to list it, how to normalize it and what a missing, changed or undeclared object ends in.
What is not a row of the table is audited here by name: namespaces and their labels, ClusterRoleBindings
that reach a tenant, and the CloudNativePG databases with their backups and role Secrets.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from kubernetes.client import ApiClient, CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api
from kubernetes.client.exceptions import ApiException

from govcloud.audit import kinds
from govcloud.audit.expected import (
    ExpectedDatabase,
    ExpectedNamespace,
    ExpectedState,
    ScanReport,
)
from govcloud.audit.findings import Finding, Severity
from govcloud.audit.kinds import CNPG_API_VERSION, Compared, Listing, Scope, TenantKind
from govcloud.audit.normalize import (  # re-exported: the audit's readers and tests import them from here
    allows_traffic,
    declared_differences,
    flat_differences,
    normalize_limit_range_spec,
    normalize_network_policy_spec,
    normalize_quota_spec,
    normalize_role_ref,
    normalize_rules,
    normalize_subjects,
    open_rules,
)
from govcloud.audit.role_secrets import SecretShape, audit_role_secrets, expected_role_secrets, secret_shape
from govcloud.naming import MANAGED_BY, TENANT_LABEL
from govcloud.policy.baseline import PRIVILEGED_CLUSTER_ROLES

__all__ = [
    "BACKUP_GRACE",
    "ClusterReader",
    "allows_traffic",
    "audit_kubernetes",
    "declared_differences",
    "last_backup_time",
    "normalize_limit_range_spec",
    "normalize_network_policy_spec",
    "normalize_quota_spec",
    "normalize_role_ref",
    "normalize_rules",
    "normalize_subjects",
    "open_rules",
    "parse_time",
]

Progress = Callable[[str], None]

HEALTHY_PHASE: Final = "Cluster in healthy state"
BACKUP_GRACE: Final = dt.timedelta(hours=6)
"""How late a scheduled backup may finish (a large base backup takes hours) before it counts as missed."""
CNPG_GROUP, CNPG_VERSION = CNPG_API_VERSION.split("/")


def _finding(
    code: str, severity: Severity, tenant: str | None, resource: str, message: str, **evidence: Any
) -> Finding:
    return Finding(code, severity, tenant, resource, message, evidence)


# --------------------------------------------------------------------------------------------- reading


class ClusterReader:
    """List calls against the live API server, returning the server's JSON objects.

    Each is the official client's list call with ``_preload_content=False`` (the JSON as the server sent it),
    which every client version the project allows makes the same way. A row of the kind table is listed by
    its apiVersion and plural alone: a named group (built-in or an operator's) through ``CustomObjectsApi``,
    which GETs ``/apis/<group>/<version>/namespaces/<ns>/<plural>`` for any group; the core group through
    ``CoreV1Api.list_namespaced_<kind in snake case>``, the generated client's name for every core list.
    (kubernetes-client/python: ``kubernetes/client/api/custom_objects_api.py`` and ``core_v1_api.py``; the
    lower-level ``ApiClient.param_serialize`` exists only since the OpenAPI-Generator clients, not in the
    python-legacy ``api_client.py`` of the older versions ``kubernetes>=30`` admits.)
    """

    def __init__(self, api: ApiClient) -> None:
        self.core = CoreV1Api(api)
        self.rbac = RbacAuthorizationV1Api(api)
        self.custom = CustomObjectsApi(api)

    @staticmethod
    def _items(call: Callable[..., Any], *args: str) -> list[dict[str, Any]]:
        response = call(*args, _preload_content=False)
        document = json.loads(response.data)
        return [dict(item) for item in document.get("items") or []]

    def namespaces(self) -> list[dict[str, Any]]:
        return self._items(self.core.list_namespace)

    def kind(self, row: TenantKind, namespace: str) -> list[dict[str, Any]]:
        """The live objects of one row of the kind table in one namespace.

        A 404 means the cluster does not serve the kind's API (an operator's CRD not installed): then there
        are none, and every declared one is reported missing. A namespace without objects answers 200.
        """
        if "/" not in row.api_version:
            return self._items(getattr(self.core, f"list_namespaced_{_snake(row.kind)}"), namespace)
        group, version = row.api_version.split("/")
        try:
            return self._items(self.custom.list_namespaced_custom_object, group, version, namespace, row.plural)
        except ApiException as error:
            if error.status == 404:
                return []
            raise

    def cluster_role_bindings(self) -> list[dict[str, Any]]:
        return self._items(self.rbac.list_cluster_role_binding)

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


def _snake(kind: str) -> str:
    """``ResourceQuota`` -> ``resource_quota``: how the generated client names a kind in its methods."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", kind).lower()


def _by_name(items: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(i.get("metadata", {}).get("name")): dict(i) for i in items}


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
        databases = frozenset(db.name for db in expected.databases)
        self.scope = Scope(self.ns, self.tenant, self.judge_extras, databases, expected.objects)

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
        for row in kinds.TENANT_KINDS:
            self.kind(row)
        if self.expected.databases:
            self.databases()

    # ----------------------------------------------------------------------------------- namespace

    def labels(self) -> None:
        assert self.live is not None
        observed = {str(k): str(v) for k, v in (self.live.get("metadata", {}).get("labels") or {}).items()}
        resource = f"Namespace {self.ns}"
        identity = self.expected.identity_labels
        wrong = flat_differences(identity, {k: observed[k] for k in identity if k in observed})
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
        wrong_psa = flat_differences(psa, observed_psa)
        if wrong_psa:
            self.add(
                "AUD-NS-003",
                Severity.HIGH,
                resource,
                f"namespace {self.ns} does not enforce Pod Security as declared (restricted): privileged "
                "pods may be admitted",
                labels=wrong_psa,
            )

    # ------------------------------------------------------------------------------ the tenant kinds

    def lists(self, row: TenantKind) -> bool:
        """Whether to list a kind here: where the plan declares one, and for most kinds in every tenant
        namespace, where an undeclared object is judged too."""
        return bool(self.expected.objects_of(row)) or (self.judge_extras and row.listing is Listing.TENANT)

    def kind(self, row: TenantKind) -> None:
        """One row of the kind table: every live object against the declared one, then the missing ones.

        An undeclared object is judged in tenant namespaces only, unless the row ignores it (an operator's);
        an escalation (an object that opens isolation outright) outranks every other outcome; an undeclared
        object a declared chart names so is not reported as extra.
        """
        if not self.lists(row):
            return
        declared = self.expected.objects_of(row)
        live = _by_name(self.reader.kind(row, self.ns))
        self.report.count(row.scanned, len(live))
        for name, observed in sorted(live.items()):
            manifest = declared.get(name)
            if manifest is None and (not self.judge_extras or row.ignore(observed, self.scope)):
                continue
            want = None if manifest is None else row.normalize(manifest)
            have = row.normalize(observed)
            compared = Compared(
                self.scope,
                name,
                manifest,
                observed,
                want,
                have,
                changed=manifest is not None and row.differs(want, have),
                release=self.release_named(observed) if manifest is None else None,
            )
            outcome = next((o for o in row.escalations if o.applies(compared)), None)
            if outcome is None and manifest is None and self.release_of(observed) is None:
                outcome = row.extra
            elif outcome is None and compared.changed:
                outcome = row.changed
            if outcome is not None and outcome.applies(compared):
                self.report.findings.append(outcome.finding(compared, row.resource(self.ns, name)))
        for name in sorted(set(declared) - set(live)):
            manifest = declared[name]
            missing = Compared(self.scope, name, manifest, None, row.normalize(manifest), None, changed=False)
            self.report.findings.append(row.missing.finding(missing, row.resource(self.ns, name)))

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
