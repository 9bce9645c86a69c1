"""``govcloud:tenant:TenantStorage`` — a tenant's buckets, its storage identities and their keys.

Buckets are data: protected and retained. Keys exist only as Pulumi secret outputs of the identity
resources, and reach the tenant's namespace as Kubernetes Secrets built from those outputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

from govcloud.components.bucket_provider import Bucket, StorageIdentity
from govcloud.components.kubernetes import declare
from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests.common import STORAGE_CREDENTIALS_SECRET, tenant_metadata
from govcloud.manifests.database import BACKUP_ACCESS_KEY, BACKUP_SECRET_KEY
from govcloud.naming import owner_tags, storage_identity_name
from govcloud.safety import data_options
from govcloud.storage.specs import ReadGrant, S3Connection, site_connection
from govcloud.storage.tenant import backup_identity_name, tenant_buckets

TYPE_TOKEN = "govcloud:tenant:TenantStorage"
STORAGE_SECRET = STORAGE_CREDENTIALS_SECRET


@dataclass(frozen=True)
class StorageKeys:
    """An access key pair as Pulumi secret outputs."""

    access_key_id: pulumi.Output[str]
    secret_access_key: pulumi.Output[str]


@dataclass(frozen=True)
class TenantStorageArgs:
    request: TenantRequest
    site: SiteConfig
    read_grants: Sequence[ReadGrant] = field(default_factory=tuple)
    """Read-only grants from active data-sharing agreements where this tenant is the consumer."""
    precreated_keys: dict[str, StorageKeys] | None = None
    """For stores without an IAM API: keys by identity name, from secret stack config."""
    namespace: pulumi.Resource | None = None
    """The tenant's namespace: the credentials Secret is created in it, so after it."""


def credentials_secret_manifest(
    metadata: dict[str, Any], keys: StorageKeys, site: SiteConfig, *, backup_format: bool = False
) -> dict[str, Any]:
    """A Secret with an identity's keys as Pulumi secrets (``[secret]`` in plans, encrypted in state).

    The default layout is the AWS environment (``AWS_ACCESS_KEY_ID``...) workloads read; ``backup_format``
    is the layout CloudNativePG's barman object store expects.
    """
    values: dict[str, pulumi.Input[str]]
    if backup_format:
        values = {BACKUP_ACCESS_KEY: keys.access_key_id, BACKUP_SECRET_KEY: keys.secret_access_key}
    else:
        values = {
            "AWS_ACCESS_KEY_ID": keys.access_key_id,
            "AWS_SECRET_ACCESS_KEY": keys.secret_access_key,
            "AWS_REGION": site.object_store.region,
        }
        if site.object_store.endpoint:
            values["AWS_ENDPOINT_URL"] = site.object_store.endpoint
    secret_keys = {BACKUP_ACCESS_KEY, BACKUP_SECRET_KEY, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": metadata,
        "type": "Opaque",
        "stringData": {k: pulumi.Output.secret(v) if k in secret_keys else v for k, v in values.items()},
    }


def storage_keys(
    parent: pulumi.Resource,
    user: str,
    bucket_names: Sequence[str],
    read_grants: Sequence[ReadGrant],
    conn: S3Connection,
    after: Sequence[pulumi.Resource],
    precreated: dict[str, StorageKeys] | None,
    owner: Mapping[str, str] | None = None,
) -> StorageKeys:
    """An identity's keys: a new StorageIdentity, or the pre-created keys of a store without IAM.

    ``owner``: the identity's owner tags (``naming.owner_tags``); an existing user is adopted only with them.
    """
    if precreated is not None:
        return precreated[user]
    identity = StorageIdentity(
        user,
        user,
        list(bucket_names),
        conn,
        list(read_grants),
        pulumi.ResourceOptions(parent=parent, depends_on=list(after)),
        tags=owner,
    )
    return StorageKeys(identity.access_key_id, identity.secret_access_key)


class TenantStorage(pulumi.ComponentResource):
    """Buckets per zone (+ database backups), a workload identity and a backup-only identity."""

    bucket_names: dict[str, str]
    backup_keys: StorageKeys | None

    def __init__(self, name: str, args: TenantStorageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        request, site = args.request, args.site
        child = pulumi.ResourceOptions(parent=self)
        conn = site_connection(site)
        buckets = tenant_buckets(request, site)
        self.bucket_names = {zone: spec.name for zone, spec in buckets.zones.items()}
        declared = {spec.name: Bucket(f"{name}-{spec.name}", spec, conn, data_options(child)) for spec in buckets.all}
        self.backup_keys = None
        if buckets.zones or args.read_grants:
            keys = storage_keys(
                self,
                storage_identity_name(site, request.name),
                list(self.bucket_names.values()),
                args.read_grants,
                conn,
                [declared[b] for b in self.bucket_names.values()],
                args.precreated_keys,
                owner_tags(site, request.name),
            )
            in_namespace = pulumi.ResourceOptions(parent=self, depends_on=[args.namespace] if args.namespace else [])
            manifest = credentials_secret_manifest(tenant_metadata(request, STORAGE_SECRET), keys, site)
            declare(f"{name}-{STORAGE_SECRET}", manifest, in_namespace)
        if buckets.backup is not None:
            self.backup_keys = storage_keys(
                self,
                backup_identity_name(site, request.name),
                [buckets.backup.name],
                [],
                conn,
                [declared[buckets.backup.name]],
                args.precreated_keys,
                owner_tags(site, request.name),
            )
        self.register_outputs({"buckets": self.bucket_names})
