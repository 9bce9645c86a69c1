"""What a bucket, a read grant and a store connection must be: plain data, no boto3, no Pulumi.

Builders (``govcloud.storage.tenant``, ``govcloud.access``), the audit and the CLI read these; only
``govcloud.storage.buckets`` talks to a store and only ``govcloud.components.bucket_provider`` declares
resources. The ``*_props`` functions are the one translation between a spec and a resource's plain inputs,
so the audit reads the plan's bucket inputs with the same code the provider uses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from govcloud.contract.site import SiteConfig
from govcloud.naming import is_s3_bucket_name

DYNAMIC_MODULE = "govcloud"
"""The module of govcloud's dynamic resources: Pulumi types them ``pulumi-python:dynamic/<module>:<name>``."""
BUCKET_TYPE = f"pulumi-python:dynamic/{DYNAMIC_MODULE}:Bucket"
"""The type of every bucket govcloud declares (``components.bucket_provider.Bucket``); data-bearing."""
STORAGE_IDENTITY_TYPE = f"pulumi-python:dynamic/{DYNAMIC_MODULE}:StorageIdentity"
"""The type of every storage identity (``components.bucket_provider.StorageIdentity``)."""

WILDCARDS = frozenset("*?")


def check_bucket_name(name: str) -> None:
    """S3's naming rule, enforced again here because a wildcard in a name would widen an IAM grant."""
    if not is_s3_bucket_name(name):
        raise ValueError(f"{name!r} is not a valid S3 bucket name")


def valid_principal_arn(arn: str) -> bool:
    """Whether ``arn`` names exactly one IAM identity (no ``*``, no wildcard, no bare account)."""
    return not (WILDCARDS & set(arn)) and bool(re.match(r"^arn:aws[a-z-]*:iam::\d*:(user|role)/\S+$", arn))


def check_principal_arn(arn: str) -> None:
    if not valid_principal_arn(arn):
        raise ValueError(f"public_read_principal_arn must be one IAM user or role ARN, not {arn!r}")


@dataclass(frozen=True)
class S3Connection:
    """How to reach the store. Deliberately holds no credential: it is safe to log and to serialize."""

    endpoint_url: str | None
    region: str = "us-east-1"
    addressing_style: str = "path"
    verify_tls: bool = True

    def __post_init__(self) -> None:
        if self.addressing_style not in ("path", "virtual", "auto"):
            raise ValueError(f"addressing_style must be path, virtual or auto, not {self.addressing_style!r}")


@dataclass(frozen=True)
class BucketSpec:
    """What one bucket must look like; ``ensure_bucket`` converges the store to it."""

    name: str
    versioning: bool = True
    lock_versioning: bool = False
    public_read_principal_arn: str | None = None
    expire_after_days: int | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    object_lock: bool = False
    object_lock_days: int | None = None
    noncurrent_expire_days: int | None = None
    """Prior versions expire this long after they stop being current, current objects never (the backup
    bucket: the database operator deletes backups past their retention, and their versions go after it).
    With ``expire_after_days`` set, prior versions expire after those days unless this says otherwise."""

    @property
    def noncurrent_days(self) -> int | None:
        """When prior versions expire, if ever."""
        return self.noncurrent_expire_days or self.expire_after_days

    def __post_init__(self) -> None:
        check_bucket_name(self.name)
        if self.lock_versioning and not self.versioning:
            raise ValueError(f"{self.name}: lock_versioning needs versioning on")
        if self.object_lock and not self.versioning:
            raise ValueError(f"{self.name}: object lock needs versioning on")
        if self.object_lock_days is not None:
            if not self.object_lock:
                raise ValueError(f"{self.name}: object_lock_days needs object_lock")
            if self.object_lock_days < 1:
                raise ValueError(f"{self.name}: object_lock_days must be at least 1")
        if self.expire_after_days is not None and self.expire_after_days < 1:
            raise ValueError(f"{self.name}: expire_after_days must be at least 1")
        if self.noncurrent_expire_days is not None and self.noncurrent_expire_days < 1:
            raise ValueError(f"{self.name}: noncurrent_expire_days must be at least 1")
        if self.public_read_principal_arn is not None:
            check_principal_arn(self.public_read_principal_arn)
        # A private copy, so a caller mutating its dict later cannot change a frozen spec.
        object.__setattr__(self, "tags", {str(k): str(v) for k, v in self.tags.items()})


@dataclass(frozen=True)
class ReadGrant:
    """Read-only access to one prefix of another agency's bucket (a data-sharing agreement)."""

    bucket: str
    prefix: str = ""

    def __post_init__(self) -> None:
        check_bucket_name(self.bucket)
        if WILDCARDS & set(self.prefix):
            raise ValueError(f"read grant prefix {self.prefix!r} may not contain * or ?: it would widen the grant")


def partition_for_region(region: str) -> str:
    """ARN partition of a region, so grants stay right on AWS GovCloud and China as well."""
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws"


def site_connection(site: SiteConfig) -> S3Connection:
    """How to reach the site's object store (its ``govcloud:objectStore`` setting)."""
    store = site.object_store
    return S3Connection(
        endpoint_url=store.endpoint,
        region=store.region,
        addressing_style=store.addressing_style,
        verify_tls=True,
    )


# ------------------------------------------------------------------------ specs as resource properties


def optional_int(value: Any) -> int | None:
    # The engine ships every number as a float (protobuf Struct); days are whole numbers.
    return None if value is None else int(value)


def optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def prop_flag(props: Mapping[str, Any], key: str, default: bool) -> bool:
    value = props.get(key)
    return default if value is None else bool(value)


def connection_from_props(props: Mapping[str, Any]) -> S3Connection:
    """The store connection recorded in a resource's properties."""
    return S3Connection(
        endpoint_url=optional_str(props.get("endpoint_url")),
        region=str(props.get("region") or "us-east-1"),
        addressing_style=str(props.get("addressing_style") or "path"),
        verify_tls=prop_flag(props, "verify_tls", True),
    )


def connection_props(conn: S3Connection) -> dict[str, Any]:
    """A connection as plain resource properties."""
    return {
        "endpoint_url": conn.endpoint_url,
        "region": conn.region,
        "addressing_style": conn.addressing_style,
        "verify_tls": conn.verify_tls,
    }


def spec_from_props(props: Mapping[str, Any], name: str | None = None) -> BucketSpec:
    """The bucket spec a resource's properties describe (validates them too)."""
    tags = props.get("tags") or {}
    return BucketSpec(
        name=str(name if name is not None else props.get("name")),
        versioning=prop_flag(props, "versioning", True),
        lock_versioning=prop_flag(props, "lock_versioning", False),
        public_read_principal_arn=optional_str(props.get("public_read_principal_arn")),
        expire_after_days=optional_int(props.get("expire_after_days")),
        tags={str(k): str(v) for k, v in tags.items()},
        object_lock=prop_flag(props, "object_lock", False),
        object_lock_days=optional_int(props.get("object_lock_days")),
        noncurrent_expire_days=optional_int(props.get("noncurrent_expire_days")),
    )


def bucket_props(spec: BucketSpec, conn: S3Connection) -> dict[str, Any]:
    """A spec and its connection as the plain inputs of a ``Bucket`` resource."""
    return {
        "name": spec.name,
        "versioning": spec.versioning,
        "lock_versioning": spec.lock_versioning,
        "public_read_principal_arn": spec.public_read_principal_arn,
        "expire_after_days": spec.expire_after_days,
        "tags": dict(spec.tags),
        "object_lock": spec.object_lock,
        "object_lock_days": spec.object_lock_days,
        "noncurrent_expire_days": spec.noncurrent_expire_days,
        **connection_props(conn),
    }
