"""The grants a plan produces for an agreement, applied on an S3 server that enforces IAM.

The real providers create the buckets and identities from the plan's own inputs (only the endpoint is
pointed at the local moto server); the consumer then uses its own key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from govcloud.components.bucket_provider import BucketProvider, StorageIdentityProvider
from govcloud.storage.buckets import Credentials, S3Connection, s3_client
from govcloud.synth.engine import synthesize
from govcloud.synth.plan import plan_document
from tests.storage.conftest import MotoServer

REPO = Path(__file__).resolve().parents[2]
BUCKET = "pulumi-python:dynamic/govcloud:Bucket"
IDENTITY = "pulumi-python:dynamic/govcloud:StorageIdentity"
CONSUMER = "govcloud-national-prod-nso"


def _inputs(plan: dict[str, Any], resource_type: str, key: str, value: str, endpoint: str) -> dict[str, Any]:
    (resource,) = [r for r in plan["resources"] if r["type"] == resource_type and r["inputs"][key] == value]
    inputs = {k: v for k, v in resource["inputs"].items() if k != "__provider"}
    return {**inputs, "endpoint_url": endpoint, "verify_tls": False}


@pytest.fixture
def shared(auth_server: MotoServer) -> Iterator[tuple[Any, Credentials, dict[str, Any]]]:
    """moph's curated bucket with data inside and outside the agreed prefix; nso's identity from the plan."""
    plan = plan_document(synthesize(REPO, "national-prod", "2026-11-25"))
    endpoint = auth_server.endpoint
    for name in ("national-moph-curated", "national-moph-raw", "national-nso-raw", "national-nso-curated"):
        BucketProvider().create(_inputs(plan, BUCKET, "name", name, endpoint))
    admin = s3_client(S3Connection(endpoint_url=endpoint))
    # moto applies the TLS-only deny to every request (it ignores the Bool condition): lift it, since
    # this test is about the identity policy. Over plain HTTP a real store would deny as well.
    for name in ("national-moph-curated", "national-moph-raw", "national-nso-raw"):
        admin.delete_bucket_policy(Bucket=name)
    admin.put_object(Bucket="national-moph-curated", Key="health-statistics/2026/cases.csv", Body=b"agg")
    admin.put_object(Bucket="national-moph-curated", Key="patients/records.csv", Body=b"personal")
    admin.put_object(Bucket="national-moph-raw", Key="health-statistics/2026/raw.csv", Body=b"raw")
    identity_inputs = _inputs(plan, IDENTITY, "user_name", CONSUMER, endpoint)
    created = StorageIdentityProvider().create(identity_inputs)
    keys = Credentials(created.outs["access_key_id"], created.outs["secret_access_key"])
    auth_server.set_unauthenticated_budget(0)
    yield auth_server, keys, {**identity_inputs, **created.outs}


def _denied(call: Callable[[], object]) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    return str(caught.value.response["Error"]["Code"])


def test_consumer_reads_inside_the_prefix_only_and_writes_nowhere(shared: tuple[Any, Credentials, Any]) -> None:
    server, keys, _ = shared
    nso = s3_client(S3Connection(endpoint_url=server.endpoint), keys)
    body = nso.get_object(Bucket="national-moph-curated", Key="health-statistics/2026/cases.csv")["Body"].read()
    assert body == b"agg"
    assert _denied(lambda: nso.get_object(Bucket="national-moph-curated", Key="patients/records.csv")) == "AccessDenied"
    assert _denied(lambda: nso.put_object(Bucket="national-moph-curated", Key="health-statistics/x", Body=b"x")) == (
        "AccessDenied"
    )
    assert (
        _denied(lambda: nso.delete_object(Bucket="national-moph-curated", Key="health-statistics/2026/cases.csv"))
        == "AccessDenied"
    )
    nso.put_object(Bucket="national-nso-raw", Key="own/file.csv", Body=b"own")  # its own zone: read-write


def test_the_consumer_has_no_other_way_into_the_provider(shared: tuple[Any, Credentials, Any]) -> None:
    """Issue 10, class 1: the agreement is this prefix of this zone, read with the consumer's own key, and
    nothing else: not the provider's other zones (the same prefix in ``raw``), not its Trino (no network
    path, tests/program/test_tenant_boundaries.py), not its database."""
    server, keys, _ = shared
    nso = s3_client(S3Connection(endpoint_url=server.endpoint), keys)
    assert (
        _denied(lambda: nso.get_object(Bucket="national-moph-raw", Key="health-statistics/2026/raw.csv"))
        == "AccessDenied"
    )
    assert _denied(lambda: nso.put_object(Bucket="national-moph-raw", Key="x", Body=b"x")) == "AccessDenied"
    # Listing below the prefix is not exercised: moto ignores the s3:prefix StringLike condition and cannot
    # verify SigV4 signatures of a Prefix holding "/" (see tests/storage/test_buckets.py).


def test_after_expiry_the_next_run_revokes_the_read(shared: tuple[Any, Credentials, dict[str, Any]]) -> None:
    server, keys, olds = shared
    later = plan_document(synthesize(REPO, "national-prod", "2028-01-01"))
    news = _inputs(later, IDENTITY, "user_name", CONSUMER, server.endpoint)
    assert not any(g["bucket"] == "national-moph-curated" for g in news["read_grants"])
    server.set_unauthenticated_budget(100)  # the provider's admin calls
    diff = StorageIdentityProvider().diff(CONSUMER, olds, news)
    assert diff.changes and not diff.replaces, "revocation updates the policy in place, keeping the key"
    updated = StorageIdentityProvider().update(CONSUMER, olds, news)
    assert updated.outs["access_key_id"] == keys.access_key_id
    server.set_unauthenticated_budget(0)
    nso = s3_client(S3Connection(endpoint_url=server.endpoint), keys)
    assert (
        _denied(lambda: nso.get_object(Bucket="national-moph-curated", Key="health-statistics/2026/cases.csv"))
        == "AccessDenied"
    )
