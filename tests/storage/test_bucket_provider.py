"""The dynamic providers against a real moto server, their serialization, and the real provider host."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import select
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pulumi
import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime._serialization import _serialize
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

import govcloud.components.bucket_provider as bp
from govcloud.components.bucket_provider import (
    Bucket,
    BucketProvider,
    StorageIdentity,
    StorageIdentityProvider,
    bucket_props,
    identity_props,
    provider_credentials,
    storage_identity_options,
)
from govcloud.storage import (
    BucketNotEmptyError,
    BucketSpec,
    Credentials,
    MissingCredentialsError,
    ReadGrant,
    S3Connection,
    VersioningLockedError,
    iam_client,
    read_bucket,
)
from govcloud.storage.buckets import S3Client

REPO_ROOT = Path(__file__).resolve().parents[2]
DISTINCT_KEY_ID = "AKIAGOVCLOUDDISTINCT7Q"
DISTINCT_SECRET = "govcloud/Distinct+Secret=9f3e1c77a0b2"
CONFIG_KEY_ID = "AKIAGOVCLOUDCONFIGKEY3"
CONFIG_SECRET = "govcloud/Config+Secret=51d0e8a9c6f4"
PORTAL = "arn:aws:iam::123456789012:user/open-data-portal"
LiftPolicy = Callable[[S3Client, str], contextlib.AbstractContextManager[None]]


@pytest.fixture(autouse=True)
def _fresh_runtime_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no engine configuration remembered by the provider module."""
    monkeypatch.setattr(bp, "_RUNTIME_CONFIG", {})


def _configure(provider: Any, config: dict[str, Any]) -> None:
    provider.configure(ConfigureRequest(Config(raw_config=config, project_name="govcloud")))


def _empty(s3: S3Client, bucket: str) -> None:
    listing = s3.list_object_versions(Bucket=bucket)
    for entry in listing.get("Versions", []) + listing.get("DeleteMarkers", []):
        s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])


# ------------------------------------------------------------------------------- bucket life cycle


def test_bucket_provider_full_life_cycle(conn: S3Connection, s3: S3Client, plain_http_object_io: LiftPolicy) -> None:
    provider = BucketProvider()
    spec = BucketSpec(name="dfat-raw", expire_after_days=90, tags={"govcloud:tenant": "dfat"})
    props = {**bucket_props(spec, conn), "__provider": "opaque"}

    created = provider.create(props)
    assert created.id == "dfat-raw"
    outs = created.outs or {}
    assert outs["drift"] == [] and outs["encryption"] == "AES256" and outs["versioning_status"] == "Enabled"
    assert "__provider" not in outs
    assert "govcloud-test-admin-secret" not in json.dumps(outs), "no credential in outputs"

    read = provider.read("dfat-raw", outs)
    assert read.id == "dfat-raw"
    assert read.outs == outs
    unchanged = provider.diff("dfat-raw", outs, props)
    assert (unchanged.changes, unchanged.replaces) == (False, [])

    retagged = bucket_props(BucketSpec(name="dfat-raw", expire_after_days=90, tags={"govcloud:tenant": "dfat2"}), conn)
    change = provider.diff("dfat-raw", outs, retagged)
    assert (change.changes, change.replaces) == (True, [])
    updated = provider.update("dfat-raw", outs, retagged).outs or {}
    assert updated["tags"] == {"govcloud:tenant": "dfat2"} and updated["drift"] == []

    renamed = provider.diff("dfat-raw", updated, {**retagged, "name": "dfat-raw2"})
    assert (renamed.changes, renamed.replaces, renamed.delete_before_replace) == (True, ["name"], False)

    with plain_http_object_io(s3, "dfat-raw"):
        s3.put_object(Bucket="dfat-raw", Key="cases.csv", Body=b"1")
    with pytest.raises(BucketNotEmptyError, match="it is retained"):
        provider.delete("dfat-raw", updated)
    assert read_bucket(s3, "dfat-raw") is not None

    with plain_http_object_io(s3, "dfat-raw"):
        _empty(s3, "dfat-raw")
    provider.delete("dfat-raw", updated)
    assert read_bucket(s3, "dfat-raw") is None
    assert provider.read("dfat-raw", updated).id == ""


def test_drift_is_visible_after_refresh_and_converged_by_update(conn: S3Connection, s3: S3Client) -> None:
    provider = BucketProvider()
    props = bucket_props(BucketSpec(name="dfat-curated", tags={"govcloud:tenant": "dfat"}), conn)
    outs = provider.create(props).outs or {}

    s3.put_bucket_versioning(Bucket="dfat-curated", VersioningConfiguration={"Status": "Suspended"})
    s3.delete_bucket_encryption(Bucket="dfat-curated")
    refreshed = provider.read("dfat-curated", outs).outs or {}

    assert refreshed["versioning"] is False
    assert refreshed["versioning_status"] == "Suspended"
    assert refreshed["encryption"] is None
    assert refreshed["drift"] == [
        "default encryption is absent, want AES256",
        "versioning is Suspended, want Enabled",
    ]
    plan = provider.diff("dfat-curated", refreshed, props)
    assert (plan.changes, plan.replaces) == (True, [])

    converged = provider.update("dfat-curated", refreshed, props).outs or {}
    assert converged["drift"] == [] and converged["versioning"] is True
    assert (provider.read("dfat-curated", converged).outs or {})["drift"] == []


def test_drift_in_a_setting_that_is_not_an_input_still_plans_an_update(conn: S3Connection, s3: S3Client) -> None:
    provider = BucketProvider()
    props = bucket_props(BucketSpec(name="dfat-curated"), conn)
    outs = provider.create(props).outs or {}
    s3.delete_public_access_block(Bucket="dfat-curated")

    refreshed = provider.read("dfat-curated", outs).outs or {}
    assert {k: refreshed[k] for k in bp.BUCKET_INPUT_KEYS} == {k: outs[k] for k in bp.BUCKET_INPUT_KEYS}
    assert refreshed["drift"] == ["public access block is absent, want all four settings on"]
    assert provider.diff("dfat-curated", refreshed, props).changes is True


def test_update_refuses_to_suspend_or_unlock_locked_versioning(conn: S3Connection, s3: S3Client) -> None:
    provider = BucketProvider()
    locked = bucket_props(BucketSpec(name="dfat-secret-raw", lock_versioning=True), conn)
    outs = provider.create(locked).outs or {}

    suspended = bucket_props(BucketSpec(name="dfat-secret-raw", versioning=False), conn)
    unlocked = bucket_props(BucketSpec(name="dfat-secret-raw"), conn)
    check = provider.check(locked, suspended)
    assert [(f.property, f.reason) for f in check.failures] == [
        (
            "versioning",
            "bucket dfat-secret-raw: versioning is locked on (lock_versioning) and may never be suspended",
        )
    ]
    with pytest.raises(VersioningLockedError, match="may never be suspended"):
        provider.update("dfat-secret-raw", outs, suspended)
    with pytest.raises(VersioningLockedError, match="cannot be removed once set"):
        provider.update("dfat-secret-raw", outs, unlocked)
    state = read_bucket(s3, "dfat-secret-raw")
    assert state is not None and state.versioning == "Enabled"


def test_create_is_idempotent_and_adopts_an_existing_bucket_tagged_as_its_own(conn: S3Connection) -> None:
    provider = BucketProvider()
    owner = {"govcloud.go.th/site": "national", "govcloud.go.th/environment": "prod", "govcloud.go.th/tenant": "dfat"}
    props = bucket_props(BucketSpec(name="dfat-backup", lock_versioning=True, tags=owner), conn)
    first = provider.create(props)
    second = provider.create(props)
    assert (second.id, second.outs) == (first.id, first.outs)


def test_engine_numbers_arrive_as_floats(conn: S3Connection) -> None:
    props = {**bucket_props(BucketSpec(name="dfat-raw"), conn), "expire_after_days": 30.0}
    outs = BucketProvider().create(props).outs or {}
    assert outs["expire_after_days"] == 30 and outs["lifecycle_days"] == 30 and outs["drift"] == []


def test_check_rejects_an_invalid_spec_and_diff_handles_unknowns(conn: S3Connection) -> None:
    provider = BucketProvider()
    props = bucket_props(BucketSpec(name="dfat-raw"), conn)
    failures = provider.check({}, {**props, "name": "Dfat_Raw"}).failures
    assert [f.property for f in failures] == ["name"]
    assert "not a valid S3 bucket name" in failures[0].reason
    assert (
        provider.check({}, {**props, "public_read_principal_arn": "*"})
        .failures[0]
        .reason.startswith("public_read_principal_arn must be one IAM user or role ARN")
    )

    unknown_name = provider.diff("dfat-raw", props, {**props, "name": rpc.UNKNOWN})
    assert (unknown_name.changes, unknown_name.replaces) == (True, ["name"])
    unknown_tags = provider.diff("dfat-raw", props, {**props, "tags": rpc.UNKNOWN})
    assert (unknown_tags.changes, unknown_tags.replaces) == (True, [])
    assert provider.check({}, {**props, "tags": rpc.UNKNOWN}).failures == []


# ------------------------------------------------------------------------------------ credentials


def test_engine_config_credentials_stay_off_the_provider_object(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "PULUMI_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    provider = BucketProvider()
    _configure(provider, {"govcloud:s3AccessKeyId": CONFIG_KEY_ID, "govcloud:s3SecretAccessKey": CONFIG_SECRET})
    assert vars(provider) == {}
    assert provider_credentials() == Credentials(CONFIG_KEY_ID, CONFIG_SECRET)


def test_pulumi_config_env_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "GOVCLOUD_S3_ACCESS_KEY_ID"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("GOVCLOUD_S3_SECRET_ACCESS_KEY", raising=False)
    monkeypatch.setenv(
        "PULUMI_CONFIG", json.dumps({"govcloud:s3AccessKeyId": "c-id", "govcloud:s3SecretAccessKey": "c-s"})
    )
    monkeypatch.setenv("GOVCLOUD_S3_ACCESS_KEY_ID", "e-id")
    monkeypatch.setenv("GOVCLOUD_S3_SECRET_ACCESS_KEY", "e-s")
    assert provider_credentials() == Credentials("c-id", "c-s")

    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"aws:region": "us-east-1"}))
    assert provider_credentials() == Credentials("e-id", "e-s")

    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"govcloud:s3AccessKeyId": "only-the-id"}))
    with pytest.raises(MissingCredentialsError, match="only one of govcloud:s3AccessKeyId"):
        provider_credentials()

    monkeypatch.delenv("PULUMI_CONFIG")
    monkeypatch.delenv("GOVCLOUD_S3_ACCESS_KEY_ID")
    monkeypatch.delenv("GOVCLOUD_S3_SECRET_ACCESS_KEY")
    with pytest.raises(MissingCredentialsError, match="pulumi config set --secret"):
        provider_credentials()


# ---------------------------------------------------------------------------------- serialization


def _serialized_like_the_sdk(provider: Any) -> bytes:
    """Exactly what ``pulumi.dynamic.Resource.__init__`` stores as ``__provider`` (before base64)."""
    encoded, contains_secrets = _serialize(True, serialize_provider, provider)
    assert contains_secrets is False
    return base64.b64decode(encoded)


def test_serialized_providers_are_small_references_without_credentials(
    conn: S3Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DISTINCT_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DISTINCT_SECRET)
    for provider in (BucketProvider(), StorageIdentityProvider()):
        # Use it first, as the provider host would, so any credential it cached would be pickled too.
        _configure(provider, {"govcloud:s3AccessKeyId": CONFIG_KEY_ID, "govcloud:s3SecretAccessKey": CONFIG_SECRET})
        if isinstance(provider, BucketProvider):
            provider.create(bucket_props(BucketSpec(name="dfat-raw"), conn))
        data = _serialized_like_the_sdk(provider)
        encoded = base64.b64encode(data)
        for secret in (DISTINCT_KEY_ID, DISTINCT_SECRET, CONFIG_KEY_ID, CONFIG_SECRET):
            assert secret.encode() not in data and secret.encode() not in encoded
        assert b"govcloud.components.bucket_provider" in data, "pickled by reference to the installed module"
        assert len(data) < 200, f"{len(data)} bytes: the provider was pickled by value"


def _start_provider_host(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    """Start the SDK's real dynamic provider host, as the pulumi-python plugin does."""
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.dynamic"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=str(REPO_ROOT),
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 60)
    line = process.stdout.readline() if ready else b""
    if not line.strip().isdigit():
        process.kill()
        _, err = process.communicate(timeout=10)
        raise AssertionError(f"provider host did not start: {line!r} {err.decode(errors='replace')}")
    return process, int(line)


def _struct(values: dict[str, Any]) -> Any:
    # A private loop: asyncio.run() would leave the thread without a current loop for later tests.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(values, {}))
    finally:
        loop.close()


@contextlib.contextmanager
def _provider_host(env: dict[str, str]) -> Iterator[Any]:
    process, port = _start_provider_host(env)
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield provider_pb2_grpc.ResourceProviderStub(channel)
    finally:
        channel.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _clean_env(extra: dict[str, str]) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO_ROOT), **extra}


@pytest.mark.parametrize(
    ("host_env", "engine_config"),
    [
        ({"AWS_ACCESS_KEY_ID": DISTINCT_KEY_ID, "AWS_SECRET_ACCESS_KEY": DISTINCT_SECRET}, {}),
        ({}, {"govcloud:s3AccessKeyId": CONFIG_KEY_ID, "govcloud:s3SecretAccessKey": CONFIG_SECRET}),
        (
            {"PULUMI_CONFIG": json.dumps({"govcloud:s3AccessKeyId": CONFIG_KEY_ID, "govcloud:s3SecretAccessKey": "x"})},
            {},
        ),
    ],
    ids=["credentials-from-environment", "credentials-from-engine-config", "credentials-from-PULUMI_CONFIG"],
)
def test_serialized_provider_creates_a_bucket_in_a_fresh_provider_host(
    moto_endpoint: str, s3: S3Client, host_env: dict[str, str], engine_config: dict[str, str]
) -> None:
    serialized = base64.b64encode(_serialized_like_the_sdk(BucketProvider())).decode()
    props = {
        **bucket_props(BucketSpec(name="dfat-raw", expire_after_days=30), S3Connection(moto_endpoint)),
        "__provider": serialized,
    }
    with _provider_host(_clean_env(host_env)) as host:
        host.Configure(provider_pb2.ConfigureRequest(args=_struct(engine_config)))
        urn = "urn:pulumi:dev::govcloud::pulumi-python:dynamic/govcloud:Bucket::dfat-raw"
        reply = host.Create(provider_pb2.CreateRequest(urn=urn, properties=_struct(props)))

    outs = rpc.deserialize_properties(reply.properties)
    assert reply.id == "dfat-raw"
    assert outs["drift"] == [] and outs["lifecycle_days"] == 30
    assert outs["__provider"] == serialized
    state = read_bucket(s3, "dfat-raw")
    assert state is not None and state.encryption == "AES256" and state.lifecycle_days == 30


def test_provider_host_without_any_credential_refuses_and_creates_nothing(moto_endpoint: str, s3: S3Client) -> None:
    serialized = base64.b64encode(_serialized_like_the_sdk(BucketProvider())).decode()
    props = {
        **bucket_props(BucketSpec(name="dfat-raw"), S3Connection(moto_endpoint)),
        "__provider": serialized,
    }
    with _provider_host(_clean_env({})) as host:
        host.Configure(provider_pb2.ConfigureRequest(args=_struct({})))
        with pytest.raises(grpc.RpcError) as excinfo:
            host.Create(provider_pb2.CreateRequest(urn="urn:x", properties=_struct(props)))
    assert "MissingCredentialsError" in str(excinfo.value)
    assert read_bucket(s3, "dfat-raw") is None


# ------------------------------------------------------------------------------- resource wiring


class _Mocks(Mocks):
    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return {}, None


class _SpyMonitor(MockMonitor):
    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self.requests: list[Any] = []

    def RegisterResource(self, request: Any) -> Any:
        self.requests.append(request)
        register: Any = super().RegisterResource  # the SDK's mock monitor is untyped
        return register(request)


def _provider_bytes(request: Any) -> bytes:
    field = request.object.fields["__provider"]
    if field.HasField("struct_value"):  # a secret: {sig, value}
        return base64.b64decode(field.struct_value.fields["value"].string_value)
    return base64.b64decode(field.string_value)


def test_resources_register_clear_types_secret_key_outputs_and_no_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DISTINCT_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DISTINCT_SECRET)
    # The Pulumi runtime needs a current loop; a fresh one is left in place for whatever runs next.
    asyncio.set_event_loop(asyncio.new_event_loop())
    monitor = _SpyMonitor(_Mocks())
    pulumi.runtime.set_mocks(_Mocks(), preview=False, monitor=monitor)
    conn = S3Connection("https://rgw.gov.example")

    def program() -> pulumi.Output[list[str]]:
        bucket = Bucket("dfat-published", BucketSpec(name="dfat-published", public_read_principal_arn=PORTAL), conn)
        identity = StorageIdentity("dfat-storage", "dfat-storage", ["dfat-published"], conn)
        return pulumi.Output.all(bucket.urn, identity.urn, bucket.name)

    run_under_mocks: Any = pulumi.runtime.test  # untyped in the SDK: awaits every registration
    run_under_mocks(program)()

    by_type = {r.type: r for r in monitor.requests}
    bucket_req = by_type["pulumi-python:dynamic/govcloud:Bucket"]
    identity_req = by_type["pulumi-python:dynamic/govcloud:StorageIdentity"]
    assert list(identity_req.additionalSecretOutputs) == ["access_key_id", "secret_access_key"]
    assert list(bucket_req.additionalSecretOutputs) == []
    for request in (bucket_req, identity_req):
        raw = request.object.SerializeToString() + _provider_bytes(request)
        assert DISTINCT_KEY_ID.encode() not in raw and DISTINCT_SECRET.encode() not in raw
    assert bucket_req.object.fields["name"].string_value == "dfat-published"


def test_storage_identity_options_keep_the_callers_options() -> None:
    opts = storage_identity_options(pulumi.ResourceOptions(protect=True, additional_secret_outputs=["user_arn"]))
    assert opts.protect is True
    assert opts.additional_secret_outputs is not None
    assert set(opts.additional_secret_outputs) == {"user_arn", "access_key_id", "secret_access_key"}


# ------------------------------------------------------------------------------ storage identities


def test_storage_identity_provider_life_cycle(conn: S3Connection, s3: S3Client) -> None:
    iam = iam_client(conn)
    provider = StorageIdentityProvider()
    props = identity_props("dfat-storage", ["dfat-raw"], [], conn)
    created = provider.create(props)
    outs = created.outs or {}
    assert created.id == "dfat-storage"
    assert outs["access_key_id"] in [
        k["AccessKeyId"] for k in iam.list_access_keys(UserName="dfat-storage")["AccessKeyMetadata"]
    ]
    assert outs["secret_access_key"]
    assert json.loads(outs["policy_json"])["Statement"][0]["Resource"] == ["arn:aws:s3:::dfat-raw"]
    assert provider.diff("dfat-storage", outs, props).changes is False

    granted = identity_props("dfat-storage", ["dfat-raw"], [ReadGrant("health-curated", "shared/")], conn)
    plan = provider.diff("dfat-storage", outs, granted)
    assert (plan.changes, plan.replaces) == (True, [])
    updated = provider.update("dfat-storage", outs, granted).outs or {}
    assert updated["access_key_id"] == outs["access_key_id"], "a valid key is kept"
    assert "ReadGrant1Objects" in updated["policy_json"]
    renamed = provider.diff("dfat-storage", updated, {**granted, "user_name": "dfat-storage2"})
    assert (renamed.replaces, renamed.delete_before_replace) == (["user_name"], False)

    iam.delete_access_key(UserName="dfat-storage", AccessKeyId=outs["access_key_id"])
    refreshed = provider.read("dfat-storage", updated).outs or {}
    assert refreshed["access_key_id"] is None and refreshed["secret_access_key"] is None
    assert provider.diff("dfat-storage", refreshed, granted).changes is True
    rotated = provider.update("dfat-storage", refreshed, granted).outs or {}
    assert rotated["access_key_id"] not in (None, outs["access_key_id"])

    s3.create_bucket(Bucket="dfat-raw")
    provider.delete("dfat-storage", rotated)
    assert provider.read("dfat-storage", rotated).id == ""
    assert read_bucket(s3, "dfat-raw") is not None, "deleting the identity never touches buckets"
