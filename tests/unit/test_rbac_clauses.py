"""Issue 17: the four tenant roles and their bindings (``govcloud.manifests.rbac``), written out rule by rule.

Least privilege is the whole point of these roles, so the expectation is the literal rule table of each
role, not a property computed from the same constants: a mutant that adds a verb, a resource or an API
group to one role, or binds a role to the wrong groups, fails here.
"""

from __future__ import annotations

from typing import Any

import pytest

from govcloud.contract.tenant import TenantRequest
from govcloud.manifests.rbac import default_service_account, role_name, role_rules, tenant_rbac
from tests.unit.contract_helpers import tenant

READ = ["get", "list", "watch"]
WRITE = ["get", "list", "watch", "create", "update", "patch", "delete"]
WORKLOADS_WRITE = [
    {"apiGroups": ["apps"], "resources": ["deployments", "statefulsets", "replicasets", "daemonsets"], "verbs": WRITE},
    {"apiGroups": ["batch"], "resources": ["jobs", "cronjobs"], "verbs": WRITE},
    {"apiGroups": [""], "resources": ["pods", "services", "persistentvolumeclaims"], "verbs": WRITE},
]
STATUS_READ = [
    {"apiGroups": [""], "resources": ["pods", "services", "persistentvolumeclaims", "events"], "verbs": READ},
    {"apiGroups": ["apps"], "resources": ["deployments", "statefulsets"], "verbs": READ},
    {"apiGroups": ["batch"], "resources": ["jobs", "cronjobs"], "verbs": READ},
]
QUOTA_READ = {"apiGroups": [""], "resources": ["resourcequotas", "limitranges"], "verbs": READ}
INGRESS_READ = {"apiGroups": ["networking.k8s.io"], "resources": ["ingresses"], "verbs": READ}
ROUTES_READ = {
    "apiGroups": ["gateway.networking.k8s.io", "cert-manager.io"],
    "resources": ["httproutes", "listenersets", "certificates"],
    "verbs": READ,
}
DATABASE_READ = {
    "apiGroups": ["postgresql.cnpg.io"],
    "resources": ["clusters", "backups", "scheduledbackups"],
    "verbs": READ,
}
SPARK = {"apiGroups": ["sparkoperator.k8s.io"], "resources": ["sparkapplications", "scheduledsparkapplications"]}

ROLE_RULES: dict[str, list[dict[str, Any]]] = {
    "admin": [
        *WORKLOADS_WRITE,
        {"apiGroups": [""], "resources": ["configmaps", "secrets", "serviceaccounts"], "verbs": WRITE},
        {"apiGroups": [""], "resources": ["pods/log", "events"], "verbs": READ},
        {"apiGroups": [""], "resources": ["pods/exec", "pods/portforward"], "verbs": ["create"]},
        QUOTA_READ,
        {"apiGroups": ["networking.k8s.io"], "resources": ["networkpolicies"], "verbs": READ},
        INGRESS_READ,
        ROUTES_READ,
        DATABASE_READ,
        {"apiGroups": ["postgresql.cnpg.io"], "resources": ["backups"], "verbs": ["create"]},
        {**SPARK, "verbs": WRITE},
    ],
    "engineer": [
        *WORKLOADS_WRITE,
        {"apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": WRITE},
        {"apiGroups": [""], "resources": ["pods/log", "events"], "verbs": READ},
        {"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]},
        QUOTA_READ,
        INGRESS_READ,
        ROUTES_READ,
        DATABASE_READ,
        {**SPARK, "verbs": WRITE},
    ],
    "analyst": [
        *STATUS_READ,
        {"apiGroups": [""], "resources": ["pods/log"], "verbs": READ},
        {**SPARK, "verbs": ["get", "list", "watch", "create", "delete"]},
    ],
    "viewer": STATUS_READ,
}


@pytest.mark.parametrize("role", ["admin", "engineer", "analyst", "viewer"])
def test_the_rules_of_each_role(role: str) -> None:
    assert role_rules(role) == ROLE_RULES[role]


def test_an_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^unknown tenant role 'owner'$"):
        role_rules("owner")


def test_rules_are_fresh_lists_callers_may_change() -> None:
    rules = role_rules("viewer")
    rules[0]["verbs"].append("delete")
    assert role_rules("viewer") == STATUS_READ


LABELS = {
    "govcloud.go.th/tenant": "nso",
    "govcloud.go.th/agency": "NSO",
    "govcloud.go.th/classification": "confidential",
    "govcloud.go.th/cost-center": "MDES-NSO-2569-001",
    "app.kubernetes.io/managed-by": "govcloud",
}


def _binding(role: str, groups: list[str]) -> dict[str, Any]:
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": f"govcloud-tenant-{role}", "namespace": "nso", "labels": LABELS},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": f"govcloud-tenant-{role}"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": g} for g in groups],
    }


def _role(role: str) -> dict[str, Any]:
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": f"govcloud-tenant-{role}", "namespace": "nso", "labels": LABELS},
        "rules": ROLE_RULES[role],
    }


def test_four_roles_and_a_binding_for_each_role_with_groups() -> None:
    access = {"admins": ["nso-admins"], "engineers": ["nso-eng", "nso-etl"], "viewers": ["nso-view"]}
    request = TenantRequest.model_validate(tenant(access=access))
    assert tenant_rbac(request, "oidc:") == [
        _role("admin"),
        _binding("admin", ["oidc:nso-admins"]),
        _role("engineer"),
        _binding("engineer", ["oidc:nso-eng", "oidc:nso-etl"]),
        _role("analyst"),
        _role("viewer"),
        _binding("viewer", ["oidc:nso-view"]),
    ]


def test_analysts_are_bound_to_their_own_groups_without_a_prefix() -> None:
    request = TenantRequest.model_validate(tenant(access={"admins": ["nso-admins"], "analysts": ["nso-analysts"]}))
    bindings = [o for o in tenant_rbac(request) if o["kind"] == "RoleBinding"]
    assert bindings == [_binding("admin", ["nso-admins"]), _binding("analyst", ["nso-analysts"])]


def test_role_names_and_the_default_service_account() -> None:
    assert role_name("viewer") == "govcloud-tenant-viewer"
    request = TenantRequest.model_validate(tenant())
    assert default_service_account(request) == {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": "default", "namespace": "nso", "labels": LABELS},
        "automountServiceAccountToken": False,
    }
