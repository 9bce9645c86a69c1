"""The open-data portal: CKAN (the software behind data.go.th) with its own PostgreSQL, Solr and Redis.

Declared as plain Kubernetes objects (there is no maintained upstream CKAN chart to pin), all in the
``ckan`` platform namespace. Dataset metadata follows the Thai Government Data Catalog fields through a
ckanext-scheming schema. Each tenant with open data gets its CKAN organization from an idempotent Job.
"""

from __future__ import annotations

import json
from typing import Any

from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests.database import ClusterShape, cnpg_cluster, cnpg_scheduled_backup
from govcloud.manifests.platform import OPEN_DATA, PLATFORM_LABEL
from govcloud.naming import MANAGED_BY, bucket_name, label

NAMESPACE = OPEN_DATA.name
CKAN_IMAGE = "ckan/ckan-base:2.11"
SOLR_IMAGE = "ckan/ckan-solr:2.11-solr9"
REDIS_IMAGE = "redis:7.4-alpine"
CKAN_PORT = 5000
DATABASE_CLUSTER = "ckan-pg"
SYSADMIN_TOKEN_SECRET = "ckan-sysadmin-token"
STORAGE_SECRET = "ckan-storage-credentials"
DATASET_SCHEMA_CONFIGMAP = "ckan-dataset-schema"

#: Thai Government Data Catalog classification terms, by our contract's classification.
CLASSIFICATIONS = {
    "public": "เปิดเผย",
    "internal": "ชั้นเผยแพร่ภายในองค์กร",
    "confidential": "ลับ",
    "secret": "ลับมาก",
    "top-secret": "ลับที่สุด",
}
UPDATE_FREQUENCIES = ("รายวัน", "รายสัปดาห์", "รายเดือน", "รายไตรมาส", "รายครึ่งปี", "รายปี", "ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล")
DATA_CATEGORIES = ("ข้อมูลสาธารณะ", "ข้อมูลส่วนบุคคล", "ข้อมูลความมั่นคง", "ข้อมูลความลับทางราชการ")
LICENCES = (
    "Open Data Common",
    "Creative Commons Attributions",
    "Creative Commons Attribution Share-Alike",
    "Creative Commons Non-Commercial (Any)",
    "License not specified",
)

RESTRICTED_CONTAINER: dict[str, Any] = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}


def portal_metadata(name: str, **labels: str) -> dict[str, Any]:
    return {
        "name": name,
        "namespace": NAMESPACE,
        "labels": {PLATFORM_LABEL: "true", MANAGED_BY[0]: MANAGED_BY[1], "app.kubernetes.io/part-of": "ckan", **labels},
    }


def dataset_schema() -> dict[str, Any]:
    """ckanext-scheming dataset schema with the Thai Government Data Catalog's required fields."""

    def choices(values: tuple[str, ...] | list[str]) -> list[dict[str, str]]:
        return [{"value": v, "label": v} for v in values]

    return {
        "scheming_version": 2,
        "dataset_type": "dataset",
        "about": "Thai Government Data Catalog (GD Catalog) metadata for govcloud open data",
        "dataset_fields": [
            {"field_name": "title", "label": "ชื่อชุดข้อมูล", "required": True},
            {"field_name": "name", "label": "URL", "preset": "dataset_slug"},
            {"field_name": "notes", "label": "รายละเอียด", "form_snippet": "markdown.html"},
            {"field_name": "owner_org", "label": "หน่วยงาน", "preset": "dataset_organization"},
            {
                "field_name": "data_category",
                "label": "หมวดหมู่ข้อมูล",
                "preset": "select",
                "required": True,
                "choices": choices(DATA_CATEGORIES),
            },
            {
                "field_name": "data_classification",
                "label": "ระดับชั้นข้อมูล",
                "preset": "select",
                "required": True,
                "choices": choices(list(CLASSIFICATIONS.values())),
            },
            {
                "field_name": "update_frequency_unit",
                "label": "ความถี่ในการปรับปรุงข้อมูล",
                "preset": "select",
                "required": True,
                "choices": choices(UPDATE_FREQUENCIES),
            },
            {
                "field_name": "license_id",
                "label": "สัญญาอนุญาต",
                "form_snippet": "license.html",
                "choices": choices(LICENCES),
            },
        ],
        "resource_fields": [
            {"field_name": "url", "label": "URL", "preset": "resource_url_upload"},
            {"field_name": "name", "label": "ชื่อทรัพยากร"},
            {"field_name": "format", "label": "รูปแบบ", "preset": "resource_format_autocomplete"},
        ],
    }


def _ckan_env(site: SiteConfig) -> list[dict[str, Any]]:
    def secret(name: str, key: str, from_secret: str) -> dict[str, Any]:
        return {"name": name, "valueFrom": {"secretKeyRef": {"name": from_secret, "key": key}}}

    return [
        {"name": "CKAN_SITE_URL", "value": f"https://{site.domain}"},
        {"name": "CKAN__PLUGINS", "value": "scheming_datasets activity envvars"},
        {"name": "CKAN___SCHEMING__DATASET_SCHEMAS", "value": "file:///etc/ckan/schema/dataset.json"},
        {"name": "CKAN_SOLR_URL", "value": "http://ckan-solr:8983/solr/ckan"},
        {"name": "CKAN_REDIS_URL", "value": "redis://ckan-redis:6379/1"},
        secret("CKAN_SQLALCHEMY_URL", "uri", f"{DATABASE_CLUSTER}-app"),
        {"name": "CKAN__STORAGE_PATH", "value": "/var/lib/ckan"},
        secret("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID", STORAGE_SECRET),
        secret("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", STORAGE_SECRET),
    ]


def _deployment(
    name: str,
    image: str,
    port: int,
    env: list[dict[str, Any]],
    web: bool = False,
    volumes: list[dict[str, Any]] | None = None,
    mounts: list[dict[str, Any]] | None = None,
    resources: dict[str, str] | None = None,
) -> dict[str, Any]:
    labels = {"app.kubernetes.io/name": name}
    pod_labels = {**labels, **({label("web"): "true"} if web else {})}
    sizes = resources or {"cpu": "1", "memory": "2Gi"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": portal_metadata(name),
        "spec": {
            "replicas": 2 if web else 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": pod_labels},
                "spec": {
                    "automountServiceAccountToken": False,
                    "securityContext": {
                        "runAsNonRoot": True,
                        "runAsUser": 1000,
                        "fsGroup": 1000,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "containers": [
                        {
                            "name": name,
                            "image": image,
                            "ports": [{"name": "http", "containerPort": port}],
                            "env": env,
                            "resources": {"requests": dict(sizes), "limits": dict(sizes)},
                            "securityContext": RESTRICTED_CONTAINER,
                            "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}, *(mounts or [])],
                        }
                    ],
                    "volumes": [{"name": "tmp", "emptyDir": {}}, *(volumes or [])],
                },
            },
        },
    }


def _service(name: str, port: int) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": portal_metadata(name),
        "spec": {
            "type": "ClusterIP",
            "selector": {"app.kubernetes.io/name": name},
            "ports": [{"name": "http", "port": port, "targetPort": port}],
        },
    }


def portal_objects(site: SiteConfig) -> list[dict[str, Any]]:
    """CKAN web, Solr, Redis, their Services, the dataset schema and the portal's Ingress."""
    schema_volume = {"name": "schema", "configMap": {"name": DATASET_SCHEMA_CONFIGMAP}}
    ckan = _deployment(
        "ckan",
        CKAN_IMAGE,
        CKAN_PORT,
        _ckan_env(site),
        web=True,
        volumes=[schema_volume, {"name": "storage", "emptyDir": {}}],
        mounts=[
            {"name": "schema", "mountPath": "/etc/ckan/schema", "readOnly": True},
            {"name": "storage", "mountPath": "/var/lib/ckan"},
        ],
    )
    redis = _deployment("ckan-redis", REDIS_IMAGE, 6379, [], resources={"cpu": "250m", "memory": "512Mi"})
    solr = _deployment(
        "ckan-solr",
        SOLR_IMAGE,
        8983,
        [],
        volumes=[{"name": "index", "emptyDir": {}}],
        mounts=[{"name": "index", "mountPath": "/var/solr"}],
    )
    # The Solr index is rebuilt from the database (`ckan search-index rebuild`): it holds no data of its own.
    return [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": portal_metadata(DATASET_SCHEMA_CONFIGMAP),
            "data": {"dataset.json": json.dumps(dataset_schema(), ensure_ascii=False, indent=2)},
        },
        ckan,
        _service("ckan", CKAN_PORT),
        solr,
        _service("ckan-solr", 8983),
        redis,
        _service("ckan-redis", 6379),
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": {
                **portal_metadata("ckan"),
                "annotations": {"cert-manager.io/cluster-issuer": "govcloud-site-issuer"},
            },
            "spec": {
                "ingressClassName": site.ingress.class_name,
                "tls": [{"hosts": [site.domain], "secretName": "ckan-tls"}],
                "rules": [
                    {
                        "host": site.domain,
                        "http": {
                            "paths": [
                                {
                                    "path": "/",
                                    "pathType": "Prefix",
                                    "backend": {"service": {"name": "ckan", "port": {"number": CKAN_PORT}}},
                                }
                            ]
                        },
                    }
                ],
            },
        },
    ]


PORTAL_BACKUP_ZONE = "ckan-backup"
PORTAL_BACKUP_SECRET = f"{DATABASE_CLUSTER}-backup-credentials"
PORTAL_BACKUP_SCHEDULE = "0 1 * * *"
PORTAL_RETENTION_DAYS = 30


def portal_backup_bucket(site: SiteConfig) -> str:
    return bucket_name(site, "govcloud", PORTAL_BACKUP_ZONE)


def portal_database(site: SiteConfig) -> dict[str, Any]:
    """The portal's own PostgreSQL: replicated in production, TLS-only, backed up like a tenant's."""
    size = {"cpu": "1", "memory": "4Gi"}
    return cnpg_cluster(
        ClusterShape(
            metadata=portal_metadata(DATABASE_CLUSTER),
            description="PostgreSQL of the open-data portal (CKAN)",
            instances=3 if site.environment == "prod" else 1,
            version=16,
            storage="50Gi",
            resources={"requests": dict(size), "limits": dict(size)},
            database="ckan",
            backup_destination=f"s3://{portal_backup_bucket(site)}/{DATABASE_CLUSTER}",
            backup_secret=PORTAL_BACKUP_SECRET,
            retention_days=PORTAL_RETENTION_DAYS,
        ),
        site,
    )


def portal_scheduled_backup() -> dict[str, Any]:
    return cnpg_scheduled_backup(
        portal_metadata(f"{DATABASE_CLUSTER}-backup"), DATABASE_CLUSTER, PORTAL_BACKUP_SCHEDULE
    )


def organization_job(tenant: TenantRequest) -> dict[str, Any]:
    """Create (or update) the tenant's CKAN organization; safe to run again."""
    assert tenant.spec.open_data.ckan_organization is not None
    organization = tenant.spec.open_data.ckan_organization
    agency = tenant.spec.agency
    fields = {
        "name": organization,
        "title": agency.name_th,
        "description": f"{agency.name_th} ({agency.name_en})",
        "extras": [
            {"key": "agency_code", "value": agency.code},
            {"key": "ministry", "value": agency.ministry.value},
            {"key": "name_en", "value": agency.name_en},
            {"key": "data_classification", "value": CLASSIFICATIONS[tenant.spec.classification.value]},
        ],
    }
    script = (
        "set -eu\n"
        'if ckanapi action organization_show id="$ORG" >/dev/null 2>&1; then\n'
        '  ckanapi action organization_patch id="$ORG" -i <<<"$FIELDS"\n'
        "else\n"
        '  ckanapi action organization_create -i <<<"$FIELDS"\n'
        "fi\n"
    )
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": portal_metadata(f"ckan-organization-{tenant.name}", **{label("tenant"): tenant.name}),
        "spec": {
            "backoffLimit": 6,
            "ttlSecondsAfterFinished": 86400,
            "template": {
                "metadata": {"labels": {"app.kubernetes.io/name": "ckan-organization"}},
                "spec": {
                    "restartPolicy": "OnFailure",
                    "automountServiceAccountToken": False,
                    "securityContext": {
                        "runAsNonRoot": True,
                        "runAsUser": 1000,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "containers": [
                        {
                            "name": "bootstrap",
                            "image": CKAN_IMAGE,
                            "command": ["bash", "-c", script],
                            "env": [
                                {"name": "ORG", "value": organization},
                                {"name": "FIELDS", "value": json.dumps(fields, ensure_ascii=False)},
                                {"name": "CKANAPI_REMOTE", "value": f"http://ckan:{CKAN_PORT}"},
                                {
                                    "name": "CKAN_APIKEY",
                                    "valueFrom": {"secretKeyRef": {"name": SYSADMIN_TOKEN_SECRET, "key": "token"}},
                                },
                            ],
                            "resources": {
                                "requests": {"cpu": "100m", "memory": "256Mi"},
                                "limits": {"cpu": "500m", "memory": "512Mi"},
                            },
                            "securityContext": RESTRICTED_CONTAINER,
                            "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
                        }
                    ],
                    "volumes": [{"name": "tmp", "emptyDir": {}}],
                },
            },
        },
    }
