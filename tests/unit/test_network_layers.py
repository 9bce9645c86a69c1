"""Issue 17: a tenant's NetworkPolicies (``govcloud.manifests.network``), each layer of isolation on its own.

A connection needs both the source's egress and the destination's ingress. Tests that only ask "can this
pod reach that one" let one side hide a hole in the other (the same-namespace ingress rule opened to every
namespace went unnoticed because the tenant's own egress still denied the probe). Here the ingress side is
judged with sources whose egress is unrestricted, and the egress side towards destinations that admit
everything, through the evaluator's per-side verdict. The tenant shapes the examples lack get their own
policy sets: database only, Superset only, storage without a database, neither, and a staging site.
"""

from __future__ import annotations

from typing import Any

import pytest

from govcloud.analysis.netpol import Cluster, DirectionVerdict, External, Pod
from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests.network import denies_all, policy_types, tenant_network_policies
from tests.unit.contract_helpers import SITE, tenant

GATEWAY_POLICIES = {"allow-gateway", "allow-acme-solver"}  # govcloud.manifests.gateway's, tested there
INSTANCE = {"cnpg.io/podRole": "instance", "cnpg.io/cluster": "nso-pg"}
APP = {"app": "notebook"}
NAMESPACES = ("nso", "moph", "kube-system", "cnpg-system", "monitoring", "other")
STAGING = SITE.model_copy(
    update={
        "site": "TH-76",
        "environment": "staging",
        "cluster_dns": SITE.cluster_dns.model_copy(update={"namespace": "dns", "pod_labels": {"app": "coredns"}}),
        "object_store": SITE.object_store.model_copy(update={"cidr": "172.30.0.0/24", "port": 9000}),
        "kubernetes_api": SITE.kubernetes_api.model_copy(update={"cidr": "172.31.0.0/28", "port": 443}),
    }
)


def _request(**spec: Any) -> TenantRequest:
    return TenantRequest.model_validate(tenant(**spec))


FULL = _request()
DATABASE_ONLY = _request(storage=None, network=None)
SUPERSET_ONLY = _request(storage=None, network=None, analytics={"superset": {"enabled": True}})
STORAGE_ONLY = _request(database=None, network=None)
NEITHER = _request(database=None, storage=None, network=None)
EGRESS = _request(
    network={"egress": [{"cidr": "203.0.113.0/24", "ports": [443, 8443]}, {"cidr": "198.51.100.16/28", "ports": [22]}]}
)


def _policies(request: TenantRequest, site: SiteConfig = SITE) -> list[dict[str, Any]]:
    return [p for p in tenant_network_policies(request, site) if p["metadata"]["name"] not in GATEWAY_POLICIES]


def _cluster(request: TenantRequest, site: SiteConfig = SITE) -> Cluster:
    """The tenant's policies only: every other namespace admits and sends everything."""
    return Cluster(
        {name: {} for name in (*NAMESPACES, site.cluster_dns.namespace)}, tenant_network_policies(request, site)
    )


def _ingress(cluster: Cluster, src: Pod | External, dst: Pod, port: int, protocol: str = "TCP") -> DirectionVerdict:
    verdict = cluster.verdict(src, dst, port, protocol).ingress
    assert verdict is not None
    return verdict


def _egress(cluster: Cluster, src: Pod, dst: Pod | External, port: int, protocol: str = "TCP") -> DirectionVerdict:
    verdict = cluster.verdict(src, dst, port, protocol).egress
    assert verdict is not None
    return verdict


# ------------------------------------------------------------------------------- the policies, written out

LABELS = {
    "govcloud.go.th/tenant": "nso",
    "govcloud.go.th/agency": "NSO",
    "govcloud.go.th/classification": "confidential",
    "govcloud.go.th/cost-center": "MDES-NSO-2569-001",
    "app.kubernetes.io/managed-by": "govcloud",
}


def _by_name(policies: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {p["metadata"]["name"]: p["spec"] for p in policies}


def test_the_policies_of_a_tenant_with_storage_and_a_database() -> None:
    policies = _policies(FULL)
    for policy in policies:
        assert (policy["apiVersion"], policy["kind"]) == ("networking.k8s.io/v1", "NetworkPolicy")
        assert policy["metadata"] == {"name": policy["metadata"]["name"], "namespace": "nso", "labels": LABELS}
    assert _by_name(policies) == {
        "default-deny-all": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
        "allow-dns": {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [
                {
                    "to": [
                        {
                            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                        }
                    ],
                    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                }
            ],
        },
        "allow-same-namespace": {
            "podSelector": {},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [{"from": [{"podSelector": {}}]}],
            "egress": [{"to": [{"podSelector": {}}]}],
        },
        "allow-object-store": {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [{"to": [{"ipBlock": {"cidr": "10.96.0.0/16"}}], "ports": [{"protocol": "TCP", "port": 443}]}],
        },
        "allow-database-operator": {
            "podSelector": {"matchLabels": {"cnpg.io/podRole": "instance"}},
            "policyTypes": ["Ingress"],
            "ingress": [
                {
                    "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "cnpg-system"}}}],
                    "ports": [{"protocol": "TCP", "port": 8000}, {"protocol": "TCP", "port": 5432}],
                }
            ],
        },
        "allow-database-monitoring": {
            "podSelector": {"matchLabels": {"cnpg.io/podRole": "instance"}},
            "policyTypes": ["Ingress"],
            "ingress": [
                {
                    "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
                    "ports": [{"protocol": "TCP", "port": 9187}],
                }
            ],
        },
        "allow-database-kubernetes-api": {
            "podSelector": {"matchLabels": {"cnpg.io/cluster": "nso-pg"}},
            "policyTypes": ["Egress"],
            "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/24"}}], "ports": [{"protocol": "TCP", "port": 6443}]}],
        },
    }
    assert [p["metadata"]["name"] for p in policies][:3] == ["default-deny-all", "allow-dns", "allow-same-namespace"]


@pytest.mark.parametrize(
    ("request_", "names"),
    [
        (
            DATABASE_ONLY,
            [
                "default-deny-all",
                "allow-dns",
                "allow-same-namespace",
                "allow-object-store",  # WAL archiving and base backups go to the backup bucket
                "allow-database-operator",
                "allow-database-monitoring",
                "allow-database-kubernetes-api",
            ],
        ),
        (
            SUPERSET_ONLY,
            [
                "default-deny-all",
                "allow-dns",
                "allow-same-namespace",
                "allow-object-store",
                "allow-database-operator",
                "allow-database-monitoring",
                "allow-database-kubernetes-api",
                "allow-identity-provider",
            ],
        ),
        (STORAGE_ONLY, ["default-deny-all", "allow-dns", "allow-same-namespace", "allow-object-store"]),
        (NEITHER, ["default-deny-all", "allow-dns", "allow-same-namespace"]),
    ],
    ids=["database-only", "superset-only", "storage-without-database", "neither"],
)
def test_each_tenant_shape_gets_exactly_its_allowances(request_: TenantRequest, names: list[str]) -> None:
    assert [p["metadata"]["name"] for p in _policies(request_)] == names


def test_the_identity_provider_allowance_is_for_sign_in_pods_only() -> None:
    assert _by_name(_policies(SUPERSET_ONLY))["allow-identity-provider"] == {
        "podSelector": {"matchLabels": {"govcloud.go.th/oidc-client": "true"}},
        "policyTypes": ["Egress"],
        "egress": [{"to": [{"ipBlock": {"cidr": "10.10.0.0/24"}}], "ports": [{"protocol": "TCP", "port": 443}]}],
    }


@pytest.mark.parametrize("service", ["jupyterhub", "trino"])
def test_other_sign_in_services_get_the_identity_provider_too(service: str) -> None:
    names = [p["metadata"]["name"] for p in _policies(_request(analytics={service: {"enabled": True}}))]
    assert names[-1] == "allow-identity-provider"
    names = [
        p["metadata"]["name"] for p in _policies(_request(analytics={"spark": {"enabled": True, "maxExecutors": 2}}))
    ]
    assert "allow-identity-provider" not in names


def test_each_egress_entry_is_its_own_policy() -> None:
    specs = _by_name(_policies(EGRESS))
    assert specs["allow-egress-1"] == {
        "podSelector": {},
        "policyTypes": ["Egress"],
        "egress": [
            {
                "to": [{"ipBlock": {"cidr": "203.0.113.0/24"}}],
                "ports": [{"protocol": "TCP", "port": 443}, {"protocol": "TCP", "port": 8443}],
            }
        ],
    }
    assert specs["allow-egress-2"]["egress"] == [
        {"to": [{"ipBlock": {"cidr": "198.51.100.16/28"}}], "ports": [{"protocol": "TCP", "port": 22}]}
    ]


def test_a_staging_site_uses_its_own_dns_store_and_api() -> None:
    specs = _by_name(_policies(FULL, STAGING))
    assert specs["allow-dns"]["egress"][0]["to"] == [
        {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "dns"}},
            "podSelector": {"matchLabels": {"app": "coredns"}},
        }
    ]
    assert specs["allow-object-store"]["egress"] == [
        {"to": [{"ipBlock": {"cidr": "172.30.0.0/24"}}], "ports": [{"protocol": "TCP", "port": 9000}]}
    ]
    assert specs["allow-database-kubernetes-api"]["egress"] == [
        {"to": [{"ipBlock": {"cidr": "172.31.0.0/28"}}], "ports": [{"protocol": "TCP", "port": 443}]}
    ]


# ------------------------------------------------------------------------------ ingress, on its own

PORTS = (22, 80, 443, 5432, 8000, 8080, 9187)
SHAPES = [FULL, DATABASE_ONLY, SUPERSET_ONLY, STORAGE_ONLY, NEITHER]
SHAPE_IDS = ["full", "database-only", "superset-only", "storage-without-database", "neither"]


@pytest.mark.parametrize("request_", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("source", ["moph", "other", "kube-system"])
def test_no_other_namespace_is_admitted(request_: TenantRequest, source: str) -> None:
    """The source's namespace has no policy (its egress is open): only the tenant's ingress can refuse."""
    cluster = _cluster(request_)
    for labels in ({}, APP, INSTANCE):
        for port in PORTS:
            verdict = _ingress(cluster, Pod(source, APP), Pod("nso", labels), port)
            assert verdict.isolated and not verdict.allowed, verdict


@pytest.mark.parametrize("request_", SHAPES, ids=SHAPE_IDS)
def test_the_same_namespace_is_admitted_by_its_own_rule(request_: TenantRequest) -> None:
    verdict = _ingress(_cluster(request_), Pod("nso", APP), Pod("nso", {}), 8080)
    assert verdict.allowed_by == ("nso/allow-same-namespace ingress[0]",)


def test_nothing_outside_the_cluster_is_admitted() -> None:
    cluster = _cluster(FULL)
    for port in PORTS:
        assert not _ingress(cluster, External("203.0.113.7"), Pod("nso", INSTANCE), port).allowed


@pytest.mark.parametrize("request_", [FULL, DATABASE_ONLY, SUPERSET_ONLY], ids=SHAPE_IDS[:3])
def test_the_database_operator_and_monitoring_reach_instances_on_their_ports_only(request_: TenantRequest) -> None:
    cluster = _cluster(request_)
    operator, monitoring = Pod("cnpg-system", {"app": "cnpg"}), Pod("monitoring", {"app": "prometheus"})
    allowed = {
        (src.namespace, port)
        for src in (operator, monitoring)
        for port in PORTS
        if _ingress(cluster, src, Pod("nso", INSTANCE), port).allowed
    }
    assert allowed == {("cnpg-system", 8000), ("cnpg-system", 5432), ("monitoring", 9187)}
    for src in (operator, monitoring):
        for port in PORTS:
            assert not _ingress(cluster, src, Pod("nso", APP), port).allowed, "instances only"


def test_without_a_database_the_operator_and_monitoring_are_not_admitted() -> None:
    cluster = _cluster(STORAGE_ONLY)
    for src in ("cnpg-system", "monitoring"):
        for port in PORTS:
            assert not _ingress(cluster, Pod(src, {}), Pod("nso", INSTANCE), port).allowed


# ------------------------------------------------------------------------------- egress, on its own


@pytest.mark.parametrize("request_", SHAPES, ids=SHAPE_IDS)
def test_no_other_namespace_is_reached(request_: TenantRequest) -> None:
    """The destination's namespace has no policy (its ingress is open): only the tenant's egress can refuse."""
    cluster = _cluster(request_)
    for labels in ({}, APP, INSTANCE, {"oidc-client": "true"}):
        for destination in ("moph", "other", "cnpg-system", "monitoring"):
            for port in (*PORTS, 53):
                verdict = _egress(cluster, Pod("nso", labels), Pod(destination, {}), port)
                assert verdict.isolated and not verdict.allowed, verdict


@pytest.mark.parametrize("request_", SHAPES, ids=SHAPE_IDS)
def test_the_same_namespace_is_reached_by_its_own_rule(request_: TenantRequest) -> None:
    verdict = _egress(_cluster(request_), Pod("nso", {}), Pod("nso", APP), 5432)
    assert verdict.allowed_by == ("nso/allow-same-namespace egress[0]",)


@pytest.mark.parametrize("site", [SITE, STAGING], ids=["prod", "staging"])
def test_dns_is_the_sites_dns_pods_on_port_53_only(site: SiteConfig) -> None:
    cluster = _cluster(NEITHER, site)
    dns = Pod(site.cluster_dns.namespace, dict(site.cluster_dns.pod_labels))
    assert _egress(cluster, Pod("nso", APP), dns, 53, "UDP").allowed
    assert _egress(cluster, Pod("nso", APP), dns, 53, "TCP").allowed
    assert not _egress(cluster, Pod("nso", APP), dns, 80).allowed
    assert not _egress(cluster, Pod("nso", APP), Pod(site.cluster_dns.namespace, {"app": "other"}), 53, "UDP").allowed
    assert not _egress(cluster, Pod("nso", APP), Pod("other", dict(site.cluster_dns.pod_labels)), 53, "UDP").allowed


@pytest.mark.parametrize(
    ("request_", "reaches"),
    [(FULL, True), (DATABASE_ONLY, True), (STORAGE_ONLY, True), (SUPERSET_ONLY, True), (NEITHER, False)],
    ids=["full", "database-only", "storage-without-database", "superset-only", "neither"],
)
def test_the_object_store_on_its_port_when_the_tenant_stores_anything(request_: TenantRequest, reaches: bool) -> None:
    cluster = _cluster(request_)
    assert _egress(cluster, Pod("nso", APP), External("10.96.1.2"), 443).allowed is reaches
    assert not _egress(cluster, Pod("nso", APP), External("10.96.1.2"), 80).allowed
    assert not _egress(cluster, Pod("nso", APP), External("10.97.0.1"), 443).allowed


def test_the_staging_object_store() -> None:
    cluster = _cluster(STORAGE_ONLY, STAGING)
    assert _egress(cluster, Pod("nso", APP), External("172.30.0.9"), 9000).allowed
    assert not _egress(cluster, Pod("nso", APP), External("10.96.1.2"), 443).allowed


@pytest.mark.parametrize("request_", [FULL, DATABASE_ONLY], ids=["full", "database-only"])
def test_the_kubernetes_api_for_the_database_cluster_pods_only(request_: TenantRequest) -> None:
    cluster = _cluster(request_)
    api = External("10.0.0.1")
    assert _egress(cluster, Pod("nso", {"cnpg.io/cluster": "nso-pg"}), api, 6443).allowed, "initdb Jobs too"
    assert _egress(cluster, Pod("nso", INSTANCE), api, 6443).allowed
    assert not _egress(cluster, Pod("nso", INSTANCE), api, 443).allowed
    assert not _egress(cluster, Pod("nso", {"cnpg.io/cluster": "moph-pg"}), api, 6443).allowed
    assert not _egress(cluster, Pod("nso", APP), api, 6443).allowed
    assert not _egress(_cluster(STORAGE_ONLY), Pod("nso", {"cnpg.io/cluster": "nso-pg"}), api, 6443).allowed


def test_the_identity_provider_for_sign_in_pods_of_a_tenant_with_sign_in_services() -> None:
    idp = External("10.10.0.7")
    oidc = Pod("nso", {"govcloud.go.th/oidc-client": "true"})
    assert _egress(_cluster(SUPERSET_ONLY), oidc, idp, 443).allowed
    assert not _egress(_cluster(SUPERSET_ONLY), oidc, idp, 80).allowed
    assert not _egress(_cluster(SUPERSET_ONLY), Pod("nso", APP), idp, 443).allowed
    assert not _egress(_cluster(SUPERSET_ONLY), Pod("nso", {"govcloud.go.th/oidc-client": "false"}), idp, 443).allowed
    assert not _egress(_cluster(DATABASE_ONLY), oidc, idp, 443).allowed


def test_egress_entries_open_their_networks_and_ports_only() -> None:
    cluster = _cluster(EGRESS)
    assert _egress(cluster, Pod("nso", APP), External("203.0.113.7"), 8443).allowed
    assert not _egress(cluster, Pod("nso", APP), External("203.0.113.7"), 22).allowed
    assert _egress(cluster, Pod("nso", APP), External("198.51.100.20"), 22).allowed
    assert not _egress(cluster, Pod("nso", APP), External("198.51.100.40"), 22).allowed
    assert not _egress(cluster, Pod("nso", APP), External("8.8.8.8"), 443).allowed


# ------------------------------------------------------------- the one reading of "this policy denies all"


@pytest.mark.parametrize(
    ("spec", "types"),
    [
        ({"policyTypes": ["Egress"]}, ["Egress"]),
        ({"policyTypes": ["Ingress", "Egress"], "egress": []}, ["Ingress", "Egress"]),
        ({"egress": [{}]}, ["Ingress", "Egress"]),
        ({"egress": []}, ["Ingress"]),
        ({}, ["Ingress"]),
        (None, ["Ingress"]),
        ({"policyTypes": []}, ["Ingress"]),
    ],
)
def test_policy_types_as_the_api_server_defaults_them(spec: dict[str, Any] | None, types: list[str]) -> None:
    assert policy_types(spec) == types


@pytest.mark.parametrize(
    ("spec", "ingress", "egress"),
    [
        ({"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}, True, True),
        ({"podSelector": {"matchLabels": {}}, "policyTypes": ["Ingress", "Egress"]}, True, True),
        ({"podSelector": {}}, True, False),
        ({"podSelector": {}, "policyTypes": ["Egress"]}, False, True),
        ({"podSelector": {}, "policyTypes": ["Ingress", "Egress"], "ingress": [{}]}, False, True),
        ({"podSelector": {}, "policyTypes": ["Ingress", "Egress"], "egress": [{}]}, True, False),
        ({"podSelector": {"matchLabels": {"app": "x"}}, "policyTypes": ["Ingress", "Egress"]}, False, False),
        ({"policyTypes": ["Ingress", "Egress"]}, False, False),
        (None, False, False),
    ],
)
def test_denies_all_needs_every_pod_the_direction_and_no_rule(
    spec: dict[str, Any] | None, ingress: bool, egress: bool
) -> None:
    assert (denies_all(spec, "Ingress"), denies_all(spec, "Egress")) == (ingress, egress)
