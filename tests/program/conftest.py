"""Synthesize each bundled example stack once per test session, with a fixed 'today'."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from govcloud.synth.engine import SynthResult, synthesize
from govcloud.synth.plan import plan_document
from govcloud.synth.policy import run_policies

REPO_ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-11-25"
EXAMPLE_STACKS = ("national-prod", "dev", "th76-prod")

_cache: dict[str, tuple[SynthResult, dict[str, Any]]] = {}


def synthesized(stack: str) -> tuple[SynthResult, dict[str, Any]]:
    if stack not in _cache:
        result = synthesize(REPO_ROOT, stack, TODAY)
        document = plan_document(result)
        _cache[stack] = (result, plan_document(result, run_policies(document)))
    return _cache[stack]


@pytest.fixture(params=EXAMPLE_STACKS)
def example_plan(request: pytest.FixtureRequest) -> dict[str, Any]:
    return synthesized(request.param)[1]


@pytest.fixture
def national_plan() -> dict[str, Any]:
    return synthesized("national-prod")[1]


def resources_of(plan: dict[str, Any], kind: str, namespace: str | None = None) -> list[dict[str, Any]]:
    found = []
    for resource in plan["resources"]:
        inputs = resource["inputs"]
        if inputs.get("kind") == kind and (namespace is None or inputs["metadata"].get("namespace") == namespace):
            found.append(resource)
    return found
