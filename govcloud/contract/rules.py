"""Rules that look at more than one field or more than one file. Pure functions over validated models.

Each rule returns ``(loc, message)`` pairs; ``loc`` is the field path the agency must change, so the
caller can point at its line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from govcloud.contract.quantity import format_bytes, parse_quantity
from govcloud.contract.sharing import DataSharingAgreement
from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest
from govcloud.contract.vocabulary import TIER_PRESETS, Classification, PersonalData, TierPreset, Zone

Loc = tuple[str | int, ...]
Violation = tuple[Loc, str]

MAX_AGREEMENT_YEARS = 3


@dataclass(frozen=True)
class EffectiveQuota:
    """The tenant's quota after applying overrides to the tier preset."""

    cpu: Decimal
    memory: Decimal
    storage: Decimal
    pods: int


def effective_quota(tenant: TenantRequest) -> EffectiveQuota:
    preset = TIER_PRESETS[tenant.spec.tier]
    override = tenant.spec.quota
    return EffectiveQuota(
        cpu=parse_quantity(override.cpu) if override.cpu is not None else preset.cpu,
        memory=parse_quantity(override.memory) if override.memory is not None else preset.memory,
        storage=parse_quantity(override.storage) if override.storage is not None else preset.storage,
        pods=override.pods if override.pods is not None else preset.pods,
    )


#: Database instance size by data volume: (storage up to, cpu cores, memory). Sizing follows the data, not
#: the tier, so changing a tier never restarts a tenant's database.
DATABASE_SIZES: tuple[tuple[Decimal, Decimal, Decimal], ...] = (
    (parse_quantity("100Gi"), Decimal(1), parse_quantity("4Gi")),
    (parse_quantity("1Ti"), Decimal(2), parse_quantity("8Gi")),
    (parse_quantity("4Ti"), Decimal(4), parse_quantity("16Gi")),
)
LARGEST_DATABASE = (Decimal(8), parse_quantity("32Gi"))


def database_instance_size(storage: str | int) -> tuple[Decimal, Decimal]:
    """CPU cores and memory of each database instance (guaranteed: requests equal limits)."""
    size = parse_quantity(storage)
    for limit, cpu, memory in DATABASE_SIZES:
        if size <= limit:
            return cpu, memory
    return LARGEST_DATABASE


def _quota_rules(tenant: TenantRequest, preset: TierPreset) -> Iterable[Violation]:
    override = tenant.spec.quota
    tier = tenant.spec.tier.value
    limits: dict[str, tuple[Decimal | None, Decimal, str]] = {
        "cpu": (
            parse_quantity(override.cpu) if override.cpu is not None else None,
            preset.cpu,
            str(preset.cpu),
        ),
        "memory": (
            parse_quantity(override.memory) if override.memory is not None else None,
            preset.memory,
            format_bytes(preset.memory),
        ),
        "storage": (
            parse_quantity(override.storage) if override.storage is not None else None,
            preset.storage,
            format_bytes(preset.storage),
        ),
        "pods": (
            Decimal(override.pods) if override.pods is not None else None,
            Decimal(preset.pods),
            str(preset.pods),
        ),
    }
    for field, (value, base, shown) in limits.items():
        if value is not None and value > 2 * base:
            yield (
                ("spec", "quota", field),
                f"exceeds twice the {tier} tier preset ({shown}); ask for a larger tier",
            )
        if value is not None and value <= 0:
            yield (("spec", "quota", field), "must be greater than zero")


def tenant_rules(tenant: TenantRequest, site: SiteConfig | None) -> list[Violation]:
    """Every cross-field rule of one TenantRequest (and, when known, the stack's site)."""
    spec = tenant.spec
    out: list[Violation] = list(_quota_rules(tenant, TIER_PRESETS[spec.tier]))
    quota = effective_quota(tenant)
    secret = spec.classification is Classification.SECRET

    used = Decimal(0)
    if spec.database is not None:
        used += parse_quantity(spec.database.storage)
    if spec.storage is not None:
        used += parse_quantity(spec.storage.quota)
    if used > quota.storage:
        loc: Loc = ("spec", "storage", "quota") if spec.storage is not None else ("spec", "database", "storage")
        out.append(
            (
                loc,
                f"database storage plus object-storage quota ({format_bytes(used)}) exceeds the tenant's "
                f"storage quota ({format_bytes(quota.storage)})",
            )
        )

    if spec.database is not None:
        cpu, memory = database_instance_size(spec.database.storage)
        instances = spec.database.instances
        if instances * cpu > quota.cpu or instances * memory > quota.memory:
            out.append(
                (
                    ("spec", "database", "instances"),
                    f"{instances} database instances of {cpu} CPU and {format_bytes(memory)} each do not fit "
                    f"the tenant's quota ({quota.cpu} CPU, {format_bytes(quota.memory)})",
                )
            )
        minimum = 3 if secret else 2 if spec.classification is Classification.CONFIDENTIAL else 1
        if spec.database.instances < minimum:
            out.append(
                (
                    ("spec", "database", "instances"),
                    f"{spec.classification.value} tenants need at least {minimum} database instances",
                )
            )

    if secret and spec.site != "national":
        out.append((("spec", "site"), "secret tenants may only run at the national site"))
    if secret and (spec.open_data.enabled or spec.open_data.ckan_organization is not None):
        out.append((("spec", "openData"), "secret tenants may not publish open data"))

    if spec.personal_data is PersonalData.SENSITIVE and spec.classification not in (
        Classification.CONFIDENTIAL,
        Classification.SECRET,
    ):
        out.append((("spec", "classification"), "sensitive personal data must be classified confidential or secret"))
    if spec.personal_data is not PersonalData.NONE and spec.contacts.dpo is None:
        out.append((("spec", "contacts", "dpo"), "is required when the tenant holds personal data (PDPA)"))

    zones = list(spec.storage.zones) if spec.storage is not None else []
    if spec.storage is not None:
        for index, zone in enumerate(zones):
            if zones.index(zone) != index:
                out.append((("spec", "storage", "zones", index), f"zone '{zone.value}' is listed twice"))
        for zone in spec.storage.retention_days:
            if zone not in zones:
                out.append(
                    (
                        ("spec", "storage", "retentionDays", zone.value),
                        f"zone '{zone.value}' is not in storage.zones",
                    )
                )
    published = Zone.PUBLISHED in zones
    if spec.open_data.enabled and not published:
        loc = ("spec", "storage", "zones") if spec.storage is not None else ("spec", "openData", "enabled")
        out.append((loc, "open data needs the 'published' storage zone"))
    if published and not spec.open_data.enabled:
        out.append(
            (
                ("spec", "storage", "zones", zones.index(Zone.PUBLISHED)),
                "the 'published' zone exists only when openData.enabled is true",
            )
        )
    # Secret tenants already get "may not publish open data"; say it once.
    if (
        spec.open_data.enabled
        and not secret
        and spec.classification is not Classification.PUBLIC
        and (spec.classification is not Classification.INTERNAL)
    ):
        out.append((("spec", "openData", "enabled"), "open data requires classification public or internal"))
    if spec.open_data.enabled and spec.open_data.ckan_organization is None:
        out.append((("spec", "openData", "ckanOrganization"), "is required when open data is enabled"))

    if spec.analytics.spark.enabled and spec.analytics.spark.max_executors < 1:
        out.append((("spec", "analytics", "spark", "maxExecutors"), "must be at least 1 when Spark is enabled"))
    if spec.analytics.superset.enabled and spec.database is None:
        out.append(
            (
                ("spec", "analytics", "superset", "enabled"),
                "Superset keeps its metadata in the tenant's database: request a database too",
            )
        )

    for index, egress in enumerate(spec.network.egress):
        if len(set(egress.ports)) != len(egress.ports):
            out.append((("spec", "network", "egress", index, "ports"), "lists a port twice"))

    if site is not None:
        out.extend(_site_rules(tenant, site))
    return out


def _site_rules(tenant: TenantRequest, site: SiteConfig) -> Iterable[Violation]:
    spec = tenant.spec
    if spec.site != site.site:
        yield (("spec", "site"), f"is '{spec.site}' but this stack runs site '{site.site}'")
    secret = spec.classification is Classification.SECRET
    for index, host in enumerate(spec.network.ingress.hostnames):
        internal = host.endswith("." + site.internal_domain)
        public = host.endswith("." + site.domain)
        if secret and not internal:
            yield (
                ("spec", "network", "ingress", "hostnames", index),
                f"secret tenants may only use hostnames under the internal domain {site.internal_domain}",
            )
        elif not (internal or public):
            yield (
                ("spec", "network", "ingress", "hostnames", index),
                f"must be under the site's domain {site.domain} or {site.internal_domain}",
            )


class AgreementStatus(str, Enum):
    PENDING = "pending"
    ACTIVE = "active"
    EXPIRED = "expired"


def agreement_status(agreement: DataSharingAgreement, today: dt.date) -> AgreementStatus:
    """Whether an agreement is in force on ``today`` (both ends of the window inclusive)."""
    if today < agreement.spec.valid_from:
        return AgreementStatus.PENDING
    if today > agreement.spec.valid_until:
        return AgreementStatus.EXPIRED
    return AgreementStatus.ACTIVE


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def agreement_rules(
    agreement: DataSharingAgreement, tenants: dict[str, TenantRequest], invalid: Collection[str] = ()
) -> list[Violation]:
    """The agreement's rules against the stack's tenants.

    ``invalid`` names tenants whose own files have problems: those are reported there, not again here.
    """
    spec = agreement.spec
    out: list[Violation] = []
    if spec.valid_until < spec.valid_from:
        out.append((("spec", "validUntil"), "is before validFrom"))
    elif spec.valid_until > _add_years(spec.valid_from, MAX_AGREEMENT_YEARS):
        out.append((("spec", "validUntil"), f"is more than {MAX_AGREEMENT_YEARS} years after validFrom"))
    provider = tenants.get(spec.provider.tenant)
    consumer = tenants.get(spec.consumer.tenant)
    if spec.provider.tenant == spec.consumer.tenant:
        out.append((("spec", "consumer", "tenant"), "must be a different tenant from the provider"))
    if provider is None and spec.provider.tenant not in invalid:
        out.append((("spec", "provider", "tenant"), f"no tenant '{spec.provider.tenant}' in this stack"))
    if consumer is None and spec.consumer.tenant not in invalid:
        out.append((("spec", "consumer", "tenant"), f"no tenant '{spec.consumer.tenant}' in this stack"))
    if provider is not None:
        zones = provider.spec.storage.zones if provider.spec.storage is not None else []
        if spec.provider.zone not in zones:
            out.append(
                (
                    ("spec", "provider", "zone"),
                    f"tenant '{provider.name}' has no '{spec.provider.zone.value}' zone",
                )
            )
        if provider.spec.personal_data is not PersonalData.NONE and spec.legal_basis is None:
            out.append((("spec", "legalBasis"), f"is required because '{provider.name}' holds personal data (PDPA)"))
    if consumer is not None and consumer.spec.storage is None:
        out.append(
            (
                ("spec", "consumer", "tenant"),
                f"tenant '{consumer.name}' has no object storage, so it has no storage identity to grant "
                "read access to",
            )
        )
    if (
        provider is not None
        and consumer is not None
        and (consumer.spec.classification.rank < provider.spec.classification.rank)
    ):
        out.append(
            (
                ("spec", "consumer", "tenant"),
                f"'{consumer.name}' is classified {consumer.spec.classification.value}, below the provider's "
                f"{provider.spec.classification.value}",
            )
        )
    return out
