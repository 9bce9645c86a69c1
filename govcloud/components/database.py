"""``govcloud:tenant:TenantDatabase`` — the tenant's CloudNativePG cluster and its scheduled backups."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from govcloud.components.dependencies import OPERATOR_ANNOTATION, PlatformDependencies
from govcloud.components.kubernetes import declare
from govcloud.components.storage import StorageKeys, credentials_secret_manifest
from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests.analytics import managed_roles
from govcloud.manifests.common import tenant_metadata
from govcloud.manifests.database import backup_secret_name, database_cluster, scheduled_backup
from govcloud.safety import data_options

TYPE_TOKEN = "govcloud:tenant:TenantDatabase"


@dataclass(frozen=True)
class TenantDatabaseArgs:
    request: TenantRequest
    site: SiteConfig
    backup_keys: StorageKeys
    """The backup-only identity's keys: it can write and prune backups but never destroy old versions."""
    depends_on: tuple[pulumi.Resource, ...] = ()
    """What must exist first: the namespace, the backup bucket."""
    platform: PlatformDependencies | None = None
    """The database operator the cluster needs (absent only in unit harnesses)."""


class TenantDatabase(pulumi.ComponentResource):
    def __init__(self, name: str, args: TenantDatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        request, site = args.request, args.site
        after = pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on))
        secret = declare(
            f"{name}-backup-credentials",
            credentials_secret_manifest(
                tenant_metadata(request, backup_secret_name(request)), args.backup_keys, site, backup_format=True
            ),
            after,
        )
        manifest = database_cluster(request, site, tuple(managed_roles(request)))
        waits_for: list[pulumi.Resource] = [*args.depends_on, secret]
        if args.platform is not None:
            manifest["metadata"]["annotations"] = {OPERATOR_ANNOTATION: args.platform.database_operator_release}
            waits_for += args.platform.waits_for
        cluster = declare(
            f"{name}-cluster", manifest, data_options(pulumi.ResourceOptions(parent=self, depends_on=waits_for))
        )
        declare(
            f"{name}-scheduled-backup",
            scheduled_backup(request),
            pulumi.ResourceOptions(parent=self, depends_on=[cluster]),
        )
        self.register_outputs({"cluster": database_cluster(request, site)["metadata"]["name"]})
