"""Object storage for agency tenants: buckets, storage identities and the Pulumi state bucket.

``specs`` holds what a bucket, a read grant and a connection must be (plain data: builders import it);
``buckets`` and ``state_backend`` speak boto3 to any S3-compatible endpoint (AWS S3, Ceph RGW, MinIO). No
Pulumi import here, so the audit and the CLI can use it without a Pulumi engine. The names below are loaded
on first use, so importing ``govcloud.storage.specs`` never loads boto3.
"""

from __future__ import annotations

import importlib
from typing import Any

from govcloud.storage.specs import BucketSpec, ReadGrant, S3Connection

_LAZY: dict[str, str] = {
    "AccessKey": "govcloud.storage.buckets",
    "BucketAccessError": "govcloud.storage.buckets",
    "BucketNotEmptyError": "govcloud.storage.buckets",
    "BucketState": "govcloud.storage.buckets",
    "Credentials": "govcloud.storage.buckets",
    "IdentityResult": "govcloud.storage.buckets",
    "MissingCredentialsError": "govcloud.storage.buckets",
    "StorageError": "govcloud.storage.buckets",
    "VersioningLockedError": "govcloud.storage.buckets",
    "bucket_policy": "govcloud.storage.buckets",
    "create_access_key": "govcloud.storage.buckets",
    "credentials_from_environment": "govcloud.storage.buckets",
    "delete_access_key": "govcloud.storage.buckets",
    "delete_bucket": "govcloud.storage.buckets",
    "delete_storage_identity": "govcloud.storage.buckets",
    "diff_bucket": "govcloud.storage.buckets",
    "ensure_bucket": "govcloud.storage.buckets",
    "ensure_storage_identity": "govcloud.storage.buckets",
    "iam_client": "govcloud.storage.buckets",
    "identity_policy": "govcloud.storage.buckets",
    "read_bucket": "govcloud.storage.buckets",
    "read_storage_identity": "govcloud.storage.buckets",
    "s3_client": "govcloud.storage.buckets",
    "StateBucketError": "govcloud.storage.state_backend",
    "bootstrap_state_bucket": "govcloud.storage.state_backend",
    "state_login_url": "govcloud.storage.state_backend",
}


def __getattr__(name: str) -> Any:
    """Load a boto3-backed name from its module when first asked for (PEP 562)."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AccessKey",
    "BucketAccessError",
    "BucketNotEmptyError",
    "BucketSpec",
    "BucketState",
    "Credentials",
    "IdentityResult",
    "MissingCredentialsError",
    "ReadGrant",
    "S3Connection",
    "StateBucketError",
    "StorageError",
    "VersioningLockedError",
    "bootstrap_state_bucket",
    "bucket_policy",
    "create_access_key",
    "credentials_from_environment",
    "delete_access_key",
    "delete_bucket",
    "delete_storage_identity",
    "diff_bucket",
    "ensure_bucket",
    "ensure_storage_identity",
    "iam_client",
    "identity_policy",
    "read_bucket",
    "read_storage_identity",
    "s3_client",
    "state_login_url",
]
