"""Who may read what, and why: the grants that active data-sharing agreements imply. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from govcloud.contract.stack import Agreement, StackDefinition
from govcloud.naming import bucket_name, shared_catalog_name
from govcloud.storage.specs import ReadGrant


@dataclass(frozen=True)
class SharingGrant:
    """Read access of ``consumer`` to ``prefix`` of the provider's zone bucket, under ``agreement``."""

    agreement: str
    provider: str
    consumer: str
    zone: str
    bucket: str
    prefix: str

    @property
    def read_grant(self) -> ReadGrant:
        """The read-only statement on the consumer's own storage identity: the whole of the share."""
        return ReadGrant(self.bucket, self.prefix)

    @property
    def catalog(self) -> str:
        """The consumer's own read-only Trino catalog over the share; no network path to the provider."""
        return shared_catalog_name(self.agreement)


def sharing_grant(definition: StackDefinition, agreement: Agreement) -> SharingGrant:
    spec = agreement.agreement.spec
    return SharingGrant(
        agreement=agreement.name,
        provider=spec.provider.tenant,
        consumer=spec.consumer.tenant,
        zone=spec.provider.zone.value,
        bucket=bucket_name(definition.site, spec.provider.tenant, spec.provider.zone.value),
        prefix=spec.provider.prefix,
    )


def active_grants(definition: StackDefinition) -> list[SharingGrant]:
    """Exactly one grant per agreement in force today; pending and expired agreements grant nothing."""
    return [sharing_grant(definition, agreement) for agreement in definition.active_agreements]


def grants_to(definition: StackDefinition, consumer: str) -> list[SharingGrant]:
    return [grant for grant in active_grants(definition) if grant.consumer == consumer]
