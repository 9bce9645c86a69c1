"""A tenant's ResourceQuota (from its tier or override) and the LimitRange that lets quota-bound pods start."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from govcloud.contract.quantity import format_bytes, parse_quantity
from govcloud.contract.rules import effective_quota
from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests.common import tenant_metadata

DEFAULT_LIMIT = {"cpu": "1", "memory": "2Gi"}
DEFAULT_REQUEST = {"cpu": "250m", "memory": "512Mi"}
MAX_CONTAINER = {"cpu": Decimal(16), "memory": parse_quantity("64Gi")}


def _cores(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else f"{int(value * 1000)}m"


def tenant_resource_quota(tenant: TenantRequest, site: SiteConfig) -> dict[str, Any]:
    """Hard caps: compute, storage (also on the site's encrypted class), objects, and no external services."""
    quota = effective_quota(tenant)
    cpu, memory, storage = _cores(quota.cpu), format_bytes(quota.memory), format_bytes(quota.storage)
    return {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": tenant_metadata(tenant, "tenant-quota"),
        "spec": {
            "hard": {
                "requests.cpu": cpu,
                "limits.cpu": cpu,
                "requests.memory": memory,
                "limits.memory": memory,
                "requests.storage": storage,
                f"{site.storage_class}.storageclass.storage.k8s.io/requests.storage": storage,
                "persistentvolumeclaims": str(quota.pods),
                "pods": str(quota.pods),
                "services.loadbalancers": "0",
                "services.nodeports": "0",
            }
        },
    }


def tenant_limit_range(tenant: TenantRequest) -> dict[str, Any]:
    """Defaults for containers that set no requests/limits (a quota rejects those otherwise)."""
    quota = effective_quota(tenant)
    return {
        "apiVersion": "v1",
        "kind": "LimitRange",
        "metadata": tenant_metadata(tenant, "tenant-limits"),
        "spec": {
            "limits": [
                {
                    "type": "Container",
                    "default": dict(DEFAULT_LIMIT),
                    "defaultRequest": dict(DEFAULT_REQUEST),
                    "max": {
                        "cpu": _cores(min(quota.cpu, MAX_CONTAINER["cpu"])),
                        "memory": format_bytes(min(quota.memory, MAX_CONTAINER["memory"])),
                    },
                },
                {"type": "PersistentVolumeClaim", "max": {"storage": format_bytes(quota.storage)}},
            ]
        },
    }
