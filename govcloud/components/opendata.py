"""``govcloud:site:OpenDataPortal`` — CKAN, its database and Solr, and its read-only storage identity.

The portal's identity may read every tenant's ``published`` zone and nothing else; the published
buckets' policies name the same identity, so anonymous access is never needed. CKAN's signing keys and its
sysadmin's password are generated here (``RandomSecret``) and reach the pods only through a Secret.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi

from govcloud.components.bucket_provider import Bucket
from govcloud.components.kubernetes import declare
from govcloud.components.random_secret import RandomSecret
from govcloud.components.storage import StorageKeys, credentials_secret_manifest, storage_keys
from govcloud.contract.stack import StackDefinition
from govcloud.contract.vocabulary import Zone
from govcloud.manifests import opendata
from govcloud.naming import MANAGED_BY, bucket_name, label, owner_tags, portal_backup_identity_name
from govcloud.safety import data_options
from govcloud.storage.specs import BucketSpec, ReadGrant, site_connection
from govcloud.storage.tenant import portal_user_name

TYPE_TOKEN = "govcloud:site:OpenDataPortal"


def portal_backup_identity(definition: StackDefinition) -> str:
    return portal_backup_identity_name(definition.site)


def published_buckets(definition: StackDefinition) -> list[str]:
    return [
        bucket_name(definition.site, t.name, Zone.PUBLISHED.value)
        for t in definition.tenants
        if t.spec.storage is not None and Zone.PUBLISHED in t.spec.storage.zones
    ]


@dataclass(frozen=True)
class OpenDataPortalArgs:
    definition: StackDefinition
    waits_for: Sequence[pulumi.Resource] = field(default_factory=tuple)
    """The ckan namespace and the database operator."""
    precreated_keys: dict[str, StorageKeys] | None = None


class OpenDataPortal(pulumi.ComponentResource):
    """Exposes ``web``: the CKAN Deployment the tenants' organization Jobs wait for (in one stack)."""

    web: pulumi.Resource

    def __init__(self, name: str, args: OpenDataPortalArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        definition = args.definition
        site = definition.site
        conn = site_connection(site)
        child = pulumi.ResourceOptions(parent=self)
        after = pulumi.ResourceOptions(parent=self, depends_on=list(args.waits_for))
        backup = Bucket(
            f"{name}-{opendata.PORTAL_BACKUP_ZONE}",
            BucketSpec(
                name=opendata.portal_backup_bucket(site),
                lock_versioning=True,
                noncurrent_expire_days=opendata.PORTAL_RETENTION_DAYS,  # kept as long as the backups, then gone
                tags={
                    MANAGED_BY[0]: MANAGED_BY[1],
                    label("zone"): opendata.PORTAL_BACKUP_ZONE,
                    **owner_tags(site, None),
                },
            ),
            conn,
            data_options(child),
        )
        reader = storage_keys(
            self,
            portal_user_name(site),
            [],
            [ReadGrant(b, "") for b in published_buckets(definition)],
            conn,
            [],
            args.precreated_keys,
            owner_tags(site, None),
        )
        backup_keys = storage_keys(
            self,
            portal_backup_identity(definition),
            [opendata.portal_backup_bucket(site)],
            [],
            conn,
            [backup],
            args.precreated_keys,
            owner_tags(site, None),
        )
        app_secret = declare(
            f"{name}-secret-{opendata.APP_SECRET}",
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": opendata.portal_metadata(opendata.APP_SECRET),
                "type": "Opaque",
                "stringData": {
                    key: pulumi.Output.secret(RandomSecret(f"{name}-{key}", opts=child).value)
                    for key in opendata.APP_SECRET_KEYS
                },
            },
            after,
        )
        uploads = declare(
            f"{name}-persistentvolumeclaim-{opendata.UPLOADS_CLAIM}", opendata.uploads_claim(site), data_options(after)
        )
        backup_secret = declare(
            f"{name}-secret-{opendata.PORTAL_BACKUP_SECRET}",
            credentials_secret_manifest(
                opendata.portal_metadata(opendata.PORTAL_BACKUP_SECRET), backup_keys, site, backup_format=True
            ),
            after,
        )
        store = declare(
            f"{name}-object-store",
            opendata.portal_object_store(site),
            pulumi.ResourceOptions(parent=self, depends_on=[*args.waits_for, backup, backup_secret]),
        )
        cluster = declare(
            f"{name}-database",
            opendata.portal_database(site),
            data_options(pulumi.ResourceOptions(parent=self, depends_on=[*args.waits_for, backup, store])),
        )
        declare(f"{name}-pod-monitor", opendata.portal_pod_monitor(), after)
        storage_secret = declare(
            f"{name}-secret-{opendata.STORAGE_SECRET}",
            credentials_secret_manifest(opendata.portal_metadata(opendata.STORAGE_SECRET), reader, site),
            after,
        )
        backends = []  # the schema ConfigMap, Solr and Redis: CKAN's start-up checks them
        for manifest in opendata.portal_objects(site):
            kind = manifest["kind"]
            if (kind, manifest["metadata"]["name"]) == ("Deployment", "ckan"):
                continue
            resource = declare(f"{name}-{kind.lower()}-{manifest['metadata']['name']}", manifest, after)
            if kind in ("ConfigMap", "Deployment", "Service"):
                backends.append(resource)
        web_needs = pulumi.ResourceOptions(
            parent=self, depends_on=[*args.waits_for, app_secret, uploads, storage_secret, cluster, *backends]
        )
        self.web = declare(f"{name}-deployment-ckan", opendata.ckan_deployment(site), web_needs)
        declare(
            f"{name}-scheduled-backup",
            opendata.portal_scheduled_backup(),
            pulumi.ResourceOptions(parent=self, depends_on=[cluster]),
        )
        self.register_outputs({"url": f"https://{site.domain}"})
