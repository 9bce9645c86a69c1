"""The real program, run under the SDK's mock monitor: what it declares for the example stacks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from govcloud.contract.problems import ContractError
from govcloud.synth.engine import synthesize
from govcloud.synth.plan import is_kubernetes_object, read_plan, write_plan
from tests.program.conftest import REPO_ROOT, TODAY, resources_of, synthesized

NATIONAL_TENANTS = ["dga", "doae", "dopa", "moph", "nso", "revenue", "tmd"]


def test_national_prod_declares_one_tenant_component_per_request(national_plan: dict[str, Any]) -> None:
    assert national_plan["tenants"] == NATIONAL_TENANTS
    components = [r for r in national_plan["resources"] if r["type"] == "govcloud:tenant:Tenant"]
    assert sorted(r["name"] for r in components) == NATIONAL_TENANTS
    (site,) = [r for r in national_plan["resources"] if r["type"] == "govcloud:site:Site"]
    assert all(r["parent"] == site["urn"] for r in components)


def test_plan_json_has_exactly_the_documented_shape(example_plan: dict[str, Any]) -> None:
    assert list(example_plan) == [
        "stack",
        "site",
        "tenants",
        "resources",
        "policyViolations",
        "sharing",
        "storageQuotas",
    ]
    for resource in example_plan["resources"]:
        assert list(resource) == [
            "urn",
            "type",
            "name",
            "parent",
            "custom",
            "protect",
            "retainOnDelete",
            "dependsOn",
            "inputs",
            *(["aliases"] if "aliases" in resource else []),  # old URNs, only when a resource has any
        ]


def test_sharing_status_uses_the_fixed_date(national_plan: dict[str, Any]) -> None:
    assert national_plan["sharing"] == [
        {"name": "doae-to-nso-farmer-registry", "status": "active"},
        {"name": "moph-to-nso-health-stats", "status": "active"},
        {"name": "tmd-to-nso-rainfall-2023", "status": "expired"},
    ]


def test_tenant_namespace_labels_and_annotations(national_plan: dict[str, Any]) -> None:
    (namespace,) = [r for r in resources_of(national_plan, "Namespace") if r["name"] == "nso"]
    metadata = namespace["inputs"]["metadata"]
    assert metadata["name"] == "nso"
    govcloud_labels = {k: v for k, v in metadata["labels"].items() if not k.startswith("pod-security.kubernetes.io/")}
    assert govcloud_labels == {
        "govcloud.go.th/tenant": "nso",
        "govcloud.go.th/agency": "NSO",
        "govcloud.go.th/classification": "confidential",
        "govcloud.go.th/cost-center": "MDES-NSO-2569-001",
        "app.kubernetes.io/managed-by": "govcloud",
        "govcloud.go.th/gateway-public": "true",  # its ListenerSet may attach to the public Gateway
    }
    assert metadata["annotations"]["govcloud.go.th/agency-name-th"] == "สำนักงานสถิติแห่งชาติ"
    assert metadata["annotations"]["govcloud.go.th/agency-name-en"] == "National Statistical Office"


def test_namespaces_are_protected_and_retained(example_plan: dict[str, Any]) -> None:
    namespaces = resources_of(example_plan, "Namespace")
    assert len(namespaces) == len(example_plan["tenants"]) + 8, "tenants plus the 8 platform namespaces"
    assert all(r["protect"] and r["retainOnDelete"] for r in namespaces)


def test_the_example_stacks_pass_the_policy_pack(example_plan: dict[str, Any]) -> None:
    mandatory = [v for v in example_plan["policyViolations"] if v["enforcement"] == "mandatory"]
    assert mandatory == []
    advisory = {(v["policy"], example_plan["stack"]) for v in example_plan["policyViolations"]}
    # dev: a plain-HTTP store, and public names on the site CA (no publicIssuer, so no HSTS either).
    assert advisory <= {
        ("GC-DATA-003 object-store-over-tls", "dev"),
        ("GC-TLS-002 public-names-publicly-trusted", "dev"),
    }


def test_manifests_one_file_per_kubernetes_object(tmp_path: Path, national_plan: dict[str, Any]) -> None:
    written = write_plan(national_plan, tmp_path)
    objects = [r for r in national_plan["resources"] if is_kubernetes_object(r)]
    assert len(objects) > 150
    manifests = sorted((tmp_path / "manifests").rglob("*.yaml"))
    assert len(manifests) == len(objects) == len(written) - 1
    assert {p.parent.name for p in manifests} >= set(NATIONAL_TENANTS)
    assert read_plan(tmp_path) == json.loads(json.dumps(national_plan))
    import yaml

    namespace = yaml.safe_load((tmp_path / "manifests" / "nso" / "namespace-nso.yaml").read_text("utf-8"))
    assert namespace["kind"] == "Namespace" and namespace["metadata"]["name"] == "nso"


def _copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "stacks", project / "stacks")
    return project


def test_an_invalid_file_stops_the_run_before_any_resource(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    tenant_file = project / "stacks" / "national-prod" / "tenants" / "tmd.yaml"
    tenant_file.write_text(tenant_file.read_text("utf-8").replace("tier: medium", "tier: gigantic"), "utf-8")
    registered: list[str] = []
    with pytest.raises(ContractError) as caught:
        synthesize(project, "national-prod", TODAY, on_tenant=lambda: registered.append("tenant"))
    assert [p.field for p in caught.value.problems] == ["spec.tier"]
    assert registered == []


def test_removing_a_tenant_file_removes_only_its_tenant(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    (project / "stacks" / "national-prod" / "tenants" / "dga.yaml").unlink()
    result = synthesize(project, "national-prod", TODAY)
    assert "dga" not in result.tenants
    before = {r.urn for r in synthesized("national-prod")[0].registrations}
    after = {r.urn for r in result.registrations}
    assert after < before
    assert all("dga" in urn for urn in before - after)


def test_tenant_resources_wait_for_the_platform_they_need(national_plan: dict[str, Any]) -> None:
    by_name = {r["name"]: r for r in national_plan["resources"]}
    operator = by_name["platform-cloudnative-pg"]["urn"]
    gateway = by_name["platform-envoy-gateway"]["urn"]
    assert operator in by_name["nso-database-cluster"]["dependsOn"], "the operator is installed before a Cluster"
    assert gateway in by_name["nso-httproute-nso-jupyterhub"]["dependsOn"], "the route's CRD exists before a route"
    assert gateway in by_name["nso-listenerset-govcloud-public"]["dependsOn"]


#: How pulumi-kubernetes spells the API group in its type tokens, written out rather than derived: the core
#: group is ``core``, every other group is its DNS name.
TOKEN_GROUPS = {
    "v1": "core/v1",
    "apps/v1": "apps/v1",
    "batch/v1": "batch/v1",
    "networking.k8s.io/v1": "networking.k8s.io/v1",
    "rbac.authorization.k8s.io/v1": "rbac.authorization.k8s.io/v1",
    "postgresql.cnpg.io/v1": "postgresql.cnpg.io/v1",
}


def test_kubernetes_objects_register_with_the_providers_type_tokens(national_plan: dict[str, Any]) -> None:
    seen = set()
    for resource in national_plan["resources"]:
        inputs = resource["inputs"]
        if resource["type"].startswith("kubernetes:") and "kind" in inputs and inputs["apiVersion"] in TOKEN_GROUPS:
            suffix = "Patch" if resource["type"].endswith("Patch") else ""
            expected = f"kubernetes:{TOKEN_GROUPS[inputs['apiVersion']]}:{inputs['kind']}{suffix}"
            assert resource["type"] == expected
            seen.add(resource["type"])
    assert {"kubernetes:core/v1:Namespace", "kubernetes:postgresql.cnpg.io/v1:Cluster"} <= seen
