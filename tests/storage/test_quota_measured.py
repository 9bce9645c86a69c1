"""The approved storage quota is measured by the audit on any S3 store (here moto): every bucket of the tenant,
every object version, against ``spec.storage.quota``; an overrun is AUD-S3-010. No store enforces it."""

from __future__ import annotations

from govcloud.audit.expected import ExpectedBucket, ExpectedState
from govcloud.audit.storage_side import audit_quota
from govcloud.storage.buckets import S3Client, stored_bytes
from govcloud.storage.specs import BucketSpec


def _state(quota: int) -> ExpectedState:
    buckets = tuple(ExpectedBucket(BucketSpec(name), "nso") for name in ("national-nso-raw", "national-nso-backup"))
    return ExpectedState(
        stack="national-prod",
        site="national",
        tenants=("nso",),
        namespaces={},
        buckets=buckets,
        identities=(),
        active_agreements=(),
        storage_quotas={"nso": quota},
    )


def _fill(s3: S3Client) -> None:
    for name in ("national-nso-raw", "national-nso-backup"):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="national-nso-raw", Key="a.csv", Body=b"x" * 1000)
    s3.put_object(Bucket="national-nso-raw", Key="a.csv", Body=b"y" * 500)  # the old version still takes space
    s3.put_object(Bucket="national-nso-backup", Key="base/1", Body=b"z" * 300)


def test_stored_bytes_counts_every_version_and_an_absent_bucket_is_empty(s3: S3Client) -> None:
    _fill(s3)
    assert stored_bytes(s3, "national-nso-raw") == 1500
    assert stored_bytes(s3, "national-nso-missing") == 0


def test_an_overrun_is_a_finding_with_the_measure(s3: S3Client) -> None:
    _fill(s3)
    (finding,) = audit_quota(s3, _state(1799), "nso")
    assert finding.code == "AUD-S3-010" and finding.tenant == "nso"
    assert finding.evidence["storedBytes"] == 1800 and finding.evidence["quotaBytes"] == 1799
    assert "does not enforce" in finding.message


def test_within_the_quota_nothing_is_found(s3: S3Client) -> None:
    _fill(s3)
    assert audit_quota(s3, _state(1800), "nso") == []


def test_the_plan_carries_each_tenants_approved_quota_for_the_audit() -> None:
    from govcloud.audit.expected import expected_state
    from tests.program.conftest import synthesized

    plan = synthesized("national-prod")[1]
    assert plan["storageQuotas"]["nso"] == 2 * 2**40  # stacks/national-prod/tenants/nso.yaml: quota 2Ti
    assert expected_state(plan).storage_quotas == plan["storageQuotas"]
