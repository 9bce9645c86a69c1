"""One reading of "this NetworkPolicy denies all": the API server's policyTypes defaulting and an empty selector,
shared by the policy pack, the audit, the report and the network analysis."""

from __future__ import annotations

import pytest

from govcloud.analysis.netpol import Cluster, Pod
from govcloud.audit.kubernetes_side import normalize_network_policy_spec
from govcloud.manifests.network import denies_all, policy_types

DENY_ALL = {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}


@pytest.mark.parametrize(
    ("spec", "types"),
    [
        ({"podSelector": {}}, ["Ingress"]),
        ({"podSelector": {}, "egress": [{"to": []}]}, ["Ingress", "Egress"]),
        ({"podSelector": {}, "policyTypes": ["Egress"]}, ["Egress"]),
        (None, ["Ingress"]),
    ],
)
def test_policy_types_are_defaulted_as_the_api_server_does(spec: dict | None, types: list[str]) -> None:
    assert policy_types(spec) == types
    assert normalize_network_policy_spec(spec)["policyTypes"] == sorted(types)


def test_denies_all_reads_selector_types_and_rules() -> None:
    assert denies_all(DENY_ALL, "Ingress") and denies_all(DENY_ALL, "Egress")
    assert denies_all({"podSelector": {"matchLabels": {}}, "policyTypes": ["Egress"]}, "Egress")
    assert not denies_all({"podSelector": {}}, "Egress"), "no policyTypes: Ingress only"
    assert not denies_all({"podSelector": {"matchLabels": {"app": "x"}}, "policyTypes": ["Ingress"]}, "Ingress")
    assert not denies_all({**DENY_ALL, "egress": [{"to": [{"podSelector": {}}]}]}, "Egress")


def test_the_analysis_agrees_a_deny_all_policy_isolates_every_pod() -> None:
    policy = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "deny", "namespace": "nso"},
        "spec": DENY_ALL,
    }
    cluster = Cluster({"nso": {}, "tmd": {}}, [policy])
    source, target = Pod("tmd", {"app": "a"}), Pod("nso", {"app": "b"})
    assert not cluster.can_connect(source, target, 443)
    assert not cluster.can_connect(target, source, 443)
