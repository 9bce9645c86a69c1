"""A tenant's PostgreSQL on CloudNativePG: the Cluster, its scheduled backups, and the sizing rules.

* TLS only: ``pg_hba`` rejects every non-TLS TCP connection before CNPG's own rules are reached.
* Backups: continuous WAL archiving and base backups to the tenant's backup bucket through the Barman Cloud
  plugin (an ``ObjectStore`` plus ``spec.plugins`` in the Cluster), retention from the request, compressed
  and server-side encrypted. The in-tree ``barmanObjectStore`` is deprecated and removed in CloudNativePG
  1.31 (cloudnative-pg docs/src/release_notes/v1.30.md at v1.30.0), so govcloud never declares it.
* Images: CloudNativePG's ``standard`` images on Debian trixie, the family the project recommends with
  backup plugins (cloudnative-pg/postgres-containers README); the legacy ``system`` images and the
  bullseye base are deprecated. A cluster's OS family must not change after initdb (collations differ
  between Debian releases), so the family is chosen once, here.
* TLS: CloudNativePG's own default, ``ssl_min_protocol_version = TLSv1.3`` (cloudnative-pg
  pkg/postgres/configuration.go at v1.30.0), is left alone.
* Metrics: a ``PodMonitor`` per cluster, declared by govcloud: the operator's ``enablePodMonitor`` is
  deprecated (the Cluster CRD's own description at v1.30.0).
* Disruption-safe: with two or more instances, required pod anti-affinity and the operator's PDB;
  a single instance gets no PDB (it would block every node drain).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from govcloud import naming
from govcloud.contract.cron import to_six_field
from govcloud.contract.quantity import format_bytes
from govcloud.contract.rules import database_instance_size
from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import Database, TenantRequest
from govcloud.manifests.common import tenant_metadata
from govcloud.naming import BACKUP_ZONE, bucket_name, database_cluster_name

IMAGE_REPOSITORY = "ghcr.io/cloudnative-pg/postgresql"
IMAGE_FAMILY = "standard-trixie"
#: One immutable tag per PostgreSQL major, from CloudNativePG's ``catalog-standard-trixie`` image catalog
#: (cloudnative-pg/artifacts image-catalogs/catalog-standard-trixie.yaml, catalog date 20260817). A bump
#: here rolls every cluster of that major through a switchover; it never replaces a cluster.
IMAGE_TAGS: dict[int, str] = {
    14: "14.24-202608170814-standard-trixie",
    15: "15.19-202608170814-standard-trixie",
    16: "16.15-202608170814-standard-trixie",
    17: "17.11-202608170816-standard-trixie",
}
BACKUP_ACCESS_KEY = "ACCESS_KEY_ID"
BACKUP_SECRET_KEY = "ACCESS_SECRET_KEY"
BARMAN_CLOUD_PLUGIN = "barman-cloud.cloudnative-pg.io"
"""The plugin's name in ``spec.plugins`` and ``pluginConfiguration`` (plugin-barman-cloud web/docs/usage.md)."""
OBJECT_STORE_API_VERSION = "barmancloud.cnpg.io/v1"
METRICS_PORT_NAME = "metrics"
"""The instance container's metrics port name (cloudnative-pg docs/src/monitoring.md at v1.30.0)."""


def image_name(version: int) -> str:
    """The pinned ``standard``/trixie image of a PostgreSQL major version."""
    if version not in IMAGE_TAGS:
        raise ValueError(f"no pinned PostgreSQL image for major version {version}")
    return f"{IMAGE_REPOSITORY}:{IMAGE_TAGS[version]}"


def object_store_name(cluster: str) -> str:
    """The Barman Cloud ``ObjectStore`` a cluster archives to."""
    return f"{cluster}-backup"


def backup_secret_name(tenant: TenantRequest) -> str:
    """``<tenant>-pg-backup-credentials`` in the tenant's own namespace (one derivation: naming.py)."""
    return naming.backup_secret_name(tenant.name)


def _database(tenant: TenantRequest) -> Database:
    if tenant.spec.database is None:
        raise ValueError(f"tenant {tenant.name} has no database")
    return tenant.spec.database


def instance_resources(tenant: TenantRequest) -> dict[str, dict[str, str]]:
    """Guaranteed QoS (requests equal limits), sized by data volume; validation keeps it inside the quota."""
    cpu, memory = database_instance_size(_database(tenant).storage)
    values = {"cpu": str(int(cpu)), "memory": format_bytes(memory)}
    return {"requests": dict(values), "limits": dict(values)}


def backup_destination(tenant: TenantRequest, site: SiteConfig) -> str:
    return f"s3://{bucket_name(site, tenant.name, BACKUP_ZONE)}/{database_cluster_name(tenant)}"


@dataclass(frozen=True)
class ClusterShape:
    """Everything that differs between two govcloud PostgreSQL clusters (a tenant's, the portal's)."""

    metadata: dict[str, Any]
    description: str
    instances: int
    version: int
    storage: str
    resources: dict[str, dict[str, str]]
    database: str
    backup_destination: str
    backup_secret: str
    retention_days: int
    managed_roles: tuple[dict[str, Any], ...] = ()


def cnpg_object_store(shape: ClusterShape, site: SiteConfig) -> dict[str, Any]:
    """The Barman Cloud plugin's ``ObjectStore``: where WAL and base backups go, and how long they stay."""
    configuration: dict[str, Any] = {
        "destinationPath": shape.backup_destination,
        "s3Credentials": {
            "accessKeyId": {"name": shape.backup_secret, "key": BACKUP_ACCESS_KEY},
            "secretAccessKey": {"name": shape.backup_secret, "key": BACKUP_SECRET_KEY},
        },
        "wal": {"compression": "gzip", "encryption": "AES256"},
        "data": {"compression": "gzip", "encryption": "AES256", "jobs": 2},
    }
    if site.object_store.endpoint is not None:
        configuration["endpointURL"] = site.object_store.endpoint
    cluster = shape.metadata["name"]
    return {
        "apiVersion": OBJECT_STORE_API_VERSION,
        "kind": "ObjectStore",
        "metadata": {**shape.metadata, "name": object_store_name(cluster)},
        "spec": {"configuration": configuration, "retentionPolicy": f"{shape.retention_days}d"},
    }


def cnpg_cluster(shape: ClusterShape, site: SiteConfig) -> dict[str, Any]:
    """A TLS-only, backed-up, disruption-safe CNPG ``Cluster`` (see the module docstring)."""
    replicated = shape.instances >= 2
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "metadata": shape.metadata,
        "spec": {
            "description": shape.description,
            "instances": shape.instances,
            "imageName": image_name(shape.version),
            "primaryUpdateStrategy": "unsupervised",
            "enableSuperuserAccess": False,
            "postgresql": {
                "parameters": {
                    "log_connections": "on",
                    "log_disconnections": "on",
                    "password_encryption": "scram-sha-256",
                },
                "pg_hba": [
                    "hostnossl all all 0.0.0.0/0 reject",
                    "hostnossl all all ::/0 reject",
                    "hostssl all all all scram-sha-256",
                ],
            },
            "bootstrap": {"initdb": {"database": shape.database, "owner": shape.database, "dataChecksums": True}},
            "storage": {"size": shape.storage, "storageClass": site.storage_class},
            "resources": shape.resources,
            "affinity": {
                "enablePodAntiAffinity": replicated,
                "podAntiAffinityType": "required" if replicated else "preferred",
                "topologyKey": "kubernetes.io/hostname",
            },
            "enablePDB": replicated,
            "inheritedMetadata": {"labels": dict(shape.metadata.get("labels", {}))},
            "plugins": [
                {
                    "name": BARMAN_CLOUD_PLUGIN,
                    "isWALArchiver": True,
                    "parameters": {"barmanObjectName": object_store_name(shape.metadata["name"])},
                }
            ],
            **({"managed": {"roles": list(shape.managed_roles)}} if shape.managed_roles else {}),
        },
    }


def cnpg_pod_monitor(metadata: dict[str, Any], cluster: str) -> dict[str, Any]:
    """The cluster's ``PodMonitor``: its instances' ``metrics`` port (cloudnative-pg docs/src/monitoring.md)."""
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PodMonitor",
        "metadata": metadata,
        "spec": {
            "selector": {"matchLabels": {"cnpg.io/cluster": cluster, "cnpg.io/podRole": "instance"}},
            "podMetricsEndpoints": [{"port": METRICS_PORT_NAME}],
        },
    }


def cnpg_scheduled_backup(metadata: dict[str, Any], cluster: str, schedule: str) -> dict[str, Any]:
    """Base backups through the Barman Cloud plugin on a 5-field cron schedule, in the operator's 6-field form."""
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "ScheduledBackup",
        "metadata": metadata,
        "spec": {
            "schedule": to_six_field(schedule),
            "cluster": {"name": cluster},
            "backupOwnerReference": "self",
            "method": "plugin",
            "pluginConfiguration": {"name": BARMAN_CLOUD_PLUGIN},
            "immediate": True,
        },
    }


def _tenant_shape(tenant: TenantRequest, site: SiteConfig, managed_roles: tuple[dict[str, Any], ...]) -> ClusterShape:
    database = _database(tenant)
    return ClusterShape(
        metadata=tenant_metadata(tenant, database_cluster_name(tenant)),
        description=f"PostgreSQL of {tenant.spec.agency.name_en}",
        instances=database.instances,
        version=database.version,
        storage=str(database.storage),
        resources=instance_resources(tenant),
        database="app",
        backup_destination=backup_destination(tenant, site),
        backup_secret=backup_secret_name(tenant),
        retention_days=database.backup.retention_days,
        managed_roles=managed_roles,
    )


def database_cluster(
    tenant: TenantRequest, site: SiteConfig, managed_roles: tuple[dict[str, Any], ...] = ()
) -> dict[str, Any]:
    """The CNPG ``Cluster`` for a tenant that asked for a database (plus the roles its analytics need)."""
    return cnpg_cluster(_tenant_shape(tenant, site, managed_roles), site)


def database_object_store(tenant: TenantRequest, site: SiteConfig) -> dict[str, Any]:
    """The ``ObjectStore`` the tenant's cluster archives to: its backup bucket, its retention."""
    return cnpg_object_store(_tenant_shape(tenant, site, ()), site)


def database_pod_monitor(tenant: TenantRequest) -> dict[str, Any]:
    name = database_cluster_name(tenant)
    return cnpg_pod_monitor(tenant_metadata(tenant, name), name)


def scheduled_backup(tenant: TenantRequest) -> dict[str, Any]:
    """Base backups on the request's schedule."""
    database = _database(tenant)
    name = database_cluster_name(tenant)
    return cnpg_scheduled_backup(tenant_metadata(tenant, f"{name}-backup"), name, database.backup.schedule)
