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

API_VERSION = "govcloud/v1"
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
    name: TenantName


class Agency(ContractModel):
    code: Annotated[str, AfterValidator(_agency_code)]
    name_th: Annotated[str, AfterValidator(_thai_name)]
    name_en: Annotated[str, AfterValidator(_english_name)]
    ministry: Ministry
    province: Annotated[str, AfterValidator(_province)] | None = None


class Contact(ContractModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    email: Email


class Contacts(ContractModel):
    owner: Contact
    security: Contact
    dpo: Contact | None = None


class QuotaOverride(ContractModel):
    """Overrides of the tier preset; each at most twice the preset."""

    cpu: Quantity | None = None
    memory: Quantity | None = None
    storage: Quantity | None = None
    pods: Annotated[StrictInt, Field(ge=1)] | None = None


class Access(ContractModel):
    """Identity-provider groups per role; at least one admin group."""

    admins: Annotated[list[GroupName], Field(min_length=1)]
    engineers: list[GroupName] = []
    analysts: list[GroupName] = []
    viewers: list[GroupName] = []


class Backup(ContractModel):
    schedule: BackupCron = "0 2 * * *"
    """At most hourly: one fixed minute (WAL archiving gives point-in-time recovery in between)."""
    retention_days: Annotated[StrictInt, Field(ge=7, le=3650)] = 30


class Database(ContractModel):
    version: Annotated[StrictInt, Field(ge=14, le=17)]
    instances: Annotated[StrictInt, Field(ge=1, le=9)] = 1
    storage: Quantity
    backup: Backup = Backup()


class Storage(ContractModel):
    zones: Annotated[list[Zone], Field(min_length=1)]
    quota: Quantity
    retention_days: dict[Zone, Annotated[StrictInt, Field(ge=1, le=36500)]] = {}


class JupyterHub(ContractModel):
    enabled: StrictBool = False
    max_users: Annotated[StrictInt, Field(ge=1, le=1000)] = 10


class Superset(ContractModel):
    enabled: StrictBool = False


class Trino(ContractModel):
    enabled: StrictBool = False
    workers: Annotated[StrictInt, Field(ge=1, le=100)] = 1


class Spark(ContractModel):
    enabled: StrictBool = False
    max_executors: Annotated[StrictInt, Field(ge=0, le=1000)] = 0


class Analytics(ContractModel):
    jupyterhub: JupyterHub = JupyterHub()
    superset: Superset = Superset()
    trino: Trino = Trino()
    spark: Spark = Spark()


class Egress(ContractModel):
    cidr: Cidr
    ports: Annotated[list[Port], Field(min_length=1)]


class Ingress(ContractModel):
    hostnames: list[Hostname] = []


class Network(ContractModel):
    egress: list[Egress] = []
    ingress: Ingress = Ingress()


class OpenData(ContractModel):
    enabled: StrictBool = False
    ckan_organization: (
        Annotated[
            str,
            AfterValidator(_ckan_name),
            WithJsonSchema(
                {
                    "type": "string",
                    "pattern": "^[a-z0-9_-]{2,100}$",
                    "description": "The CKAN organization's name (never its id), unique in the site",
                }
            ),
        ]
        | None
    ) = None


class TenantSpec(ContractModel):
    agency: Agency
    contacts: Contacts
    site: Annotated[str, AfterValidator(_site)]
    tier: Tier
    classification: Classification
    personal_data: PersonalData
    cost_center: LabelValue
    quota: QuotaOverride = QuotaOverride()
    access: Access
    database: Database | None = None
    storage: Storage | None = None
    analytics: Analytics = Analytics()
    network: Network = Network()
    open_data: OpenData = OpenData()


class TenantRequest(ContractModel):
    """One agency's tenant, as requested in ``stacks/<stack>/tenants/<name>.yaml``."""

    api_version: Literal["govcloud/v1"]
    kind: Literal["TenantRequest"]
    metadata: Metadata
    spec: TenantSpec

    @property
    def name(self) -> str:
        return self.metadata.name
