"""A site as one stack or sharded into a platform stack plus one stack per tenant: the same resources."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from govcloud.cli import app
from govcloud.synth.capture import STACK_REFERENCE
from govcloud.synth.engine import synthesize
from govcloud.synth.plan import plan_document
from tests.program.conftest import REPO_ROOT, TODAY, synthesized


def _normalized(plan: dict[str, Any]) -> set[tuple[str, ...]]:
    """Resources without their stack: (qualified type chain, name, inputs, protect, retain)."""
    found = set()
    for resource in plan["resources"]:
        if resource["type"] == STACK_REFERENCE:
            continue
        qualified = resource["urn"].split("::", 2)[2]
        found.add(
            (
                qualified,
                json.dumps(resource["inputs"], sort_keys=True),
                str(resource["protect"]),
                str(resource["retainOnDelete"]),
            )
        )
    return found


@pytest.fixture(scope="module")
def sharded_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("sharded")
    shutil.copytree(REPO_ROOT / "stacks", project / "stacks")
    config = project / "stacks" / "Pulumi.national-prod.yaml"
    config.write_text(config.read_text("utf-8").replace("govcloud:layout: single", "govcloud:layout: sharded"))
    result = CliRunner().invoke(app, ["stacks", "--stack", "national-prod", "--write", "--project", str(project)])
    assert result.exit_code == 0, result.output
    return project


def test_stacks_lists_and_writes_one_stack_per_tenant(sharded_project: Path) -> None:
    written = sorted(p.name for p in (sharded_project / "stacks").glob("Pulumi.national-prod.*.yaml"))
    assert written == [f"Pulumi.national-prod.{t}.yaml" for t in synthesized("national-prod")[1]["tenants"]]
    nso = yaml.safe_load((sharded_project / "stacks" / "Pulumi.national-prod.nso.yaml").read_text("utf-8"))
    assert nso["config"]["govcloud:tenant"] == "nso" and nso["config"]["govcloud:siteStack"] == "national-prod"
    assert nso["config"]["govcloud:layout"] == "sharded"


def test_the_union_of_the_sharded_plans_is_the_single_stack_plan(sharded_project: Path) -> None:
    single = synthesized("national-prod")[1]
    platform = plan_document(synthesize(sharded_project, "national-prod", TODAY))
    assert platform["tenants"] == []
    union = _normalized(platform)
    for tenant in single["tenants"]:
        plan = plan_document(synthesize(sharded_project, f"national-prod.{tenant}", TODAY))
        assert plan["tenants"] == [tenant]
        for cluster in [r for r in plan["resources"] if r["inputs"].get("kind") == "Cluster"]:
            annotations = cluster["inputs"]["metadata"]["annotations"]
            assert annotations["govcloud.go.th/database-operator"] == "cloudnative-pg-0.29.0", "read from the platform"
        union |= _normalized(plan)
    assert union == _normalized(single)


def test_a_tenant_stack_declares_only_its_tenant(sharded_project: Path) -> None:
    plan = plan_document(synthesize(sharded_project, "national-prod.tmd", TODAY))
    names = {
        r["inputs"]["metadata"]["namespace"]
        for r in plan["resources"]
        if "metadata" in r["inputs"] and "namespace" in r["inputs"]["metadata"]
    }
    assert names == {"tmd", "ckan"}, "its own namespace, and its CKAN organization's bootstrap Job"
    assert not any(r["type"] == "govcloud:site:SitePlatform" for r in plan["resources"])
