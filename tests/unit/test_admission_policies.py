"""The site's admission policies (issue 10, class 3): what they cover, what they read, who can change that.

The policies' decisions are exercised on a real API server in tests/cluster/test_tenant_hosts.py; here, the
offline guarantees: they bind every tenant namespace, they cover every pod-shaping kind a tenant role may
write, the namespace annotations they read hold exactly the approved hostnames and groups, and no tenant
role can write those annotations or publish an Ingress itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govcloud.contract.stack import StackDefinition, load_stack
from govcloud.manifests import admission
from govcloud.manifests.admission import (
    GROUPS_ANNOTATION,
    HOSTNAMES_ANNOTATION,
    INGRESS_HOSTS_POLICY,
    ROUTE_HOSTS_POLICY,
    WEB_LABEL_POLICY,
    admission_policies,
    tenant_admission_annotations,
)
from govcloud.manifests.namespace import tenant_namespace
from govcloud.manifests.network import WEB_LABEL as ALLOWANCE_LABEL
from govcloud.manifests.rbac import ROLES, role_rules, tenant_rbac
from tests.rbac_analysis import Rbac
from tests.unit import contract_helpers

REPO_ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-11-25"
POD_SHAPING = {
    ("", "pods"),
    ("", "podtemplates"),
    ("", "replicationcontrollers"),
    ("apps", "deployments"),
    ("apps", "statefulsets"),
    ("apps", "replicasets"),
    ("apps", "daemonsets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
    ("sparkoperator.k8s.io", "sparkapplications"),
    ("sparkoperator.k8s.io", "scheduledsparkapplications"),
}
"""Every kind whose objects decide the labels of pods (directly, through a template, or via an operator)."""


@pytest.fixture(scope="module")
def national() -> StackDefinition:
    return load_stack(REPO_ROOT / "stacks", "national-prod", TODAY)


def _by_name(site_definition: StackDefinition) -> dict[tuple[str, str], dict[str, object]]:
    return {(o["kind"], o["metadata"]["name"]): o for o in admission_policies(site_definition.site)}


def test_three_policies_each_bound_to_every_tenant_namespace(national: StackDefinition) -> None:
    objects = _by_name(national)
    for name in (INGRESS_HOSTS_POLICY, ROUTE_HOSTS_POLICY, WEB_LABEL_POLICY):
        policy = objects[("ValidatingAdmissionPolicy", name)]
        binding = objects[("ValidatingAdmissionPolicyBinding", name)]
        assert policy["apiVersion"] == binding["apiVersion"] == "admissionregistration.k8s.io/v1"
        assert policy["spec"]["failurePolicy"] == "Fail"  # type: ignore[index]
        assert binding["spec"] == {  # type: ignore[comparison-overlap]
            "policyName": name,
            "validationActions": ["Deny"],
            "matchResources": {
                "namespaceSelector": {"matchExpressions": [{"key": "govcloud.go.th/tenant", "operator": "Exists"}]}
            },
        }
    assert len(objects) == 8, "one policy set per site (four policies, four bindings), whatever the number of tenants"


def _covered(policy: dict[str, object]) -> set[tuple[str, str]]:
    rules = policy["spec"]["matchConstraints"]["resourceRules"]  # type: ignore[index]
    for rule in rules:
        assert set(rule["operations"]) == {"CREATE", "UPDATE"}
    return {(group, resource) for rule in rules for group in rule["apiGroups"] for resource in rule["resources"]}


def test_the_web_label_policy_covers_every_pod_shaping_kind_a_tenant_role_may_write(national: StackDefinition) -> None:
    policy = _by_name(national)[("ValidatingAdmissionPolicy", WEB_LABEL_POLICY)]
    covered = _covered(policy)
    assert covered == POD_SHAPING
    writable = {
        (group, resource)
        for role in ROLES
        for rule in role_rules(role)
        if {"create", "update", "patch"} & set(rule["verbs"])
        for group in rule["apiGroups"]
        for resource in rule["resources"]
    }
    pod_like = {w for w in writable if w[1] in {r for _, r in POD_SHAPING}}
    assert pod_like <= covered, "a tenant-writable kind that shapes pods escapes the label rule"
    text = str(policy["spec"])  # type: ignore[index]
    assert admission.WEB_LABEL == ALLOWANCE_LABEL, "the label the ingress allowance selects is the one refused"
    assert ALLOWANCE_LABEL in text and "system:serviceaccount:" in text and GROUPS_ANNOTATION in text


def test_host_policies_read_the_approved_hostnames_and_refuse_the_escape_hatches(national: StackDefinition) -> None:
    objects = _by_name(national)
    ingress = objects[("ValidatingAdmissionPolicy", INGRESS_HOSTS_POLICY)]
    assert _covered(ingress) == {("networking.k8s.io", "ingresses")}
    routes = objects[("ValidatingAdmissionPolicy", ROUTE_HOSTS_POLICY)]
    gateway = "gateway.networking.k8s.io"
    assert _covered(routes) == {(gateway, "httproutes"), (gateway, "grpcroutes")}
    expressions = " ".join(v["expression"] for v in ingress["spec"]["validations"])  # type: ignore[index]
    for needle in ("defaultBackend", "r.host in variables.hosts", "t.hosts.all", "server-alias", "-snippet"):
        assert needle in expressions
    assert HOSTNAMES_ANNOTATION in str(ingress["spec"]["variables"])  # type: ignore[index]


@pytest.mark.parametrize("name", [INGRESS_HOSTS_POLICY, ROUTE_HOSTS_POLICY, WEB_LABEL_POLICY])
def test_every_expression_is_balanced_and_uses_only_declared_variables(national: StackDefinition, name: str) -> None:
    spec = _by_name(national)[("ValidatingAdmissionPolicy", name)]["spec"]
    declared = [v["name"] for v in spec["variables"]]  # type: ignore[index]
    texts = [v["expression"] for v in spec["variables"]]  # type: ignore[index]
    texts += [v["expression"] for v in spec["validations"]] + [  # type: ignore[index]
        v["messageExpression"]
        for v in spec["validations"]
        if "messageExpression" in v  # type: ignore[index]
    ]
    for index, text in enumerate(texts):
        stripped = re.sub(r"'[^']*'", "''", text)
        for opening, closing in ("()", "[]", "{}"):
            assert stripped.count(opening) == stripped.count(closing), text
        for used in re.findall(r"variables\.(\w+)", stripped):
            assert used in declared, f"{used} is not declared"
            if index < len(declared):
                assert declared.index(used) < index, f"{declared[index]} uses {used} before it is declared"


def test_namespaces_carry_exactly_the_approved_hostnames_and_the_groups_rbac_binds(national: StackDefinition) -> None:
    site = national.site
    for tenant in national.tenants:
        annotations = tenant_namespace(tenant, site)["metadata"]["annotations"]
        hosts = annotations[HOSTNAMES_ANNOTATION]
        assert (hosts.split(",") if hosts else []) == list(tenant.spec.network.ingress.hostnames)
        bound = {
            subject["name"]
            for obj in tenant_rbac(tenant, site.identity_provider.groups_prefix)
            if obj["kind"] == "RoleBinding"
            for subject in obj["subjects"]
        }
        assert set(annotations[GROUPS_ANNOTATION].split(",")) == bound
        assert annotations == {**annotations, **tenant_admission_annotations(tenant, site)}


def test_no_tenant_role_publishes_or_edits_what_the_policies_read(national: StackDefinition) -> None:
    objects = [o for t in national.tenants for o in tenant_rbac(t, national.site.identity_provider.groups_prefix)]
    rbac = Rbac(objects, implicit_groups=())
    for tenant in national.tenants:
        access = tenant.spec.access
        for group in {*access.admins, *access.engineers, *access.analysts, *access.viewers}:
            for verb in ("create", "update", "patch"):
                assert not rbac.allowed(group, verb, "ingresses", tenant.name, "networking.k8s.io")
                assert not rbac.allowed(group, verb, "namespaces", tenant.name)
                assert not rbac.allowed(
                    group, verb, "validatingadmissionpolicies", tenant.name, "admissionregistration.k8s.io"
                )
        assert rbac.allowed(access.admins[0], "get", "ingresses", tenant.name, "networking.k8s.io")


def test_a_site_older_than_the_policy_api_is_refused(national: StackDefinition) -> None:
    old = national.site.model_copy(update={"kubernetes_version": "1.29"})
    with pytest.raises(ValueError, match=r"1\.30 or newer"):
        admission_policies(old)


def test_a_comma_in_a_hostname_or_group_is_never_joined_silently(national: StackDefinition) -> None:
    tenant = national.tenant("nso")
    ingress = tenant.spec.network.ingress.model_copy(update={"hostnames": ["a.data.go.th,data.go.th"]})
    network = tenant.spec.network.model_copy(update={"ingress": ingress})
    hostile = tenant.model_copy(update={"spec": tenant.spec.model_copy(update={"network": network})})
    with pytest.raises(ValueError, match="comma"):
        admission.tenant_admission_annotations(hostile, national.site)


@pytest.mark.parametrize(
    ("hostname", "message"),
    [
        ("data.go.th", "must be under the site's domain"),  # the portal's own host
        ("evil.example.com", "must be under the site's domain"),
    ],
)
def test_a_request_cannot_approve_a_host_that_is_not_its_own(tmp_path: Path, hostname: str, message: str) -> None:
    """What the admission policies approve comes from the request, so the contract must refuse these first."""
    hostile = contract_helpers.tenant("evil", "EVL", network={"ingress": {"hostnames": [hostname]}})
    found = contract_helpers.problems(tmp_path, hostile)
    assert any(p.field == "spec.network.ingress.hostnames[0]" and message in p.message for p in found), found


def test_a_request_cannot_take_another_tenants_host(tmp_path: Path) -> None:
    victim = contract_helpers.tenant("nso", "NSO")
    hostile = contract_helpers.tenant("evil", "EVL", network={"ingress": {"hostnames": ["nso.data.go.th"]}})
    found = contract_helpers.problems(tmp_path, victim, hostile)
    assert any("hostname" in p.message and "nso.data.go.th" in p.message for p in found), found
