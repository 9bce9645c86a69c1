"""Is there any network path from one tenant namespace to another? Judged on rendered NetworkPolicies.

Two independent answers, so a gap in one method does not hide a leak:

* :func:`cross_tenant_rules` reads every rule of every policy in a tenant namespace and reports each peer
  that can select a pod of *another* tenant namespace (a ``namespaceSelector`` matching its labels,
  ``namespaceSelector: {}``, a rule with no peers at all, or an ``ipBlock`` overlapping the pod networks).
  A rule like that is a leak even when the other side happens to deny today.
* :func:`cross_tenant_paths` asks the evaluator in :mod:`govcloud.analysis.netpol` whether a pod of one
  tenant may open a connection to a pod of another, for every pod shape the policies distinguish (each
  ``podSelector`` of the namespace, plus an unlabelled pod) and every port any policy names.

Both are pure and work on the same dicts the program writes, so the policy pack, the tests over every
example and generated stack, and the auditors run the same code.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from govcloud.analysis.netpol import NAMESPACE_NAME_LABEL, Cluster, Pod, Verdict, selector_matches

__all__ = ["COMMON_PORTS", "cross_tenant_paths", "cross_tenant_rules", "representative_pods"]

COMMON_PORTS = (22, 53, 80, 443, 5432, 8000, 8080, 8081, 8443, 9000, 9090, 9187)
"""Probed besides every port a policy names: what tenants' services typically listen on."""


def _policies(manifests: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [m for m in manifests if m.get("kind") == "NetworkPolicy"]


def _labels_of(namespace: str, namespaces: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    return {**namespaces.get(namespace, {}), NAMESPACE_NAME_LABEL: namespace}


def _overlaps(cidr: str, networks: Sequence[str]) -> bool:
    block = ipaddress.ip_network(cidr, strict=False)
    return any(
        block.version == other.version and block.overlaps(other)
        for other in (ipaddress.ip_network(n, strict=False) for n in networks)
    )


def cross_tenant_rules(
    manifests: Iterable[Mapping[str, Any]],
    namespaces: Mapping[str, Mapping[str, str]],
    tenants: Iterable[str],
    pod_networks: Sequence[str] = (),
) -> list[str]:
    """One line per rule of a tenant's policy that can admit or reach another tenant's pods.

    ``namespaces`` maps namespace names to their labels (the name label is added); ``pod_networks`` are
    the cluster's pod CIDRs, which an ``ipBlock`` must not cover.
    """
    tenant_set = set(tenants)
    found: list[str] = []
    for policy in _policies(manifests):
        metadata = policy.get("metadata") or {}
        home = str(metadata.get("namespace"))
        if home not in tenant_set:
            continue
        others = sorted(tenant_set - {home})
        spec = policy.get("spec") or {}
        for direction, key in (("ingress", "from"), ("egress", "to")):
            for index, rule in enumerate(spec.get(direction) or []):
                where = f"NetworkPolicy {home}/{metadata.get('name')} {direction}[{index}]"
                peers = rule.get(key) or []
                if not peers:
                    if others:
                        found.append(f"{where}: no peers, so every namespace, including other tenants")
                    continue
                for peer in peers:
                    block = peer.get("ipBlock")
                    if block is not None:
                        if pod_networks and _overlaps(str(block.get("cidr")), pod_networks):
                            found.append(f"{where}: ipBlock {block.get('cidr')} covers the pod network")
                        continue
                    selector = peer.get("namespaceSelector")
                    if selector is None:
                        continue  # same namespace only
                    reached = [o for o in others if selector_matches(selector, _labels_of(o, namespaces))]
                    if reached:
                        found.append(f"{where}: namespaceSelector selects tenant namespaces {', '.join(reached)}")
    return found


def _ports(policies: Sequence[Mapping[str, Any]]) -> list[int]:
    named = {
        port["port"]
        for policy in policies
        for direction in ("ingress", "egress")
        for rule in (policy.get("spec") or {}).get(direction) or []
        for port in rule.get("ports") or []
        if isinstance(port.get("port"), int)
    }
    return sorted(named | set(COMMON_PORTS))


def representative_pods(manifests: Iterable[Mapping[str, Any]], namespace: str) -> list[Pod]:
    """A pod for every label set a policy of ``namespace`` selects on, plus an unlabelled one.

    Policies only ever distinguish pods by the labels they select on, so these shapes cover every pod the
    namespace could run as far as NetworkPolicy is concerned (``matchExpressions`` are turned into the
    labels they require).
    """
    shapes: dict[tuple[tuple[str, str], ...], None] = {(): None}
    for policy in _policies(manifests):
        metadata = policy.get("metadata") or {}
        if metadata.get("namespace") != namespace:
            continue
        selectors = [(policy.get("spec") or {}).get("podSelector") or {}]
        for direction, key in (("ingress", "from"), ("egress", "to")):
            for rule in (policy.get("spec") or {}).get(direction) or []:
                selectors += [p["podSelector"] for p in rule.get(key) or [] if p.get("podSelector")]
        for selector in selectors:
            labels = dict(selector.get("matchLabels") or {})
            for expression in selector.get("matchExpressions") or []:
                if expression.get("operator") in ("In", "Exists"):
                    labels[expression["key"]] = (expression.get("values") or ["x"])[0]
            shapes[tuple(sorted(labels.items()))] = None
    return [Pod(namespace, dict(shape), name=f"shape{i}") for i, shape in enumerate(shapes)]


def cross_tenant_paths(
    manifests: Iterable[Mapping[str, Any]],
    namespaces: Mapping[str, Mapping[str, str]],
    tenants: Iterable[str],
) -> list[Verdict]:
    """Every allowed connection from a pod of one tenant to a pod of another (empty when isolated)."""
    objects = list(manifests)
    policies = _policies(objects)
    cluster = Cluster(namespaces, policies)
    tenant_list = sorted(set(tenants))
    pods = {tenant: representative_pods(policies, tenant) for tenant in tenant_list}
    ports = _ports(policies)
    allowed: list[Verdict] = []
    for source in tenant_list:
        for target in tenant_list:
            if source == target:
                continue
            for src in pods[source]:
                for dst in pods[target]:
                    for port in ports:
                        for protocol in ("TCP", "UDP"):
                            verdict = cluster.verdict(src, dst, port, protocol)
                            if verdict.allowed:
                                allowed.append(verdict)
    return allowed
