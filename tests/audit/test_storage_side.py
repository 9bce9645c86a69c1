"""The object-store half of the audit against a real moto S3/IAM server, broken out of band with boto3."""

from __future__ import annotations

import json
from typing import Any

import pytest

from govcloud.audit.expected import ExpectedIdentity, ExpectedState
from govcloud.audit.findings import Finding, Severity
from govcloud.audit.storage_side import audit_storage, unexplained_resources
from govcloud.storage import ReadGrant, delete_bucket, delete_storage_identity
from govcloud.storage.buckets import IDENTITY_POLICY_NAME
from tests.audit.conftest import Store

NSO = "govcloud-national-prod-nso"


def _audit(store: Store, expected: ExpectedState) -> list[Finding]:
    return audit_storage(expected, store.s3, store.iam).findings


def _pairs(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.code, f.resource) for f in findings}


def _policy(store: Store, bucket: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(store.s3.get_bucket_policy(Bucket=bucket)["Policy"])
    return document


def test_a_store_converged_by_ensure_bucket_has_no_findings(
    provisioned: Store, recorded_expected: ExpectedState
) -> None:
    report = audit_storage(recorded_expected, provisioned.s3, provisioned.iam)
    assert report.findings == []
    # stacks/national-prod: the tenant files' 19 storage zones (dga, doae, moph, revenue, tmd 3 each; dopa, nso 2),
    # a backup bucket for each of the 6 tenant databases, the site's audit log, the portal's CKAN database backup;
    # an identity per tenant (7) and per tenant database backup (6), and the portal's two (catalogue, backup).
    assert report.scanned == {"buckets": 27, "storageIdentities": 15}


def test_buckets_and_grants_broken_out_of_band(provisioned: Store, recorded_expected: ExpectedState) -> None:
    s3, iam = provisioned.s3, provisioned.iam
    # A public-read policy: the public access block has to go first, as on a real store.
    s3.delete_public_access_block(Bucket="national-nso-raw")
    policy = _policy(provisioned, "national-nso-raw")
    policy["Statement"].append(
        {
            "Sid": "PublicRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::national-nso-raw/*",
        }
    )
    s3.put_bucket_policy(Bucket="national-nso-raw", Policy=json.dumps(policy))
    s3.delete_bucket_encryption(Bucket="national-nso-curated")
    s3.put_bucket_versioning(Bucket="national-moph-raw", VersioningConfiguration={"Status": "Suspended"})
    s3.delete_bucket_policy(Bucket="national-dga-raw")
    s3.delete_public_access_block(Bucket="national-dga-published")
    s3.put_bucket_acl(Bucket="national-dga-published", ACL="public-read")
    # nso may read revenue's raw data (no agreement at all) and tmd's rainfall (agreement expired 2025).
    iam.put_user_policy(
        UserName=NSO,
        PolicyName="analyst-debug",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "RevenueRaw",
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::national-revenue-raw/*",
                    },
                    {
                        "Sid": "RainfallDaily",
                        "Effect": "Allow",
                        "Action": ["s3:GetObject"],
                        "Resource": ["arn:aws:s3:::national-tmd-curated/rainfall/daily/*"],
                    },
                ],
            }
        ),
    )

    findings = _audit(provisioned, recorded_expected)

    assert _pairs(findings) == {
        ("AUD-S3-002", "bucket national-nso-raw"),
        ("AUD-S3-003", "bucket national-nso-raw"),
        ("AUD-S3-005", "bucket national-nso-curated"),
        ("AUD-S3-006", "bucket national-moph-raw"),
        ("AUD-S3-007", "bucket national-dga-raw"),
        ("AUD-S3-002", "bucket national-dga-published"),
        ("AUD-S3-004", "bucket national-dga-published"),
        ("AUD-IAM-002", f"storage identity {NSO}"),
    }
    by_code = {(f.code, f.resource): f for f in findings}
    assert by_code[("AUD-S3-003", "bucket national-nso-raw")].evidence["statements"][0]["Sid"] == "PublicRead"
    assert by_code[("AUD-S3-006", "bucket national-moph-raw")].evidence["observed"] == "Suspended"
    grants = sorted((f for f in findings if f.code == "AUD-IAM-002"), key=lambda f: f.evidence["sid"])
    assert [g.evidence["sid"] for g in grants] == ["RainfallDaily", "RevenueRaw"]
    assert {g.severity for g in grants} == {Severity.CRITICAL}
    assert grants[0].evidence["policy"] == "inline policy analyst-debug"
    assert grants[0].evidence["bucketOwners"] == {"arn:aws:s3:::national-tmd-curated/rainfall/daily/*": "tmd"}
    assert grants[1].evidence["unexplained"] == ["arn:aws:s3:::national-revenue-raw/*"]
    assert grants[1].evidence["activeAgreements"] == ["doae-to-nso-farmer-registry", "moph-to-nso-health-stats"]
    assert "sharing grant without an active agreement" in grants[1].message
    json.dumps([f.as_json() for f in findings])


def test_missing_bucket_and_identity(provisioned: Store, recorded_expected: ExpectedState) -> None:
    delete_bucket(provisioned.s3, "national-tmd-raw")
    delete_storage_identity(provisioned.iam, "govcloud-national-prod-tmd")
    findings = _audit(provisioned, recorded_expected)
    assert _pairs(findings) == {
        ("AUD-S3-001", "bucket national-tmd-raw"),
        ("AUD-IAM-001", "storage identity govcloud-national-prod-tmd"),
    }
    assert {f.code: f.severity for f in findings} == {"AUD-S3-001": Severity.CRITICAL, "AUD-IAM-001": Severity.MEDIUM}


def test_permissions_beyond_the_declared_policy(provisioned: Store, recorded_expected: ExpectedState) -> None:
    iam = provisioned.iam
    user = "govcloud-national-prod-dopa"
    document = iam.get_user_policy(UserName=user, PolicyName=IDENTITY_POLICY_NAME)["PolicyDocument"]
    statements = [s for s in document["Statement"] if s["Sid"] != "OwnBucketsList"]
    statements.append(
        {
            "Sid": "PurgeVersions",
            "Effect": "Allow",
            "Action": "s3:DeleteObjectVersion",
            "Resource": "arn:aws:s3:::national-dopa-raw/*",
        }
    )
    iam.put_user_policy(
        UserName=user,
        PolicyName=IDENTITY_POLICY_NAME,
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )
    iam.create_group(GroupName="ops")
    iam.add_user_to_group(GroupName="ops", UserName=user)
    findings = _audit(provisioned, recorded_expected)
    assert _pairs(findings) == {
        ("AUD-IAM-003", f"storage identity {user}"),
        ("AUD-IAM-004", f"storage identity {user}"),
    }
    extra = next(f for f in findings if f.code == "AUD-IAM-003")
    assert [e["sid"] for e in extra.evidence["extra"]] == ["PurgeVersions"]
    assert extra.evidence["groups"] == ["ops"]
    missing = next(f for f in findings if f.code == "AUD-IAM-004")
    assert [s["Sid"] for s in missing.evidence["missing"]] == ["OwnBucketsList"]


def test_a_bucket_policy_grant_to_another_tenant_is_sharing_without_agreement(
    provisioned: Store, recorded_expected: ExpectedState
) -> None:
    policy = _policy(provisioned, "national-moph-curated")
    policy["Statement"].append(
        {
            "Sid": "RevenueReads",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:user/govcloud-national-prod-revenue"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::national-moph-curated/*",
        }
    )
    provisioned.s3.put_bucket_policy(Bucket="national-moph-curated", Policy=json.dumps(policy))
    findings = _audit(provisioned, recorded_expected)
    assert _pairs(findings) == {("AUD-S3-009", "bucket national-moph-curated")}
    assert findings[0].severity is Severity.CRITICAL
    assert findings[0].evidence["statements"][0]["Sid"] == "RevenueReads"


def test_other_drift_is_reported_once_as_drift(provisioned: Store, recorded_expected: ExpectedState) -> None:
    provisioned.s3.delete_bucket_tagging(Bucket="national-revenue-archive")
    findings = _audit(provisioned, recorded_expected)
    assert _pairs(findings) == {("AUD-S3-008", "bucket national-revenue-archive")}
    assert findings[0].severity is Severity.MEDIUM
    assert any("tag govcloud.go.th/tenant is missing" in line for line in findings[0].evidence["drift"])


def test_a_store_without_iam_is_audited_for_buckets_only(provisioned: Store, recorded_expected: ExpectedState) -> None:
    report = audit_storage(recorded_expected, provisioned.s3, None)
    assert report.findings == []
    assert report.scanned == {"buckets": 27}  # as above: 19 zones, 6 + 1 database backups, the audit log


# ------------------------------------------------------------------------------ what explains a grant

IDENTITY = ExpectedIdentity(
    user_name="consumer",
    tenant="nso",
    bucket_names=("own-raw",),
    read_grants=(ReadGrant("provider-curated", "stats/"),),
)


def _statement(action: Any, resource: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


@pytest.mark.parametrize(
    ("statement", "unexplained"),
    [
        (_statement("s3:*", ["arn:aws:s3:::own-raw", "arn:aws:s3:::own-raw/*"]), []),
        (_statement("s3:GetObject", "arn:aws:s3:::provider-curated/stats/*"), []),
        (_statement("s3:GetObject", "arn:aws:s3:::provider-curated/stats/2026/*"), []),
        (_statement("s3:GetObject", "arn:aws:s3:::provider-curated/*"), ["arn:aws:s3:::provider-curated/*"]),
        (_statement("s3:GetObject", "arn:aws:s3:::provider-curated/st*"), ["arn:aws:s3:::provider-curated/st*"]),
        (
            _statement("s3:PutObject", "arn:aws:s3:::provider-curated/stats/*"),
            ["arn:aws:s3:::provider-curated/stats/*"],
        ),
        (
            _statement(
                "s3:ListBucket", "arn:aws:s3:::provider-curated", Condition={"StringLike": {"s3:prefix": ["stats/*"]}}
            ),
            [],
        ),
        (_statement("s3:ListBucket", "arn:aws:s3:::provider-curated"), ["arn:aws:s3:::provider-curated"]),
        (_statement("s3:GetObject", "arn:aws:s3:::*"), ["arn:aws:s3:::*"]),
        (_statement("*", "*"), ["*"]),
        ({"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::own-raw"}, []),
        (
            {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::own-raw/*"},
            ["every resource except ['arn:aws:s3:::own-raw/*']"],
        ),
        (_statement("sts:GetCallerIdentity", "*"), None),
    ],
)
def test_what_a_statement_reaches_beyond_its_grants(statement: dict[str, Any], unexplained: list[str] | None) -> None:
    assert unexplained_resources(statement, IDENTITY) == unexplained
