"""``govcloud audit`` against a real API server: clean after the plan is applied, and each drift found.

The stack's objects are applied for real (``deployed``); then each drift is made through the API as an
operator or an intruder would make it, the audit runs with the official client against the server, the
finding is checked by code and object, and the drift is undone by applying the plan again. A bare control
plane has no operator and no kubelet: the CloudNativePG status (health, backups) is covered by the
recorded-response tests in tests/audit/, and the missing status shows here only as a medium finding.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from typer.testing import CliRunner

from govcloud.audit.findings import Finding, Severity
from govcloud.audit.run import run_audit
from govcloud.cli import app
from govcloud.naming import MANAGED_BY, label
from tests.cluster.conftest import Deployment, tenant_groups
from tests.program.conftest import REPO_ROOT, TODAY

RBAC = "rbac.authorization.k8s.io/v1"
NETPOL = "networking.k8s.io/v1"
CNPG = "postgresql.cnpg.io/v1"
FAILING = {Severity.HIGH, Severity.CRITICAL}
MEDIUM_DRIFT_CODES = {"AUD-NS-004"}
"""Drift that is reported but does not fail the audit (nothing declared is weakened)."""


def audit(deployed: Deployment) -> list[Finding]:
    client = deployed.plane.api_client()
    try:
        result = run_audit(deployed.plan, kube=client, s3=None, iam=None, now=dt.datetime.now(dt.UTC))
    finally:
        client.close()
    return list(result.findings)


def failing(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.code, f.resource) for f in findings if f.severity in FAILING}


# ----------------------------------------------------------------------------------------- the drifts


@dataclass
class Target:
    """Where a drift is made: one tenant namespace of the deployed stack and what the plan put there."""

    deployed: Deployment
    namespace: str

    def declared(self, kind: str, contains: str = "") -> dict[str, Any]:
        found = [
            o
            for o in self.deployed.objects
            if o["kind"] == kind
            and o["metadata"].get("namespace") == self.namespace
            and contains in o["metadata"]["name"]
        ]
        assert found, f"the plan declares no {kind} *{contains}* in {self.namespace}"
        return found[0]

    def group(self, *roles: str) -> str:
        groups = tenant_groups(self.deployed, self.namespace)
        return next(groups[r][0] for r in (*roles, "admin") if groups.get(r))

    @property
    def kube(self) -> Any:
        return self.deployed.kube


Drift = Callable[[Target], Iterator[tuple[str, str]]]
"""Makes a drift, yields the (code, resource) the audit must report, then undoes it."""


def psa_relaxed(t: Target) -> Iterator[tuple[str, str]]:
    labels = {"pod-security.kubernetes.io/enforce": "privileged"}
    t.kube.merge_patch("v1", "Namespace", t.namespace, {"metadata": {"labels": labels}})
    yield "AUD-NS-003", f"Namespace {t.namespace}"
    t.deployed.reapply(t.namespace)


def default_deny_deleted(t: Target) -> Iterator[tuple[str, str]]:
    name = t.declared("NetworkPolicy", "default-deny")["metadata"]["name"]
    t.kube.delete(NETPOL, "NetworkPolicy", name, t.namespace)
    yield "AUD-NET-001", f"NetworkPolicy {t.namespace}/{name}"
    t.deployed.reapply(t.namespace)


def _policy(t: Target, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": NETPOL,
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": t.namespace},
        "spec": spec,
    }


def allow_all_added(t: Target) -> Iterator[tuple[str, str]]:
    t.kube.apply(_policy(t, "allow-all", {"podSelector": {}, "ingress": [{}], "egress": [{}]}))
    yield "AUD-NET-004", f"NetworkPolicy {t.namespace}/allow-all"
    t.kube.delete(NETPOL, "NetworkPolicy", "allow-all", t.namespace)


def every_namespace_admitted(t: Target) -> Iterator[tuple[str, str]]:
    spec = {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": [{"namespaceSelector": {}}]}]}
    t.kube.apply(_policy(t, "allow-cluster", spec))
    yield "AUD-NET-004", f"NetworkPolicy {t.namespace}/allow-cluster"
    t.kube.delete(NETPOL, "NetworkPolicy", "allow-cluster", t.namespace)


def quota_deleted(t: Target) -> Iterator[tuple[str, str]]:
    name = t.declared("ResourceQuota")["metadata"]["name"]
    t.kube.delete("v1", "ResourceQuota", name, t.namespace)
    yield "AUD-QUOTA-001", f"ResourceQuota {t.namespace}/{name}"
    t.deployed.reapply(t.namespace)


def quota_raised(t: Target) -> Iterator[tuple[str, str]]:
    name = t.declared("ResourceQuota")["metadata"]["name"]
    t.kube.merge_patch("v1", "ResourceQuota", name, {"spec": {"hard": {"limits.cpu": "512"}}}, t.namespace)
    yield "AUD-QUOTA-002", f"ResourceQuota {t.namespace}/{name}"
    t.deployed.reapply(t.namespace)


def _binding(kind: str, name: str, role_kind: str, role: str, group: str, namespace: str | None) -> dict[str, Any]:
    metadata = {"name": name, **({"namespace": namespace} if namespace else {})}
    return {
        "apiVersion": RBAC,
        "kind": kind,
        "metadata": metadata,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": group}],
    }


def cluster_admin_in_namespace(t: Target) -> Iterator[tuple[str, str]]:
    t.kube.apply(
        _binding("RoleBinding", "breakglass", "ClusterRole", "cluster-admin", t.group("engineer"), t.namespace)
    )
    yield "AUD-RBAC-004", f"RoleBinding {t.namespace}/breakglass"
    t.kube.delete(RBAC, "RoleBinding", "breakglass", t.namespace)


def cluster_binding_for_tenant_group(t: Target) -> Iterator[tuple[str, str]]:
    t.kube.apply(_binding("ClusterRoleBinding", "tenant-breakglass", "ClusterRole", "cluster-admin", t.group(), None))
    yield "AUD-RBAC-006", "ClusterRoleBinding tenant-breakglass"
    t.kube.delete(RBAC, "ClusterRoleBinding", "tenant-breakglass")


def secrets_for_viewers(t: Target) -> Iterator[tuple[str, str]]:
    role = {
        "apiVersion": RBAC,
        "kind": "Role",
        "metadata": {"name": "secret-reader", "namespace": t.namespace},
        "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}],
    }
    t.kube.apply(role)
    t.kube.apply(
        _binding("RoleBinding", "viewers-read-secrets", "Role", "secret-reader", t.group("viewer"), t.namespace)
    )
    yield "AUD-RBAC-002", f"RoleBinding {t.namespace}/viewers-read-secrets"
    t.kube.delete(RBAC, "RoleBinding", "viewers-read-secrets", t.namespace)
    t.kube.delete(RBAC, "Role", "secret-reader", t.namespace)


def token_automount_back_on(t: Target) -> Iterator[tuple[str, str]]:
    name = t.declared("ServiceAccount")["metadata"]["name"]
    t.kube.merge_patch("v1", "ServiceAccount", name, {"automountServiceAccountToken": True}, t.namespace)
    yield "AUD-SA-002", f"ServiceAccount {t.namespace}/{name}"
    t.deployed.reapply(t.namespace)


def database_instances_changed(t: Target) -> Iterator[tuple[str, str]]:
    cluster = t.declared("Cluster")
    declared = int(cluster["spec"].get("instances", 1))
    changed = declared - 1 if declared > 1 else declared + 1
    t.kube.merge_patch(CNPG, "Cluster", cluster["metadata"]["name"], {"spec": {"instances": changed}}, t.namespace)
    yield "AUD-DB-005", f"Cluster {t.namespace}/{cluster['metadata']['name']}"
    t.deployed.reapply(t.namespace)


def forged_helm_annotation(t: Target) -> Iterator[tuple[str, str]]:
    """An intruder's binding dressed as a declared chart's: named after the release, Helm-annotated."""
    releases = [
        str(r["inputs"]["name"])
        for r in t.deployed.plan["resources"]
        if r["type"] == "kubernetes:helm.sh/v3:Release" and r["inputs"].get("namespace") == t.namespace
    ] or ["platform-monitoring"]
    name = f"{releases[0]}-debug"
    binding = _binding("RoleBinding", name, "Role", "govcloud-tenant-admin", "outside-contractors", t.namespace)
    binding["metadata"]["annotations"] = {
        "meta.helm.sh/release-name": releases[0],
        "meta.helm.sh/release-namespace": t.namespace,
    }
    binding["metadata"]["labels"] = {"app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/instance": releases[0]}
    t.kube.apply(binding)
    yield "AUD-RBAC-002", f"RoleBinding {t.namespace}/{name}"
    t.kube.delete(RBAC, "RoleBinding", name, t.namespace)


def namespace_deleted(t: Target) -> Iterator[tuple[str, str]]:
    t.kube.delete("v1", "Namespace", t.namespace)
    t.kube.wait_gone("v1", "Namespace", t.namespace, timeout=120)
    yield "AUD-NS-001", f"Namespace {t.namespace}"
    t.deployed.reapply(t.namespace)


def egress_widened(t: Target) -> Iterator[tuple[str, str]]:
    """A declared policy's peers rewritten to a broad private range (not open, but not what was declared)."""
    policy = next(
        (
            o
            for o in t.deployed.objects
            if o["kind"] == "NetworkPolicy"
            and o["metadata"].get("namespace") == t.namespace
            and (o.get("spec") or {}).get("egress")
        ),
        None,
    )
    assert policy is not None, f"the plan declares no egress policy in {t.namespace}"
    name = policy["metadata"]["name"]
    spec = {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]}]}
    t.kube.merge_patch(NETPOL, "NetworkPolicy", name, {"spec": spec}, t.namespace)
    yield "AUD-NET-002", f"NetworkPolicy {t.namespace}/{name}"
    t.deployed.reapply(t.namespace)


def binding_subject_added(t: Target) -> Iterator[tuple[str, str]]:
    binding = t.declared("RoleBinding", "govcloud-tenant-")
    subjects = [
        *binding["subjects"],
        {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "intern@example.go.th"},
    ]
    t.kube.merge_patch(RBAC, "RoleBinding", binding["metadata"]["name"], {"subjects": subjects}, t.namespace)
    yield "AUD-RBAC-003", f"RoleBinding {t.namespace}/{binding['metadata']['name']}"
    t.deployed.reapply(t.namespace)


def viewer_role_widened(t: Target) -> Iterator[tuple[str, str]]:
    role = t.declared("Role", "govcloud-tenant-viewer")
    rules = [*role["rules"], {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}]
    t.kube.merge_patch(RBAC, "Role", role["metadata"]["name"], {"rules": rules}, t.namespace)
    yield "AUD-RBAC-005", f"Role {t.namespace}/{role['metadata']['name']}"
    t.deployed.reapply(t.namespace)


def tenant_label_changed(t: Target) -> Iterator[tuple[str, str]]:
    t.kube.merge_patch("v1", "Namespace", t.namespace, {"metadata": {"labels": {label("tenant"): "someone-else"}}})
    yield "AUD-NS-002", f"Namespace {t.namespace}"
    t.deployed.reapply(t.namespace)


def undeclared_govcloud_namespace(t: Target) -> Iterator[tuple[str, str]]:
    """A former tenant's namespace still labelled as govcloud's (medium: reported, the audit still passes)."""
    labels = {label("tenant"): "former", MANAGED_BY[0]: MANAGED_BY[1]}
    t.kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "former-tenant", "labels": labels}})
    yield "AUD-NS-004", "Namespace former-tenant"
    t.kube.delete("v1", "Namespace", "former-tenant")
    t.kube.wait_gone("v1", "Namespace", "former-tenant", timeout=120)


DRIFTS: dict[str, Drift] = {
    "PSA label relaxed": psa_relaxed,
    "default-deny deleted": default_deny_deleted,
    "allow-all policy added": allow_all_added,
    "policy admitting every namespace": every_namespace_admitted,
    "quota deleted": quota_deleted,
    "quota raised": quota_raised,
    "RoleBinding to cluster-admin": cluster_admin_in_namespace,
    "ClusterRoleBinding for a tenant group": cluster_binding_for_tenant_group,
    "Secret-reading Role for viewers": secrets_for_viewers,
    "automountServiceAccountToken back on": token_automount_back_on,
    "CNPG instances changed": database_instances_changed,
    "forged Helm annotation": forged_helm_annotation,
    "egress widened": egress_widened,
    "subject added to a tenant binding": binding_subject_added,
    "viewer Role widened": viewer_role_widened,
    "tenant label changed": tenant_label_changed,
    "undeclared govcloud namespace": undeclared_govcloud_namespace,
    "namespace deleted": namespace_deleted,
}


def drift_target(deployed: Deployment) -> Target:
    """The tenant namespace with the most declared objects (it has a database, quota, policies)."""
    tenants = deployed.tenant_namespaces
    with_database = [
        n
        for n in tenants
        if any(o["kind"] == "Cluster" and o["metadata"].get("namespace") == n for o in deployed.objects)
    ]
    return Target(deployed, (with_database or tenants)[0])


def test_a_freshly_applied_stack_audits_clean(deployed: Deployment) -> None:
    findings = audit(deployed)
    assert failing(findings) == set()
    # A bare control plane runs no operator: databases show no status (medium), no Gateway controller programs
    # the Gateways (AUD-GW-001, medium), a stack without a public issuer (dev) serves its public names on the
    # site CA (AUD-TLS-002, medium), and nothing else.
    assert {f.code for f in findings} <= {"AUD-DB-003", "AUD-GW-001", "AUD-TLS-002"}


@pytest.mark.parametrize("drift", list(DRIFTS))
def test_each_drift_is_found_with_its_code_and_object(deployed: Deployment, drift: str) -> None:
    steps = DRIFTS[drift](drift_target(deployed))
    expected = next(steps)
    try:
        found = audit(deployed)
        assert expected in {(f.code, f.resource) for f in found}, [
            (f.code, f.resource, f.severity.value) for f in found
        ]
        assert failing(found) <= {expected}, "one drift, one finding"
        assert (expected in failing(found)) == (expected[0] not in MEDIUM_DRIFT_CODES)
    finally:
        for _ in steps:  # undo
            pass
    assert failing(audit(deployed)) == set(), f"undoing {drift} left drift behind"


def test_the_audit_command_exits_on_a_drift_and_passes_once_undone(deployed: Deployment, tmp_path: Any) -> None:
    """The CLI itself against the server: its kubeconfig, a plan file, exit 1 on a critical finding, then 0."""
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(deployed.plan), "utf-8")
    arguments = [
        "audit",
        "--stack",
        deployed.stack,
        "--project",
        str(REPO_ROOT),
        "--plan",
        str(plan),
        "--today",
        TODAY,
        "--kubeconfig",
        str(deployed.plane.kubeconfig),
        "--no-storage",
        "--format",
        "json",
    ]
    steps = allow_all_added(drift_target(deployed))
    code, resource = next(steps)
    try:
        result = CliRunner().invoke(app, arguments)
        assert result.exit_code == 1, result.output
        findings = json.loads(result.stdout)["findings"]
        assert {(f["code"], f["resource"]) for f in findings if f["severity"] == "critical"} == {(code, resource)}
    finally:
        for _ in steps:
            pass
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
