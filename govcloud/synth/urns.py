"""Pulumi URNs as the engine makes them: pure, so ``govcloud diff`` of two plan files needs no Pulumi SDK."""

from __future__ import annotations

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


def engine_urn(stack: str, project: str, parent: str | None, type_: str, name: str) -> str:
    """The URN the Pulumi engine gives a resource: its parent's whole qualified type chain, then its own type,
    the root stack's type left out (pulumi/pulumi pkg/resource/deploy/deployment.go ``generateURN`` and
    sdk/go/common/resource/urn.go ``NewURN``). The SDK's MockMonitor keeps only the parent's last type and
    keeps the stack's, so re-parenting a component higher up would change a real URN but not a mocked one."""
    qualified = type_
    if parent:
        parent_type = parent.split("::")[2]
        if parent_type != ROOT_STACK_TYPE:
            qualified = f"{parent_type}${type_}"
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"
