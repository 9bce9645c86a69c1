"""The DataSharingAgreement between two tenants: its shape and per-field rules."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, WithJsonSchema

from govcloud.contract.fields import ContractModel, Email
from govcloud.contract.tenant import TenantName
from govcloud.contract.vocabulary import Zone

MAX_AGREEMENT_NAME = 56
"""The consumer's Trino catalog is ``shared_<name>``, and catalog names stop at 63 characters."""
MAX_PREFIX = 512
_AGREEMENT_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
_PREFIX_SEGMENT = re.compile(r"[A-Za-z0-9!_.'()-]+")
"""S3's "safe" key characters: the prefix lands in bucket policies and in a Trino properties file."""


def _agreement_name(value: str) -> str:
    if len(value) > MAX_AGREEMENT_NAME or not _AGREEMENT_NAME.fullmatch(value):
        raise ValueError(
            f"{value!r} must be at most {MAX_AGREEMENT_NAME} lowercase letters, digits or single hyphens, "
            "starting with a letter (the consumer's Trino catalog is named after it)"
        )
    return value


def _prefix(value: str) -> str:
    segments = value.split("/")
    if (
        len(value) > MAX_PREFIX
        or not value.endswith("/")
        or not all(_PREFIX_SEGMENT.fullmatch(part) and part not in (".", "..") for part in segments[:-1])
    ):
        raise ValueError(
            f"{value!r} must be a relative path ending in '/', such as health-statistics/: segments of letters, "
            f"digits and ! _ . ' ( ) -, no spaces, no '..', no wildcards, at most {MAX_PREFIX} characters"
        )
    return value


class AgreementMetadata(ContractModel):
    """Identifies the agreement; the consumer's catalog is named after it."""

    name: Annotated[
        str,
        AfterValidator(_agreement_name),
        WithJsonSchema({"type": "string", "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$", "maxLength": MAX_AGREEMENT_NAME}),
    ] = Field(
        description=f"The agreement's name: the consumer's read-only Trino catalog is shared_<name> (hyphens as "
        f"underscores). At most {MAX_AGREEMENT_NAME} lowercase letters, digits or single hyphens, starting with a "
        "letter; equal to the file name; unique in the stack."
    )


class ProviderSide(ContractModel):
    """The tenant whose data is read, and exactly what of it."""

    tenant: TenantName = Field(description="The providing tenant's name; it must exist in the stack.")
    zone: Zone = Field(description="The provider's zone (bucket) the prefix lies in; the provider must have it.")
    prefix: Annotated[
        str,
        AfterValidator(_prefix),
        WithJsonSchema({"type": "string", "pattern": "^([A-Za-z0-9!_.'()-]+/)+$", "maxLength": MAX_PREFIX}),
    ] = Field(
        description="The key prefix the consumer may read, e.g. health-statistics/: a relative path ending in '/', "
        f"segments of letters, digits and ! _ . ' ( ) -, no spaces, no '..', at most {MAX_PREFIX} characters. "
        "Becomes the read grant in the provider's bucket policy and the consumer's catalog location."
    )


class ConsumerSide(ContractModel):
    """The tenant that reads."""

    tenant: TenantName = Field(
        description="The consuming tenant's name; it must exist in the stack and differ from the provider. Its own "
        "storage identity and Trino read the prefix; no network path between the tenants is opened."
    )


class Approval(ContractModel):
    """Who approved the agreement for the provider (recorded, shown in the report)."""

    name: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        description="The approver's full name, 1-200 characters."
    )
    email: Email = Field(
        description="The approver's address: the provider's owner or dpo contact (the provider approves)."
    )
    reference: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        description="The approval's document reference (e.g. a letter number), 1-200 characters."
    )


class AgreementSpec(ContractModel):
    """What is shared, with whom, why and for how long."""

    provider: ProviderSide = Field(description="The tenant whose data is read, and the zone and prefix.")
    consumer: ConsumerSide = Field(description="The tenant that reads.")
    access: Literal["read"] = Field(description="Always read: a consumer never writes the provider's data.")
    purpose: Annotated[str, Field(min_length=10, max_length=1000)] = Field(
        description="Why the consumer needs the data, 10-1000 characters (PDPA purpose limitation); in the report."
    )
    legal_basis: Annotated[str, Field(min_length=1, max_length=500)] | None = Field(
        default=None,
        description="The law or regulation the sharing rests on, 1-500 characters; required when the provider "
        "holds personal data; in the report.",
    )
    valid_from: dt.date = Field(
        description="First day (YYYY-MM-DD) the grant exists; before it the agreement is pending and grants nothing."
    )
    valid_until: dt.date = Field(
        description="Last day (YYYY-MM-DD) of access: on or after validFrom, at most 3 years after it; the first run "
        "after it revokes the grant and the catalog."
    )
    approved_by: Approval = Field(description="The provider's approval.")


class DataSharingAgreement(ContractModel):
    """Read access for one tenant to a prefix of another tenant's zone, for a purpose and a period."""

    api_version: Literal["govcloud/v1"] = Field(description="The contract's version: govcloud/v1.")
    kind: Literal["DataSharingAgreement"] = Field(description="DataSharingAgreement.")
    metadata: AgreementMetadata = Field(description="The agreement's name.")
    spec: AgreementSpec = Field(description="What is shared, with whom, why and for how long.")

    @property
    def name(self) -> str:
        return self.metadata.name
