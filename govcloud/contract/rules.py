"""Rules that look at more than one field or more than one file. Pure functions over validated models.

Each rule returns ``(loc, message)`` pairs; ``loc`` is the field path the agency must change, so the
caller can point at its line.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from govcloud.contract.quantity import format_bytes, parse_quantity
from govcloud.contract.sharing import DataSharingAgreement
from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest
from govcloud.contract.vocabulary import TIER_PRESETS, Classification, PersonalData, TierPreset, Zone

#: Ports of the cluster's own control plane and node agents (etcd, kubelet, scheduler, controller manager,
#: kube-proxy): no tenant egress may name them, whatever the destination.
CONTROL_PLANE_PORTS: dict[int, str] = {
    2379: "etcd",
    2380: "etcd peers",
    10248: "the kubelet's health endpoint",
    10249: "kube-proxy metrics",
    10250: "the kubelet API",
    10255: "the kubelet's read-only port",
    10256: "kube-proxy health",
    10257: "kube-controller-manager",
    10259: "kube-scheduler",
}

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
        for port_index, port in enumerate(egress.ports):
            if port in CONTROL_PLANE_PORTS:
                out.append(
                    (
                        ("spec", "network", "egress", index, "ports", port_index),
                        f"port {port} is {CONTROL_PLANE_PORTS[port]}, part of the cluster's control plane; "
                        "tenants may not send traffic to it",
                    )
                )

    if site is not None:
        out.extend(_site_rules(tenant, site))
    return out


def site_networks(site: SiteConfig) -> list[tuple[str, str]]:
    """The site's own networks (cidr, what it is): tenant egress may overlap none of them."""
    networks = [(cidr, "the cluster's pod network") for cidr in site.cluster_networks.pod_cidrs]
    networks += [(cidr, "the cluster's service network") for cidr in site.cluster_networks.service_cidrs]
    networks += [
        (site.object_store.cidr, "the object store's network (reached through the platform's allowance)"),
        (site.identity_provider.cidr, "the identity provider's network (reached through the platform's allowance)"),
        (site.kubernetes_api.cidr, "the Kubernetes API server's network"),
        (site.nodes.cidr, "the cluster nodes' network (kubelets, node exporters, control plane)"),
    ]
    networks += [(cidr, "one of the site's platform networks") for cidr in site.platform_networks]
    return networks


def site_reserved_names(site: SiteConfig) -> dict[str, str]:
    """Names the site config itself gives namespaces, plus its extra reserved list: no tenant may take one."""
    names = {name: "a namespace this site reserves (govcloud:reservedNames)" for name in site.reserved_names}
    names[site.cluster_dns.namespace] = "the site's cluster DNS namespace"
    return names


def _egress_site_rules(tenant: TenantRequest, site: SiteConfig) -> Iterable[Violation]:
    networks = [(ipaddress.ip_network(cidr, strict=False), why) for cidr, why in site_networks(site)]
    for index, egress in enumerate(tenant.spec.network.egress):
        wanted = ipaddress.ip_network(egress.cidr, strict=False)
        for network, why in networks:
            if wanted.version == network.version and wanted.overlaps(network):
                yield (
                    ("spec", "network", "egress", index, "cidr"),
                    f"'{egress.cidr}' overlaps {network}, {why}; tenants reach platform services only through "
                    "the platform's own allowances",
                )
                break


def _group_site_rules(tenant: TenantRequest, site: SiteConfig) -> Iterable[Violation]:
    if not site.require_tenant_group_prefix:
        return
    prefix = f"{tenant.name}-"
    access = tenant.spec.access
    for role in ("admins", "engineers", "analysts", "viewers"):
        for index, group in enumerate(getattr(access, role)):
            if not group.startswith(prefix):
                yield (
                    ("spec", "access", role, index),
                    f"'{group}' must start with '{prefix}': this site requires each tenant's groups to carry its name",
                )


def _site_rules(tenant: TenantRequest, site: SiteConfig) -> Iterable[Violation]:
    spec = tenant.spec
    if spec.site != site.site:
        yield (("spec", "site"), f"is '{spec.site}' but this stack runs site '{site.site}'")
    reserved = site_reserved_names(site)
    if tenant.name in reserved:
        yield (("metadata", "name"), f"'{tenant.name}' is reserved: it is {reserved[tenant.name]}")
    yield from _egress_site_rules(tenant, site)
    yield from _group_site_rules(tenant, site)
    # Secret tenants and the site's internal-only classifications attach only to the internal Gateway
    # (govcloud.manifests.gateway), so their names live under the internal domain only.
    secret = spec.classification is Classification.SECRET or spec.classification.value in site.gateways.internal_only
    for index, host in enumerate(spec.network.ingress.hostnames):
        internal = host.endswith("." + site.internal_domain)
        public = host.endswith("." + site.domain)
        if secret and not internal:
            yield (
                ("spec", "network", "ingress", "hostnames", index),
                f"{spec.classification.value} tenants may only use hostnames under the internal domain "
                f"{site.internal_domain} (internal Gateway only)",
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
        out.extend(_approval_rules(agreement, provider))
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


def _approval_rules(agreement: DataSharingAgreement, provider: TenantRequest) -> Iterable[Violation]:
    """The provider approves: ``approvedBy`` must be its owner or its data-protection officer.

    A consumer naming itself, or a third agency, as the approver would grant itself another's data.
    """
    contacts = provider.spec.contacts
    approvers = [contacts.owner, *([contacts.dpo] if contacts.dpo is not None else [])]
    email = agreement.spec.approved_by.email.lower()
    if all(email != contact.email.lower() for contact in approvers):
        allowed = " or ".join(contact.email for contact in approvers)
        yield (
            ("spec", "approvedBy", "email"),
            f"'{agreement.spec.approved_by.email}' is not a declared approver of the provider "
            f"'{provider.name}': the approval must come from its owner or data-protection officer ({allowed})",
        )
