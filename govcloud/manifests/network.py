"""A tenant's NetworkPolicies: deny everything, then allow only what a working tenant needs.

Nothing here ever allows 0.0.0.0/0: every egress names a namespace, a pod selector or a narrow network.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests.common import tenant_metadata
from govcloud.naming import database_cluster_name, label

NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
WEB_LABEL = label("web")
OIDC_CLIENT_LABEL = label("oidc-client")
"""Pods that sign users in against the site's identity provider."""
DATABASE_OPERATOR_NAMESPACE = "cnpg-system"
MONITORING_NAMESPACE = "monitoring"
CNPG_INSTANCE = {"cnpg.io/podRole": "instance"}
CNPG_CLUSTER = "cnpg.io/cluster"
"""The label CloudNativePG puts on every pod of a cluster, instance or Job (pkg/utils/labels_annotations.go)."""
POSTGRES_PORT = 5432
CNPG_STATUS_PORT = 8000
CNPG_METRICS_PORT = 9187


def policy_types(spec: Mapping[str, Any] | None) -> list[str]:
    """The directions a NetworkPolicy governs, as the API server defaults them: ``policyTypes`` as written, else
    Ingress, plus Egress when egress rules are given (k8s.io/api networking/v1 types.go,
    ``NetworkPolicySpec.PolicyTypes``). The one reading the policies, the audit, the report and the analysis use."""
    spec = spec or {}
    written = spec.get("policyTypes")
    if written:
        return [str(t) for t in written]
    return ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"]


def denies_all(spec: Mapping[str, Any] | None, direction: str) -> bool:
    """Whether a NetworkPolicy denies every ``direction`` ("Ingress" or "Egress") connection of every pod of its
    namespace: it selects all pods (an empty selector), governs that direction and allows nothing in it."""
    spec = spec or {}
    selector = spec.get("podSelector")
    selects_all = isinstance(selector, Mapping) and not any(selector.values())
    return selects_all and direction in policy_types(spec) and not spec.get(direction.lower())


def network_policy(metadata: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": metadata, "spec": spec}


def in_namespace(name: str) -> dict[str, Any]:
    """A peer selecting a namespace by the name label the API server sets on every namespace."""
    return {"namespaceSelector": {"matchLabels": {NAMESPACE_NAME_LABEL: name}}}


def tcp(*ports: int) -> list[dict[str, Any]]:
    return [{"protocol": "TCP", "port": port} for port in ports]


def ip_block(cidr: str) -> dict[str, Any]:
    return {"ipBlock": {"cidr": cidr}}


def _policy(tenant: TenantRequest, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return network_policy(tenant_metadata(tenant, name), spec)


def tenant_network_policies(tenant: TenantRequest, site: SiteConfig) -> list[dict[str, Any]]:
    """Default deny plus the narrow allowances, in a stable order."""
    spec = tenant.spec
    dns = site.cluster_dns
    policies = [
        _policy(tenant, "default-deny-all", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
        _policy(
            tenant,
            "allow-dns",
            {
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [
                    {
                        "to": [
                            {
                                **in_namespace(dns.namespace),
                                "podSelector": {"matchLabels": dict(dns.pod_labels)},
                            }
                        ],
                        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                    }
                ],
            },
        ),
        _policy(
            tenant,
            "allow-same-namespace",
            {
                "podSelector": {},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [{"from": [{"podSelector": {}}]}],
                "egress": [{"to": [{"podSelector": {}}]}],
            },
        ),
    ]
    # Envoy Gateway's data-plane pods to the tenant's web pods, on their ports only (govcloud.manifests.gateway;
    # imported here because that module builds on this one).
    from govcloud.manifests.gateway import tenant_gateway_policies

    policies += tenant_gateway_policies(tenant, site)
    if spec.storage is not None or spec.database is not None:
        store = site.object_store
        policies.append(
            _policy(
                tenant,
                "allow-object-store",
                {
                    "podSelector": {},
                    "policyTypes": ["Egress"],
                    "egress": [{"to": [ip_block(store.cidr)], "ports": tcp(store.port)}],
                },
            )
        )
    if spec.database is not None:
        policies += [
            _policy(
                tenant,
                "allow-database-operator",
                {
                    "podSelector": {"matchLabels": dict(CNPG_INSTANCE)},
                    "policyTypes": ["Ingress"],
                    "ingress": [
                        {
                            "from": [in_namespace(DATABASE_OPERATOR_NAMESPACE)],
                            "ports": tcp(CNPG_STATUS_PORT, POSTGRES_PORT),
                        }
                    ],
                },
            ),
            _policy(
                tenant,
                "allow-database-monitoring",
                {
                    "podSelector": {"matchLabels": dict(CNPG_INSTANCE)},
                    "policyTypes": ["Ingress"],
                    "ingress": [{"from": [in_namespace(MONITORING_NAMESPACE)], "ports": tcp(CNPG_METRICS_PORT)}],
                },
            ),
            _policy(
                tenant,
                "allow-database-kubernetes-api",
                {
                    # Every pod of the cluster calls the API: instances, and the initdb/join Jobs before any
                    # instance exists, which carry cnpg.io/cluster but not cnpg.io/podRole (cloudnative-pg
                    # v1.30.0 pkg/specs/jobs.go; pkg/management/postgres/initdb.go loads the Cluster first).
                    "podSelector": {"matchLabels": {CNPG_CLUSTER: database_cluster_name(tenant)}},
                    "policyTypes": ["Egress"],
                    "egress": [{"to": [ip_block(site.kubernetes_api.cidr)], "ports": tcp(site.kubernetes_api.port)}],
                },
            ),
        ]
    analytics = spec.analytics
    if analytics.jupyterhub.enabled or analytics.superset.enabled or analytics.trino.enabled:
        idp = site.identity_provider
        policies.append(
            _policy(
                tenant,
                "allow-identity-provider",
                {
                    "podSelector": {"matchLabels": {OIDC_CLIENT_LABEL: "true"}},
                    "policyTypes": ["Egress"],
                    "egress": [{"to": [ip_block(idp.cidr)], "ports": tcp(idp.port)}],
                },
            )
        )
    for index, egress in enumerate(spec.network.egress):
        policies.append(
            _policy(
                tenant,
                f"allow-egress-{index + 1}",
                {
                    "podSelector": {},
                    "policyTypes": ["Egress"],
                    "egress": [{"to": [ip_block(egress.cidr)], "ports": tcp(*egress.ports)}],
                },
            )
        )
    return policies
