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
    name: Annotated[
        str,
        AfterValidator(_agreement_name),
        WithJsonSchema(
            {
                "type": "string",
                "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
                "maxLength": MAX_AGREEMENT_NAME,
                "description": "The consumer's read-only Trino catalog is named shared_<name>",
            }
        ),
    ]


class ProviderSide(ContractModel):
    tenant: TenantName
    zone: Zone
    prefix: Annotated[
        str,
        AfterValidator(_prefix),
        WithJsonSchema(
            {
                "type": "string",
                "pattern": "^([A-Za-z0-9!_.'()-]+/)+$",
                "maxLength": MAX_PREFIX,
                "description": "A relative path ending in '/', e.g. health-statistics/ (no spaces, no '..')",
            }
        ),
    ]


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
