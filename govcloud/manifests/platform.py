"""The site platform's Kubernetes objects: platform namespaces, their network policies, the StorageClass.

Platform namespaces get Pod Security and a default deny too; each then gets only what its service
needs: the API server (webhooks in, API calls out), and the traffic its job is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from govcloud.contract.site import GATEWAY_NAMESPACE, SiteConfig
from govcloud.manifests.gateway import (
    ACME_SOLVER_LABELS,
    ACME_SOLVER_PORT,
    ENVOY_LISTEN_PORTS,
    ENVOY_PROXY_LABELS,
    GATEWAY_LABELS,
    PUBLIC,
    acme_solver_policy,
    from_gateway,
    uses_acme,
)
from govcloud.manifests.namespace import pod_security_labels
from govcloud.manifests.network import CNPG_STATUS_PORT, POSTGRES_PORT, WEB_LABEL, in_namespace, network_policy, tcp
from govcloud.naming import MANAGED_BY, TENANT_LABEL, label

PLATFORM_LABEL = label("platform")


@dataclass(frozen=True)
class PlatformNamespace:
    name: str
    pod_security: str
    webhook_port: int | None = None
    """Port the API server calls for admission webhooks, if the service has one."""


CERT_MANAGER = PlatformNamespace("cert-manager", "restricted", 10250)
GATEWAY = PlatformNamespace(GATEWAY_NAMESPACE, "baseline", 9443)
"""Envoy Gateway's controller (topology-injector webhook on 9443, charts/gateway-helm templates at v1.9.0), both
Gateways and the Envoy data-plane pods it creates beside itself."""
DATABASE_OPERATOR = PlatformNamespace("cnpg-system", "restricted", 9443)
SPARK_OPERATOR = PlatformNamespace("spark-operator", "restricted", 9443)
KYVERNO = PlatformNamespace("kyverno", "restricted", 9443)
MONITORING = PlatformNamespace("monitoring", "privileged", 10250)
"""kube-prometheus-stack's prometheus-operator admission webhook listens on 10250
(prometheusOperator.tls.internalPort in charts/kube-prometheus-stack/values.yaml)."""
"""Node exporters need the host's network and process namespaces: the one privileged platform namespace."""
OPEN_DATA = PlatformNamespace("ckan", "restricted")
SUPERSET_OPERATOR = PlatformNamespace("superset-operator", "restricted", 9443)
CKAN_WEB_PORT = 5000
CKAN_WEB_POD = {"app.kubernetes.io/name": "ckan"}
"""The portal's CKAN container port (``govcloud.manifests.opendata.CKAN_PORT``): what the Envoy pods reach."""

PLATFORM_NAMESPACES = (
    CERT_MANAGER,
    GATEWAY,
    DATABASE_OPERATOR,
    SPARK_OPERATOR,
    SUPERSET_OPERATOR,
    KYVERNO,
    MONITORING,
    OPEN_DATA,
)
METRICS_PORTS = (9187, 9100, 9090, 8080, 19001, 9402)
"""CNPG instances, node exporter, Prometheus, kube-state-metrics, Envoy Gateway and its Envoy pods (19001),
cert-manager (9402)."""
NODE_METRICS_PORTS = (10250, 9100, 2381, 10257, 10259, 10249)
"""On the nodes: kubelet and cAdvisor, node exporter (host network), etcd metrics, kube-controller-manager,
kube-scheduler, kube-proxy: the targets kube-prometheus-stack's default ServiceMonitors scrape."""
COREDNS_METRICS_PORT = 9153


def _metadata(name: str, namespace: str | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "labels": {PLATFORM_LABEL: "true", MANAGED_BY[0]: MANAGED_BY[1]}}
    if namespace is not None:
        metadata["namespace"] = namespace
    return metadata


def platform_namespace(namespace: PlatformNamespace, site: SiteConfig) -> dict[str, Any]:
    labels = pod_security_labels(site.kubernetes_version)
    labels = {key: (namespace.pod_security if value == "restricted" else value) for key, value in labels.items()}
    metadata = _metadata(namespace.name)
    metadata["labels"] |= labels
    if namespace is OPEN_DATA:  # the portal's ListenerSet attaches to the public Gateway
        metadata["labels"][GATEWAY_LABELS[PUBLIC]] = "true"
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": metadata}


def _policy(namespace: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return network_policy(_metadata(name, namespace), spec)


_CNPG_INSTANCES = {"matchLabels": {"cnpg.io/podRole": "instance"}}
_TENANTS = {"namespaceSelector": {"matchExpressions": [{"key": TENANT_LABEL, "operator": "Exists"}]}}


def platform_network_policies(namespace: PlatformNamespace, site: SiteConfig) -> list[dict[str, Any]]:
    """Default deny, DNS, own namespace, the API server, plus what this platform service is for."""
    api = {"ipBlock": {"cidr": site.kubernetes_api.cidr}}
    dns = site.cluster_dns
    name = namespace.name
    policies = [
        _policy(name, "default-deny-all", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
        _policy(
            name,
            "allow-baseline",
            {
                "podSelector": {},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [
                    {"from": [{"podSelector": {}}]},
                    {"from": [in_namespace(MONITORING.name)], "ports": tcp(*METRICS_PORTS)},
                ],
                "egress": [
                    {"to": [{"podSelector": {}}]},
                    {
                        "to": [{**in_namespace(dns.namespace), "podSelector": {"matchLabels": dict(dns.pod_labels)}}],
                        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                    },
                    {"to": [api], "ports": tcp(site.kubernetes_api.port)},
                ],
            },
        ),
    ]
    if namespace.webhook_port is not None:
        policies.append(
            _policy(
                name,
                "allow-admission-webhooks",
                {
                    "podSelector": {},
                    "policyTypes": ["Ingress"],
                    "ingress": [{"from": [api], "ports": tcp(namespace.webhook_port)}],
                },
            )
        )
    if namespace is GATEWAY:
        envoy = {"matchLabels": dict(ENVOY_PROXY_LABELS)}
        policies += [
            # The site's entry points: every source may reach the Envoy pods on the ports Envoy Gateway
            # listens on for listener ports 80 and 443 (shifted by 10000), and on nothing else.
            _policy(
                name,
                "allow-public-http",
                {
                    "podSelector": envoy,
                    "policyTypes": ["Ingress"],
                    "ingress": [{"ports": tcp(*ENVOY_LISTEN_PORTS)}],
                },
            ),
            # Envoy to the web pods of tenants (whose own allow-gateway policy names the ports) and the portal.
            _policy(
                name,
                "allow-to-web-backends",
                {
                    "podSelector": envoy,
                    "policyTypes": ["Egress"],
                    "egress": [
                        {"to": [{**_TENANTS, "podSelector": {"matchLabels": {WEB_LABEL: "true"}}}]},
                        {"to": [{**in_namespace(OPEN_DATA.name), "podSelector": {"matchLabels": CKAN_WEB_POD}}]},
                        # cert-manager's HTTP-01 solver pods, in the namespace of each ACME Certificate.
                        {
                            "to": [
                                {**_TENANTS, "podSelector": {"matchLabels": dict(ACME_SOLVER_LABELS)}},
                                {
                                    **in_namespace(OPEN_DATA.name),
                                    "podSelector": {"matchLabels": dict(ACME_SOLVER_LABELS)},
                                },
                            ],
                            "ports": tcp(ACME_SOLVER_PORT),
                        },
                    ],
                },
            ),
        ]
    elif namespace is DATABASE_OPERATOR:
        policies.append(
            _policy(
                name,
                "allow-to-tenant-databases",
                {
                    "podSelector": {},
                    "policyTypes": ["Egress"],
                    "egress": [
                        {
                            "to": [
                                {**_TENANTS, "podSelector": _CNPG_INSTANCES},
                                {**in_namespace(OPEN_DATA.name), "podSelector": _CNPG_INSTANCES},
                            ],
                            "ports": tcp(CNPG_STATUS_PORT, POSTGRES_PORT),
                        }
                    ],
                },
            )
        )
    elif namespace is MONITORING:
        policies.append(
            _policy(
                name,
                "allow-scrape",
                {
                    "podSelector": {},
                    "policyTypes": ["Egress", "Ingress"],
                    "egress": [
                        {"to": [{"namespaceSelector": {}}], "ports": tcp(*METRICS_PORTS)},
                        {"to": [{"ipBlock": {"cidr": site.nodes.cidr}}], "ports": tcp(*NODE_METRICS_PORTS)},
                        {
                            "to": [
                                {**in_namespace(dns.namespace), "podSelector": {"matchLabels": dict(dns.pod_labels)}}
                            ],
                            "ports": tcp(COREDNS_METRICS_PORT),
                        },
                    ],
                },
            )
        )
    elif namespace is OPEN_DATA:
        store = site.object_store
        if uses_acme(site):  # the portal's ACME certificate: Envoy reaches the HTTP-01 solver pods
            policies.append(acme_solver_policy(_metadata("allow-acme-solver", name)))
        policies.append(
            _policy(
                name,
                "allow-portal",
                {
                    "podSelector": {},
                    "policyTypes": ["Ingress", "Egress"],
                    "ingress": [
                        {"from": [from_gateway()], "ports": tcp(CKAN_WEB_PORT)},
                        {"from": [in_namespace(DATABASE_OPERATOR.name)], "ports": tcp(CNPG_STATUS_PORT, POSTGRES_PORT)},
                    ],
                    "egress": [{"to": [{"ipBlock": {"cidr": store.cidr}}], "ports": tcp(store.port)}],
                },
            )
        )
    return policies


def storage_class(site: SiteConfig) -> dict[str, Any] | None:
    """The encrypted StorageClass, ``Retain``: a deleted claim never deletes the volume behind it."""
    spec = site.storage_class_spec
    if spec is None:
        return None
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": _metadata(site.storage_class),
        "provisioner": spec.provisioner,
        "parameters": dict(spec.parameters),
        "reclaimPolicy": "Retain",
        "allowVolumeExpansion": True,
        "volumeBindingMode": "WaitForFirstConsumer",
    }


def cluster_issuer(site: SiteConfig) -> dict[str, Any]:
    """cert-manager's issuer for the site: the government CA, so every internal certificate chains to it."""
    return {
        "apiVersion": "cert-manager.io/v1",
        "kind": "ClusterIssuer",
        "metadata": _metadata("govcloud-site-issuer"),
        "spec": {"ca": {"secretName": site.certificates.ca_secret_name}},
    }
