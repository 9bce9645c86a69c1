"""A tenant's Namespace: identity labels, Pod Security admission, human-readable names."""

from __future__ import annotations

from typing import Any

from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests.admission import tenant_admission_annotations
from govcloud.manifests.gateway import gateway_namespace_labels
from govcloud.naming import namespace_name, tenant_annotations, tenant_labels

PSA_LEVEL = "restricted"


def pod_security_labels(kubernetes_version: str) -> dict[str, str]:
    """Enforce, audit and warn at ``restricted``, pinned to the site's Kubernetes minor version."""
    version = "v" + ".".join(kubernetes_version.split(".")[:2])
    labels = {}
    for mode in ("enforce", "audit", "warn"):
        labels[f"pod-security.kubernetes.io/{mode}"] = PSA_LEVEL
        labels[f"pod-security.kubernetes.io/{mode}-version"] = version
    return labels


def tenant_namespace(tenant: TenantRequest, site: SiteConfig) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": namespace_name(tenant),
            # The gateway labels let the tenant's ListenerSets attach to the Gateways it is approved for.
            "labels": {
                **tenant_labels(tenant),
                **pod_security_labels(site.kubernetes_version),
                **gateway_namespace_labels(tenant, site),
            },
            # Hostnames and groups the admission policies read (tenants cannot edit their Namespace).
            "annotations": {**tenant_annotations(tenant), **tenant_admission_annotations(tenant, site)},
        },
    }


TENANT_GUARD_NAME = "govcloud-tenant-guard"
"""The ConfigMap whose protected Pulumi resource depends on every other resource of its tenant."""


def tenant_guard(tenant: TenantRequest) -> dict[str, Any]:
    """A marker object that makes the engine stop before it deletes anything of a removed tenant.

    Its resource depends on every other resource of the tenant, so when a tenant file disappears the engine
    schedules its delete first (pulumi/pulumi v3.274.0 ``pkg/resource/deploy/step_generator.go``,
    ``ScheduleDeletes``: a resource is deleted only after everything depending on it), refuses it because it is
    protected, and skips the deletes of everything it depends on (``deployment_executor.go``: the transitive
    dependencies of an errored step are dropped from later delete antichains). Nothing secret is in it.
    """
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": TENANT_GUARD_NAME, "namespace": namespace_name(tenant), "labels": tenant_labels(tenant)},
        "data": {
            "purpose": "Protected by govcloud: pulumi up stops here instead of deleting this tenant. "
            "Offboard with runbooks/offboarding-without-data-loss.md."
        },
    }
