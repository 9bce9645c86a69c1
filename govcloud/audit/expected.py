"""What the live platform must hold, derived purely from a ``plan.json`` document.

The audit never re-derives anything from the tenant files: the plan is the one statement of what the
stack declares (the same objects ``pulumi up`` applies), so what is audited is exactly what was approved.
Everything here is pure, so both audit sides and the tests share one reading of the plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from govcloud.audit import kinds
from govcloud.audit.findings import Finding
from govcloud.audit.kinds import CNPG_API_VERSION
from govcloud.contract.cron import schedule_period
from govcloud.contract.problems import UsageError
from govcloud.contract.vocabulary import UNKNOWN_VALUE
from govcloud.naming import TENANT_LABEL
from govcloud.storage.specs import BUCKET_TYPE, STORAGE_IDENTITY_TYPE, BucketSpec, ReadGrant, spec_from_props
from govcloud.synth.plan import is_kubernetes_object, owning_tenant

Manifest = dict[str, Any]

NAMESPACE_KIND: Final = ("v1", "Namespace")
CLUSTER_ROLE_BINDING_KIND: Final = ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding")
CNPG_CLUSTER_KIND: Final = (CNPG_API_VERSION, "Cluster")
CNPG_BACKUP_KIND: Final = (CNPG_API_VERSION, "ScheduledBackup")
POD_SECURITY_PREFIX: Final = "pod-security.kubernetes.io/"
HELM_RELEASE_TYPE: Final = "kubernetes:helm.sh/v3:Release"
UNKNOWN: Final = UNKNOWN_VALUE


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
    objects: Mapping[tuple[str, str], Mapping[str, Manifest]] = field(default_factory=dict)
    """The declared objects of every kind of the kind table (``govcloud.audit.kinds``), by kind and name."""
    databases: tuple[ExpectedDatabase, ...] = ()
    helm_releases: frozenset[str] = frozenset()
    """Helm releases the plan installs here: the objects their charts create are declared with them.

    This, from the plan, is what decides whether an undeclared object may be chart-made; never anything a
    tenant can write (a ``meta.helm.sh/*`` annotation, a Helm release Secret in its own namespace).
    """
    chart_names: Mapping[str, str] = field(default_factory=dict)
    """Name prefixes the charts of those releases give what they render -> the release (chart_name_prefixes)."""

    def objects_of(self, row: kinds.TenantKind) -> Mapping[str, Manifest]:
        """The declared objects of one row of the kind table, by name."""
        return self.objects.get(row.key, {})

    def __getattr__(self, attribute: str) -> Mapping[str, Manifest]:
        """``namespace.network_policies`` and the like: a row's objects by the row's ``attribute``."""
        row = next((r for r in kinds.TENANT_KINDS if r.attribute == attribute), None)
        if row is None or attribute.startswith("_"):
            raise AttributeError(attribute)
        return self.objects_of(row)

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
    """A storage identity: its own buckets and the read grants of active agreements.

    ``tenant`` is its owner as for a bucket: the tenant, or the platform's owner tag (``PLATFORM_OWNER``).
    """

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
    storage_quotas: Mapping[str, int] = field(default_factory=dict)
    """Each tenant's approved object-storage quota in bytes; measured by the audit, enforced by no store."""

    @property
    def tenant_groups(self) -> dict[str, str]:
        """Every identity-provider group bound in a tenant namespace -> its tenant."""
        groups: dict[str, str] = {}
        for namespace in self.namespaces.values():
            if namespace.tenant is None:
                continue
            for binding in namespace.objects_of(kinds.ROLE_BINDING).values():
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
            {"tenant": tenant, "declared": False, "labels": {}, "objects": {}},
        )
        if entry["tenant"] is None:
            entry["tenant"] = tenant
        return entry

    buckets: list[ExpectedBucket] = []
    identities: list[ExpectedIdentity] = []
    releases: list[tuple[str | None, str | None, str, tuple[str, ...]]] = []
    cluster_bindings: dict[str, Manifest] = {}
    for resource in resources:
        tenant = owning_tenant(resource, by_urn)
        inputs: Mapping[str, Any] = resource.get("inputs") or {}
        if resource.get("type") == HELM_RELEASE_TYPE:
            namespace = inputs.get("namespace")
            known = isinstance(namespace, str) and namespace not in ("", UNKNOWN)
            name = str(inputs.get("name") or resource["name"])
            prefixes = chart_name_prefixes(name, str(inputs.get("chart") or ""), inputs.get("values"))
            releases.append((str(namespace) if known else None, tenant, name, prefixes))
            continue
        if resource.get("type") == BUCKET_TYPE:
            buckets.append(ExpectedBucket(spec_from_props(inputs), tenant or _tenant_tag(resource)))
            continue
        if resource.get("type") == STORAGE_IDENTITY_TYPE:
            # Like a bucket: a platform identity (the open-data portal's) has no owning tenant in the resource
            # tree, but its owner tag names the platform (naming: ``PLATFORM_OWNER``), the owner of its buckets.
            identities.append(_identity(inputs, tenant or _tenant_tag(resource)))
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
        elif (row := kinds.kind_of(kind)) is not None:
            slot(str(namespace), tenant)["objects"].setdefault(row.key, {})[_name(manifest)] = manifest
        else:
            continue
        slot(str(namespace), tenant)
    for namespace, tenant, release, prefixes in releases:
        if namespace is None:  # the namespace is an output of the tenant's Namespace: use that one
            namespace = next((n for n, e in builders.items() if e["tenant"] == tenant and e["declared"]), None)
        if namespace is not None:
            slot(namespace, tenant).setdefault("releases", set()).add(release)
            slot(namespace, tenant).setdefault("chart_names", {}).update(dict.fromkeys(prefixes, release))
    databases = _databases(clusters, backups)
    namespaces = {
        name: ExpectedNamespace(
            name=name,
            tenant=entry["tenant"],
            declared=entry["declared"],
            labels=entry["labels"],
            databases=tuple(d for d in databases if d.namespace == name),
            helm_releases=frozenset(entry.get("releases", ())),
            chart_names=dict(entry.get("chart_names", {})),
            objects=entry["objects"],
        )
        for name, entry in sorted(builders.items())
    }
    sharing = plan.get("sharing") or []
    return ExpectedState(
        stack=stack,
        site=site,
        tenants=tuple(str(t) for t in plan.get("tenants") or []),
        storage_quotas={str(t): int(q) for t, q in (plan.get("storageQuotas") or {}).items()},
        namespaces=namespaces,
        buckets=tuple(sorted(buckets, key=lambda b: b.spec.name)),
        identities=tuple(sorted(identities, key=lambda i: i.user_name)),
        active_agreements=tuple(sorted(str(a["name"]) for a in sharing if a.get("status") == "active")),
        cluster_role_bindings=cluster_bindings,
    )


JUPYTERHUB_COMPONENTS: Final = (
    "hub",
    "proxy",
    "autohttps",
    "singleuser",
    "user-scheduler",
    "user-placeholder",
    "hook-image-awaiter",
    "hook-image-puller",
    "continuous-image-puller",
    "image-pull-secret",
)
"""z2jh's component names (jupyterhub/zero-to-jupyterhub-k8s, jupyterhub/templates/_helpers-names.tpl): each is
``<fullname>-<component>``, and a ``fullnameOverride`` that is a string (the chart's default is ``""``) is the
fullname itself, so by default they carry no prefix at all."""


def chart_name_prefixes(release: str, chart: str, values: Any) -> tuple[str, ...]:
    """The names (and name prefixes) a declared release's chart gives the objects it renders.

    Charts name objects after the release (``<release>`` or ``<release>-<component>``: Helm's ``fullname``
    convention when the release name contains the chart's). z2jh is the exception the plan's charts hold: its
    default ``fullnameOverride: ""`` leaves component names unprefixed.
    """
    prefixes = [release]
    if chart.rsplit("/", 1)[-1] == "jupyterhub":
        override = values.get("fullnameOverride", "") if isinstance(values, Mapping) else ""
        fullname = (
            override if isinstance(override, str) else (release if "jupyterhub" in release else f"{release}-jupyterhub")
        )
        prefixes += [f"{fullname}-{c}" if fullname else c for c in JUPYTERHUB_COMPONENTS]
    return tuple(prefixes)


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
