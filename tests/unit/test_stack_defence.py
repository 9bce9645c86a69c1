"""Issue 17: two checks of the stack loader that only show with two mistakes in one stack.

* A tenant file that cannot be read is remembered by its whole stem, so an agreement naming a tenant is
  excused only by that tenant's own broken file: ``nso.v2.yaml`` does not stand in for tenant ``nso``.
* The derived-name check (defence in depth behind the tenant-name rules) skips a tenant-to-tenant hostname
  clash, which has its own message, and still reports the clashes after it (here: the portal's hostname).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from govcloud.contract.problems import Problem
from govcloud.contract.stack import validate_documents
from tests.unit.contract_helpers import SITE, TODAY, agreement, tenant, with_path, write

MISSING_VALUE = (
    "a value is missing here (for example two commas in a row, or a stray `,`, `:` or `-`); remove the extra "
    "punctuation or put the value in quotes"
)


def _line(path: Path, text: str) -> int:
    """The 1-based line of the first occurrence of ``text``, read from the file (not by the loader)."""
    return next(n for n, row in enumerate(path.read_text("utf-8").splitlines(), 1) if text in row)


def test_a_broken_file_with_a_longer_stem_does_not_excuse_an_unknown_tenant(tmp_path: Path) -> None:
    moph, deal = write(tmp_path, tenant("moph", "MOPH"), agreement())
    broken = tmp_path / "tenants" / "nso.v2.yaml"
    broken.write_text("metadata: [\n", "utf-8")
    assert sorted(validate_documents([moph, broken, deal], SITE, TODAY)[2]) == [
        Problem(str(deal), _line(deal, "tenant: nso"), "spec.consumer.tenant", "no tenant 'nso' in this stack"),
        Problem(str(broken), 1, "(document)", MISSING_VALUE),
    ]


def test_an_invalid_tenant_file_with_a_longer_stem_does_not_excuse_an_unknown_tenant(tmp_path: Path) -> None:
    """The same for a file that reads but fails validation: its stem and its own name are remembered, not `nso`."""
    moph, deal = write(tmp_path, tenant("moph", "MOPH"), agreement())
    invalid = tmp_path / "tenants" / "nso.v2.yaml"
    invalid.write_text(
        yaml.safe_dump(with_path(tenant("nso-v2", "NSOV"), "spec.tier", "huge"), sort_keys=False), "utf-8"
    )
    assert sorted(validate_documents([moph, invalid, deal], SITE, TODAY)[2]) == [
        Problem(str(deal), _line(deal, "tenant: nso"), "spec.consumer.tenant", "no tenant 'nso' in this stack"),
        Problem(
            str(invalid),
            _line(invalid, "name: nso-v2"),
            "metadata.name",
            "is 'nso-v2' but the file is named 'nso.v2.yaml'; they must match",
        ),
        Problem(
            str(invalid),
            _line(invalid, "tier: huge"),
            "spec.tier",
            "must be 'small', 'medium' or 'large' (got 'huge')",
        ),
    ]


def test_a_broken_file_of_the_tenant_itself_excuses_it(tmp_path: Path) -> None:
    moph, deal = write(tmp_path, tenant("moph", "MOPH"), agreement())
    broken = tmp_path / "tenants" / "nso.yaml"
    broken.write_text("metadata: [\n", "utf-8")
    assert validate_documents([moph, broken, deal], SITE, TODAY)[2] == [
        Problem(str(broken), 1, "(document)", MISSING_VALUE)
    ]


def test_a_clash_with_the_platform_after_a_clash_between_tenants(tmp_path: Path) -> None:
    hostnames = {"ingress": {"hostnames": ["nso.data.go.th", "data.go.th"]}}
    nso, moph = write(tmp_path, tenant(), tenant("moph", "MOPH", network=hostnames))
    assert validate_documents([nso, moph], SITE, TODAY)[2] == [
        Problem(
            str(moph),
            _line(moph, "- data.go.th"),
            "spec.network.ingress.hostnames[1]",
            "must be under the site's domain data.go.th or intra.gdcc.go.th",
        ),
        Problem(
            str(moph),
            _line(moph, "- nso.data.go.th"),
            "spec.network.ingress.hostnames[0]",
            f"hostname 'nso.data.go.th' is already used in {nso}:{_line(nso, '- nso.data.go.th')}",
        ),
        Problem(
            str(moph),
            _line(moph, "name: moph"),
            "metadata.name",
            "derives the hostname 'data.go.th', which the platform already has as its portal hostname; choose "
            "another tenant name",
        ),
    ]
