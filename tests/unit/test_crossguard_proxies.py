"""The CrossGuard caller sees properties the way the real analyzer hands them: wrapped in unknown-checking proxies.

``pulumi_policy`` wraps every resource's properties with ``unknown_checking_proxy`` before a policy runs (its
``Analyze`` and ``AnalyzeStack``); the proxies are a ``Mapping`` and a ``Sequence``, not a ``dict`` and a
``list``. A policy that reads them through ``isinstance(x, dict)`` sees nothing: under the real engine that
reported GC-DATA-004 on every database and attached GC-TLS-002 to the stack. Here every case of the policy
tests runs through the proxies and must give synth's answer.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from govcloud.policy.baseline import POLICIES
from govcloud.policy.crossguard import UNKNOWN, plain
from govcloud.policy.framework import Enforcement, Policy, ResourceView, evaluate
from tests import crossguard_runner
from tests.unit.test_policies import COMPLIANT, VIOLATIONS


def _proxied(resources: Sequence[ResourceView]) -> set[tuple[str, str]]:
    """(policy id, urn) the CrossGuard policies report over proxied properties, as the analyzer runs them."""
    return {(r.message.split(":")[0], r.resource or r.urn or "") for r in crossguard_runner.run(resources)}


@pytest.mark.parametrize(
    ("policy_id", "resources", "message"),
    [v for v in VIOLATIONS if not ("not retained" in v[2] or "not a Pulumi secret" in v[2])],
    ids=lambda v: v if isinstance(v, str) and v.startswith("GC-") else "",
)
def test_proxied_properties_give_synths_answer(policy_id: str, resources: list[ResourceView], message: str) -> None:
    synth = {(v.policy.split()[0], v.urn) for v in evaluate(POLICIES, resources)}
    assert _proxied(resources) == synth


def test_proxied_compliant_platform_passes() -> None:
    assert _proxied(COMPLIANT) == set()


def test_plain_unwraps_proxies_and_shows_unknowns_as_synth_does() -> None:
    proxied = unknown_checking_proxy({"metadata": {"name": "x", "labels": {"a": UNKNOWN_STRING_VALUE}}, "l": [1]})
    value = plain(proxied)
    assert value == {"metadata": {"name": "x", "labels": {"a": UNKNOWN}}, "l": [1]}
    assert type(value["metadata"]) is dict and type(value["l"]) is list


def test_checks_see_the_resource_as_the_analyzer_describes_it() -> None:
    """Type, name, URN and protect reach both kinds of check unchanged, and properties are never taken for masked
    secrets (CrossGuard hands real values to the analyzer; only synth masks them)."""
    seen: list[tuple[str, ResourceView]] = []

    def record_resource(view: ResourceView) -> list[str]:
        seen.append(("resource", view))
        return []

    def record_stack(views: Sequence[ResourceView]) -> list[tuple[str, str]]:
        seen.extend(("stack", view) for view in views)
        return []

    probe = Policy(
        id="GC-TEST-001",
        name="probe",
        description="records what a check sees",
        rationale="test",
        controls=("test",),
        enforcement=Enforcement.MANDATORY,
        resource_check=record_resource,
        stack_check=record_stack,
    )
    shapes = [
        ("kubernetes:core/v1:Namespace", "urn:pulumi:s::p::kubernetes:core/v1:Namespace::nso", "nso", True),
        ("kubernetes:core/v1:ConfigMap", "urn:pulumi:s::p::kubernetes:core/v1:ConfigMap::settings", "settings", False),
    ]
    views = [
        ResourceView(urn=urn, type=kind, name=name, inputs={"metadata": {"name": name}}, protect=protect)
        for kind, urn, name, protect in shapes
    ]
    assert crossguard_runner.run(views, [probe]) == []
    expected = [(kind, urn, name, protect) for kind, urn, name, protect in shapes]
    for path in ("resource", "stack"):
        views = [view for where, view in seen if where == path]
        assert [(v.type, v.urn, v.name, v.protect) for v in views] == expected, path
        assert all(v.secrets_masked is False for v in views), path
        assert all(v.inputs == {"metadata": {"name": v.name}} for v in views), path
