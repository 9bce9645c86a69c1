"""Retention is enforced where it is promised: a backup bucket's prior versions expire after the retention.

Backups are "kept 30 days": the database operator deletes older backups, but versioning keeps their prior
versions and no identity may delete a version, so without a lifecycle rule they would stay forever. The
rule is ``NoncurrentVersionExpiration`` alone (S3 API, PutBucketLifecycleConfiguration: a rule may carry it
without ``Expiration``), checked here on the moto S3 server the storage tests use.
"""

from __future__ import annotations

from typing import Any

import pytest

from govcloud.components.bucket_provider import bucket_props, spec_from_props
from govcloud.contract.tenant import TenantRequest
from govcloud.storage.buckets import BucketSpec, S3Client, S3Connection, diff_bucket, ensure_bucket, read_bucket
from govcloud.storage.tenant import tenant_buckets
from tests.unit.contract_helpers import SITE, tenant


def _rules(s3: S3Client, name: str) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = s3.get_bucket_lifecycle_configuration(Bucket=name)["Rules"]
    return rules


def test_a_tenant_backup_bucket_expires_prior_versions_after_the_backup_retention() -> None:
    request = TenantRequest.model_validate(
        tenant(database={"version": 16, "instances": 2, "storage": "50Gi", "backup": {"retentionDays": 14}})
    )
    backup = tenant_buckets(request, SITE).backup
    assert backup is not None
    assert (backup.noncurrent_expire_days, backup.expire_after_days) == (14, None)
    assert all(spec.noncurrent_expire_days is None for spec in tenant_buckets(request, SITE).zones.values())


def test_the_store_keeps_current_backups_and_expires_old_versions(s3: S3Client) -> None:
    spec = BucketSpec(name="dfat-backup", lock_versioning=True, noncurrent_expire_days=30)
    state = ensure_bucket(s3, spec)
    assert (state.lifecycle_days, state.noncurrent_expire_days) == (None, 30)
    assert diff_bucket(spec, state) == []
    (rule,) = _rules(s3, spec.name)
    assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30
    assert "Expiration" not in rule  # current backups are the operator's to delete, never the store's


def test_a_changed_retention_converges_and_removing_it_drops_the_rule(s3: S3Client) -> None:
    ensure_bucket(s3, BucketSpec(name="dfat-backup2", noncurrent_expire_days=30))
    assert diff_bucket(BucketSpec(name="dfat-backup2", noncurrent_expire_days=7), read_bucket(s3, "dfat-backup2")) == [
        "noncurrent-version expiry is 30, want 7 days"
    ]
    assert ensure_bucket(s3, BucketSpec(name="dfat-backup2", noncurrent_expire_days=7)).noncurrent_expire_days == 7
    state = ensure_bucket(s3, BucketSpec(name="dfat-backup2"))
    assert (state.lifecycle_days, state.noncurrent_expire_days) == (None, None)


def test_zone_expiry_still_expires_both_objects_and_versions(s3: S3Client) -> None:
    state = ensure_bucket(s3, BucketSpec(name="dfat-raw3", expire_after_days=90))
    assert (state.lifecycle_days, state.noncurrent_expire_days) == (90, 90)


def test_the_provider_carries_the_setting(conn: S3Connection) -> None:
    spec = BucketSpec(name="dfat-backup4", noncurrent_expire_days=30)
    assert spec_from_props(bucket_props(spec, conn)) == spec


def test_zero_days_is_refused() -> None:
    with pytest.raises(ValueError, match="noncurrent_expire_days must be at least 1"):
        BucketSpec(name="dfat-backup5", noncurrent_expire_days=0)
