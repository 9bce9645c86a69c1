"""RBAC evaluation with the apiserver's matching rules, on tenant-shaped roles and bindings."""

from __future__ import annotations

from typing import Any

import pytest

from tests.rbac_analysis import Rbac

RBAC = "rbac.authorization.k8s.io/v1"
ANALYSTS, ENGINEERS, ADMINS = "moph-analysts", "moph-engineers", "moph-admins"


def role(namespace: str, name: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "apiVersion": RBAC,
        "kind": "Role",
        "metadata": {"name": name, "namespace": namespace},
        "rules": rules,
    }


def cluster_role(name: str, rules: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": name}, "rules": rules, **extra}


def group(name: str) -> dict[str, str]:
    return {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": name}


def binding(namespace: str | None, name: str, role_kind: str, role_name: str, *groups: str) -> dict[str, Any]:
    metadata: dict[str, str] = {"name": name}
    if namespace is not None:
        metadata["namespace"] = namespace
    return {
        "apiVersion": RBAC,
        "kind": "RoleBinding" if namespace is not None else "ClusterRoleBinding",
        "metadata": metadata,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role_name},
        "subjects": [group(g) for g in groups],
    }


def rule(groups: list[str], resources: list[str], verbs: list[str], **extra: Any) -> dict[str, Any]:
    return {"apiGroups": groups, "resources": resources, "verbs": verbs, **extra}


READ = ["get", "list", "watch"]


@pytest.fixture(scope="module")
def tenant() -> Rbac:
    """tenant-a: analysts read workloads (not secrets), engineers manage apps, admins get everything."""
    return Rbac(
        [
            role(
                "tenant-a",
                "analyst",
                [
                    rule([""], ["pods", "pods/log", "services", "configmaps"], READ),
                    rule(["batch"], ["jobs"], READ),
                    rule([""], ["secrets"], ["get"], resourceNames=["analyst-readonly-db"]),
                ],
            ),
            role("tenant-a", "engineer", [rule(["apps", "batch"], ["*"], ["*"])]),
            role("tenant-a", "admin", [rule(["*"], ["*"], ["*"])]),
            binding("tenant-a", "analysts", "Role", "analyst", ANALYSTS),
            binding("tenant-a", "engineers", "Role", "engineer", ENGINEERS),
            binding("tenant-a", "admins", "Role", "admin", ADMINS),
            # A Role in another namespace with the same name must not leak into tenant-a.
            role("tenant-b", "analyst", [rule([""], ["secrets"], READ)]),
            binding("tenant-b", "analysts", "Role", "analyst", "mof-analysts"),
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "tenant-a"}},  # skipped
        ]
    )


def test_analyst_lists_pods_but_cannot_read_secrets(tenant: Rbac) -> None:
    assert tenant.allowed(ANALYSTS, "list", "pods", "tenant-a")
    assert tenant.allowed(ANALYSTS, "watch", "configmaps", "tenant-a")
    assert not tenant.allowed(ANALYSTS, "get", "secrets", "tenant-a")
    assert not tenant.allowed(ANALYSTS, "list", "secrets", "tenant-a")
    assert not tenant.allowed(ANALYSTS, "delete", "pods", "tenant-a")
    assert not tenant.allowed(ANALYSTS, "create", "pods", "tenant-a")


def test_resource_names_rule_does_not_grant_the_whole_resource(tenant: Rbac) -> None:
    # The analyst role may get one named secret; that is not "get secrets".
    assert not tenant.allowed(ANALYSTS, "get", "secrets", "tenant-a")
    assert ("", "secrets", "get") not in tenant.grants_for(ANALYSTS, "tenant-a")


def test_wildcards_grant(tenant: Rbac) -> None:
    assert tenant.allowed(ADMINS, "delete", "secrets", "tenant-a")
    assert tenant.allowed(ADMINS, "escalate", "roles", "tenant-a", api_group="rbac.authorization.k8s.io")
    assert tenant.allowed(ADMINS, "get", "pods/exec", "tenant-a")  # "*" covers subresources too
    assert tenant.allowed(ENGINEERS, "patch", "deployments", "tenant-a", api_group="apps")
    assert tenant.allowed(ENGINEERS, "update", "deployments", "tenant-a", api_group="apps", subresource="scale")
    assert tenant.allowed(ENGINEERS, "delete", "cronjobs", "tenant-a", api_group="batch")


def test_api_group_must_match(tenant: Rbac) -> None:
    assert tenant.allowed(ANALYSTS, "get", "jobs", "tenant-a", api_group="batch")
    assert not tenant.allowed(ANALYSTS, "get", "jobs", "tenant-a")  # core group has no jobs grant
    assert not tenant.allowed(ANALYSTS, "get", "pods", "tenant-a", api_group="metrics.k8s.io")
    assert not tenant.allowed(ENGINEERS, "get", "secrets", "tenant-a")  # engineer: apps and batch only
    assert not tenant.allowed(ENGINEERS, "get", "deployments", "tenant-a", api_group="extensions")


def test_role_binding_grants_only_in_its_namespace(tenant: Rbac) -> None:
    assert tenant.allowed(ADMINS, "get", "secrets", "tenant-a")
    assert not tenant.allowed(ADMINS, "get", "secrets", "tenant-b")
    assert not tenant.allowed(ANALYSTS, "list", "pods", "tenant-b")
    assert not tenant.allowed(ANALYSTS, "list", "secrets", "tenant-b")  # tenant-b's "analyst" is not ours
    assert tenant.allowed("mof-analysts", "list", "secrets", "tenant-b")
    assert not tenant.allowed("mof-analysts", "list", "secrets", "tenant-a")
    assert not tenant.allowed(ADMINS, "list", "namespaces", "")  # cluster-scoped: RoleBindings never reach


def test_subresources_are_separate_resources(tenant: Rbac) -> None:
    assert tenant.allowed(ANALYSTS, "get", "pods/log", "tenant-a")
    assert tenant.allowed(ANALYSTS, "get", "pods", "tenant-a", subresource="log")
    assert not tenant.allowed(ANALYSTS, "create", "pods/exec", "tenant-a")
    assert not tenant.allowed(ANALYSTS, "get", "services/proxy", "tenant-a")  # "services" is not "services/proxy"
    with pytest.raises(ValueError, match="subresource given twice"):
        tenant.allowed(ANALYSTS, "get", "pods/log", "tenant-a", subresource="exec")


def test_star_slash_subresource_rule() -> None:
    rbac = Rbac(
        [
            role("t", "scaler", [rule(["apps"], ["*/scale"], ["update"])]),
            binding("t", "scalers", "Role", "scaler", ENGINEERS),
        ]
    )
    assert rbac.allowed(ENGINEERS, "update", "deployments/scale", "t", api_group="apps")
    assert rbac.allowed(ENGINEERS, "update", "statefulsets/scale", "t", api_group="apps")
    assert not rbac.allowed(ENGINEERS, "update", "deployments", "t", api_group="apps")
    assert not rbac.allowed(ENGINEERS, "update", "deployments/status", "t", api_group="apps")


def test_cluster_role_via_role_binding_and_cluster_role_binding() -> None:
    rbac = Rbac(
        [
            cluster_role("govcloud:viewer", [rule(["", "apps"], ["pods", "deployments"], READ)]),
            cluster_role("govcloud:auditor", [rule([""], ["namespaces", "events"], ["list"])]),
            binding("tenant-a", "viewers", "ClusterRole", "govcloud:viewer", ANALYSTS),
            binding(None, "auditors", "ClusterRole", "govcloud:auditor", "nso-auditors"),
            binding(None, "broken", "Role", "analyst", "nso-auditors"),  # invalid roleRef: grants nothing
        ]
    )
    assert rbac.allowed(ANALYSTS, "get", "deployments", "tenant-a", api_group="apps")
    assert not rbac.allowed(ANALYSTS, "get", "deployments", "tenant-b", api_group="apps")
    assert rbac.allowed("nso-auditors", "list", "events", "tenant-a")
    assert rbac.allowed("nso-auditors", "list", "events", "tenant-z")
    assert rbac.allowed("nso-auditors", "list", "namespaces", "")
    assert not rbac.allowed("nso-auditors", "get", "events", "tenant-a")


def test_missing_roles_and_other_subject_kinds_grant_nothing() -> None:
    rbac = Rbac(
        [
            binding("t", "ghost", "Role", "does-not-exist", ANALYSTS),
            role("t", "reader", [rule([""], ["pods"], READ)]),
            {
                "apiVersion": RBAC,
                "kind": "RoleBinding",
                "metadata": {"name": "users", "namespace": "t"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"},
                "subjects": [
                    {"kind": "User", "name": ANALYSTS, "apiGroup": "rbac.authorization.k8s.io"},
                    {"kind": "ServiceAccount", "name": ANALYSTS, "namespace": "t"},
                ],
            },
        ]
    )
    assert not rbac.allowed(ANALYSTS, "get", "pods", "t")
    assert rbac.grants_for(ANALYSTS, "t") == []


def test_system_authenticated_bindings_reach_every_group() -> None:
    objects = [
        cluster_role("discovery", [rule([""], ["configmaps"], ["get"])]),
        binding(None, "everyone", "ClusterRole", "discovery", "system:authenticated"),
    ]
    assert Rbac(objects).allowed(ANALYSTS, "get", "configmaps", "tenant-a")
    assert not Rbac(objects, implicit_groups=()).allowed(ANALYSTS, "get", "configmaps", "tenant-a")


def test_aggregated_cluster_roles_collect_matching_rules() -> None:
    rbac = Rbac(
        [
            cluster_role(
                "govcloud:tenant-view",
                [],
                aggregationRule={
                    "clusterRoleSelectors": [{"matchLabels": {"govcloud.go.th/aggregate-to-view": "true"}}]
                },
            ),
            {
                **cluster_role("spark-view", [rule(["sparkoperator.k8s.io"], ["sparkapplications"], READ)]),
                "metadata": {"name": "spark-view", "labels": {"govcloud.go.th/aggregate-to-view": "true"}},
            },
            cluster_role("not-aggregated", [rule([""], ["secrets"], READ)]),
            binding("t", "viewers", "ClusterRole", "govcloud:tenant-view", ANALYSTS),
        ]
    )
    assert rbac.allowed(ANALYSTS, "list", "sparkapplications", "t", api_group="sparkoperator.k8s.io")
    assert not rbac.allowed(ANALYSTS, "list", "secrets", "t")


def test_grants_for_expands_rules(tenant: Rbac) -> None:
    assert tenant.grants_for(ANALYSTS, "tenant-a") == sorted(
        [("", r, v) for r in ("pods", "pods/log", "services", "configmaps") for v in READ]
        + [("batch", "jobs", v) for v in READ]
    )
    assert tenant.grants_for(ENGINEERS, "tenant-a") == [("apps", "*", "*"), ("batch", "*", "*")]
    assert tenant.grants_for(ANALYSTS, "tenant-b") == []


def test_bad_objects_are_refused() -> None:
    with pytest.raises(ValueError, match=r"metadata\.namespace is required"):
        Rbac([{"apiVersion": RBAC, "kind": "Role", "metadata": {"name": "x"}, "rules": []}])
    with pytest.raises(ValueError, match="unsupported apiVersion"):
        Rbac([{**role("t", "x", []), "apiVersion": "rbac.authorization.k8s.io/v1beta1"}])
