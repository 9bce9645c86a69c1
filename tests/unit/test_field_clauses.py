"""Issue 17: each clause of the contract's field validators (site config, tenant, agreement, cron, sizes).

Boundaries on both sides and the exact message, so a mutant that drops a condition, moves a bound by one or
loses the message fails a test. The site config is validated from a document like the stack file's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from govcloud.contract import fields
from govcloud.contract.cron import CronError, validate_backup_schedule, validate_cron
from govcloud.contract.fields import title_of
from govcloud.contract.quantity import QuantityError, format_bytes, parse_quantity
from govcloud.contract.sharing import DataSharingAgreement
from govcloud.contract.site import SiteConfig, network_settings_given
from govcloud.contract.tenant import TenantRequest, tenant_name_problem
from tests.unit.contract_helpers import SITE, agreement, tenant, with_path

SITE_DOCUMENT: dict[str, Any] = SITE.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _site(**changes: Any) -> SiteConfig:
    document = {**SITE_DOCUMENT, **changes}
    return SiteConfig.model_validate(document)


def _site_error(**changes: Any) -> str:
    with pytest.raises(ValidationError) as error:
        _site(**changes)
    (problem,) = error.value.errors()
    return str(problem["msg"]).removeprefix("Value error, ")


def test_the_site_document_round_trips() -> None:
    assert _site() == SITE


# --- site config ---


def test_site_is_national_or_a_province() -> None:
    assert _site(site="TH-76").site == "TH-76"
    assert _site_error(site="TH-99") == "'TH-99' must be 'national' or a province code such as TH-76"
    assert _site_error(site="th-76") == "'th-76' must be 'national' or a province code such as TH-76"


@pytest.mark.parametrize(("given", "kept"), [("1.36", "1.36"), ("v1.36", "1.36"), ("1.36.5", "1.36.5")])
def test_kubernetes_version_accepted_and_normalised(given: str, kept: str) -> None:
    assert _site(kubernetesVersion=given).kubernetes_version == kept


@pytest.mark.parametrize("given", ["V1.36", "1.3", "2.36", "1.36-rc1", "v"])
def test_kubernetes_version_refused(given: str) -> None:
    assert (
        _site_error(kubernetesVersion=given)
        == f"'{given}' must be a Kubernetes version such as \"1.36\" (quote it in YAML)"
    )


def test_https_urls() -> None:
    provider = dict(SITE_DOCUMENT["identityProvider"])
    accepted = _site(identityProvider={**provider, "issuerUrl": "https://SSO.gdcc.go.th:8443/realms/x"})
    assert accepted.identity_provider.issuer_url == "https://SSO.gdcc.go.th:8443/realms/x"
    for url in ("http://sso.gdcc.go.th", "https://sso gdcc", "ftp://x"):
        assert _site_error(identityProvider={**provider, "issuerUrl": url}) == f"'{url}' must be an https:// URL"


def test_dns_labels_up_to_63_lowercase_characters() -> None:
    assert _site(storageClass="a" * 63).storage_class == "a" * 63
    for label in ("a" * 64, "Gdcc", "gdcc_ssd", "-gdcc"):
        assert _site_error(storageClass=label) == f"'{label}' must be a lowercase DNS label"


def test_site_networks_without_host_bits() -> None:
    """The cluster's pod and service networks and the platform networks (``Network``) refuse host bits."""
    networks = dict(SITE_DOCUMENT["clusterNetworks"])
    assert _site(platformNetworks=["172.20.0.0/16"]).platform_networks == ["172.20.0.0/16"]
    message = "'{}' has host bits set; write the network address {}"
    assert _site_error(platformNetworks=["172.20.0.1/16"]) == message.format("172.20.0.1/16", "172.20.0.0/16")
    assert _site_error(clusterNetworks={**networks, "podCidrs": ["10.244.0.1/16"]}) == message.format(
        "10.244.0.1/16", "10.244.0.0/16"
    )


def test_gateway_addresses_are_ip_addresses() -> None:
    gateways = SITE_DOCUMENT.get("gateways", {})
    accepted = _site(gateways={**gateways, "public": {"addresses": ["203.0.113.10", "2001:db8::1"]}})
    assert accepted.gateways.public.addresses == ["203.0.113.10", "2001:db8::1"]
    assert _site_error(gateways={**gateways, "public": {"addresses": ["gw.example"]}}) == (
        "'gw.example' must be an IP address such as 203.0.113.10"
    )


# --- tenant egress networks ---


def _egress_error(cidr: str) -> str:
    with pytest.raises(ValidationError) as error:
        TenantRequest.model_validate(tenant(network={"egress": [{"cidr": cidr, "ports": [443]}]}))
    (problem,) = error.value.errors()
    return str(problem["msg"]).removeprefix("Value error, ")


def test_egress_network_needs_a_prefix_length() -> None:
    assert _egress_error("203.0.113.7") == "'203.0.113.7' needs a prefix length, e.g. 203.0.113.7/32"


def test_egress_network_with_host_bits() -> None:
    assert _egress_error("203.0.113.5/24") == "'203.0.113.5/24' has host bits set; did you mean 203.0.113.0/24?"


def test_a_backup_schedule_is_checked_as_cron() -> None:
    database = {"version": 16, "instances": 2, "storage": "200Gi", "backup": {"schedule": "0 2 * *"}}
    with pytest.raises(ValidationError, match="has 4 fields"):
        TenantRequest.model_validate(tenant(database=database))


# --- cron ---


def test_cron_needs_five_fields() -> None:
    with pytest.raises(CronError) as error:
        validate_cron("0 2 * *")
    assert str(error.value) == (
        "'0 2 * *' has 4 fields; write standard 5-field cron (minute hour day-of-month month day-of-week), "
        'e.g. "0 2 * * *"'
    )


@pytest.mark.parametrize(
    "expression", ["0 2 * * *", "0 2 5-5 * *", "59 23 31 12 6", "0 2 * jan-mar mon,fri", "0 2 1/7 * *"]
)
def test_valid_cron(expression: str) -> None:
    validate_cron(expression)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("0 2 * * 001", "'001' is not a valid day of week"),
        ("0 2 * * ٣", "'٣' is not a valid day of week"),
        ("0 2 * * ab", "'ab' is not a valid day of week"),
        ("0 2 * * 7", "day of week 7 is outside 0-6"),
        ("0 24 * * *", "hour 24 is outside 0-23"),
        ("0 2 0 * *", "day of month 0 is outside 1-31"),
        ("0 2 5-4 * *", None),
    ],
)
def test_invalid_cron(expression: str, message: str | None) -> None:
    with pytest.raises(CronError) as error:
        validate_cron(expression)
    if message is not None:
        assert str(error.value) == message


def test_backup_schedule_at_most_hourly() -> None:
    validate_backup_schedule("15 * * * *")
    with pytest.raises(CronError) as error:
        validate_backup_schedule("*/5 * * * *")
    assert str(error.value).endswith('gives point-in-time recovery): give one minute, e.g. "0 2 * * *"')


# --- byte counts shown to agencies ---


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (2**40, "1Ti"),
        (2 * 2**40, "2Ti"),
        (1536 * 2**30, "1536Gi"),
        (2**30, "1Gi"),
        (1024, "1Ki"),
        (1023, "1023"),
        (1536, "1536"),
        (Decimal("0.5"), "0.5"),
        (Decimal(0), "0"),
    ],
)
def test_format_bytes(value: int | Decimal, shown: str) -> None:
    assert format_bytes(Decimal(value)) == shown


# --- agreements ---


def _agreement_error(**spec: Any) -> str:
    with pytest.raises(ValidationError) as error:
        DataSharingAgreement.model_validate(agreement(**spec))
    (problem,) = error.value.errors()
    return str(problem["msg"]).removeprefix("Value error, ")


def test_agreement_name_message() -> None:
    with pytest.raises(ValidationError) as error:
        DataSharingAgreement.model_validate({**agreement(), "metadata": {"name": "Moph-to-nso"}})
    (problem,) = error.value.errors()
    assert str(problem["msg"]).endswith(
        "lowercase letters, digits or single hyphens, starting with a letter (the consumer's Trino catalog is named "
        "after it)"
    )


@pytest.mark.parametrize(
    ("prefix", "ok"),
    [
        ("a/" * 256, True),
        ("a/" * 256 + "b/", False),
        ("./x/", False),
        ("x/./", False),
        ("x/../", False),
        ("x", False),
        ("x/.hidden/", True),
    ],
)
def test_agreement_prefix(prefix: str, ok: bool) -> None:
    provider = {"tenant": "moph", "zone": "curated", "prefix": prefix}
    if ok:
        assert DataSharingAgreement.model_validate(agreement(provider=provider)).spec.provider.prefix == prefix
    else:
        assert _agreement_error(provider=provider).startswith(f"{prefix!r} must be a relative path ending in '/'")


def test_agreement_dates_are_dates() -> None:
    assert DataSharingAgreement.model_validate(agreement()).spec.valid_from == dt.date(2026, 1, 1)


# --- schema titles editors show ---


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("ckan_organization", "CKAN organization"),
        ("OpenData", "Open data"),
        ("name_th", "Name (Thai)"),
        ("name_en", "Name (English)"),
        ("dpo", "DPO"),
        ("pod_cidrs", "Pod CIDRs"),
        ("issuer_url", "Issuer URL"),
        ("kubernetes_api", "Kubernetes API"),
        ("account_id", "Account ID"),
        ("max_executors", "Max executors"),
        ("TenantRequest", "Tenant request"),
        ("v2", "V2"),
        ("_private", "Private"),
        ("", ""),
    ],
)
def test_schema_titles(name: str, title: str) -> None:
    assert title_of(name) == title
    assert SiteConfig.model_json_schema()["title"] == "Site config"


# --- the validators the tenant model runs on each field (called directly: one clause per case) ---


@pytest.mark.parametrize("email", ["a..b@nso.go.th", ".a@nso.go.th", "a@nso..go.th"])
def test_email_shapes_refused(email: str) -> None:
    with pytest.raises(ValueError, match="is not a valid email address"):
        fields._email(email)


def test_email_domains() -> None:
    assert fields._email("a.b@sub.nso.go.th") == "a.b@sub.nso.go.th"
    with pytest.raises(ValueError, match=r"^'a@gmail\.com' must be an address under "):
        fields._email("a@gmail.com")


@pytest.mark.parametrize(("value", "kept"), [("200Gi", "200Gi"), (48, 48), (1.5, "1.5"), (0, 0)])
def test_quantity_fields_keep_what_was_written(value: Any, kept: Any) -> None:
    assert fields._quantity(value) == kept


@pytest.mark.parametrize("value", [True, None, [1], {"a": 1}])
def test_quantity_fields_refuse_other_types(value: Any) -> None:
    with pytest.raises(ValueError) as error:
        fields._quantity(value)
    assert str(error.value) == "must be a Kubernetes quantity such as 200Gi, 2Ti or 48"


def test_group_names() -> None:
    assert fields._group("a" * 256) == "a" * 256
    with pytest.raises(ValueError) as error:
        fields._group("a" * 257)
    assert str(error.value).endswith(
        "is not a valid identity-provider group name (letters, digits and . _ : @ / = + -, starting with a letter "
        "or digit, no spaces)"
    )
    with pytest.raises(ValueError) as error:
        fields._group("System:masters")
    assert str(error.value) == (
        "'System:masters' is a Kubernetes system group (system:...); it would grant the role to the cluster's own "
        "identities or to everyone. Name your agency's identity-provider group"
    )


@pytest.mark.parametrize(
    ("host", "ok"),
    [
        ("nso.data.go.th", True),
        ("a.b", True),
        ("nso", False),
        ("a" * 63 + ".go.th", True),
        ("a" * 64 + ".go.th", False),
        (".".join(["a" * 49] * 5) + ".thx", True),  # 253 characters
        (".".join(["a" * 49] * 5) + ".thxy", False),  # 254 characters
        ("*.data.go.th", False),
    ],
)
def test_hostnames(host: str, ok: bool) -> None:
    if ok:
        assert fields._hostname(host) == host
    else:
        with pytest.raises(ValueError) as error:
            fields._hostname(host)
        assert str(error.value) == (
            f"'{host}' is not a valid hostname (lowercase letters, digits and hyphens, dot-separated, e.g. "
            "nso.data.go.th; no wildcards)"
        )


def test_label_values() -> None:
    assert fields._label_value("a" * 63) == "a" * 63
    for value in ("a" * 64, "-a", ""):
        with pytest.raises(ValueError) as error:
            fields._label_value(value)
        assert str(error.value).endswith("starting and ending with a letter or digit (it becomes a Kubernetes label)")


@pytest.mark.parametrize(
    ("value", "parsed"),
    [("200Gi", 200 * 2**30), ("500m", Decimal("0.5")), ("1e3", 1000), (0, 0), (0.5, Decimal("0.5")), ("1k", 1000)],
)
def test_parse_quantity(value: Any, parsed: Any) -> None:
    assert parse_quantity(value) == Decimal(parsed)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "True is not a quantity"),
        (-1, "-1 must not be negative"),
        (-0.5, "-0.5 must not be negative"),
        ("-1", "'-1' is not a Kubernetes quantity (write it like 200Gi, 2Ti or 500m)"),
        (2**63, "'9223372036854775808' is out of range: no quantity in a cluster is that large"),
    ],
)
def test_parse_quantity_refusals(value: Any, message: str) -> None:
    with pytest.raises(QuantityError) as error:
        parse_quantity(value)
    assert str(error.value) == message


# --- a production site states every network-critical setting ---

NETWORK_KEYS = ("kubernetesApi", "clusterDns", "nodes", "clusterNetworks")


def test_network_settings_given_names_each_setting() -> None:
    assert network_settings_given(_site()) == {
        ("kubernetesApi",): True,
        ("clusterDns",): True,
        ("nodes",): True,
        ("clusterNetworks",): True,
        ("objectStore", "cidr"): True,
        ("identityProvider", "cidr"): True,
    }
    bare = {k: v for k, v in SITE_DOCUMENT.items() if k not in NETWORK_KEYS}
    bare["objectStore"] = {k: v for k, v in SITE_DOCUMENT["objectStore"].items() if k != "cidr"}
    bare["identityProvider"] = {k: v for k, v in SITE_DOCUMENT["identityProvider"].items() if k != "cidr"}
    dev = SiteConfig.model_validate({**bare, "environment": "dev"})
    assert network_settings_given(dev) == dict.fromkeys(network_settings_given(_site()), False)


@pytest.mark.parametrize(
    "missing", [*((k,) for k in NETWORK_KEYS), ("objectStore", "cidr"), ("identityProvider", "cidr")]
)
def test_a_production_site_without_a_network_setting(missing: tuple[str, ...]) -> None:
    document = dict(SITE_DOCUMENT)
    if len(missing) == 1:
        del document[missing[0]]
    else:
        document[missing[0]] = {k: v for k, v in document[missing[0]].items() if k != missing[1]}
    with pytest.raises(ValidationError) as error:
        SiteConfig.model_validate(document)
    (problem,) = error.value.errors()
    assert problem["loc"] == missing
    assert problem["msg"] == "a production stack must set this network setting explicitly (see docs/site-guide.md)"
    assert SiteConfig.model_validate({**document, "environment": "staging"}).environment == "staging"


def test_format_bytes_of_a_decimal_written_with_a_fraction() -> None:
    assert format_bytes(parse_quantity("1.5Ki")) == "1536"
    assert format_bytes(parse_quantity("2.0Ki")) == "2Ki"


# --- tenant names and English names ---


def test_tenant_name_problems_are_whole_sentences() -> None:
    assert tenant_name_problem("nso") is None
    assert tenant_name_problem("ns-") == (
        "'ns-' must be 3-20 lowercase letters, digits or single hyphens, start with a letter and not end with a hyphen"
    )
    assert tenant_name_problem("nso-backup") == (
        "'nso-backup' ends with '-backup', which govcloud adds to derived names (another tenant's identity or bucket "
        "would carry it); choose another name"
    )


def test_english_names_are_printable_ascii_up_to_the_tilde() -> None:
    assert TenantRequest.model_validate(with_path(tenant(), "spec.agency.nameEn", "Office ~ Statistics")).spec
    with pytest.raises(ValidationError) as error:
        TenantRequest.model_validate(with_path(tenant(), "spec.agency.nameEn", "Office\x7f"))
    (problem,) = error.value.errors()
    assert problem["msg"] == "Value error, must be plain printable English text (ASCII letters, digits and punctuation)"


# --- quantities at their limits ---


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0" * 39 + "1", 1),
        ("1E3", 1000),
        ("1e-30", Decimal("1e-30")),
        ("9E", 9 * 10**18),
        ("1E", 10**18),
        ("1e00001", 10),
        (str(2**63 - 1), 2**63 - 1),
    ],
)
def test_quantities_at_their_limits(text: str, value: int | Decimal) -> None:
    """A lone E is the exa suffix, as in Kubernetes (it once crashed here as an empty exponent)."""
    assert parse_quantity(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0" * 40 + "1", "'" + "0" * 40 + "1' has too many digits to be a quantity"),
        ("1e31", "'1e31' is out of range: the exponent may be at most 30"),
        ("1e000001", "'1e000001' is out of range: the exponent may be at most 30"),
        ("9999999999e30", "'9999999999e30' is out of range: no quantity in a cluster is that large"),
        ("99999999Ei", "'99999999Ei' is out of range: no quantity in a cluster is that large"),
        ("10E", "'10E' is out of range: no quantity in a cluster is that large"),
        (str(2**63), f"'{2**63}' is out of range: no quantity in a cluster is that large"),
    ],
)
def test_quantities_beyond_their_limits(text: str, message: str) -> None:
    with pytest.raises(QuantityError) as error:
        parse_quantity(text)
    assert str(error.value) == message
