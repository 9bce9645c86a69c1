"""The same policies as CrossGuard policies, for ``pulumi preview --policy-pack policies/``.

CrossGuard's API does not expose ``retainOnDelete``, so under the CLI that half of GC-DATA-001 is
checked by ``govcloud synth`` only. CrossGuard also hands policies secret values in plaintext, so the
"Secret value is not a Pulumi secret" half of GC-SEC-001 runs in synth only (literal credentials are
caught by both).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from govcloud.policy.baseline import POLICIES
from govcloud.policy.framework import Enforcement, Policy, ResourceView

PACK_NAME = "govcloud-baseline"


def _view(resource_type: str, props: Any, urn: str, name: str, protect: bool) -> ResourceView:
    return ResourceView(
        urn=urn, type=resource_type, name=name, inputs=dict(props), protect=protect, secrets_masked=False
    )


def _level(policy: Policy) -> EnforcementLevel:
    return EnforcementLevel.MANDATORY if policy.enforcement is Enforcement.MANDATORY else EnforcementLevel.ADVISORY


def _description(policy: Policy) -> str:
    return f"{policy.id}: {policy.description} Why: {policy.rationale} Controls: {', '.join(policy.controls)}."


def _resource_policy(policy: Policy) -> ResourceValidationPolicy:
    check = policy.resource_check
    assert check is not None

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        view = _view(args.resource_type, args.props, args.urn, args.name, bool(args.opts.protect))
        for message in check(view):
            report_violation(f"{policy.id}: {message}", None)

    return ResourceValidationPolicy(policy.name, _description(policy), validate, _level(policy))


def _stack_policy(policy: Policy) -> StackValidationPolicy:
    check = policy.stack_check
    assert check is not None

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        views = [_view(r.resource_type, r.props, r.urn, r.name, bool(r.opts.protect)) for r in args.resources]
        for urn, message in check(views):
            report_violation(f"{policy.id}: {message}", urn)

    return StackValidationPolicy(policy.name, _description(policy), validate, _level(policy))


def crossguard_policies(
    policies: Sequence[Policy] = POLICIES,
) -> list[ResourceValidationPolicy | StackValidationPolicy]:
    """One CrossGuard policy per check of every govcloud policy."""
    converted: list[ResourceValidationPolicy | StackValidationPolicy] = []
    for policy in policies:
        if policy.resource_check is not None:
            converted.append(_resource_policy(policy))
        if policy.stack_check is not None:
            converted.append(_stack_policy(policy))
    return converted
