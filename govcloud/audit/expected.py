"""What the live platform must hold, derived purely from a ``plan.json`` document.

The audit never re-derives anything from the tenant files: the plan is the one statement of what the
stack declares (the same objects ``pulumi up`` applies), so what is audited is exactly what was approved.
Everything here is pure, so both audit sides and the tests share one reading of the plan.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from govcloud.audit.findings import Finding
from govcloud.contract.problems import UsageError
from govcloud.naming import TENANT_LABEL
from govcloud.storage.specs import BUCKET_TYPE, STORAGE_IDENTITY_TYPE, BucketSpec, ReadGrant, spec_from_props
from govcloud.synth.plan import is_kubernetes_object, owning_tenant

Manifest = dict[str, Any]

NAMESPACE_KIND: Final = ("v1", "Namespace")
NETWORK_POLICY_KIND: Final = ("networking.k8s.io/v1", "NetworkPolicy")
RESOURCE_QUOTA_KIND: Final = ("v1", "ResourceQuota")
LIMIT_RANGE_KIND: Final = ("v1", "LimitRange")
ROLE_KIND: Final = ("rbac.authorization.k8s.io/v1", "Role")
ROLE_BINDING_KIND: Final = ("rbac.authorization.k8s.io/v1", "RoleBinding")
CLUSTER_ROLE_BINDING_KIND: Final = ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding")
SERVICE_ACCOUNT_KIND: Final = ("v1", "ServiceAccount")
CNPG_API_VERSION: Final = "postgresql.cnpg.io/v1"
CNPG_CLUSTER_KIND: Final = (CNPG_API_VERSION, "Cluster")
CNPG_BACKUP_KIND: Final = (CNPG_API_VERSION, "ScheduledBackup")
POD_SECURITY_PREFIX: Final = "pod-security.kubernetes.io/"
HELM_RELEASE_TYPE: Final = "kubernetes:helm.sh/v3:Release"
UNKNOWN: Final = "[unknown]"
SCHEDULE_WINDOW_DAYS: Final = 8 * 366
"""Fire times are enumerated over eight years, so even a leap-day schedule shows its real period."""


# ------------------------------------------------------------------------------------------ data types


@dataclass(frozen=True)
class ExpectedBackup:
    """A declared CNPG ``ScheduledBackup`` and how often it must produce a backup."""

    name: str
    cluster: str
    schedule: str
    period: dt.timedelta | None
    """Longest gap between two scheduled runs; None when the schedule cannot be read."""


@dataclass(frozen=True)
class ExpectedDatabase:
    """A declared CNPG ``Cluster`` with the backups scheduled for it."""

    namespace: str
    name: str
    manifest: Manifest
    backups: tuple[ExpectedBackup, ...] = ()

    @property
    def backup_period(self) -> dt.timedelta | None:
        """The tightest declared backup period (the window a successful backup must fall in)."""
        periods = [b.period for b in self.backups if b.period is not None]
        return min(periods) if periods else None


@dataclass(frozen=True)
class ExpectedNamespace:
    """One namespace and every object the plan declares in it, by name."""

    name: str
    tenant: str | None
    declared: bool
    """Whether the plan declares the Namespace itself (it is then missing when absent)."""
    labels: Mapping[str, str] = field(default_factory=dict)
    network_policies: Mapping[str, Manifest] = field(default_factory=dict)
    resource_quotas: Mapping[str, Manifest] = field(default_factory=dict)
    limit_ranges: Mapping[str, Manifest] = field(default_factory=dict)
    roles: Mapping[str, Manifest] = field(default_factory=dict)
    role_bindings: Mapping[str, Manifest] = field(default_factory=dict)
    service_accounts: Mapping[str, Manifest] = field(default_factory=dict)
    databases: tuple[ExpectedDatabase, ...] = ()
    helm_releases: frozenset[str] = frozenset()
    """Helm releases the plan installs here: the objects their charts create are declared with them.

    This, from the plan, is what decides whether an undeclared object may be chart-made; never anything a
    tenant can write (a ``meta.helm.sh/*`` annotation, a Helm release Secret in its own namespace).
    """

    @property
    def pod_security_labels(self) -> dict[str, str]:
        return {k: v for k, v in self.labels.items() if k.startswith(POD_SECURITY_PREFIX)}

    @property
    def identity_labels(self) -> dict[str, str]:
        """The govcloud labels (tenant, agency, classification, ...) auditors and policies select on."""
        return {k: v for k, v in self.labels.items() if not k.startswith(POD_SECURITY_PREFIX)}


@dataclass(frozen=True)
class ExpectedBucket:
    spec: BucketSpec
    tenant: str | None


@dataclass(frozen=True)
class ExpectedIdentity:
    """A tenant's storage identity: its own buckets and the read grants of active agreements."""

    user_name: str
    tenant: str | None
    bucket_names: tuple[str, ...]
    read_grants: tuple[ReadGrant, ...]


@dataclass(frozen=True)
class ExpectedState:
    """Everything the audit compares the live platform with."""

    stack: str
    site: str
    tenants: tuple[str, ...]
    namespaces: Mapping[str, ExpectedNamespace]
    buckets: tuple[ExpectedBucket, ...]
    identities: tuple[ExpectedIdentity, ...]
    active_agreements: tuple[str, ...]
    cluster_role_bindings: Mapping[str, Manifest] = field(default_factory=dict)
    """ClusterRoleBindings the plan declares (a tenant never gets one)."""

    @property
    def tenant_groups(self) -> dict[str, str]:
        """Every identity-provider group bound in a tenant namespace -> its tenant."""
        groups: dict[str, str] = {}
        for namespace in self.namespaces.values():
            if namespace.tenant is None:
                continue
            for binding in namespace.role_bindings.values():
                for subject in binding.get("subjects") or []:
                    if subject.get("kind") == "Group" and subject.get("name"):
                        groups[str(subject["name"])] = namespace.tenant
        return groups

    @property
    def declared_namespaces(self) -> frozenset[str]:
        return frozenset(name for name, ns in self.namespaces.items() if ns.declared)


@dataclass
class ScanReport:
    """What one side of the audit found, and how many objects of each sort it looked at."""

    findings: list[Finding] = field(default_factory=list)
    scanned: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.scanned[what] = self.scanned.get(what, 0) + n


# ------------------------------------------------------------------------------------------- the plan


def _kind(manifest: Mapping[str, Any]) -> tuple[str, str]:
    return str(manifest.get("apiVersion")), str(manifest.get("kind"))


def _name(manifest: Mapping[str, Any]) -> str:
    return str(manifest.get("metadata", {}).get("name", ""))


def _tenant_tag(resource: Mapping[str, Any]) -> str | None:
    tags = resource.get("inputs", {}).get("tags") or {}
    value = tags.get(TENANT_LABEL) if isinstance(tags, Mapping) else None
    return str(value) if value else None


def expected_state(plan: Mapping[str, Any]) -> ExpectedState:
    """The expected live state of a plan; raises ValueError when the plan cannot describe one."""
    try:
        resources: Sequence[Mapping[str, Any]] = plan["resources"]
        stack, site = str(plan["stack"]), str(plan["site"])
    except (KeyError, TypeError) as error:
        raise UsageError(f"not a govcloud plan.json: missing {error}") from None
    by_urn = {r["urn"]: r for r in resources}
    builders: dict[str, dict[str, Any]] = {}
    clusters: list[tuple[str, Manifest]] = []
    backups: list[tuple[str, Manifest]] = []

    def slot(namespace: str, tenant: str | None) -> dict[str, Any]:
        entry = builders.setdefault(
            namespace,
            {"tenant": tenant, "declared": False, "labels": {}, **{k: {} for k in _SLOTS.values()}},
        )
        if entry["tenant"] is None:
            entry["tenant"] = tenant
        return entry

    buckets: list[ExpectedBucket] = []
    identities: list[ExpectedIdentity] = []
    releases: list[tuple[str | None, str | None, str]] = []
    cluster_bindings: dict[str, Manifest] = {}
    for resource in resources:
        tenant = owning_tenant(resource, by_urn)
        inputs: Mapping[str, Any] = resource.get("inputs") or {}
        if resource.get("type") == HELM_RELEASE_TYPE:
            namespace = inputs.get("namespace")
            known = isinstance(namespace, str) and namespace not in ("", UNKNOWN)
            releases.append((str(namespace) if known else None, tenant, str(inputs.get("name") or resource["name"])))
            continue
        if resource.get("type") == BUCKET_TYPE:
            buckets.append(ExpectedBucket(spec_from_props(inputs), tenant or _tenant_tag(resource)))
            continue
        if resource.get("type") == STORAGE_IDENTITY_TYPE:
            identities.append(_identity(inputs, tenant))
            continue
        if not is_kubernetes_object(resource):
            continue
        manifest: Manifest = dict(inputs)
        kind = _kind(manifest)
        metadata = manifest.get("metadata") or {}
        if kind == NAMESPACE_KIND:
            entry = slot(_name(manifest), tenant)
            entry["declared"] = True
            entry["labels"] = {str(k): str(v) for k, v in (metadata.get("labels") or {}).items()}
            continue
        namespace = metadata.get("namespace")
        if not namespace:
            if kind == CLUSTER_ROLE_BINDING_KIND:
                cluster_bindings[_name(manifest)] = manifest
            continue
        if kind == CNPG_CLUSTER_KIND:
            clusters.append((str(namespace), manifest))
        elif kind == CNPG_BACKUP_KIND:
            backups.append((str(namespace), manifest))
        elif kind in _SLOTS:
            slot(str(namespace), tenant)[_SLOTS[kind]][_name(manifest)] = manifest
        else:
            continue
        slot(str(namespace), tenant)
    for namespace, tenant, release in releases:
        if namespace is None:  # the namespace is an output of the tenant's Namespace: use that one
            namespace = next((n for n, e in builders.items() if e["tenant"] == tenant and e["declared"]), None)
        if namespace is not None:
            slot(namespace, tenant).setdefault("releases", set()).add(release)
    databases = _databases(clusters, backups)
    namespaces = {
        name: ExpectedNamespace(
            name=name,
            tenant=entry["tenant"],
            declared=entry["declared"],
            labels=entry["labels"],
            databases=tuple(d for d in databases if d.namespace == name),
            helm_releases=frozenset(entry.get("releases", ())),
            **{slot_name: entry[slot_name] for slot_name in _SLOTS.values()},
        )
        for name, entry in sorted(builders.items())
    }
    sharing = plan.get("sharing") or []
    return ExpectedState(
        stack=stack,
        site=site,
        tenants=tuple(str(t) for t in plan.get("tenants") or []),
        namespaces=namespaces,
        buckets=tuple(sorted(buckets, key=lambda b: b.spec.name)),
        identities=tuple(sorted(identities, key=lambda i: i.user_name)),
        active_agreements=tuple(sorted(str(a["name"]) for a in sharing if a.get("status") == "active")),
        cluster_role_bindings=cluster_bindings,
    )


_SLOTS: Final[Mapping[tuple[str, str], str]] = {
    NETWORK_POLICY_KIND: "network_policies",
    RESOURCE_QUOTA_KIND: "resource_quotas",
    LIMIT_RANGE_KIND: "limit_ranges",
    ROLE_KIND: "roles",
    ROLE_BINDING_KIND: "role_bindings",
    SERVICE_ACCOUNT_KIND: "service_accounts",
}


def _identity(inputs: Mapping[str, Any], tenant: str | None) -> ExpectedIdentity:
    grants = tuple(ReadGrant(str(g["bucket"]), str(g.get("prefix") or "")) for g in inputs.get("read_grants") or [])
    return ExpectedIdentity(
        user_name=str(inputs["user_name"]),
        tenant=tenant,
        bucket_names=tuple(sorted(str(b) for b in inputs.get("bucket_names") or [])),
        read_grants=tuple(sorted(set(grants), key=lambda g: (g.bucket, g.prefix))),
    )


def _databases(
    clusters: Iterable[tuple[str, Manifest]], backups: Iterable[tuple[str, Manifest]]
) -> list[ExpectedDatabase]:
    scheduled: dict[tuple[str, str], list[ExpectedBackup]] = {}
    for namespace, manifest in backups:
        spec = manifest.get("spec") or {}
        cluster = str((spec.get("cluster") or {}).get("name", ""))
        schedule = str(spec.get("schedule", ""))
        try:
            period: dt.timedelta | None = schedule_period(schedule)
        except ValueError:
            period = None
        backup = ExpectedBackup(_name(manifest), cluster, schedule, period)
        scheduled.setdefault((namespace, cluster), []).append(backup)
    return [
        ExpectedDatabase(
            namespace=namespace,
            name=_name(manifest),
            manifest=manifest,
            backups=tuple(sorted(scheduled.get((namespace, _name(manifest)), []), key=lambda b: b.name)),
        )
        for namespace, manifest in sorted(clusters, key=lambda c: (c[0], _name(c[1])))
    ]


# ---------------------------------------------------------------------------------- backup schedules

_DESCRIPTORS: Final = {
    "@yearly": "0 0 0 1 1 *",
    "@annually": "0 0 0 1 1 *",
    "@monthly": "0 0 0 1 * *",
    "@weekly": "0 0 0 * * 0",
    "@daily": "0 0 0 * * *",
    "@midnight": "0 0 0 * * *",
    "@hourly": "0 0 * * * *",
}
_FIELDS: Final = (
    ("second", 0, 59),
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 7),
)
_MONTHS: Final = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS: Final = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_NAMES: Final = {
    "month": {m: i + 1 for i, m in enumerate(_MONTHS)},
    "day of week": {d: i for i, d in enumerate(_WEEKDAYS)},
}
_GO_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")
_GO_UNITS: Final = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def _go_duration(text: str) -> dt.timedelta:
    """``@every 1h30m``: the Go duration syntax the operator's cron library accepts."""
    parts = _GO_DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"'{text}' is not a duration such as 1h30m")
    seconds = sum(float(n) * _GO_UNITS[u] for n, u in parts)
    if seconds <= 0:
        raise ValueError(f"'{text}' is not a positive duration")
    return dt.timedelta(seconds=seconds)


def _number(token: str, name: str, low: int, high: int) -> int:
    value = _NAMES.get(name, {}).get(token.lower())
    if value is None:
        if not token.isdigit():
            raise ValueError(f"'{token}' is not a valid {name}")
        value = int(token)
    if not low <= value <= high:
        raise ValueError(f"{name} {value} is outside {low}-{high}")
    return value


def _field(text: str, name: str, low: int, high: int) -> tuple[set[int], bool]:
    """The values one cron field allows, and whether it is unrestricted (``*``/``?`` without a step)."""
    values: set[int] = set()
    star = False
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step_text and (not step_text.isdigit() or step < 1):
            raise ValueError(f"'{part}' has an invalid step")
        if base in ("*", "?"):
            start, end = low, high
            star = star or step == 1
        else:
            lo, _, hi = base.partition("-")
            start = _number(lo, name, low, high)
            end = _number(hi, name, low, high) if hi else (high if step_text else start)
            if end < start:
                raise ValueError(f"range '{part}' runs backwards")
        values.update(range(start, end + 1, step))
    if name == "day of week" and 7 in values:
        values = (values - {7}) | {0}
    return values, star


def schedule_period(expression: str) -> dt.timedelta:
    """The longest gap between two runs of a CloudNativePG (6-field, seconds first) cron schedule.

    The operator uses robfig/cron: descriptors such as ``@daily`` and ``@every 6h`` work, and when both
    day of month and day of week are restricted a day matching either one fires. A 5-field schedule is
    read as if it had ``0`` seconds in front.
    """
    text = " ".join(expression.split())
    if text.startswith("@every "):
        return _go_duration(text.removeprefix("@every "))
    text = _DESCRIPTORS.get(text, text)
    parts = text.split(" ")
    if len(parts) == 5:
        parts = ["0", *parts]
    if len(parts) != 6:
        raise ValueError(f"'{expression}' is not a 6-field cron schedule")
    (seconds, _), (minutes, _), (hours, _), (doms, dom_star), (months, _), (dows, dow_star) = (
        _field(part, name, low, high) for part, (name, low, high) in zip(parts, _FIELDS, strict=True)
    )
    times = sorted(h * 3600 + m * 60 + s for h in hours for m in minutes for s in seconds)
    start = dt.date(2024, 1, 1)
    fires: list[tuple[dt.date, int, int]] = []
    for offset in range(SCHEDULE_WINDOW_DAYS):
        day = start + dt.timedelta(days=offset)
        if day.month not in months:
            continue
        dom_ok, dow_ok = day.day in doms, (day.isoweekday() % 7) in dows
        if (dom_ok and dow_ok) if (dom_star or dow_star) else (dom_ok or dow_ok):
            fires.append((day, times[0], times[-1]))
    if not fires or (len(fires) == 1 and len(times) == 1):
        raise ValueError(f"'{expression}' fires less than twice in {SCHEDULE_WINDOW_DAYS // 366} years")
    gaps = [b - a for a, b in itertools.pairwise(times)]
    for (day, _, last), (next_day, first, _) in itertools.pairwise(fires):
        gaps.append((next_day - day).days * 86400 + first - last)
    return dt.timedelta(seconds=max(gaps))
