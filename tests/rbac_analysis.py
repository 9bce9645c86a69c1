"""A namespaced RBAC evaluator over plain Role/RoleBinding/ClusterRole/ClusterRoleBinding manifests.

Agency staff reach the platform as identity-provider groups, and what a group may do in a tenant
namespace is the sum of many small objects. This answers "may members of group G do verb V on resource R
in namespace N?" offline, with the apiserver's matching rules (rbac/v1 ``RuleAllows``), so tests can pin
the analyst/engineer/admin split and auditors can list every grant.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from govcloud.analysis.netpol import selector_matches

__all__ = ["Rbac"]

RBAC_API_VERSION = "rbac.authorization.k8s.io/v1"

AUTHENTICATED = "system:authenticated"
"""Every user the apiserver authenticates is in this group too, so bindings to it grant every group."""


@dataclass(frozen=True)
class _Rule:
    api_groups: frozenset[str]
    resources: frozenset[str]
    verbs: frozenset[str]
    named: bool
    """The rule lists resourceNames, so it only grants on those objects, never on the whole resource."""

    def allows(self, api_group: str, resource: str, subresource: str | None, verb: str) -> bool:
        if self.named:
            return False
        if "*" not in self.verbs and verb not in self.verbs:
            return False
        if "*" not in self.api_groups and api_group not in self.api_groups:
            return False
        if "*" in self.resources:
            return True
        if subresource:
            # "pods" does not grant "pods/log"; "*/log" grants the log of every resource.
            return f"{resource}/{subresource}" in self.resources or f"*/{subresource}" in self.resources
        return resource in self.resources


@dataclass(frozen=True)
class _Binding:
    namespace: str | None
    """None for a ClusterRoleBinding (grants in every namespace and on cluster-scoped resources)."""
    role_kind: str
    role_name: str
    groups: frozenset[str]


def _rules(role: Mapping[str, Any]) -> list[_Rule]:
    out = []
    for rule in role.get("rules") or []:
        out.append(
            _Rule(
                api_groups=frozenset(rule.get("apiGroups") or []),
                resources=frozenset(rule.get("resources") or []),
                verbs=frozenset(rule.get("verbs") or []),
                named=bool(rule.get("resourceNames")),
            )
        )
    return out


class Rbac:
    """Which identity-provider groups may do what, where, according to the RBAC objects given."""

    def __init__(
        self, objects: Iterable[Mapping[str, Any]], *, implicit_groups: Collection[str] = (AUTHENTICATED,)
    ) -> None:
        """Objects that aren't RBAC kinds are skipped, so a whole rendering can be passed.

        ``implicit_groups`` are groups every user is in besides the one asked about; by default the
        apiserver's ``system:authenticated``, so an over-broad binding to it shows up for every group.
        """
        self._implicit = frozenset(implicit_groups)
        self._roles: dict[tuple[str, str], list[_Rule]] = {}
        self._cluster_roles: dict[str, Mapping[str, Any]] = {}
        self._bindings: list[_Binding] = []
        for obj in objects:
            kind = obj.get("kind")
            if kind not in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"):
                continue
            if obj.get("apiVersion") != RBAC_API_VERSION:
                raise ValueError(f"{kind} with unsupported apiVersion {obj.get('apiVersion')!r}")
            metadata = obj.get("metadata") or {}
            name: str = metadata.get("name", "")
            namespace: str | None = metadata.get("namespace")
            if kind in ("Role", "RoleBinding") and not namespace:
                raise ValueError(f"{kind} {name}: metadata.namespace is required")
            if kind == "Role" and namespace:
                self._roles[(namespace, name)] = _rules(obj)
            elif kind == "ClusterRole":
                self._cluster_roles[name] = obj
            else:
                self._bindings.append(self._binding(obj, None if kind == "ClusterRoleBinding" else namespace))
        self._cluster_rules = {name: self._aggregate(name, set()) for name in self._cluster_roles}

    @staticmethod
    def _binding(obj: Mapping[str, Any], namespace: str | None) -> _Binding:
        ref = obj.get("roleRef") or {}
        groups = frozenset(
            s["name"]
            for s in obj.get("subjects") or []
            if s.get("kind") == "Group"
            and s.get("apiGroup", "rbac.authorization.k8s.io") == "rbac.authorization.k8s.io"
        )
        return _Binding(namespace, ref.get("kind", ""), ref.get("name", ""), groups)

    def _aggregate(self, name: str, seen: set[str]) -> list[_Rule]:
        """A ClusterRole's rules plus, when aggregated, those of every ClusterRole its selectors pick."""
        seen.add(name)
        role = self._cluster_roles[name]
        rules = _rules(role)
        selectors = (role.get("aggregationRule") or {}).get("clusterRoleSelectors") or []
        for other_name, other in self._cluster_roles.items():
            if other_name in seen:
                continue
            labels = (other.get("metadata") or {}).get("labels") or {}
            if any(selector_matches(s, labels) for s in selectors):
                rules += self._aggregate(other_name, seen)
        return rules

    def _rules_for(self, group: str, namespace: str) -> Iterable[_Rule]:
        members = {group, *self._implicit}
        for binding in self._bindings:
            if not binding.groups & members:
                continue
            if binding.namespace is not None and binding.namespace != namespace:
                continue
            if binding.role_kind == "ClusterRole":
                yield from self._cluster_rules.get(binding.role_name, [])
            elif binding.role_kind == "Role" and binding.namespace is not None:
                yield from self._roles.get((binding.namespace, binding.role_name), [])

    def allowed(
        self,
        group: str,
        verb: str,
        resource: str,
        namespace: str,
        api_group: str = "",
        subresource: str | None = None,
    ) -> bool:
        """May members of ``group`` do ``verb`` on every ``resource`` in ``namespace``?

        ``resource`` may carry its subresource ("pods/log") or pass it as ``subresource``. The question
        is about the resource as a whole, so rules limited by resourceNames never answer yes.
        """
        if "/" in resource:
            if subresource:
                raise ValueError(f"subresource given twice: {resource!r} and {subresource!r}")
            resource, subresource = resource.split("/", 1)
        return any(r.allows(api_group, resource, subresource, verb) for r in self._rules_for(group, namespace))

    def grants_for(self, group: str, namespace: str) -> list[tuple[str, str, str]]:
        """Every (apiGroup, resource, verb) granted in ``namespace``, sorted; wildcards stay ``*``.

        Rules limited by resourceNames are left out: they don't grant the resource as a whole.
        """
        grants = {
            (api_group, resource, verb)
            for rule in self._rules_for(group, namespace)
            if not rule.named
            for api_group in rule.api_groups
            for resource in rule.resources
            for verb in rule.verbs
        }
        return sorted(grants)
