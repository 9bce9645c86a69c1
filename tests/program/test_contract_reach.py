"""Every leaf field of the contract does something: changing it changes a resource in the plan of a maximal
request, or it is declared informational below with the reason.

A field that is validated and printed but reaches nothing (``spec.storage.quota`` before issue 15 said so) is
a promise the platform does not keep; this test makes each such field an explicit, reviewed decision.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from govcloud.contract import reference
from govcloud.contract.problems import ContractError
from govcloud.contract.sharing import DataSharingAgreement
from govcloud.contract.tenant import TenantRequest
from govcloud.synth.engine import synthesize
from tests.program.conftest import REPO_ROOT, TODAY

STACK = "national-prod"

MAXIMAL: dict[str, Any] = {
    "apiVersion": "govcloud/v1",
    "kind": "TenantRequest",
    "metadata": {"name": "nso"},
    "spec": {
        "agency": {
            "code": "NSO",
            "nameTh": "สำนักงานสถิติแห่งชาติ",
            "nameEn": "National Statistical Office",
            "ministry": "MDES",
            "province": "TH-10",
        },
        "contacts": {
            "owner": {"name": "Somchai Jaidee", "email": "somchai.j@nso.go.th"},
            "security": {"name": "Suda Rakdee", "email": "security@nso.go.th"},
            "dpo": {"name": "Anan Srisuk", "email": "dpo@nso.go.th"},
        },
        "site": "national",
        "tier": "medium",
        "classification": "internal",
        "personalData": "personal",
        "costCenter": "MDES-NSO-2569-001",
        "quota": {"cpu": 48, "memory": "192Gi", "storage": "3Ti", "pods": 400},
        "access": {
            "admins": ["nso-platform-admins"],
            "engineers": ["nso-data-engineers"],
            "analysts": ["nso-statisticians"],
            "viewers": ["nso-executives"],
        },
        "database": {
            "version": 16,
            "instances": 2,
            "storage": "200Gi",
            "backup": {"schedule": "0 2 * * *", "retentionDays": 30},
        },
        "storage": {"zones": ["raw", "curated", "published"], "quota": "2Ti", "retentionDays": {"raw": 365}},
        "analytics": {
            "jupyterhub": {"enabled": True, "maxUsers": 20},
            "superset": {"enabled": True},
            "trino": {"enabled": True, "workers": 2},
            "spark": {"enabled": True, "maxExecutors": 10},
        },
        "network": {
            "egress": [{"cidr": "203.0.113.0/24", "ports": [443]}],
            "ingress": {"hostnames": ["nso.data.go.th"]},
        },
        "openData": {"enabled": True, "ckanOrganization": "nso"},
    },
}
CONSUMER: dict[str, Any] = {
    **copy.deepcopy({k: v for k, v in MAXIMAL.items() if k != "spec"}),
    "metadata": {"name": "tmd"},
    "spec": {
        "agency": {
            "code": "TMD",
            "nameTh": "กรมอุตุนิยมวิทยา",
            "nameEn": "Thai Meteorological Department",
            "ministry": "MDES",
        },
        "contacts": {
            "owner": {"name": "Pranee Fonsuk", "email": "pranee@tmd.go.th"},
            "security": {"name": "Wit Lomdee", "email": "security@tmd.go.th"},
            "dpo": {"name": "Dao Saengthong", "email": "dpo@tmd.go.th"},
        },
        "site": "national",
        "tier": "small",
        "classification": "internal",
        "personalData": "personal",
        "costCenter": "MDES-TMD",
        "access": {"admins": ["tmd-admins"]},
        "storage": {"zones": ["raw"], "quota": "100Gi"},
        "analytics": {"trino": {"enabled": True}},
    },
}
AGREEMENT: dict[str, Any] = {
    "apiVersion": "govcloud/v1",
    "kind": "DataSharingAgreement",
    "metadata": {"name": "nso-to-tmd-census"},
    "spec": {
        "provider": {"tenant": "nso", "zone": "curated", "prefix": "census/"},
        "consumer": {"tenant": "tmd"},
        "access": "read",
        "purpose": "Population grids for rainfall exposure statistics",
        "legalBasis": "PDPA section 24(4): public task",
        "validFrom": "2026-01-01",
        "validUntil": "2027-12-31",
        "approvedBy": {"name": "Somchai Jaidee", "email": "somchai.j@nso.go.th", "reference": "NSO 0401/77"},
    },
}

#: Another valid value for each leaf (YAML path without the document's kind): the plan must change.
CHANGES: dict[str, Any] = {
    "metadata.name": "nsox",
    "spec.agency.code": "NSOX",
    "spec.agency.nameTh": "สำนักงานสถิติ",
    "spec.agency.nameEn": "Statistics Office",
    "spec.agency.ministry": "OPM",
    "spec.agency.province": "TH-76",
    "spec.contacts.owner.name": "Somchai Jaidi",
    "spec.contacts.owner.email": "somchai@nso.go.th",
    "spec.contacts.security.name": "Suda Rakdi",
    "spec.contacts.security.email": "soc@nso.go.th",
    "spec.contacts.dpo.name": "Anan Srisook",
    "spec.contacts.dpo.email": "privacy@nso.go.th",
    "spec.site": "TH-76",
    "spec.tier": "large",
    "spec.classification": "public",
    "spec.personalData": "none",
    "spec.costCenter": "MDES-NSO-2570",
    "spec.quota.cpu": 40,
    "spec.quota.memory": "160Gi",
    "spec.quota.storage": "4Ti",
    "spec.quota.pods": 350,
    "spec.access.admins": ["nso-admins-2"],
    "spec.access.engineers": ["nso-engineers-2"],
    "spec.access.analysts": ["nso-analysts-2"],
    "spec.access.viewers": ["nso-viewers-2"],
    "spec.database.version": 17,
    "spec.database.instances": 3,
    "spec.database.storage": "300Gi",
    "spec.database.backup.schedule": "30 3 * * *",
    "spec.database.backup.retentionDays": 60,
    "spec.storage.zones": ["raw", "curated", "published", "archive"],
    "spec.storage.quota": "1Ti",
    "spec.storage.retentionDays": {"raw": 400},
    "spec.analytics.jupyterhub.enabled": False,
    "spec.analytics.jupyterhub.maxUsers": 25,
    "spec.analytics.superset.enabled": False,
    "spec.analytics.trino.enabled": False,
    "spec.analytics.trino.workers": 3,
    "spec.analytics.spark.enabled": False,
    "spec.analytics.spark.maxExecutors": 12,
    "spec.network.egress[].cidr": "198.51.100.0/24",
    "spec.network.egress[].ports": [8443],
    "spec.network.ingress.hostnames": ["stats.data.go.th"],
    "spec.openData.enabled": False,
    "spec.openData.ckanOrganization": "nso-stats",
}
AGREEMENT_CHANGES: dict[str, Any] = {
    "metadata.name": "nso-to-tmd-grids",
    "spec.provider.tenant": "tmd",
    "spec.provider.zone": "raw",
    "spec.provider.prefix": "grids/",
    "spec.consumer.tenant": "nso",
    "spec.access": "read",
    "spec.purpose": "Population grids for flood exposure statistics",
    "spec.legalBasis": "Statistics Act B.E. 2550 section 10",
    "spec.validFrom": "2027-01-01",  # pending on TODAY: the grant goes
    "spec.validUntil": "2026-11-24",  # expired on TODAY: the grant goes
    "spec.approvedBy.name": "Anan Srisuk",
    "spec.approvedBy.email": "dpo@nso.go.th",
    "spec.approvedBy.reference": "NSO 0401/78",
}

#: What else a valid request changes with a leaf (a rule ties them together).
COMPANIONS: dict[str, dict[str, Any]] = {
    "spec.openData.enabled": {"spec.storage.zones": ["raw", "curated"], "spec.openData.ckanOrganization": None},
    "spec.classification": {},
}

#: Leaves that reach no resource, on purpose: what each is for instead.
INFORMATIONAL: dict[str, str] = {
    "spec.contacts.owner.name": "people, not resources: printed in the auditors' report",
    "spec.contacts.owner.email": "people, not resources: printed in the report; approves agreements (validated)",
    "spec.contacts.security.name": "people, not resources: printed in the auditors' report",
    "spec.contacts.security.email": "people, not resources: printed in the auditors' report",
    "spec.contacts.dpo.name": "people, not resources: printed in the auditors' report",
    "spec.contacts.dpo.email": "people, not resources: printed in the report; may approve agreements (validated)",
    "spec.agency.province": "printed in the auditors' report; the site decides placement",
    "spec.personalData": "a validation input (DPO, classification, legal basis of agreements) and a report column",
    "spec.storage.quota": "a validation input, a report figure and measured by govcloud audit (AUD-S3-010); "
    "no resource carries it: no store enforces it",
    "spec.site": "a validation input: it must equal the stack's site",
    "spec.tier": "reaches the quota only where spec.quota does not override it (its own test below)",
}
AGREEMENT_INFORMATIONAL: dict[str, str] = {
    "spec.access": "one value only (read); nothing to change",
    "spec.purpose": "PDPA purpose limitation: printed in the auditors' report",
    "spec.legalBasis": "printed in the auditors' report",
    "spec.approvedBy.name": "the approval record: printed in the auditors' report",
    "spec.approvedBy.email": "validated (the provider's owner or dpo), printed in the auditors' report",
    "spec.approvedBy.reference": "the approval record: printed in the auditors' report",
}


def _set(document: dict[str, Any], path: str, value: Any) -> None:
    node: Any = document
    parts = path.replace("[]", ".0").split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[parts[-1]] = value


def _plan(tmp_path: Path, tenants: list[dict[str, Any]], agreements: list[dict[str, Any]]) -> str:
    """The stack's resources (URN and inputs) as one text, synthesized from these documents only."""
    project = tmp_path / "project"
    stacks = project / "stacks"
    for folder in ("tenants", "sharing"):
        (stacks / STACK / folder).mkdir(parents=True, exist_ok=True)
        for old in (stacks / STACK / folder).glob("*.yaml"):
            old.unlink()
    (stacks / f"Pulumi.{STACK}.yaml").write_text((REPO_ROOT / "stacks" / f"Pulumi.{STACK}.yaml").read_text("utf-8"))
    for tenant in tenants:
        (stacks / STACK / "tenants" / f"{tenant['metadata']['name']}.yaml").write_text(yaml.safe_dump(tenant))
    for agreement in agreements:
        (stacks / STACK / "sharing" / f"{agreement['metadata']['name']}.yaml").write_text(yaml.safe_dump(agreement))
    result = synthesize(project, STACK, TODAY)
    return json.dumps(sorted((r.urn, r.inputs) for r in result.registrations), sort_keys=True, default=str)


def _leaves(model: type) -> list[str]:
    return [f.path for f in reference.fields_of(model) if f.leaf and f.path not in ("apiVersion", "kind")]


def test_every_leaf_has_a_change_or_is_informational() -> None:
    """The tables below cover the models exactly: a new field needs a decision here."""
    assert sorted(_leaves(TenantRequest)) == sorted(CHANGES)
    assert sorted(_leaves(DataSharingAgreement)) == sorted(AGREEMENT_CHANGES)
    assert set(INFORMATIONAL) <= set(CHANGES)
    assert set(AGREEMENT_INFORMATIONAL) <= set(AGREEMENT_CHANGES)


@pytest.fixture(scope="module")
def base_plan(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _plan(tmp_path_factory.mktemp("base"), [MAXIMAL, CONSUMER], [AGREEMENT])


def _changed_request(path: str, value: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    changed = copy.deepcopy(MAXIMAL)
    _set(changed, path, value)
    for companion, companion_value in COMPANIONS.get(path, {}).items():
        _set(changed, companion, companion_value)
    agreement = copy.deepcopy(AGREEMENT)  # the provider's owner approves: the approval follows its address
    agreement["spec"]["approvedBy"]["email"] = changed["spec"]["contacts"]["owner"]["email"]
    return [changed, CONSUMER], [agreement]


def _changed_agreement(path: str, value: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    changed = copy.deepcopy(AGREEMENT)
    _set(changed, path, value)
    if path == "spec.provider.tenant":  # the other direction: tmd provides its raw zone to nso
        changed["spec"]["consumer"]["tenant"] = "nso"
        changed["spec"]["provider"]["zone"] = "raw"
        changed["spec"]["approvedBy"]["email"] = "pranee@tmd.go.th"
    return [MAXIMAL, CONSUMER], [changed]


def _assert_each_reaches_or_is_informational(
    base_plan: str,
    tmp_path: Path,
    changes: dict[str, Any],
    informational: dict[str, str],
    change: Callable[[str, Any], tuple[list[dict[str, Any]], list[dict[str, Any]]]],
) -> None:
    unreached, informational_but_reached, invalid = [], [], []
    for path, value in changes.items():
        try:
            reached = _plan(tmp_path, *change(path, value)) != base_plan
        except ContractError as error:
            invalid.append(f"{path}: {error}")
            continue
        if not reached and path not in informational:
            unreached.append(path)
        if reached and path in informational:
            informational_but_reached.append(path)
    assert invalid == [], "the changed document must stay valid"
    assert unreached == [], "these fields change nothing in the plan: wire them or declare them informational"
    assert informational_but_reached == [], "these fields do reach a resource: drop them from the informational table"


def test_every_request_leaf_reaches_a_resource_unless_informational(base_plan: str, tmp_path: Path) -> None:
    own_tests = ("metadata.name", "spec.site", "spec.tier")  # each has its own test below
    changes = {path: value for path, value in CHANGES.items() if path not in own_tests}
    _assert_each_reaches_or_is_informational(base_plan, tmp_path, changes, INFORMATIONAL, _changed_request)


def test_every_agreement_leaf_reaches_a_resource_unless_informational(base_plan: str, tmp_path: Path) -> None:
    # spec.consumer.tenant is covered by the provider's swap: a tenant cannot share with itself.
    changes = {path: value for path, value in AGREEMENT_CHANGES.items() if path != "spec.consumer.tenant"}
    _assert_each_reaches_or_is_informational(base_plan, tmp_path, changes, AGREEMENT_INFORMATIONAL, _changed_agreement)


def test_the_name_reaches_every_resource_of_the_tenant(base_plan: str, tmp_path: Path) -> None:
    renamed = copy.deepcopy(MAXIMAL)
    renamed["metadata"]["name"] = "nsox"
    renamed["spec"]["openData"]["ckanOrganization"] = "nsox"
    agreement = copy.deepcopy(AGREEMENT)
    agreement["spec"]["provider"]["tenant"] = "nsox"
    plan = _plan(tmp_path, [renamed, CONSUMER], [agreement])
    assert "Tenant::nsox" in plan and 'Tenant::nso"' not in plan and plan != base_plan


def test_the_tier_reaches_the_quota_unless_every_quantity_is_overridden(tmp_path: Path) -> None:
    """The maximal request overrides all four quantities, so its tier changes nothing; without overrides it does."""
    medium = copy.deepcopy(MAXIMAL)
    medium["spec"].pop("quota")
    medium["spec"]["storage"]["quota"] = "1Ti"
    large = copy.deepcopy(medium)
    large["spec"]["tier"] = "large"
    assert _plan(tmp_path / "medium", [medium], []) != _plan(tmp_path / "large", [large], [])


def test_the_site_must_equal_the_stacks(tmp_path: Path) -> None:
    """``spec.site`` reaches nothing by itself: it is checked against the stack's site."""
    moved = copy.deepcopy(MAXIMAL)
    moved["spec"]["site"] = "TH-76"
    with pytest.raises(ContractError, match=r"spec\.site"):
        _plan(tmp_path, [moved], [])
