"""Issue 17: the store's grants and identity policies (``govcloud.storage``) written out in full.

The moto-server tests show the store enforces what these policies say; these pin what they say, statement
by statement, so a mutant that widens an action list, drops the TLS condition or loosens a grant's prefix
fails here without a server.
"""

from __future__ import annotations

from typing import Any

import pytest

from govcloud.contract.tenant import TenantRequest
from govcloud.storage.buckets import (
    bucket_policy,
    canonical_statement,
    grants_anonymous_access,
    has_tls_only_statement,
    identity_policy,
    portal_principal,
)
from govcloud.storage.specs import BucketSpec, ReadGrant, partition_for_region, valid_principal_arn
from govcloud.storage.tenant import tenant_buckets, user_arn
from tests.unit.contract_helpers import SITE, tenant

PORTAL = "arn:aws:iam::123456789012:user/govcloud-national-prod-opendata-portal"
TLS = {
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::national-nso-raw", "arn:aws:s3:::national-nso-raw/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def test_bucket_policy_without_and_with_the_portal_grant() -> None:
    assert bucket_policy("national-nso-raw") == {"Version": "2012-10-17", "Statement": [TLS]}
    assert bucket_policy("national-nso-raw", PORTAL) == {
        "Version": "2012-10-17",
        "Statement": [
            TLS,
            {
                "Sid": "PortalReadObjects",
                "Effect": "Allow",
                "Principal": {"AWS": PORTAL},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::national-nso-raw/*",
            },
            {
                "Sid": "PortalListBucket",
                "Effect": "Allow",
                "Principal": {"AWS": PORTAL},
                "Action": "s3:ListBucket",
                "Resource": "arn:aws:s3:::national-nso-raw",
            },
        ],
    }


def test_bucket_policy_in_another_partition() -> None:
    statement = bucket_policy("b-1", partition="aws-us-gov")["Statement"][0]
    assert statement["Resource"] == ["arn:aws-us-gov:s3:::b-1", "arn:aws-us-gov:s3:::b-1/*"]


@pytest.mark.parametrize(
    ("region", "partition"),
    [("us-gov-west-1", "aws-us-gov"), ("cn-north-1", "aws-cn"), ("th-bkk-1", "aws"), ("us-east-1", "aws")],
)
def test_partition_for_region(region: str, partition: str) -> None:
    assert partition_for_region(region) == partition


@pytest.mark.parametrize(
    ("arn", "valid"),
    [
        (PORTAL, True),
        ("arn:aws:iam::123456789012:role/reader", True),
        ("arn:aws-us-gov:iam:::user/portal", True),
        ("*", False),
        ("arn:aws:iam::123456789012:user/*", False),
        ("arn:aws:iam::123456789012:user/port?l", False),
        ("arn:aws:iam::123456789012:root", False),
        ("arn:aws:iam::123456789012:group/readers", False),
        ("xarn:aws:iam::1:user/a", False),
        ("arn:aws:iam::1:user/a b", False),
    ],
)
def test_a_principal_is_exactly_one_user_or_role(arn: str, valid: bool) -> None:
    assert valid_principal_arn(arn) is valid
    if not valid:
        with pytest.raises(ValueError, match="must be one IAM user or role ARN"):
            bucket_policy("national-nso-raw", arn)


def test_identity_policy_own_buckets_and_read_grants() -> None:
    grants = [ReadGrant("national-moph-curated", "health/"), ReadGrant("national-doae-curated", "farm/")]
    policy = identity_policy(["national-nso-raw", "national-nso-curated", "national-nso-raw"], grants)
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OwnBucketsList",
                "Effect": "Allow",
                "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
                "Resource": ["arn:aws:s3:::national-nso-curated", "arn:aws:s3:::national-nso-raw"],
            },
            {
                "Sid": "OwnBucketsObjects",
                "Effect": "Allow",
                "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                "Resource": ["arn:aws:s3:::national-nso-curated/*", "arn:aws:s3:::national-nso-raw/*"],
            },
            {
                "Sid": "ReadGrant1Objects",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::national-doae-curated/farm/*",
            },
            {
                "Sid": "ReadGrant1List",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": "arn:aws:s3:::national-doae-curated",
                "Condition": {"StringLike": {"s3:prefix": ["farm/*"]}},
            },
            {
                "Sid": "ReadGrant2Objects",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::national-moph-curated/health/*",
            },
            {
                "Sid": "ReadGrant2List",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": "arn:aws:s3:::national-moph-curated",
                "Condition": {"StringLike": {"s3:prefix": ["health/*"]}},
            },
        ],
    }


def test_identity_policy_of_grants_only_and_in_another_partition() -> None:
    policy = identity_policy([], [ReadGrant("b-1", "p/")], partition="aws-cn")
    assert [s["Sid"] for s in policy["Statement"]] == ["ReadGrant1Objects", "ReadGrant1List"]
    assert policy["Statement"][0]["Resource"] == "arn:aws-cn:s3:::b-1/p/*"
    policy = identity_policy(["b-1"], partition="aws-cn")
    assert [s["Sid"] for s in policy["Statement"]] == ["OwnBucketsList", "OwnBucketsObjects"]
    assert policy["Statement"][1]["Resource"] == ["arn:aws-cn:s3:::b-1/*"]


def test_identity_policy_refuses_nothing_and_wildcards() -> None:
    with pytest.raises(ValueError, match="at least one bucket or read grant"):
        identity_policy([])
    with pytest.raises(ValueError, match="not a valid S3 bucket name"):
        identity_policy(["national-*"])
    with pytest.raises(ValueError, match="not a valid S3 bucket name"):
        identity_policy(["a..b"])
    for prefix in ("health/*", "h?"):
        with pytest.raises(ValueError, match="may not contain \\* or \\?"):
            ReadGrant("national-moph-curated", prefix)


def test_canonical_statement_ignores_order_and_one_element_lists_and_condition_case() -> None:
    stored = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": ["s3:*"],
        "Resource": ["arn:aws:s3:::national-nso-raw/*", "arn:aws:s3:::national-nso-raw"],
        "Condition": {"Bool": {"aws:SecureTransport": ["False"]}},
    }
    assert canonical_statement(stored) == canonical_statement(TLS)
    assert canonical_statement({**TLS, "Effect": "Allow"}) != canonical_statement(TLS)
    assert canonical_statement({**TLS, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}) != (
        canonical_statement(TLS)
    )
    assert canonical_statement({**TLS, "NotAction": "s3:GetObject"}) != canonical_statement(TLS)
    assert canonical_statement({**TLS, "NotResource": "x"}) != canonical_statement(TLS)
    one = {"Effect": "Allow", "Principal": {"AWS": [PORTAL]}, "Action": "s3:GetObject"}
    assert canonical_statement(one) == canonical_statement({**one, "Principal": {"AWS": PORTAL}})
    assert canonical_statement(one) != canonical_statement({**one, "Principal": {"AWS": "*"}})
    assert canonical_statement(one) != canonical_statement({k: v for k, v in one.items() if k != "Principal"})


def test_tls_only_statement_is_recognised_exactly() -> None:
    assert has_tls_only_statement({"Statement": [TLS]}, "national-nso-raw")
    assert has_tls_only_statement({"Statement": TLS}, "national-nso-raw"), "a single statement, not a list"
    assert not has_tls_only_statement({"Statement": [TLS]}, "national-nso-curated")
    assert not has_tls_only_statement({"Statement": [TLS]}, "national-nso-raw", partition="aws-cn")
    weaker = {**TLS, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
    assert not has_tls_only_statement({"Statement": [weaker]}, "national-nso-raw")
    assert not has_tls_only_statement(None, "national-nso-raw")
    assert not has_tls_only_statement({}, "national-nso-raw")


def _allow(principal: Any, effect: str = "Allow") -> dict[str, Any]:
    return {"Statement": [{"Effect": effect, "Principal": principal, "Action": "s3:GetObject", "Resource": "x"}]}


@pytest.mark.parametrize(
    ("policy", "anonymous"),
    [
        (_allow("*"), True),
        (_allow({"AWS": "*"}), True),
        (_allow({"AWS": [PORTAL, "*"]}), True),
        (_allow("*", effect="Deny"), False),
        (_allow({"AWS": PORTAL}), False),
        (_allow({"Service": "*"}), False),
        (None, False),
        ({"Statement": [TLS]}, False),
    ],
)
def test_anonymous_access_is_any_allow_to_everyone(policy: dict[str, Any] | None, anonymous: bool) -> None:
    assert grants_anonymous_access(policy) is anonymous


def test_portal_principal_is_read_from_the_portal_statement_only() -> None:
    assert portal_principal(bucket_policy("national-nso-raw", PORTAL)) == PORTAL
    assert portal_principal(bucket_policy("national-nso-raw")) is None
    other = {"Statement": [{"Sid": "Other", "Effect": "Allow", "Principal": {"AWS": PORTAL}}]}
    assert portal_principal(other) is None
    empty = {"Statement": [{"Sid": "PortalReadObjects", "Effect": "Allow", "Principal": {"AWS": []}}]}
    assert portal_principal(empty) is None
    anyone = {"Statement": [{"Sid": "PortalReadObjects", "Effect": "Allow", "Principal": "*"}]}
    assert portal_principal(anyone) is None


def test_tenant_buckets_of_a_confidential_tenant_with_a_database() -> None:
    request = TenantRequest.model_validate(
        tenant(storage={"zones": ["raw", "curated"], "quota": "1Ti", "retentionDays": {"raw": 90}})
    )
    buckets = tenant_buckets(request, SITE)
    labels = {
        "govcloud.go.th/tenant": "nso",
        "govcloud.go.th/agency": "NSO",
        "govcloud.go.th/classification": "confidential",
        "govcloud.go.th/cost-center": "MDES-NSO-2569-001",
        "app.kubernetes.io/managed-by": "govcloud",
        "govcloud.go.th/site": "national",
        "govcloud.go.th/environment": "prod",
    }
    assert buckets.zones == {
        "raw": BucketSpec(
            "national-nso-raw",
            versioning=True,
            lock_versioning=True,
            expire_after_days=90,
            tags={**labels, "govcloud.go.th/zone": "raw"},
        ),
        "curated": BucketSpec(
            "national-nso-curated",
            versioning=True,
            lock_versioning=True,
            tags={**labels, "govcloud.go.th/zone": "curated"},
        ),
    }
    assert buckets.backup == BucketSpec(
        "national-nso-backup",
        versioning=True,
        lock_versioning=True,
        noncurrent_expire_days=30,
        tags={**labels, "govcloud.go.th/zone": "backup"},
    )
    assert [b.name for b in buckets.all] == ["national-nso-raw", "national-nso-curated", "national-nso-backup"]


def test_tenant_buckets_of_a_publishing_internal_tenant_without_a_database() -> None:
    request = TenantRequest.model_validate(
        tenant(
            classification="internal",
            personalData="none",
            database=None,
            storage={"zones": ["published"], "quota": "1Ti"},
            openData={"enabled": True, "ckanOrganization": "nso"},
        )
    )
    buckets = tenant_buckets(request, SITE)
    assert buckets.backup is None
    (published,) = buckets.all
    assert (published.name, published.lock_versioning, published.public_read_principal_arn) == (
        "national-nso-published",
        False,
        "arn:aws:iam:::user/govcloud-national-prod-opendata-portal",
    )


def test_user_arn_carries_the_stores_partition_and_account() -> None:
    store = SITE.object_store.model_copy(update={"region": "us-gov-east-1", "account_id": "42"})
    site = SITE.model_copy(update={"object_store": store})
    assert user_arn(site, "u") == "arn:aws-us-gov:iam::42:user/u"


def test_secret_tenants_lock_versioning_public_ones_do_not() -> None:
    secret = TenantRequest.model_validate(
        tenant(classification="secret", database={"version": 16, "instances": 3, "storage": "200Gi"})
    )
    public = TenantRequest.model_validate(tenant(classification="public", personalData="none"))
    assert [b.lock_versioning for b in tenant_buckets(secret, SITE).zones.values()] == [True, True]
    assert [b.lock_versioning for b in tenant_buckets(public, SITE).zones.values()] == [False, False]


def test_identity_policy_refusal_message() -> None:
    with pytest.raises(ValueError) as error:
        identity_policy([], [])
    assert str(error.value) == "a storage identity needs at least one bucket or read grant"


def test_canonical_statements_differ_in_action_and_plain_principal() -> None:
    get = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "x"}
    assert canonical_statement(get) != canonical_statement({**get, "Action": "s3:PutObject"})
    assert canonical_statement(get) != canonical_statement({**get, "Resource": "y"})
    assert canonical_statement(get) != canonical_statement({**get, "Principal": "arn:aws:iam::1:user/a"})
    assert canonical_statement(get) == canonical_statement({**get, "Action": ["s3:GetObject"]})


def test_canonical_condition_values_of_mixed_types() -> None:
    stored = {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": [False, "x"]}}}
    assert canonical_statement(stored) == canonical_statement(
        {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": ["x", "False"]}}}
    )


def test_a_policy_without_statements() -> None:
    assert not has_tls_only_statement({"Version": "2012-10-17"}, "national-nso-raw")
    assert not grants_anonymous_access({"Version": "2012-10-17"})
    assert portal_principal({"Version": "2012-10-17"}) is None


def test_a_portal_statement_naming_no_aws_principal() -> None:
    service = {"Statement": [{"Sid": "PortalReadObjects", "Effect": "Allow", "Principal": {"Service": "x"}}]}
    assert portal_principal(service) is None
    assert not grants_anonymous_access(service)
