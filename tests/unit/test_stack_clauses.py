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

from govcloud.contract.problems import Problem
from govcloud.contract.stack import validate_documents
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
