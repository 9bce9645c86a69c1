"""Small helpers every manifest builder uses, so each object is shaped the same way."""

from __future__ import annotations

from typing import Any

from govcloud.contract.tenant import TenantRequest
from govcloud.naming import namespace_name, storage_secret_name, tenant_labels

STORAGE_CREDENTIALS_SECRET = storage_secret_name()
"""The Secret in every tenant namespace holding its storage identity's keys."""


def tenant_metadata(tenant: TenantRequest, name: str, **extra: Any) -> dict[str, Any]:
    """Metadata of an object in the tenant's namespace, carrying the tenant's labels."""
    return {"name": name, "namespace": namespace_name(tenant), "labels": tenant_labels(tenant), **extra}
