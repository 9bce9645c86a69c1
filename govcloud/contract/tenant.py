"""The TenantRequest an agency writes: its shape and per-field rules (cross-field rules are in rules.py)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictBool, StrictInt, WithJsonSchema

from govcloud.contract.fields import (
    BackupCron,
    Cidr,
    ContractModel,
    Email,
    GroupName,
    Hostname,
    LabelValue,
    Port,
    Quantity,
)
from govcloud.contract.vocabulary import (
    PROVINCES,
    RESERVED_NAMES,
    RESERVED_PREFIXES,
    RESERVED_SUFFIXES,
    Classification,
    Ministry,
    PersonalData,
    Tier,
    Zone,
)

_THAI = re.compile(r"[\u0E00-\u0E7F]")
_CKAN_NAME = re.compile(r"[a-z0-9_-]{2,100}")
_UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}")
_TENANT_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


def tenant_name_problem(value: str) -> str | None:
    """Why ``value`` can't be a tenant name, or None. Pure: the naming proof in naming.py rests on it."""
    if not (3 <= len(value) <= 20) or not _TENANT_NAME.fullmatch(value):
        return (
            f"{value!r} must be 3-20 lowercase letters, digits or single hyphens, start with a letter "
            "and not end with a hyphen"
        )
    if value in RESERVED_NAMES or value.startswith(RESERVED_PREFIXES):
        return f"'{value}' is reserved for the platform, the cluster or another environment; choose another name"
    if value.endswith(RESERVED_SUFFIXES):
        suffix = next(s for s in RESERVED_SUFFIXES if value.endswith(s))
        return (
            f"'{value}' ends with '{suffix}', which govcloud adds to derived names "
            "(another tenant's identity or bucket would carry it); choose another name"
        )
    return None


def _tenant_name(value: str) -> str:
    problem = tenant_name_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _agency_code(value: str) -> str:
    if not re.fullmatch(r"[A-Z0-9-]{2,16}", value):  # fullmatch: '$' would accept a final newline
        raise ValueError(f"'{value}' must be 2-16 capital letters, digits or hyphens, e.g. NSO")
    return value


def _thai_name(value: str) -> str:
    if not _THAI.search(value):
        raise ValueError("must be written in Thai script")
    return value.strip()


def _english_name(value: str) -> str:
    if not value.strip() or any(not (" " <= ch <= "~") for ch in value):
        raise ValueError("must be plain printable English text (ASCII letters, digits and punctuation)")
    return value


def _province(value: str) -> str:
    if value not in PROVINCES:
        raise ValueError(f"'{value}' is not an ISO 3166-2:TH province code such as TH-10 (Bangkok) or TH-76")
    return value


def _site(value: str) -> str:
    if value != "national" and value not in PROVINCES:
        raise ValueError(f"'{value}' must be 'national' or a province code such as TH-76")
    return value


def _ckan_name(value: str) -> str:
    if not _CKAN_NAME.fullmatch(value):
        raise ValueError(f"{value!r} must be 2-100 lowercase letters, digits, '-' or '_' (a CKAN organization name)")
    if _UUID.fullmatch(value):
        # CKAN resolves an id before a name: an id-shaped name could address another organization.
        raise ValueError(f"'{value}' looks like a CKAN id; give the organization's name, not an id")
    return value


TenantName = Annotated[
    str,
    AfterValidator(_tenant_name),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
            "minLength": 3,
            "maxLength": 20,
            "description": "3-20 lowercase letters, digits or single hyphens, starting with a letter. Not a system, "
            "operator or platform namespace, not an environment or starting with one (dev-...), not ending with a "
            "purpose govcloud appends (-backup, -raw, -ckan...): see docs/tenant-contract.md",
        }
    ),
]


class Metadata(ContractModel):
    """Identifies the tenant; every name govcloud derives (namespace, buckets, identities) starts from it."""

    name: TenantName = Field(
        description="The tenant's name: its namespace, and the stem of its buckets, identities and Trino catalogs. "
        "3-20 lowercase letters, digits or single hyphens, starting with a letter; equal to the file name; "
        "not a system, operator or platform namespace, not an environment or starting with one (dev-...), "
        "not ending with a purpose govcloud appends (-backup, -raw, -ckan...)."
    )


class Agency(ContractModel):
    """The government agency that owns the tenant, as the auditors' report names it."""

    code: Annotated[str, AfterValidator(_agency_code)] = Field(
        description="The agency's short code, e.g. NSO: 2-16 capital letters, digits or hyphens; unique in the "
        "stack. Becomes the namespace's agency label and the report's row."
    )
    name_th: Annotated[str, AfterValidator(_thai_name)] = Field(
        description="The agency's official name in Thai script, as the Thai report prints it."
    )
    name_en: Annotated[str, AfterValidator(_english_name)] = Field(
        description="The agency's official name in English (printable ASCII), as the English report prints it."
    )
    ministry: Ministry = Field(
        description="The ministry the agency belongs to (IND: independent state agencies): a namespace annotation, "
        "the CKAN organization's extra, and the report's capacity by ministry."
    )
    province: Annotated[str, AfterValidator(_province)] | None = Field(
        default=None,
        description="For a provincial agency, its ISO 3166-2:TH province code (TH-10 Bangkok ... TH-96); "
        "informational, shown in the report.",
    )


class Contact(ContractModel):
    """A person the platform reaches about this tenant."""

    name: Annotated[str, Field(min_length=1, max_length=200)] = Field(description="Full name, 1-200 characters.")
    email: Email = Field(description="An address under go.th, or.th, ac.th or mi.th.")


class Contacts(ContractModel):
    """Who answers for the tenant: the owner approves changes, security handles incidents."""

    owner: Contact = Field(description="The data owner: approves the tenant's changes and agreements.")
    security: Contact = Field(description="The security contact: receives incident and audit notices.")
    dpo: Contact | None = Field(
        default=None,
        description="The data protection officer (PDPA); required when personalData is not none.",
    )


class QuotaOverride(ContractModel):
    """Overrides of the tier preset; each at most twice the preset."""

    cpu: Quantity | None = Field(
        default=None,
        description="CPU cores for all the tenant's pods together (ResourceQuota requests.cpu/limits.cpu), e.g. 48 "
        "or 500m; at most twice the tier's. Absent: the tier's.",
    )
    memory: Quantity | None = Field(
        default=None,
        description="Memory for all pods together (ResourceQuota requests.memory/limits.memory), e.g. 192Gi; at "
        "most twice the tier's. Absent: the tier's.",
    )
    storage: Quantity | None = Field(
        default=None,
        description="The tenant's storage budget, e.g. 3Ti: caps its volumes (ResourceQuota requests.storage), and "
        "database storage plus storage.quota must fit it; at most twice the tier's. Absent: the tier's.",
    )
    pods: Annotated[StrictInt, Field(ge=1)] | None = Field(
        default=None,
        description="Pods at once (ResourceQuota pods), at least 1, at most twice the tier's. Absent: the tier's.",
    )


class Access(ContractModel):
    """Identity-provider groups per role; at least one admin group."""

    admins: Annotated[list[GroupName], Field(min_length=1)] = Field(
        description="Groups bound to the admin role: run workloads, read secrets; in Trino, administer the "
        "tenant's lake catalogs. At least one; each group belongs to one tenant; no system: group."
    )
    engineers: list[GroupName] = Field(
        default=[],
        description="Groups bound to the engineer role: build pipelines (workloads, config, secrets); in Trino, "
        "write the tenant's zones.",
    )
    analysts: list[GroupName] = Field(
        default=[],
        description="Groups bound to the analyst role: read workloads and logs, run Spark jobs, never read "
        "secrets; in Trino, read.",
    )
    viewers: list[GroupName] = Field(
        default=[],
        description="Groups bound to the viewer role: see that things run; no data.",
    )


class Backup(ContractModel):
    """Scheduled base backups of the database to its own backup bucket (WAL is archived continuously)."""

    schedule: BackupCron = Field(
        default="0 2 * * *",
        description="When base backups run: standard 5-field cron, at most hourly (one fixed minute; WAL "
        "archiving gives point-in-time recovery in between), day of week 0-6.",
    )
    retention_days: Annotated[StrictInt, Field(ge=7, le=3650)] = Field(
        default=30,
        description="Days backups and archived WAL are kept (the recovery window), 7-3650; the backup bucket "
        "expires older versions after it.",
    )


class Database(ContractModel):
    """A PostgreSQL cluster (CloudNativePG), TLS only, continuously archived to its own backup bucket."""

    version: Annotated[StrictInt, Field(ge=14, le=17)] = Field(description="PostgreSQL major version, 14-17.")
    instances: Annotated[StrictInt, Field(ge=1, le=9)] = Field(
        default=1,
        description="PostgreSQL instances (one primary, the rest replicas), 1-9; confidential needs 2, secret 3.",
    )
    storage: Quantity = Field(
        description="Volume size of each instance, e.g. 200Gi; it also sets each instance's CPU and memory "
        "(docs/tenant-contract.md, Size)."
    )
    backup: Backup = Field(default=Backup(), description="Base-backup schedule and retention.")


class Storage(ContractModel):
    """The tenant's object-storage lake: one encrypted, versioned, private, TLS-only bucket per zone."""

    zones: Annotated[list[Zone], Field(min_length=1)] = Field(
        description="Lake zones, each at most once; each becomes a bucket <site>[-<env>]-<tenant>-<zone>. "
        "published exists exactly when openData is enabled."
    )
    quota: Quantity = Field(
        description="Approved object storage for all the zones and the database backups together, e.g. 2Ti; with "
        "database storage it must fit quota.storage. Measured by govcloud audit over all the tenant's buckets, the "
        "backup bucket included, every version (AUD-S3-010 on an overrun); the store does not enforce it."
    )
    retention_days: dict[Zone, Annotated[StrictInt, Field(ge=1, le=36500)]] = Field(
        default={},
        description="Per listed zone, days after which objects expire (1-36500); zones not named keep objects.",
    )


class JupyterHub(ContractModel):
    """Notebooks for the tenant's users, signed in through the site's identity provider."""

    enabled: StrictBool = Field(default=False, description="Deploy the tenant's JupyterHub.")
    max_users: Annotated[StrictInt, Field(ge=1, le=1000)] = Field(
        default=10,
        description="Users at once, 1-1000; each gets 0.5 CPU, 2Gi and a 10Gi home volume, within the quota.",
    )


class Superset(ContractModel):
    """Dashboards; keeps its metadata in the tenant's database."""

    enabled: StrictBool = Field(default=False, description="Deploy the tenant's Superset; requires database.")


class Trino(ContractModel):
    """SQL over the tenant's zones and its sharing agreements' catalogs."""

    enabled: StrictBool = Field(default=False, description="Deploy the tenant's Trino.")
    workers: Annotated[StrictInt, Field(ge=1, le=100)] = Field(
        default=1, description="Trino workers, 1-100; each takes 2 CPU and 8Gi of the quota."
    )


class Spark(ContractModel):
    """Spark jobs run by the operator in the tenant's namespace."""

    enabled: StrictBool = Field(default=False, description="Let the tenant run SparkApplications.")
    max_executors: Annotated[StrictInt, Field(ge=0, le=1000)] = Field(
        default=0, description="Executors per application, 0-1000; at least 1 when enabled."
    )


class Analytics(ContractModel):
    """The analysis services the tenant enables; each must fit the quota."""

    jupyterhub: JupyterHub = Field(default=JupyterHub(), description="Notebooks.")
    superset: Superset = Field(default=Superset(), description="Dashboards.")
    trino: Trino = Field(default=Trino(), description="SQL engine.")
    spark: Spark = Field(default=Spark(), description="Spark jobs.")


class Egress(ContractModel):
    """One external network the tenant's pods may reach, on the listed ports."""

    cidr: Cidr = Field(
        description="An external network, /16 or narrower (IPv6 /48), without host bits: never loopback, "
        "link-local, multicast, NAT64, the cluster's ranges or the site's own networks."
    )
    ports: Annotated[list[Port], Field(min_length=1)] = Field(
        description="TCP ports 1-65535, each once; the cluster's control-plane ports are refused."
    )


class Ingress(ContractModel):
    """The names the tenant's web UIs are published on."""

    hostnames: list[Hostname] = Field(
        default=[],
        description="Lowercase DNS names (no wildcards) under the site's public or internal domain, unique in "
        "the stack; each gets a listener and a certificate. Secret tenants: internal names only.",
    )


class Network(ContractModel):
    """What the tenant reaches outside its namespace, and how it is reached."""

    egress: list[Egress] = Field(
        default=[], description="External networks the tenant's pods may reach; nothing else is open."
    )
    ingress: Ingress = Field(default=Ingress(), description="Published web UI names.")


class OpenData(ContractModel):
    """Publishing on the site's open-data portal (CKAN), from the tenant's published zone."""

    enabled: StrictBool = Field(
        default=False,
        description="Publish: the portal may read the published zone (and nothing else); public or internal only.",
    )
    ckan_organization: (
        Annotated[str, AfterValidator(_ckan_name), WithJsonSchema({"type": "string", "pattern": "^[a-z0-9_-]{2,100}$"})]
        | None
    ) = Field(
        default=None,
        description="The CKAN organization's name (never its id): 2-100 lowercase letters, digits, '-' or '_'; "
        "unique in the site; required when enabled.",
    )


class TenantSpec(ContractModel):
    """What the agency asks for."""

    agency: Agency = Field(description="The agency that owns the tenant.")
    contacts: Contacts = Field(description="Who answers for the tenant.")
    site: Annotated[str, AfterValidator(_site)] = Field(
        description="national, or the province code of the provincial site; equal to the stack's site."
    )
    tier: Tier = Field(description="Size preset: the quota's CPU, memory, storage and pods (see the tier table).")
    classification: Classification = Field(
        description="The most sensitive data the tenant holds: public, internal, confidential or secret (national "
        "site, internal names, 3 database instances, no open data). Top secret is not permitted."
    )
    personal_data: PersonalData = Field(
        description="Personal data held under the PDPA: none, personal, or sensitive (section 26; needs "
        "confidential or secret). Anything but none requires a DPO."
    )
    cost_center: LabelValue = Field(
        description="The agency's budget code, 1-63 label characters; becomes the namespace's cost-center label."
    )
    quota: QuotaOverride = Field(default=QuotaOverride(), description="Overrides of the tier's quota.")
    access: Access = Field(description="Identity-provider groups per role.")
    database: Database | None = Field(default=None, description="A PostgreSQL cluster; absent: none.")
    storage: Storage | None = Field(default=None, description="Object-storage zones; absent: no buckets.")
    analytics: Analytics = Field(default=Analytics(), description="Analysis services.")
    network: Network = Field(default=Network(), description="Egress networks and published names.")
    open_data: OpenData = Field(default=OpenData(), description="Publishing on the open-data portal.")


class TenantRequest(ContractModel):
    """One agency's tenant, as requested in ``stacks/<stack>/tenants/<name>.yaml``."""

    api_version: Literal["govcloud/v1"] = Field(description="The contract's version: govcloud/v1.")
    kind: Literal["TenantRequest"] = Field(description="TenantRequest.")
    metadata: Metadata = Field(description="The tenant's name.")
    spec: TenantSpec = Field(description="What the agency asks for.")

    @property
    def name(self) -> str:
        return self.metadata.name
