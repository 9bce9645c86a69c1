"""The report's data, built purely from the validated stack, its offline plan and (optionally) audit findings.

Everything an auditor reads is computed here, once, so the HTML, Markdown and JSON renderings can never
disagree. Every check is judged on the plan (the resources the real program would create), never on the
request alone, so a stale or partial plan fails visibly; what the agency asked for is shown beside it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from typing import Any

from govcloud.audit import kinds as audited
from govcloud.audit.findings import Finding
from govcloud.contract.quantity import QuantityError, parse_quantity
from govcloud.contract.rules import AgreementStatus, EffectiveQuota, effective_quota
from govcloud.contract.site import SiteConfig
from govcloud.contract.stack import Agreement, StackDefinition
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests.network import denies_all
from govcloud.manifests.rbac import ROLES, role_name
from govcloud.naming import bucket_name, label
from govcloud.naming import namespace_name as tenant_namespace
from govcloud.policy.baseline import POLICIES
from govcloud.policy.framework import Policy
from govcloud.safety import is_data_bearing
from govcloud.storage.specs import BUCKET_TYPE, STORAGE_IDENTITY_TYPE
from govcloud.synth.plan import is_kubernetes_object, tenant_of

#: Analytics services in the order the contract lists them; the duplication heuristic compares these.
ANALYTICS_SERVICES = ("jupyterhub", "superset", "trino", "spark")
#: Two tenants of one ministry running at least this many of the same analytics services look duplicated.
MIN_SHARED_SERVICES = 2
#: Active agreements ending within this many days are flagged so renewals are not missed.
EXPIRY_WARNING_DAYS = 90
RESTRICTED = "restricted"
_STORAGE_CLASS_QUOTA = ".storageclass.storage.k8s.io/requests.storage"

PASS, FAIL, NOT_APPLICABLE = "pass", "fail", "n/a"
FROM_PLAN = "plan"
FROM_AUDIT = "audit"
"""A mark failed by a live audit finding: what runs overrides what the plan promises."""
#: The per-tenant checks, in the order the overview table shows them.
CHECKS = ("isolated", "encrypted", "backedUp", "quotaBound", "protected", "agreementsOnly")
#: What the platform encrypts database backups and WAL with; anything else fails the encryption check.
BACKUP_ENCRYPTION = "AES256"
ZONE_TAG = label("zone")


@dataclass(frozen=True)
class Check:
    """One yes/no question an auditor asks of a tenant, with where the answer comes from."""

    key: str
    status: str
    source: str


@dataclass(frozen=True)
class DatabaseSummary:
    """The database as the agency requested it."""

    version: int
    instances: int
    storage: Decimal
    backup_schedule: str
    backup_retention_days: int


@dataclass(frozen=True)
class DatabaseEvidence:
    """The database as the plan declares it: where it stores, how it is backed up, how it is reached."""

    cluster: str
    instances: int
    storage_class: str | None
    wal_archiving: bool
    backup_encryption: str | None
    """The algorithm both base backups and WAL are encrypted with; None unless they agree."""
    backup_retention: str | None
    backup_destination: str | None
    backup_schedule: str | None
    """The ScheduledBackup's schedule (six-field cron, seconds first); None without one."""
    tls_required: bool


@dataclass(frozen=True)
class BucketEvidence:
    name: str
    zone: str
    versioned: bool
    expire_after_days: int | None


@dataclass(frozen=True)
class RoleGroups:
    """The identity-provider groups bound to one tenant role, as the plan's RoleBinding names them."""

    role: str
    groups: tuple[str, ...]


@dataclass(frozen=True)
class DataResource:
    type: str
    name: str
    protected: bool
    retained: bool


@dataclass(frozen=True)
class KindCount:
    """How many objects of one audited tenant kind (a row of ``govcloud.audit.kinds``) the plan declares."""

    kind: str
    count: int


@dataclass(frozen=True)
class TenantEvidence:
    """What the plan declares for one tenant; counted, not assumed."""

    in_plan: bool
    network_policies: int
    default_deny: bool
    resource_quota: bool
    quota_matches: bool
    limit_range: bool
    pod_security: str | None
    rbac: tuple[RoleGroups, ...]
    cluster_wide_grants: int
    storage_classes: tuple[str, ...]
    """Storage classes the ResourceQuota lets the tenant's volumes use."""
    database: DatabaseEvidence | None
    buckets: tuple[BucketEvidence, ...]
    read_grants: tuple[str, ...]
    """``bucket/prefix`` other agencies' data the tenant's storage identities may read."""
    unexpected_grants: tuple[str, ...]
    """Read grants no agreement in force explains."""
    missing_grants: tuple[str, ...]
    """Agreements in force the plan does not grant."""
    data_resources: tuple[DataResource, ...]
    objects: tuple[KindCount, ...] = ()
    """The declared objects of every kind the live audit compares, in the kind table's order."""


@dataclass(frozen=True)
class TenantSummary:
    name: str
    code: str
    name_th: str
    name_en: str
    ministry: str
    tier: str
    classification: str
    personal_data: str
    cpu: Decimal
    memory: Decimal
    storage: Decimal
    pods: int
    object_storage: Decimal | None
    zones: tuple[str, ...]
    database: DatabaseSummary | None
    analytics: tuple[str, ...]
    open_data: bool
    hostnames: tuple[str, ...]
    egress: tuple[str, ...]
    evidence: TenantEvidence
    checks: tuple[Check, ...]
    reads_from: tuple[str, ...]
    """Active agreements under which this tenant reads another's data."""
    shares_with: tuple[str, ...]
    """Active agreements under which another tenant reads this tenant's data."""
    findings: int | None
    """Audit findings about this tenant; None when no audit was supplied."""

    def check(self, key: str) -> Check:
        return next(c for c in self.checks if c.key == key)


@dataclass(frozen=True)
class PolicyViolationRow:
    resource: str
    message: str


@dataclass(frozen=True)
class ControlRow:
    policy_id: str
    name: str
    description: str
    rationale: str
    controls: tuple[str, ...]
    enforcement: str
    status: str
    violations: tuple[PolicyViolationRow, ...]


@dataclass(frozen=True)
class AccessGrant:
    """One agreement as "consumer reads provider's zone/prefix, because purpose, until date"."""

    agreement: str
    status: str
    consumer: str
    consumer_th: str
    consumer_en: str
    provider: str
    provider_th: str
    provider_en: str
    zone: str
    prefix: str
    location: str
    purpose: str
    legal_basis: str | None
    valid_from: dt.date
    valid_until: dt.date
    approved_by: str
    approval_reference: str
    days_remaining: int | None
    """Days left for an agreement in force (None otherwise)."""

    @property
    def expires_soon(self) -> bool:
        return self.days_remaining is not None and self.days_remaining <= EXPIRY_WARNING_DAYS


@dataclass(frozen=True)
class AccessMatrix:
    active: tuple[AccessGrant, ...]
    pending: tuple[AccessGrant, ...]
    expired: tuple[AccessGrant, ...]


@dataclass(frozen=True)
class MinistryCapacity:
    ministry: str
    tenants: tuple[str, ...]
    cpu: Decimal
    memory: Decimal
    storage: Decimal


@dataclass(frozen=True)
class DuplicationCandidate:
    ministry: str
    tenants: tuple[str, str]
    shared_services: tuple[str, ...]
    shared_zones: tuple[str, ...]


@dataclass(frozen=True)
class FindingRow:
    code: str
    severity: str
    tenant: str | None
    resource: str
    message: str
    evidence: str
    """The finding's evidence as compact JSON, so auditors can check it."""


@dataclass(frozen=True)
class AuditSummary:
    findings: tuple[FindingRow, ...]
    skipped: tuple[str, ...]

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


@dataclass(frozen=True)
class Notice:
    """Something the reader must know about the evidence itself (e.g. a stale plan)."""

    code: str
    subject: str


@dataclass(frozen=True)
class ReportData:
    stack: str
    site: str
    environment: str
    storage_class: str
    generated_at: dt.datetime
    as_of: dt.date
    tenants: tuple[TenantSummary, ...]
    controls: tuple[ControlRow, ...]
    access: AccessMatrix
    capacity: tuple[MinistryCapacity, ...]
    capacity_total: MinistryCapacity
    duplication: tuple[DuplicationCandidate, ...]
    audit: AuditSummary | None
    """None when no live audit was supplied: "not audited" must never read as "audit clean"."""
    notices: tuple[Notice, ...]

    @property
    def controls_passing(self) -> int:
        return sum(1 for c in self.controls if c.status == PASS)

    @property
    def min_shared_services(self) -> int:
        return MIN_SHARED_SERVICES


def build_report(
    definition: StackDefinition,
    plan: Mapping[str, Any],
    findings: Sequence[Finding] | None,
    generated_at: dt.datetime,
    *,
    audit_skipped: Sequence[str] = (),
    policies: Sequence[Policy] = POLICIES,
) -> ReportData:
    """Everything the report shows; pure, so the same inputs always give the same report."""
    resources: Sequence[Mapping[str, Any]] = plan.get("resources", [])
    by_urn = {r["urn"]: r for r in resources}
    owned: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for resource in resources:
        tenant = tenant_of(resource, by_urn, plan.get("tenants", []))
        if tenant is not None:
            owned[tenant].append(resource)
    planned = set(plan.get("tenants", [])) | set(owned)
    access = _access_matrix(definition)
    tenants = tuple(
        _tenant_summary(t, definition.site, t.name in planned, owned.get(t.name, []), access, findings)
        for t in definition.tenants
    )
    capacity = _capacity(tenants)
    return ReportData(
        stack=definition.name,
        site=definition.site.site,
        environment=definition.site.environment,
        storage_class=definition.site.storage_class,
        generated_at=generated_at,
        as_of=definition.today,
        tenants=tenants,
        controls=_controls(policies, plan.get("policyViolations", [])),
        access=access,
        capacity=capacity,
        capacity_total=MinistryCapacity(
            ministry="",
            tenants=tuple(t.name for t in tenants),
            cpu=sum((c.cpu for c in capacity), Decimal(0)),
            memory=sum((c.memory for c in capacity), Decimal(0)),
            storage=sum((c.storage for c in capacity), Decimal(0)),
        ),
        duplication=_duplication(tenants),
        audit=None if findings is None else _audit(findings, audit_skipped),
        notices=_notices(definition, plan, planned),
    )


def _kind(resource: Mapping[str, Any]) -> str:
    return str(resource["inputs"].get("kind", "")) if is_kubernetes_object(resource) else ""


def _spec(resource: Mapping[str, Any]) -> Mapping[str, Any]:
    spec = resource["inputs"].get("spec")
    return spec if isinstance(spec, dict) else {}


def _quantity(value: Any) -> Decimal | None:
    try:
        return parse_quantity(str(value)) if value is not None else None
    except QuantityError:
        return None


def _database_evidence(kinds: Mapping[str, Sequence[Mapping[str, Any]]]) -> DatabaseEvidence | None:
    for cluster in kinds["Cluster"]:
        name = str(cluster["inputs"].get("metadata", {}).get("name", ""))
        spec = _spec(cluster)
        backup = spec.get("backup") or {}
        store = backup.get("barmanObjectStore") or {}
        # The Barman Cloud plugin: the Cluster names an ObjectStore, which holds the configuration and the
        # retention (cloudnative-pg/plugin-barman-cloud web/docs/usage.md); the in-tree form above is legacy.
        for plugin in spec.get("plugins") or []:
            if plugin.get("name") == "barman-cloud.cloudnative-pg.io" and plugin.get("isWALArchiver"):
                wanted = (plugin.get("parameters") or {}).get("barmanObjectName")
                for object_store in kinds["ObjectStore"]:
                    if object_store["inputs"].get("metadata", {}).get("name") == wanted:
                        store = _spec(object_store).get("configuration") or {}
                        backup = {"retentionPolicy": _spec(object_store).get("retentionPolicy")}
        data_encryption = (store.get("data") or {}).get("encryption")
        wal = store.get("wal") or {}
        schedules = [
            str(_spec(b).get("schedule"))
            for b in kinds["ScheduledBackup"]
            if (_spec(b).get("cluster") or {}).get("name") == name
        ]
        hba = [" ".join(str(line).split()) for line in (spec.get("postgresql") or {}).get("pg_hba") or []]
        return DatabaseEvidence(
            cluster=name,
            instances=int(spec.get("instances") or 0),
            storage_class=(spec.get("storage") or {}).get("storageClass"),
            wal_archiving=bool(store.get("destinationPath")),
            backup_encryption=data_encryption if data_encryption and wal.get("encryption") == data_encryption else None,
            backup_retention=backup.get("retentionPolicy"),
            backup_destination=store.get("destinationPath"),
            backup_schedule=schedules[0] if schedules else None,
            tls_required=any(line.startswith("hostssl ") for line in hba)
            and not any(line.startswith(("host ", "hostnossl ")) and not line.endswith(" reject") for line in hba),
        )
    return None


def _evidence(
    namespace_name: str,
    in_plan: bool,
    resources: Sequence[Mapping[str, Any]],
    quota_wanted: EffectiveQuota,
    expected_grants: Sequence[str],
) -> TenantEvidence:
    kinds: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    declared: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for resource in resources:
        kinds[_kind(resource)].append(resource)
        if is_kubernetes_object(resource):
            declared[(str(resource["inputs"]["apiVersion"]), _kind(resource))].append(resource)
    policies = [_spec(p) for p in kinds["NetworkPolicy"]]
    hard: Mapping[str, Any] = {}
    for quota in kinds["ResourceQuota"]:
        hard = _spec(quota).get("hard") or {}
    quota_matches = bool(hard) and (
        _quantity(hard.get("requests.cpu")) == quota_wanted.cpu
        and _quantity(hard.get("requests.memory")) == quota_wanted.memory
        and _quantity(hard.get("requests.storage")) == quota_wanted.storage
    )
    pod_security = None
    for namespace in kinds["Namespace"]:
        metadata = namespace["inputs"].get("metadata", {})
        if metadata.get("name") == namespace_name:
            pod_security = (metadata.get("labels") or {}).get("pod-security.kubernetes.io/enforce")
    groups: dict[str, list[str]] = {role: [] for role in ROLES}
    roles_by_name = {role_name(role): role for role in ROLES}
    cluster_wide = len(kinds["ClusterRole"]) + len(kinds["ClusterRoleBinding"])
    for binding in kinds["RoleBinding"]:
        ref = binding["inputs"].get("roleRef") or {}
        if ref.get("kind") != "Role":
            cluster_wide += 1
        role = roles_by_name.get(str(ref.get("name")), str(ref.get("name")))
        bound = [str(s.get("name")) for s in binding["inputs"].get("subjects") or [] if s.get("kind") == "Group"]
        if role in groups or bound:  # service-account bindings (e.g. Spark's driver) grant no person access
            groups.setdefault(role, []).extend(bound)
    buckets = [r for r in resources if r["type"] == BUCKET_TYPE]
    grants = sorted(
        {
            f"{g.get('bucket')}/{g.get('prefix') or ''}"
            for r in resources
            if r["type"] == STORAGE_IDENTITY_TYPE
            for g in r["inputs"].get("read_grants") or []
        }
    )
    return TenantEvidence(
        in_plan=in_plan,
        network_policies=len(policies),
        default_deny=any(denies_all(p, "Ingress") for p in policies) and any(denies_all(p, "Egress") for p in policies),
        resource_quota=bool(kinds["ResourceQuota"]),
        quota_matches=quota_matches,
        limit_range=bool(kinds["LimitRange"]),
        pod_security=pod_security,
        rbac=tuple(RoleGroups(role, tuple(names)) for role, names in groups.items()),
        cluster_wide_grants=cluster_wide,
        storage_classes=tuple(
            sorted(key.removesuffix(_STORAGE_CLASS_QUOTA) for key in hard if key.endswith(_STORAGE_CLASS_QUOTA))
        ),
        database=_database_evidence(kinds),
        buckets=tuple(
            BucketEvidence(
                name=str(b["inputs"].get("name", b["name"])),
                zone=str((b["inputs"].get("tags") or {}).get(ZONE_TAG, "")),
                versioned=bool(b["inputs"].get("versioning")),
                expire_after_days=b["inputs"].get("expire_after_days"),
            )
            for b in sorted(buckets, key=lambda b: str(b["inputs"].get("name", b["name"])))
        ),
        read_grants=tuple(grants),
        unexpected_grants=tuple(g for g in grants if g not in expected_grants),
        missing_grants=tuple(sorted(g for g in set(expected_grants) if g not in grants)),
        data_resources=tuple(
            DataResource(
                type=str(r["type"]).rsplit(":", 1)[-1],
                name=str(r["name"]),
                protected=bool(r.get("protect")),
                retained=bool(r.get("retainOnDelete")),
            )
            for r in resources
            if is_data_bearing(str(r["type"]))
        ),
        objects=tuple(KindCount(row.kind, len(declared.get(row.key, ()))) for row in audited.TENANT_KINDS),
    )


def _status(ok: bool) -> str:
    return PASS if ok else FAIL


def _checks(evidence: TenantEvidence, tenant: TenantRequest, site: SiteConfig) -> tuple[Check, ...]:
    """The overview's marks. Each is derived from plan evidence only, so a stale or partial plan fails."""
    data, database, wants_database = evidence.data_resources, evidence.database, tenant.spec.database is not None
    database_encrypted = not wants_database or (
        database is not None
        and database.storage_class == site.storage_class
        and database.backup_encryption == BACKUP_ENCRYPTION
        and database.tls_required
    )
    database_backed_up = not wants_database or (
        database is not None
        and database.wal_archiving
        and database.backup_schedule is not None
        and database.backup_retention is not None
    )
    wants_buckets = tenant.spec.storage is not None or wants_database
    buckets_versioned = not wants_buckets or (bool(evidence.buckets) and all(b.versioned for b in evidence.buckets))
    return (
        Check(
            "isolated",
            _status(
                evidence.default_deny and evidence.pod_security == RESTRICTED and evidence.cluster_wide_grants == 0
            ),
            FROM_PLAN,
        ),
        Check("encrypted", _status(site.storage_class in evidence.storage_classes and database_encrypted), FROM_PLAN),
        Check(
            "backedUp",
            _status(database_backed_up and buckets_versioned) if wants_database or wants_buckets else NOT_APPLICABLE,
            FROM_PLAN,
        ),
        Check("quotaBound", _status(evidence.quota_matches and evidence.limit_range), FROM_PLAN),
        Check("protected", _status(bool(data) and all(d.protected and d.retained for d in data)), FROM_PLAN),
        Check(
            "agreementsOnly",
            _status(evidence.in_plan and not evidence.unexpected_grants and not evidence.missing_grants),
            FROM_PLAN,
        ),
    )


def _with_live_findings(checks: tuple[Check, ...], findings: Sequence[Finding]) -> tuple[Check, ...]:
    """Live findings override plan-derived passes: a mark whose area has a finding of medium severity or
    worse fails, with the audit as its source (``govcloud.report.codes`` maps each code to its mark)."""
    from govcloud.report.codes import OVERRIDING, check_of

    failed = {check_of(f.code) for f in findings if f.severity in OVERRIDING} - {None}
    return tuple(
        Check(c.key, FAIL, FROM_AUDIT) if c.key in failed and c.status != NOT_APPLICABLE else c for c in checks
    )


def _tenant_summary(
    tenant: TenantRequest,
    site: SiteConfig,
    in_plan: bool,
    resources: Sequence[Mapping[str, Any]],
    access: AccessMatrix,
    findings: Sequence[Finding] | None,
) -> TenantSummary:
    spec = tenant.spec
    quota = effective_quota(tenant)
    expected = [g.location.removeprefix("s3://") for g in access.active if g.consumer == tenant.name]
    evidence = _evidence(tenant_namespace(tenant), in_plan, resources, quota, expected)
    database = spec.database
    analytics = spec.analytics
    enabled = {
        "jupyterhub": analytics.jupyterhub.enabled,
        "superset": analytics.superset.enabled,
        "trino": analytics.trino.enabled,
        "spark": analytics.spark.enabled,
    }
    return TenantSummary(
        name=tenant.name,
        code=spec.agency.code,
        name_th=spec.agency.name_th,
        name_en=spec.agency.name_en,
        ministry=spec.agency.ministry.value,
        tier=spec.tier.value,
        classification=spec.classification.value,
        personal_data=spec.personal_data.value,
        cpu=quota.cpu,
        memory=quota.memory,
        storage=quota.storage,
        pods=quota.pods,
        object_storage=parse_quantity(spec.storage.quota) if spec.storage is not None else None,
        zones=tuple(z.value for z in spec.storage.zones) if spec.storage is not None else (),
        database=None
        if database is None
        else DatabaseSummary(
            version=database.version,
            instances=database.instances,
            storage=parse_quantity(database.storage),
            backup_schedule=database.backup.schedule,
            backup_retention_days=database.backup.retention_days,
        ),
        analytics=tuple(name for name in ANALYTICS_SERVICES if enabled[name]),
        open_data=spec.open_data.enabled,
        hostnames=tuple(spec.network.ingress.hostnames),
        egress=tuple(f"{e.cidr} ({', '.join(str(p) for p in e.ports)})" for e in spec.network.egress),
        evidence=evidence,
        checks=_with_live_findings(
            _checks(evidence, tenant, site), [f for f in findings or () if f.tenant == tenant.name]
        ),
        reads_from=tuple(g.agreement for g in access.active if g.consumer == tenant.name),
        shares_with=tuple(g.agreement for g in access.active if g.provider == tenant.name),
        findings=None if findings is None else sum(1 for f in findings if f.tenant == tenant.name),
    )


def _policy_id(label: str) -> str:
    """Violations name their policy as ``"<id> <name>"``; the id is the first word."""
    return label.split(" ", 1)[0]


def _controls(policies: Sequence[Policy], violations: Iterable[Mapping[str, Any]]) -> tuple[ControlRow, ...]:
    by_policy: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for violation in violations:
        by_policy[_policy_id(str(violation.get("policy", "")))].append(violation)
    rows = []
    known = set()
    for policy in policies:
        known.add(policy.id)
        found = by_policy.get(policy.id, [])
        rows.append(
            ControlRow(
                policy_id=policy.id,
                name=policy.name,
                description=policy.description,
                rationale=policy.rationale,
                controls=policy.controls,
                enforcement=policy.enforcement.value,
                status=_status(not found),
                violations=tuple(_violation_row(v) for v in found),
            )
        )
    for policy_id, found in sorted(by_policy.items()):
        if policy_id not in known:  # a plan made by a newer policy pack: still show that it failed
            label = str(found[0].get("policy", policy_id))
            rows.append(
                ControlRow(
                    policy_id=policy_id,
                    name=label.split(" ", 1)[-1],
                    description="",
                    rationale="",
                    controls=(),
                    enforcement=str(found[0].get("enforcement", "")),
                    status=FAIL,
                    violations=tuple(_violation_row(v) for v in found),
                )
            )
    return tuple(rows)


def _violation_row(violation: Mapping[str, Any]) -> PolicyViolationRow:
    return PolicyViolationRow(str(violation.get("urn", "")).rsplit("::", 1)[-1], str(violation.get("message", "")))


def _grant(definition: StackDefinition, agreement: Agreement) -> AccessGrant:
    spec = agreement.agreement.spec
    provider = definition.tenant(spec.provider.tenant)
    consumer = definition.tenant(spec.consumer.tenant)
    active = agreement.status is AgreementStatus.ACTIVE
    return AccessGrant(
        agreement=agreement.name,
        status=agreement.status.value,
        consumer=consumer.name,
        consumer_th=consumer.spec.agency.name_th,
        consumer_en=consumer.spec.agency.name_en,
        provider=provider.name,
        provider_th=provider.spec.agency.name_th,
        provider_en=provider.spec.agency.name_en,
        zone=spec.provider.zone.value,
        prefix=spec.provider.prefix,
        location=f"s3://{bucket_name(definition.site, provider.name, spec.provider.zone.value)}/{spec.provider.prefix}",
        purpose=spec.purpose,
        legal_basis=spec.legal_basis,
        valid_from=spec.valid_from,
        valid_until=spec.valid_until,
        approved_by=spec.approved_by.name,
        approval_reference=spec.approved_by.reference,
        days_remaining=(spec.valid_until - definition.today).days if active else None,
    )


def _access_matrix(definition: StackDefinition) -> AccessMatrix:
    grants = [_grant(definition, a) for a in definition.agreements]

    def having(status: AgreementStatus) -> tuple[AccessGrant, ...]:
        return tuple(sorted((g for g in grants if g.status == status.value), key=lambda g: (g.consumer, g.agreement)))

    return AccessMatrix(
        having(AgreementStatus.ACTIVE), having(AgreementStatus.PENDING), having(AgreementStatus.EXPIRED)
    )


def _capacity(tenants: Sequence[TenantSummary]) -> tuple[MinistryCapacity, ...]:
    by_ministry: dict[str, list[TenantSummary]] = defaultdict(list)
    for tenant in tenants:
        by_ministry[tenant.ministry].append(tenant)
    return tuple(
        MinistryCapacity(
            ministry=ministry,
            tenants=tuple(t.name for t in members),
            cpu=sum((t.cpu for t in members), Decimal(0)),
            memory=sum((t.memory for t in members), Decimal(0)),
            storage=sum((t.storage for t in members), Decimal(0)),
        )
        for ministry, members in sorted(by_ministry.items())
    )


def _duplication(tenants: Sequence[TenantSummary]) -> tuple[DuplicationCandidate, ...]:
    """Pairs in one ministry sharing MIN_SHARED_SERVICES analytics services, or one service and all zones."""
    by_ministry: dict[str, list[TenantSummary]] = defaultdict(list)
    for tenant in tenants:
        by_ministry[tenant.ministry].append(tenant)
    found = []
    for ministry, members in sorted(by_ministry.items()):
        for a, b in combinations(sorted(members, key=lambda t: t.name), 2):
            services = tuple(s for s in a.analytics if s in b.analytics)
            zones = tuple(z for z in a.zones if z in b.zones)
            same_zones = bool(a.zones) and set(a.zones) == set(b.zones)
            if len(services) >= MIN_SHARED_SERVICES or (services and same_zones):
                found.append(DuplicationCandidate(ministry, (a.name, b.name), services, zones))
    return tuple(found)


def _audit(findings: Sequence[Finding], skipped: Sequence[str]) -> AuditSummary:
    rows = sorted(findings, key=lambda f: (-f.severity.rank, f.tenant or "", f.code, f.resource))
    return AuditSummary(
        findings=tuple(
            FindingRow(
                code=f.code,
                severity=f.severity.value,
                tenant=f.tenant,
                resource=f.resource,
                message=f.message,
                evidence=json.dumps(dict(f.evidence), ensure_ascii=False, sort_keys=True, default=str),
            )
            for f in rows
        ),
        skipped=tuple(skipped),
    )


def _notices(definition: StackDefinition, plan: Mapping[str, Any], planned: set[str]) -> tuple[Notice, ...]:
    declared = {t.name for t in definition.tenants}
    notices = [Notice("tenant-not-in-plan", name) for name in sorted(declared - planned)]
    notices += [Notice("plan-tenant-not-in-stack", name) for name in sorted(planned - declared)]
    planned_status = {s.get("name"): s.get("status") for s in plan.get("sharing", [])}
    for agreement in definition.agreements:
        status = planned_status.get(agreement.name)
        if status is not None and status != agreement.status.value:
            notices.append(Notice("sharing-status-differs", agreement.name))
    return tuple(notices)


# --- JSON: one generic, reversible mapping (camelCase keys, like plan.json) -------------------------------


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def to_json(value: Any) -> Any:
    """Plain JSON values for a report (or any part of it); Decimals become numbers, dates ISO strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {_camel(f.name): to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):  # datetime included
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [to_json(item) for item in value]
    return value


def _from_json(kind: Any, value: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return None if value is None else _from_json(options[0], value)
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_from_json(args[0], item) for item in value)
        return tuple(_from_json(arg, item) for arg, item in zip(args, value, strict=True))
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        hints = typing.get_type_hints(kind)
        return kind(
            **{
                f.name: _from_json(hints[f.name], value[_camel(f.name)])
                for f in dataclasses.fields(kind)
                if _camel(f.name) in value or not _has_default(f)  # a report written before the field existed
            }
        )
    if kind is Decimal:
        return Decimal(str(value))
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    if kind in (str, int, bool) and not isinstance(value, kind):
        raise ValueError(f"expected {kind.__name__}, got {value!r}")
    return value


def _has_default(field: dataclasses.Field[Any]) -> bool:
    return field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING


def report_from_json(document: Mapping[str, Any]) -> ReportData:
    """Rebuild a report from ``report.json`` (so it can be re-rendered without the stack or plan)."""
    report = _from_json(ReportData, document)
    assert isinstance(report, ReportData)
    return report
