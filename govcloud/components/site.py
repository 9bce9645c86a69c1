"""``govcloud:site:Site`` — one site and environment: its platform, its tenants, their agreements.

The same component serves both layouts: a single stack declares the platform and every tenant; in a
sharded site the platform stack declares the platform only and each tenant stack one tenant, so the
union of the sharded stacks is the single stack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi

from govcloud.access import active_grants, grants_to
from govcloud.components.dependencies import PlatformDependencies
from govcloud.components.platform import SitePlatform, SitePlatformArgs, release_chart
from govcloud.components.sharing import Sharing, SharingArgs
from govcloud.components.storage import StorageKeys
from govcloud.components.tenant import Tenant, TenantArgs
from govcloud.contract.stack import StackDefinition
from govcloud.manifests.analytics import shared_catalog

TYPE_TOKEN = "govcloud:site:Site"
PLATFORM_EXPORT = "platform"
SKIP_AWAIT = "pulumi.com/skipAwait"
"""pulumi-kubernetes' annotation that skips its readiness await for one object
(pulumi/pulumi-kubernetes provider/pkg/metadata/annotations.go, ``AnnotationSkipAwait``, at v4.25)."""


def skip_readiness_waits(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
    """Annotate every Kubernetes object of the site with ``pulumi.com/skipAwait``: a site that turns readiness
    waits off (``govcloud:readinessWaits: false``, a test stack on a bare control plane) has no kubelet, so no
    Deployment, Job, Service endpoint or volume ever becomes ready."""
    metadata = args.props.get("metadata")
    if not args.type_.startswith("kubernetes:") or not isinstance(metadata, Mapping):
        return None
    annotations = metadata.get("annotations")
    annotations = dict(annotations) if isinstance(annotations, Mapping) else {}
    annotations[SKIP_AWAIT] = "true"
    props = {**args.props, "metadata": {**metadata, "annotations": annotations}}
    return pulumi.ResourceTransformationResult(props, args.opts)


def platform_exports() -> dict[str, str]:
    """What a platform stack exports for its tenant stacks."""
    return {
        "databaseOperator": release_chart("cloudnative-pg"),
        "gatewayController": release_chart("envoy-gateway"),
    }


@dataclass(frozen=True)
class SiteArgs:
    definition: StackDefinition
    precreated_keys: dict[str, StorageKeys] | None = None
    """Storage keys from secret config, for stores without an IAM API (``objectStore.identities``)."""
    declare_platform: bool = True
    tenants: Sequence[str] | None = None
    """The tenants this stack declares; None for all of them."""
    platform_stack: pulumi.StackReference | None = None
    """A sharded tenant stack's reference to its platform stack."""


class Site(pulumi.ComponentResource):
    """The root of the program's tree: the platform, then one Tenant child per request, in name order."""

    definition: StackDefinition
    platform: SitePlatform | None
    tenants: dict[str, Tenant]

    def __init__(self, name: str, args: SiteArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        if not args.definition.site.readiness_waits:
            opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(transformations=[skip_readiness_waits]))
        super().__init__(TYPE_TOKEN, name, None, opts)
        definition = self.definition = args.definition
        self.platform = None
        if args.declare_platform:
            self.platform = SitePlatform(
                f"{name}-platform",
                SitePlatformArgs(definition, args.precreated_keys),
                pulumi.ResourceOptions(parent=self),
            )
            exports = platform_exports()
            dependencies = PlatformDependencies(
                exports["databaseOperator"],
                exports["gatewayController"],
                (*self.platform.custom_resource_releases, self.platform.gateway_controller),
                (self.platform.open_data_portal.web,),
            )
        else:
            assert args.platform_stack is not None, "a tenant stack reads the platform through a StackReference"
            platform = args.platform_stack.require_output(PLATFORM_EXPORT)
            dependencies = PlatformDependencies(
                platform.apply(lambda p: str(p["databaseOperator"])),
                platform.apply(lambda p: str(p["gatewayController"])),
            )
        wanted = set(args.tenants) if args.tenants is not None else None
        self.tenants = {
            request.name: Tenant(
                request.name,
                TenantArgs(
                    request=request,
                    site=definition.site,
                    read_grants=[g.read_grant for g in grants_to(definition, request.name)],
                    shared_catalogs=[
                        shared_catalog(g.agreement, g.provider, g.bucket, g.prefix)
                        for g in grants_to(definition, request.name)
                    ],
                    precreated_keys=args.precreated_keys,
                    platform=dependencies,
                ),
                pulumi.ResourceOptions(parent=self),
            )
            for request in definition.tenants
            if wanted is None or request.name in wanted
        }
        for grant in active_grants(definition):
            if grant.consumer in self.tenants:  # declared with the consumer (its stack, when sharded)
                Sharing(
                    grant.agreement,
                    SharingArgs(
                        grant,
                        definition.tenant(grant.provider),
                        definition.tenant(grant.consumer),
                        tuple(self.tenants[t] for t in (grant.provider, grant.consumer) if t in self.tenants),
                    ),
                    pulumi.ResourceOptions(parent=self),
                )
        self.register_outputs({"tenants": sorted(self.tenants)})
