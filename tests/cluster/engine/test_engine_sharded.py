"""The local site in the sharded layout with the real engine.

The platform stack and one stack per tenant share a ``file://`` backend; tenant stacks read the platform's
outputs through a ``StackReference``. Every object is declared by exactly one stack, so exactly one Pulumi field
manager owns it on the server. Changing one tenant's file changes that tenant's stack only.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.engine.conftest import STACK, LocalSite

TENANTS = ("doae", "nso", "tmd")
PULUMI_MANAGER = "pulumi-kubernetes-"
"""The prefix of the provider's server-side-apply field managers, one per resource (pulumi/pulumi-kubernetes
provider/pkg/provider/provider.go, ``fieldManagerName``, v4.25.0)."""


def _tenant_stack(tenant: str) -> str:
    return f"{STACK}.{tenant}"


STACKS = (STACK, *(_tenant_stack(t) for t in TENANTS))


@pytest.fixture(scope="module")
def sharded(local_site: LocalSite) -> Iterator[LocalSite]:
    """The local site switched to the sharded layout, its tenant stack files written by ``govcloud stacks``."""
    with local_site.config_file.open("a", encoding="utf-8") as config:
        config.write("  govcloud:layout: sharded\n")
    done = subprocess.run(
        [
            *(str(Path(sys.executable).parent / "govcloud"), "stacks", "--stack", STACK),
            *("--project", str(local_site.project), "--write"),
        ],
        env=local_site.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    yield local_site


def _kubernetes_resources(site: LocalSite, stack: str) -> list[dict[str, Any]]:
    """The Kubernetes objects in a stack's state (the provider resources left out)."""
    resources: list[dict[str, Any]] = site.ok("export", stack)["deployment"]["resources"]
    return [
        r
        for r in resources
        if r["type"].startswith("kubernetes:") and r.get("custom") and not r["type"].startswith("pulumi:providers:")
    ]


def _identity(resource: dict[str, Any]) -> tuple[str, str, str]:
    metadata = resource["outputs"]["metadata"]
    return resource["outputs"]["kind"], metadata.get("namespace", ""), metadata["name"]


def test_platform_then_tenant_stacks_deploy_and_then_preview_no_change(sharded: LocalSite) -> None:
    platform = sharded.ok("up")
    assert platform["outputs"]["platform"]["databaseOperator"].startswith("cloudnative-pg-")
    assert platform["outputs"]["tenants"] == list(TENANTS)
    for tenant in TENANTS:
        up = sharded.ok("up", _tenant_stack(tenant))
        assert up["changes"].get("create", 0) > 5, (tenant, up["changes"])
        assert sharded.plane.kube().get("v1", "Namespace", tenant) is not None
    for stack in STACKS:
        assert set(sharded.ok("preview", stack)["changes"]) == {"same"}, stack


def test_every_object_is_declared_by_one_stack_and_owned_by_one_field_manager(sharded: LocalSite) -> None:
    """Two stacks declaring one object would each apply it under a field manager of its own: a conflict, or with
    ``pulumi.com/patchForce`` a silent tug of war. Each fact belongs to exactly one stack."""
    states = {stack: _kubernetes_resources(sharded, stack) for stack in STACKS}
    declared = Counter(_identity(r) for resources in states.values() for r in resources)
    twice = sorted(key for key, count in declared.items() if count > 1)
    assert not twice, twice
    kube = sharded.plane.kube()
    shared = []
    for stack, resources in states.items():
        for resource in resources:
            if resource["type"].endswith("Patch"):
                continue  # a patch shares its object with the controller that made it
            obj = resource["outputs"]
            live = kube.get(obj["apiVersion"], obj["kind"], obj["metadata"]["name"], obj["metadata"].get("namespace"))
            assert live is not None, resource["urn"]
            managers = {m["manager"] for m in live["metadata"].get("managedFields") or []}
            pulumi_managers = sorted(m for m in managers if m.startswith(PULUMI_MANAGER))
            if len(pulumi_managers) != 1:
                shared.append((stack, resource["urn"].rsplit("::", 1)[-1], pulumi_managers))
    assert not shared, shared


def test_one_tenants_change_changes_only_its_stack(sharded: LocalSite) -> None:
    request = sharded.stacks / STACK / "tenants" / "doae.yaml"
    text = request.read_text("utf-8")
    request.write_text(text.replace("analysts: [doae-analysts]", "analysts: [doae-analysts, doae-economists]"), "utf-8")
    changed = {stack: sharded.ok("preview", stack)["changes"] for stack in STACKS}
    assert changed.pop(_tenant_stack("doae")).get("update", 0) >= 1
    assert all(set(changes) == {"same"} for changes in changed.values()), changed
    updated = sharded.ok("up", _tenant_stack("doae"))
    assert updated["changes"].get("update", 0) >= 1 and not updated["changes"].get("delete"), updated["changes"]
    binding = sharded.plane.kube().get("rbac.authorization.k8s.io/v1", "RoleBinding", "govcloud-tenant-analyst", "doae")
    assert binding is not None
    assert "doae-economists" in {s["name"] for s in binding["subjects"]}
    assert set(sharded.ok("preview", _tenant_stack("doae"))["changes"]) == {"same"}
