"""Naming rules: every name govcloud gives a resource, derived purely from the validated model.

Names are part of the data-safety contract: a bucket or database whose name changes is a *new* resource,
so these functions must stay stable. Changing one is a migration, not a refactor.
"""

from __future__ import annotations

import re

from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest

LABEL_PREFIX = "govcloud.go.th"
MANAGED_BY = ("app.kubernetes.io/managed-by", "govcloud")
BACKUP_ZONE = "backup"
_S3_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")


def site_slug(site: str) -> str:
    """``national`` stays; a province code ``TH-76`` becomes ``th76`` (DNS- and S3-safe)."""
    return site.lower().replace("-", "")


def namespace_name(tenant: TenantRequest) -> str:
    """A tenant's namespace is its name: the contract reserves every platform namespace."""
    return tenant.name


def bucket_name(site: SiteConfig, tenant: str, zone: str) -> str:
    """``<site>-<tenant>-<zone>``; non-production stacks add the environment so a shared store can't collide."""
    parts = [site_slug(site.site)]
    if site.environment != "prod":
        parts.append(site.environment)
    parts += [tenant, zone]
    name = "-".join(parts)
    if not _S3_NAME.match(name) or "--" in name:
        raise ValueError(f"derived bucket name '{name}' breaks S3 naming rules")
    return name


def storage_identity_name(site: SiteConfig, tenant: str) -> str:
    """The tenant's IAM user on the object store."""
    return f"govcloud-{site_slug(site.site)}-{site.environment}-{tenant}"


def state_bucket_name(site: SiteConfig) -> str:
    """Where the site's Pulumi state lives: one bucket per site and environment."""
    return f"govcloud-state-{site_slug(site.site)}-{site.environment}"


def database_cluster_name(tenant: TenantRequest) -> str:
    return f"{tenant.name}-pg"


def label(key: str) -> str:
    return f"{LABEL_PREFIX}/{key}"


def tenant_labels(tenant: TenantRequest) -> dict[str, str]:
    """Labels every object of a tenant carries; auditors and policies select on them."""
    spec = tenant.spec
    return {
        label("tenant"): tenant.name,
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
