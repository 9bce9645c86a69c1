"""The same policies as CrossGuard policies, for ``pulumi preview --policy-pack policies/``.

CrossGuard's API does not expose ``retainOnDelete``, so under the CLI that half of GC-DATA-001 is
checked by ``govcloud synth`` only. CrossGuard also hands policies secret values in plaintext, so the
"Secret value is not a Pulumi secret" half of GC-SEC-001 runs in synth only (literal credentials are
caught by both).

CrossGuard hands a policy its properties wrapped in proxies that raise on unknown values: a ``Mapping`` and a
``Sequence`` that are not ``dict`` and ``list`` (pulumi/pulumi-policy ``sdk/python/lib/pulumi_policy/proxy.py``,
``_DictProxy``/``_ListProxy``, commit 086a9944; the installed pulumi_policy 1.21.0 is the same). The policies
are written for plain JSON (``isinstance(x, dict)``, as synth's plan holds), so under the real engine a
ResourceView read through them saw no ``metadata``: a ScheduledBackup matched no Cluster (GC-DATA-004 on every
database) and a ListenerSet's violation found no URN (GC-TLS-002 attached to the stack). :func:`plain` turns
the proxies back into dicts and lists, an unknown value into synth's ``[unknown]``, so both callers agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from govcloud.contract.vocabulary import UNKNOWN_VALUE
from govcloud.policy.baseline import POLICIES
from govcloud.policy.framework import Enforcement, Policy, ResourceView

PACK_NAME = "govcloud-baseline"
UNKNOWN = UNKNOWN_VALUE
"""How synth's plan shows a value not known before the update (``govcloud.synth.capture.UNKNOWN``)."""


def _item(container: Any, key: Any) -> Any:
    try:
        return plain(container[key])
    except UnknownValueError:
        return UNKNOWN


def plain(value: Any) -> Any:
    """``value`` as plain JSON: CrossGuard's proxies as dicts and lists, unknown values as ``[unknown]``."""
    if isinstance(value, Mapping):
        return {key: _item(value, key) for key in value}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [_item(value, index) for index in range(len(value))]
    return value


def _view(resource_type: str, props: Any, urn: str, name: str, protect: bool) -> ResourceView:
    return ResourceView(
        urn=urn, type=resource_type, name=name, inputs=plain(props), protect=protect, secrets_masked=False
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
