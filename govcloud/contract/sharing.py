"""The DataSharingAgreement between two tenants: its shape and per-field rules."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from govcloud.contract.fields import DNS_LABEL, ContractModel, Email
from govcloud.contract.tenant import TenantName
from govcloud.contract.vocabulary import Zone


def _agreement_name(value: str) -> str:
    if len(value) > 63 or not DNS_LABEL.match(value) or not value[0].isalpha():
        raise ValueError(f"'{value}' must be at most 63 lowercase letters, digits or hyphens, starting with a letter")
    return value


def _prefix(value: str) -> str:
    parts = value.split("/")
    if (
        not value.endswith("/")
        or value.startswith("/")
        or any(part in ("", ".", "..") for part in parts[:-1])
        or any(ord(ch) < 0x20 or ch in "*?\\" for ch in value)
    ):
        raise ValueError(
            f"'{value}' must be a relative path ending in '/', such as health-statistics/ "
            "(no leading '/', no '..', no wildcards)"
        )
    return value


class AgreementMetadata(ContractModel):
    name: Annotated[str, AfterValidator(_agreement_name)]


class ProviderSide(ContractModel):
    tenant: TenantName
    zone: Zone
    prefix: Annotated[str, AfterValidator(_prefix)]


class ConsumerSide(ContractModel):
    tenant: TenantName


class Approval(ContractModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    email: Email
    reference: Annotated[str, Field(min_length=1, max_length=200)]


class AgreementSpec(ContractModel):
    provider: ProviderSide
    consumer: ConsumerSide
    access: Literal["read"]
    purpose: Annotated[str, Field(min_length=10, max_length=1000)]
    legal_basis: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    valid_from: dt.date
    valid_until: dt.date
    approved_by: Approval


class DataSharingAgreement(ContractModel):
    """Read access for one tenant to a prefix of another tenant's zone, for a purpose and a period."""

    api_version: Literal["govcloud/v1"]
    kind: Literal["DataSharingAgreement"]
    metadata: AgreementMetadata
    spec: AgreementSpec

    @property
    def name(self) -> str:
        return self.metadata.name
