"""How a site is split into Pulumi stacks: one stack, or a platform stack plus one stack per tenant.

Sharding keeps hundreds of agencies deployable: a change to one agency's file plans and deploys only
that agency's stack. Tenant stacks are derived from the platform stack's config, never hand-written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from govcloud.contract.site import CONFIG_NAMESPACE
from govcloud.contract.stack import StackDefinition

TENANT_STACK_SEPARATOR = "."


@dataclass(frozen=True)
class StackPlan:
    """One stack a site needs, and what it declares."""

    name: str
    role: str
    """``site`` (everything), ``platform`` or ``tenant``."""
    tenant: str | None = None


def tenant_stack_name(site_stack: str, tenant: str) -> str:
    return f"{site_stack}{TENANT_STACK_SEPARATOR}{tenant}"


def site_stacks(definition: StackDefinition) -> list[StackPlan]:
    """The stacks of the site whose platform (or only) stack is ``definition.name``."""
    if definition.site.layout == "single":
        return [StackPlan(definition.name, "site")]
    return [StackPlan(definition.name, "platform")] + [
        StackPlan(tenant_stack_name(definition.name, t.name), "tenant", t.name) for t in definition.tenants
    ]


def tenant_stack_config(platform_config: dict[str, Any], site_stack: str, tenant: str) -> dict[str, Any]:
    """A tenant stack's config file: the platform stack's ``govcloud:`` settings plus who it is."""
    prefix = CONFIG_NAMESPACE + ":"
    values = {key: value for key, value in platform_config.items() if str(key).startswith(prefix)}
    values[f"{prefix}tenant"] = tenant
    values[f"{prefix}siteStack"] = site_stack
    return {"config": values}
