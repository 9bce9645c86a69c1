"""The one table of tenant object kinds: what the audit compares with the live cluster and the report counts.

Each row says everything govcloud needs about one namespaced kind the plan declares:

* ``api_version`` and ``kind``: how the plan's objects of the kind are recognized (``expected.py``);
* ``plural`` and ``listing``: how the live ones are listed (one GET of
  ``/api[s]/<apiVersion>/namespaces/<ns>/<plural>``) and where: in every tenant namespace, where an undeclared
  object is judged too, or only where the plan declares one;
* ``normalize`` (and ``differs``): how a declared and a live object are made comparable (``normalize.py``);
* ``missing``, ``changed``, ``extra``: the finding for a declared object that is absent, one that differs,
  and one that runs in a tenant namespace without being declared (and without a declared chart that names
  it so); ``escalations`` outrank them, for an object that opens isolation outright whatever was declared;
* ``en`` / ``th``: the kind's name in the auditors' report, which counts each tenant's declared objects of
  every row and lists every row's codes with their meaning.

``kubernetes_side.py`` and ``govcloud.report`` iterate this table; neither names a tenant kind. Adding an
audited kind is a builder in ``govcloud/manifests``, one ``declare`` line in a component and one row here.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Final

from govcloud.audit.findings import Finding, FindingCode, Severity
from govcloud.audit.normalize import (
    RBAC_GROUP,
    allows_traffic,
    flat_differences,
    normalize_limit_range_spec,
    normalize_network_policy_spec,
    normalize_quota_spec,
    normalize_role_ref,
    normalize_rules,
    normalize_subjects,
    open_rules,
)
from govcloud.policy.baseline import PRIVILEGED_CLUSTER_ROLES

Manifest = dict[str, Any]
CNPG_API_VERSION: Final = "postgresql.cnpg.io/v1"


class Listing(Enum):
    """Where the audit lists a kind's live objects."""

    TENANT = "tenant"
    """In every tenant namespace (an undeclared object is judged there) and wherever the plan declares one."""
    DECLARED = "declared"
    """Only where the plan declares one: an undeclared object of the kind does nothing by itself."""


@dataclass(frozen=True)
class Scope:
    """The namespace being audited, as a row's hooks may see it."""

    namespace: str
    tenant: str | None
    strict: bool
    """A tenant namespace: undeclared objects are judged (platform namespaces also hold what charts make)."""
    databases: frozenset[str] = frozenset()
    """The CloudNativePG clusters declared here: the operator creates objects named after them."""
    declared: Mapping[tuple[str, str], Mapping[str, Manifest]] = field(default_factory=dict, hash=False)
    """Every object of the table's kinds declared here, by ``(apiVersion, kind)`` and name: what an undeclared
    object may compete with (two BackendTLSPolicies for one backend)."""


@dataclass(frozen=True)
class Compared:
    """One object as the audit compares it: declared and live, raw and normalized (None where absent)."""

    scope: Scope
    name: str
    declared: Manifest | None
    live: Manifest | None
    want: Any
    have: Any
    changed: bool
    """Declared, live, and different by the row's ``differs``."""
    release: str | None = None
    """For an undeclared live object: the declared Helm release whose chart names objects like it."""


def _nothing(_: Compared) -> Mapping[str, Any]:
    return {}


def _always(_: Compared) -> bool:
    return True


@dataclass(frozen=True)
class Outcome:
    """One way a comparison can end: the code, how bad, the message and the evidence an auditor checks."""

    code: FindingCode
    severity: Severity
    message: str
    """``str.format`` text with ``{name}``, ``{namespace}``, ``{want}`` and ``{have}``."""
    evidence: Callable[[Compared], Mapping[str, Any]] = _nothing
    applies: Callable[[Compared], bool] = _always

    def finding(self, compared: Compared, resource: str) -> Finding:
        message = self.message.format(
            name=compared.name, namespace=compared.scope.namespace, want=compared.want, have=compared.have
        )
        return Finding(self.code.code, self.severity, compared.scope.tenant, resource, message, self.evidence(compared))


def _never(_: Manifest, __: Scope) -> bool:
    return False


@dataclass(frozen=True)
class TenantKind:
    """One audited kind of namespaced object the plan declares (see the module docstring for each field)."""

    api_version: str
    kind: str
    plural: str
    attribute: str
    """Its name on ``ExpectedNamespace`` (``network_policies``) and, in camelCase, in the audit's counts."""
    listing: Listing
    normalize: Callable[[Manifest], Any]
    missing: Outcome
    changed: Outcome | None
    extra: Outcome | None
    en: str
    th: str
    escalations: tuple[Outcome, ...] = ()
    differs: Callable[[Any, Any], bool] = operator.ne
    ignore: Callable[[Manifest, Scope], bool] = _never
    """An undeclared live object that is not judged at all (for example one an operator makes)."""

    @property
    def key(self) -> tuple[str, str]:
        return self.api_version, self.kind

    @property
    def scanned(self) -> str:
        head, *rest = self.attribute.split("_")
        return head + "".join(part.capitalize() for part in rest)

    def path(self) -> str:
        """The list path of the kind in one namespace: the core group under ``/api/v1``, a named group under
        ``/apis/<group>/<version>`` (kubernetes/website ``content/en/docs/reference/using-api/api-concepts.md``:
        the collection paths under "Kubernetes API terminology")."""
        root = "/api" if "/" not in self.api_version else "/apis"
        return f"{root}/{self.api_version}/namespaces/{{namespace}}/{self.plural}"

    def resource(self, namespace: str, name: str) -> str:
        return f"{self.kind} {namespace}/{name}"

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        return (self.missing, *(o for o in (self.changed, self.extra) if o is not None), *self.escalations)


# ---------------------------------------------------------------------------------- the finding codes

NET_MISSING = FindingCode(
    "AUD-NET-001", "isolated", "A declared NetworkPolicy is missing.", "ไม่มี NetworkPolicy ที่ประกาศไว้"
)
NET_CHANGED = FindingCode(
    "AUD-NET-002", "isolated", "A NetworkPolicy was changed out of band.", "NetworkPolicy ถูกแก้ไขนอกกระบวนการ"
)
NET_EXTRA = FindingCode(
    "AUD-NET-003",
    "isolated",
    "An undeclared NetworkPolicy allows traffic the stack does not declare.",
    "มี NetworkPolicy ที่ไม่ได้ประกาศ อนุญาตการรับส่งที่ stack ไม่ได้กำหนด",
)
NET_OPEN = FindingCode(
    "AUD-NET-004",
    "isolated",
    "A NetworkPolicy allows traffic to or from any address.",
    "NetworkPolicy อนุญาตการรับส่งกับทุกที่อยู่",
)
QUOTA_MISSING = FindingCode(
    "AUD-QUOTA-001", "quotaBound", "A tenant's ResourceQuota is missing.", "ไม่มี ResourceQuota ของหน่วยงาน"
)
QUOTA_CHANGED = FindingCode(
    "AUD-QUOTA-002", "quotaBound", "A ResourceQuota was changed out of band.", "ResourceQuota ถูกแก้ไขนอกกระบวนการ"
)
LIMITS_MISSING = FindingCode(
    "AUD-QUOTA-003", "quotaBound", "A tenant's LimitRange is missing.", "ไม่มี LimitRange ของหน่วยงาน"
)
LIMITS_CHANGED = FindingCode(
    "AUD-QUOTA-004", "quotaBound", "A LimitRange was changed out of band.", "LimitRange ถูกแก้ไขนอกกระบวนการ"
)
RBAC_MISSING = FindingCode(
    "AUD-RBAC-001",
    None,
    "A declared Role or RoleBinding is missing (access is narrower, not wider).",
    "ไม่มี Role หรือ RoleBinding ที่ประกาศไว้ (สิทธิ์แคบลง ไม่ได้กว้างขึ้น)",
)
BINDING_EXTRA = FindingCode(
    "AUD-RBAC-002", "isolated", "A RoleBinding is not declared by the stack.", "มี RoleBinding ที่ stack ไม่ได้ประกาศไว้"
)
BINDING_CHANGED = FindingCode(
    "AUD-RBAC-003",
    "isolated",
    "A RoleBinding's subjects or role were changed out of band.",
    "ผู้ได้รับสิทธิ์หรือบทบาทของ RoleBinding ถูกแก้ไขนอกกระบวนการ",
)
BINDING_PRIVILEGED = FindingCode(
    "AUD-RBAC-004",
    "isolated",
    "A RoleBinding grants a ClusterRole inside a tenant namespace.",
    "RoleBinding มอบ ClusterRole ภายใน namespace ของหน่วยงาน",
)
ROLE_CHANGED = FindingCode(
    "AUD-RBAC-005", "isolated", "A Role's rules were changed out of band.", "กฎของ Role ถูกแก้ไขนอกกระบวนการ"
)
ACCOUNT_MISSING = FindingCode(
    "AUD-SA-001", None, "A declared ServiceAccount is missing.", "ไม่มี ServiceAccount ที่ประกาศไว้"
)
BACKEND_TLS = FindingCode(
    "AUD-TLS-003",
    "encrypted",
    "A BackendTLSPolicy is missing or changed: an HTTPS backend is reached without verifying it against the site CA.",
    "BackendTLSPolicy หายไปหรือถูกแก้ไข: gateway เชื่อมต่อบริการ HTTPS เบื้องหลังโดยไม่ตรวจสอบกับ CA ของศูนย์",
)
BACKEND_TLS_EXTRA = FindingCode(
    "AUD-TLS-004",
    "encrypted",
    "A BackendTLSPolicy not declared by the stack sets how the gateway verifies an HTTPS backend.",
    "มี BackendTLSPolicy ที่ stack ไม่ได้ประกาศไว้ กำหนดวิธีที่ gateway ตรวจสอบบริการ HTTPS เบื้องหลัง",
)
ACCOUNT_TOKENS = FindingCode(
    "AUD-SA-002",
    "isolated",
    "A ServiceAccount mounts API tokens into its pods again.",
    "ServiceAccount กลับมาเมานต์โทเคน API ในพ็อด",
)


# ----------------------------------------------------------------------------- the rows' small readings


def _declared_spec(c: Compared) -> Any:
    return (c.declared or {}).get("spec")


def _live_spec(c: Compared) -> Any:
    return (c.live or {}).get("spec")


def _expected_observed(c: Compared) -> Mapping[str, Any]:
    return {"expected": c.want, "observed": c.have}


def _open(c: Compared) -> list[str]:
    return open_rules(_live_spec(c))


def _quota_changes(c: Compared) -> Mapping[str, Any]:
    """The changed hard limits as written on each side (the comparison itself is by value)."""
    raw_want = (_declared_spec(c) or {}).get("hard") or {}
    raw_have = (_live_spec(c) or {}).get("hard") or {}
    changed = {
        k: {"expected": raw_want.get(k), "observed": raw_have.get(k)}
        for k in flat_differences(c.want["hard"], c.have["hard"])
    }
    return {"changed": changed, "expected": _declared_spec(c), "observed": _live_spec(c)}


def _binding(manifest: Manifest) -> dict[str, Any]:
    ref, subjects = normalize_role_ref(manifest.get("roleRef")), normalize_subjects(manifest.get("subjects"))
    return {"roleRef": ref, "subjects": subjects}


def _privileged(c: Compared) -> bool:
    """A binding to a ClusterRole that can rewrite the namespace's isolation, unless declared so (platform only)."""
    ref = c.have["roleRef"]
    as_declared = c.declared is not None and c.want["roleRef"] == ref
    privileged = ref["kind"] == "ClusterRole" and ref["name"] in PRIVILEGED_CLUSTER_ROLES
    return privileged and (c.scope.strict or not as_declared)


def _operator_managed(binding: Manifest, scope: Scope) -> bool:
    """CloudNativePG creates a Role and RoleBinding named after each Cluster for its instances."""
    owners = binding.get("metadata", {}).get("ownerReferences") or []
    owner = next(
        (
            o.get("name")
            for o in owners
            if str(o.get("apiVersion", "")).startswith(f"{CNPG_API_VERSION.split('/')[0]}/")
            and o.get("kind") == "Cluster"
            and o.get("name") in scope.databases
        ),
        None,
    )
    subjects = normalize_subjects(binding.get("subjects"))
    here = scope.namespace
    return (
        owner is not None
        and normalize_role_ref(binding.get("roleRef")) == {"apiGroup": RBAC_GROUP, "kind": "Role", "name": owner}
        and all(s["kind"] == "ServiceAccount" and s.get("namespace", here) == here for s in subjects)
    )


def _added_removed(key: str | None = None) -> Callable[[Compared], dict[str, Any]]:
    def evidence(c: Compared) -> dict[str, Any]:
        want, have = (c.want, c.have) if key is None else (c.want[key], c.have[key])
        return {"added": [x for x in have if x not in want], "removed": [x for x in want if x not in have]}

    return evidence


def _tokens_mounted_again(want: Any, have: Any) -> bool:
    # absent means true: the kubelet mounts a token unless the ServiceAccount or the pod says false
    return want is False and have is not False


BACKEND_TLS_KEY: Final = ("gateway.networking.k8s.io/v1", "BackendTLSPolicy")
BACKEND_TLS_COMPARED: Final = ("targetRefs", "validation")
"""What a BackendTLSPolicy decides: the Service port it applies to, and the hostname and CA references (or
well-known CAs) the backend's certificate is verified with. ``options`` and ``status`` are not compared."""


def _backend_tls(manifest: Manifest) -> dict[str, Any]:
    spec = manifest.get("spec") or {}
    return {key: spec.get(key) for key in BACKEND_TLS_COMPARED}


def _backend_tls_evidence(c: Compared) -> Mapping[str, Any]:
    return {"declared": _declared_spec(c), "live": _live_spec(c)}


def _overlap(one: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    """Two targetRefs select one target: the same Service, and the same port or either the whole Service."""
    same = all(one.get(k) == other.get(k) for k in ("group", "kind", "name"))
    sections = one.get("sectionName"), other.get("sectionName")
    return same and (sections[0] == sections[1] or None in sections)


def _competes_with(c: Compared) -> list[str]:
    """The declared BackendTLSPolicies here whose target an undeclared one also selects.

    Gateway API v1.6.1 (kubernetes-sigs/gateway-api ``config/crd/standard/
    gateway.networking.k8s.io_backendtlspolicies.yaml``, ``spec.targetRefs``): when two policies select one
    target and sectionName, the older by creation timestamp takes precedence, then ``{namespace}/{name}`` in
    alphabetical order. So an undeclared one replaces the declared verification as soon as it is the older
    (the declared one recreated) or sorts first on a tie.
    """
    if c.declared is not None or c.live is None:
        return []
    refs = (_live_spec(c) or {}).get("targetRefs") or []
    declared = c.scope.declared.get(BACKEND_TLS_KEY, {})
    return sorted(
        name
        for name, manifest in declared.items()
        if any(_overlap(r, d) for r in refs for d in (manifest.get("spec") or {}).get("targetRefs") or [])
    )


# ------------------------------------------------------------------------------------------- the table

NETWORK_POLICY: Final = TenantKind(
    api_version="networking.k8s.io/v1",
    kind="NetworkPolicy",
    plural="networkpolicies",
    attribute="network_policies",
    listing=Listing.TENANT,
    normalize=lambda m: normalize_network_policy_spec(m.get("spec")),
    missing=Outcome(
        NET_MISSING,
        Severity.HIGH,
        "declared NetworkPolicy {name} is missing: the traffic it governs is not as declared",
        lambda c: {"expected": c.want},
    ),
    changed=Outcome(
        NET_CHANGED, Severity.HIGH, "the spec of NetworkPolicy {name} was changed out of band", _expected_observed
    ),
    extra=Outcome(
        NET_EXTRA,
        Severity.MEDIUM,
        "undeclared NetworkPolicy {name} allows traffic the stack does not declare",
        lambda c: {"observed": c.have},
        applies=lambda c: allows_traffic(_live_spec(c)),
    ),
    escalations=(
        Outcome(
            NET_OPEN,
            Severity.CRITICAL,
            "NetworkPolicy {name} was changed to allow traffic to or from any address",
            lambda c: {"reasons": _open(c), "declared": True, "expected": c.want, "observed": c.have},
            applies=lambda c: c.changed and bool(_open(c)),
        ),
        Outcome(
            NET_OPEN,
            Severity.CRITICAL,
            "undeclared NetworkPolicy {name} allows traffic to or from any address",
            lambda c: {"reasons": _open(c), "declared": False, "helmRelease": c.release, "observed": c.have},
            applies=lambda c: c.declared is None and bool(_open(c)),
        ),
    ),
    en="NetworkPolicies",
    th="นโยบายเครือข่าย (NetworkPolicy)",
)

RESOURCE_QUOTA: Final = TenantKind(
    api_version="v1",
    kind="ResourceQuota",
    plural="resourcequotas",
    attribute="resource_quotas",
    listing=Listing.TENANT,
    normalize=lambda m: normalize_quota_spec(m.get("spec")),
    missing=Outcome(
        QUOTA_MISSING,
        Severity.HIGH,
        "ResourceQuota {name} is missing: the tenant's consumption is unbounded",
        lambda c: {"expected": _declared_spec(c)},
    ),
    changed=Outcome(QUOTA_CHANGED, Severity.HIGH, "ResourceQuota {name} was changed out of band", _quota_changes),
    extra=None,
    en="ResourceQuotas",
    th="โควตาทรัพยากร (ResourceQuota)",
)

LIMIT_RANGE: Final = TenantKind(
    api_version="v1",
    kind="LimitRange",
    plural="limitranges",
    attribute="limit_ranges",
    listing=Listing.TENANT,
    normalize=lambda m: normalize_limit_range_spec(m.get("spec")),
    missing=Outcome(
        LIMITS_MISSING,
        Severity.MEDIUM,
        "LimitRange {name} is missing: containers without limits fall outside the quota design",
        lambda c: {"expected": _declared_spec(c)},
    ),
    changed=Outcome(LIMITS_CHANGED, Severity.MEDIUM, "LimitRange {name} was changed out of band", _expected_observed),
    extra=None,
    en="LimitRanges",
    th="ขีดจำกัดเริ่มต้นของคอนเทนเนอร์ (LimitRange)",
)

ROLE: Final = TenantKind(
    api_version="rbac.authorization.k8s.io/v1",
    kind="Role",
    plural="roles",
    attribute="roles",
    listing=Listing.DECLARED,  # an undeclared Role grants nothing until bound: bindings are judged
    normalize=lambda m: normalize_rules(m.get("rules")),
    missing=Outcome(
        RBAC_MISSING, Severity.LOW, "declared Role {name} is missing (its holders lack access; nothing is widened)"
    ),
    changed=Outcome(ROLE_CHANGED, Severity.HIGH, "the rules of Role {name} were changed out of band", _added_removed()),
    extra=None,
    en="Roles",
    th="บทบาท (Role)",
)

ROLE_BINDING: Final = TenantKind(
    api_version="rbac.authorization.k8s.io/v1",
    kind="RoleBinding",
    plural="rolebindings",
    attribute="role_bindings",
    listing=Listing.TENANT,
    normalize=_binding,
    missing=Outcome(
        RBAC_MISSING,
        Severity.LOW,
        "declared RoleBinding {name} is missing (its groups lack access; nothing is widened)",
    ),
    changed=Outcome(
        BINDING_CHANGED,
        Severity.HIGH,
        "the subjects or role of RoleBinding {name} were changed out of band",
        lambda c: {"expected": c.want, "observed": c.have, **_added_removed("subjects")(c)},
    ),
    extra=Outcome(
        BINDING_EXTRA, Severity.HIGH, "RoleBinding {name} is not declared by the stack", lambda c: dict(c.have)
    ),
    escalations=(
        Outcome(
            BINDING_PRIVILEGED,
            Severity.CRITICAL,
            "RoleBinding {name} grants ClusterRole {have[roleRef][name]} in namespace {namespace}: "
            "its subjects can rewrite the namespace's isolation",
            lambda c: {**c.have, "declared": c.declared is not None, "helmRelease": c.release},
            applies=_privileged,
        ),
    ),
    ignore=_operator_managed,
    en="RoleBindings",
    th="การผูกบทบาท (RoleBinding)",
)

SERVICE_ACCOUNT: Final = TenantKind(
    api_version="v1",
    kind="ServiceAccount",
    plural="serviceaccounts",
    attribute="service_accounts",
    listing=Listing.DECLARED,  # above all the namespace's ``default`` one, which must not mount API tokens
    normalize=lambda m: m.get("automountServiceAccountToken"),
    differs=_tokens_mounted_again,
    missing=Outcome(ACCOUNT_MISSING, Severity.MEDIUM, "declared ServiceAccount {name} is missing"),
    changed=Outcome(
        ACCOUNT_TOKENS,
        Severity.HIGH,
        "ServiceAccount {name} mounts API tokens into its pods again (declared automountServiceAccountToken: "
        "false): every pod in the namespace gets API credentials",
        _expected_observed,
    ),
    extra=None,
    en="ServiceAccounts",
    th="บัญชีบริการ (ServiceAccount)",
)

BACKEND_TLS_POLICY: Final = TenantKind(
    api_version=BACKEND_TLS_KEY[0],
    kind=BACKEND_TLS_KEY[1],
    plural="backendtlspolicies",
    attribute="backend_tls_policies",
    # Declared only for a tenant's Trino UI (govcloud.manifests.gateway.backend_tls_policy); an undeclared one
    # elsewhere only sets TLS towards that tenant's own Services (its targetRefs are local to its namespace).
    listing=Listing.DECLARED,
    normalize=_backend_tls,
    missing=Outcome(
        BACKEND_TLS,
        Severity.HIGH,
        "BackendTLSPolicy {namespace}/{name} is declared but missing: the gateway reaches that HTTPS backend "
        "unverified, or not at all",
        _backend_tls_evidence,
    ),
    changed=Outcome(
        BACKEND_TLS,
        Severity.HIGH,
        "BackendTLSPolicy {namespace}/{name} targets or validates other than declared: the gateway reaches that "
        "HTTPS backend unverified, or not at all",
        _backend_tls_evidence,
    ),
    extra=Outcome(
        BACKEND_TLS_EXTRA,
        Severity.MEDIUM,
        "undeclared BackendTLSPolicy {name} sets how the gateway verifies a backend of namespace {namespace}",
        lambda c: {"observed": c.have, "helmRelease": c.release},
    ),
    escalations=(
        Outcome(
            BACKEND_TLS_EXTRA,
            Severity.HIGH,
            "undeclared BackendTLSPolicy {name} selects the backend of a declared one: the older takes precedence, "
            "so the gateway may verify that backend against another CA or name",
            lambda c: {"observed": c.have, "competesWith": _competes_with(c), "helmRelease": c.release},
            applies=lambda c: bool(_competes_with(c)),
        ),
    ),
    en="BackendTLSPolicies",
    th="นโยบาย TLS ถึงบริการเบื้องหลัง (BackendTLSPolicy)",
)

TENANT_KINDS: tuple[TenantKind, ...] = (
    NETWORK_POLICY,
    RESOURCE_QUOTA,
    LIMIT_RANGE,
    ROLE,
    ROLE_BINDING,
    SERVICE_ACCOUNT,
    BACKEND_TLS_POLICY,
)
"""Every audited tenant kind, in the order the audit checks them. Read it as ``kinds.TENANT_KINDS`` (the
module attribute, at call time), so a test can audit a kind of its own by adding a row."""


def kind_of(key: tuple[str, str]) -> TenantKind | None:
    """The row of an ``(apiVersion, kind)``; None for a kind the table does not audit."""
    return next((row for row in TENANT_KINDS if row.key == key), None)


def kind_codes() -> list[FindingCode]:
    """Every finding code the rows can raise, once each, ordered by code."""
    codes: dict[str, FindingCode] = {}
    for row in TENANT_KINDS:
        for outcome in row.outcomes:
            codes.setdefault(outcome.code.code, outcome.code)
    return [codes[code] for code in sorted(codes)]
