"""The tenant access matrix, decided by the real API server's RBAC authorizer.

Each question is a SubjectAccessReview for a user in one tenant group (plus ``system:authenticated``, as
every signed-in user has), asked after the stack's Roles and RoleBindings are applied. The expected answers
are written out here from docs/tenant-contract.md ("Each role's permissions"), not derived from the code
that builds the Roles, so a change to a Role that widens access fails here.

Upstream: kubernetes pkg/apis/authorization (SubjectAccessReview, ``status.allowed``) and the bootstrap
policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy at v1.36): ``system:authenticated`` holds only
discovery and self-review rights, nothing in a namespace.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from govcloud.synth.plan import kubernetes_objects
from tests.cluster.conftest import Deployment, tenant_groups
from tests.program.conftest import synthesized

SAR_PATH = "/apis/authorization.k8s.io/v1/subjectaccessreviews"
ROLES = ("admin", "engineer", "analyst", "viewer")

# (verb, API group, resource, subresource) -> the roles that may do it in their own namespace
MATRIX: dict[tuple[str, str, str, str], set[str]] = {
    ("get", "", "secrets", ""): {"admin", "engineer"},
    ("list", "", "secrets", ""): {"admin", "engineer"},
    ("create", "", "secrets", ""): {"admin", "engineer"},
    ("create", "", "pods", "exec"): {"admin", "engineer"},
    ("get", "", "pods", "log"): {"admin", "engineer", "analyst"},
    ("get", "", "pods", ""): {"admin", "engineer", "analyst", "viewer"},
    ("list", "apps", "deployments", ""): {"admin", "engineer", "analyst", "viewer"},
    ("create", "apps", "deployments", ""): {"admin", "engineer"},
    ("get", "", "configmaps", ""): {"admin", "engineer"},
    # Entry points belong to the platform (tenant hosts are held at admission): tenants read, never write.
    ("create", "networking.k8s.io", "ingresses", ""): set(),
    ("create", "gateway.networking.k8s.io", "httproutes", ""): set(),
    ("update", "gateway.networking.k8s.io", "listenersets", ""): set(),
    ("get", "gateway.networking.k8s.io", "httproutes", ""): {"admin", "engineer"},
    ("create", "sparkoperator.k8s.io", "sparkapplications", ""): {"admin", "engineer", "analyst"},
    ("get", "networking.k8s.io", "networkpolicies", ""): {"admin"},
    ("create", "networking.k8s.io", "networkpolicies", ""): set(),
    ("update", "networking.k8s.io", "networkpolicies", ""): set(),
    ("delete", "networking.k8s.io", "networkpolicies", ""): set(),
    ("get", "", "resourcequotas", ""): {"admin", "engineer"},
    ("update", "", "resourcequotas", ""): set(),
    ("delete", "", "resourcequotas", ""): set(),
    ("update", "", "limitranges", ""): set(),
    ("create", "rbac.authorization.k8s.io", "roles", ""): set(),
    ("update", "rbac.authorization.k8s.io", "roles", ""): set(),
    ("create", "rbac.authorization.k8s.io", "rolebindings", ""): set(),
    ("bind", "rbac.authorization.k8s.io", "roles", ""): set(),
    ("escalate", "rbac.authorization.k8s.io", "roles", ""): set(),
    ("create", "", "serviceaccounts", "token"): set(),
    ("impersonate", "", "serviceaccounts", ""): set(),
    ("update", "postgresql.cnpg.io", "clusters", ""): set(),
    ("delete", "postgresql.cnpg.io", "clusters", ""): set(),
}
NAMESPACE_ITSELF = ("update", "patch", "delete")
"""No tenant role may change its own Namespace (its labels carry Pod Security and the tenant identity)."""
CLUSTER_SCOPE: list[tuple[str, str, str]] = [
    ("list", "", "namespaces"),
    ("create", "", "namespaces"),
    ("list", "", "secrets"),  # across all namespaces
    ("get", "", "nodes"),
    ("create", "rbac.authorization.k8s.io", "clusterrolebindings"),
    ("update", "rbac.authorization.k8s.io", "clusterroles"),
    ("create", "apiextensions.k8s.io", "customresourcedefinitions"),
    ("update", "admissionregistration.k8s.io", "validatingadmissionpolicies"),
    ("update", "networking.k8s.io", "networkpolicies"),  # in all namespaces
    ("impersonate", "", "users"),
    ("impersonate", "", "groups"),
]
FOREIGN_ACTIONS: list[tuple[str, str, str, str]] = [
    ("get", "", "pods", ""),
    ("list", "", "pods", ""),
    ("get", "", "secrets", ""),
    ("list", "", "configmaps", ""),
    ("create", "", "pods", "exec"),
    ("get", "", "pods", "log"),
    ("create", "apps", "deployments", ""),
    ("create", "sparkoperator.k8s.io", "sparkapplications", ""),
    ("list", "postgresql.cnpg.io", "clusters", ""),
    ("get", "networking.k8s.io", "networkpolicies", ""),
]


def allowed(deployed: Deployment, group: str, attributes: dict[str, str]) -> bool:
    review = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SubjectAccessReview",
        "spec": {
            "user": f"someone-in-{group}",
            "groups": [group, "system:authenticated"],
            "resourceAttributes": {k: v for k, v in attributes.items() if v},
        },
    }
    answer: dict[str, Any] = deployed.kube.post(SAR_PATH, review)
    return bool(answer["status"].get("allowed"))


def _attributes(namespace: str, verb: str, group: str, resource: str, subresource: str = "") -> dict[str, str]:
    return {"namespace": namespace, "verb": verb, "group": group, "resource": resource, "subresource": subresource}


def test_each_tenant_role_gets_exactly_its_matrix_in_its_own_namespace(deployed: Deployment) -> None:
    checked = 0
    wrong = []
    for namespace in deployed.tenant_namespaces:
        groups = tenant_groups(deployed, namespace)
        assert "admin" in groups, f"{namespace}: every tenant has admins"
        for role, members in sorted(groups.items()):
            for group in members:
                for (verb, api_group, resource, sub), roles in MATRIX.items():
                    answer = allowed(deployed, group, _attributes(namespace, verb, api_group, resource, sub))
                    checked += 1
                    if answer != (role in roles):
                        wrong.append(f"{namespace} {role} ({group}) {verb} {api_group}/{resource}/{sub}: {answer}")
                for verb in NAMESPACE_ITSELF:
                    attributes = {"verb": verb, "resource": "namespaces", "name": namespace, "namespace": namespace}
                    if allowed(deployed, group, attributes):
                        wrong.append(f"{namespace} {role} ({group}) may {verb} its Namespace")
    assert wrong == []
    assert checked >= len(MATRIX) * len(deployed.tenant_namespaces)


def test_no_tenant_group_reaches_another_namespace_or_the_cluster(deployed: Deployment) -> None:
    """Every tenant group against every other namespace the stack declares (tenant or platform) and the
    cluster scope: all refused."""
    namespaces = [str(n["metadata"]["name"]) for n in deployed.of_kind("Namespace")]
    questions: list[tuple[str, str, dict[str, str]]] = []
    for own in deployed.tenant_namespaces:
        for role, members in sorted(tenant_groups(deployed, own).items()):
            for group in members:
                who = f"{own} {role} ({group})"
                for other in (n for n in namespaces if n != own):
                    for verb, api_group, resource, sub in FOREIGN_ACTIONS:
                        attributes = _attributes(other, verb, api_group, resource, sub)
                        questions.append((group, f"{who} {verb} {resource}/{sub} in {other}", attributes))
                for verb, api_group, resource in CLUSTER_SCOPE:
                    attributes = {"verb": verb, "group": api_group, "resource": resource}
                    questions.append((group, f"{who} {verb} {api_group}/{resource} cluster-wide", attributes))
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda q: allowed(deployed, q[0], q[2]), questions))
    assert [what for (_, what, _), yes in zip(questions, answers, strict=True) if yes] == []
    assert len(questions) >= len(FOREIGN_ACTIONS) * len(deployed.tenant_namespaces)


def test_the_matrix_is_not_vacuous() -> None:
    """Every role the contract defines is bound to a group in the national stack, so each column is asked."""
    plan = synthesized("national-prod")[1]
    bound = {
        str(o["metadata"]["name"]).removeprefix("govcloud-tenant-")
        for o in kubernetes_objects(plan["resources"])
        if o["kind"] == "RoleBinding" and str(o["metadata"]["name"]).startswith("govcloud-tenant-")
    }
    assert bound == set(ROLES)
