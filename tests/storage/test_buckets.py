"""govcloud.storage against a real moto server: buckets, drift, refusals, identities, state bucket."""

from __future__ import annotations

import contextlib
import json
import pickle
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from govcloud.storage import (
    BucketNotEmptyError,
    BucketSpec,
    Credentials,
    MissingCredentialsError,
    ReadGrant,
    S3Connection,
    StateBucketError,
    bootstrap_state_bucket,
    bucket_policy,
    create_access_key,
    credentials_from_environment,
    delete_access_key,
    delete_bucket,
    delete_storage_identity,
    diff_bucket,
    ensure_bucket,
    ensure_storage_identity,
    iam_client,
    identity_policy,
    read_bucket,
    s3_client,
    state_login_url,
)
from govcloud.storage.buckets import PUBLIC_ACCESS_BLOCK_KEYS, S3Client
from tests.storage.conftest import MotoServer

PORTAL = "arn:aws:iam::123456789012:user/open-data-portal"
LiftPolicy = Callable[[S3Client, str], contextlib.AbstractContextManager[None]]


def _operations(client: S3Client) -> list[str]:
    """Record the S3 operation names the client sends from now on."""
    seen: list[str] = []

    def record(model: Any, **_: Any) -> None:
        seen.append(str(model.name))

    client.meta.events.register("before-call.s3", record)
    return seen


def _error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


# ----------------------------------------------------------------------------------- ensure and read


def test_ensure_bucket_applies_every_setting_and_reads_back_as_the_spec(s3: S3Client) -> None:
    spec = BucketSpec(
        name="dfat-curated",
        lock_versioning=True,
        expire_after_days=30,
        tags={"govcloud:tenant": "dfat", "govcloud:zone": "curated"},
    )
    state = ensure_bucket(s3, spec)

    assert state == read_bucket(s3, spec.name)
    assert diff_bucket(spec, state) == []
    assert state.exists
    assert state.encryption == "AES256"
    assert state.versioning == "Enabled"
    assert state.public_access_block == dict.fromkeys(PUBLIC_ACCESS_BLOCK_KEYS, True)
    assert state.policy == bucket_policy(spec.name)
    assert state.lifecycle_days == 30
    assert state.noncurrent_expire_days == 30
    assert state.tags == {"govcloud:tenant": "dfat", "govcloud:zone": "curated"}
    assert state.object_lock is False


def test_tls_only_policy_denies_every_request_without_tls(s3: S3Client) -> None:
    ensure_bucket(s3, BucketSpec(name="dfat-raw"))
    policy = read_bucket(s3, "dfat-raw")
    assert policy is not None and policy.policy is not None
    (statement,) = policy.policy["Statement"]
    assert statement == {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::dfat-raw", "arn:aws:s3:::dfat-raw/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    # This moto endpoint is plain HTTP, so the deny is right to refuse object access here.
    with pytest.raises(ClientError):
        s3.put_object(Bucket="dfat-raw", Key="k", Body=b"x")


def test_ensure_bucket_is_idempotent_and_a_converged_bucket_costs_reads_only(s3: S3Client) -> None:
    spec = BucketSpec(name="dfat-raw", expire_after_days=90, tags={"govcloud:tenant": "dfat"})
    first = ensure_bucket(s3, spec)
    sent = _operations(s3)
    second = ensure_bucket(s3, spec)

    assert second == first
    assert sent, "the second ensure should still read the bucket"
    writes = [op for op in sent if op.startswith(("Put", "Create", "Delete"))]
    assert writes == [], f"a converged bucket was rewritten: {writes}"


def test_bucket_outside_us_east_1_gets_a_location_constraint(moto_endpoint: str) -> None:
    client = s3_client(S3Connection(endpoint_url=moto_endpoint, region="eu-west-1"))
    ensure_bucket(client, BucketSpec(name="dfat-eu-raw"))
    assert client.get_bucket_location(Bucket="dfat-eu-raw")["LocationConstraint"] == "eu-west-1"


def test_read_bucket_of_an_absent_bucket_is_none(s3: S3Client) -> None:
    assert read_bucket(s3, "no-such-bucket") is None
    assert diff_bucket(BucketSpec(name="no-such-bucket"), None) == ["bucket no-such-bucket does not exist"]


def test_unversioned_spec_leaves_versioning_off_until_asked(s3: S3Client) -> None:
    spec = BucketSpec(name="dfat-scratch", versioning=False)
    state = ensure_bucket(s3, spec)
    assert state.versioning is None
    assert diff_bucket(spec, state) == []
    on = ensure_bucket(s3, BucketSpec(name="dfat-scratch"))
    assert on.versioning == "Enabled"


# --------------------------------------------------------------------------------------------- drift


def _suspend_versioning(s3: S3Client, name: str) -> None:
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Suspended"})


def _delete_encryption(s3: S3Client, name: str) -> None:
    s3.delete_bucket_encryption(Bucket=name)


def _delete_public_access_block(s3: S3Client, name: str) -> None:
    s3.delete_public_access_block(Bucket=name)


def _loosen_public_access_block(s3: S3Client, name: str) -> None:
    config = dict.fromkeys(PUBLIC_ACCESS_BLOCK_KEYS, True) | {"BlockPublicPolicy": False}
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=config)


def _public_read_policy(s3: S3Client, name: str) -> None:
    s3.delete_public_access_block(Bucket=name)
    statement = {
        "Sid": "PublicRead",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{name}/*",
    }
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))


def _retag(s3: S3Client, name: str) -> None:
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "govcloud:tenant", "Value": "someone-else"}]})


def _drop_lifecycle(s3: S3Client, name: str) -> None:
    s3.delete_bucket_lifecycle(Bucket=name)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_suspend_versioning, ["versioning is Suspended, want Enabled"]),
        (_delete_encryption, ["default encryption is absent, want AES256"]),
        (_delete_public_access_block, ["public access block is absent, want all four settings on"]),
        (_loosen_public_access_block, ["public access block BlockPublicPolicy is off, want on"]),
        (
            _public_read_policy,
            [
                "public access block is absent, want all four settings on",
                "bucket policy lacks statement DenyInsecureTransport",
                "bucket policy has unexpected statement PublicRead: Allow s3:GetObject for anyone (Principal *)",
            ],
        ),
        (_retag, ["tag govcloud:tenant is 'someone-else', want 'dfat'"]),
        (_drop_lifecycle, ["lifecycle expiry is absent, want 365 days"]),
    ],
    ids=["versioning", "encryption", "pab-deleted", "pab-loosened", "public-policy", "tags", "lifecycle"],
)
def test_out_of_band_change_is_reported_then_converged(
    s3: S3Client, change: Callable[[S3Client, str], None], expected: list[str]
) -> None:
    spec = BucketSpec(name="dfat-raw", expire_after_days=365, tags={"govcloud:tenant": "dfat"})
    ensure_bucket(s3, spec)
    change(s3, spec.name)

    assert diff_bucket(spec, read_bucket(s3, spec.name)) == expected
    converged = ensure_bucket(s3, spec)
    assert diff_bucket(spec, converged) == []
    assert converged == read_bucket(s3, spec.name)


# ------------------------------------------------------------------------------------------- deletes


def test_delete_is_refused_while_an_object_exists(s3: S3Client, plain_http_object_io: LiftPolicy) -> None:
    ensure_bucket(s3, BucketSpec(name="dfat-raw"))
    with plain_http_object_io(s3, "dfat-raw"):
        s3.put_object(Bucket="dfat-raw", Key="cases/2024.csv", Body=b"a,b\n")

    with pytest.raises(BucketNotEmptyError, match=r"'dfat-raw' is not empty.*'cases/2024.csv'.*it is retained"):
        delete_bucket(s3, "dfat-raw")
    assert read_bucket(s3, "dfat-raw") is not None
    with plain_http_object_io(s3, "dfat-raw"):
        assert s3.get_object(Bucket="dfat-raw", Key="cases/2024.csv")["Body"].read() == b"a,b\n"


def test_delete_is_refused_when_only_a_noncurrent_version_remains(
    s3: S3Client, plain_http_object_io: LiftPolicy
) -> None:
    ensure_bucket(s3, BucketSpec(name="dfat-raw"))
    with plain_http_object_io(s3, "dfat-raw"):
        s3.put_object(Bucket="dfat-raw", Key="cases/2024.csv", Body=b"a,b\n")
        s3.delete_object(Bucket="dfat-raw", Key="cases/2024.csv")
    assert s3.list_objects_v2(Bucket="dfat-raw")["KeyCount"] == 0, "the bucket looks empty to a plain listing"

    with pytest.raises(BucketNotEmptyError, match="retained"):
        delete_bucket(s3, "dfat-raw")
    assert read_bucket(s3, "dfat-raw") is not None


def test_delete_is_refused_when_only_a_delete_marker_remains(s3: S3Client, plain_http_object_io: LiftPolicy) -> None:
    ensure_bucket(s3, BucketSpec(name="dfat-raw"))
    with plain_http_object_io(s3, "dfat-raw"):
        version = s3.put_object(Bucket="dfat-raw", Key="k", Body=b"x")["VersionId"]
        s3.delete_object(Bucket="dfat-raw", Key="k")
        s3.delete_object(Bucket="dfat-raw", Key="k", VersionId=version)
    listing = s3.list_object_versions(Bucket="dfat-raw")
    assert "Versions" not in listing and len(listing["DeleteMarkers"]) == 1

    with pytest.raises(BucketNotEmptyError, match="retained"):
        delete_bucket(s3, "dfat-raw")
    assert read_bucket(s3, "dfat-raw") is not None


def test_delete_of_an_empty_bucket_works_and_is_idempotent(s3: S3Client) -> None:
    ensure_bucket(s3, BucketSpec(name="dfat-raw"))
    delete_bucket(s3, "dfat-raw")
    assert read_bucket(s3, "dfat-raw") is None
    delete_bucket(s3, "dfat-raw")


# --------------------------------------------------------------------------------- lifecycle and tags


def test_lifecycle_expiry_follows_the_spec(s3: S3Client) -> None:
    ensure_bucket(s3, BucketSpec(name="dfat-raw", expire_after_days=7))
    rules = s3.get_bucket_lifecycle_configuration(Bucket="dfat-raw")["Rules"]
    assert [(r["ID"], r["Status"], r["Expiration"]["Days"]) for r in rules] == [("govcloud-expiry", "Enabled", 7)]
    assert rules[0]["NoncurrentVersionExpiration"] == {"NoncurrentDays": 7}

    assert ensure_bucket(s3, BucketSpec(name="dfat-raw", expire_after_days=14)).lifecycle_days == 14
    state = ensure_bucket(s3, BucketSpec(name="dfat-raw"))
    assert state.lifecycle_days is None
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_lifecycle_configuration(Bucket="dfat-raw")
    assert _error_code(excinfo) == "NoSuchLifecycleConfiguration"


def test_tags_are_replaced_exactly_and_removed_when_the_spec_has_none(s3: S3Client) -> None:
    ensure_bucket(s3, BucketSpec(name="dfat-raw", tags={"a": "1", "b": "2"}))
    state = ensure_bucket(s3, BucketSpec(name="dfat-raw", tags={"a": "1", "c": "3"}))
    assert state.tags == {"a": "1", "c": "3"}
    assert diff_bucket(BucketSpec(name="dfat-raw", tags={"a": "1"}), state) == ["tag c is not in the spec"]
    assert ensure_bucket(s3, BucketSpec(name="dfat-raw")).tags == {}


# --------------------------------------------------------------------------------- published zone


def test_published_zone_grants_read_only_to_the_portal_identity(s3: S3Client) -> None:
    spec = BucketSpec(name="dfat-published", public_read_principal_arn=PORTAL)
    state = ensure_bucket(s3, spec)

    assert state.public_access_block == dict.fromkeys(PUBLIC_ACCESS_BLOCK_KEYS, True)
    assert state.policy is not None
    grants = [s for s in state.policy["Statement"] if s["Effect"] == "Allow"]
    assert grants == [
        {
            "Sid": "PortalReadObjects",
            "Effect": "Allow",
            "Principal": {"AWS": PORTAL},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::dfat-published/*",
        },
        {
            "Sid": "PortalListBucket",
            "Effect": "Allow",
            "Principal": {"AWS": PORTAL},
            "Action": "s3:ListBucket",
            "Resource": "arn:aws:s3:::dfat-published",
        },
    ]
    assert [s["Sid"] for s in state.policy["Statement"] if s["Effect"] == "Deny"] == ["DenyInsecureTransport"]
    assert diff_bucket(spec, state) == []


@pytest.mark.parametrize(
    "principal",
    ["*", "arn:aws:iam::123456789012:user/*", "arn:aws:iam::123456789012:root", "portal", " * "],
)
def test_published_zone_never_accepts_an_anonymous_or_wildcard_principal(principal: str) -> None:
    with pytest.raises(ValueError, match="one IAM user or role ARN"):
        BucketSpec(name="dfat-published", public_read_principal_arn=principal)


def test_removing_the_portal_grant_is_drift_then_converged(s3: S3Client) -> None:
    spec = BucketSpec(name="dfat-published", public_read_principal_arn=PORTAL)
    ensure_bucket(s3, spec)
    s3.put_bucket_policy(Bucket=spec.name, Policy=json.dumps(bucket_policy(spec.name)))
    assert diff_bucket(spec, read_bucket(s3, spec.name)) == [
        "bucket policy lacks statement PortalReadObjects",
        "bucket policy lacks statement PortalListBucket",
    ]
    assert diff_bucket(spec, ensure_bucket(s3, spec)) == []


# ---------------------------------------------------------------------------------------- audit log


def test_object_lock_bucket_has_compliance_retention(s3: S3Client) -> None:
    spec = BucketSpec(name="dfat-audit", object_lock=True, object_lock_days=365)
    state = ensure_bucket(s3, spec)
    assert state.object_lock is True
    assert state.object_lock_days == 365
    assert state.versioning == "Enabled"
    assert diff_bucket(spec, state) == []
    retention = s3.get_object_lock_configuration(Bucket="dfat-audit")["ObjectLockConfiguration"]["Rule"]
    assert retention["DefaultRetention"]["Mode"] == "COMPLIANCE"


def test_object_lock_asked_for_later_is_drift_then_enabled(s3: S3Client) -> None:
    ensure_bucket(s3, BucketSpec(name="dfat-audit"))
    spec = BucketSpec(name="dfat-audit", object_lock=True, object_lock_days=30)
    assert diff_bucket(spec, read_bucket(s3, "dfat-audit")) == [
        "object lock is disabled, want enabled",
        "object lock default retention is absent, want 30 days",
    ]
    assert ensure_bucket(s3, spec).object_lock_days == 30


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"versioning": False, "lock_versioning": True}, "lock_versioning needs versioning"),
        ({"versioning": False, "object_lock": True}, "object lock needs versioning"),
        ({"object_lock_days": 30}, "object_lock_days needs object_lock"),
        ({"object_lock": True, "object_lock_days": 0}, "at least 1"),
        ({"expire_after_days": 0}, "at least 1"),
    ],
)
def test_contradictory_specs_are_rejected(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BucketSpec(name="dfat-raw", **kwargs)


@pytest.mark.parametrize("name", ["", "ab", "Dfat-Raw", "dfat_raw", "dfat-*", "-dfat", "dfat..raw", "a" * 64])
def test_invalid_bucket_names_are_rejected(name: str) -> None:
    with pytest.raises(ValueError, match="not a valid S3 bucket name"):
        BucketSpec(name=name)


def test_spec_tags_are_a_private_copy() -> None:
    tags = {"a": "1"}
    spec = BucketSpec(name="dfat-raw", tags=tags)
    tags["a"] = "2"
    assert spec.tags == {"a": "1"}


# -------------------------------------------------------------------------------------- credentials


def test_credentials_come_from_the_environment_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "GOVCLOUD_S3_ACCESS_KEY_ID"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("GOVCLOUD_S3_SECRET_ACCESS_KEY", raising=False)
    assert credentials_from_environment() is None
    with pytest.raises(MissingCredentialsError, match="no store credentials"):
        s3_client(S3Connection(endpoint_url="http://127.0.0.1:9"))

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "aws-id")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-secret")
    assert credentials_from_environment() == Credentials("aws-id", "aws-secret")
    monkeypatch.setenv("GOVCLOUD_S3_ACCESS_KEY_ID", "store-id")
    monkeypatch.setenv("GOVCLOUD_S3_SECRET_ACCESS_KEY", "store-secret")
    assert credentials_from_environment() == Credentials("store-id", "store-secret"), "GOVCLOUD_S3_* wins"
    monkeypatch.delenv("GOVCLOUD_S3_SECRET_ACCESS_KEY")
    with pytest.raises(MissingCredentialsError, match="only one of GOVCLOUD_S3_ACCESS_KEY_ID"):
        credentials_from_environment()


def test_credentials_are_never_printed_or_pickled() -> None:
    creds = Credentials("AKIAEXAMPLE", "very-secret-value", "session-token-value")
    assert "very-secret-value" not in repr(creds) and "session-token-value" not in repr(creds)
    with pytest.raises(TypeError, match="never serialized"):
        pickle.dumps(creds)


# ----------------------------------------------------------------------------------- identity policy


def test_identity_policy_grants_read_write_on_exactly_its_buckets() -> None:
    policy = identity_policy(["dfat-raw", "dfat-curated"])
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OwnBucketsList",
                "Effect": "Allow",
                "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
                "Resource": ["arn:aws:s3:::dfat-curated", "arn:aws:s3:::dfat-raw"],
            },
            {
                "Sid": "OwnBucketsObjects",
                "Effect": "Allow",
                "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                "Resource": ["arn:aws:s3:::dfat-curated/*", "arn:aws:s3:::dfat-raw/*"],
            },
        ],
    }


def test_identity_policy_read_grant_is_read_only_below_its_prefix() -> None:
    policy = identity_policy(["dfat-raw"], [ReadGrant("health-curated", "shared/dfat/")])
    grants = [s for s in policy["Statement"] if s["Sid"].startswith("ReadGrant")]
    assert grants == [
        {
            "Sid": "ReadGrant1Objects",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::health-curated/shared/dfat/*",
        },
        {
            "Sid": "ReadGrant1List",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": "arn:aws:s3:::health-curated",
            "Condition": {"StringLike": {"s3:prefix": ["shared/dfat/*"]}},
        },
    ]


def test_identity_policy_is_deterministic_and_deduplicated() -> None:
    grants = [ReadGrant("b-bucket", "x/"), ReadGrant("a-bucket", "y/"), ReadGrant("b-bucket", "x/")]
    first = identity_policy(["zz-bucket", "aa-bucket", "zz-bucket"], grants)
    second = identity_policy(["aa-bucket", "zz-bucket"], list(reversed(grants)))
    assert first == second
    assert [s["Sid"] for s in first["Statement"]] == [
        "OwnBucketsList",
        "OwnBucketsObjects",
        "ReadGrant1Objects",
        "ReadGrant1List",
        "ReadGrant2Objects",
        "ReadGrant2List",
    ]


def test_identity_policy_uses_the_region_partition() -> None:
    policy = identity_policy(["dfat-raw"], partition="aws-us-gov")
    assert policy["Statement"][0]["Resource"] == ["arn:aws-us-gov:s3:::dfat-raw"]


@pytest.mark.parametrize(
    ("buckets", "grants", "message"),
    [
        ([], [], "at least one bucket or read grant"),
        (["dfat-*"], [], "not a valid S3 bucket name"),
        (["dfat-raw/x"], [], "not a valid S3 bucket name"),
    ],
)
def test_identity_policy_rejects_what_would_widen_it(buckets: list[str], grants: list[ReadGrant], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        identity_policy(buckets, grants)


@pytest.mark.parametrize("prefix", ["*", "shared/*", "shared/?"])
def test_read_grant_prefix_may_not_hold_wildcards(prefix: str) -> None:
    with pytest.raises(ValueError, match="may not contain"):
        ReadGrant("health-curated", prefix)


_names = st.from_regex(r"[a-z0-9][a-z0-9-]{1,20}[a-z0-9]", fullmatch=True)
_prefixes = st.from_regex(r"[a-z0-9/_.-]{0,20}", fullmatch=True)


@given(
    own=st.lists(_names, min_size=1, max_size=5),
    grants=st.lists(st.tuples(_names, _prefixes), max_size=4),
)
def test_identity_policy_never_reaches_beyond_its_buckets_and_prefixes(
    own: list[str], grants: list[tuple[str, str]]
) -> None:
    policy = identity_policy(own, [ReadGrant(b, p) for b, p in grants])
    allowed = {f"arn:aws:s3:::{b}" for b in own} | {f"arn:aws:s3:::{b}/*" for b in own}
    allowed |= {f"arn:aws:s3:::{b}" for b, _ in grants} | {f"arn:aws:s3:::{b}/{p}*" for b, p in grants}
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        assert set(resources) <= allowed
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert not {"s3:*", "s3:DeleteObjectVersion", "s3:PutBucketPolicy"} & set(actions)
        if statement["Sid"].startswith("ReadGrant"):
            assert set(actions) <= {"s3:GetObject", "s3:ListBucket"}


# --------------------------------------------------------------------------------- storage identity


def test_ensure_storage_identity_creates_the_user_and_exactly_its_policy(conn: S3Connection) -> None:
    iam = iam_client(conn)
    grants = [ReadGrant("health-curated", "shared/")]
    result = ensure_storage_identity(iam, "dfat-storage", ["dfat-raw", "dfat-curated"], grants)

    assert result.created is True
    assert result.user_arn == iam.get_user(UserName="dfat-storage")["User"]["Arn"]
    assert iam.list_user_policies(UserName="dfat-storage")["PolicyNames"] == ["govcloud-storage"]
    document = iam.get_user_policy(UserName="dfat-storage", PolicyName="govcloud-storage")["PolicyDocument"]
    stored = json.loads(document) if isinstance(document, str) else document
    assert stored == identity_policy(["dfat-raw", "dfat-curated"], grants) == result.policy

    again = ensure_storage_identity(iam, "dfat-storage", ["dfat-raw", "dfat-curated"], grants)
    assert again.created is False and again.removed == ()


def test_ensure_storage_identity_removes_anything_granted_out_of_band(conn: S3Connection) -> None:
    iam = iam_client(conn)
    ensure_storage_identity(iam, "dfat-storage", ["dfat-raw"])
    everything = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    )
    iam.put_user_policy(UserName="dfat-storage", PolicyName="break-glass", PolicyDocument=everything)
    managed = iam.create_policy(PolicyName="admin-ish", PolicyDocument=everything)["Policy"]["Arn"]
    iam.attach_user_policy(UserName="dfat-storage", PolicyArn=managed)
    iam.create_group(GroupName="admins")
    iam.add_user_to_group(UserName="dfat-storage", GroupName="admins")

    result = ensure_storage_identity(iam, "dfat-storage", ["dfat-raw"])

    assert result.removed == ("inline policy break-glass", f"managed policy {managed}", "group admins")
    assert iam.list_user_policies(UserName="dfat-storage")["PolicyNames"] == ["govcloud-storage"]
    assert iam.list_attached_user_policies(UserName="dfat-storage")["AttachedPolicies"] == []
    assert iam.list_groups_for_user(UserName="dfat-storage")["Groups"] == []


def test_delete_storage_identity_removes_user_and_keys_but_never_buckets(
    conn: S3Connection, s3: S3Client, plain_http_object_io: LiftPolicy
) -> None:
    iam = iam_client(conn)
    ensure_bucket(s3, BucketSpec(name="dfat-raw"))
    with plain_http_object_io(s3, "dfat-raw"):
        s3.put_object(Bucket="dfat-raw", Key="k", Body=b"x")
    ensure_storage_identity(iam, "dfat-storage", ["dfat-raw"])
    key = create_access_key(iam, "dfat-storage")
    assert key.secret_access_key not in repr(key)

    delete_storage_identity(iam, "dfat-storage")
    delete_storage_identity(iam, "dfat-storage")  # idempotent

    with pytest.raises(ClientError) as excinfo:
        iam.get_user(UserName="dfat-storage")
    assert _error_code(excinfo) == "NoSuchEntity"
    assert s3.list_objects_v2(Bucket="dfat-raw")["KeyCount"] == 1


# ------------------------------------------------------------------------------- IAM enforcement


@pytest.fixture
def two_tenants(auth_server: MotoServer) -> Iterator[tuple[MotoServer, S3Connection, Credentials]]:
    """dfat with its bucket and a grant on health's ``shared/`` prefix; health with two objects."""
    conn = S3Connection(endpoint_url=auth_server.endpoint)
    admin = s3_client(conn)
    for name in ("dfat-raw", "health-curated"):
        ensure_bucket(admin, BucketSpec(name=name))
        # Moto applies the TLS-only deny to every object request (it ignores the Bool condition),
        # which would hide what the identity policy allows; these tests are about the identity policy.
        admin.delete_bucket_policy(Bucket=name)
    admin.put_object(Bucket="health-curated", Key="shared/dfat/cases.csv", Body=b"shared")
    admin.put_object(Bucket="health-curated", Key="private/patients.csv", Body=b"private")
    iam = iam_client(conn)
    ensure_storage_identity(iam, "dfat-storage", ["dfat-raw"], [ReadGrant("health-curated", "shared/dfat/")])
    key = create_access_key(iam, "dfat-storage")
    auth_server.set_unauthenticated_budget(0)  # every request from here on is authenticated
    yield auth_server, conn, Credentials(key.access_key_id, key.secret_access_key)


def _denied(call: Callable[[], object]) -> str:
    with pytest.raises(ClientError) as excinfo:
        call()
    return _error_code(excinfo)


def test_tenant_key_reads_and_writes_its_own_bucket(
    two_tenants: tuple[MotoServer, S3Connection, Credentials],
) -> None:
    _, conn, creds = two_tenants
    tenant = s3_client(conn, creds)
    tenant.put_object(Bucket="dfat-raw", Key="in/a.csv", Body=b"1")
    assert tenant.get_object(Bucket="dfat-raw", Key="in/a.csv")["Body"].read() == b"1"
    assert [o["Key"] for o in tenant.list_objects_v2(Bucket="dfat-raw")["Contents"]] == ["in/a.csv"]
    tenant.delete_object(Bucket="dfat-raw", Key="in/a.csv")


def test_tenant_key_is_denied_another_tenants_bucket(
    two_tenants: tuple[MotoServer, S3Connection, Credentials],
) -> None:
    _, conn, creds = two_tenants
    tenant = s3_client(conn, creds)
    assert _denied(lambda: tenant.get_object(Bucket="health-curated", Key="private/patients.csv")) == "AccessDenied"
    assert _denied(lambda: tenant.put_object(Bucket="health-curated", Key="shared/dfat/x", Body=b"x")) == "AccessDenied"
    assert _denied(lambda: tenant.delete_object(Bucket="health-curated", Key="shared/dfat/cases.csv")) == (
        "AccessDenied"
    )
    assert _denied(lambda: tenant.create_bucket(Bucket="dfat-extra")) == "AccessDenied"
    assert _denied(lambda: tenant.delete_bucket_policy(Bucket="dfat-raw")) == "AccessDenied"


def test_read_grant_works_inside_its_prefix_only(
    two_tenants: tuple[MotoServer, S3Connection, Credentials],
) -> None:
    _, conn, creds = two_tenants
    tenant = s3_client(conn, creds)
    assert tenant.get_object(Bucket="health-curated", Key="shared/dfat/cases.csv")["Body"].read() == b"shared"
    assert _denied(lambda: tenant.get_object(Bucket="health-curated", Key="private/patients.csv")) == "AccessDenied"
    assert _denied(lambda: tenant.get_object(Bucket="health-curated", Key="shared/other.csv")) == "AccessDenied"
    # Listing is NOT asserted here, for two moto 5 limitations (the policy document itself is checked
    # in test_identity_policy_read_grant_is_read_only_below_its_prefix):
    # * the ListBucket grant is limited by a StringLike condition on s3:prefix, which AWS and Ceph
    #   evaluate but moto ignores (it only implements StringEquals), so moto would let a listing
    #   outside the prefix through;
    # * moto fails to verify SigV4 signatures when a query value holds "/" (Prefix="shared/dfat/"
    #   gets SignatureDoesNotMatch), so even the allowed listing cannot be exercised.


def test_unknown_and_revoked_keys_are_refused(
    two_tenants: tuple[MotoServer, S3Connection, Credentials],
) -> None:
    server, conn, creds = two_tenants
    stranger = s3_client(conn, Credentials("AKIANOTAKEYATALL0000", "nope"))
    assert _denied(lambda: stranger.list_objects_v2(Bucket="dfat-raw")) == "InvalidAccessKeyId"

    server.set_unauthenticated_budget(1)  # let the admin's one revocation call through
    delete_access_key(iam_client(conn), "dfat-storage", creds.access_key_id)
    tenant = s3_client(conn, creds)
    assert _denied(lambda: tenant.list_objects_v2(Bucket="dfat-raw")) == "InvalidAccessKeyId"


# ---------------------------------------------------------------------------------- state backend


def test_state_bucket_is_bootstrapped_versioned_encrypted_private_and_tls_only(
    conn: S3Connection, s3: S3Client
) -> None:
    url = bootstrap_state_bucket(s3, "govcloud-state", conn, allow_plain_http=True)
    port = conn.endpoint_url.rsplit(":", 1)[1] if conn.endpoint_url else ""
    query = f"endpoint=127.0.0.1:{port}&disableSSL=true&s3ForcePathStyle=true&region=us-east-1"
    assert url == f"s3://govcloud-state?{query}"
    state = read_bucket(s3, "govcloud-state")
    assert state is not None
    assert state.versioning == "Enabled"
    assert state.encryption == "AES256"
    assert state.public_access_block == dict.fromkeys(PUBLIC_ACCESS_BLOCK_KEYS, True)
    assert state.policy == bucket_policy("govcloud-state")

    sent = _operations(s3)
    assert bootstrap_state_bucket(s3, "govcloud-state", conn, allow_plain_http=True) == url
    assert not [op for op in sent if not op.startswith(("Get", "Head", "List"))], "idempotent: reads only"


def test_weaker_existing_state_bucket_is_refused_and_left_unmodified(conn: S3Connection, s3: S3Client) -> None:
    s3.create_bucket(Bucket="govcloud-state")
    with pytest.raises(StateBucketError) as excinfo:
        bootstrap_state_bucket(s3, "govcloud-state", conn, allow_plain_http=True)
    message = str(excinfo.value)
    for weakness in (
        "versioning is never enabled",
        "no default encryption",
        "public access not blocked",
        "no TLS-only bucket policy",
    ):
        assert weakness in message
    state = read_bucket(s3, "govcloud-state")
    assert state is not None
    assert (state.versioning, state.encryption, state.policy, state.public_access_block) == (
        None,
        None,
        None,
        {},
    )


def test_state_bucket_with_one_weakness_names_just_that(conn: S3Connection, s3: S3Client) -> None:
    bootstrap_state_bucket(s3, "govcloud-state", conn, allow_plain_http=True)
    _suspend_versioning(s3, "govcloud-state")
    with pytest.raises(StateBucketError, match=r"left unmodified: versioning is Suspended \(must be Enabled\)$"):
        bootstrap_state_bucket(s3, "govcloud-state", conn, allow_plain_http=True)
    state = read_bucket(s3, "govcloud-state")
    assert state is not None and state.versioning == "Suspended"


def test_state_bucket_over_plain_http_is_refused_by_default(conn: S3Connection, s3: S3Client) -> None:
    with pytest.raises(StateBucketError, match="plain HTTP"):
        bootstrap_state_bucket(s3, "govcloud-state", conn)
    assert read_bucket(s3, "govcloud-state") is None


@pytest.mark.parametrize(
    ("conn", "url"),
    [
        (S3Connection(endpoint_url=None, region="ap-southeast-2"), "s3://st?region=ap-southeast-2"),
        (
            S3Connection(endpoint_url="https://rgw.gov.example:8443", region="default"),
            "s3://st?endpoint=rgw.gov.example:8443&s3ForcePathStyle=true&region=default",
        ),
        (
            S3Connection(endpoint_url="https://s3.gov.example/", addressing_style="virtual"),
            "s3://st?endpoint=s3.gov.example&region=us-east-1",
        ),
        (
            S3Connection(endpoint_url="http://minio.local:9000"),
            "s3://st?endpoint=minio.local:9000&disableSSL=true&s3ForcePathStyle=true&region=us-east-1",
        ),
    ],
)
def test_state_login_url_follows_pulumis_diy_s3_form(conn: S3Connection, url: str) -> None:
    assert state_login_url("st", conn) == url


def test_state_login_url_rejects_an_endpoint_with_a_path() -> None:
    with pytest.raises(ValueError, match="may not carry a path"):
        state_login_url("st", S3Connection(endpoint_url="https://gateway.example/s3"))
