"""The contract's two generators run as commands: ``python -m govcloud.contract.reference`` (the tables of
docs/tenant-contract.md) and ``govcloud schema`` (the published JSON Schemas).

Both are run here in a scratch folder, so what they write, what they print and their exit codes are
checked without touching the repository (issue 17: these entry points had no test, so any mutant of them
survived). Expected texts are literal or read from the committed files, never produced by the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govcloud.contract import reference
from govcloud.contract.schema import write_schemas

REPO_ROOT = Path(__file__).resolve().parents[2]
COMMITTED_DOC = (REPO_ROOT / "docs" / "tenant-contract.md").read_text("utf-8")
STALE_ROW = "| `spec.tier` | stale | stale | stale |"
MARKERS = ("tenant-request fields", "tiers", "data-sharing-agreement fields")


def _stale_doc() -> str:
    """The committed document with one row added inside the first generated block."""
    begin = "<!-- BEGIN GENERATED tiers: python -m govcloud.contract.reference --write -->\n"
    assert COMMITTED_DOC.count(begin) == 1
    return COMMITTED_DOC.replace(begin, begin + STALE_ROW + "\n")


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with docs/tenant-contract.md holding a stale generated block."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "tenant-contract.md").write_text(_stale_doc(), "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "docs" / "tenant-contract.md"


def test_check_reports_a_stale_document_and_exits_1(scratch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert reference.main(["--check"]) == 1
    captured = capsys.readouterr()
    assert captured.err == ("docs/tenant-contract.md is stale: run python -m govcloud.contract.reference --write\n")
    assert captured.out == ""
    assert scratch.read_text("utf-8") == _stale_doc(), "--check never writes"


def test_no_option_checks_too(scratch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert reference.main([]) == 1
    assert "is stale" in capsys.readouterr().err


def test_write_refreshes_the_document_and_then_it_checks(scratch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert reference.main(["--write"]) == 0
    assert scratch.read_text("utf-8") == COMMITTED_DOC
    assert reference.main(["--check"]) == 0
    assert reference.main([]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("marker", MARKERS)
def test_a_missing_marker_is_named(marker: str) -> None:
    broken = COMMITTED_DOC.replace(f"<!-- END GENERATED {marker} -->", "")
    with pytest.raises(ValueError) as raised:
        reference.regenerate(broken)
    assert str(raised.value) == f"docs/tenant-contract.md: the markers of the generated block {marker!r} are missing"
    without_begin = COMMITTED_DOC.replace(
        f"<!-- BEGIN GENERATED {marker}: python -m govcloud.contract.reference --write -->\n", ""
    )
    with pytest.raises(ValueError, match="markers of the generated block"):
        reference.regenerate(without_begin)


def test_write_schemas_creates_the_folder_and_writes_both_files(tmp_path: Path) -> None:
    out = tmp_path / "new" / "schemas"
    written = write_schemas(out)
    assert written == [out / "tenant-request.schema.json", out / "data-sharing-agreement.schema.json"]
    for path in written:
        committed = (REPO_ROOT / "schemas" / path.name).read_text("utf-8")
        assert path.read_text("utf-8") == committed
        schema = json.loads(committed)
        assert schema["$id"] == f"https://schemas.govcloud.go.th/v1/{path.name}"
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_write_schemas_into_an_existing_folder_replaces_the_files(tmp_path: Path) -> None:
    (tmp_path / "tenant-request.schema.json").write_text("{}", "utf-8")
    write_schemas(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "data-sharing-agreement.schema.json",
        "tenant-request.schema.json",
    ]
    assert (tmp_path / "tenant-request.schema.json").read_text("utf-8") == (
        REPO_ROOT / "schemas" / "tenant-request.schema.json"
    ).read_text("utf-8")
