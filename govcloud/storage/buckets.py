"""Tenant buckets and storage identities on any S3-compatible store, through plain boto3.

Why plain S3/IAM calls and not a vendor's Pulumi provider: a site may run AWS S3, Ceph RGW or MinIO,
and the only API they all share is S3 (and, except MinIO, IAM). Everything here is a pure function of
a boto3 client and a spec, so the Pulumi dynamic provider, the audit and the tests all use one code
path. Two rules hold throughout: no call here ever deletes data (a bucket is only deleted when it holds
no object, version or delete marker), and no credential is ever stored, printed or pickled.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, NoReturn, TypeAlias

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from govcloud.naming import TENANT_LABEL, label
from govcloud.storage.specs import (
    BucketSpec,
    ReadGrant,
    S3Connection,
    check_bucket_name,
    check_principal_arn,
    partition_for_region,
)

S3Client: TypeAlias = Any
"""A boto3 ``s3`` client (boto3 ships no type stubs here)."""
IamClient: TypeAlias = Any
"""A boto3 ``iam`` client."""

SSE_ALGORITHM: Final = "AES256"
LIFECYCLE_RULE_ID: Final = "govcloud-expiry"
IDENTITY_POLICY_NAME: Final = "govcloud-storage"
TLS_STATEMENT_SID: Final = "DenyInsecureTransport"
PORTAL_OBJECTS_SID: Final = "PortalReadObjects"
PORTAL_LIST_SID: Final = "PortalListBucket"
PUBLIC_ACCESS_BLOCK_KEYS: Final = (
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
)
OWNER_TAG_KEYS: Final = (label("site"), label("environment"), TENANT_LABEL)
"""Tags that say whose a bucket or identity is (``govcloud.naming.owner_tags``): an existing one is adopted
only when they match, so a name collision can never hand one tenant another's data or keys."""
ENV_KEY_ID_VARS: Final = ("GOVCLOUD_S3_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID")
ENV_SECRET_VARS: Final = ("GOVCLOUD_S3_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY")

_ABSENT_CODES: Final = frozenset(
    {
        "NoSuchBucketPolicy",
        "NoSuchLifecycleConfiguration",
        "NoSuchTagSet",
        "NoSuchPublicAccessBlockConfiguration",
        "ServerSideEncryptionConfigurationNotFoundError",
        "ObjectLockConfigurationNotFoundError",
        "NoSuchObjectLockConfiguration",
    }
)


# --------------------------------------------------------------------------------------------- errors


class StorageError(Exception):
    """Base of every refusal or failure raised by govcloud's storage layer."""


class BucketNotEmptyError(StorageError):
    """A delete was refused because the bucket still holds data; the bucket is retained."""


class BucketAccessError(StorageError):
    """The bucket name is taken by someone else, or these credentials may not touch it."""


class VersioningLockedError(StorageError):
    """Someone asked to suspend versioning on a bucket whose versioning is locked on."""


class AdoptionRefusedError(StorageError):
    """A bucket or identity of that name already exists and is not tagged as the requester's."""


def owner_of(tags: Mapping[str, str]) -> dict[str, str]:
    """The owner tags among ``tags``."""
    return {key: tags[key] for key in OWNER_TAG_KEYS if key in tags}


def _check_owner(kind: str, name: str, wanted: Mapping[str, str], found: Mapping[str, str]) -> None:
    """Refuse to adopt ``name`` unless it carries every owner tag of ``wanted`` with the same value."""
    owner = owner_of(wanted)
    if len(owner) != len(OWNER_TAG_KEYS):
        raise AdoptionRefusedError(
            f"{kind} {name!r} already exists and this request carries no owner tags to prove it is ours; left untouched"
        )
    mismatched = {key: found.get(key) for key, value in owner.items() if found.get(key) != value}
    if mismatched:
        shown = ", ".join(f"{key}={value!r}" for key, value in sorted(mismatched.items()))
        raise AdoptionRefusedError(
            f"{kind} {name!r} already exists and is not tagged as ours ({shown}; want "
            f"{', '.join(f'{k}={v!r}' for k, v in sorted(owner.items()))}); it is left untouched. If it is "
            "really this tenant's (e.g. restored from backup), tag it so before deploying"
        )


class MissingCredentialsError(StorageError):
    """No store credentials were found in any of the sources govcloud reads."""


# ----------------------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class Credentials:
    """An access key pair for the store; never printed, never pickled (so never in Pulumi state)."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)

    def __reduce__(self) -> NoReturn:
        """Refuse pickling, so a dynamic provider can never carry a credential into state."""
        raise TypeError("govcloud Credentials are never serialized; read them at run time instead")


@dataclass(frozen=True)
class BucketState:
    """A bucket's settings as the store reports them (for drift detection and the audit)."""

    name: str
    exists: bool
    encryption: str | None
    versioning: str | None
    public_access_block: dict[str, bool]
    policy: dict[str, Any] | None
    lifecycle_days: int | None
    tags: dict[str, str]
    object_lock: bool
    noncurrent_expire_days: int | None = None
    object_lock_days: int | None = None


@dataclass(frozen=True)
class IdentityResult:
    """What ``ensure_storage_identity`` left in place (and what it removed to keep it exact)."""

    user_name: str
    user_arn: str
    policy_name: str
    policy: dict[str, Any]
    created: bool
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccessKey:
    """A freshly created access key; the secret is shown by the store only once."""

    user_name: str
    access_key_id: str
    secret_access_key: str = field(repr=False)


# ------------------------------------------------------------------------------------------- clients


def credentials_from_environment(env: Mapping[str, str] | None = None) -> Credentials | None:
    """Store credentials from the environment, read at call time, never cached.

    ``GOVCLOUD_S3_*`` wins over ``AWS_*``: an operator may hold AWS keys for an unrelated account
    while the site's store is Ceph or MinIO. A half-set pair is an error rather than a silent mix.
    """
    source = os.environ if env is None else env
    for key_var, secret_var in zip(ENV_KEY_ID_VARS, ENV_SECRET_VARS, strict=True):
        key_id, secret = source.get(key_var), source.get(secret_var)
        if key_id and secret:
            token = source.get("AWS_SESSION_TOKEN") if key_var.startswith("AWS_") else None
            return Credentials(key_id, secret, token or None)
        if key_id or secret:
            raise MissingCredentialsError(f"only one of {key_var} and {secret_var} is set; set both or neither")
    return None


def _client_config(conn: S3Connection) -> Config:
    # "when_required" checksums: botocore >= 1.36 otherwise sends CRC headers older Ceph/MinIO reject.
    return Config(
        signature_version="s3v4",
        s3={"addressing_style": conn.addressing_style},
        retries={"max_attempts": 4, "mode": "standard"},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )


_SESSION_LOCK = threading.Lock()
_SESSION: list[boto3.session.Session] = []


def _session() -> boto3.session.Session:
    """One boto3 session per process: it caches service models (a new one costs ~60 ms a client).

    It never resolves credentials itself, since every client gets them explicitly.
    """
    if not _SESSION:
        _SESSION.append(boto3.session.Session())
    return _SESSION[0]


def _client(service: str, conn: S3Connection, credentials: Credentials | None) -> Any:
    creds = credentials if credentials is not None else credentials_from_environment()
    if creds is None:
        # No fall-back to boto3's default chain: it would probe instance metadata over the network
        # and could pick up an unrelated identity.
        raise MissingCredentialsError(
            "no store credentials: pass them explicitly or set GOVCLOUD_S3_ACCESS_KEY_ID/"
            "GOVCLOUD_S3_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)"
        )
    with _SESSION_LOCK:  # boto3 sessions are not thread-safe; the provider host runs 4 threads
        return _session().client(
            service,
            endpoint_url=conn.endpoint_url,
            region_name=conn.region,
            verify=conn.verify_tls,
            aws_access_key_id=creds.access_key_id,
            aws_secret_access_key=creds.secret_access_key,
            aws_session_token=creds.session_token,
            config=_client_config(conn),
        )


def s3_client(conn: S3Connection, credentials: Credentials | None = None) -> S3Client:
    """An S3 client for the store; credentials explicit or from the environment at call time."""
    return _client("s3", conn, credentials)


def iam_client(conn: S3Connection, credentials: Credentials | None = None) -> IamClient:
    """An IAM client on the same endpoint (AWS, Ceph RGW and moto speak IAM; MinIO does not)."""
    return _client("iam", conn, credentials)


# ---------------------------------------------------------------------------------- policy builders


def _bucket_arn(name: str, partition: str) -> str:
    return f"arn:{partition}:s3:::{name}"


def bucket_policy(name: str, public_read_principal_arn: str | None = None, *, partition: str = "aws") -> dict[str, Any]:
    """The managed bucket policy: deny any request without TLS, plus the portal's read grant.

    The read grant names one identity (the open-data portal's IAM user), never ``*``, so the public
    access block can stay fully on for the ``published`` zone too.
    """
    arn = _bucket_arn(name, partition)
    statements: list[dict[str, Any]] = [
        {
            "Sid": TLS_STATEMENT_SID,
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [arn, f"{arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]
    if public_read_principal_arn is not None:
        check_principal_arn(public_read_principal_arn)
        principal = {"AWS": public_read_principal_arn}
        statements += [
            {
                "Sid": PORTAL_OBJECTS_SID,
                "Effect": "Allow",
                "Principal": principal,
                "Action": "s3:GetObject",
                "Resource": f"{arn}/*",
            },
            {
                "Sid": PORTAL_LIST_SID,
                "Effect": "Allow",
                "Principal": principal,
                "Action": "s3:ListBucket",
                "Resource": arn,
            },
        ]
    return {"Version": "2012-10-17", "Statement": statements}


def identity_policy(
    bucket_names: Iterable[str], read_grants: Sequence[ReadGrant] = (), *, partition: str = "aws"
) -> dict[str, Any]:
    """The inline IAM policy of a tenant's storage identity: read/write on exactly its buckets.

    No ``s3:DeleteObjectVersion`` and no bucket-level write: a leaked tenant key can overwrite or
    delete current objects, but versioning keeps every prior version out of its reach. Each
    ``ReadGrant`` adds read-only access below one prefix of another bucket.
    """
    names = sorted(set(bucket_names))
    for name in names:
        check_bucket_name(name)
    grants = sorted(set(read_grants), key=lambda g: (g.bucket, g.prefix))
    if not names and not grants:
        raise ValueError("a storage identity needs at least one bucket or read grant")
    statements: list[dict[str, Any]] = []
    if names:
        statements += [
            {
                "Sid": "OwnBucketsList",
                "Effect": "Allow",
                "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
                "Resource": [_bucket_arn(n, partition) for n in names],
            },
            {
                "Sid": "OwnBucketsObjects",
                "Effect": "Allow",
                "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                "Resource": [f"{_bucket_arn(n, partition)}/*" for n in names],
            },
        ]
    for index, grant in enumerate(grants, start=1):
        arn = _bucket_arn(grant.bucket, partition)
        statements += [
            {
                "Sid": f"ReadGrant{index}Objects",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"{arn}/{grant.prefix}*",
            },
            {
                "Sid": f"ReadGrant{index}List",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": arn,
                "Condition": {"StringLike": {"s3:prefix": [f"{grant.prefix}*"]}},
            },
        ]
    return {"Version": "2012-10-17", "Statement": statements}


def _as_sorted_list(value: Any) -> list[Any]:
    items = value if isinstance(value, list) else [value]
    return sorted(items, key=str)


def canonical_statement(statement: Mapping[str, Any]) -> str:
    """One statement as a comparable string; stores reorder lists and turn 1-lists into strings."""
    canon: dict[str, Any] = {"Effect": statement.get("Effect")}
    for key in ("Action", "NotAction", "Resource", "NotResource"):
        if key in statement:
            canon[key] = _as_sorted_list(statement[key])
    principal = statement.get("Principal")
    if isinstance(principal, Mapping):
        canon["Principal"] = {k: _as_sorted_list(v) for k, v in sorted(principal.items())}
    elif principal is not None:
        canon["Principal"] = principal
    condition = statement.get("Condition")
    if isinstance(condition, Mapping):
        canon["Condition"] = {
            op: {k: [str(x).lower() for x in _as_sorted_list(v)] for k, v in sorted(body.items())}
            for op, body in sorted(condition.items())
        }
    return json.dumps(canon, sort_keys=True)


def _statements(policy: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    if not policy:
        return []
    raw = policy.get("Statement", [])
    return list(raw) if isinstance(raw, list) else [raw]


def _is_anonymous(statement: Mapping[str, Any]) -> bool:
    principal = statement.get("Principal")
    if principal == "*":
        return True
    return isinstance(principal, Mapping) and "*" in _as_sorted_list(principal.get("AWS", []))


def has_tls_only_statement(policy: Mapping[str, Any] | None, name: str, *, partition: str = "aws") -> bool:
    """Whether the policy carries govcloud's deny-without-TLS statement for this bucket."""
    wanted = canonical_statement(bucket_policy(name, partition=partition)["Statement"][0])
    return any(canonical_statement(s) == wanted for s in _statements(policy))


def grants_anonymous_access(policy: Mapping[str, Any] | None) -> bool:
    """Whether any Allow statement names everyone (``*``) as principal."""
    return any(s.get("Effect") == "Allow" and _is_anonymous(s) for s in _statements(policy))


def portal_principal(policy: Mapping[str, Any] | None) -> str | None:
    """The identity the portal read grant names, if the policy carries one."""
    for statement in _statements(policy):
        if statement.get("Sid") == PORTAL_OBJECTS_SID and isinstance(statement.get("Principal"), Mapping):
            principals = _as_sorted_list(statement["Principal"].get("AWS", []))
            return str(principals[0]) if principals else None
    return None


# ---------------------------------------------------------------------------------------- S3 access


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def _optional(call: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
    """Run a Get* call; None when the store says that configuration is absent."""
    try:
        return call()
    except ClientError as error:
        if _error_code(error) in _ABSENT_CODES:
            return None
        raise


def _head(client: S3Client, name: str) -> bool:
    """True if the bucket exists and is ours to manage; False if absent; raises if foreign."""
    try:
        client.head_bucket(Bucket=name)
        return True
    except ClientError as error:
        if _status(error) == 404 or _error_code(error) in ("404", "NoSuchBucket", "NotFound"):
            return False
        if _status(error) == 403:
            raise BucketAccessError(
                f"bucket {name!r} exists but these credentials may not manage it (another owner?); left untouched"
            ) from error
        raise


def _partition_of(client: S3Client) -> str:
    return partition_for_region(str(getattr(client.meta, "region_name", None) or "us-east-1"))


def stored_bytes(client: S3Client, name: str) -> int:
    """What a bucket holds, every version counted (noncurrent versions take space too); 0 when it is absent.

    Plain S3 (``ListObjectVersions``), so it works on any S3-compatible store; it reads keys and sizes only."""
    if not _head(client, name):
        return 0
    total = 0
    for page in client.get_paginator("list_object_versions").paginate(Bucket=name):
        total += sum(int(version.get("Size") or 0) for version in page.get("Versions") or [])
    return total


def read_bucket(client: S3Client, name: str) -> BucketState | None:
    """The bucket's actual settings, or None when it does not exist."""
    if not _head(client, name):
        return None
    enc = _optional(lambda: client.get_bucket_encryption(Bucket=name))
    encryption = None
    if enc:
        rules = enc.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
        if rules:
            encryption = rules[0].get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm")
    versioning = client.get_bucket_versioning(Bucket=name).get("Status")
    pab = _optional(lambda: client.get_public_access_block(Bucket=name))
    pab_config = (pab or {}).get("PublicAccessBlockConfiguration", {})
    public_access_block = {k: bool(pab_config[k]) for k in PUBLIC_ACCESS_BLOCK_KEYS if k in pab_config}
    raw_policy = _optional(lambda: client.get_bucket_policy(Bucket=name))
    policy = json.loads(raw_policy["Policy"]) if raw_policy and raw_policy.get("Policy") else None
    lifecycle = _optional(lambda: client.get_bucket_lifecycle_configuration(Bucket=name))
    lifecycle_days, noncurrent_days = _expiry_days((lifecycle or {}).get("Rules", []))
    tagging = _optional(lambda: client.get_bucket_tagging(Bucket=name))
    tags = {t["Key"]: t["Value"] for t in (tagging or {}).get("TagSet", [])}
    lock = _optional(lambda: client.get_object_lock_configuration(Bucket=name))
    lock_config = (lock or {}).get("ObjectLockConfiguration", {})
    retention = lock_config.get("Rule", {}).get("DefaultRetention", {})
    return BucketState(
        name=name,
        exists=True,
        encryption=encryption,
        versioning=versioning,
        public_access_block=public_access_block,
        policy=policy,
        lifecycle_days=lifecycle_days,
        tags=tags,
        object_lock=lock_config.get("ObjectLockEnabled") == "Enabled",
        noncurrent_expire_days=noncurrent_days,
        object_lock_days=retention.get("Days") or None,
    )


def _expiry_days(rules: Sequence[Mapping[str, Any]]) -> tuple[int | None, int | None]:
    """Expiry of the first enabled whole-bucket rule (ours is the only one govcloud writes)."""
    for rule in rules:
        whole_bucket = not rule.get("Prefix") and not rule.get("Filter", {}).get("Prefix")
        expiring = "Expiration" in rule or "NoncurrentVersionExpiration" in rule
        if rule.get("Status") == "Enabled" and whole_bucket and expiring:
            days = rule.get("Expiration", {}).get("Days")
            noncurrent = rule.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays")
            return (int(days) if days else None), (int(noncurrent) if noncurrent else None)
    return None, None


def diff_bucket(spec: BucketSpec, state: BucketState | None) -> list[str]:
    """Human-readable drift between a spec and the store; empty when converged."""
    if state is None or not state.exists:
        return [f"bucket {spec.name} does not exist"]
    drift: list[str] = []
    if state.encryption != SSE_ALGORITHM:
        drift.append(f"default encryption is {state.encryption or 'absent'}, want {SSE_ALGORITHM}")
    if spec.versioning and state.versioning != "Enabled":
        drift.append(f"versioning is {state.versioning or 'never enabled'}, want Enabled")
    if not spec.versioning and state.versioning == "Enabled":
        drift.append("versioning is Enabled, want Suspended")
    if not state.public_access_block:
        drift.append("public access block is absent, want all four settings on")
    else:
        for key in PUBLIC_ACCESS_BLOCK_KEYS:
            if not state.public_access_block.get(key, False):
                drift.append(f"public access block {key} is off, want on")
    drift += _policy_drift(spec, state.policy)
    if spec.expire_after_days != state.lifecycle_days:
        have = f"{state.lifecycle_days} days" if state.lifecycle_days else "absent"
        want = f"{spec.expire_after_days} days" if spec.expire_after_days else "none"
        drift.append(f"lifecycle expiry is {have}, want {want}")
    elif state.noncurrent_expire_days != spec.noncurrent_days:
        want = f"{spec.noncurrent_days} days" if spec.noncurrent_days else "none"
        drift.append(f"noncurrent-version expiry is {state.noncurrent_expire_days or 'absent'}, want {want}")
    for key, value in sorted(spec.tags.items()):
        if key not in state.tags:
            drift.append(f"tag {key} is missing, want {value!r}")
        elif state.tags[key] != value:
            drift.append(f"tag {key} is {state.tags[key]!r}, want {value!r}")
    for key in sorted(set(state.tags) - set(spec.tags)):
        drift.append(f"tag {key} is not in the spec")
    # An object lock the spec did not ask for is stricter, never weaker, and cannot be removed anyway.
    if spec.object_lock and not state.object_lock:
        drift.append("object lock is disabled, want enabled")
    if spec.object_lock and spec.object_lock_days != state.object_lock_days:
        drift.append(
            f"object lock default retention is {state.object_lock_days or 'absent'}, "
            f"want {spec.object_lock_days or 'none'} days"
        )
    return drift


def _policy_drift(spec: BucketSpec, policy: Mapping[str, Any] | None) -> list[str]:
    if policy is None:
        return ["bucket policy is absent, want the TLS-only policy"]
    expected = bucket_policy(spec.name, spec.public_read_principal_arn, partition=_partition_from_policy(policy))
    want = {canonical_statement(s): s for s in expected["Statement"]}
    have = {canonical_statement(s): s for s in _statements(policy)}
    drift = [
        f"bucket policy lacks statement {statement.get('Sid')}" for key, statement in want.items() if key not in have
    ]
    for key, statement in have.items():
        if key in want:
            continue
        who = "anyone (Principal *)" if _is_anonymous(statement) else json.dumps(statement.get("Principal"))
        drift.append(
            f"bucket policy has unexpected statement {statement.get('Sid') or '(no Sid)'}: "
            f"{statement.get('Effect')} {statement.get('Action')} for {who}"
        )
    return drift


def _partition_from_policy(policy: Mapping[str, Any]) -> str:
    for statement in _statements(policy):
        for resource in _as_sorted_list(statement.get("Resource", [])):
            match = re.match(r"^arn:([a-z-]+):s3:::", str(resource))
            if match:
                return match.group(1)
    return "aws"


def _create(client: S3Client, spec: BucketSpec) -> bool:
    """Create the bucket; True if it turned out to exist already (created in between by these credentials)."""
    args: dict[str, Any] = {"Bucket": spec.name}
    region = client.meta.region_name
    if region and region != "us-east-1":
        args["CreateBucketConfiguration"] = {"LocationConstraint": region}
    if spec.object_lock:
        args["ObjectLockEnabledForBucket"] = True
    try:
        client.create_bucket(**args)
    except ClientError as error:
        if _error_code(error) == "BucketAlreadyOwnedByYou":
            return True
        if _error_code(error) == "BucketAlreadyExists":
            raise BucketAccessError(f"bucket name {spec.name!r} is already taken by another owner") from error
        raise
    return False


def ensure_bucket(client: S3Client, spec: BucketSpec, *, claim: bool = False) -> BucketState:
    """Create the bucket or converge an existing one to the spec; safe to repeat.

    Settings are applied in an order that never leaves a window of exposure: the public access block
    and encryption go on before any policy or data path is opened. Only the aspects that drifted are
    rewritten, so a converged bucket costs reads only (and no spurious audit events).

    ``claim`` is for a caller with no record of the bucket (a Pulumi create): an existing bucket is then
    adopted only if its owner tags equal the spec's, else AdoptionRefusedError and nothing is changed.
    """
    state = read_bucket(client, spec.name)
    if state is not None and claim:
        _check_owner("bucket", spec.name, spec.tags, state.tags)
    if state is None:
        if _create(client, spec) and claim:  # created in between by someone with these credentials
            existing = read_bucket(client, spec.name)
            _check_owner("bucket", spec.name, spec.tags, existing.tags if existing else {})
        # A bucket this call just created has nothing configured yet (object lock implies versioning).
        state = BucketState(
            name=spec.name,
            exists=True,
            encryption=None,
            versioning="Enabled" if spec.object_lock else None,
            public_access_block={},
            policy=None,
            lifecycle_days=None,
            tags={},
            object_lock=spec.object_lock,
        )
    elif not diff_bucket(spec, state):
        return state
    _converge(client, spec, state)
    final = read_bucket(client, spec.name)
    if final is None:  # pragma: no cover
        raise StorageError(f"bucket {spec.name} vanished while being configured")
    return final


def _converge(client: S3Client, spec: BucketSpec, state: BucketState) -> None:
    name = spec.name
    if any(not state.public_access_block.get(k, False) for k in PUBLIC_ACCESS_BLOCK_KEYS):
        client.put_public_access_block(
            Bucket=name, PublicAccessBlockConfiguration=dict.fromkeys(PUBLIC_ACCESS_BLOCK_KEYS, True)
        )
    if state.encryption != SSE_ALGORITHM:
        client.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": SSE_ALGORITHM}}]
            },
        )
    if spec.versioning and state.versioning != "Enabled":
        client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    elif not spec.versioning and state.versioning == "Enabled":
        if spec.lock_versioning:  # pragma: no cover - BucketSpec already forbids this combination
            raise VersioningLockedError(f"bucket {name}: versioning is locked on")
        client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Suspended"})
    if _policy_drift(spec, state.policy):
        policy = bucket_policy(name, spec.public_read_principal_arn, partition=_partition_of(client))
        client.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
    if spec.expire_after_days is None and spec.noncurrent_days is None:
        if state.lifecycle_days is not None or state.noncurrent_expire_days is not None:
            client.delete_bucket_lifecycle(Bucket=name)
    elif (state.lifecycle_days, state.noncurrent_expire_days) != (spec.expire_after_days, spec.noncurrent_days):
        rule: dict[str, Any] = {"ID": LIFECYCLE_RULE_ID, "Filter": {"Prefix": ""}, "Status": "Enabled"}
        if spec.expire_after_days is not None:
            rule["Expiration"] = {"Days": spec.expire_after_days}
        if spec.noncurrent_days is not None:
            rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": spec.noncurrent_days}
        client.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": [rule]})
    if dict(spec.tags) != state.tags:
        if spec.tags:
            tag_set = [{"Key": k, "Value": v} for k, v in sorted(spec.tags.items())]
            client.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_set})
        else:
            client.delete_bucket_tagging(Bucket=name)
    if spec.object_lock and (not state.object_lock or spec.object_lock_days != state.object_lock_days):
        config: dict[str, Any] = {"ObjectLockEnabled": "Enabled"}
        if spec.object_lock_days:
            config["Rule"] = {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": spec.object_lock_days}}
        client.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration=config)


def delete_bucket(client: S3Client, name: str) -> None:
    """Delete an empty bucket; refuse, keeping it, if any object, version or delete marker remains."""
    if not _head(client, name):
        return
    versions = client.list_object_versions(Bucket=name, MaxKeys=1)
    held = versions.get("Versions", []) + versions.get("DeleteMarkers", [])
    current = client.list_objects_v2(Bucket=name, MaxKeys=1).get("Contents", [])
    uploads = client.list_multipart_uploads(Bucket=name, MaxUploads=1).get("Uploads", [])
    if held or current or uploads:
        example = (held or current or uploads)[0].get("Key", "?")
        raise BucketNotEmptyError(
            f"bucket {name!r} is not empty (it still holds objects, object versions, delete markers or "
            f"uploads, e.g. {example!r}); it is retained. Empty it deliberately, all versions included, "
            "before deleting it."
        )
    try:
        client.delete_bucket(Bucket=name)
    except ClientError as error:
        if _error_code(error) == "BucketNotEmpty":  # data arrived between the check and the delete
            raise BucketNotEmptyError(f"bucket {name!r} received data while being deleted; it is retained") from error
        if _error_code(error) != "NoSuchBucket":
            raise


# ------------------------------------------------------------------------------------- IAM identities


def _iam_missing(error: ClientError) -> bool:
    return _error_code(error) == "NoSuchEntity"


_UNSUPPORTED_CODES: Final = frozenset({"NotImplemented", "InvalidAction", "MethodNotAllowed", "UnsupportedOperation"})
"""How a store says it lacks an IAM action: Ceph RGW's IAM API (Squid) has CreateUser and GetUser but no
TagUser or ListUserTags (docs.ceph.com/en/latest/radosgw/iam/, "Feature Support": only roles have tags)."""


def _unsupported(error: ClientError) -> bool:
    return _error_code(error) in _UNSUPPORTED_CODES or _status(error) in (405, 501)


def user_tags(iam: IamClient, user_name: str) -> dict[str, str] | None:
    """The IAM user's tags (all pages); None when the store keeps no user tags at all."""
    tags: dict[str, str] = {}
    try:
        for page in iam.get_paginator("list_user_tags").paginate(UserName=user_name):
            tags.update({str(t["Key"]): str(t["Value"]) for t in page.get("Tags", [])})
    except ClientError as error:
        if _unsupported(error):
            return None
        raise
    return tags


def _create_user(iam: IamClient, user_name: str, tags: Mapping[str, str]) -> dict[str, Any]:
    """Create the user with its owner tags; without them on a store that has no user tags."""
    if tags:
        try:
            user: dict[str, Any] = iam.create_user(
                UserName=user_name, Tags=[{"Key": k, "Value": v} for k, v in sorted(tags.items())]
            )["User"]
            return user
        except ClientError as error:
            if not _unsupported(error):
                raise
    created: dict[str, Any] = iam.create_user(UserName=user_name)["User"]
    return created


def ensure_storage_identity(
    iam: IamClient,
    user_name: str,
    bucket_names: Iterable[str],
    read_grants: Sequence[ReadGrant] = (),
    *,
    tags: Mapping[str, str] | None = None,
    claim: bool = False,
) -> IdentityResult:
    """Create or converge the tenant's IAM user so it can do exactly what ``identity_policy`` says.

    "Exactly": other inline policies, attached managed policies and group memberships are removed,
    so nothing granted out of band survives a converge. Buckets are never touched.

    ``claim`` is for a caller with no record of the user (a Pulumi create): an existing user is adopted
    only if its owner tags equal ``tags``; otherwise AdoptionRefusedError, before any policy or key changes.
    """
    partition = partition_for_region(str(iam.meta.region_name or "us-east-1"))
    policy = identity_policy(bucket_names, read_grants, partition=partition)
    wanted = {str(k): str(v) for k, v in (tags or {}).items()}
    created = False
    try:
        user = iam.get_user(UserName=user_name)["User"]
    except ClientError as error:
        if not _iam_missing(error):
            raise
        user = _create_user(iam, user_name, wanted)
        created = True
    if not created:
        found = user_tags(iam, user_name)
        if found is None:
            if claim:  # no tags to prove ownership: an existing user is never adopted on such a store
                raise AdoptionRefusedError(
                    f"IAM user {user_name!r} already exists and this store keeps no user tags to prove it is "
                    "ours; it is left untouched. If it really is this tenant's, import it deliberately "
                    "(pulumi import) after checking who created it"
                )
        else:
            if claim:
                _check_owner("IAM user", user_name, wanted, found)
            missing = {k: v for k, v in wanted.items() if found.get(k) != v}
            if missing:
                iam.tag_user(UserName=user_name, Tags=[{"Key": k, "Value": v} for k, v in sorted(missing.items())])
    iam.put_user_policy(UserName=user_name, PolicyName=IDENTITY_POLICY_NAME, PolicyDocument=json.dumps(policy))
    removed: list[str] = []
    for policy_name in iam.list_user_policies(UserName=user_name).get("PolicyNames", []):
        if policy_name != IDENTITY_POLICY_NAME:
            iam.delete_user_policy(UserName=user_name, PolicyName=policy_name)
            removed.append(f"inline policy {policy_name}")
    for attached in iam.list_attached_user_policies(UserName=user_name).get("AttachedPolicies", []):
        iam.detach_user_policy(UserName=user_name, PolicyArn=attached["PolicyArn"])
        removed.append(f"managed policy {attached['PolicyArn']}")
    for group in iam.list_groups_for_user(UserName=user_name).get("Groups", []):
        iam.remove_user_from_group(UserName=user_name, GroupName=group["GroupName"])
        removed.append(f"group {group['GroupName']}")
    return IdentityResult(
        user_name=user_name,
        user_arn=str(user["Arn"]),
        policy_name=IDENTITY_POLICY_NAME,
        policy=policy,
        created=created,
        removed=tuple(removed),
    )


def read_storage_identity(iam: IamClient, user_name: str) -> IdentityResult | None:
    """The user and its managed inline policy as the store reports them; None if the user is gone."""
    try:
        user = iam.get_user(UserName=user_name)["User"]
    except ClientError as error:
        if _iam_missing(error):
            return None
        raise
    try:
        document = iam.get_user_policy(UserName=user_name, PolicyName=IDENTITY_POLICY_NAME)["PolicyDocument"]
    except ClientError as error:
        if not _iam_missing(error):
            raise
        document = {}
    policy = json.loads(document) if isinstance(document, str) else dict(document)
    return IdentityResult(user_name, str(user["Arn"]), IDENTITY_POLICY_NAME, policy, created=False)


def create_access_key(iam: IamClient, user_name: str) -> AccessKey:
    """A new access key for the user; the caller must put the secret straight into a secret store."""
    key = iam.create_access_key(UserName=user_name)["AccessKey"]
    return AccessKey(user_name, str(key["AccessKeyId"]), str(key["SecretAccessKey"]))


def list_access_key_ids(iam: IamClient, user_name: str) -> list[str]:
    """The ids (never the secrets, which the store does not return) of the user's access keys."""
    metadata = iam.list_access_keys(UserName=user_name).get("AccessKeyMetadata", [])
    return [str(m["AccessKeyId"]) for m in metadata]


def delete_access_key(iam: IamClient, user_name: str, access_key_id: str) -> None:
    """Revoke one access key; a key already gone is not an error."""
    try:
        iam.delete_access_key(UserName=user_name, AccessKeyId=access_key_id)
    except ClientError as error:
        if not _iam_missing(error):
            raise


def delete_storage_identity(iam: IamClient, user_name: str) -> None:
    """Remove the user with its keys, policies and memberships; its buckets and data stay as they are."""
    try:
        iam.get_user(UserName=user_name)
    except ClientError as error:
        if _iam_missing(error):
            return
        raise
    for key_id in list_access_key_ids(iam, user_name):
        delete_access_key(iam, user_name, key_id)
    for policy_name in iam.list_user_policies(UserName=user_name).get("PolicyNames", []):
        iam.delete_user_policy(UserName=user_name, PolicyName=policy_name)
    for attached in iam.list_attached_user_policies(UserName=user_name).get("AttachedPolicies", []):
        iam.detach_user_policy(UserName=user_name, PolicyArn=attached["PolicyArn"])
    for group in iam.list_groups_for_user(UserName=user_name).get("Groups", []):
        iam.remove_user_from_group(UserName=user_name, GroupName=group["GroupName"])
    try:
        iam.delete_user(UserName=user_name)
    except ClientError as error:
        if not _iam_missing(error):
            raise
