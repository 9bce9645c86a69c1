"""Every Kubernetes object govcloud builds itself is accepted by a real API server.

Server-side apply with ``dryRun=All`` and ``fieldValidation=Strict`` first (unknown or duplicate fields,
CRD structural schemas and CEL rules, immutable fields and every validating admission step decide), in
dependency order; then the same objects applied for real. Helm releases are not applied: no chart can
be fetched offline (their values are checked against the charts' schemas elsewhere).
"""

from __future__ import annotations

import subprocess
from collections import Counter

from tests.cluster.conftest import Deployment, identity, tenant_groups
from tests.prerequisites import tool

MINIMUM_OBJECTS = {"dev": 60, "national-prod": 200, "th76-prod": 50}
"""A floor per stack, so a plan that silently lost its objects cannot pass by applying nothing."""


def test_every_object_passes_a_strict_dry_run(deployed: Deployment) -> None:
    assert deployed.refused_dry_run == {}


def test_every_object_is_applied_for_real(deployed: Deployment) -> None:
    assert deployed.refused == {}
    assert len(deployed.objects) >= MINIMUM_OBJECTS[deployed.stack]


def test_what_was_applied_is_stored(deployed: Deployment) -> None:
    """Every object is there afterwards, with the labels the plan gave it (the server kept what we sent)."""
    kube = deployed.kube
    kinds: Counter[str] = Counter()
    for obj in deployed.objects:
        metadata = obj["metadata"]
        live = kube.get(obj["apiVersion"], obj["kind"], metadata["name"], metadata.get("namespace"))
        assert live is not None, identity(obj)
        labels = live["metadata"].get("labels") or {}
        assert {k: labels.get(k) for k in metadata.get("labels") or {}} == (metadata.get("labels") or {}), identity(obj)
        kinds[obj["kind"]] += 1
    assert kinds["Namespace"] >= 1 + len(deployed.plan["tenants"])


def test_the_plan_builds_no_helm_managed_object(deployed: Deployment) -> None:
    """What is applied here is only what govcloud builds: Helm releases are resources of their own."""
    releases = [r for r in deployed.plan["resources"] if r["type"] == "kubernetes:helm.sh/v3:Release"]
    assert releases, "every example stack installs charts"
    assert not [o for o in deployed.objects if o["kind"] == "Release"]


def test_the_kubeconfig_serves_kubectl(deployed: Deployment) -> None:
    """The same kubeconfig drives the built kubectl (and so testinfra's ``kubectl://`` backend, which runs it):
    it sees the stack's namespaces and answers as a tenant group through impersonation."""
    kubectl = [str(tool("kubectl")), "--kubeconfig", str(deployed.plane.kubeconfig)]
    listed = subprocess.run([*kubectl, "get", "namespaces", "-o", "name"], capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert {f"namespace/{n}" for n in deployed.tenant_namespaces} <= set(listed.stdout.split())
    namespace = deployed.tenant_namespaces[0]
    admins = tenant_groups(deployed, namespace)["admin"][0]
    can = [*kubectl, "auth", "can-i", "--as", "someone", "--as-group", admins, "-n", namespace]
    assert subprocess.run([*can, "get", "pods"], capture_output=True, text=True, timeout=60).stdout.strip() == "yes"
    assert (
        subprocess.run([*can, "delete", "networkpolicies"], capture_output=True, text=True, timeout=60).stdout.strip()
        == "no"
    )
