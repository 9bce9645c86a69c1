"""Naming rules: every name govcloud gives a resource, derived purely from the validated model.

Names are part of the data-safety contract: a bucket or database whose name changes is a *new* resource,
so these functions must stay stable. Changing one is a migration, not a refactor.

There is one function per kind of derived name. They are injective over the names the contract admits:
no two (site, environment, tenant, purpose) tuples give the same name, and the platform's own names live
in a space no tenant can enter. The proof is by the shape of the names plus the tenant-name rules of
``govcloud.contract.tenant`` (``tests/unit/test_naming.py`` checks it over generated names):

* a site slug (``national``, ``th76``) has no hyphen, so it is always the first segment;
* a non-production environment is the second segment of a bucket, and no tenant name is, or starts
  with, an environment name (``dev``, ``dev-``...), so it can never be mistaken for one;
* every purpose suffix (a zone, ``backup``, ``ckan``, ``portal``) ends the name, and no tenant name
  ends with ``-<purpose>``, so where the tenant ends and the purpose begins is never ambiguous;
* platform names use the tenant position with ``govcloud`` or ``opendata-portal``, which tenant names
  may not start with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest
from govcloud.contract.vocabulary import PLATFORM_OWNER, PORTAL_IDENTITY

LABEL_PREFIX = "govcloud.go.th"
MANAGED_BY = ("app.kubernetes.io/managed-by", "govcloud")
BACKUP_ZONE = "backup"
PLATFORM_BUCKET_TENANT = "govcloud"
"""The tenant position of the platform's own buckets (``national-govcloud-audit-log``)."""
PORTAL_BACKUP_ZONE = "ckan-backup"
STORAGE_SECRET = "storage-credentials"
SHARED_CATALOG_PREFIX = "shared_"
MAX_CATALOG_NAME = 63
_S3_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def is_s3_bucket_name(name: str) -> bool:
    """S3's rule for a bucket name: 3-63 lowercase letters, digits, dots and hyphens, a letter or digit at both
    ends, no ``..`` (the one definition: the storage specs and the Trino catalogs check it too)."""
    return bool(_S3_BUCKET_NAME.fullmatch(name)) and ".." not in name


_IAM_USER = re.compile(r"[A-Za-z0-9+=,.@_-]{1,64}")


def site_slug(site: str) -> str:
    """``national`` stays; a province code ``TH-76`` becomes ``th76`` (DNS- and S3-safe)."""
    return site.lower().replace("-", "")


def namespace_name(tenant: TenantRequest) -> str:
    """A tenant's namespace is its name: the contract reserves every platform namespace."""
    return tenant_namespace(tenant.name)


def bucket_name(site: SiteConfig, tenant: str, zone: str) -> str:
    """``<site>-<tenant>-<zone>``; non-production stacks add the environment so a shared store can't collide."""
    parts = [site_slug(site.site)]
    if site.environment != "prod":
        parts.append(site.environment)
    parts += [tenant, zone]
    name = "-".join(parts)
    if not is_s3_bucket_name(name) or "." in name or "--" in name:  # ours: no dots, no empty part
        raise ValueError(f"derived bucket name '{name}' breaks S3 naming rules")
    return name


def platform_bucket_name(site: SiteConfig, purpose: str) -> str:
    """A bucket of the platform itself (audit log, portal backups): the tenant position says ``govcloud``."""
    return bucket_name(site, PLATFORM_BUCKET_TENANT, purpose)


def portal_backup_bucket_name(site: SiteConfig) -> str:
    """Where the open-data portal's database backups go."""
    return platform_bucket_name(site, PORTAL_BACKUP_ZONE)


def _iam_user(name: str) -> str:
    if not _IAM_USER.fullmatch(name):
        raise ValueError(f"derived IAM user name '{name}' breaks IAM naming rules (at most 64 characters)")
    return name


def storage_identity_name(site: SiteConfig, tenant: str) -> str:
    """The tenant's workload IAM user on the object store."""
    return _iam_user(f"govcloud-{site_slug(site.site)}-{site.environment}-{tenant}")


def backup_identity_name(site: SiteConfig, tenant: str) -> str:
    """The tenant's backup-only IAM user (the database writes its base backups and WAL with it)."""
    return _iam_user(f"{storage_identity_name(site, tenant)}-{BACKUP_ZONE}")


def portal_identity_name(site: SiteConfig) -> str:
    """The open-data portal's identity: the only reader of every tenant's ``published`` zone."""
    return _iam_user(f"govcloud-{site_slug(site.site)}-{site.environment}-{PORTAL_IDENTITY}")


def portal_backup_identity_name(site: SiteConfig) -> str:
    """The portal database's backup-only identity."""
    return _iam_user(f"{portal_identity_name(site)}-{BACKUP_ZONE}")


def tenant_namespace(tenant: str) -> str:
    """A tenant's namespace is its name: the contract reserves every platform and system namespace."""
    return tenant


def storage_secret_name() -> str:
    """The Secret with the workload identity's keys, in the tenant's own namespace (one per namespace)."""
    return STORAGE_SECRET


def backup_secret_name(tenant: str) -> str:
    """The Secret with the backup identity's keys, in the tenant's own namespace."""
    return f"{tenant}-pg-backup-credentials"


def shared_catalog_name(agreement: str) -> str:
    """``moph-to-nso-health-stats`` becomes ``shared_moph_to_nso_health_stats`` (quoting-free in SQL).

    Agreement names have no underscore and no ``--``, so the mapping is one-to-one; the contract keeps
    agreement names short enough for the 63-character limit.
    """
    name = SHARED_CATALOG_PREFIX + agreement.replace("-", "_")
    if len(name) > MAX_CATALOG_NAME:
        raise ValueError(f"derived Trino catalog name '{name}' is longer than {MAX_CATALOG_NAME} characters")
    return name


def ckan_organization_name(tenant: TenantRequest) -> str | None:
    """The tenant's CKAN organization: a name (never an id), unique in the site."""
    return tenant.spec.open_data.ckan_organization


def tenant_hostnames(tenant: TenantRequest) -> tuple[str, ...]:
    """The hostnames the tenant's web UIs are published under (its own approved list, nothing derived)."""
    return tuple(tenant.spec.network.ingress.hostnames)


def owner_tags(site: SiteConfig, tenant: str | None) -> dict[str, str]:
    """Tags that say which site, environment and tenant a bucket or identity belongs to.

    The storage providers adopt an existing bucket or user only when it carries exactly these: adopting
    a stranger's is how a name collision would become a takeover. ``None`` is the platform itself.
    """
    return {
        label("site"): site_slug(site.site),
        label("environment"): site.environment,
        TENANT_LABEL: tenant if tenant is not None else PLATFORM_OWNER,
    }


def state_bucket_name(site: SiteConfig) -> str:
    """Where the site's Pulumi state lives: one bucket per site and environment."""
    return f"govcloud-state-{site_slug(site.site)}-{site.environment}"


def database_cluster_name(tenant: TenantRequest) -> str:
    return f"{tenant.name}-pg"


def label(key: str) -> str:
    return f"{LABEL_PREFIX}/{key}"


TENANT_LABEL = label("tenant")
"""The label (and owner tag) that says which tenant an object, bucket or identity belongs to."""


def tenant_labels(tenant: TenantRequest) -> dict[str, str]:
    """Labels every object of a tenant carries; auditors and policies select on them."""
    spec = tenant.spec
    return {
        TENANT_LABEL: tenant.name,
        label("agency"): spec.agency.code,
        label("classification"): spec.classification.value,
        label("cost-center"): spec.cost_center,
        MANAGED_BY[0]: MANAGED_BY[1],
    }


def tenant_annotations(tenant: TenantRequest) -> dict[str, str]:
    """Human names are annotations, not labels: they hold Thai script and spaces."""
    agency = tenant.spec.agency
    return {
        label("agency-name-th"): agency.name_th,
        label("agency-name-en"): agency.name_en,
        label("ministry"): agency.ministry.value,
    }


@dataclass(frozen=True, order=True)
class DerivedName:
    """One name govcloud derives, in the space where it must be unique, and who it belongs to.

    ``owner`` is a tenant name, an agreement name, or None for the platform.
    """

    space: str
    name: str
    owner: str | None
    kind: str


def tenant_derived_names(site: SiteConfig, tenant: TenantRequest) -> list[DerivedName]:
    """Every name a tenant's request derives: namespace, buckets, identities, Secrets, CKAN, hosts."""
    spec = tenant.spec
    owner = tenant.name
    namespace = tenant_namespace(owner)
    names = [DerivedName("namespace", namespace, owner, "namespace")]
    zones = [zone.value for zone in spec.storage.zones] if spec.storage is not None else []
    for zone in zones:
        names.append(DerivedName("bucket", bucket_name(site, owner, zone), owner, f"{zone} bucket"))
    names.append(DerivedName("iam-user", storage_identity_name(site, owner), owner, "workload identity"))
    names.append(DerivedName(f"secret/{namespace}", storage_secret_name(), owner, "storage Secret"))
    if spec.database is not None:
        names.append(DerivedName("bucket", bucket_name(site, owner, BACKUP_ZONE), owner, "backup bucket"))
        names.append(DerivedName("iam-user", backup_identity_name(site, owner), owner, "backup identity"))
        names.append(DerivedName(f"secret/{namespace}", backup_secret_name(owner), owner, "backup Secret"))
    organization = ckan_organization_name(tenant)
    if organization is not None:
        names.append(DerivedName("ckan-organization", organization, owner, "CKAN organization"))
    for host in tenant_hostnames(tenant):
        names.append(DerivedName("hostname", host, owner, "hostname"))
    return names


def platform_derived_names(site: SiteConfig, platform_namespaces: Iterable[str] = ()) -> list[DerivedName]:
    """The platform's own names, which no tenant may take."""
    names = [
        DerivedName("iam-user", portal_identity_name(site), None, "portal identity"),
        DerivedName("iam-user", portal_backup_identity_name(site), None, "portal backup identity"),
        DerivedName("bucket", portal_backup_bucket_name(site), None, "portal backup bucket"),
        DerivedName("hostname", site.domain, None, "portal hostname"),
    ]
    names += [DerivedName("namespace", ns, None, "platform namespace") for ns in platform_namespaces]
    return names


def agreement_derived_names(consumer: str, agreement: str) -> list[DerivedName]:
    """An agreement derives the consumer's read-only Trino catalog."""
    return [DerivedName(f"trino-catalog/{consumer}", shared_catalog_name(agreement), agreement, "Trino catalog")]


def duplicated_names(names: Sequence[DerivedName]) -> list[tuple[DerivedName, DerivedName]]:
    """Pairs (first, later) of names taken twice in the same space by different owners or purposes."""
    seen: dict[tuple[str, str], DerivedName] = {}
    out = []
    for item in names:
        first = seen.setdefault((item.space, item.name), item)
        if first is not item:
            out.append((first, item))
    return out
