"""A tenant's PostgreSQL on CloudNativePG: the Cluster, its scheduled backups, and the sizing rules.

* TLS only: ``pg_hba`` rejects every non-TLS TCP connection before CNPG's own rules are reached.
* Backups: continuous WAL archiving and base backups to the tenant's backup bucket (barman-cloud,
  the operator's object-store backup), retention from the request, compressed and server-side encrypted.
* Disruption-safe: with two or more instances, required pod anti-affinity and the operator's PDB;
  a single instance gets no PDB (it would block every node drain).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from govcloud.contract.cron import to_six_field
from govcloud.contract.quantity import format_bytes
from govcloud.contract.rules import database_instance_size
from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import Database, TenantRequest
from govcloud.manifests.common import tenant_metadata
from govcloud.naming import BACKUP_ZONE, bucket_name, database_cluster_name

IMAGE_REPOSITORY = "ghcr.io/cloudnative-pg/postgresql"
BACKUP_ACCESS_KEY = "ACCESS_KEY_ID"
BACKUP_SECRET_KEY = "ACCESS_SECRET_KEY"


def backup_secret_name(tenant: TenantRequest) -> str:
    return f"{database_cluster_name(tenant)}-backup-credentials"


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


def cnpg_cluster(shape: ClusterShape, site: SiteConfig) -> dict[str, Any]:
    """A TLS-only, backed-up, disruption-safe CNPG ``Cluster`` (see the module docstring)."""
    replicated = shape.instances >= 2
    object_store: dict[str, Any] = {
        "destinationPath": shape.backup_destination,
        "s3Credentials": {
            "accessKeyId": {"name": shape.backup_secret, "key": BACKUP_ACCESS_KEY},
            "secretAccessKey": {"name": shape.backup_secret, "key": BACKUP_SECRET_KEY},
        },
        "wal": {"compression": "gzip", "encryption": "AES256"},
        "data": {"compression": "gzip", "encryption": "AES256", "jobs": 2},
    }
    if site.object_store.endpoint is not None:
        object_store["endpointURL"] = site.object_store.endpoint
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "metadata": shape.metadata,
        "spec": {
            "description": shape.description,
            "instances": shape.instances,
            "imageName": f"{IMAGE_REPOSITORY}:{shape.version}",
            "primaryUpdateStrategy": "unsupervised",
            "enableSuperuserAccess": False,
            "postgresql": {
                "parameters": {
                    "ssl_min_protocol_version": "TLSv1.2",
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
            "monitoring": {"enablePodMonitor": True},
            "inheritedMetadata": {"labels": dict(shape.metadata.get("labels", {}))},
            "backup": {"barmanObjectStore": object_store, "retentionPolicy": f"{shape.retention_days}d"},
            **({"managed": {"roles": list(shape.managed_roles)}} if shape.managed_roles else {}),
        },
    }


def cnpg_scheduled_backup(metadata: dict[str, Any], cluster: str, schedule: str) -> dict[str, Any]:
    """Base backups on a 5-field cron schedule, translated to the operator's 6-field form."""
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "ScheduledBackup",
        "metadata": metadata,
        "spec": {
            "schedule": to_six_field(schedule),
            "cluster": {"name": cluster},
            "backupOwnerReference": "self",
            "method": "barmanObjectStore",
            "immediate": True,
        },
    }


def database_cluster(
    tenant: TenantRequest, site: SiteConfig, managed_roles: tuple[dict[str, Any], ...] = ()
) -> dict[str, Any]:
    """The CNPG ``Cluster`` for a tenant that asked for a database (plus the roles its analytics need)."""
    database = _database(tenant)
    return cnpg_cluster(
        ClusterShape(
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
        ),
        site,
    )


def scheduled_backup(tenant: TenantRequest) -> dict[str, Any]:
    """Base backups on the request's schedule."""
    database = _database(tenant)
    name = database_cluster_name(tenant)
    return cnpg_scheduled_backup(tenant_metadata(tenant, f"{name}-backup"), name, database.backup.schedule)
