"""Run govcloud's CrossGuard policies as pulumi_policy's analyzer runs them, for the policy tests.

The analyzer (pulumi/pulumi-policy ``sdk/python/lib/pulumi_policy/server.py``, ``Analyze`` and ``AnalyzeStack``)
hands each check a ``PolicyResource`` whose properties are wrapped by ``proxy.unknown_checking_proxy``: a
``Mapping``/``Sequence``, not a ``dict``/``list``. Every test that runs the CrossGuard side goes through here, so
they all see what the real engine's policy pack sees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
)
from pulumi_policy.proxy import unknown_checking_proxy

from govcloud.policy.crossguard import crossguard_policies
from govcloud.policy.framework import Policy, ResourceView


class Report(NamedTuple):
    """One violation a CrossGuard policy reported: its name, the message, the URN it named (None when a resource
    check reports on the resource itself) and the resource being checked (None for a stack check)."""

    policy: str
    message: str
    urn: str | None
    resource: str | None


def policy_resources(views: Iterable[ResourceView]) -> list[PolicyResource]:
    """The analyzer's view of each resource: proxied properties, ``protect`` from its options."""
    return [
        PolicyResource(
            view.type,
            unknown_checking_proxy(dict(view.inputs)),
            view.urn,
            view.name,
            PolicyResourceOptions(view.protect, [], False, [], PolicyCustomTimeouts(0, 0, 0), []),
            None,
            None,
            [],
            {},
        )
        for view in views
    ]


def run(views: Sequence[ResourceView], policies: Sequence[Policy] | None = None, *, only: str = "") -> list[Report]:
    """Every report of the converted policies (or only the one named ``only``) over ``views``."""
    resources = policy_resources(views)
    found: list[Report] = []
    converted_policies = crossguard_policies() if policies is None else crossguard_policies(policies)
    for converted in converted_policies:
        if only and converted.name != only:
            continue

        def reporter(policy: str, resource: str | None) -> Callable[[str, str | None], None]:
            return lambda message, urn: found.append(Report(policy, message, urn, resource))

        if isinstance(converted, ResourceValidationPolicy):
            for r in resources:
                args = ResourceValidationArgs(r.resource_type, r.props, r.urn, r.name, r.opts, None)
                converted.validate(args, reporter(converted.name, r.urn))
        else:
            converted.validate(StackValidationArgs(resources, None), reporter(converted.name, None))
    return found
