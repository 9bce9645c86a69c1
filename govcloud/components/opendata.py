"""``govcloud:site:OpenDataPortal`` — CKAN, its database and Solr, and its read-only storage identity.

The portal's identity may read every tenant's ``published`` zone and nothing else; the published
buckets' policies name the same identity, so anonymous access is never needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi

from govcloud.components.bucket_provider import Bucket
from govcloud.components.kubernetes import declare
from govcloud.components.storage import StorageKeys, connection, credentials_secret_manifest, storage_keys
from govcloud.contract.stack import StackDefinition
from govcloud.contract.vocabulary import Zone
from govcloud.manifests import opendata
from govcloud.naming import MANAGED_BY, bucket_name, label
from govcloud.safety import data_options
from govcloud.storage.buckets import BucketSpec, ReadGrant
from govcloud.storage.tenant import portal_user_name

TYPE_TOKEN = "govcloud:site:OpenDataPortal"


def portal_backup_identity(definition: StackDefinition) -> str:
    return f"{portal_user_name(definition.site)}-backup"


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
    def __init__(self, name: str, args: OpenDataPortalArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        definition = args.definition
        site = definition.site
        conn = connection(site)
        child = pulumi.ResourceOptions(parent=self)
        after = pulumi.ResourceOptions(parent=self, depends_on=list(args.waits_for))
        backup = Bucket(
            f"{name}-{opendata.PORTAL_BACKUP_ZONE}",
            BucketSpec(
                name=opendata.portal_backup_bucket(site),
                lock_versioning=True,
                tags={MANAGED_BY[0]: MANAGED_BY[1], label("zone"): opendata.PORTAL_BACKUP_ZONE},
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
        )
        backup_keys = storage_keys(
            self,
            portal_backup_identity(definition),
            [opendata.portal_backup_bucket(site)],
            [],
            conn,
            [backup],
            args.precreated_keys,
        )
        for manifest in [
            credentials_secret_manifest(opendata.portal_metadata(opendata.STORAGE_SECRET), reader, site),
            credentials_secret_manifest(
                opendata.portal_metadata(opendata.PORTAL_BACKUP_SECRET), backup_keys, site, backup_format=True
            ),
            *opendata.portal_objects(site),
        ]:
            declare(f"{name}-{manifest['kind'].lower()}-{manifest['metadata']['name']}", manifest, after)
        cluster = declare(
            f"{name}-database",
            opendata.portal_database(site),
            data_options(pulumi.ResourceOptions(parent=self, depends_on=[*args.waits_for, backup])),
        )
        declare(
            f"{name}-scheduled-backup",
            opendata.portal_scheduled_backup(),
            pulumi.ResourceOptions(parent=self, depends_on=[cluster]),
        )
        self.register_outputs({"url": f"https://{site.domain}"})
