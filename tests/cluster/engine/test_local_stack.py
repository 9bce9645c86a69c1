"""The local test stack the engine tests deploy, offline: what its two test-only site settings do and that a
production stack may not use them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from govcloud.components.helm import SKIPPED_TYPE_TOKEN
from govcloud.components.site import SKIP_AWAIT
from govcloud.contract.site import SiteConfig
from govcloud.synth.engine import synthesize
from govcloud.synth.plan import plan_document
from tests.conftest import REPO_ROOT

TODAY = "2026-11-25"
WAITED_FOR = {"Deployment", "StatefulSet", "Job", "Service", "PersistentVolumeClaim"}
"""Kinds whose readiness the provider awaits and a real site must wait for (Gateways and Certificates never
wait for an address: govcloud/manifests/gateway.py skips their await everywhere)."""


def _config(stack: str) -> dict[str, Any]:
    raw = yaml.safe_load((REPO_ROOT / "stacks" / f"Pulumi.{stack}.yaml").read_text("utf-8"))["config"]
    return {key.removeprefix("govcloud:"): value for key, value in raw.items()}


@pytest.fixture(scope="module")
def local_plan() -> dict[str, Any]:
    return plan_document(synthesize(REPO_ROOT, "local", TODAY))


def test_the_local_stack_turns_releases_and_waits_off_and_is_not_production() -> None:
    site = SiteConfig.model_validate(_config("local"))
    assert (site.helm_releases, site.readiness_waits, site.environment) == (False, False, "dev")


@pytest.mark.parametrize("setting", ["helmReleases", "readinessWaits"])
def test_a_production_stack_may_not_turn_them_off(setting: str) -> None:
    config = {**_config("national-prod"), setting: False}
    with pytest.raises(ValidationError) as caught:
        SiteConfig.model_validate(config)
    (error,) = caught.value.errors()
    assert error["loc"] == (setting,)
    assert "production stack" in error["msg"]
    assert SiteConfig.model_validate({**config, setting: True, "environment": "prod"})


def test_without_releases_every_release_is_a_placeholder_and_every_object_skips_the_wait(
    local_plan: dict[str, Any],
) -> None:
    types = [r["type"] for r in local_plan["resources"]]
    assert not [t for t in types if t.startswith("kubernetes:helm.sh/")], "no chart is fetched"
    assert types.count(SKIPPED_TYPE_TOKEN) >= 5, "each platform release is still named in the plan"
    objects = [
        r["inputs"]
        for r in local_plan["resources"]
        if r["type"].startswith("kubernetes:") and isinstance(r.get("inputs", {}).get("metadata"), dict)
    ]
    assert len(objects) > 80
    assert all(o["metadata"].get("annotations", {}).get(SKIP_AWAIT) == "true" for o in objects)


def test_a_stack_that_does_not_set_them_releases_and_waits() -> None:
    plan = plan_document(synthesize(REPO_ROOT, "dev", TODAY))
    assert SKIPPED_TYPE_TOKEN not in {r["type"] for r in plan["resources"]}
    workloads = [
        r["inputs"]
        for r in plan["resources"]
        if r["type"].rsplit(":", 1)[-1] in WAITED_FOR and isinstance((r.get("inputs") or {}).get("metadata"), dict)
    ]
    assert workloads
    assert not any(SKIP_AWAIT in (w["metadata"].get("annotations") or {}) for w in workloads)


def test_the_local_stack_has_a_database_open_data_and_an_active_and_an_expiring_agreement() -> None:
    folder = Path(REPO_ROOT / "stacks" / "local")
    tenants = [yaml.safe_load(p.read_text("utf-8")) for p in sorted((folder / "tenants").glob("*.yaml"))]
    assert any("database" in t["spec"] for t in tenants)
    assert any(t["spec"].get("openData", {}).get("enabled") for t in tenants)
    agreements = [yaml.safe_load(p.read_text("utf-8")) for p in sorted((folder / "sharing").glob("*.yaml"))]
    ends = sorted(str(a["spec"]["validUntil"]) for a in agreements)
    assert len(ends) == 2 and ends[0] < ends[1]
