"""How a declared and a live Kubernetes object are made comparable: the API server's defaults filled in.

Comparison is semantic: server-set metadata is never looked at, fields the API server defaults (``protocol:
TCP``, ``policyTypes``, subject API groups, LimitRange defaults) are filled in on both sides, quantities compare
by value (``1Gi`` == ``1024Mi``), and lists whose order carries no meaning (rules, peers, ports, subjects)
compare as sets. Pure functions: the audit's kind table (``govcloud.audit.kinds``) names one per kind.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable, Mapping
from typing import Any, Final

from govcloud.contract.quantity import QuantityError, parse_quantity
from govcloud.contract.vocabulary import UNKNOWN_VALUE
from govcloud.manifests.network import policy_types

RBAC_GROUP: Final = "rbac.authorization.k8s.io"
SECRET_PLACEHOLDER: Final = "[secret]"
UNKNOWN_PLACEHOLDER: Final = UNKNOWN_VALUE
"""What a plan holds where the value is a secret or only known once deployed (synth's capture)."""


def _canonical_quantity(value: Any) -> str:
    try:
        return format(parse_quantity(value).normalize(), "f")
    except (QuantityError, TypeError):
        return str(value)


def _sorted_json(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))


def _selector(selector: Mapping[str, Any] | None) -> dict[str, Any]:
    selector = selector or {}
    out: dict[str, Any] = {}
    if selector.get("matchLabels"):
        out["matchLabels"] = {str(k): str(v) for k, v in selector["matchLabels"].items()}
    if selector.get("matchExpressions"):
        out["matchExpressions"] = _sorted_json(
            {**e, "values": sorted(e.get("values") or [])} if e.get("values") else dict(e)
            for e in selector["matchExpressions"]
        )
    return out


def _cidr(text: str) -> str:
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        return text


def _peer(peer: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("podSelector", "namespaceSelector"):
        if key in peer and peer[key] is not None:
            out[key] = _selector(peer[key])
    block = peer.get("ipBlock")
    if block:
        out["ipBlock"] = {"cidr": _cidr(str(block.get("cidr")))}
        if block.get("except"):
            out["ipBlock"]["except"] = sorted(_cidr(str(c)) for c in block["except"])
    return out


def _port(port: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"protocol": port.get("protocol") or "TCP"}
    for key in ("port", "endPort"):
        if port.get(key) is not None:
            out[key] = port[key]
    return out


def _rule(rule: Mapping[str, Any], peers_key: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    peers = [_peer(p) for p in rule.get(peers_key) or []]
    if peers:
        out[peers_key] = _sorted_json(peers)
    ports = [_port(p) for p in rule.get("ports") or []]
    if ports:
        out["ports"] = _sorted_json(ports)
    return out


def normalize_network_policy_spec(spec: Mapping[str, Any] | None) -> dict[str, Any]:
    """A NetworkPolicy spec with the API server's defaults applied and unordered lists sorted."""
    spec = spec or {}
    out: dict[str, Any] = {"podSelector": _selector(spec.get("podSelector")), "policyTypes": sorted(policy_types(spec))}
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        rules = [_rule(r, peers_key) for r in spec.get(direction) or []]
        if rules:
            out[direction] = _sorted_json(rules)
    return out


def open_rules(spec: Mapping[str, Any] | None) -> list[str]:
    """Why a NetworkPolicy lets traffic to or from anywhere: 0.0.0.0/0, ::/0, a rule without peers, or a peer
    that is every pod of every namespace (``namespaceSelector: {}``), which admits other tenants' pods."""
    normalized = normalize_network_policy_spec(spec)
    reasons: list[str] = []
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        if direction.capitalize() not in normalized["policyTypes"]:
            continue
        for index, rule in enumerate(normalized.get(direction, []), start=1):
            peers = rule.get(peers_key, [])
            if not peers:
                reasons.append(f"{direction} rule {index} has no `{peers_key}`: it matches every address")
            for peer in peers:
                cidr = peer.get("ipBlock", {}).get("cidr")
                if cidr and ipaddress.ip_network(cidr, strict=False).prefixlen == 0:
                    reasons.append(f"{direction} rule {index} allows {cidr}")
                if peer.get("namespaceSelector") == {} and not peer.get("podSelector"):
                    # every pod of every namespace: other tenants included, so isolation is gone
                    reasons.append(f"{direction} rule {index} matches every pod of every namespace")
    return reasons


def allows_traffic(spec: Mapping[str, Any] | None) -> bool:
    """Whether a policy has any allow rule (one without rules only denies, which never widens access)."""
    normalized = normalize_network_policy_spec(spec)
    return any(
        normalized.get(direction) and direction.capitalize() in normalized["policyTypes"]
        for direction in ("ingress", "egress")
    )


def normalize_quota_spec(spec: Mapping[str, Any] | None) -> dict[str, Any]:
    """A ResourceQuota spec with quantities by value (the server may rewrite ``1024Mi`` as ``1Gi``)."""
    spec = spec or {}
    out: dict[str, Any] = {"hard": {str(k): _canonical_quantity(v) for k, v in (spec.get("hard") or {}).items()}}
    if spec.get("scopes"):
        out["scopes"] = sorted(spec["scopes"])
    if spec.get("scopeSelector"):
        out["scopeSelector"] = _selector(spec["scopeSelector"])
    return out


_LIMIT_MAPS: Final = ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")


def _limit_item(item: Mapping[str, Any]) -> dict[str, Any]:
    maps = {k: {str(r): _canonical_quantity(v) for r, v in (item.get(k) or {}).items()} for k in _LIMIT_MAPS}
    if item.get("type") == "Container":  # the API server's SetDefaults_LimitRangeItem
        for resource, value in maps["max"].items():
            maps["default"].setdefault(resource, value)
        for source in ("default", "min"):
            for resource, value in maps[source].items():
                maps["defaultRequest"].setdefault(resource, value)
    return {"type": item.get("type"), **{k: v for k, v in maps.items() if v}}


def normalize_limit_range_spec(spec: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return _sorted_json(_limit_item(i) for i in (spec or {}).get("limits") or [])


def normalize_rules(rules: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """Role rules as a sorted list of rules with sorted fields; empty fields dropped."""
    keys = ("apiGroups", "resources", "resourceNames", "verbs", "nonResourceURLs")
    return _sorted_json({k: sorted(r[k]) for k in keys if r.get(k)} for r in rules or [])


def _subject_api_group(subject: Mapping[str, Any]) -> str:
    if subject.get("apiGroup"):
        return str(subject["apiGroup"])
    return RBAC_GROUP if subject.get("kind") in ("User", "Group") else ""


def normalize_subjects(subjects: Iterable[Mapping[str, Any]] | None) -> list[dict[str, str]]:
    """Subjects as a sorted list, with the API group the server defaults for users and groups."""
    normalized = [
        {
            "kind": str(s.get("kind")),
            "apiGroup": _subject_api_group(s),
            "name": str(s.get("name")),
            **({"namespace": str(s["namespace"])} if s.get("namespace") else {}),
        }
        for s in subjects or []
    ]
    return _sorted_json({json.dumps(s, sort_keys=True): s for s in normalized}.values())


def normalize_role_ref(ref: Mapping[str, Any] | None) -> dict[str, str]:
    ref = ref or {}
    return {
        "apiGroup": str(ref.get("apiGroup") or RBAC_GROUP),
        "kind": str(ref.get("kind")),
        "name": str(ref.get("name")),
    }


def declared_differences(want: Any, have: Any, path: str = "") -> dict[str, dict[str, Any]]:
    """Where a live spec departs from a declared one, per declared leaf (``instances``, ``storage.size``).

    Only what was declared is compared: fields the server or an operator defaults are not drift. Values
    the plan could not know (``[secret]``, ``[unknown]``) are skipped; quantities compare by value.
    """
    if isinstance(want, Mapping):
        if not isinstance(have, Mapping):
            return {path or "(spec)": {"expected": want, "observed": have}}
        found: dict[str, dict[str, Any]] = {}
        for key, value in want.items():
            found.update(declared_differences(value, have.get(key), f"{path}.{key}" if path else str(key)))
        return found
    if isinstance(want, list):
        if not isinstance(have, list) or len(have) != len(want):
            return {path: {"expected": want, "observed": have}}
        found = {}
        for index, (item, live) in enumerate(zip(want, have, strict=True)):
            found.update(declared_differences(item, live, f"{path}[{index}]"))
        return found
    if want in (SECRET_PLACEHOLDER, UNKNOWN_PLACEHOLDER) or want == have:
        return {}
    if isinstance(want, str) and isinstance(have, str) and _canonical_quantity(want) == _canonical_quantity(have):
        return {}
    return {path: {"expected": want, "observed": have}}


def flat_differences(expected: Mapping[str, Any], observed: Mapping[str, Any]) -> dict[str, Any]:
    """Per key of two flat maps: what was declared and what is there (None for absent)."""
    return {
        key: {"expected": expected.get(key), "observed": observed.get(key)}
        for key in sorted(set(expected) | set(observed))
        if expected.get(key) != observed.get(key)
    }
