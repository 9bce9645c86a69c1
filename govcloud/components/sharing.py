"""``govcloud:sharing:Sharing`` — one active data-sharing agreement, made visible in the plan.

Declared only while the agreement is active on the run's date; the next run after it expires drops it
(and the consumer's read grant and catalog with it), which revokes the access.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from govcloud.access import SharingGrant
from govcloud.components.kubernetes import declare
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests.sharing import sharing_network_policies

TYPE_TOKEN = "govcloud:sharing:Sharing"


@dataclass(frozen=True)
class SharingArgs:
    grant: SharingGrant
    provider: TenantRequest
    consumer: TenantRequest
    depends_on: tuple[pulumi.Resource, ...] = ()
    """The two tenants' components: policies go into their namespaces."""


class Sharing(pulumi.ComponentResource):
    def __init__(self, name: str, args: SharingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        after = pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on))
        for policy in sharing_network_policies(args.grant, args.provider, args.consumer):
            declare(f"{name}-{policy['metadata']['namespace']}-{policy['metadata']['name']}", policy, after)
        grant = args.grant
        self.register_outputs(
            {"reads": f"s3://{grant.bucket}/{grant.prefix}", "consumer": grant.consumer, "provider": grant.provider}
        )
