"""The bucket that holds a site's Pulumi state, and the ``pulumi login`` URL that points at it.

Pulumi state lists every resource and holds encrypted secrets, so its bucket must be at least as well
protected as any tenant bucket: versioned (a bad write is recoverable), encrypted, never public, and
reachable only over TLS. An existing bucket that is weaker is reported, never silently "fixed": it
may be someone else's bucket, and changing it under them is not ours to decide.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from govcloud.storage.buckets import (
    PUBLIC_ACCESS_BLOCK_KEYS,
    BucketState,
    S3Client,
    StorageError,
    ensure_bucket,
    grants_anonymous_access,
    has_tls_only_statement,
    read_bucket,
)
from govcloud.storage.specs import BucketSpec, S3Connection, partition_for_region


class StateBucketError(StorageError):
    """The state bucket cannot be used as it is; nothing was changed."""


def state_login_url(name: str, conn: S3Connection) -> str:
    """The ``pulumi login`` URL of Pulumi's DIY S3 backend for this bucket.

    Form documented by Pulumi ("Using a DIY Backend", S3-compatible servers):
    ``s3://<bucket>?endpoint=my.minio.local:8080&disableSSL=true&s3ForcePathStyle=true``, plus the
    ``region`` parameter of its AWS example. ``disableSSL=true`` is only added for an ``http://``
    endpoint, ``s3ForcePathStyle=true`` only for path-style addressing.
    """
    if conn.endpoint_url is None:
        return f"s3://{name}?region={quote(conn.region, safe='')}"
    parts = urlsplit(conn.endpoint_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"endpoint {conn.endpoint_url!r} must be an http(s)://host[:port] URL")
    if parts.path not in ("", "/") or parts.query:
        raise ValueError(f"endpoint {conn.endpoint_url!r} may not carry a path or query for Pulumi's S3 backend")
    query = [f"endpoint={quote(parts.netloc, safe=':[]')}"]
    if parts.scheme == "http":
        query.append("disableSSL=true")
    if conn.addressing_style == "path":
        query.append("s3ForcePathStyle=true")
    query.append(f"region={quote(conn.region, safe='')}")
    return f"s3://{name}?{'&'.join(query)}"


def state_bucket_weaknesses(state: BucketState, *, partition: str = "aws") -> list[str]:
    """What makes an existing bucket weaker than a state bucket must be; empty when it is fit."""
    weaker: list[str] = []
    if state.versioning != "Enabled":
        weaker.append(f"versioning is {state.versioning or 'never enabled'} (must be Enabled)")
    if not state.encryption:
        weaker.append("no default encryption")
    off = [k for k in PUBLIC_ACCESS_BLOCK_KEYS if not state.public_access_block.get(k, False)]
    if off:
        weaker.append(f"public access not blocked ({', '.join(off)} off)")
    if not has_tls_only_statement(state.policy, state.name, partition=partition):
        weaker.append("no TLS-only bucket policy")
    if grants_anonymous_access(state.policy):
        weaker.append("bucket policy grants access to anyone (Principal *)")
    return weaker


def bootstrap_state_bucket(client: S3Client, name: str, conn: S3Connection, *, allow_plain_http: bool = False) -> str:
    """Create (or accept) the site's Pulumi state bucket and return its ``pulumi login`` URL.

    Idempotent. An existing bucket with weaker settings raises ``StateBucketError`` naming each
    weakness and is left unmodified. A plain ``http://`` endpoint is refused unless
    ``allow_plain_http`` (local test stores only): the TLS-only policy would deny Pulumi there anyway,
    and state must not cross the network in clear.
    """
    url = state_login_url(name, conn)
    if conn.endpoint_url is not None and conn.endpoint_url.startswith("http://") and not allow_plain_http:
        raise StateBucketError(
            f"endpoint {conn.endpoint_url} is plain HTTP: Pulumi state must travel over TLS "
            "(pass allow_plain_http=True only for a local test store)"
        )
    existing = read_bucket(client, name)
    if existing is not None:
        weaker = state_bucket_weaknesses(existing, partition=partition_for_region(conn.region))
        if weaker:
            raise StateBucketError(
                f"state bucket {name!r} exists with weaker settings than required, left unmodified: "
                + "; ".join(weaker)
            )
        return url
    ensure_bucket(client, BucketSpec(name=name, versioning=True, lock_versioning=True))
    return url
