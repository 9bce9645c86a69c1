"""Every rule of the tenant contract, each with a failing and a passing case."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.unit.contract_helpers import agreement, messages, problems, tenant, with_path

BASE = tenant()


def test_the_base_request_is_valid(tmp_path: Path) -> None:
    assert messages(tmp_path, BASE) == []


# (case id, mutated request, expected "field: message" fragment)
FAILING: list[tuple[str, dict[str, Any], str]] = [
    ("api-version", with_path(BASE, "apiVersion", "govcloud/v2"), "apiVersion: must be 'govcloud/v1'"),
    (
        "unknown-key-suggests",
        with_path(BASE, "spec.clasification", "internal"),
        "spec.clasification: unknown field `clasification`; did you mean `classification`?",
    ),
    (
        "unknown-nested-key",
        with_path(BASE, "spec.agency.nameThai", "x"),
        "spec.agency.nameThai: unknown field `nameThai`; did you mean `nameTh`?",
    ),
    ("name-too-short", with_path(BASE, "metadata.name", "ns"), "metadata.name: 'ns' must be 3-20"),
    ("name-uppercase", with_path(BASE, "metadata.name", "NSO"), "metadata.name: 'NSO' must be 3-20"),
    ("name-digit-first", with_path(BASE, "metadata.name", "1nso"), "metadata.name: '1nso' must be 3-20"),
    ("name-too-long", with_path(BASE, "metadata.name", "a" * 21), "must be 3-20"),
    ("name-reserved", with_path(BASE, "metadata.name", "default"), "'default' is reserved"),
    ("name-reserved-kube", with_path(BASE, "metadata.name", "kube-data"), "'kube-data' is reserved"),
    ("name-reserved-govcloud", with_path(BASE, "metadata.name", "govcloudx"), "'govcloudx' is reserved"),
    ("name-reserved-ingress", with_path(BASE, "metadata.name", "ingress-x"), "'ingress-x' is reserved"),
    ("name-reserved-cnpg", with_path(BASE, "metadata.name", "cnpg-system"), "reserved"),
    (
        "agency-code",
        with_path(BASE, "spec.agency.code", "nso"),
        "spec.agency.code: 'nso' must be 2-16 capital",
    ),
    (
        "name-th-latin",
        with_path(BASE, "spec.agency.nameTh", "NSO"),
        "spec.agency.nameTh: must be written in Thai",
    ),
    (
        "name-en-thai",
        with_path(BASE, "spec.agency.nameEn", "สถิติ"),
        "spec.agency.nameEn: must be plain printable",
    ),
    ("name-en-missing", with_path(BASE, "spec.agency.nameEn", ...), "spec.agency.nameEn: is required"),
    ("ministry", with_path(BASE, "spec.agency.ministry", "MICT"), "spec.agency.ministry: must be"),
    (
        "province",
        with_path(BASE, "spec.agency.province", "TH-99"),
        "spec.agency.province: 'TH-99' is not an ISO",
    ),
    ("province-gap", with_path(BASE, "spec.agency.province", "TH-28"), "'TH-28' is not an ISO"),
    ("site-code", with_path(BASE, "spec.site", "phetchaburi"), "spec.site: 'phetchaburi' must be 'national'"),
    (
        "site-mismatch",
        with_path(BASE, "spec.site", "TH-76"),
        "spec.site: is 'TH-76' but this stack runs site",
    ),
    (
        "email-domain",
        with_path(BASE, "spec.contacts.owner.email", "somchai@gmail.com"),
        "spec.contacts.owner.email: 'somchai@gmail.com' must be an address under go.th, or.th, ac.th, mi.th",
    ),
    (
        "email-invalid",
        with_path(BASE, "spec.contacts.security.email", "security.nso.go.th"),
        "is not a valid email",
    ),
    ("tier", with_path(BASE, "spec.tier", "huge"), "spec.tier: must be 'small', 'medium' or 'large'"),
    ("top-secret", with_path(BASE, "spec.classification", "top-secret"), "spec.classification: must be"),
    ("personal-data", with_path(BASE, "spec.personalData", "yes"), "spec.personalData: must be"),
    (
        "quota-cpu-over",
        with_path(BASE, "spec.quota", {"cpu": 65}),
        "spec.quota.cpu: exceeds twice the medium tier preset (32)",
    ),
    (
        "quota-memory-over",
        with_path(BASE, "spec.quota", {"memory": "257Gi"}),
        "spec.quota.memory: exceeds twice",
    ),
    (
        "quota-storage-over",
        with_path(BASE, "spec.quota", {"storage": "5Ti"}),
        "spec.quota.storage: exceeds twice",
    ),
    ("quota-pods-over", with_path(BASE, "spec.quota", {"pods": 601}), "spec.quota.pods: exceeds twice"),
    (
        "quota-quantity",
        with_path(BASE, "spec.quota", {"memory": "lots"}),
        "'lots' is not a Kubernetes quantity",
    ),
    (
        "storage-sum",
        with_path(BASE, "spec.storage.quota", "1900Gi"),
        "spec.storage.quota: database storage plus object-storage quota (2100Gi) exceeds the tenant's storage quota",
    ),
    (
        "secret-provincial",
        with_path(with_path(BASE, "spec.classification", "secret"), "spec.database.instances", 3)
        | {
            "spec": {
                **with_path(BASE, "spec.classification", "secret")["spec"],
                "site": "TH-76",
                "database": {"version": 16, "instances": 3, "storage": "1Gi"},
                "network": {},
            }
        },
        "spec.site: secret tenants may only run at the national site",
    ),
    (
        "secret-db-instances",
        with_path(BASE, "spec.classification", "secret"),
        "spec.database.instances: secret tenants need at least 3 database instances",
    ),
    (
        "confidential-db-instances",
        with_path(BASE, "spec.database.instances", 1),
        "spec.database.instances: confidential tenants need at least 2 database instances",
    ),
    (
        "secret-public-host",
        with_path(with_path(BASE, "spec.classification", "secret"), "spec.database.instances", 3),
        "spec.network.ingress.hostnames[0]: secret tenants may only use hostnames under the internal domain",
    ),
    (
        "sensitive-needs-confidential",
        with_path(with_path(BASE, "spec.personalData", "sensitive"), "spec.classification", "internal"),
        "spec.classification: sensitive personal data must be classified confidential or secret",
    ),
    (
        "dpo-required",
        with_path(BASE, "spec.contacts.dpo", ...),
        "spec.contacts.dpo: is required when the tenant holds",
    ),
    (
        "published-without-open-data",
        with_path(BASE, "spec.storage.zones", ["raw", "published"]),
        "spec.storage.zones[1]: the 'published' zone exists only when openData.enabled",
    ),
    (
        "open-data-without-published",
        with_path(
            with_path(BASE, "spec.classification", "internal"),
            "spec.openData",
            {"enabled": True, "ckanOrganization": "nso"},
        ),
        "spec.storage.zones: open data needs the 'published' storage zone",
    ),
    (
        "open-data-confidential",
        with_path(
            with_path(BASE, "spec.storage.zones", ["raw", "published"]),
            "spec.openData",
            {"enabled": True, "ckanOrganization": "nso"},
        ),
        "spec.openData.enabled: open data requires classification public or internal",
    ),
    (
        "egress-everything",
        with_path(BASE, "spec.network.egress", [{"cidr": "0.0.0.0/0", "ports": [443]}]),
        "spec.network.egress[0].cidr: '0.0.0.0/0' would allow the whole internet",
    ),
    (
        "egress-ipv6-everything",
        with_path(BASE, "spec.network.egress", [{"cidr": "::/0", "ports": [443]}]),
        "'::/0' would allow the whole internet",
    ),
    (
        "egress-broad",
        with_path(BASE, "spec.network.egress", [{"cidr": "10.0.0.0/8", "ports": [443]}]),
        "'10.0.0.0/8' is broader than /16",
    ),
    (
        "egress-broad-ipv6",
        with_path(BASE, "spec.network.egress", [{"cidr": "2001:db8::/32", "ports": [443]}]),
        "is broader than /48",
    ),
    (
        "egress-not-a-network",
        with_path(BASE, "spec.network.egress", [{"cidr": "example.com", "ports": [443]}]),
        "'example.com' is not a valid IPv4 or IPv6 network",
    ),
    (
        "egress-port-zero",
        with_path(BASE, "spec.network.egress", [{"cidr": "203.0.113.0/24", "ports": [0]}]),
        "spec.network.egress[0].ports[0]: input should be greater than or equal to 1",
    ),
    (
        "egress-port-high",
        with_path(BASE, "spec.network.egress", [{"cidr": "203.0.113.0/24", "ports": [70000]}]),
        "spec.network.egress[0].ports[0]: input should be less than or equal to 65535",
    ),
    (
        "size-syntax",
        with_path(BASE, "spec.database.storage", "200GB"),
        "'200GB' is not a Kubernetes quantity",
    ),
    (
        "cron-fields",
        with_path(BASE, "spec.database.backup", {"schedule": "0 2 * *"}),
        "spec.database.backup.schedule: '0 2 * *' has 4 fields",
    ),
    (
        "cron-range",
        with_path(BASE, "spec.database.backup", {"schedule": "0 25 * * *"}),
        "hour 25 is outside 0-23",
    ),
    (
        "no-admins",
        with_path(BASE, "spec.access", {"admins": []}),
        "spec.access.admins: must have at least 1 entry",
    ),
    (
        "admins-missing",
        with_path(BASE, "spec.access", {"analysts": ["x"]}),
        "spec.access.admins: is required",
    ),
    (
        "group-with-space",
        with_path(BASE, "spec.access", {"admins": ["nso admins"]}),
        "spec.access.admins[0]: 'nso admins' is not a valid identity-provider group name",
    ),
    (
        "hostname-invalid",
        with_path(BASE, "spec.network.ingress", {"hostnames": ["NSO_portal.data.go.th"]}),
        "'NSO_portal.data.go.th' is not a valid hostname",
    ),
    (
        "hostname-wildcard",
        with_path(BASE, "spec.network.ingress", {"hostnames": ["*.data.go.th"]}),
        "is not a valid hostname",
    ),
    (
        "hostname-foreign",
        with_path(BASE, "spec.network.ingress", {"hostnames": ["nso.example.com"]}),
        "spec.network.ingress.hostnames[0]: must be under the site's domain data.go.th",
    ),
    (
        "cost-center-label",
        with_path(BASE, "spec.costCenter", "MDES NSO 2569"),
        "spec.costCenter: 'MDES NSO 2569' must",
    ),
    (
        "db-version",
        with_path(BASE, "spec.database.version", 13),
        "spec.database.version: input should be greater",
    ),
    (
        "db-version-string",
        with_path(BASE, "spec.database.version", "16"),
        "spec.database.version: input should be a valid integer",
    ),
    (
        "retention-minimum",
        with_path(BASE, "spec.database.backup", {"retentionDays": 3}),
        "spec.database.backup.retentionDays: input should be greater than or equal to 7",
    ),
    (
        "zone-unknown",
        with_path(BASE, "spec.storage.zones", ["raw", "lake"]),
        "spec.storage.zones[1]: must be",
    ),
    ("zone-twice", with_path(BASE, "spec.storage.zones", ["raw", "raw"]), "zone 'raw' is listed twice"),
    (
        "zone-retention-unknown",
        with_path(BASE, "spec.storage.retentionDays", {"curated": 30, "archive": 9}),
        "spec.storage.retentionDays.archive: zone 'archive' is not in storage.zones",
    ),
    (
        "spark-no-executors",
        with_path(BASE, "spec.analytics", {"spark": {"enabled": True}}),
        "spec.analytics.spark.maxExecutors: must be at least 1",
    ),
    (
        "superset-needs-db",
        with_path(with_path(BASE, "spec.database", ...), "spec.analytics", {"superset": {"enabled": True}}),
        "spec.analytics.superset.enabled: Superset keeps its metadata in the tenant's database",
    ),
    (
        "database-does-not-fit-quota",
        with_path(
            with_path(with_path(BASE, "spec.tier", "small"), "spec.storage", ...),
            "spec.database",
            {"version": 16, "instances": 5, "storage": "200Gi"},
        ),
        "spec.database.instances: 5 database instances of 2 CPU and 8Gi each do not fit the tenant's quota",
    ),
    (
        "bool-not-string",
        with_path(BASE, "spec.analytics", {"trino": {"enabled": "yes"}}),
        "spec.analytics.trino.enabled: input should be a valid boolean",
    ),
]


@pytest.mark.parametrize(("document", "expected"), [(d, e) for _, d, e in FAILING], ids=[c for c, _, _ in FAILING])
def test_a_broken_rule_is_reported(tmp_path: Path, document: dict[str, Any], expected: str) -> None:
    found = messages(tmp_path, document)
    assert any(expected in line for line in found), found


PASSING: list[tuple[str, dict[str, Any]]] = [
    (
        "quota-at-twice",
        with_path(BASE, "spec.quota", {"cpu": 64, "memory": "256Gi", "storage": "4Ti", "pods": 600}),
    ),
    ("province-bangkok", with_path(BASE, "spec.agency.province", "TH-10")),
    ("email-or-th", with_path(BASE, "spec.contacts.owner.email", "a.b@dga.or.th")),
    ("email-ac-th", with_path(BASE, "spec.contacts.owner.email", "a@chula.ac.th")),
    ("egress-16", with_path(BASE, "spec.network.egress", [{"cidr": "10.1.0.0/16", "ports": [443, 5432]}])),
    ("egress-ipv6-48", with_path(BASE, "spec.network.egress", [{"cidr": "2001:db8:1::/48", "ports": [443]}])),
    (
        "secret-ok",
        with_path(
            with_path(with_path(BASE, "spec.classification", "secret"), "spec.database.instances", 3),
            "spec.network.ingress",
            {"hostnames": ["nso.intra.gdcc.go.th"]},
        ),
    ),
    (
        "no-personal-data-no-dpo",
        with_path(with_path(BASE, "spec.personalData", "none"), "spec.contacts.dpo", ...),
    ),
    (
        "open-data-internal",
        with_path(
            with_path(with_path(BASE, "spec.classification", "internal"), "spec.storage.zones", ["raw", "published"]),
            "spec.openData",
            {"enabled": True, "ckanOrganization": "nso"},
        ),
    ),
    ("cron-named", with_path(BASE, "spec.database.backup", {"schedule": "15 3 * * sun", "retentionDays": 7})),
    ("cron-steps", with_path(BASE, "spec.database.backup", {"schedule": "30 1-5/2 1,15 * mon-fri"})),
    ("no-database-no-storage", with_path(with_path(BASE, "spec.database", ...), "spec.storage", ...)),
    ("agency-code-no", with_path(BASE, "spec.agency.code", "NO")),
]


@pytest.mark.parametrize("document", [d for _, d in PASSING], ids=[c for c, _ in PASSING])
def test_a_request_within_the_rules_passes(tmp_path: Path, document: dict[str, Any]) -> None:
    assert messages(tmp_path, document) == []


def test_file_name_must_equal_metadata_name(tmp_path: Path) -> None:
    path = tmp_path / "tenants" / "stats.yaml"
    path.parent.mkdir()
    path.write_text("apiVersion: govcloud/v1\nkind: TenantRequest\nmetadata:\n  name: nso\nspec: {}\n", "utf-8")
    from govcloud.contract.stack import display_name, validate_documents
    from tests.unit.contract_helpers import SITE, TODAY

    found = [str(p) for p in validate_documents([path], SITE, TODAY)[2]]
    assert (
        f"{display_name(path)}:4: metadata.name: is 'nso' but the file is named 'stats.yaml'; they must match" in found
    )


def test_problems_name_file_and_line(tmp_path: Path) -> None:
    (found,) = problems(tmp_path, with_path(BASE, "spec.tier", "huge"))
    assert found.file.endswith("tenants/nso.yaml")
    lines = (tmp_path / "tenants" / "nso.yaml").read_text("utf-8").splitlines()
    assert lines[found.line - 1].strip().startswith("tier:")


def test_all_problems_of_all_files_are_reported_at_once(tmp_path: Path) -> None:
    first = with_path(with_path(BASE, "spec.tier", "huge"), "spec.classification", "top-secret")
    second = with_path(tenant("moph", "MOPH"), "spec.agency.ministry", "HEALTH")
    found = problems(tmp_path, first, second)
    assert {(Path(p.file).name, p.field) for p in found} == {
        ("nso.yaml", "spec.tier"),
        ("nso.yaml", "spec.classification"),
        ("moph.yaml", "spec.agency.ministry"),
    }


class TestAcrossFiles:
    def test_agency_codes_are_unique(self, tmp_path: Path) -> None:
        found = messages(tmp_path, tenant("nso", "NSO"), tenant("nso-two", "NSO"))
        assert any(m.startswith("spec.agency.code: agency code 'NSO' is already used in") for m in found), found

    def test_hostnames_are_unique(self, tmp_path: Path) -> None:
        other = with_path(tenant("moph", "MOPH"), "spec.network.ingress", {"hostnames": ["nso.data.go.th"]})
        found = messages(tmp_path, tenant(), other)
        assert any("hostname 'nso.data.go.th' is already used" in m for m in found), found

    def test_ckan_organizations_are_unique(self, tmp_path: Path) -> None:
        def publisher(name: str, code: str) -> dict[str, Any]:
            t = with_path(
                with_path(tenant(name, code), "spec.classification", "internal"),
                "spec.storage.zones",
                ["published"],
            )
            return with_path(t, "spec.openData", {"enabled": True, "ckanOrganization": "stats"})

        found = messages(tmp_path, publisher("nso", "NSO"), publisher("moph", "MOPH"))
        assert any("CKAN organization 'stats' is already used" in m for m in found), found

    def test_a_valid_agreement(self, tmp_path: Path) -> None:
        assert messages(tmp_path, tenant(), tenant("moph", "MOPH"), agreement()) == []

    @pytest.mark.parametrize(
        ("spec", "expected"),
        [
            (
                {"provider": {"tenant": "moph", "zone": "published", "prefix": "x/"}},
                "spec.provider.zone: tenant 'moph' has no 'published' zone",
            ),
            (
                {"provider": {"tenant": "who", "zone": "curated", "prefix": "x/"}},
                "spec.provider.tenant: no tenant 'who' in this stack",
            ),
            (
                {"consumer": {"tenant": "moph"}},
                "spec.consumer.tenant: must be a different tenant from the provider",
            ),
            (
                {"provider": {"tenant": "moph", "zone": "curated", "prefix": "../nso/"}},
                "must be a relative path",
            ),
            (
                {"provider": {"tenant": "moph", "zone": "curated", "prefix": "/health/"}},
                "must be a relative path",
            ),
            (
                {"provider": {"tenant": "moph", "zone": "curated", "prefix": "health"}},
                "must be a relative path",
            ),
            ({"access": "write"}, "spec.access: must be 'read'"),
            ({"legalBasis": None}, "spec.legalBasis: is required because 'moph' holds personal data"),
            ({"validUntil": dt.date(2029, 1, 2)}, "spec.validUntil: is more than 3 years after validFrom"),
            ({"validUntil": dt.date(2025, 12, 31)}, "spec.validUntil: is before validFrom"),
        ],
    )
    def test_agreement_rules(self, tmp_path: Path, spec: dict[str, Any], expected: str) -> None:
        found = messages(tmp_path, tenant(), tenant("moph", "MOPH"), agreement(**spec))
        assert any(expected in m for m in found), found

    def test_consumer_classification_at_least_providers(self, tmp_path: Path) -> None:
        consumer = with_path(with_path(tenant(), "spec.classification", "internal"), "spec.database.instances", 1)
        found = messages(tmp_path, consumer, tenant("moph", "MOPH"), agreement())
        assert "spec.consumer.tenant: 'nso' is classified internal, below the provider's confidential" in found

    def test_consumer_needs_storage_identity(self, tmp_path: Path) -> None:
        found = messages(tmp_path, with_path(tenant(), "spec.storage", ...), tenant("moph", "MOPH"), agreement())
        assert any("has no object storage, so it has no storage identity" in m for m in found), found

    def test_an_invalid_tenant_is_not_reported_again_by_its_agreements(self, tmp_path: Path) -> None:
        found = messages(tmp_path, with_path(tenant(), "spec.tier", "huge"), tenant("moph", "MOPH"), agreement())
        assert found == ["spec.tier: must be 'small', 'medium' or 'large' (got 'huge')"]

    def test_duplicate_agreement_names_across_extensions(self, tmp_path: Path) -> None:
        paths = [*(tmp_path / "sharing" / f"moph-to-nso.{ext}" for ext in ("yaml", "yml"))]
        import yaml

        from govcloud.contract.stack import validate_documents
        from tests.unit.contract_helpers import SITE, TODAY, write

        write(tmp_path, tenant(), tenant("moph", "MOPH"))
        for path in paths:
            path.parent.mkdir(exist_ok=True)
            path.write_text(yaml.safe_dump(agreement(), allow_unicode=True), "utf-8")
        tenants = sorted((tmp_path / "tenants").iterdir())
        found = [p.message for p in validate_documents([*tenants, *paths], SITE, TODAY)[2]]
        assert any("agreement name 'moph-to-nso' is already used" in m for m in found), found


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (dt.date(2025, 12, 31), "pending"),
        (dt.date(2026, 1, 1), "active"),
        (dt.date(2027, 12, 31), "active"),
        (dt.date(2028, 1, 1), "expired"),
    ],
)
def test_agreement_status_follows_the_validity_window(tmp_path: Path, today: dt.date, status: str) -> None:
    from govcloud.contract.stack import validate_documents
    from tests.unit.contract_helpers import SITE, write

    paths = write(tmp_path, tenant(), tenant("moph", "MOPH"), agreement())
    _, agreements, found = validate_documents(paths, SITE, today)
    assert found == []
    assert [a.status.value for a in agreements] == [status]
