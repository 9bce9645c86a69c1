"""Tenant isolation, judged by behaviour: schema validity, reachability between pods, RBAC answers."""

from __future__ import annotations

import ipaddress
import shutil
from pathlib import Path
from typing import Any

import pytest

from govcloud.analysis.netpol import Cluster, External, Pod
from govcloud.contract.site import GATEWAY_NAMESPACE
from govcloud.contract.stack import load_stack
from govcloud.manifests.gateway import ENVOY_PROXY_LABELS, web_ports
from govcloud.manifests.network import WEB_LABEL
from govcloud.synth.diff import Action, diff_plans
from govcloud.synth.engine import synthesize
from govcloud.synth.plan import kubernetes_objects, plan_document
from tests.program.conftest import EXAMPLE_STACKS, REPO_ROOT, TODAY, resources_of, synthesized
from tests.rbac_analysis import Rbac
from tests.schema_validation import SchemaCatalog

BUILTIN_GROUPS = (
    "v1",
    "networking.k8s.io/v1",
    "rbac.authorization.k8s.io/v1",
    "policy/v1",
    "apps/v1",
    "batch/v1",
    "storage.k8s.io/v1",
    "admissionregistration.k8s.io/v1",
)


def _definition(stack: str) -> Any:
    return load_stack(REPO_ROOT / "stacks", stack, TODAY)


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_every_builtin_object_is_valid_for_the_stacks_kubernetes_version(stack: str) -> None:
    plan = synthesized(stack)[1]
    catalog = SchemaCatalog(_definition(stack).site.kubernetes_version)
    objects = [o for o in kubernetes_objects(plan["resources"]) if o["apiVersion"] in BUILTIN_GROUPS]
    assert objects
    problems = {f"{o['kind']}/{o['metadata'].get('name')}": catalog.errors(o) for o in objects}
    assert {k: v for k, v in problems.items() if v} == {}


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_every_custom_resource_is_valid_against_its_upstream_crd(stack: str, shared_dir: Path) -> None:
    """Every custom kind the plan emits has its upstream CRD in ../shared/schemas (or the tools step's CRD cache:
    EnvoyProxy, BackendTLSPolicy), and every object is valid."""
    plan = synthesized(stack)[1]
    catalog = SchemaCatalog.from_upstream(_definition(stack).site.kubernetes_version, shared_dir)
    objects = [o for o in kubernetes_objects(plan["resources"]) if o["apiVersion"] not in BUILTIN_GROUPS]
    assert {o["kind"] for o in objects} >= {"Cluster", "ScheduledBackup", "ClusterPolicy"}
    without_schema = {(o["apiVersion"], o["kind"]) for o in objects} - set(catalog.custom_kinds)
    assert without_schema == set(), "every custom kind the plan emits needs its upstream CRD (../shared, cache)"
    problems = {f"{o['kind']}/{o['metadata'].get('name')}": catalog.errors(o) for o in objects}
    assert {k: v for k, v in problems.items() if v} == {}


def test_namespaces_enforce_restricted_pod_security_pinned_to_the_version(
    national_plan: dict[str, Any],
) -> None:
    tenants = [n for n in resources_of(national_plan, "Namespace") if n["name"] in national_plan["tenants"]]
    assert len(tenants) == 7
    for namespace in tenants:
        labels = namespace["inputs"]["metadata"]["labels"]
        for mode in ("enforce", "audit", "warn"):
            assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"
            assert labels[f"pod-security.kubernetes.io/{mode}-version"] == "v1.36"


def _cluster(plan: dict[str, Any]) -> Cluster:
    namespaces = {
        r["inputs"]["metadata"]["name"]: r["inputs"]["metadata"].get("labels", {})
        for r in resources_of(plan, "Namespace")
    }
    for platform in ("kube-system", "cnpg-system", "monitoring"):
        namespaces.setdefault(platform, {})
    return Cluster(namespaces, [r["inputs"] for r in resources_of(plan, "NetworkPolicy")])


def _host_in(cidr: str) -> str:
    return str(next(ipaddress.ip_network(cidr).hosts()))


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_reachability_of_every_example_tenant(stack: str) -> None:
    plan = synthesized(stack)[1]
    definition = _definition(stack)
    site = definition.site
    cluster = _cluster(plan)
    dns = Pod(site.cluster_dns.namespace, dict(site.cluster_dns.pod_labels), name="coredns")
    envoy = Pod(GATEWAY_NAMESPACE, dict(ENVOY_PROXY_LABELS), name="envoy")  # Envoy Gateway's data plane
    gateway_controller = Pod(GATEWAY_NAMESPACE, {"app.kubernetes.io/name": "gateway-helm"}, name="envoy-gateway")
    store = External(_host_in(site.object_store.cidr))
    for tenant in definition.tenants:
        me = Pod(tenant.name, {"app": "notebook"}, name="worker")
        web = Pod(tenant.name, {WEB_LABEL: "true"}, name="web")
        assert cluster.can_connect(me, Pod(tenant.name, {"app": "other"}), 8080), cluster.explain(me, web, 8080)
        assert cluster.can_connect(me, dns, 53, "UDP") and cluster.can_connect(me, dns, 53, "TCP")
        assert not cluster.can_connect(me, dns, 80)
        assert not cluster.can_connect(me, External("8.8.8.8"), 443)
        assert not cluster.can_connect(me, External("1.1.1.1"), 53, "UDP")
        ports = web_ports(tenant) if tenant.spec.network.ingress.hostnames else []
        for port in ports:  # the Envoy pods reach the web pods on their ports only
            assert cluster.can_connect(envoy, web, port), cluster.explain(envoy, web, port)
            assert not cluster.can_connect(envoy, me, port)
            assert not cluster.can_connect(gateway_controller, web, port)
        assert not cluster.can_connect(envoy, web, 5432)
        needs_store = tenant.spec.storage is not None or tenant.spec.database is not None
        assert cluster.can_connect(me, store, site.object_store.port) is needs_store
        for egress in tenant.spec.network.egress:
            target = External(_host_in(egress.cidr))
            for port in egress.ports:
                assert cluster.can_connect(me, target, port)
            assert not cluster.can_connect(me, target, 22)
        for other in definition.tenants:
            if other.name == tenant.name:
                continue
            stranger = Pod(other.name, {WEB_LABEL: "true"}, name="web")
            assert not cluster.can_connect(me, stranger, 8000), cluster.explain(me, stranger, 8000)
            assert not cluster.can_connect(stranger, me, 5432), cluster.explain(stranger, me, 5432)


def test_only_the_database_operator_and_monitoring_reach_database_pods(national_plan: dict[str, Any]) -> None:
    cluster = _cluster(national_plan)
    database = Pod("nso", {"cnpg.io/podRole": "instance", "cnpg.io/cluster": "nso-pg"}, name="nso-pg-1")
    assert cluster.can_connect(Pod("cnpg-system", {"app": "cnpg"}), database, 8000)
    assert cluster.can_connect(Pod("monitoring", {"app": "prometheus"}), database, 9187)
    assert not cluster.can_connect(Pod("monitoring", {"app": "prometheus"}), database, 5432)
    assert not cluster.can_connect(Pod("dga", {"app": "x"}), database, 5432)


def test_no_tenant_network_policy_ever_allows_the_whole_internet(example_plan: dict[str, Any]) -> None:
    tenant_policies = [
        p
        for p in resources_of(example_plan, "NetworkPolicy")
        if "govcloud.go.th/tenant" in p["inputs"]["metadata"].get("labels", {})
    ]
    assert tenant_policies
    for policy in tenant_policies:
        for rule in policy["inputs"]["spec"].get("egress", []) + policy["inputs"]["spec"].get("ingress", []):
            for peer in rule.get("to", []) + rule.get("from", []):
                cidr = peer.get("ipBlock", {}).get("cidr")
                if cidr is not None:
                    assert ipaddress.ip_network(cidr).prefixlen >= 16, policy["name"]


def _rbac(plan: dict[str, Any]) -> Rbac:
    kinds = ("Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding")
    return Rbac([r["inputs"] for kind in kinds for r in resources_of(plan, kind)], implicit_groups=())


def test_rbac_of_the_statistics_office(national_plan: dict[str, Any]) -> None:
    rbac = _rbac(national_plan)
    admin, engineer, analyst, viewer = (
        "nso-platform-admins",
        "nso-data-engineers",
        "nso-statisticians",
        "nso-executives",
    )
    assert rbac.allowed(admin, "get", "secrets", "nso")
    assert rbac.allowed(engineer, "create", "jobs", "nso", "batch")
    assert not rbac.allowed(analyst, "get", "secrets", "nso")
    assert not rbac.allowed(analyst, "list", "secrets", "nso")
    assert rbac.allowed(analyst, "get", "pods", "nso", subresource="log")
    assert rbac.allowed(analyst, "create", "sparkapplications", "nso", "sparkoperator.k8s.io")
    assert rbac.allowed(viewer, "list", "pods", "nso")
    for sensitive, group, sub in (("secrets", "", None), ("configmaps", "", None), ("pods", "", "log")):
        assert not rbac.allowed(viewer, "get", sensitive, "nso", group, subresource=sub)
    assert not rbac.allowed(admin, "get", "secrets", "moph"), "a tenant's groups reach only its namespace"


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_nobody_in_a_tenant_can_change_what_isolates_it(stack: str) -> None:
    plan = synthesized(stack)[1]
    rbac = _rbac(plan)
    definition = _definition(stack)
    platform_owned = [
        ("networking.k8s.io", "networkpolicies"),
        ("", "resourcequotas"),
        ("", "limitranges"),
        ("rbac.authorization.k8s.io", "roles"),
        ("rbac.authorization.k8s.io", "rolebindings"),
        ("", "namespaces"),
    ]
    for tenant in definition.tenants:
        access = tenant.spec.access
        for group in [*access.admins, *access.engineers, *access.analysts, *access.viewers]:
            for api_group, resource in platform_owned:
                for verb in ("create", "update", "patch", "delete"):
                    assert not rbac.allowed(group, verb, resource, tenant.name, api_group), (
                        group,
                        verb,
                        resource,
                    )


def test_no_cluster_wide_roles_or_bindings_for_tenants(example_plan: dict[str, Any]) -> None:
    assert resources_of(example_plan, "ClusterRoleBinding") == []
    for binding in resources_of(example_plan, "RoleBinding"):
        inputs = binding["inputs"]
        assert inputs["roleRef"]["kind"] == "Role"
        if inputs["roleRef"]["name"].startswith("govcloud-tenant-"):
            assert {s["kind"] for s in inputs["subjects"]} == {"Group"}
        else:  # the Spark driver's own account, in its own namespace
            assert {(s["kind"], s["namespace"]) for s in inputs["subjects"]} == {
                ("ServiceAccount", inputs["metadata"]["namespace"])
            }


def test_default_service_account_mounts_no_token(national_plan: dict[str, Any]) -> None:
    accounts = [r for r in national_plan["resources"] if r["type"] == "kubernetes:core/v1:ServiceAccountPatch"]
    assert len(accounts) == len(national_plan["tenants"])
    assert all(r["inputs"]["automountServiceAccountToken"] is False for r in accounts)
    assert {r["inputs"]["metadata"]["name"] for r in accounts} == {"default"}


def test_quota_follows_the_tier_preset_and_override(national_plan: dict[str, Any]) -> None:
    quotas = {
        r["inputs"]["metadata"]["namespace"]: r["inputs"]["spec"]["hard"]
        for r in resources_of(national_plan, "ResourceQuota")
    }
    assert quotas["nso"]["requests.cpu"] == "48" and quotas["nso"]["requests.memory"] == "192Gi"
    assert quotas["nso"]["requests.storage"] == "3Ti" and quotas["nso"]["pods"] == "400"
    assert quotas["doae"]["requests.cpu"] == "8" and quotas["doae"]["requests.storage"] == "500Gi"
    for hard in quotas.values():
        assert hard["services.loadbalancers"] == "0" and hard["services.nodeports"] == "0"


def test_changing_a_tier_changes_exactly_the_quota_objects(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "stacks", project / "stacks")
    tenant_file = project / "stacks" / "national-prod" / "tenants" / "tmd.yaml"
    tenant_file.write_text(tenant_file.read_text("utf-8").replace("tier: medium", "tier: large"), "utf-8")
    before = synthesized("national-prod")[1]
    after = plan_document(synthesize(project, "national-prod", TODAY))
    changes = diff_plans(before, after).changes
    assert {(c.action, c.name) for c in changes} == {
        (Action.CHANGE, "tmd-quota"),
        (Action.CHANGE, "tmd-limits"),
    }
    assert all(c.risk is None for c in changes)
