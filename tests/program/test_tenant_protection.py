"""Removing or breaking a tenant file never deletes what keeps the tenant isolated or holds its data or credentials.

Without help, the engine deletes every unprotected resource a run no longer declares before it stops at a
protected one (``govcloud.components.protection``; shown with the real engine in ``tests/cluster/engine``). So
in every example plan, each tenant's isolation objects, credentials and data are protected, what is left
deletable is only what a day-to-day change removes (a feature's objects, a requested egress, a revocable
RoleBinding), and a protected guard depending on all of it stops the engine before any delete of the tenant.
"""

from __future__ import annotations

from typing import Any

from govcloud.components.protection import EGRESS_POLICY_PREFIX, FEATURE_POLICIES, PERMANENT_ROLE_BINDING
from govcloud.components.storage import STORAGE_SECRET
from govcloud.manifests.network import denies_all
from govcloud.manifests.rbac import ROLES, role_name
from govcloud.storage.specs import BUCKET_TYPE, STORAGE_IDENTITY_TYPE

TENANT = "govcloud:tenant:Tenant"
ANALYTICS = "govcloud:tenant:Analytics"
PERMANENT_POLICIES = ("default-deny-all", "allow-dns", "allow-same-namespace")
DATA_POLICIES = ("allow-object-store", "allow-database-operator", "allow-database-monitoring")
REMOVABLE_KINDS = {"HTTPRoute", "ListenerSet", "Certificate", "BackendTLSPolicy", "Job", "NetworkPolicy", "RoleBinding"}
"""Kinds a tenant's own objects (outside its analytics) may be left unprotected for: a feature's or a revocation's."""


def _tenant_resources(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in plan["resources"] if f"{TENANT}$" in r["urn"] or r["type"] == TENANT]


def _objects(plan: dict[str, Any], namespace: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (str(r["inputs"]["kind"]), str(r["inputs"]["metadata"]["name"])): r
        for r in _tenant_resources(plan)
        if isinstance(r["inputs"].get("metadata"), dict) and r["inputs"]["metadata"].get("namespace") == namespace
    }


def test_every_tenant_component_is_protected(example_plan: dict[str, Any]) -> None:
    components = [r for r in example_plan["resources"] if r["type"] in (TENANT, "govcloud:tenant:TenantStorage")]
    assert components and all(r["protect"] for r in components)


def test_each_tenants_isolation_and_credentials_are_protected(example_plan: dict[str, Any]) -> None:
    tenants = [r["name"] for r in example_plan["resources"] if r["type"] == TENANT]
    assert tenants
    for tenant in tenants:
        objects = _objects(example_plan, tenant)
        wanted = [("NetworkPolicy", name) for name in PERMANENT_POLICIES]
        wanted += [("NetworkPolicy", name) for name in DATA_POLICIES if ("NetworkPolicy", name) in objects]
        wanted += [("ResourceQuota", "tenant-quota"), ("LimitRange", "tenant-limits")]
        wanted += [("Role", role_name(role)) for role in ROLES] + [("RoleBinding", PERMANENT_ROLE_BINDING)]
        if ("Secret", STORAGE_SECRET) in objects:
            wanted.append(("Secret", STORAGE_SECRET))
        missing = [key for key in wanted if key not in objects]
        assert not missing, (tenant, missing)
        unprotected = [key for key in wanted if not objects[key]["protect"]]
        assert not unprotected, (tenant, unprotected)


def test_storage_identities_and_buckets_are_protected(example_plan: dict[str, Any]) -> None:
    storage = [r for r in _tenant_resources(example_plan) if r["type"] in (BUCKET_TYPE, STORAGE_IDENTITY_TYPE)]
    assert storage and all(r["protect"] for r in storage)


def test_a_database_is_protected_whole_but_its_analytics_roles(example_plan: dict[str, Any]) -> None:
    """Backup credentials, object store, cluster, scheduled backup, monitor: all protected with the tenant."""
    database = [r for r in _tenant_resources(example_plan) if "govcloud:tenant:TenantDatabase$" in r["urn"]]
    assert database
    roles = [r for r in database if "-role-secret" in r["name"] or r["name"].endswith("-password")]
    assert all(r["protect"] for r in database if r not in roles)
    assert not any(r["protect"] for r in roles), "an analytics service turned off drops its database role"


def test_only_a_features_objects_and_revocable_grants_stay_deletable(example_plan: dict[str, Any]) -> None:
    """Outside its analytics (a feature as a whole), a tenant's unprotected objects only ever allow or publish."""
    loose = [
        r
        for r in _tenant_resources(example_plan)
        if not r["protect"] and r["type"] != ANALYTICS and f"{ANALYTICS}$" not in r["urn"]
    ]
    assert loose, "the example stacks have features to turn off"
    for resource in loose:
        inputs = resource["inputs"]
        kind, name = inputs.get("kind"), str((inputs.get("metadata") or {}).get("name"))
        if resource["type"] == "pulumi-python:dynamic/govcloud:RandomSecret" or (
            kind == "Secret" and "govcloud:tenant:TenantDatabase$" in resource["urn"]
        ):
            assert "-password" in resource["name"] or "-role-secret" in resource["name"], resource["name"]
            continue
        assert kind in REMOVABLE_KINDS, (resource["name"], kind)
        if kind == "RoleBinding":
            assert name != PERMANENT_ROLE_BINDING
        if kind == "NetworkPolicy":
            spec = inputs["spec"]
            assert not denies_all(spec, "Ingress") and not denies_all(spec, "Egress"), name
            assert (
                name in FEATURE_POLICIES
                or name.startswith(EGRESS_POLICY_PREFIX)
                or "gateway" in name
                or ("acme" in name)
            ), name


def test_each_tenants_guard_is_protected_and_depends_on_every_other_resource(example_plan: dict[str, Any]) -> None:
    """The guard is the engine's first delete when a tenant's file is gone; it can stop every other delete of the
    tenant only if it depends on every custom resource of the tenant (feature objects included) and is protected."""
    tenants = [r["name"] for r in example_plan["resources"] if r["type"] == TENANT]
    assert tenants
    for tenant in tenants:
        ours = [r for r in _tenant_resources(example_plan) if f"::{tenant}" in r["urn"] and r["type"] != TENANT]
        guards = [r for r in ours if r["urn"].endswith(f"::{tenant}-guard")]
        assert len(guards) == 1, (tenant, [r["urn"] for r in guards])
        guard = guards[0]
        assert guard["protect"] and guard["inputs"]["kind"] == "ConfigMap"
        metadata = guard["inputs"]["metadata"]
        assert (metadata["name"], metadata["namespace"]) == ("govcloud-tenant-guard", tenant)
        custom = {r["urn"] for r in ours if r.get("custom") and r["urn"] != guard["urn"]}
        assert len(custom) > 10, (tenant, len(custom))
        missing = sorted(custom - set(guard["dependsOn"]))
        assert not missing, (tenant, missing[:5])
