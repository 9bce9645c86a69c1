"""What an active data-sharing agreement adds to the cluster's network: nothing, by design.

A consumer reads a shared prefix with its *own* storage identity (the read-only statement on its identity,
declared with the consumer's ``TenantStorage``) through a read-only catalog of its *own* Trino (declared with
the consumer's ``Analytics``). Neither side's Trino talks to the other's, so no NetworkPolicy ever lets one
tenant namespace reach another: the provider's engine, its other zones and its database stay out of reach
whatever the agreement says, and revoking an agreement is dropping a storage statement and a catalog.

The older design let the consumer's Trino query the provider's coordinator; that exposed every catalog of
the provider (issue 10, class 1). :func:`sharing_network_policies` stays as the single place that says so,
and the isolation tests call it for every agreement.
"""

from __future__ import annotations

from typing import Any

from govcloud.access import SharingGrant
from govcloud.contract.tenant import TenantRequest


def sharing_network_policies(
    grant: SharingGrant, provider: TenantRequest, consumer: TenantRequest
) -> list[dict[str, Any]]:
    """No NetworkPolicy for any agreement: sharing is a storage grant and a consumer-side catalog only."""
    return []
