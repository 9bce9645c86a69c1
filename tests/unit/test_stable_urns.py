"""Synth gives resources the engine's URNs, records their aliases as the engine derives them, and ``govcloud diff``
follows an alias instead of reporting a delete and a create (issue 15, stable identities)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
from pulumi.runtime import set_mocks, settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from govcloud.synth.capture import CapturingMonitor, EchoMocks
from govcloud.synth.diff import Action, diff_plans
from govcloud.synth.plan import resource_json
from govcloud.synth.urns import engine_urn

STACK, PROJECT = "dev", "govcloud"


def test_engine_urns_carry_the_whole_parent_chain_but_not_the_stack() -> None:
    stack_urn = engine_urn(STACK, PROJECT, None, "pulumi:pulumi:Stack", "govcloud-dev")
    site = engine_urn(STACK, PROJECT, stack_urn, "govcloud:site:Site", "national")
    assert site == "urn:pulumi:dev::govcloud::govcloud:site:Site::national"
    tenant = engine_urn(STACK, PROJECT, site, "govcloud:tenant:Tenant", "nso")
    bucket = engine_urn(STACK, PROJECT, tenant, "test:index:Bucket", "nso-raw")
    assert bucket == "urn:pulumi:dev::govcloud::govcloud:site:Site$govcloud:tenant:Tenant$test:index:Bucket::nso-raw"


class _Thing(pulumi.CustomResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions) -> None:
        super().__init__("test:index:Thing", name, {"size": 1}, opts)


def _plan(program: Callable[[], None]) -> dict[str, Any]:
    settings.ROOT.set(None)
    mocks = EchoMocks()
    monitor = CapturingMonitor(mocks)
    set_mocks(mocks, project=PROJECT, stack=STACK, preview=False, monitor=monitor)
    _sync_await(run_pulumi_func(program))
    return {"resources": [resource_json(r) for r in monitor.registrations.values()]}


def _before() -> None:
    outer = pulumi.ComponentResource("test:index:Site", "site")
    tenant = pulumi.ComponentResource("test:index:Tenant", "nso", opts=pulumi.ResourceOptions(parent=outer))
    _Thing("nso-raw", pulumi.ResourceOptions(parent=tenant))


def _after_retyped_with_alias() -> None:
    """The tenant component changes type (a refactoring); its alias names the old type."""
    outer = pulumi.ComponentResource("test:index:Site", "site")
    tenant = pulumi.ComponentResource(
        "test:index:AgencyTenant",
        "nso",
        opts=pulumi.ResourceOptions(parent=outer, aliases=[pulumi.Alias(type_="test:index:Tenant")]),
    )
    _Thing("nso-raw", pulumi.ResourceOptions(parent=tenant))


def _after_retyped_without_alias() -> None:
    outer = pulumi.ComponentResource("test:index:Site", "site")
    tenant = pulumi.ComponentResource("test:index:AgencyTenant", "nso", opts=pulumi.ResourceOptions(parent=outer))
    _Thing("nso-raw", pulumi.ResourceOptions(parent=tenant))


def test_a_child_inherits_its_parents_alias_and_diff_follows_it() -> None:
    before, after = _plan(_before), _plan(_after_retyped_with_alias)
    old_thing = next(r for r in before["resources"] if r["type"] == "test:index:Thing")
    new_thing = next(r for r in after["resources"] if r["type"] == "test:index:Thing")
    assert old_thing["urn"] != new_thing["urn"], "the type chain is part of the URN"
    assert old_thing["urn"] in new_thing["aliases"], "the engine carries the parent's alias down to the child"
    actions = {c.action for c in diff_plans(before, after).changes}
    assert Action.REMOVE not in actions and Action.ADD not in actions


def test_without_an_alias_diff_reports_a_delete_and_a_create() -> None:
    before, after = _plan(_before), _plan(_after_retyped_without_alias)
    things = [c for c in diff_plans(before, after).changes if c.type == "test:index:Thing"]
    assert sorted(c.action for c in things) == sorted([Action.REMOVE, Action.ADD])


def _as_the_sdk_mock_named_them(plan: dict[str, Any]) -> dict[str, Any]:
    """The same plan with the URNs synth wrote before issue 15 (pulumi.runtime.mocks ``make_urn``)."""
    stack_urn = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}"
    renamed: dict[str, str] = {}

    def mock_urn(resource: dict[str, Any]) -> str:
        parent = renamed.get(resource["parent"], stack_urn) if resource["parent"] else stack_urn
        parent_type = parent.split("::")[2].split("$")[-1]
        return f"urn:pulumi:{STACK}::{PROJECT}::{parent_type}${resource['type']}::{resource['name']}"

    resources = []
    for resource in plan["resources"]:  # registration order: parents first
        renamed[resource["urn"]] = mock_urn(resource)
        parent = renamed.get(resource["parent"], resource["parent"])
        resources.append({**resource, "urn": renamed[resource["urn"]], "parent": parent})
    return {"resources": resources}


def test_diff_reads_a_plan_written_with_the_mocks_urns_as_the_same_resources() -> None:
    """A base synthesized by older code (diff --base runs the base's own code) is not a mass delete and create."""
    plan = _plan(_before)
    old = _as_the_sdk_mock_named_them(plan)
    assert {r["urn"] for r in old["resources"]} != {r["urn"] for r in plan["resources"]}
    assert diff_plans(old, plan).changes == []
