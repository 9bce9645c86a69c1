"""Issue 10, class 2: a name collision must never become a takeover.

A create means the stack has no record of the bucket or user. If one of that name already exists, the
providers adopt it only when its owner tags (site, environment, tenant) are the requester's; otherwise
they refuse before changing anything. Exercised on moto's S3 and IAM, with the revenue department's
backup identity as the victim and a tenant literally named ``revenue-backup`` as the attacker (the
contract refuses that name too: ``tests/unit/test_tenant_boundaries.py``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from govcloud.components.bucket_provider import (
    BucketProvider,
    StorageIdentityProvider,
    bucket_props,
    identity_props,
)
from govcloud.naming import backup_identity_name, bucket_name, owner_tags
from govcloud.storage.buckets import (
    AdoptionRefusedError,
    BucketSpec,
    S3Client,
    S3Connection,
    ensure_bucket,
    ensure_storage_identity,
    iam_client,
    read_bucket,
    user_tags,
)
from tests.unit.contract_helpers import SITE

REVENUE = owner_tags(SITE, "revenue")
ATTACKER = owner_tags(SITE, "revenue-backup")
VICTIM_USER = backup_identity_name(SITE, "revenue")
VICTIM_BUCKET = bucket_name(SITE, "revenue", "backup")


def _keys(iam: Any, user: str) -> list[str]:
    return [k["AccessKeyId"] for k in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]]


def _policy(iam: Any, user: str) -> dict[str, Any]:
    document = iam.get_user_policy(UserName=user, PolicyName="govcloud-storage")["PolicyDocument"]
    return json.loads(document) if isinstance(document, str) else dict(document)


def test_the_attackers_identity_is_exactly_the_victims_backup_identity() -> None:
    """The collision the issue found: workload identity of `revenue-backup` == backup identity of `revenue`."""
    from govcloud.naming import storage_identity_name

    assert storage_identity_name(SITE, "revenue-backup") == VICTIM_USER


def test_an_identity_tagged_for_another_tenant_is_not_adopted(conn: S3Connection) -> None:
    iam = iam_client(conn)
    provider = StorageIdentityProvider()
    victim = provider.create(identity_props(VICTIM_USER, [VICTIM_BUCKET], [], conn, REVENUE)).outs or {}
    before = (_policy(iam, VICTIM_USER), _keys(iam, VICTIM_USER), user_tags(iam, VICTIM_USER))

    hostile = identity_props(VICTIM_USER, ["national-revenue-backup-raw"], [], conn, ATTACKER)
    with pytest.raises(AdoptionRefusedError, match=r"not tagged as ours.*govcloud\.go\.th/tenant='revenue'"):
        provider.create(hostile)

    assert (_policy(iam, VICTIM_USER), _keys(iam, VICTIM_USER), user_tags(iam, VICTIM_USER)) == before
    assert _keys(iam, VICTIM_USER) == [victim["access_key_id"]], "no key was added for the attacker"


def test_an_untagged_identity_is_not_adopted_and_a_request_without_owner_tags_adopts_nothing(
    conn: S3Connection,
) -> None:
    iam = iam_client(conn)
    iam.create_user(UserName=VICTIM_USER)
    with pytest.raises(AdoptionRefusedError, match="not tagged as ours"):
        StorageIdentityProvider().create(identity_props(VICTIM_USER, [VICTIM_BUCKET], [], conn, REVENUE))
    with pytest.raises(AdoptionRefusedError, match="carries no owner tags"):
        StorageIdentityProvider().create(identity_props(VICTIM_USER, [VICTIM_BUCKET], [], conn))
    assert iam.list_user_policies(UserName=VICTIM_USER)["PolicyNames"] == [] and _keys(iam, VICTIM_USER) == []


def test_the_owner_itself_may_adopt_its_identity_and_an_update_converges_the_tags(conn: S3Connection) -> None:
    """State lost, or a user made before owner tags existed: the rightful owner carries on."""
    iam = iam_client(conn)
    iam.create_user(UserName=VICTIM_USER, Tags=[{"Key": k, "Value": v} for k, v in REVENUE.items()])
    adopted = StorageIdentityProvider().create(identity_props(VICTIM_USER, [VICTIM_BUCKET], [], conn, REVENUE))
    assert adopted.id == VICTIM_USER and _keys(iam, VICTIM_USER) == [(adopted.outs or {})["access_key_id"]]

    iam.create_user(UserName="legacy-user")  # in the stack's state already, from before owner tags
    legacy = identity_props("legacy-user", [VICTIM_BUCKET], [], conn)
    plan = StorageIdentityProvider().diff("legacy-user", {**legacy, "access_key_id": "x"}, {**legacy, "tags": REVENUE})
    assert (plan.changes, plan.replaces) == (True, []), "adding owner tags is an update, never a replacement"
    tagged = identity_props("legacy-user", [VICTIM_BUCKET], [], conn, REVENUE)
    StorageIdentityProvider().update("legacy-user", {}, tagged)
    assert user_tags(iam, "legacy-user") == REVENUE


def _spec(tags: dict[str, str]) -> BucketSpec:
    return BucketSpec(name=VICTIM_BUCKET, lock_versioning=True, tags={**tags, "govcloud.go.th/zone": "backup"})


def test_a_bucket_tagged_for_another_tenant_is_not_adopted(conn: S3Connection, s3: S3Client) -> None:
    BucketProvider().create(bucket_props(_spec(REVENUE), conn))
    before = read_bucket(s3, VICTIM_BUCKET)

    with pytest.raises(AdoptionRefusedError, match="bucket 'national-revenue-backup' already exists"):
        BucketProvider().create(bucket_props(_spec(ATTACKER), conn))
    assert read_bucket(s3, VICTIM_BUCKET) == before, "tags, policy and settings are untouched"


def test_an_untagged_bucket_is_not_adopted_but_one_already_in_state_is_converged(s3: S3Client) -> None:
    s3.create_bucket(Bucket=VICTIM_BUCKET)
    with pytest.raises(AdoptionRefusedError):
        ensure_bucket(s3, _spec(REVENUE), claim=True)
    state = read_bucket(s3, VICTIM_BUCKET)
    assert state is not None and state.tags == {} and state.policy is None

    converged = ensure_bucket(s3, _spec(REVENUE))  # an update: the stack already records this bucket
    assert converged.tags == {**REVENUE, "govcloud.go.th/zone": "backup"}


class NoUserTags:
    """An IAM client like Ceph RGW's (Squid): users, keys and policies, but no user tags at all."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    @staticmethod
    def _refuse(operation: str) -> ClientError:
        return ClientError({"Error": {"Code": "NotImplemented", "Message": "not implemented"}}, operation)

    def get_paginator(self, operation: str) -> Any:
        if operation == "list_user_tags":
            raise self._refuse("ListUserTags")
        return self._inner.get_paginator(operation)

    def create_user(self, **kwargs: Any) -> Any:
        if "Tags" in kwargs:
            raise self._refuse("CreateUser")
        return self._inner.create_user(**kwargs)

    def tag_user(self, **kwargs: Any) -> Any:
        raise self._refuse("TagUser")


def test_on_a_store_without_user_tags_a_new_user_is_made_and_an_existing_one_never_adopted(
    conn: S3Connection,
) -> None:
    iam = iam_client(conn)
    rgw = NoUserTags(iam)
    created = ensure_storage_identity(rgw, "govcloud-national-prod-nso", ["national-nso-raw"], tags=REVENUE, claim=True)
    assert created.created and iam.list_user_policies(UserName="govcloud-national-prod-nso")["PolicyNames"]
    converged = ensure_storage_identity(rgw, "govcloud-national-prod-nso", ["national-nso-raw"], tags=REVENUE)
    assert not converged.created, "an update converges without tags"

    iam.create_user(UserName=VICTIM_USER)
    with pytest.raises(AdoptionRefusedError, match="keeps no user tags"):
        ensure_storage_identity(rgw, VICTIM_USER, [VICTIM_BUCKET], tags=REVENUE, claim=True)
    assert iam.list_user_policies(UserName=VICTIM_USER)["PolicyNames"] == []
