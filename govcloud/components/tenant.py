"""``govcloud:tenant:Tenant`` — everything one agency gets, declared from its validated request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi

from govcloud.components.analytics import Analytics, AnalyticsArgs
from govcloud.components.database import TenantDatabase, TenantDatabaseArgs
from govcloud.components.dependencies import PlatformDependencies
from govcloud.components.kubernetes import declare
from govcloud.components.protection import (
    is_removable_rbac,
    protected,
    removable,
    removable_network_policies,
)
from govcloud.components.storage import StorageKeys, TenantStorage, TenantStorageArgs
from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests.analytics import SharedCatalog
from govcloud.manifests.gateway import tenant_gateway_objects
from govcloud.manifests.namespace import tenant_guard, tenant_namespace
from govcloud.manifests.network import tenant_network_policies
from govcloud.manifests.opendata import organization_job
from govcloud.manifests.quota import tenant_limit_range, tenant_resource_quota
from govcloud.manifests.rbac import default_service_account, tenant_rbac
from govcloud.safety import data_options
from govcloud.storage.specs import ReadGrant

TYPE_TOKEN = "govcloud:tenant:Tenant"


@dataclass(frozen=True)
class TenantArgs:
    """What a Tenant needs: the agency's validated request, the site it runs on, what it is granted."""

    request: TenantRequest
    site: SiteConfig
    read_grants: Sequence[ReadGrant] = field(default_factory=tuple)
    """Read access to other tenants' data under active agreements (consumer side)."""
    precreated_keys: dict[str, StorageKeys] | None = None
    platform: PlatformDependencies | None = None
    shared_catalogs: Sequence[SharedCatalog] = field(default_factory=tuple)
    """Trino catalogs of the active agreements where this tenant is the consumer."""


class Tenant(pulumi.ComponentResource):
    """One agency tenant; every child is parented here so the plan reads as a tree per agency.

    The component is protected and its children inherit it, so removing or breaking the tenant's file never
    deletes its isolation, data or credentials; feature objects opt out (``govcloud.components.protection``).
    """

    namespace: pulumi.Output[str]

    def __init__(self, name: str, args: TenantArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, protected(opts))
        child = pulumi.ResourceOptions(parent=self)
        request, site = args.request, args.site
        namespace = declare(name, tenant_namespace(request, site), data_options(child))
        # Every resource of the tenant, for the guard declared last (it depends on all of them).
        members: list[pulumi.Resource] = [namespace]
        in_namespace = pulumi.ResourceOptions(parent=self, depends_on=[namespace])
        allowances = removable_network_policies(request, site)
        for policy in tenant_network_policies(request, site):
            policy_name = policy["metadata"]["name"]
            policy_opts = removable(in_namespace) if policy_name in allowances else in_namespace
            members.append(declare(f"{name}-{policy_name}", policy, policy_opts))
        members.append(declare(f"{name}-quota", tenant_resource_quota(request, site), in_namespace))
        members.append(declare(f"{name}-limits", tenant_limit_range(request), in_namespace))
        for obj in tenant_rbac(request, site.identity_provider.groups_prefix):
            rbac_opts = removable(in_namespace) if is_removable_rbac(obj) else in_namespace
            members.append(declare(f"{name}-{obj['kind'].lower()}-{obj['metadata']['name']}", obj, rbac_opts))
        members.append(
            declare(f"{name}-default-serviceaccount", default_service_account(request), in_namespace, patch=True)
        )
        # Its ListenerSets, certificates and HTTPRoutes (govcloud.manifests.gateway): after the platform releases
        # that serve their kinds (one stack; a sharded platform stack is deployed first).
        published = removable(
            pulumi.ResourceOptions(
                parent=self, depends_on=[namespace, *(args.platform.waits_for if args.platform is not None else ())]
            )
        )
        for obj in tenant_gateway_objects(request, site):
            members.append(declare(f"{name}-{obj['kind'].lower()}-{obj['metadata']['name']}", obj, published))
        analytics = request.spec.analytics
        if any(s.enabled for s in (analytics.jupyterhub, analytics.trino, analytics.superset, analytics.spark)):
            members.append(
                Analytics(
                    f"{name}-analytics",
                    AnalyticsArgs(
                        request,
                        site,
                        namespace.metadata.apply(lambda m: m["name"]),  # type: ignore[attr-defined]
                        args.shared_catalogs,
                        args.platform.waits_for if args.platform is not None else (),
                    ),
                    removable(pulumi.ResourceOptions(parent=self, depends_on=[namespace])),
                )
            )
        if request.spec.open_data.enabled:
            # After the ckan namespace and the CKAN Deployment (in one stack; a sharded platform stack is
            # deployed first): Pulumi waits for a Job to complete, and this one calls CKAN's API.
            portal = args.platform.open_data_portal if args.platform is not None else ()
            members.append(
                declare(
                    f"{name}-ckan-organization",
                    organization_job(request, site),
                    removable(pulumi.ResourceOptions(parent=self, depends_on=list(portal))),
                )
            )
        storage = TenantStorage(
            f"{name}-storage",
            TenantStorageArgs(request, site, args.read_grants, args.precreated_keys, namespace),
            child,
        )
        members.append(storage)
        if request.spec.database is not None and storage.backup_keys is not None:
            members.append(
                TenantDatabase(
                    f"{name}-database",
                    TenantDatabaseArgs(request, site, storage.backup_keys, (namespace, storage), args.platform),
                    child,
                )
            )
        # Protected (inherited) and dependent on everything above: when the tenant's file is removed, the engine
        # deletes this first, is refused, and deletes nothing else of the tenant (govcloud.manifests.namespace).
        declare(f"{name}-guard", tenant_guard(request), pulumi.ResourceOptions(parent=self, depends_on=members))
        self.namespace = namespace.metadata.apply(lambda m: m["name"])  # type: ignore[attr-defined]
        self.register_outputs({"namespace": self.namespace})
