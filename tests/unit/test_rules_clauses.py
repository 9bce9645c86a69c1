"""Issue 17: one violating case per clause of every cross-field contract rule (``govcloud.contract.rules``).

A rule with two conditions gets two cases, each violating one condition only, and the boundary value that
still passes; every expectation is the exact ``(loc, message)`` list, written out here, so a mutant that
drops a clause, moves a bound or changes where the agency is pointed fails a test.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from govcloud.contract.rules import (
    AgreementStatus,
    Violation,
    agreement_rules,
    agreement_status,
    database_instance_size,
    effective_quota,
    site_reserved_names,
    tenant_rules,
)
from govcloud.contract.sharing import DataSharingAgreement
from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest
from tests.unit.contract_helpers import SITE, agreement, tenant

QUOTA = ("spec", "quota")
NO_DPO = {
    "owner": {"name": "Somchai Jaidee", "email": "somchai.j@nso.go.th"},
    "security": {"name": "Suda Rakdee", "email": "security@nso.go.th"},
}


def _tenant(name: str = "nso", **spec: Any) -> TenantRequest:
    return TenantRequest.model_validate(tenant(name, name.upper(), **spec))


def _rules(stack_site: SiteConfig | None = None, name: str = "nso", **spec: Any) -> list[Violation]:
    return tenant_rules(_tenant(name, **spec), stack_site)


def _site(**update: Any) -> SiteConfig:
    return SITE.model_copy(update=update)


def test_the_base_tenant_breaks_no_rule_alone_or_with_its_site() -> None:
    assert _rules() == []
    assert _rules(SITE) == []


# --- quota overrides: at most twice the preset (medium: 32 CPU, 128Gi, 2Ti, 300 pods), greater than zero ---


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [("cpu", "65", "32"), ("memory", "257Gi", "128Gi"), ("storage", "4097Gi", "2Ti"), ("pods", 601, "300")],
)
def test_quota_above_twice_the_preset(field: str, value: Any, shown: str) -> None:
    found = _rules(quota={field: value})
    assert ((*QUOTA, field), f"exceeds twice the medium tier preset ({shown}); ask for a larger tier") in found
    assert [loc for loc, _ in found] == [(*QUOTA, field)]


@pytest.mark.parametrize(("field", "value"), [("cpu", "64"), ("memory", "256Gi"), ("storage", "4Ti"), ("pods", 600)])
def test_quota_of_exactly_twice_the_preset_passes(field: str, value: Any) -> None:
    assert _rules(quota={field: value}) == []


@pytest.mark.parametrize(("field", "value"), [("cpu", "0"), ("memory", "0"), ("storage", "0")])
def test_a_zero_quota_is_refused(field: str, value: Any) -> None:
    found = _rules(quota={field: value}, database=None, storage=None)
    assert found == [((*QUOTA, field), "must be greater than zero")]


def test_effective_quota_takes_each_override_or_the_preset() -> None:
    quota = effective_quota(_tenant(quota={"cpu": "40", "pods": 400}))
    assert (str(quota.cpu), quota.memory, quota.storage, quota.pods) == ("40", 128 * 2**30, 2 * 2**40, 400)
    quota = effective_quota(_tenant(quota={"memory": "200Gi", "storage": "3Ti"}))
    assert (str(quota.cpu), quota.memory, quota.storage, quota.pods) == ("32", 200 * 2**30, 3 * 2**40, 300)


# --- storage budget: database storage plus object-storage quota within quota.storage ---


def test_database_plus_object_storage_over_the_budget_points_at_the_storage_quota() -> None:
    assert _rules(storage={"zones": ["raw"], "quota": "1900Gi"}) == [
        (
            ("spec", "storage", "quota"),
            "database storage plus object-storage quota (2100Gi) exceeds the tenant's storage quota (2Ti)",
        )
    ]


def test_database_alone_over_the_budget_points_at_the_database() -> None:
    found = _rules(storage=None, database={"version": 16, "instances": 2, "storage": "3Ti"})
    assert (
        ("spec", "database", "storage"),
        "database storage plus object-storage quota (3Ti) exceeds the tenant's storage quota (2Ti)",
    ) in found


def test_object_storage_alone_over_the_budget() -> None:
    assert _rules(database=None, storage={"zones": ["raw"], "quota": "3Ti"}) == [
        (
            ("spec", "storage", "quota"),
            "database storage plus object-storage quota (3Ti) exceeds the tenant's storage quota (2Ti)",
        )
    ]


def test_a_budget_used_exactly_passes() -> None:
    assert _rules(storage={"zones": ["raw"], "quota": "1848Gi"}) == []  # 200Gi + 1848Gi = 2Ti


# --- database instances fit the quota (CPU or memory) and meet the classification's minimum ---


def test_database_instances_over_the_cpu_quota() -> None:
    """200Gi gives 2 CPU and 8Gi per instance: two need 4 CPU, the quota allows 3; memory is ample."""
    assert _rules(quota={"cpu": "3"}) == [
        (
            ("spec", "database", "instances"),
            "2 database instances of 2 CPU and 8Gi each do not fit the tenant's quota (3 CPU, 128Gi)",
        )
    ]
    assert _rules(quota={"cpu": "4"}) == []


def test_database_instances_over_the_memory_quota() -> None:
    assert _rules(quota={"memory": "15Gi"}) == [
        (
            ("spec", "database", "instances"),
            "2 database instances of 2 CPU and 8Gi each do not fit the tenant's quota (32 CPU, 15Gi)",
        )
    ]
    assert _rules(quota={"memory": "16Gi"}) == []


@pytest.mark.parametrize(
    ("storage", "size"),
    [("100Gi", ("1", 4)), ("101Gi", ("2", 8)), ("1Ti", ("2", 8)), ("4Ti", ("4", 16)), ("5Ti", ("8", 32))],
)
def test_database_instance_size_follows_the_data(storage: str, size: tuple[str, int]) -> None:
    cpu, memory = database_instance_size(storage)
    assert (str(cpu), memory / 2**30) == size


@pytest.mark.parametrize(
    ("classification", "personal", "instances", "minimum"),
    [("secret", "personal", 2, 3), ("confidential", "personal", 1, 2)],
)
def test_too_few_database_instances_for_the_classification(
    classification: str, personal: str, instances: int, minimum: int
) -> None:
    found = _rules(
        classification=classification,
        personalData=personal,
        database={"version": 16, "instances": instances, "storage": "200Gi"},
    )
    assert found == [
        (("spec", "database", "instances"), f"{classification} tenants need at least {minimum} database instances")
    ]


@pytest.mark.parametrize(
    ("classification", "instances"), [("secret", 3), ("confidential", 2), ("internal", 1), ("public", 1)]
)
def test_the_minimum_number_of_instances_passes(classification: str, instances: int) -> None:
    assert (
        _rules(classification=classification, database={"version": 16, "instances": instances, "storage": "200Gi"})
        == []
    )


# --- secret tenants: national site only, no open data (enabled, or an organization named) ---


def test_secret_tenant_outside_the_national_site() -> None:
    secret = {"classification": "secret", "database": {"version": 16, "instances": 3, "storage": "200Gi"}}
    assert _rules(site="TH-76", **secret) == [(("spec", "site"), "secret tenants may only run at the national site")]
    assert _rules(site="TH-76", classification="confidential") == []


def test_secret_tenant_with_open_data_enabled() -> None:
    found = _rules(
        classification="secret",
        database={"version": 16, "instances": 3, "storage": "200Gi"},
        storage={"zones": ["raw", "published"], "quota": "1Ti"},
        openData={"enabled": True, "ckanOrganization": "nso"},
    )
    assert found == [(("spec", "openData"), "secret tenants may not publish open data")]


def test_secret_tenant_naming_a_ckan_organization_without_enabling() -> None:
    found = _rules(
        classification="secret",
        database={"version": 16, "instances": 3, "storage": "200Gi"},
        openData={"enabled": False, "ckanOrganization": "nso"},
    )
    assert found == [(("spec", "openData"), "secret tenants may not publish open data")]


# --- personal data (PDPA): sensitive data confidential or above; a DPO whenever personal data is held ---


def test_sensitive_personal_data_in_an_internal_tenant() -> None:
    found = _rules(classification="internal", personalData="sensitive", database=None)
    assert found == [(("spec", "classification"), "sensitive personal data must be classified confidential or secret")]


@pytest.mark.parametrize(("classification", "instances"), [("confidential", 2), ("secret", 3)])
def test_sensitive_personal_data_confidential_or_secret_passes(classification: str, instances: int) -> None:
    database = {"version": 16, "instances": instances, "storage": "200Gi"}
    assert _rules(classification=classification, personalData="sensitive", database=database) == []


@pytest.mark.parametrize("personal", ["personal", "sensitive"])
def test_personal_data_without_a_dpo(personal: str) -> None:
    found = _rules(personalData=personal, contacts=NO_DPO)
    assert found == [(("spec", "contacts", "dpo"), "is required when the tenant holds personal data (PDPA)")]


def test_no_personal_data_needs_no_dpo() -> None:
    assert _rules(personalData="none", contacts=NO_DPO) == []


# --- storage zones ---


def test_a_zone_listed_twice() -> None:
    found = _rules(storage={"zones": ["raw", "curated", "raw"], "quota": "1Ti"})
    assert found == [(("spec", "storage", "zones", 2), "zone 'raw' is listed twice")]


def test_retention_for_a_zone_not_listed() -> None:
    found = _rules(storage={"zones": ["raw"], "quota": "1Ti", "retentionDays": {"raw": 30, "archive": 30}})
    assert found == [(("spec", "storage", "retentionDays", "archive"), "zone 'archive' is not in storage.zones")]


# --- open data: the published zone exactly when enabled, public or internal only, an organization named ---

PUBLISHING = {"classification": "internal", "personalData": "none", "contacts": NO_DPO}


def test_open_data_without_the_published_zone() -> None:
    found = _rules(openData={"enabled": True, "ckanOrganization": "nso"}, **PUBLISHING)
    assert found == [(("spec", "storage", "zones"), "open data needs the 'published' storage zone")]


def test_open_data_without_storage_at_all() -> None:
    found = _rules(openData={"enabled": True, "ckanOrganization": "nso"}, storage=None, **PUBLISHING)
    assert found == [(("spec", "openData", "enabled"), "open data needs the 'published' storage zone")]


def test_published_zone_without_open_data() -> None:
    found = _rules(storage={"zones": ["raw", "published"], "quota": "1Ti"}, **PUBLISHING)
    assert found == [
        (("spec", "storage", "zones", 1), "the 'published' zone exists only when openData.enabled is true")
    ]


def test_open_data_from_a_confidential_tenant() -> None:
    found = _rules(
        storage={"zones": ["published"], "quota": "1Ti"},
        openData={"enabled": True, "ckanOrganization": "nso"},
        personalData="none",
    )
    assert found == [(("spec", "openData", "enabled"), "open data requires classification public or internal")]


@pytest.mark.parametrize("classification", ["public", "internal"])
def test_open_data_from_a_public_or_internal_tenant_passes(classification: str) -> None:
    found = _rules(
        classification=classification,
        personalData="none",
        contacts=NO_DPO,
        storage={"zones": ["published"], "quota": "1Ti"},
        openData={"enabled": True, "ckanOrganization": "nso"},
    )
    assert found == []


def test_open_data_without_a_ckan_organization() -> None:
    found = _rules(storage={"zones": ["published"], "quota": "1Ti"}, openData={"enabled": True}, **PUBLISHING)
    assert found == [(("spec", "openData", "ckanOrganization"), "is required when open data is enabled")]


# --- analytics ---


def test_spark_enabled_without_executors() -> None:
    found = _rules(analytics={"spark": {"enabled": True, "maxExecutors": 0}})
    assert found == [(("spec", "analytics", "spark", "maxExecutors"), "must be at least 1 when Spark is enabled")]
    assert _rules(analytics={"spark": {"enabled": True, "maxExecutors": 1}}) == []
    assert _rules(analytics={"spark": {"enabled": False, "maxExecutors": 0}}) == []


def test_superset_without_a_database() -> None:
    """A Superset-only tenant (no database) is refused; with a database it passes."""
    found = _rules(database=None, analytics={"superset": {"enabled": True}})
    assert found == [
        (
            ("spec", "analytics", "superset", "enabled"),
            "Superset keeps its metadata in the tenant's database: request a database too",
        )
    ]
    assert _rules(analytics={"superset": {"enabled": True}}) == []


# --- egress: each port once, never a control-plane port ---


def test_egress_port_listed_twice() -> None:
    found = _rules(network={"egress": [{"cidr": "203.0.113.0/24", "ports": [443, 443]}]})
    assert found == [(("spec", "network", "egress", 0, "ports"), "lists a port twice")]


def test_egress_to_a_control_plane_port() -> None:
    found = _rules(
        network={
            "egress": [{"cidr": "203.0.113.0/24", "ports": [443]}, {"cidr": "198.51.100.0/24", "ports": [5432, 10250]}]
        }
    )
    assert found == [
        (
            ("spec", "network", "egress", 1, "ports", 1),
            "port 10250 is the kubelet API, part of the cluster's control plane; tenants may not send traffic to it",
        )
    ]


# --- the stack's site ---


def test_tenant_of_another_site() -> None:
    assert _rules(SITE, site="TH-76") == [(("spec", "site"), "is 'TH-76' but this stack runs site 'national'")]


def test_tenant_named_as_a_namespace_the_site_reserves() -> None:
    site = _site(reserved_names=["nso"])
    assert _rules(site) == [
        (("metadata", "name"), "'nso' is reserved: it is a namespace this site reserves (govcloud:reservedNames)")
    ]


def test_tenant_named_as_the_cluster_dns_namespace() -> None:
    site = _site(cluster_dns=SITE.cluster_dns.model_copy(update={"namespace": "nso"}))
    assert _rules(site) == [(("metadata", "name"), "'nso' is reserved: it is the site's cluster DNS namespace")]
    assert site_reserved_names(site) == {"nso": "the site's cluster DNS namespace"}


def test_egress_overlapping_a_site_network_names_the_first_one() -> None:
    found = _rules(SITE, network={"egress": [{"cidr": "10.96.0.0/24", "ports": [443]}]})
    assert found == [
        (
            ("spec", "network", "egress", 0, "cidr"),
            "'10.96.0.0/24' overlaps 10.96.0.0/12, the cluster's service network; tenants reach platform services "
            "only through the platform's own allowances",
        )
    ]


@pytest.mark.parametrize(
    ("site", "cidr", "network", "why"),
    [
        (
            SITE,
            "10.10.0.0/24",
            "10.10.0.0/24",
            "the identity provider's network (reached through the platform's allowance)",
        ),
        (SITE, "10.0.0.0/24", "10.0.0.0/24", "the Kubernetes API server's network"),
        (
            _site(kubernetes_api=SITE.kubernetes_api.model_copy(update={"cidr": "10.1.0.0/24"})),
            "10.0.0.0/24",
            "10.0.0.0/24",
            "the cluster nodes' network (kubelets, node exporters, control plane)",
        ),
        (SITE, "10.244.0.0/24", "10.244.0.0/16", "the cluster's pod network"),
        (
            _site(platform_networks=["172.20.0.0/16"]),
            "172.20.1.0/24",
            "172.20.0.0/16",
            "one of the site's platform networks",
        ),
    ],
)
def test_egress_overlapping_each_site_network(site: SiteConfig, cidr: str, network: str, why: str) -> None:
    found = _rules(site, network={"egress": [{"cidr": cidr, "ports": [443]}]})
    assert found == [
        (
            ("spec", "network", "egress", 0, "cidr"),
            f"'{cidr}' overlaps {network}, {why}; tenants reach platform services only through the platform's own "
            "allowances",
        )
    ]


def test_egress_to_an_outside_network_passes_the_site() -> None:
    assert _rules(SITE, network={"egress": [{"cidr": "203.0.113.0/24", "ports": [443]}]}) == []


def test_groups_without_the_tenant_prefix_when_the_site_requires_it() -> None:
    site = _site(require_tenant_group_prefix=True)
    access = {"admins": ["nso-admins", "admins"], "engineers": ["eng"], "analysts": ["nsoanalysts"], "viewers": ["v"]}
    found = _rules(site, access=access)
    assert [loc for loc, _ in found] == [
        ("spec", "access", "admins", 1),
        ("spec", "access", "engineers", 0),
        ("spec", "access", "analysts", 0),
        ("spec", "access", "viewers", 0),
    ]
    assert found[0][1] == "'admins' must start with 'nso-': this site requires each tenant's groups to carry its name"
    assert _rules(SITE, access=access) == []


def test_secret_tenant_with_a_public_hostname() -> None:
    found = _rules(
        SITE,
        classification="secret",
        database={"version": 16, "instances": 3, "storage": "200Gi"},
        network={"ingress": {"hostnames": ["nso.intra.gdcc.go.th", "nso.data.go.th"]}},
    )
    assert found == [
        (
            ("spec", "network", "ingress", "hostnames", 1),
            "secret tenants may only use hostnames under the internal domain intra.gdcc.go.th (internal Gateway only)",
        )
    ]


def test_a_classification_the_site_keeps_internal_with_a_public_hostname() -> None:
    site = _site(gateways=SITE.gateways.model_copy(update={"internal_only": ["confidential"]}))
    found = _rules(site)
    assert found == [
        (
            ("spec", "network", "ingress", "hostnames", 0),
            "confidential tenants may only use hostnames under the internal domain intra.gdcc.go.th "
            "(internal Gateway only)",
        )
    ]
    assert _rules(site, network={"ingress": {"hostnames": ["nso.intra.gdcc.go.th"]}}) == []


@pytest.mark.parametrize("host", ["nso.example.org", "evildata.go.th", "nsointra.gdcc.go.th"])
def test_hostname_outside_both_site_domains(host: str) -> None:
    found = _rules(SITE, network={"ingress": {"hostnames": [host]}})
    assert found == [
        (
            ("spec", "network", "ingress", "hostnames", 0),
            "must be under the site's domain data.go.th or intra.gdcc.go.th",
        )
    ]


def test_internal_hostname_for_an_ordinary_tenant_passes() -> None:
    assert _rules(SITE, network={"ingress": {"hostnames": ["nso.intra.gdcc.go.th"]}}) == []


# --- sharing agreements ---


def _agreement(**spec: Any) -> DataSharingAgreement:
    return DataSharingAgreement.model_validate(agreement(**spec))


def _tenants(**overrides: dict[str, Any]) -> dict[str, TenantRequest]:
    moph = {"storage": {"zones": ["raw", "curated"], "quota": "1Ti"}}
    moph.update(overrides.get("moph", {}))
    nso = overrides.get("nso", {})
    return {"moph": _tenant("moph", **moph), "nso": _tenant("nso", **nso)}


MOPH_APPROVER = {"name": "Anan Srisuk", "email": "dpo@moph.go.th", "reference": "สธ 0201/1234"}


def test_the_base_agreement_breaks_no_rule() -> None:
    assert agreement_rules(_agreement(approvedBy=MOPH_APPROVER), _tenants()) == []


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (dt.date(2025, 12, 31), AgreementStatus.PENDING),
        (dt.date(2026, 1, 1), AgreementStatus.ACTIVE),
        (dt.date(2027, 12, 31), AgreementStatus.ACTIVE),
        (dt.date(2028, 1, 1), AgreementStatus.EXPIRED),
    ],
)
def test_agreement_status_at_both_ends_of_the_window(today: dt.date, status: AgreementStatus) -> None:
    assert agreement_status(_agreement(), today) is status


def test_agreement_ending_before_it_starts() -> None:
    found = agreement_rules(_agreement(validUntil=dt.date(2025, 12, 31)), _tenants())
    assert found == [(("spec", "validUntil"), "is before validFrom")]
    assert agreement_rules(_agreement(validUntil=dt.date(2026, 1, 1)), _tenants()) == []


@pytest.mark.parametrize(
    ("start", "end", "too_long"),
    [
        (dt.date(2026, 1, 1), dt.date(2029, 1, 1), False),
        (dt.date(2026, 1, 1), dt.date(2029, 1, 2), True),
        (dt.date(2028, 2, 29), dt.date(2031, 2, 28), False),
        (dt.date(2028, 2, 29), dt.date(2031, 3, 1), True),
    ],
)
def test_agreement_longer_than_three_years(start: dt.date, end: dt.date, too_long: bool) -> None:
    found = agreement_rules(_agreement(validFrom=start, validUntil=end), _tenants())
    assert found == ([(("spec", "validUntil"), "is more than 3 years after validFrom")] if too_long else [])


def test_agreement_with_itself() -> None:
    consumer = {"tenant": "moph"}
    found = agreement_rules(_agreement(consumer=consumer), _tenants())
    assert found == [(("spec", "consumer", "tenant"), "must be a different tenant from the provider")]


def test_agreement_with_unknown_tenants_unless_their_files_are_invalid() -> None:
    tenants = _tenants()
    only_nso = {"nso": tenants["nso"]}
    only_moph = {"moph": tenants["moph"]}
    assert agreement_rules(_agreement(), only_nso) == [
        (("spec", "provider", "tenant"), "no tenant 'moph' in this stack")
    ]
    assert agreement_rules(_agreement(), only_nso, invalid={"moph"}) == []
    assert agreement_rules(_agreement(), only_moph) == [
        (("spec", "consumer", "tenant"), "no tenant 'nso' in this stack")
    ]
    assert agreement_rules(_agreement(), only_moph, invalid={"nso"}) == []


def test_agreement_on_a_zone_the_provider_lacks() -> None:
    provider = {"tenant": "moph", "zone": "published", "prefix": "health/"}
    found = agreement_rules(_agreement(provider=provider), _tenants())
    assert found == [(("spec", "provider", "zone"), "tenant 'moph' has no 'published' zone")]


def test_agreement_from_a_provider_without_storage() -> None:
    found = agreement_rules(_agreement(), _tenants(moph={"storage": None}))
    assert found == [(("spec", "provider", "zone"), "tenant 'moph' has no 'curated' zone")]


def test_personal_data_shared_without_a_legal_basis() -> None:
    found = agreement_rules(_agreement(legalBasis=None), _tenants())
    assert found == [(("spec", "legalBasis"), "is required because 'moph' holds personal data (PDPA)")]
    tenants = _tenants(moph={"personalData": "none", "contacts": NO_DPO, "classification": "internal"})
    owner = {"name": "Somchai Jaidee", "email": "somchai.j@nso.go.th", "reference": "x"}
    assert agreement_rules(_agreement(legalBasis=None, approvedBy=owner), tenants) == []


def test_consumer_without_object_storage() -> None:
    found = agreement_rules(_agreement(), _tenants(nso={"storage": None}))
    assert found == [
        (
            ("spec", "consumer", "tenant"),
            "tenant 'nso' has no object storage, so it has no storage identity to grant read access to",
        )
    ]


def test_consumer_classified_below_the_provider() -> None:
    found = agreement_rules(_agreement(), _tenants(nso={"classification": "internal"}))
    assert found == [
        (("spec", "consumer", "tenant"), "'nso' is classified internal, below the provider's confidential")
    ]
    assert agreement_rules(_agreement(), _tenants(nso={"classification": "secret", "database": None})) == []


def test_approval_by_someone_other_than_the_providers_owner_or_dpo() -> None:
    consumer_dpo = {"name": "Anan Srisuk", "email": "dpo@nso.go.th", "reference": "x"}
    found = agreement_rules(_agreement(approvedBy=consumer_dpo), _tenants())
    assert found == [
        (
            ("spec", "approvedBy", "email"),
            "'dpo@nso.go.th' is not a declared approver of the provider 'moph': the approval must come from its "
            "owner or data-protection officer (somchai.j@moph.go.th or dpo@moph.go.th)",
        )
    ]


@pytest.mark.parametrize("email", ["somchai.j@moph.go.th", "DPO@moph.go.th"])
def test_approval_by_the_providers_owner_or_dpo_in_any_case(email: str) -> None:
    approver = {"name": "x", "email": email, "reference": "x"}
    assert agreement_rules(_agreement(approvedBy=approver), _tenants()) == []


def test_approval_when_the_provider_has_no_dpo_names_the_owner_only() -> None:
    tenants = _tenants(moph={"personalData": "none", "contacts": NO_DPO, "classification": "internal"})
    found = agreement_rules(_agreement(), tenants)
    assert found == [
        (
            ("spec", "approvedBy", "email"),
            "'dpo@moph.go.th' is not a declared approver of the provider 'moph': the approval must come from its "
            "owner or data-protection officer (somchai.j@nso.go.th)",
        )
    ]


@pytest.mark.parametrize(("field", "value"), [("cpu", "500m"), ("cpu", "1"), ("memory", "1"), ("pods", 1)])
def test_a_small_positive_quota_is_not_zero(field: str, value: Any) -> None:
    assert _rules(quota={field: value}, database=None, storage=None) == []


def test_egress_overlapping_the_object_store_network() -> None:
    site = _site(object_store=SITE.object_store.model_copy(update={"cidr": "192.168.50.0/24"}))
    found = _rules(site, network={"egress": [{"cidr": "192.168.50.0/25", "ports": [443]}]})
    assert found == [
        (
            ("spec", "network", "egress", 0, "cidr"),
            "'192.168.50.0/25' overlaps 192.168.50.0/24, the object store's network (reached through the "
            "platform's allowance); tenants reach platform services only through the platform's own allowances",
        )
    ]


def test_every_overlapping_egress_is_reported_once() -> None:
    egress = [{"cidr": "10.244.0.0/24", "ports": [443]}, {"cidr": "10.244.1.0/24", "ports": [443]}]
    found = _rules(SITE, network={"egress": egress})
    assert [loc for loc, _ in found] == [
        ("spec", "network", "egress", 0, "cidr"),
        ("spec", "network", "egress", 1, "cidr"),
    ]


def test_a_site_network_written_with_host_bits_still_guards_egress() -> None:
    """The nodes, API, object-store and identity-provider networks are only pattern-checked in the site config
    (``10.0.0.5/24`` is accepted), so the overlap rule reads them leniently instead of crashing."""
    site = _site(nodes=SITE.nodes.model_copy(update={"cidr": "10.1.0.5/24"}))
    found = _rules(site, network={"egress": [{"cidr": "10.1.0.0/25", "ports": [443]}]})
    assert found == [
        (
            ("spec", "network", "egress", 0, "cidr"),
            "'10.1.0.0/25' overlaps 10.1.0.0/24, the cluster nodes' network (kubelets, node exporters, control "
            "plane); tenants reach platform services only through the platform's own allowances",
        )
    ]
