"""The tenant-to-tenant network analysis on hand-written policies: each way a leak can be written is found."""

from __future__ import annotations

from typing import Any

import pytest

from govcloud.analysis.isolation import cross_tenant_paths, cross_tenant_rules, representative_pods

TENANT = "govcloud.go.th/tenant"
NAMESPACES = {"a": {TENANT: "a"}, "b": {TENANT: "b"}, "kube-system": {}}


def policy(namespace: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


DENY = [policy(ns, "deny", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}) for ns in ("a", "b")] + [
    policy(
        ns,
        "same-namespace",
        {
            "podSelector": {},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [{"from": [{"podSelector": {}}]}],
            "egress": [{"to": [{"podSelector": {}}]}],
        },
    )
    for ns in ("a", "b")
]


def test_default_deny_tenants_are_isolated() -> None:
    assert cross_tenant_rules(DENY, NAMESPACES, ["a", "b"]) == []
    assert cross_tenant_paths(DENY, NAMESPACES, ["a", "b"]) == []


@pytest.mark.parametrize(
    ("peer", "found"),
    [
        ({"namespaceSelector": {}}, "namespaceSelector selects tenant namespaces b"),
        ({"namespaceSelector": {"matchExpressions": [{"key": TENANT, "operator": "Exists"}]}}, "selects tenant"),
        ({"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "b"}}}, "selects tenant"),
        ({"ipBlock": {"cidr": "10.244.0.0/16"}}, "covers the pod network"),
    ],
)
def test_each_way_of_naming_another_tenant_is_found(peer: dict[str, Any], found: str) -> None:
    leak = policy("a", "leak", {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [peer]}]})
    problems = cross_tenant_rules([*DENY, leak], NAMESPACES, ["a", "b"], pod_networks=["10.244.0.0/16"])
    assert len(problems) == 1 and found in problems[0], problems


def test_a_rule_without_peers_is_a_leak_and_a_platform_peer_is_not() -> None:
    open_rule = policy(
        "a", "open", {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"ports": [{"port": 80}]}]}
    )
    assert "no peers" in cross_tenant_rules([*DENY, open_rule], NAMESPACES, ["a", "b"])[0]
    dns = policy(
        "a",
        "dns",
        {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [
                {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}]}
            ],
        },
    )
    assert cross_tenant_rules([*DENY, dns], NAMESPACES, ["a", "b"]) == []


def test_a_path_needs_both_sides_and_is_found_for_the_pod_shape_that_has_it() -> None:
    egress = policy(
        "a",
        "to-b",
        {
            "podSelector": {"matchLabels": {"app": "trino"}},
            "policyTypes": ["Egress"],
            "egress": [{"to": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"role": "db"}}}]}],
        },
    )
    assert cross_tenant_paths([*DENY, egress], NAMESPACES, ["a", "b"]) == [], "b's ingress still denies"
    ingress = policy(
        "b",
        "from-a",
        {
            "podSelector": {"matchExpressions": [{"key": "role", "operator": "In", "values": ["db"]}]},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": {}}], "ports": [{"port": 5432}]}],
        },
    )
    paths = cross_tenant_paths([*DENY, egress, ingress], NAMESPACES, ["a", "b"])
    assert {(p.src.labels.get("app"), p.dst.labels.get("role"), p.port) for p in paths} == {  # type: ignore[union-attr]
        ("trino", "db", 5432)
    }
    shapes = {tuple(sorted(p.labels.items())) for p in representative_pods([ingress], "b")}
    assert (("role", "db"),) in shapes and () in shapes
