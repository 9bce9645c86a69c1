"""Which of a tenant's resources ``pulumi up`` may delete, and which it must refuse to.

The rule: removing or breaking a tenant file never deletes anything that keeps the tenant isolated or holds
its data or credentials. The engine deletes whatever a run no longer declares, and stops only at a protected
resource — *after* deleting every unprotected resource it reaches first (its delete step refuses a protected
resource when it is applied: pulumi/pulumi ``pkg/resource/deploy/step.go``, ``DeleteStep.Apply``,
``deleteProtectedError``, at v3.259.0 and at commit 1b5949891b). So protection cannot be limited to the
data-bearing resources (``govcloud.safety``): a removed tenant file would take the tenant's isolation with it
while its data stays.

How: the ``Tenant`` component is protected, and every child inherits ``protect`` from its parent unless it sets
it — the Python SDK fills a child's unset ``protect`` from its parent's (pulumi/pulumi
``sdk/python/lib/pulumi/resource.py``, ``Resource.__init__``, "Infer protection from parent", at v3.259.0 and at
commit 1b5949891b, newer than the CLI's v3.274.0; the installed SDK 3.272.0 has the same lines) and the engine
does the same for any registration that leaves it unset (``pkg/resource/deploy/source_eval.go``,
``inheritFromParent``, same versions). Protected by default, so a resource added later
is safe until someone decides otherwise.

What stays deletable (``removable``) is exactly what a legitimate day-to-day change removes, and whose removal
only narrows what the tenant can reach: a feature's objects when the tenant turns the feature off (its routes,
listener sets and certificates, its analytics, its open-data organization job, the network allowances and the
database roles those features need), a tenant-requested egress allowance, and the RoleBinding of a role whose
last group is removed (a revocation must never be blocked). An agreement's grant is an update of the
consumer's storage identity, not a deletion, so the identity stays protected and revocation still works.

Removable is not removed by accident: the tenant's guard (``govcloud.manifests.namespace.tenant_guard``),
declared last, protected and dependent on every other resource of the tenant, is the first delete the engine
schedules when the tenant's file is gone; it is refused, and the engine then skips everything it depends on,
so a removed file deletes nothing at all, feature objects included.

What stays protected: the guard, the namespace, the default-deny, DNS and same-namespace policies, the allowances that
serve the tenant's data (object store, database operator, monitoring and API access of its database), the
quota and limit range, the four Roles and the admin RoleBinding (a tenant always has admins), the default
ServiceAccount patch, the storage identities and their credentials Secrets, and the whole database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import pulumi

from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests.gateway import tenant_gateway_policies
from govcloud.manifests.rbac import role_name

FEATURE_POLICIES: Final = frozenset({"allow-identity-provider"})
"""Allowances that exist only while an analytics service that signs users in is on."""
EGRESS_POLICY_PREFIX: Final = "allow-egress-"
"""The tenant's own requested egress allowances (``spec.network.egress``), one per entry."""
PERMANENT_ROLE_BINDING: Final = role_name("admin")
"""The binding that exists for every tenant (the contract requires at least one admin group)."""


def protected(opts: pulumi.ResourceOptions | None = None) -> pulumi.ResourceOptions:
    """``opts`` with ``protect``: ``pulumi up`` refuses to delete or replace it, and its children inherit it."""
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=True))


def removable(opts: pulumi.ResourceOptions | None = None) -> pulumi.ResourceOptions:
    """``opts`` with ``protect=False`` set explicitly, so the resource does not inherit its tenant's protection."""
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=False))


def removable_network_policies(request: TenantRequest, site: SiteConfig) -> frozenset[str]:
    """Names of the tenant's NetworkPolicies that a feature or an egress entry adds: allowances only."""
    gateway = {str(p["metadata"]["name"]) for p in tenant_gateway_policies(request, site)}
    egress = {f"{EGRESS_POLICY_PREFIX}{index + 1}" for index in range(len(request.spec.network.egress))}
    return frozenset(gateway | egress | FEATURE_POLICIES)


def is_removable_rbac(obj: Mapping[str, Any]) -> bool:
    """A RoleBinding other than the admin one: it goes when its role's last group is removed."""
    return obj.get("kind") == "RoleBinding" and obj["metadata"]["name"] != PERMANENT_ROLE_BINDING
