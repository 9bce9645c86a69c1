"""Synth's caller of the policy pack: the same policy functions, over the captured plan."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from govcloud.policy.baseline import POLICIES
from govcloud.policy.framework import Enforcement, ResourceView, Violation, evaluate


def views(document: Mapping[str, Any]) -> list[ResourceView]:
    return [
        ResourceView(
            urn=r["urn"],
            type=r["type"],
            name=r["name"],
            inputs=r["inputs"],
            protect=r["protect"],
            retain_on_delete=r["retainOnDelete"],
        )
        for r in document["resources"]
        if r["custom"]
    ]


def run_policies(document: Mapping[str, Any]) -> list[Violation]:
    return evaluate(POLICIES, views(document))


def mandatory_failures(violations: Sequence[Violation]) -> list[Violation]:
    return [v for v in violations if v.enforcement == Enforcement.MANDATORY.value]
