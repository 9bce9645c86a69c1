"""Issue 17: each check of the stack loader (``govcloud.contract.stack``) has its own violating case.

The wrong-folder check, the file-name check, each uniqueness check (tenant name, agency code, hostname,
CKAN organization, access group, agreement name) and the platform-name clash, each pinned to the exact
problem line an agency reads (file, line, field, message), written out here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from govcloud.contract.problems import ContractError, Problem, UsageError
from govcloud.contract.stack import (
    adoption_problems,
    load_requests,
    load_stack,
    resolve_today,
    site_config_values,
    validate_documents,
)
from tests.unit.contract_helpers import SITE, TODAY, agreement, tenant

# yaml.safe_dump(sort_keys=False) keeps the helpers' key order: line 1 apiVersion, 2 kind, 4 metadata.name.
KIND_LINE, NAME_LINE = 2, 4


def _write(path: Path, document: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _line(path: Path, text: str) -> int:
    """The 1-based line of the first occurrence of ``text`` (found in the file, not by the loader)."""
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def _problems(paths: list[Path], expected: dict[Path, str] | None = None) -> list[Problem]:
    return validate_documents(paths, SITE, TODAY, expected)[2]


def _shown(path: Path) -> str:
    return str(path)


def test_a_tenant_file_in_the_sharing_folder(tmp_path: Path) -> None:
    path = _write(tmp_path / "sharing" / "nso.yaml", tenant())
    found = _problems([path], {path: "DataSharingAgreement"})
    assert found == [
        Problem(_shown(path), KIND_LINE, "kind", "a TenantRequest belongs in tenants/, not sharing/; move the file")
    ]
    assert _problems([path], {path: "TenantRequest"}) == []


def test_an_agreement_file_in_the_tenants_folder(tmp_path: Path) -> None:
    tenants = [_write(tmp_path / "tenants" / f"{n}.yaml", tenant(n, n.upper())) for n in ("moph", "nso")]
    path = _write(tmp_path / "tenants" / "moph-to-nso.yaml", agreement())
    found = _problems([*tenants, path], {path: "TenantRequest"})
    assert found == [
        Problem(
            _shown(path), KIND_LINE, "kind", "a DataSharingAgreement belongs in sharing/, not tenants/; move the file"
        )
    ]


@pytest.mark.parametrize(("kind", "shown"), [(None, "missing"), ("Tenant", "'Tenant'")])
def test_a_file_of_no_known_kind(tmp_path: Path, kind: str | None, shown: str) -> None:
    document = tenant()
    if kind is None:
        del document["kind"]
    else:
        document["kind"] = kind
    path = _write(tmp_path / "tenants" / "nso.yaml", document)
    found = _problems([path], {path: "TenantRequest"})
    line = 1 if kind is None else KIND_LINE
    assert found == [
        Problem(_shown(path), line, "kind", f"must be TenantRequest or DataSharingAgreement (got {shown})")
    ]


def test_metadata_name_differs_from_the_file_name(tmp_path: Path) -> None:
    path = _write(tmp_path / "tenants" / "nsoo.yaml", tenant())
    assert _problems([path]) == [
        Problem(_shown(path), NAME_LINE, "metadata.name", "is 'nso' but the file is named 'nsoo.yaml'; they must match")
    ]


def test_a_tenant_name_used_twice(tmp_path: Path) -> None:
    first = _write(tmp_path / "tenants" / "nso.yaml", tenant())
    later = _write(tmp_path / "tenants" / "nso.yml", tenant(code="NSOX"))
    found = _problems([first, later])
    assert (
        Problem(_shown(later), NAME_LINE, "metadata.name", f"tenant name 'nso' is already used in {first}:{NAME_LINE}")
        in found
    )


def test_an_agency_code_used_twice(tmp_path: Path) -> None:
    first = _write(tmp_path / "tenants" / "nso.yaml", tenant())
    later = _write(tmp_path / "tenants" / "moph.yaml", tenant("moph", "NSO"))
    line = _line(first, "code: NSO")
    assert _problems([first, later]) == [
        Problem(_shown(later), line, "spec.agency.code", f"agency code 'NSO' is already used in {first}:{line}")
    ]


def test_a_hostname_used_twice(tmp_path: Path) -> None:
    first = _write(tmp_path / "tenants" / "nso.yaml", tenant())
    network = {"ingress": {"hostnames": ["moph.data.go.th", "nso.data.go.th"]}}
    later = _write(tmp_path / "tenants" / "moph.yaml", tenant("moph", "MOPH", network=network))
    first_line = _line(first, "- nso.data.go.th")
    later_line = _line(later, "- nso.data.go.th")
    assert _problems([first, later]) == [
        Problem(
            _shown(later),
            later_line,
            "spec.network.ingress.hostnames[1]",
            f"hostname 'nso.data.go.th' is already used in {first}:{first_line}",
        )
    ]


def test_a_ckan_organization_used_twice(tmp_path: Path) -> None:
    publishing = {
        "classification": "internal",
        "personalData": "none",
        "storage": {"zones": ["published"], "quota": "1Ti"},
        "openData": {"enabled": True, "ckanOrganization": "stats"},
    }
    first = _write(tmp_path / "tenants" / "nso.yaml", tenant(**publishing))
    later = _write(tmp_path / "tenants" / "moph.yaml", tenant("moph", "MOPH", **publishing))
    line = _line(first, "ckanOrganization: stats")
    assert _problems([first, later]) == [
        Problem(
            _shown(later),
            _line(later, "ckanOrganization: stats"),
            "spec.openData.ckanOrganization",
            f"CKAN organization 'stats' is already used in {first}:{line}",
        )
    ]


def test_an_access_group_of_two_tenants_but_twice_in_one_is_fine(tmp_path: Path) -> None:
    first = _write(
        tmp_path / "tenants" / "nso.yaml", tenant(access={"admins": ["nso-admins"], "viewers": ["nso-admins"]})
    )
    later = _write(
        tmp_path / "tenants" / "moph.yaml",
        tenant("moph", "MOPH", access={"admins": ["moph-admins"], "analysts": ["nso-admins"]}),
    )
    line = _line(first, "- nso-admins")
    assert _problems([first, later]) == [
        Problem(
            _shown(later),
            _line(later, "- nso-admins"),
            "spec.access.analysts[0]",
            f"access group 'nso-admins' is already used in {first}:{line}",
        )
    ]


def test_an_agreement_name_used_twice(tmp_path: Path) -> None:
    tenants = [_write(tmp_path / "tenants" / f"{n}.yaml", tenant(n, n.upper())) for n in ("moph", "nso")]
    first = _write(tmp_path / "sharing" / "moph-to-nso.yaml", agreement())
    later = _write(tmp_path / "archive" / "moph-to-nso.yaml", agreement(validFrom=dt.date(2026, 2, 1)))
    assert _problems([*tenants, first, later]) == [
        Problem(_shown(later), NAME_LINE, "metadata.name", f"agreement name 'moph-to-nso' is already used in {first}:4")
    ]


def test_a_tenant_hostname_equal_to_the_portals(tmp_path: Path) -> None:
    """The site rule refuses the host, and the derived-name check names the platform as its owner."""
    path = _write(tmp_path / "tenants" / "nso.yaml", tenant(network={"ingress": {"hostnames": ["data.go.th"]}}))
    found = [p for p in _problems([path]) if p.field == "metadata.name"]
    assert found == [
        Problem(
            _shown(path),
            NAME_LINE,
            "metadata.name",
            "derives the hostname 'data.go.th', which the platform already has as its portal hostname; "
            "choose another tenant name",
        )
    ]


def test_an_agreement_naming_an_invalid_tenant_is_not_reported_twice(tmp_path: Path) -> None:
    moph = _write(tmp_path / "tenants" / "moph.yaml", tenant("moph", "moph-lowercase"))
    nso = _write(tmp_path / "tenants" / "nso.yaml", tenant())
    path = _write(tmp_path / "sharing" / "moph-to-nso.yaml", agreement())
    found = _problems([moph, nso, path])
    assert [p.file for p in found] == [str(moph)]


# --- loading a stack from its folder ---

STACKS = Path(__file__).resolve().parents[2] / "stacks"


def _stack_folder(tmp_path: Path, config: str | None = None) -> Path:
    """A stack ``t`` with the national-prod site config (or ``config``) and no files yet."""
    text = (STACKS / "Pulumi.national-prod.yaml").read_text("utf-8") if config is None else config
    (tmp_path / "Pulumi.t.yaml").write_text(text, "utf-8")
    return tmp_path


def test_a_stack_without_a_config_file(tmp_path: Path) -> None:
    with pytest.raises(ContractError) as error:
        load_stack(tmp_path, "t")
    assert list(error.value.problems) == [
        Problem(str(tmp_path / "Pulumi.t.yaml"), 1, "(document)", "no stack config for stack 't'")
    ]


def test_the_example_stack_loads_with_its_folders_and_date() -> None:
    definition = load_stack(STACKS, "national-prod", dt.date(2026, 3, 1))
    assert definition.name == "national-prod" and definition.today == dt.date(2026, 3, 1)
    assert definition.site.site == "national"
    assert [t.name for t in definition.tenants] == sorted(t.name for t in definition.tenants)
    assert {"nso", "moph", "tmd", "doae"} <= {t.name for t in definition.tenants}
    assert [(a.name, a.status.value) for a in definition.agreements] == [
        ("doae-to-nso-farmer-registry", "active"),
        ("moph-to-nso-health-stats", "active"),
        ("tmd-to-nso-rainfall-2023", "expired"),
    ]
    assert [a.name for a in definition.active_agreements] == ["doae-to-nso-farmer-registry", "moph-to-nso-health-stats"]
    assert definition.tenant("nso").name == "nso"
    with pytest.raises(KeyError):
        definition.tenant("nobody")


def test_files_are_read_from_tenants_and_sharing_and_checked_for_their_folder(tmp_path: Path) -> None:
    root = _stack_folder(tmp_path)
    _write(root / "t" / "tenants" / "moph.yaml", tenant("moph", "MOPH"))
    _write(root / "t" / "tenants" / "nso.yml", tenant())
    (root / "t" / "tenants" / ".draft.yaml").write_text("not: [yaml", "utf-8")
    (root / "t" / "tenants" / "notes.txt").write_text("ignored", "utf-8")
    _write(root / "t" / "sharing" / "moph-to-nso.yaml", agreement())
    definition = load_stack(root, "t", "2026-11-25")
    assert [t.name for t in definition.tenants] == ["moph", "nso"]
    assert [a.name for a in definition.agreements] == ["moph-to-nso"]
    wrong = _write(root / "t" / "sharing" / "dga.yaml", tenant("dga", "DGA"))
    with pytest.raises(ContractError) as error:
        load_stack(root, "t", "2026-11-25")
    assert [str(p) for p in error.value.problems] == [
        f"{wrong}:{KIND_LINE}: kind: a TenantRequest belongs in tenants/, not sharing/; move the file"
    ]


def test_load_requests_raises_every_problem(tmp_path: Path) -> None:
    root = _stack_folder(tmp_path)
    path = _write(root / "t" / "tenants" / "nsoo.yaml", tenant())
    with pytest.raises(ContractError) as error:
        load_requests(root, "t", SITE, dt.date(2026, 11, 25))
    assert [p.file for p in error.value.problems] == [str(path)]
    assert load_requests(root, "missing", SITE, dt.date(2026, 11, 25)).tenants == ()


def test_resolve_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVCLOUD_TODAY", raising=False)
    assert resolve_today(dt.date(2026, 1, 2)) == dt.date(2026, 1, 2)
    assert resolve_today("2026-01-02") == dt.date(2026, 1, 2)
    assert resolve_today() == dt.date.today()
    monkeypatch.setenv("GOVCLOUD_TODAY", "2025-05-06")
    assert resolve_today() == dt.date(2025, 5, 6)
    assert resolve_today("2026-01-02") == dt.date(2026, 1, 2), "an explicit date wins"
    with pytest.raises(UsageError, match=r"^'2026-13-01' is not a date in the form YYYY-MM-DD$"):
        resolve_today("2026-13-01")


ADOPT = (
    "would let `pulumi up` adopt existing cluster objects (a tenant namespace named like an existing one would "
    "take it over); "
)


@pytest.mark.parametrize("value", ["true", "1", "yes", "TRUE", "Yes"])
def test_the_environment_variable_that_would_adopt_objects(tmp_path: Path, value: str) -> None:
    config = _stack_folder(tmp_path) / "Pulumi.t.yaml"
    assert adoption_problems(config, {"PULUMI_K8S_UPSERT_EXISTING_OBJECTS": value}) == [
        Problem("(environment)", 1, "PULUMI_K8S_UPSERT_EXISTING_OBJECTS", ADOPT + "unset it")
    ]
    assert adoption_problems(tmp_path / "absent.yaml", {"PULUMI_K8S_UPSERT_EXISTING_OBJECTS": value}) != []


@pytest.mark.parametrize("value", ["false", "0", "no", ""])
def test_values_that_do_not_adopt(tmp_path: Path, value: str) -> None:
    config = _stack_folder(tmp_path) / "Pulumi.t.yaml"
    assert adoption_problems(config, {"PULUMI_K8S_UPSERT_EXISTING_OBJECTS": value}) == []


@pytest.mark.parametrize("key", ["kubernetes:upsertExistingObjects", "kubernetes:upsert_existing_objects"])
@pytest.mark.parametrize("value", ["true", "'1'", "yes", "True"])
def test_the_stack_setting_that_would_adopt_objects(tmp_path: Path, key: str, value: str) -> None:
    text = (
        (STACKS / "Pulumi.national-prod.yaml")
        .read_text("utf-8")
        .replace("config:\n", f"config:\n  {key}: {value}\n", 1)
    )
    config = _stack_folder(tmp_path, text) / "Pulumi.t.yaml"
    assert adoption_problems(config, {}) == [Problem(str(config), 3, key, ADOPT + "remove it")]
    assert adoption_problems(tmp_path / "absent.yaml", {}) == []


# --- files that do not load, or load into something unexpected ---


def test_a_file_named_with_an_extra_dot_does_not_match_its_tenant(tmp_path: Path) -> None:
    path = _write(tmp_path / "tenants" / "nso.old.yaml", tenant())
    assert _problems([path]) == [
        Problem(str(path), NAME_LINE, "metadata.name", "is 'nso' but the file is named 'nso.old.yaml'; they must match")
    ]


def test_a_broken_tenant_file_silences_agreements_naming_it_and_stops_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "tenants" / "moph.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text("kind: [TenantRequest\n", "utf-8")
    later = _write(tmp_path / "tenants" / "nso.yaml", tenant(site="TH-76"))
    path = _write(tmp_path / "sharing" / "moph-to-nso.yaml", agreement())
    found = _problems([broken, later, path])
    assert {p.file for p in found} == {str(broken), str(later)}, "the agreement is not blamed for moph's file"
    assert (
        Problem(str(later), _line(later, "site: TH-76"), "spec.site", "is 'TH-76' but this stack runs site 'national'")
        in found
    )


def test_a_broken_file_named_with_an_extra_dot_does_not_silence_the_tenant(tmp_path: Path) -> None:
    broken = tmp_path / "tenants" / "moph.old.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text("kind: [TenantRequest\n", "utf-8")
    nso = _write(tmp_path / "tenants" / "nso.yaml", tenant())
    path = _write(tmp_path / "sharing" / "moph-to-nso.yaml", agreement())
    found = _problems([broken, nso, path])
    assert (
        Problem(str(path), _line(path, "tenant: moph"), "spec.provider.tenant", "no tenant 'moph' in this stack")
        in found
    )


def test_an_invalid_tenant_is_known_by_its_file_and_its_name(tmp_path: Path) -> None:
    """moph's file fails validation (lowercase code): an agreement naming it is not blamed, by file or by name."""
    moph = _write(tmp_path / "tenants" / "moph.yaml", tenant("moph", "moph-lowercase"))
    nso = _write(tmp_path / "tenants" / "nso.yaml", tenant())
    path = _write(tmp_path / "sharing" / "moph-to-nso.yaml", agreement())
    assert {p.file for p in _problems([moph, nso, path])} == {str(moph)}
    renamed = _write(tmp_path / "other" / "x.yaml", tenant("moph", "moph-lowercase"))
    found = _problems([renamed, nso, path])
    assert str(path) not in {p.file for p in found}, "known by its metadata.name too"


@pytest.mark.parametrize("metadata", ["nso", ["nso"], {"name": 5}])
def test_metadata_of_the_wrong_shape_is_a_field_problem_not_a_crash(tmp_path: Path, metadata: Any) -> None:
    path = _write(tmp_path / "tenants" / "nso.yaml", {**tenant(), "metadata": metadata})
    found = _problems([path])
    assert found and all(p.field.startswith("metadata") for p in found)
    assert not [p for p in found if "they must match" in p.message]


def test_a_rule_violation_is_located_in_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths are shown relative to the working directory, at the line of the field the agency must change."""
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / "tenants" / "nso.yaml", tenant(site="TH-76"))
    assert _problems([path]) == [
        Problem(
            "tenants/nso.yaml",
            _line(path, "site: TH-76"),
            "spec.site",
            "is 'TH-76' but this stack runs site 'national'",
        )
    ]


def test_a_stack_config_without_a_config_mapping(tmp_path: Path) -> None:
    root = _stack_folder(tmp_path, "# nothing here\nconfig: []\n")
    with pytest.raises(ContractError) as error:
        load_stack(root, "t")
    assert list(error.value.problems) == [
        Problem(str(root / "Pulumi.t.yaml"), 1, "config", "the stack config has no `config:` mapping")
    ]


def test_site_config_problems_point_at_their_govcloud_key(tmp_path: Path) -> None:
    text = (
        (STACKS / "Pulumi.national-prod.yaml")
        .read_text("utf-8")
        .replace("govcloud:site: national", "govcloud:site: TH-99", 1)
    )
    root = _stack_folder(tmp_path, text)
    config = root / "Pulumi.t.yaml"
    with pytest.raises(ContractError) as error:
        load_stack(root, "t")
    assert list(error.value.problems) == [
        Problem(
            str(config),
            _line(config, "govcloud:site: TH-99"),
            "govcloud:site",
            "'TH-99' must be 'national' or a province code such as TH-76",
        )
    ]


def test_a_missing_site_setting_points_at_config(tmp_path: Path) -> None:
    text = "\n".join(
        line
        for line in (STACKS / "Pulumi.national-prod.yaml").read_text("utf-8").splitlines()
        if not line.startswith("  govcloud:domain:")
    )
    root = _stack_folder(tmp_path, text + "\n")
    with pytest.raises(ContractError) as error:
        load_stack(root, "t")
    (problem,) = error.value.problems
    assert (problem.line, problem.field) == (_line(root / "Pulumi.t.yaml", "config:"), "govcloud:domain")


def test_site_config_values_strip_the_namespace_and_skip_other_keys() -> None:
    raw = {"config": {"govcloud:site": "national", "kubernetes:context": "x", "govcloudx:site": "y", "aws:region": "z"}}
    assert site_config_values(raw) == {"site": "national"}
    assert site_config_values({"config": None}) == {}
    assert site_config_values({}) == {}


def test_load_requests_uses_the_given_date_and_the_site_rules(tmp_path: Path) -> None:
    root = _stack_folder(tmp_path)
    _write(root / "t" / "tenants" / "moph.yaml", tenant("moph", "MOPH"))
    _write(root / "t" / "tenants" / "nso.yaml", tenant())
    _write(root / "t" / "sharing" / "moph-to-nso.yaml", agreement())
    definition = load_requests(root, "t", SITE, dt.date(2025, 1, 1))
    assert definition.today == dt.date(2025, 1, 1)
    assert [a.status.value for a in definition.agreements] == ["pending"]
    other_site = _write(root / "t" / "tenants" / "dga.yaml", tenant("dga", "DGA", site="TH-76"))
    with pytest.raises(ContractError) as error:
        load_stack(root, "t", dt.date(2025, 1, 1))
    assert [(p.file, p.field, p.message) for p in error.value.problems] == [
        (str(other_site), "spec.site", "is 'TH-76' but this stack runs site 'national'")
    ]


def test_an_unknown_tenant_is_a_key_error_naming_it() -> None:
    definition = load_stack(STACKS, "national-prod", dt.date(2026, 3, 1))
    with pytest.raises(KeyError, match="nobody"):
        definition.tenant("nobody")


def test_a_name_a_naming_function_refuses_is_a_located_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defence in depth: if a naming rule ever overflows, the tenant file gets the error, nothing crashes."""
    import govcloud.naming

    def refuse(site: Any, request: Any) -> list[Any]:
        raise ValueError("derived bucket name 'x' breaks S3 naming rules")

    monkeypatch.setattr(govcloud.naming, "tenant_derived_names", refuse)
    path = _write(tmp_path / "tenants" / "nso.yaml", tenant())
    assert _problems([path]) == [
        Problem(str(path), NAME_LINE, "metadata.name", "derived bucket name 'x' breaks S3 naming rules")
    ]


def test_an_invalid_tenant_file_is_known_by_its_file_name_too(tmp_path: Path) -> None:
    """moph.yaml names itself mophx and fails validation: an agreement naming moph is not blamed either."""
    moph = _write(tmp_path / "tenants" / "moph.yaml", {**tenant("mophx", "moph-lowercase")})
    nso = _write(tmp_path / "tenants" / "nso.yaml", tenant())
    path = _write(tmp_path / "sharing" / "moph-to-nso.yaml", agreement())
    assert {p.file for p in _problems([moph, nso, path])} == {str(moph)}
