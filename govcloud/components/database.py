"""``govcloud:tenant:TenantDatabase`` — the tenant's CloudNativePG cluster, its backups, roles and metrics.

Declared here: the backup identity's Secret, the Barman Cloud ``ObjectStore``, one generated password and
``kubernetes.io/basic-auth`` Secret per managed role, the ``Cluster`` (protected, retained), its
``ScheduledBackup`` and its ``PodMonitor``. Every custom kind waits for the platform release that
installs its CRD (``PlatformDependencies.waits_for``) in a single stack; in a sharded site the platform
stack is deployed first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from govcloud.components.dependencies import OPERATOR_ANNOTATION, PlatformDependencies
from govcloud.components.kubernetes import declare
from govcloud.components.protection import removable
from govcloud.components.random_secret import RandomSecret, basic_auth_secret
from govcloud.components.storage import StorageKeys, credentials_secret_manifest
from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests.analytics import READONLY_ROLE, TENANT_DATABASE, managed_roles
from govcloud.manifests.common import tenant_metadata
from govcloud.manifests.database import (
    backup_secret_name,
    database_cluster,
    database_object_store,
    database_pod_monitor,
    scheduled_backup,
)
from govcloud.manifests.network import POSTGRES_PORT
from govcloud.naming import database_cluster_name, namespace_name
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


def readonly_uri(request: TenantRequest, password: pulumi.Input[str]) -> pulumi.Output[str]:
    """The ``readonly`` role's TLS connection URI to any instance (``-r`` service), as a secret."""
    host = f"{database_cluster_name(request)}-r.{namespace_name(request)}.svc"
    suffix = f"@{host}:{POSTGRES_PORT}/{TENANT_DATABASE}?sslmode=require"
    # An unknown password (a preview before the first create) stays unknown rather than becoming text.
    uri = pulumi.Output.from_input(password).apply(
        lambda value: None if value is None else f"postgresql://{READONLY_ROLE}:{value}{suffix}"
    )
    return pulumi.Output.secret(uri)


class TenantDatabase(pulumi.ComponentResource):
    def __init__(self, name: str, args: TenantDatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        request, site = args.request, args.site
        after = pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on))
        platform: list[pulumi.Resource] = list(args.platform.waits_for) if args.platform is not None else []
        secret = declare(
            f"{name}-backup-credentials",
            credentials_secret_manifest(
                tenant_metadata(request, backup_secret_name(request)), args.backup_keys, site, backup_format=True
            ),
            after,
        )
        store = declare(
            f"{name}-object-store",
            database_object_store(request, site),
            pulumi.ResourceOptions(parent=self, depends_on=[*args.depends_on, *platform, secret]),
        )
        role_secrets = [self._role_secret(name, request, role, after) for role in managed_roles(request)]
        manifest = database_cluster(request, site, tuple(managed_roles(request)))
        if args.platform is not None:
            manifest["metadata"]["annotations"] = {OPERATOR_ANNOTATION: args.platform.database_operator_release}
        cluster = declare(
            f"{name}-cluster",
            manifest,
            data_options(
                pulumi.ResourceOptions(
                    parent=self, depends_on=[*args.depends_on, *platform, secret, store, *role_secrets]
                )
            ),
        )
        declare(
            f"{name}-scheduled-backup",
            scheduled_backup(request),
            pulumi.ResourceOptions(parent=self, depends_on=[cluster]),
        )
        declare(
            f"{name}-pod-monitor",
            database_pod_monitor(request),
            pulumi.ResourceOptions(parent=self, depends_on=[*args.depends_on, *platform]),
        )
        self.register_outputs({"cluster": database_cluster_name(request)})

    def _role_secret(
        self, name: str, request: TenantRequest, role: dict[str, Any], opts: pulumi.ResourceOptions
    ) -> pulumi.Resource:
        """A generated password for one managed role, in the basic-auth Secret the role names.

        Removable, unlike the rest of the database (protected with its tenant): the roles exist only while an
        analytics service uses them, and turning that service off drops the role's password with it.
        """
        role_name = str(role["name"])
        password = RandomSecret(f"{name}-{role_name}-password", opts=removable(pulumi.ResourceOptions(parent=self)))
        extra = {"uri": readonly_uri(request, password.value)} if role_name == READONLY_ROLE else None
        secret_name = str(role["passwordSecret"]["name"])
        return declare(
            f"{name}-{role_name}-role-secret",
            basic_auth_secret(tenant_metadata(request, secret_name), role_name, password.value, extra),
            removable(opts),
        )
