"""``govcloud:sharing:Sharing`` — one active data-sharing agreement, made visible in the plan.

Declared only while the agreement is active on the run's date; the next run after it expires drops it
(and the consumer's read grant and catalog with it), which revokes the access. It declares no Kubernetes
object: the grant is a read-only statement on the consumer's own storage identity and a read-only catalog
of the consumer's own Trino (``govcloud.manifests.sharing`` explains why there is no network path).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from govcloud.access import SharingGrant
from govcloud.contract.tenant import TenantRequest

TYPE_TOKEN = "govcloud:sharing:Sharing"


@dataclass(frozen=True)
class SharingArgs:
    grant: SharingGrant
    provider: TenantRequest
    consumer: TenantRequest
    depends_on: tuple[pulumi.Resource, ...] = ()
    """The consumer's component: the record follows the grant it describes."""


class Sharing(pulumi.ComponentResource):
    """The agreement's record in the plan: what is read, by whom, from whom, and through which catalog."""

    def __init__(self, name: str, args: SharingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        grant = args.grant
        self.register_outputs(
            {
                "reads": f"s3://{grant.bucket}/{grant.prefix}",
                "consumer": grant.consumer,
                "provider": grant.provider,
                "catalog": grant.catalog,
                "through": "the consumer's own storage identity and Trino catalog; no network path",
            }
        )
