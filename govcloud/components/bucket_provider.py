"""Pulumi dynamic resources for tenant buckets and storage identities, over plain S3/IAM.

Why dynamic providers: no single vendor provider speaks to AWS S3, Ceph RGW and MinIO alike, but
``govcloud.storage`` does. The SDK pickles the provider object (dill) into each resource's state and
runs it in a separate ``pulumi-python`` provider process. Two rules follow:

* The providers live in this installed module, so dill pickles them *by reference* (a module path
  and a class name, a few dozen bytes) and the provider process imports the same code. Their
  instances carry no attribute at all: no credential, no client, nothing to leak into state.
* Credentials are read at call time inside the provider process: from the stack configuration the
  engine hands to ``configure`` (``govcloud:s3AccessKeyId``/``govcloud:s3SecretAccessKey``, set with
  ``pulumi config set --secret``), else from ``PULUMI_CONFIG``, else from the environment
  (``GOVCLOUD_S3_*`` or ``AWS_*``). They never appear in inputs or outputs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, Final

import pulumi
import pulumi.dynamic as dyn
from pulumi.runtime.rpc import UNKNOWN

from govcloud.contract.site import CONFIG_NAMESPACE, S3_ACCESS_KEY_SETTING, S3_SECRET_KEY_SETTING
from govcloud.storage.buckets import (
    BucketState,
    Credentials,
    MissingCredentialsError,
    VersioningLockedError,
    create_access_key,
    credentials_from_environment,
    delete_bucket,
    delete_storage_identity,
    diff_bucket,
    ensure_bucket,
    ensure_storage_identity,
    iam_client,
    list_access_key_ids,
    portal_principal,
    read_bucket,
    read_storage_identity,
    s3_client,
)
from govcloud.storage.specs import (
    DYNAMIC_MODULE,
    BucketSpec,
    ReadGrant,
    S3Connection,
    bucket_props,
    connection_from_props,
    connection_props,
    optional_int,
    optional_str,
    prop_flag,
    spec_from_props,
    valid_principal_arn,
)

CONFIG_ACCESS_KEY_ID: Final = f"{CONFIG_NAMESPACE}:{S3_ACCESS_KEY_SETTING}"
CONFIG_SECRET_ACCESS_KEY: Final = f"{CONFIG_NAMESPACE}:{S3_SECRET_KEY_SETTING}"

CONNECTION_KEYS: Final = ("endpoint_url", "region", "addressing_style", "verify_tls")
BUCKET_INPUT_KEYS: Final = (
    "name",
    "versioning",
    "lock_versioning",
    "public_read_principal_arn",
    "expire_after_days",
    "tags",
    "object_lock",
    "object_lock_days",
    "noncurrent_expire_days",
    *CONNECTION_KEYS,
)
BUCKET_OUTPUT_KEYS: Final = (
    "encryption",
    "versioning_status",
    "public_access_block",
    "policy_json",
    "lifecycle_days",
    "object_lock_enabled",
    "drift",
)
IDENTITY_INPUT_KEYS: Final = ("user_name", "bucket_names", "read_grants", "tags", *CONNECTION_KEYS)
IDENTITY_SECRET_OUTPUTS: Final = ("access_key_id", "secret_access_key")
IDENTITY_OUTPUT_KEYS: Final = ("user_arn", "policy_json", *IDENTITY_SECRET_OUTPUTS)

# Process-local copy of the stack configuration the engine passed to ``configure``. A module global,
# not a provider attribute: module state is never pickled with a by-reference class.
_RUNTIME_CONFIG: dict[str, str] = {}


# ---------------------------------------------------------------------------------------- credentials


def _credentials_in(config: Mapping[str, Any]) -> Credentials | None:
    key_id, secret = config.get(CONFIG_ACCESS_KEY_ID), config.get(CONFIG_SECRET_ACCESS_KEY)
    if key_id and secret:
        return Credentials(str(key_id), str(secret))
    if key_id or secret:
        raise MissingCredentialsError(
            f"only one of {CONFIG_ACCESS_KEY_ID} and {CONFIG_SECRET_ACCESS_KEY} is configured; set both"
        )
    return None


def _pulumi_config_env() -> dict[str, Any]:
    raw = os.environ.get("PULUMI_CONFIG")
    if not raw:
        return {}
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as error:
        raise MissingCredentialsError("PULUMI_CONFIG is set but is not JSON") from error
    return parsed if isinstance(parsed, dict) else {}


def provider_credentials() -> Credentials:
    """The store credentials for this call: engine config, then PULUMI_CONFIG, then environment."""
    for config in (_RUNTIME_CONFIG, _pulumi_config_env()):
        found = _credentials_in(config)
        if found is not None:
            return found
    from_env = credentials_from_environment()
    if from_env is not None:
        return from_env
    raise MissingCredentialsError(
        f"no store credentials: set {CONFIG_ACCESS_KEY_ID}/{CONFIG_SECRET_ACCESS_KEY} with "
        "`pulumi config set --secret`, or GOVCLOUD_S3_ACCESS_KEY_ID/GOVCLOUD_S3_SECRET_ACCESS_KEY "
        "(or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) in the environment"
    )


def _remember_config(req: dyn.ConfigureRequest) -> None:
    for key in (CONFIG_ACCESS_KEY_ID, CONFIG_SECRET_ACCESS_KEY):
        value = req.config.get(key)
        if value:
            _RUNTIME_CONFIG[key] = str(value)


# ------------------------------------------------------------------------------------- property codec


def _has_unknown(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_unknown(v) for v in value)
    return bool(value == UNKNOWN)


def _normalized_bucket_inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    """Inputs with defaults filled in, without validating (old state may describe a drifted bucket)."""
    tags = props.get("tags") or {}
    return {
        "name": optional_str(props.get("name")),
        "versioning": prop_flag(props, "versioning", True),
        "lock_versioning": prop_flag(props, "lock_versioning", False),
        "public_read_principal_arn": optional_str(props.get("public_read_principal_arn")),
        "expire_after_days": optional_int(props.get("expire_after_days")),
        "tags": {str(k): str(v) for k, v in tags.items()},
        "object_lock": prop_flag(props, "object_lock", False),
        "object_lock_days": optional_int(props.get("object_lock_days")),
        "noncurrent_expire_days": optional_int(props.get("noncurrent_expire_days")),
        **connection_props(connection_from_props(props)),
    }


def _desired_spec(props: Mapping[str, Any]) -> BucketSpec:
    """The spec recorded in state, read leniently: after a refresh it may describe a drifted bucket."""
    n = _normalized_bucket_inputs(props)
    principal = n["public_read_principal_arn"]
    return BucketSpec(
        name=str(n["name"]),
        versioning=n["versioning"] or n["lock_versioning"] or n["object_lock"],
        lock_versioning=n["lock_versioning"],
        public_read_principal_arn=principal if principal and valid_principal_arn(principal) else None,
        expire_after_days=n["expire_after_days"],
        tags=n["tags"],
        object_lock=n["object_lock"],
        object_lock_days=n["object_lock_days"] if n["object_lock"] else None,
        noncurrent_expire_days=n["noncurrent_expire_days"],
    )


def _observed(spec: BucketSpec, state: BucketState) -> dict[str, Any]:
    return {
        "encryption": state.encryption,
        "versioning_status": state.versioning,
        "public_access_block": dict(state.public_access_block),
        "policy_json": json.dumps(state.policy, sort_keys=True) if state.policy is not None else None,
        "lifecycle_days": state.lifecycle_days,
        "object_lock_enabled": state.object_lock,
        "drift": diff_bucket(spec, state),
    }


def _versioning_unlock_reason(olds: Mapping[str, Any], news: Mapping[str, Any]) -> str | None:
    """Why an update would weaken a locked bucket's versioning, or None if it would not."""
    if not olds or not prop_flag(olds, "lock_versioning", False):
        return None
    name = olds.get("name")
    if not prop_flag(news, "versioning", True):
        return f"bucket {name}: versioning is locked on (lock_versioning) and may never be suspended"
    if not prop_flag(news, "lock_versioning", False):
        return f"bucket {name}: lock_versioning cannot be removed once set"
    return None


# -------------------------------------------------------------------------------------------- buckets


class BucketProvider(dyn.ResourceProvider):
    """CRUD of one tenant bucket through ``govcloud.storage``; deletes only empty buckets."""

    def configure(self, req: dyn.ConfigureRequest) -> None:
        """Keep the engine-provided credentials in process memory, never on this (pickled) object."""
        _remember_config(req)

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        """Reject invalid specs and any loosening of locked versioning at preview time."""
        failures: list[dyn.CheckFailure] = []
        if not _has_unknown({k: v for k, v in news.items() if k != "__provider"}):
            try:
                spec_from_props(news)
            except ValueError as error:
                failures.append(dyn.CheckFailure("name", str(error)))
        reason = _versioning_unlock_reason(olds, news)
        if reason is not None:
            failures.append(dyn.CheckFailure("versioning", reason))
        return dyn.CheckResult(news, failures)

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        """Create the bucket, or adopt an existing one only if its owner tags are this spec's (idempotent).

        A create means the stack has no record of the bucket: an existing bucket of that name is someone
        else's unless tagged as ours (site, environment, tenant), and adopting it would hand over its data.
        """
        spec, conn = spec_from_props(props), connection_from_props(props)
        state = ensure_bucket(s3_client(conn, provider_credentials()), spec, claim=True)
        return dyn.CreateResult(spec.name, {**bucket_props(spec, conn), **_observed(spec, state)})

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        """The bucket as it really is, shaped like its inputs, so a refresh makes drift visible."""
        conn = connection_from_props(props)
        state = read_bucket(s3_client(conn, provider_credentials()), id_)
        if state is None:
            return dyn.ReadResult("", {})
        desired = _normalized_bucket_inputs({**props, "name": id_})
        spec = _desired_spec(desired)
        actual = {
            **desired,
            "versioning": state.versioning == "Enabled",
            "public_read_principal_arn": portal_principal(state.policy),
            "expire_after_days": state.lifecycle_days,
            "tags": dict(state.tags),
            "object_lock": state.object_lock,
            "object_lock_days": state.object_lock_days if state.object_lock else None,
            # Prior versions expiring with the objects is what ``expire_after_days`` alone asks for.
            "noncurrent_expire_days": None
            if state.noncurrent_expire_days == state.lifecycle_days
            else state.noncurrent_expire_days,
        }
        return dyn.ReadResult(id_, {**actual, **_observed(spec, state)})

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        """Changed inputs or recorded drift mean an update; only a new name means a replacement.

        A rename is reported as a replace (create the new bucket, then delete the old one) so the
        old bucket goes through ``delete``, which refuses while it holds data.
        """
        news = {k: v for k, v in news.items() if k != "__provider"}
        if _has_unknown(news):
            name_unknown = _has_unknown(news.get("name"))
            return dyn.DiffResult(changes=True, replaces=["name"] if name_unknown else [], delete_before_replace=False)
        old_in, new_in = _normalized_bucket_inputs(olds), _normalized_bucket_inputs(news)
        changed = [k for k in BUCKET_INPUT_KEYS if old_in[k] != new_in[k]]
        drifted = bool(olds.get("drift"))
        return dyn.DiffResult(
            changes=bool(changed) or drifted,
            replaces=["name"] if "name" in changed else [],
            delete_before_replace=False,
        )

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        """Converge to the new inputs; refuse to suspend (or unlock) locked versioning."""
        reason = _versioning_unlock_reason(olds, news)
        if reason is not None:
            raise VersioningLockedError(reason)
        spec, conn = spec_from_props(news), connection_from_props(news)
        state = ensure_bucket(s3_client(conn, provider_credentials()), spec)
        return dyn.UpdateResult({**bucket_props(spec, conn), **_observed(spec, state)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Delete the bucket only if empty; otherwise raise, and the bucket (and its data) is retained."""
        delete_bucket(s3_client(connection_from_props(props), provider_credentials()), id_)


class Bucket(dyn.Resource, module=DYNAMIC_MODULE, name="Bucket"):
    """A tenant bucket; its URN type reads ``pulumi-python:dynamic/govcloud:Bucket``."""

    name: pulumi.Output[str]
    versioning: pulumi.Output[bool]
    lock_versioning: pulumi.Output[bool]
    public_read_principal_arn: pulumi.Output[str | None]
    expire_after_days: pulumi.Output[int | None]
    noncurrent_expire_days: pulumi.Output[int | None]
    tags: pulumi.Output[dict[str, str]]
    encryption: pulumi.Output[str | None]
    versioning_status: pulumi.Output[str | None]
    public_access_block: pulumi.Output[dict[str, bool]]
    policy_json: pulumi.Output[str | None]
    lifecycle_days: pulumi.Output[int | None]
    object_lock_enabled: pulumi.Output[bool]
    drift: pulumi.Output[list[str]]

    def __init__(
        self,
        resource_name: str,
        spec: BucketSpec,
        connection: S3Connection,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {**bucket_props(spec, connection), **dict.fromkeys(BUCKET_OUTPUT_KEYS)}
        super().__init__(BucketProvider(), resource_name, props, opts)


# --------------------------------------------------------------------------------------- identities


def _grants_from_props(props: Mapping[str, Any]) -> list[ReadGrant]:
    return [ReadGrant(str(g["bucket"]), str(g.get("prefix") or "")) for g in props.get("read_grants") or []]


def _normalized_identity_inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "user_name": optional_str(props.get("user_name")),
        "bucket_names": sorted(str(b) for b in props.get("bucket_names") or []),
        "read_grants": sorted((g.bucket, g.prefix) for g in _grants_from_props(props)),
        "tags": _tags_from_props(props),
        **connection_props(connection_from_props(props)),
    }


def _tags_from_props(props: Mapping[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in (props.get("tags") or {}).items()}


def identity_props(
    user_name: str,
    bucket_names: list[str],
    read_grants: list[ReadGrant],
    conn: S3Connection,
    tags: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A storage identity's plain resource inputs (``tags``: its owner tags, checked before adopting)."""
    return {
        "user_name": user_name,
        "bucket_names": sorted(bucket_names),
        "read_grants": [{"bucket": g.bucket, "prefix": g.prefix} for g in read_grants],
        "tags": dict(sorted((tags or {}).items())),
        **connection_props(conn),
    }


class StorageIdentityProvider(dyn.ResourceProvider):
    """An IAM user scoped to its tenant's buckets, with one access key."""

    def configure(self, req: dyn.ConfigureRequest) -> None:
        """As for buckets: engine config goes to process memory, never onto this object."""
        _remember_config(req)

    def _converge(self, props: Mapping[str, Any], *, claim: bool) -> tuple[Any, dict[str, Any]]:
        conn = connection_from_props(props)
        iam = iam_client(conn, provider_credentials())
        tags = _tags_from_props(props)
        result = ensure_storage_identity(
            iam,
            str(props["user_name"]),
            [str(b) for b in props.get("bucket_names") or []],
            _grants_from_props(props),
            tags=tags,
            claim=claim,
        )
        outs = {
            **identity_props(
                result.user_name, list(props.get("bucket_names") or []), _grants_from_props(props), conn, tags
            ),
            "user_arn": result.user_arn,
            "policy_json": json.dumps(result.policy, sort_keys=True),
        }
        return iam, outs

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        """Create the user, its policy and one access key (the key goes to secret outputs only).

        An existing user of that name is adopted only if tagged as ours: otherwise its policy would be
        replaced and a key added for us, i.e. its data handed over.
        """
        iam, outs = self._converge(props, claim=True)
        key = create_access_key(iam, str(props["user_name"]))
        outs.update(access_key_id=key.access_key_id, secret_access_key=key.secret_access_key)
        return dyn.CreateResult(str(props["user_name"]), outs)

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        """The user as it is; a revoked key shows as missing so the next update issues a new one."""
        iam = iam_client(connection_from_props(props), provider_credentials())
        found = read_storage_identity(iam, id_)
        if found is None:
            return dyn.ReadResult("", {})
        outs = {**props, "user_arn": found.user_arn, "policy_json": json.dumps(found.policy, sort_keys=True)}
        outs.pop("__provider", None)
        if props.get("access_key_id") not in list_access_key_ids(iam, id_):
            outs.update(access_key_id=None, secret_access_key=None)
        return dyn.ReadResult(id_, outs)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        """A new user name replaces; other input changes, or a missing key, update in place."""
        news = {k: v for k, v in news.items() if k != "__provider"}
        if _has_unknown(news):
            return dyn.DiffResult(
                changes=True,
                replaces=["user_name"] if _has_unknown(news.get("user_name")) else [],
                delete_before_replace=False,
            )
        old_in, new_in = _normalized_identity_inputs(olds), _normalized_identity_inputs(news)
        changed = [k for k in IDENTITY_INPUT_KEYS if old_in[k] != new_in[k]]
        return dyn.DiffResult(
            changes=bool(changed) or not olds.get("access_key_id"),
            replaces=["user_name"] if "user_name" in changed else [],
            delete_before_replace=False,
        )

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        """Converge the policy and owner tags; keep the existing key while it is still valid."""
        iam, outs = self._converge(news, claim=False)
        old_key = olds.get("access_key_id")
        if old_key and old_key in list_access_key_ids(iam, str(news["user_name"])):
            outs.update(access_key_id=old_key, secret_access_key=olds.get("secret_access_key"))
        else:
            key = create_access_key(iam, str(news["user_name"]))
            outs.update(access_key_id=key.access_key_id, secret_access_key=key.secret_access_key)
        return dyn.UpdateResult(outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Remove the user and its keys; buckets and data are never touched."""
        delete_storage_identity(iam_client(connection_from_props(props), provider_credentials()), id_)


def storage_identity_options(opts: pulumi.ResourceOptions | None = None) -> pulumi.ResourceOptions:
    """The caller's options plus the secret marking of the key outputs."""
    secret = pulumi.ResourceOptions(additional_secret_outputs=list(IDENTITY_SECRET_OUTPUTS))
    return pulumi.ResourceOptions.merge(opts, secret)


class StorageIdentity(dyn.Resource, module=DYNAMIC_MODULE, name="StorageIdentity"):
    """A tenant's storage IAM user and access key.

    Dynamic provider outputs are stored in the stack's state. ``access_key_id`` and
    ``secret_access_key`` are listed in ``additional_secret_outputs``, so the engine encrypts them with
    the stack's secrets provider before writing state, and shows them as ``[secret]``.
    """

    user_name: pulumi.Output[str]
    bucket_names: pulumi.Output[list[str]]
    user_arn: pulumi.Output[str]
    policy_json: pulumi.Output[str]
    access_key_id: pulumi.Output[str]
    secret_access_key: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        user_name: str,
        bucket_names: list[str],
        connection: S3Connection,
        read_grants: list[ReadGrant] | None = None,
        opts: pulumi.ResourceOptions | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        props: dict[str, Any] = {
            **identity_props(user_name, bucket_names, list(read_grants or []), connection, tags),
            **dict.fromkeys(IDENTITY_OUTPUT_KEYS),
        }
        super().__init__(StorageIdentityProvider(), resource_name, props, storage_identity_options(opts))
