"""What a tenant gets on the object store, derived purely from its request: buckets and identities."""

from __future__ import annotations

from dataclasses import dataclass

from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest
from govcloud.contract.vocabulary import PORTAL_IDENTITY, Classification, Zone
from govcloud.naming import (
    BACKUP_ZONE,
    backup_identity_name,
    bucket_name,
    label,
    owner_tags,
    portal_identity_name,
    tenant_labels,
)
from govcloud.storage.specs import BucketSpec, partition_for_region

PORTAL = PORTAL_IDENTITY
__all__ = ["PORTAL", "TenantBuckets", "backup_identity_name", "portal_user_name", "tenant_buckets", "user_arn"]


def portal_user_name(site: SiteConfig) -> str:
    """The open-data portal's identity: the only reader of every tenant's ``published`` zone."""
    return portal_identity_name(site)


def user_arn(site: SiteConfig, user_name: str) -> str:
    store = site.object_store
    return f"arn:{partition_for_region(store.region)}:iam::{store.account_id}:user/{user_name}"


def _tags(tenant: TenantRequest, site: SiteConfig) -> dict[str, str]:
    """The tenant's labels plus the owner tags the bucket provider checks before adopting a bucket."""
    return {**tenant_labels(tenant), **owner_tags(site, tenant.name)}


def _versioning_locked(tenant: TenantRequest) -> bool:
    """Confidential and secret data keeps every version: versioning may never be suspended."""
    return tenant.spec.classification in (Classification.CONFIDENTIAL, Classification.SECRET)


@dataclass(frozen=True)
class TenantBuckets:
    zones: dict[str, BucketSpec]
    backup: BucketSpec | None

    @property
    def all(self) -> list[BucketSpec]:
        return [*self.zones.values(), *([self.backup] if self.backup else [])]


def tenant_buckets(tenant: TenantRequest, site: SiteConfig) -> TenantBuckets:
    """One bucket per requested zone, plus the database backup bucket when the tenant has a database."""
    spec = tenant.spec
    zones: dict[str, BucketSpec] = {}
    if spec.storage is not None:
        for zone in spec.storage.zones:
            zones[zone.value] = BucketSpec(
                name=bucket_name(site, tenant.name, zone.value),
                versioning=True,
                lock_versioning=_versioning_locked(tenant),
                public_read_principal_arn=user_arn(site, portal_user_name(site)) if zone is Zone.PUBLISHED else None,
                expire_after_days=spec.storage.retention_days.get(zone),
                tags={**_tags(tenant, site), label("zone"): zone.value},
            )
    backup = None
    if spec.database is not None:
        backup = BucketSpec(
            name=bucket_name(site, tenant.name, BACKUP_ZONE),
            versioning=True,
            lock_versioning=True,
            # Backups are "kept N days": the operator deletes older ones, and their prior versions (which
            # versioning keeps, and no identity may delete) expire N days later — kept, then really gone.
            noncurrent_expire_days=spec.database.backup.retention_days,
            tags={**_tags(tenant, site), label("zone"): BACKUP_ZONE},
        )
    return TenantBuckets(zones, backup)
