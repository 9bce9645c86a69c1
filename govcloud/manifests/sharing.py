"""The network half of an active data-sharing agreement: the consumer's Trino may query the provider's.

Only when both tenants run Trino. The storage half (a read-only statement on the consumer's storage
identity) and the consumer's Trino catalog are declared with the consumer's tenant.
"""

from __future__ import annotations

from typing import Any

from govcloud.access import SharingGrant
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests.analytics import TRINO_PORT, release_name
from govcloud.manifests.common import tenant_metadata
from govcloud.manifests.network import in_namespace, network_policy, tcp
from govcloud.naming import label, namespace_name

AGREEMENT_LABEL = label("agreement")


def _trino_pods(tenant: TenantRequest, component: str | None = None) -> dict[str, Any]:
    labels = {"app.kubernetes.io/name": "trino", "app.kubernetes.io/instance": release_name(tenant, "trino")}
    if component is not None:
        labels["app.kubernetes.io/component"] = component
    return {"matchLabels": labels}


def _metadata(tenant: TenantRequest, grant: SharingGrant, direction: str) -> dict[str, Any]:
    metadata = tenant_metadata(tenant, f"sharing-{grant.agreement}-{direction}")
    metadata["labels"] = {**metadata["labels"], AGREEMENT_LABEL: grant.agreement}
    return metadata


def sharing_network_policies(
    grant: SharingGrant, provider: TenantRequest, consumer: TenantRequest
) -> list[dict[str, Any]]:
    """Egress from the consumer's Trino, ingress to the provider's coordinator, on Trino's port only."""
    if not (provider.spec.analytics.trino.enabled and consumer.spec.analytics.trino.enabled):
        return []
    consumer_trino = {**in_namespace(namespace_name(consumer)), "podSelector": _trino_pods(consumer)}
    provider_coordinator = {
        **in_namespace(namespace_name(provider)),
        "podSelector": _trino_pods(provider, "coordinator"),
    }
    return [
        network_policy(
            _metadata(consumer, grant, "egress"),
            {
                "podSelector": _trino_pods(consumer),
                "policyTypes": ["Egress"],
                "egress": [{"to": [provider_coordinator], "ports": tcp(TRINO_PORT)}],
            },
        ),
        network_policy(
            _metadata(provider, grant, "ingress"),
            {
                "podSelector": _trino_pods(provider, "coordinator"),
                "policyTypes": ["Ingress"],
                "ingress": [{"from": [consumer_trino], "ports": tcp(TRINO_PORT)}],
            },
        ),
    ]
