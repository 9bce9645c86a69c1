"""Fixtures of the control-plane tests: one real control plane per test session, one stack applied at a time.

``control_plane`` (session): etcd + kube-apiserver + kube-controller-manager on 127.0.0.1 free ports, with
every upstream CRD of ``../shared/schemas/crds/`` and of the tools step's CRD cache (EnvoyProxy, BackendTLSPolicy:
``tools/build.d/30-crds.sh``) installed and Established. It yields a
:class:`~tests.cluster.controlplane.ControlPlane`:

* ``.server_url`` – ``https://127.0.0.1:<port>``
* ``.kubeconfig`` – a kubeconfig file for the admin (``system:masters``); give it to kubectl,
  ``govcloud audit --kubeconfig``, ``kubernetes.config`` or testinfra's ``kubectl://`` backend
* ``.api_client()`` – an official ``kubernetes`` ``ApiClient`` for the admin
* ``.kube()`` – the tests' REST client: server-side apply, create, get, list, delete, and
  ``.acting_as(user, groups)`` for impersonation

Other test folders reuse it with ``from tests.cluster.conftest import control_plane  # noqa: F401``.

``deployed`` (session, one parameter per example stack): the stack's plan, synthesized offline, with every
Kubernetes object govcloud builds itself applied for real. pytest groups the tests by stack, so each stack
is applied once; when the next stack comes, the previous one's namespaces and cluster-scoped objects are
deleted first (the stacks share namespace names).

Missing binaries skip the tests outside CI and fail them in CI (``tests/prerequisites.py``); the message
names ``bash tools/build-tools.sh``.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest

from govcloud.naming import label
from govcloud.synth.plan import kubernetes_objects
from tests.cluster.controlplane import (
    ApiError,
    ControlPlane,
    Kube,
    install_crds,
    start_control_plane,
    upstream_crd_documents,
)
from tests.conftest import shared_root
from tests.prerequisites import missing, tool
from tests.program.conftest import EXAMPLE_STACKS, synthesized

BINARIES = ("etcd", "kube-apiserver", "kube-controller-manager")
TENANT_LABEL = label("tenant")


@pytest.fixture(scope="session")
def control_plane(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ControlPlane]:
    """A real control plane for the whole session, the upstream CRDs installed; stopped by PID at the end."""
    binaries = {name: tool(name) for name in BINARIES}
    crd_root = shared_root() / "schemas" / "crds"
    if not crd_root.is_dir():
        missing(f"../shared is absent ({crd_root}): the upstream CRDs must be installed before anything else")
    plane = start_control_plane(tmp_path_factory.mktemp("control-plane"), binaries)
    try:
        install_crds(plane.kube(), upstream_crd_documents(crd_root))
        yield plane
    finally:
        plane.stop()


# ------------------------------------------------------------------------------------ applying a plan

_ORDER: Mapping[str, int] = {
    "Namespace": 0,
    "CustomResourceDefinition": 0,
    "StorageClass": 1,
    "ClusterRole": 1,
    "ClusterRoleBinding": 2,
    "ValidatingAdmissionPolicy": 1,
    "ValidatingAdmissionPolicyBinding": 2,
    "ServiceAccount": 3,
    "Role": 3,
    "RoleBinding": 4,
    "LimitRange": 4,
    "ResourceQuota": 4,
    "ConfigMap": 5,
    "Secret": 5,
    "NetworkPolicy": 5,
    "Service": 6,
}
"""Dependency order: namespaces and definitions first, then what admits or constrains workloads."""
WORKLOAD_RANK = 7
CUSTOM_RANK = 8


def apply_rank(obj: Mapping[str, Any]) -> int:
    kind = str(obj.get("kind"))
    if kind in _ORDER:
        return _ORDER[kind]
    group = str(obj.get("apiVersion", "")).rpartition("/")[0]
    return WORKLOAD_RANK if group in ("", "apps", "batch", "networking.k8s.io", "policy") else CUSTOM_RANK


def in_apply_order(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(objects, key=apply_rank)


def identity(obj: Mapping[str, Any]) -> str:
    metadata = obj.get("metadata") or {}
    where = f"{metadata['namespace']}/" if metadata.get("namespace") else ""
    return f"{obj.get('kind')} {where}{metadata.get('name')}"


@dataclass
class Deployment:
    """One example stack applied to the control plane."""

    stack: str
    plan: dict[str, Any]
    objects: list[dict[str, Any]]
    """Every Kubernetes object the plan builds itself, in apply order (Helm releases are not among them)."""
    plane: ControlPlane
    refused_dry_run: dict[str, str] = field(default_factory=dict)
    """Objects the server refused under ``dryRun=All`` with strict field validation: identity -> message."""
    refused: dict[str, str] = field(default_factory=dict)
    """Objects the server refused when applied for real: identity -> message (a test asserts it is empty)."""

    @functools.cached_property
    def kube(self) -> Kube:
        """One client for the stack's tests: its connection pool is reused (a TLS handshake per request
        made the RBAC matrix ten times slower)."""
        return self.plane.kube()

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [o for o in self.objects if o.get("kind") == kind]

    @property
    def tenant_namespaces(self) -> list[str]:
        """Namespaces labelled with a tenant (their names are the naming module's business, not ours)."""
        return sorted(
            str(ns["metadata"]["name"])
            for ns in self.of_kind("Namespace")
            if TENANT_LABEL in ns["metadata"].get("labels", {})
        )

    def reapply(self, namespace: str | None = None) -> None:
        """Apply the plan's objects again (those of one namespace, or all): undo drift a test made."""
        for obj in self.objects:
            metadata = obj.get("metadata") or {}
            if namespace is None or metadata.get("namespace") == namespace or identity(obj) == f"Namespace {namespace}":
                self.kube.apply(obj)


def plan_objects(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    return in_apply_order(kubernetes_objects(plan["resources"]))


def wipe(kube: Kube, objects: list[dict[str, Any]]) -> None:
    """Delete what a previous stack applied: cluster-scoped objects, then its namespaces (waited for)."""
    namespaces = [str(o["metadata"]["name"]) for o in objects if o.get("kind") == "Namespace"]
    for obj in objects:
        metadata = obj.get("metadata") or {}
        if obj.get("kind") != "Namespace" and not metadata.get("namespace"):
            kube.delete(str(obj["apiVersion"]), str(obj["kind"]), str(metadata["name"]))
    for namespace in namespaces:
        kube.delete("v1", "Namespace", namespace)
    for namespace in namespaces:
        kube.wait_gone("v1", "Namespace", namespace, timeout=120)


def apply_in_order(kube: Kube, objects: list[dict[str, Any]], *, dry_run: bool = False) -> dict[str, str]:
    """Apply rank by rank (objects of one rank in parallel); the refusals, identity -> server message.

    Under ``dry_run`` the namespaces are also created for real once their own dry run passed.
    """
    refused: dict[str, str] = {}

    def one(obj: dict[str, Any]) -> None:
        try:
            kube.apply(obj, dry_run=dry_run)
            if dry_run and apply_rank(obj) == 0:
                kube.apply(obj)
        except ApiError as error:
            refused[identity(obj)] = error.message

    for _, group in itertools.groupby(objects, key=apply_rank):
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(one, group))
    return refused


_current: dict[str, Deployment] = {}


@pytest.fixture(scope="session", params=EXAMPLE_STACKS)
def deployed(request: pytest.FixtureRequest, control_plane: ControlPlane) -> Deployment:
    """The example stack ``request.param`` applied for real (after the previous stack was wiped)."""
    stack = str(request.param)
    previous = _current.pop("stack", None)
    kube = control_plane.kube()
    if previous is not None:
        wipe(kube, previous.objects)
    plan = synthesized(stack)[1]
    deployment = Deployment(stack, plan, plan_objects(plan), control_plane)
    # First every object under dryRun=All, in dependency order; a dry run stores nothing, so the namespaces
    # (rank 0) are created for real once they passed theirs, or nothing namespaced could be admitted.
    deployment.refused_dry_run = apply_in_order(kube, deployment.objects, dry_run=True)
    deployment.refused = apply_in_order(kube, deployment.objects)
    _current["stack"] = deployment
    return deployment


def tenant_groups(deployment: Deployment, namespace: str) -> dict[str, list[str]]:
    """The identity-provider groups bound to each tenant role in ``namespace``, read from the plan."""
    groups: dict[str, list[str]] = {}
    for binding in deployment.of_kind("RoleBinding"):
        metadata = binding["metadata"]
        name = str(metadata["name"])
        if metadata.get("namespace") == namespace and name.startswith("govcloud-tenant-"):
            role = name.removeprefix("govcloud-tenant-")
            groups[role] = [str(s["name"]) for s in binding.get("subjects") or [] if s.get("kind") == "Group"]
    return groups


__all__ = ["EXAMPLE_STACKS", "Deployment", "control_plane", "deployed", "tenant_groups"]
