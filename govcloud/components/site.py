"""``govcloud:site:Site`` — one site and environment: its tenants and the agreements between them."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from govcloud.access import grants_to
from govcloud.components.storage import StorageKeys
from govcloud.components.tenant import Tenant, TenantArgs
from govcloud.contract.stack import StackDefinition

TYPE_TOKEN = "govcloud:site:Site"


@dataclass(frozen=True)
class SiteArgs:
    definition: StackDefinition
    precreated_keys: dict[str, StorageKeys] | None = None
    """Storage keys from secret config, for stores without an IAM API (``objectStore.identities``)."""


class Site(pulumi.ComponentResource):
    """The root of the program's tree; one Tenant child per request, in name order."""

    definition: StackDefinition
    tenants: dict[str, Tenant]

    def __init__(self, name: str, args: SiteArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        definition = self.definition = args.definition
        self.tenants = {
            request.name: Tenant(
                request.name,
                TenantArgs(
                    request=request,
                    site=definition.site,
                    read_grants=[g.read_grant for g in grants_to(definition, request.name)],
                    precreated_keys=args.precreated_keys,
                ),
                pulumi.ResourceOptions(parent=self),
            )
            for request in definition.tenants
        }
        self.register_outputs({"tenants": sorted(self.tenants)})
