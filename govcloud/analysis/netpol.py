"""A NetworkPolicy (networking.k8s.io/v1) evaluator over plain manifests.

Tenant isolation is the platform's central promise, and a NetworkPolicy typo fails open silently. This
module answers "may this pod open this connection?" from the same dicts the program writes to YAML, so
tests and auditors can check the promise without a cluster. It follows the upstream semantics: a pod is
isolated in a direction when any policy in its namespace selects it for that direction, and a connection
needs both the source's egress and the destination's ingress to allow it (or not be isolated).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from govcloud.manifests.network import policy_types

__all__ = ["Cluster", "DirectionVerdict", "Endpoint", "External", "Pod", "Verdict", "selector_matches"]

NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
"""Set by the apiserver on every namespace (1.21+), so policies can select a namespace by its name."""


@dataclass(frozen=True)
class Pod:
    """A pod as policies see it: namespace, labels, optional IP and named container ports."""

    namespace: str
    labels: Mapping[str, str]
    ip: str | None = None
    ports: Mapping[str, int] = field(default_factory=dict)
    name: str = ""
    """Only for messages; policies never look at pod names."""

    def __str__(self) -> str:
        labels = ",".join(f"{k}={v}" for k, v in sorted(self.labels.items()))
        return f"{self.namespace}/{self.name or 'pod'}{{{labels}}}"


@dataclass(frozen=True)
class External:
    """An address outside the cluster; only ``ipBlock`` peers can match it."""

    ip: str

    def __str__(self) -> str:
        return f"external {self.ip}"


Endpoint = Pod | External
Direction = Literal["ingress", "egress"]
_NsLabels = Callable[[str], Mapping[str, str]]


# --------------------------------------------------------------------------------------------------
# Label selectors


def selector_matches(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """metav1.LabelSelector semantics: every matchLabels pair and every expression must hold; {} is all."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator = expression["key"], expression["operator"]
        values = expression.get("values") or []
        if operator == "In":
            if key not in labels or labels[key] not in values:
                return False
        elif operator == "NotIn":
            if key in labels and labels[key] in values:
                return False
        elif operator == "Exists":
            if key not in labels:
                return False
        elif operator == "DoesNotExist":
            if key in labels:
                return False
        else:
            raise ValueError(f"unknown label selector operator {operator!r}")
    return True


def _check_selector(selector: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(selector, Mapping):
        raise ValueError(f"{where}: a label selector must be a mapping, got {selector!r}")
    for expression in selector.get("matchExpressions") or []:
        operator = expression.get("operator")
        if operator not in ("In", "NotIn", "Exists", "DoesNotExist"):
            raise ValueError(f"{where}: unknown label selector operator {operator!r}")
        if operator in ("In", "NotIn") and not expression.get("values"):
            raise ValueError(f"{where}: operator {operator} needs values (the apiserver refuses it)")
    return selector


# --------------------------------------------------------------------------------------------------
# Parsed policies


@dataclass(frozen=True)
class _IpBlock:
    network: ipaddress.IPv4Network | ipaddress.IPv6Network
    excepted: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]

    def contains(self, ip: str | None) -> bool:
        if ip is None:
            return False
        address = ipaddress.ip_address(ip)
        if address.version != self.network.version or address not in self.network:
            return False
        return not any(address.version == e.version and address in e for e in self.excepted)


@dataclass(frozen=True)
class _Peer:
    pod_selector: Mapping[str, Any] | None
    namespace_selector: Mapping[str, Any] | None
    ip_block: _IpBlock | None

    def matches(self, endpoint: Endpoint, policy_namespace: str, namespace_labels: _NsLabels) -> bool:
        if self.ip_block is not None:
            return self.ip_block.contains(endpoint.ip)
        if not isinstance(endpoint, Pod):
            return False  # selectors only ever select pods
        if self.namespace_selector is None:
            if endpoint.namespace != policy_namespace:
                return False
        elif not selector_matches(self.namespace_selector, namespace_labels(endpoint.namespace)):
            return False
        return self.pod_selector is None or selector_matches(self.pod_selector, endpoint.labels)


@dataclass(frozen=True)
class _PortRule:
    protocol: str
    port: int | str | None
    end_port: int | None

    def matches(self, port: int, protocol: str, destination: Endpoint) -> bool:
        if self.protocol != protocol:
            return False
        if self.port is None:
            return True
        if isinstance(self.port, str):
            # A named port means whatever number the destination pod gives that name.
            return isinstance(destination, Pod) and destination.ports.get(self.port) == port
        if self.end_port is not None:
            return self.port <= port <= self.end_port
        return self.port == port


@dataclass(frozen=True)
class _Rule:
    peers: tuple[_Peer, ...] | None  # None: from/to absent or empty, i.e. every peer
    ports: tuple[_PortRule, ...] | None  # None: ports absent or empty, i.e. every port


@dataclass(frozen=True)
class _Policy:
    namespace: str
    name: str
    pod_selector: Mapping[str, Any]
    types: frozenset[str]
    ingress: tuple[_Rule, ...]
    egress: tuple[_Rule, ...]

    @property
    def id(self) -> str:
        return f"{self.namespace}/{self.name}"


def _parse_ip_block(block: Mapping[str, Any], where: str) -> _IpBlock:
    try:
        network = ipaddress.ip_network(block["cidr"], strict=False)
        excepted = tuple(ipaddress.ip_network(e, strict=False) for e in block.get("except") or [])
    except (KeyError, ValueError) as error:
        raise ValueError(f"{where}: bad ipBlock {dict(block)!r}: {error}") from error
    return _IpBlock(network, excepted)


def _parse_peer(peer: Mapping[str, Any], where: str) -> _Peer:
    ip_block = peer.get("ipBlock")
    pod_selector = peer.get("podSelector")
    namespace_selector = peer.get("namespaceSelector")
    if ip_block is not None:
        if pod_selector is not None or namespace_selector is not None:
            raise ValueError(f"{where}: ipBlock cannot be combined with selectors (the apiserver refuses it)")
        return _Peer(None, None, _parse_ip_block(ip_block, where))
    if pod_selector is None and namespace_selector is None:
        raise ValueError(f"{where}: a peer needs podSelector, namespaceSelector or ipBlock")
    return _Peer(
        None if pod_selector is None else _check_selector(pod_selector, f"{where}.podSelector"),
        None if namespace_selector is None else _check_selector(namespace_selector, where),
        None,
    )


def _parse_port(entry: Mapping[str, Any], where: str) -> _PortRule:
    protocol = str(entry.get("protocol") or "TCP").upper()
    port = entry.get("port")
    end_port = entry.get("endPort")
    if end_port is not None and not isinstance(port, int):
        raise ValueError(f"{where}: endPort needs a numeric port")
    if port is not None and not isinstance(port, (int, str)):
        raise ValueError(f"{where}: port must be a number or a name, got {port!r}")
    if isinstance(port, int) and end_port is not None and end_port < port:
        raise ValueError(f"{where}: endPort {end_port} is below port {port}")
    return _PortRule(protocol, port, end_port)


def _parse_rules(rules: Sequence[Mapping[str, Any]] | None, peer_key: str, where: str) -> tuple[_Rule, ...]:
    parsed = []
    for i, rule in enumerate(rules or []):
        at = f"{where}[{i}]"
        peers = rule.get(peer_key) or None
        ports = rule.get("ports") or None
        parsed.append(
            _Rule(
                None if peers is None else tuple(_parse_peer(p, f"{at}.{peer_key}") for p in peers),
                None if ports is None else tuple(_parse_port(p, f"{at}.ports") for p in ports),
            )
        )
    return tuple(parsed)


def _parse_policy(manifest: Mapping[str, Any]) -> _Policy:
    metadata = manifest.get("metadata") or {}
    name = metadata.get("name") or "<unnamed>"
    namespace = metadata.get("namespace")
    if not namespace:
        raise ValueError(f"NetworkPolicy {name}: metadata.namespace is required to know which pods it governs")
    where = f"NetworkPolicy {namespace}/{name}: spec"
    spec = manifest.get("spec") or {}
    ingress, egress = spec.get("ingress"), spec.get("egress")
    types = policy_types(spec)
    unknown = set(types) - {"Ingress", "Egress"}
    if unknown:
        raise ValueError(f"{where}.policyTypes: unknown {sorted(unknown)}")
    return _Policy(
        namespace=namespace,
        name=name,
        pod_selector=_check_selector(spec.get("podSelector", {}), f"{where}.podSelector"),
        types=frozenset(types),
        ingress=_parse_rules(ingress, "from", f"{where}.ingress"),
        egress=_parse_rules(egress, "to", f"{where}.egress"),
    )


# --------------------------------------------------------------------------------------------------
# Verdicts


@dataclass(frozen=True)
class DirectionVerdict:
    """One side of a connection: the source's egress or the destination's ingress."""

    direction: Direction
    isolated: bool
    """Some policy in the pod's namespace selects it for this direction."""
    selecting: tuple[str, ...]
    """``namespace/name`` of every policy that isolates the pod in this direction."""
    allowed_by: tuple[str, ...]
    """``namespace/name direction[i]`` of every rule that lets this connection through."""

    @property
    def allowed(self) -> bool:
        return not self.isolated or bool(self.allowed_by)

    def __str__(self) -> str:
        if not self.isolated:
            return f"{self.direction} not isolated (no policy selects the pod for {self.direction.title()})"
        if self.allowed_by:
            return f"{self.direction} allowed by {', '.join(self.allowed_by)}"
        return f"{self.direction} denied: isolated by {', '.join(self.selecting)} and no rule matches"


@dataclass(frozen=True)
class Verdict:
    """Whether a connection is allowed, and which policies decided each side."""

    src: Endpoint
    dst: Endpoint
    port: int
    protocol: str
    egress: DirectionVerdict | None
    """None when the source is outside the cluster (no policy governs its egress)."""
    ingress: DirectionVerdict | None
    """None when the destination is outside the cluster."""

    @property
    def allowed(self) -> bool:
        return all(side is None or side.allowed for side in (self.egress, self.ingress))

    def __str__(self) -> str:
        word = "ALLOWED" if self.allowed else "DENIED"
        egress = str(self.egress) if self.egress else "source is outside the cluster"
        ingress = str(self.ingress) if self.ingress else "destination is outside the cluster"
        return f"{word} {self.src} -> {self.dst} port {self.port}/{self.protocol}: {egress}; {ingress}"


# --------------------------------------------------------------------------------------------------
# The cluster


class Cluster:
    """Namespaces (with labels) and the NetworkPolicies in force; answers reachability questions."""

    def __init__(self, namespaces: Mapping[str, Mapping[str, str]], policies: Iterable[Mapping[str, Any]]) -> None:
        """``policies`` may be a whole rendering: objects whose kind is not NetworkPolicy are skipped."""
        self._namespaces: dict[str, dict[str, str]] = {
            name: {**labels, NAMESPACE_NAME_LABEL: name} for name, labels in namespaces.items()
        }
        self._policies: dict[str, list[_Policy]] = {}
        for manifest in policies:
            if manifest.get("kind") != "NetworkPolicy":
                continue
            if manifest.get("apiVersion") != "networking.k8s.io/v1":
                raise ValueError(f"NetworkPolicy with unsupported apiVersion {manifest.get('apiVersion')!r}")
            policy = _parse_policy(manifest)
            self._policies.setdefault(policy.namespace, []).append(policy)

    def namespace_labels(self, namespace: str) -> Mapping[str, str]:
        """Labels of ``namespace``; one not declared still has its automatic name label."""
        return self._namespaces.get(namespace, {NAMESPACE_NAME_LABEL: namespace})

    def _side(
        self, pod: Pod, direction: Direction, other: Endpoint, dst: Endpoint, port: int, protocol: str
    ) -> DirectionVerdict:
        kind = direction.title()
        selecting: list[str] = []
        allowed_by: list[str] = []
        for policy in self._policies.get(pod.namespace, []):
            if kind not in policy.types or not selector_matches(policy.pod_selector, pod.labels):
                continue
            selecting.append(policy.id)
            rules = policy.ingress if direction == "ingress" else policy.egress
            for i, rule in enumerate(rules):
                peers_ok = rule.peers is None or any(
                    p.matches(other, policy.namespace, self.namespace_labels) for p in rule.peers
                )
                ports_ok = rule.ports is None or any(p.matches(port, protocol, dst) for p in rule.ports)
                if peers_ok and ports_ok:
                    allowed_by.append(f"{policy.id} {direction}[{i}]")
        return DirectionVerdict(direction, bool(selecting), tuple(selecting), tuple(allowed_by))

    def verdict(self, src: Endpoint, dst: Endpoint, port: int, protocol: str = "TCP") -> Verdict:
        """The full decision for one connection, both sides and the rules that matter."""
        protocol = protocol.upper()
        egress = self._side(src, "egress", dst, dst, port, protocol) if isinstance(src, Pod) else None
        ingress = self._side(dst, "ingress", src, dst, port, protocol) if isinstance(dst, Pod) else None
        return Verdict(src, dst, port, protocol, egress, ingress)

    def can_connect(self, src: Endpoint, dst: Endpoint, port: int, protocol: str = "TCP") -> bool:
        """True when ``src`` may open a connection to ``dst`` on ``port``/``protocol``."""
        return self.verdict(src, dst, port, protocol).allowed

    def explain(self, src: Endpoint, dst: Endpoint, port: int, protocol: str = "TCP") -> str:
        """One line saying which policies allowed or denied each side, for test failures and auditors."""
        return str(self.verdict(src, dst, port, protocol))
