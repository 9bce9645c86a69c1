"""Issue 10: tenant boundaries hold whatever a request file says — network (class 1) and hosts (class 3).

The invariant runs over every example stack and over generated stacks: no NetworkPolicy rule of a tenant
can select another tenant's pods, no pod of one tenant may connect to a pod of another, and no active
agreement adds a network allowance.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import STACK, make_site
from benchmarks.generate import TODAY as GENERATED_TODAY
from govcloud.access import active_grants
from govcloud.analysis.isolation import cross_tenant_paths, cross_tenant_rules
from govcloud.contract.stack import load_stack
from govcloud.manifests.sharing import sharing_network_policies
from govcloud.synth.engine import synthesize
from govcloud.synth.plan import plan_document
from tests.access_matrix import network_matrix
from tests.program.conftest import EXAMPLE_STACKS, REPO_ROOT, TODAY, resources_of, synthesized


def _network(plan: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, dict[str, str]]]:
    namespaces = {
        r["inputs"]["metadata"]["name"]: r["inputs"]["metadata"].get("labels", {})
        for r in resources_of(plan, "Namespace")
    }
    return [r["inputs"] for r in resources_of(plan, "NetworkPolicy")], namespaces


def _assert_isolated(plan: dict[str, Any], tenants: list[str]) -> None:
    policies, namespaces = _network(plan)
    assert set(tenants) <= set(namespaces), "every tenant has its namespace in the plan"
    assert cross_tenant_rules(policies, namespaces, tenants) == []
    paths = sorted(network_matrix(plan))  # the evaluator's verdict, as the access matrix reports it
    assert paths == [], "\n".join(p.why for p in paths[:10])


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_no_tenant_reaches_another_in_any_example_stack(stack: str) -> None:
    plan = synthesized(stack)[1]
    definition = load_stack(REPO_ROOT / "stacks", stack, TODAY)
    _assert_isolated(plan, [t.name for t in definition.tenants])
    for grant in active_grants(definition):
        provider, consumer = definition.tenant(grant.provider), definition.tenant(grant.consumer)
        assert sharing_network_policies(grant, provider, consumer) == []


@pytest.mark.parametrize("tenants", [9, 16])
def test_no_tenant_reaches_another_in_generated_stacks(tmp_path: Path, tenants: int) -> None:
    project = make_site(tmp_path, tenants, "single")
    definition = load_stack(project / "stacks", STACK, GENERATED_TODAY)
    assert active_grants(definition), "the generated site has active agreements, the case that used to leak"
    plan = plan_document(synthesize(project, STACK, GENERATED_TODAY))
    _assert_isolated(plan, [t.name for t in definition.tenants])


def test_hostile_agreement_gives_the_consumer_no_way_into_the_providers_trino() -> None:
    """moph-to-nso-health-stats used to let nso's Trino query moph's coordinator, hence all of moph's data."""
    plan = synthesized("national-prod")[1]
    policies, namespaces = _network(plan)
    assert not [p for p in policies if "sharing" in p["metadata"]["name"]]
    tenants = list(plan["tenants"])
    hostile = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "sharing-moph-to-nso-health-stats-egress", "namespace": "nso"},
        "spec": {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "moph"}}}]}],
        },
    }
    assert cross_tenant_rules([*policies, hostile], namespaces, tenants) == [
        "NetworkPolicy nso/sharing-moph-to-nso-health-stats-egress egress[0]: namespaceSelector selects tenant "
        "namespaces moph"
    ], "the analysis would catch the old design"
    ingress = {
        **hostile,
        "metadata": {"name": "sharing-moph-to-nso-health-stats-ingress", "namespace": "moph"},
        "spec": {
            "podSelector": {},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "nso"}}}]}],
        },
    }
    leaks = cross_tenant_paths([*policies, hostile, ingress], namespaces, tenants)
    assert leaks and {(v.src.namespace, v.dst.namespace) for v in leaks} == {("nso", "moph")}  # type: ignore[union-attr]
