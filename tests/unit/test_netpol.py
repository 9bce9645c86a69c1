"""NetworkPolicy semantics, checked on the platform's intended per-tenant policy set and on edge cases."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govcloud.analysis.netpol import Cluster, Endpoint, External, Pod, selector_matches

NAME_LABEL = "kubernetes.io/metadata.name"
WEB_LABEL = "govcloud.go.th/web"
PARTNER_CIDR = "203.0.113.0/24"


def netpol(namespace: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def tenant_policies(namespace: str) -> list[dict[str, Any]]:
    """The per-tenant set the platform means to render (written by hand here, as the spec for it)."""
    return [
        netpol(namespace, "default-deny-all", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
        netpol(
            namespace,
            "allow-dns",
            {
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [
                    {
                        "to": [
                            {
                                "namespaceSelector": {"matchLabels": {NAME_LABEL: "kube-system"}},
                                "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                            }
                        ],
                        "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}],
                    }
                ],
            },
        ),
        netpol(
            namespace,
            "allow-same-namespace",
            {
                "podSelector": {},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [{"from": [{"podSelector": {}}]}],
                "egress": [{"to": [{"podSelector": {}}]}],
            },
        ),
        netpol(
            namespace,
            "allow-ingress-controller",
            {
                "podSelector": {"matchLabels": {WEB_LABEL: "true"}},
                "policyTypes": ["Ingress"],
                "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {NAME_LABEL: "ingress-nginx"}}}]}],
            },
        ),
        netpol(
            namespace,
            "allow-partner-https",
            {
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [{"to": [{"ipBlock": {"cidr": PARTNER_CIDR}}], "ports": [{"port": 443}]}],
            },
        ),
    ]


NAMESPACES = {
    "tenant-a": {"govcloud.go.th/tenant": "a"},
    "tenant-b": {"govcloud.go.th/tenant": "b"},
    "kube-system": {},
    "ingress-nginx": {},
}

A_WEB = Pod("tenant-a", {"app": "notebook", WEB_LABEL: "true"}, ip="10.0.1.10", ports={"http": 8080}, name="web")
A_DB = Pod("tenant-a", {"app": "postgres"}, ip="10.0.1.11", name="db")
B_WEB = Pod("tenant-b", {"app": "notebook", WEB_LABEL: "true"}, ip="10.0.2.10", ports={"http": 8080}, name="web")
B_DB = Pod("tenant-b", {"app": "postgres"}, ip="10.0.2.11", name="db")
DNS = Pod("kube-system", {"k8s-app": "kube-dns"}, ip="10.0.0.10", name="coredns")
INGRESS = Pod("ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"}, ip="10.0.3.5", name="controller")
PARTNER = External("203.0.113.7")
GOOGLE_DNS = External("8.8.8.8")


@pytest.fixture(scope="module")
def platform() -> Cluster:
    return Cluster(NAMESPACES, tenant_policies("tenant-a") + tenant_policies("tenant-b"))


def assert_connect(cluster: Cluster, src: Endpoint, dst: Endpoint, port: int, protocol: str = "TCP") -> None:
    assert cluster.can_connect(src, dst, port, protocol), cluster.explain(src, dst, port, protocol)


def assert_no_connect(cluster: Cluster, src: Endpoint, dst: Endpoint, port: int, protocol: str = "TCP") -> None:
    assert not cluster.can_connect(src, dst, port, protocol), cluster.explain(src, dst, port, protocol)


# --------------------------------------------------------------------------------------------------
# The platform's per-tenant policy set


@pytest.mark.parametrize(("src", "dst"), [(A_DB, B_DB), (A_WEB, B_WEB), (B_DB, A_DB), (B_WEB, A_WEB)])
def test_tenants_cannot_reach_each_other(platform: Cluster, src: Pod, dst: Pod) -> None:
    for port in (80, 443, 5432, 8080):
        assert_no_connect(platform, src, dst, port)


def test_tenant_isolation_is_denied_on_both_sides(platform: Cluster) -> None:
    verdict = platform.verdict(A_DB, B_DB, 5432)
    assert verdict.egress is not None and verdict.ingress is not None
    assert not verdict.egress.allowed and not verdict.ingress.allowed
    assert "tenant-a/default-deny-all" in verdict.egress.selecting
    assert platform.explain(A_DB, B_DB, 5432) == (
        "DENIED tenant-a/db{app=postgres} -> tenant-b/db{app=postgres} port 5432/TCP: "
        "egress denied: isolated by tenant-a/default-deny-all, tenant-a/allow-dns, "
        "tenant-a/allow-same-namespace, tenant-a/allow-partner-https and no rule matches; "
        "ingress denied: isolated by tenant-b/default-deny-all, tenant-b/allow-same-namespace "
        "and no rule matches"
    )


def test_pods_reach_their_own_namespace(platform: Cluster) -> None:
    assert_connect(platform, A_WEB, A_DB, 5432)
    assert_connect(platform, A_DB, A_WEB, 8080)
    assert_connect(platform, B_WEB, B_DB, 5432, "UDP")  # same-namespace rules name no ports: all of them


def test_dns_resolves_on_53_only(platform: Cluster) -> None:
    assert_connect(platform, A_DB, DNS, 53, "UDP")
    assert_connect(platform, A_DB, DNS, 53, "TCP")
    assert_no_connect(platform, A_DB, DNS, 80)
    assert_no_connect(platform, A_DB, DNS, 53, "SCTP")
    assert platform.explain(A_DB, DNS, 53, "udp") == (
        "ALLOWED tenant-a/db{app=postgres} -> kube-system/coredns{k8s-app=kube-dns} port 53/UDP: "
        "egress allowed by tenant-a/allow-dns egress[0]; "
        "ingress not isolated (no policy selects the pod for Ingress)"
    )


def test_dns_rule_needs_both_the_namespace_and_the_pod_label(platform: Cluster) -> None:
    fake_dns = Pod("tenant-b", {"k8s-app": "kube-dns"}, ip="10.0.2.53")
    assert_no_connect(platform, A_DB, fake_dns, 53, "UDP")
    other_system_pod = Pod("kube-system", {"k8s-app": "metrics-server"}, ip="10.0.0.11")
    assert_no_connect(platform, A_DB, other_system_pod, 53, "UDP")


def test_partner_https_only(platform: Cluster) -> None:
    assert_connect(platform, A_DB, PARTNER, 443)
    assert_no_connect(platform, A_DB, PARTNER, 80)
    assert_no_connect(platform, A_DB, PARTNER, 443, "UDP")
    assert_no_connect(platform, A_DB, GOOGLE_DNS, 443)
    assert_no_connect(platform, A_DB, GOOGLE_DNS, 53, "UDP")
    assert platform.explain(A_DB, PARTNER, 443).endswith(
        "egress allowed by tenant-a/allow-partner-https egress[0]; destination is outside the cluster"
    )


def test_ingress_controller_reaches_web_pods_only(platform: Cluster) -> None:
    assert_connect(platform, INGRESS, A_WEB, 8080)
    assert_connect(platform, INGRESS, B_WEB, 8080)
    assert_no_connect(platform, INGRESS, A_DB, 5432)
    assert_no_connect(platform, INGRESS, B_DB, 5432)
    # The label alone is not enough: the rule selects the ingress-nginx namespace.
    impostor = Pod("tenant-b", dict(INGRESS.labels), ip="10.0.2.99")
    assert_no_connect(platform, impostor, A_WEB, 8080)
    # And nothing outside the cluster reaches tenant pods directly.
    assert_no_connect(platform, PARTNER, A_WEB, 8080)


def test_unprotected_namespaces_and_outside_traffic_are_not_isolated(platform: Cluster) -> None:
    assert_connect(platform, INGRESS, DNS, 53, "UDP")
    assert_connect(platform, DNS, GOOGLE_DNS, 53, "UDP")
    assert_connect(platform, GOOGLE_DNS, PARTNER, 443)
    assert_connect(platform, PARTNER, INGRESS, 443)


# --------------------------------------------------------------------------------------------------
# Semantics, one rule at a time


def one_policy(spec: dict[str, Any], namespace: str = "ns") -> Cluster:
    return Cluster({"ns": {"zone": "raw"}, "other": {"zone": "curated"}}, [netpol(namespace, "p", spec)])


def test_no_policies_allow_everything() -> None:
    cluster = Cluster(NAMESPACES, [])
    endpoints: list[Endpoint] = [A_WEB, A_DB, B_DB, DNS, PARTNER, GOOGLE_DNS]
    for src, dst in itertools.permutations(endpoints, 2):
        for port, protocol in [(53, "UDP"), (443, "TCP"), (5432, "SCTP")]:
            assert_connect(cluster, src, dst, port, protocol)


def test_ip_block_with_except() -> None:
    cluster = one_policy(
        {
            "podSelector": {},
            "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16", "10.2.3.0/24"]}}]}],
        }
    )
    pod = Pod("ns", {})
    assert_connect(cluster, pod, External("10.9.9.9"), 443)
    assert_connect(cluster, pod, External("10.2.4.1"), 443)
    assert_no_connect(cluster, pod, External("10.1.2.3"), 443)
    assert_no_connect(cluster, pod, External("10.2.3.4"), 443)
    assert_no_connect(cluster, pod, External("11.0.0.1"), 443)


def test_ip_block_ipv6_and_mixed_families() -> None:
    cluster = one_policy(
        {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [{"to": [{"ipBlock": {"cidr": "2001:db8::/32", "except": ["2001:db8:bad::/48"]}}]}],
        }
    )
    pod = Pod("ns", {})
    assert_connect(cluster, pod, External("2001:db8:1::5"), 443)
    assert_no_connect(cluster, pod, External("2001:db8:bad::5"), 443)
    assert_no_connect(cluster, pod, External("2001:db9::1"), 443)
    assert_no_connect(cluster, pod, External("10.0.0.1"), 443)  # an IPv4 address is in no IPv6 block


def test_ip_block_matches_pod_ips_when_known() -> None:
    cluster = one_policy(
        {"podSelector": {}, "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.5.0/24"}}]}]},
    )
    dst = Pod("ns", {"app": "db"})
    assert_connect(cluster, Pod("other", {}, ip="10.0.5.7"), dst, 5432)
    assert_no_connect(cluster, Pod("other", {}, ip="10.0.6.7"), dst, 5432)
    assert_no_connect(cluster, Pod("other", {}), dst, 5432)  # no IP: no ipBlock can match it
    assert_connect(cluster, External("10.0.5.200"), dst, 5432)


def test_named_ports_resolve_on_the_destination_pod() -> None:
    cluster = one_policy(
        {
            "podSelector": {},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [{"ports": [{"port": "http"}]}],
            "egress": [{"ports": [{"port": "metrics", "protocol": "TCP"}]}],
        }
    )
    web = Pod("ns", {"app": "web"}, ports={"http": 8080, "metrics": 9090})
    plain = Pod("other", {}, ports={"metrics": 9100})
    outside = Pod("other", {})
    assert_connect(cluster, outside, web, 8080)
    assert_no_connect(cluster, outside, web, 80)
    assert_no_connect(cluster, outside, web, 8080, "UDP")
    assert_no_connect(cluster, outside, Pod("ns", {}), 8080)  # this pod names no port "http"
    assert_connect(cluster, web, plain, 9100)  # egress: the name is looked up on the destination
    assert_no_connect(cluster, web, plain, 9090)
    assert_no_connect(cluster, web, External("203.0.113.1"), 9090)  # outside pods have no named ports


def test_end_port_ranges() -> None:
    cluster = one_policy(
        {"podSelector": {}, "ingress": [{"ports": [{"port": 32000, "endPort": 32768, "protocol": "TCP"}]}]},
    )
    dst, src = Pod("ns", {}), Pod("other", {})
    for port in (32000, 32500, 32768):
        assert_connect(cluster, src, dst, port)
    for port in (31999, 32769):
        assert_no_connect(cluster, src, dst, port)
    assert_no_connect(cluster, src, dst, 32500, "UDP")


def test_match_expressions_on_pods_and_namespaces() -> None:
    cluster = one_policy(
        {
            "podSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["db", "cache"]}]},
            "ingress": [
                {
                    "from": [
                        {
                            "namespaceSelector": {"matchExpressions": [{"key": "zone", "operator": "Exists"}]},
                            "podSelector": {
                                "matchExpressions": [
                                    {"key": "role", "operator": "NotIn", "values": ["batch"]},
                                    {"key": "quarantined", "operator": "DoesNotExist"},
                                ]
                            },
                        }
                    ]
                }
            ],
        }
    )
    db = Pod("ns", {"app": "db"})
    assert_connect(cluster, Pod("other", {"role": "api"}), db, 5432)
    assert_connect(cluster, Pod("other", {}), db, 5432)  # NotIn also matches pods without the key
    assert_no_connect(cluster, Pod("other", {"role": "batch"}), db, 5432)
    assert_no_connect(cluster, Pod("other", {"quarantined": "yes"}), db, 5432)
    assert_no_connect(cluster, Pod("unlabelled", {}), db, 5432)  # namespace has no "zone" label
    # A pod the policy doesn't select is not isolated at all.
    assert_connect(cluster, Pod("unlabelled", {"role": "batch"}), Pod("ns", {"app": "web"}), 80)


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ({}, {}, True),
        ({}, {"a": "1"}, True),
        ({"matchLabels": {"a": "1"}}, {"a": "1", "b": "2"}, True),
        ({"matchLabels": {"a": "1"}}, {"a": "2"}, False),
        ({"matchExpressions": [{"key": "a", "operator": "In", "values": ["1", "2"]}]}, {"a": "2"}, True),
        ({"matchExpressions": [{"key": "a", "operator": "In", "values": ["1"]}]}, {}, False),
        ({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["1"]}]}, {}, True),
        ({"matchExpressions": [{"key": "a", "operator": "Exists"}]}, {"a": ""}, True),
        ({"matchExpressions": [{"key": "a", "operator": "DoesNotExist"}]}, {"a": ""}, False),
        (
            {"matchLabels": {"a": "1"}, "matchExpressions": [{"key": "b", "operator": "Exists"}]},
            {"a": "1"},
            False,
        ),
    ],
)
def test_selector_matches(selector: dict[str, Any], labels: dict[str, str], expected: bool) -> None:
    assert selector_matches(selector, labels) is expected


def test_policy_types_default_from_the_rules_present() -> None:
    ingress_only = one_policy({"podSelector": {}, "ingress": []})
    pod, outside = Pod("ns", {}), External("198.51.100.1")
    assert_no_connect(ingress_only, outside, pod, 80)  # isolated for ingress with no rule
    assert_connect(ingress_only, pod, outside, 80)  # egress not isolated: no egress rules, no policyTypes
    empty_egress = one_policy({"podSelector": {}, "egress": []})
    assert_connect(empty_egress, pod, outside, 80)  # an empty egress list doesn't imply Egress
    with_egress = one_policy({"podSelector": {}, "egress": [{"ports": [{"port": 443}]}]})
    assert_connect(with_egress, pod, outside, 443)
    assert_no_connect(with_egress, pod, outside, 80)
    assert_no_connect(with_egress, outside, pod, 443)  # Ingress is always implied


def test_egress_only_policy_leaves_ingress_open() -> None:
    cluster = one_policy({"podSelector": {}, "policyTypes": ["Egress"]})
    pod = Pod("ns", {})
    assert_connect(cluster, External("198.51.100.1"), pod, 80)
    assert_no_connect(cluster, pod, External("198.51.100.1"), 80)


def test_empty_from_and_pod_selector_scope() -> None:
    # `from: []` means every source; a bare podSelector peer means pods of the policy's own namespace.
    everyone = one_policy({"podSelector": {}, "ingress": [{"from": [], "ports": [{"port": 80}]}]})
    assert_connect(everyone, External("198.51.100.1"), Pod("ns", {}), 80)
    same_ns = one_policy({"podSelector": {}, "ingress": [{"from": [{"podSelector": {"matchLabels": {"a": "1"}}}]}]})
    assert_connect(same_ns, Pod("ns", {"a": "1"}), Pod("ns", {}), 80)
    assert_no_connect(same_ns, Pod("other", {"a": "1"}), Pod("ns", {}), 80)
    all_ns = one_policy({"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {}}]}]})
    assert_connect(all_ns, Pod("anywhere", {}), Pod("ns", {}), 80)
    assert_no_connect(all_ns, External("10.0.0.1"), Pod("ns", {}), 80)  # selectors never match outside


def test_policies_apply_only_in_their_namespace() -> None:
    cluster = one_policy({"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}, namespace="other")
    assert_connect(cluster, Pod("ns", {}), Pod("ns", {}), 80)
    assert_no_connect(cluster, Pod("ns", {}), Pod("other", {}), 80)


def test_undeclared_namespaces_still_have_their_name_label() -> None:
    cluster = Cluster(
        {},
        [
            netpol(
                "ns",
                "p",
                {
                    "podSelector": {},
                    "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {NAME_LABEL: "x"}}}]}],
                },
            )
        ],
    )
    assert_connect(cluster, Pod("x", {}), Pod("ns", {}), 80)
    assert_no_connect(cluster, Pod("y", {}), Pod("ns", {}), 80)
    assert cluster.namespace_labels("x") == {NAME_LABEL: "x"}


def test_other_kinds_are_skipped_and_bad_policies_refused() -> None:
    Cluster({}, [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}}])
    bad_specs: list[tuple[dict[str, Any], str]] = [
        ({"podSelector": {}, "ingress": [{"from": [{}]}]}, "needs podSelector, namespaceSelector or ipBlock"),
        (
            {
                "podSelector": {},
                "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}, "podSelector": {}}]}],
            },
            "ipBlock cannot be combined",
        ),
        ({"podSelector": {}, "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/33"}}]}]}, "bad ipBlock"),
        (
            {"podSelector": {"matchExpressions": [{"key": "a", "operator": "Near"}]}},
            "unknown label selector operator",
        ),
        ({"podSelector": {"matchExpressions": [{"key": "a", "operator": "In"}]}}, "needs values"),
        (
            {"podSelector": {}, "ingress": [{"ports": [{"port": "http", "endPort": 90}]}]},
            "endPort needs a numeric",
        ),
        ({"podSelector": {}, "policyTypes": ["Sideways"]}, "unknown"),
    ]
    for spec, message in bad_specs:
        with pytest.raises(ValueError, match=message):
            Cluster({}, [netpol("ns", "bad", spec)])
    with pytest.raises(ValueError, match="namespace is required"):
        Cluster({}, [{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "x"}}])
    with pytest.raises(ValueError, match="unsupported apiVersion"):
        Cluster({}, [{**netpol("ns", "x", {}), "apiVersion": "extensions/v1beta1"}])


# --------------------------------------------------------------------------------------------------
# Properties

KEYS, VALUES = ["app", "tier"], ["x", "y"]
POLICY_NAMESPACES = ["a", "b", "c"]
PROPERTY_NAMESPACES = {"a": {"zone": "raw"}, "b": {"zone": "curated"}, "c": {}}
IPS = ["10.0.0.1", "10.1.0.1", "203.0.113.7", "8.8.8.8", "2001:db8::1"]
CIDRS = ["10.0.0.0/8", "10.1.0.0/16", "203.0.113.0/24", "0.0.0.0/0", "2001:db8::/32"]

labels_st = st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES), max_size=2)
expression_st = st.one_of(
    st.builds(
        lambda k, op, vs: {"key": k, "operator": op, "values": vs},
        st.sampled_from(KEYS),
        st.sampled_from(["In", "NotIn"]),
        st.lists(st.sampled_from(VALUES), min_size=1, max_size=2, unique=True),
    ),
    st.builds(
        lambda k, op: {"key": k, "operator": op},
        st.sampled_from(KEYS),
        st.sampled_from(["Exists", "DoesNotExist"]),
    ),
)
selector_st = st.fixed_dictionaries(
    {}, optional={"matchLabels": labels_st, "matchExpressions": st.lists(expression_st, max_size=2)}
)
ns_selector_st = st.fixed_dictionaries(
    {},
    optional={
        "matchLabels": st.one_of(
            st.builds(lambda n: {NAME_LABEL: n}, st.sampled_from(POLICY_NAMESPACES)),
            st.just({"zone": "raw"}),
        )
    },
)
peer_st = st.one_of(
    st.builds(lambda s: {"podSelector": s}, selector_st),
    st.builds(lambda s: {"namespaceSelector": s}, ns_selector_st),
    st.builds(lambda n, p: {"namespaceSelector": n, "podSelector": p}, ns_selector_st, selector_st),
    st.builds(
        lambda c, e: {"ipBlock": {"cidr": c, "except": e}},
        st.sampled_from(CIDRS),
        st.lists(st.sampled_from(["10.1.0.0/16", "203.0.113.0/25"]), max_size=1),
    ),
)
port_st = st.one_of(
    st.fixed_dictionaries({}, optional={"protocol": st.sampled_from(["TCP", "UDP"])}),
    st.fixed_dictionaries({"port": st.sampled_from([53, 80, 443, "http"])}, optional={"protocol": st.just("UDP")}),
    st.builds(lambda p, n: {"port": p, "endPort": p + n}, st.sampled_from([53, 80, 443]), st.integers(0, 400)),
)


def rules_st(peer_key: str) -> st.SearchStrategy[list[dict[str, Any]]]:
    rule = st.fixed_dictionaries(
        {}, optional={peer_key: st.lists(peer_st, max_size=2), "ports": st.lists(port_st, max_size=2)}
    )
    return st.lists(rule, max_size=2)


spec_st = st.fixed_dictionaries(
    {"podSelector": selector_st},
    optional={
        "policyTypes": st.sampled_from([["Ingress"], ["Egress"], ["Ingress", "Egress"]]),
        "ingress": rules_st("from"),
        "egress": rules_st("to"),
    },
)
policy_st = st.builds(lambda ns, spec: netpol(ns, "q", spec), st.sampled_from(POLICY_NAMESPACES), spec_st)
pod_st = st.builds(
    Pod,
    namespace=st.sampled_from(POLICY_NAMESPACES),
    labels=labels_st,
    ip=st.one_of(st.none(), st.sampled_from(IPS)),
    ports=st.sampled_from([{}, {"http": 80}, {"http": 443}]),
)
endpoint_st = st.one_of(pod_st, pod_st, st.builds(External, st.sampled_from(IPS)))
connection_st = st.tuples(
    st.lists(endpoint_st, min_size=2, max_size=5),
    st.sampled_from([53, 80, 443, 8080]),
    st.sampled_from(["TCP", "UDP"]),
)


def named(policies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**p, "metadata": {**p["metadata"], "name": f"p{i}"}} for i, p in enumerate(policies)]


DENY_ALL = [
    netpol(ns, "deny-all", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}) for ns in POLICY_NAMESPACES
]


@settings(max_examples=150, deadline=None)
@given(st.lists(policy_st, max_size=3), policy_st, connection_st)
def test_adding_a_policy_to_isolated_pods_only_adds_allowances(
    existing: list[dict[str, Any]], added: dict[str, Any], connection: tuple[list[Endpoint], int, str]
) -> None:
    """With every pod already isolated both ways, another policy can only add allow rules."""
    endpoints, port, protocol = connection
    before = Cluster(PROPERTY_NAMESPACES, DENY_ALL + named(existing))
    after = Cluster(PROPERTY_NAMESPACES, [*DENY_ALL, *named(existing), added])
    added_id = f"{added['metadata']['namespace']}/q"
    for src, dst in itertools.permutations(endpoints, 2):
        old, new = before.verdict(src, dst, port, protocol), after.verdict(src, dst, port, protocol)
        if old.allowed:
            assert new.allowed, f"{old}\nbecame\n{new}"
        elif new.allowed:
            # Whatever side was denied before is now allowed by a rule of the added policy.
            for old_side, new_side in ((old.egress, new.egress), (old.ingress, new.ingress)):
                if old_side is not None and not old_side.allowed:
                    assert new_side is not None
                    assert any(rule.startswith(f"{added_id} ") for rule in new_side.allowed_by), str(new)


@settings(max_examples=150, deadline=None)
@given(st.lists(policy_st, max_size=3), policy_st, connection_st)
def test_a_new_policy_denies_only_by_newly_isolating(
    existing: list[dict[str, Any]], added: dict[str, Any], connection: tuple[list[Endpoint], int, str]
) -> None:
    """Without default-deny, a new policy can deny a connection only for a pod it newly isolates."""
    endpoints, port, protocol = connection
    before = Cluster(PROPERTY_NAMESPACES, named(existing))
    after = Cluster(PROPERTY_NAMESPACES, [*named(existing), added])
    added_id = f"{added['metadata']['namespace']}/q"
    for src, dst in itertools.permutations(endpoints, 2):
        old, new = before.verdict(src, dst, port, protocol), after.verdict(src, dst, port, protocol)
        if old.allowed and not new.allowed:
            for old_side, new_side in ((old.egress, new.egress), (old.ingress, new.ingress)):
                if new_side is not None and not new_side.allowed:
                    assert old_side is not None and not old_side.isolated, f"{old}\nbecame\n{new}"
                    assert new_side.selecting == (added_id,)


@settings(max_examples=50, deadline=None)
@given(connection_st)
def test_without_policies_everything_connects(connection: tuple[list[Endpoint], int, str]) -> None:
    endpoints, port, protocol = connection
    cluster = Cluster(PROPERTY_NAMESPACES, [])
    for src, dst in itertools.permutations(endpoints, 2):
        assert cluster.can_connect(src, dst, port, protocol)
