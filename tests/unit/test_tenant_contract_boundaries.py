"""Issue 10, classes 2, 4, 5 and 6: each hostile request, and the one located problem that now refuses it.

Every case is what a hostile agency controls: its own request file, or an agreement it proposes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import QuotaOverride
from tests.unit.contract_helpers import SITE, agreement, messages, problems, tenant, with_path

BASE = tenant()
MOPH = tenant("moph", "MOPH")


def _egress(cidr: str, *ports: int) -> dict[str, Any]:
    return with_path(BASE, "spec.network.egress", [{"cidr": cidr, "ports": list(ports or (443,))}])


def _only(found: list[str], fragment: str) -> None:
    assert len(found) == 1 and fragment in found[0], found


# --- class 2: names that would derive another tenant's, another environment's or the platform's names ---

NAME_CASES = [
    ("revenue-backup", "ends with '-backup'"),
    ("opendata-portal", "is reserved"),
    ("opendata", "is reserved"),
    ("dev-nso", "is reserved"),
    ("staging-nso", "is reserved"),
    ("prod", "is reserved"),
    ("nso-ckan", "ends with '-ckan'"),
    ("nso-raw", "ends with '-raw'"),
    ("evil--agency", "single hyphens"),
    ("govcloud-x", "is reserved"),
    ("nso\n", "must be 3-20"),
]


@pytest.mark.parametrize(("name", "fragment"), NAME_CASES, ids=[n.strip() for n, _ in NAME_CASES])
def test_a_tenant_name_that_would_collide_is_refused(tmp_path: Path, name: str, fragment: str) -> None:
    found = [m for m in messages(tmp_path, with_path(BASE, "metadata.name", name)) if m.startswith("metadata.name:")]
    assert any(fragment in m for m in found), found
    assert all("\n" not in m for m in found), "one problem, one line"


# --- class 4: groups, egress and namespaces that belong to the platform -------------------------------


@pytest.mark.parametrize(
    "group", ["system:masters", "system:unauthenticated", "system:authenticated", "system:serviceaccounts", "SYSTEM:x"]
)
def test_kubernetes_system_groups_are_refused(tmp_path: Path, group: str) -> None:
    document = with_path(BASE, "spec.access", {"admins": ["nso-admins"], "viewers": [group]})
    _only(messages(tmp_path, document), "spec.access.viewers[0]: ")
    assert "Kubernetes system group" in messages(tmp_path, document)[0]


def test_an_access_group_belongs_to_one_tenant_only(tmp_path: Path) -> None:
    thief = with_path(MOPH, "spec.access", {"admins": ["moph-admins"], "analysts": ["nso-analysts"]})
    found = problems(tmp_path, BASE, thief)
    assert [(Path(p.file).name, p.field) for p in found] == [("moph.yaml", "spec.access.analysts[0]")]
    assert "access group 'nso-analysts' is already used in" in found[0].message
    twice = with_path(BASE, "spec.access", {"admins": ["nso-admins"], "analysts": ["nso-admins"]})
    assert messages(tmp_path, twice) == [], "one tenant may give its own group two roles"


def test_a_site_may_require_groups_to_carry_the_tenant_name(tmp_path: Path) -> None:
    strict = SITE.model_copy(update={"require_tenant_group_prefix": True})
    document = with_path(BASE, "spec.access", {"admins": ["nso-admins"], "viewers": ["auditors"]})
    _only(messages(tmp_path, document, site=strict), "spec.access.viewers[0]: 'auditors' must start with 'nso-'")
    assert messages(tmp_path, document) == []


EGRESS_CASES = [
    ("169.254.169.254/32", "link-local, including the cloud metadata address"),
    ("127.0.0.1/32", "loopback"),
    ("224.0.0.0/24", "multicast"),
    ("64:ff9b::/96", "NAT64 well-known prefix"),
    ("64:ff9b::a00:1/128", "NAT64 well-known prefix"),
    ("::ffff:a00:0/120", "IPv4-mapped"),
    ("::ffff:0:a00:0/120", "IPv4-translated"),
    ("fe80::/64", "link-local"),
    ("fd00:ec2::254/128", "IPv6 cloud metadata"),
    ("10.96.0.10/32", "the cluster's service network"),
    ("10.244.3.0/24", "the cluster's pod network"),
    ("10.10.0.0/24", "the identity provider's network"),
    ("10.0.0.1/32", "the Kubernetes API server's network"),
]


@pytest.mark.parametrize(("cidr", "fragment"), EGRESS_CASES, ids=[c for c, _ in EGRESS_CASES])
def test_egress_to_platform_and_special_networks_is_refused(tmp_path: Path, cidr: str, fragment: str) -> None:
    _only(messages(tmp_path, _egress(cidr)), fragment)


def test_egress_to_the_object_store_and_declared_platform_networks_is_refused(tmp_path: Path) -> None:
    site = SiteConfig.model_validate(
        {
            **SITE.model_dump(by_alias=True),
            "objectStore": {"cidr": "192.0.2.0/28"},
            "platformNetworks": ["198.51.100.0/24"],
            "clusterNetworks": {"podCidrs": ["100.64.0.0/16"], "serviceCidrs": ["100.65.0.0/16", "fd00:96::/108"]},
        }
    )
    _only(messages(tmp_path, _egress("192.0.2.0/24"), site=site), "the object store's network")
    _only(messages(tmp_path, _egress("198.51.100.7/32"), site=site), "one of the site's platform networks")
    _only(messages(tmp_path, _egress("fd00:96::/112"), site=site), "the cluster's service network")
    assert messages(tmp_path, _egress("203.0.113.0/24"), site=site) == []


@pytest.mark.parametrize("port", [10250, 2379, 2380, 10255])
def test_egress_to_kubelet_and_etcd_ports_is_refused(tmp_path: Path, port: int) -> None:
    _only(messages(tmp_path, _egress("203.0.113.0/24", port)), "part of the cluster's control plane")


RESERVED = [
    "rook-ceph", "velero", "vault", "keycloak", "argocd", "istio-system", "calico-system", "tigera-operator",
    "cilium", "kube-public", "default", "monitoring", "cert-manager", "cnpg-system", "ingress-nginx", "ckan",
    "envoy-gateway-system",
]  # fmt: skip


@pytest.mark.parametrize("name", RESERVED)
def test_system_and_operator_namespaces_are_not_tenant_names(tmp_path: Path, name: str) -> None:
    found = messages(tmp_path, with_path(BASE, "metadata.name", name))
    assert any(m.startswith("metadata.name:") and "reserved" in m for m in found), found


def test_namespaces_the_site_names_and_its_extra_list_are_reserved(tmp_path: Path) -> None:
    site = SiteConfig.model_validate(
        {
            **SITE.model_dump(by_alias=True),
            "clusterDns": {"namespace": "coredns"},
            "reservedNames": ["backup-ops"],
        }
    )
    reserved = [("coredns", "cluster DNS"), ("backup-ops", "reserves"), ("envoy-gateway-system", "reserved")]
    for name, fragment in reserved:
        found = messages(tmp_path, tenant(name, "XX"), site=site)
        assert any(m.startswith("metadata.name:") and fragment in m for m in found), (name, found)


# --- class 5: accepted by validate, fatal later -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (float("nan"), "not a finite number"),
        (float("inf"), "not a finite number"),
        ("1e999999999", "not a finite number"),  # unquoted in YAML 1.2 it is a float: infinity
        ("99999999999999999999Ei", "out of range"),
        ("8 ", "not a Kubernetes quantity"),
        ("8\n", "not a Kubernetes quantity"),
    ],
)
def test_quantities_that_would_crash_later_are_refused(tmp_path: Path, value: Any, fragment: str) -> None:
    _only(messages(tmp_path, with_path(BASE, "spec.quota", {"cpu": value})), fragment)


def test_a_quoted_huge_exponent_is_refused_not_overflowed() -> None:
    with pytest.raises(ValidationError, match="out of range: the exponent may be at most 30"):
        QuotaOverride.model_validate({"cpu": "1e999999999"})


@pytest.mark.parametrize(
    ("prefix", "ok"),
    [("health statistics/", False), ("a/../b/", False), ("a\n/", False), ("a*/", False), ("h/2023/", True)],
)
def test_prefixes_are_checked_as_strictly_as_the_catalog_needs(tmp_path: Path, prefix: str, ok: bool) -> None:
    document = agreement(provider={"tenant": "moph", "zone": "curated", "prefix": prefix})
    found = [m for m in messages(tmp_path, BASE, MOPH, document) if "prefix" in m]
    assert (found == []) is ok, found


def test_an_agreement_name_too_long_for_its_catalog_is_refused(tmp_path: Path) -> None:
    long = "moph-to-nso-" + "a" * 45  # 57 characters: shared_<name> would exceed Trino's 63
    found = messages(tmp_path, BASE, MOPH, agreement(long))
    assert any(m.startswith("metadata.name:") and "at most 56" in m for m in found), found
    assert messages(tmp_path, BASE, MOPH, agreement("moph-to-nso-" + "a" * 44)) == []


def test_a_pending_agreement_is_checked_as_fully_as_an_active_one(tmp_path: Path) -> None:
    pending = agreement(
        provider={"tenant": "moph", "zone": "curated", "prefix": "a b/"},
        validFrom=dt.date(2030, 1, 1),
        validUntil=dt.date(2031, 1, 1),
    )
    _only(messages(tmp_path, BASE, MOPH, pending), "spec.provider.prefix")


# --- class 6 -----------------------------------------------------------------------------------------------


def test_the_consumer_cannot_approve_an_agreement_itself(tmp_path: Path) -> None:
    self_approved = agreement(approvedBy={"name": "Somchai", "email": "somchai.j@nso.go.th", "reference": "x"})
    _only(messages(tmp_path, BASE, MOPH, self_approved), "spec.approvedBy.email: 'somchai.j@nso.go.th' is not")
    for email in ("somchai.j@moph.go.th", "DPO@moph.go.th"):
        approved = agreement(approvedBy={"name": "Moph", "email": email, "reference": "x"})
        assert messages(tmp_path, BASE, MOPH, approved) == [], email


@pytest.mark.parametrize(
    ("organization", "fragment"),
    [("0d6f7f0b-6bb4-4d2b-8d2c-3c6f0f6b1a2e", "looks like a CKAN id"), ("nso\n", "must be 2-100")],
)
def test_a_ckan_organization_is_a_name_never_an_id(tmp_path: Path, organization: str, fragment: str) -> None:
    document = with_path(BASE, "spec.openData", {"enabled": False, "ckanOrganization": organization})
    _only(messages(tmp_path, document), fragment)


@pytest.mark.parametrize(
    ("schedule", "fragment"),
    [("* * * * *", "more than once an hour"), ("*/5 2 * * *", "more than once an hour"),
     ("0,30 * * * *", "more than once an hour"), ("0 2 * * 7", "day of week 7 is outside 0-6")],
)  # fmt: skip
def test_backups_run_at_most_hourly_on_a_schedule_cloudnativepg_parses(
    tmp_path: Path, schedule: str, fragment: str
) -> None:
    document = with_path(BASE, "spec.database.backup", {"schedule": schedule, "retentionDays": 3650})
    _only(messages(tmp_path, document), fragment)
    hourly = with_path(BASE, "spec.database.backup", {"schedule": "15 * * * 0-6"})
    assert messages(tmp_path, hourly) == []


# --- the program never adopts an existing namespace ---------------------------------------------------------


def test_the_kubernetes_provider_never_adopts_an_existing_object() -> None:
    """Fact: pulumi-kubernetes >= 4.29 creates with a plain create, so an existing namespace fails with
    AlreadyExists instead of being adopted (pulumi/pulumi-kubernetes release v4.29.0, #2926; the option
    ``upsertExistingObjects`` restores adoption). pyproject.toml requires >= 4.29."""
    from importlib.metadata import version

    major, minor = (int(part) for part in version("pulumi_kubernetes").split(".")[:2])
    assert (major, minor) >= (4, 29)


def test_stack_config_that_would_adopt_existing_objects_is_refused(tmp_path: Path) -> None:
    from govcloud.contract.stack import adoption_problems

    config = tmp_path / "Pulumi.x.yaml"
    config.write_text("config:\n  govcloud:site: national\n  kubernetes:upsertExistingObjects: true\n", "utf-8")
    found = adoption_problems(config)
    assert [(p.line, p.field) for p in found] == [(3, "kubernetes:upsertExistingObjects")]
    assert "adopt existing cluster objects" in found[0].message
    config.write_text("config:\n  govcloud:site: national\n  kubernetes:upsertExistingObjects: false\n", "utf-8")
    assert adoption_problems(config) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("metadata.name", "nso\n"),
        ("spec.costCenter", "MDES-NSO-1\n"),
        ("spec.agency.code", "NSO\n"),
        ("spec.contacts.owner.email", "somchai.j@nso.go.th\n"),
        ("spec.network.ingress.hostnames", ["nso.data.go.th\n"]),
        ("spec.access", {"admins": ["nso-admins\n"]}),
    ],
)
def test_an_identifier_with_a_trailing_newline_is_refused(tmp_path: Path, path: str, value: Any) -> None:
    """Python's ``$`` matches before a final newline; every identifier is checked with a full match."""
    field = path.split(".")[-1]
    found = messages(tmp_path, with_path(BASE, path, value))
    assert any(field in m.split(":", 1)[0] for m in found), found


def test_the_provider_environment_variable_that_would_adopt_objects_is_refused(tmp_path: Path) -> None:
    from govcloud.contract.stack import UPSERT_ENV, adoption_problems

    config = tmp_path / "Pulumi.x.yaml"
    config.write_text("config:\n  govcloud:site: national\n", "utf-8")
    found = adoption_problems(config, {UPSERT_ENV: "true"})
    assert [str(p).split(": ")[0:2] for p in found] == [["(environment):1", UPSERT_ENV]]
    assert adoption_problems(config, {UPSERT_ENV: "false"}) == []


def test_a_derived_name_taken_twice_is_a_located_problem_even_if_a_naming_rule_regressed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: were a naming function ever to collide, validation still stops the stack."""
    import govcloud.naming as naming

    monkeypatch.setattr(naming, "storage_identity_name", lambda site, tenant: "govcloud-national-prod-shared")
    found = problems(tmp_path, BASE, MOPH)
    assert {(Path(p.file).name, p.field) for p in found} == {("moph.yaml", "metadata.name")}
    text = "\n".join(p.message for p in found)
    assert "derives the workload identity 'govcloud-national-prod-shared', which tenant 'nso'" in text
    assert "backup identity 'govcloud-national-prod-shared-backup'" in text
