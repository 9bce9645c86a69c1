"""The contract's two generators run as commands: ``python -m govcloud.contract.reference`` (the tables of
docs/tenant-contract.md) and ``govcloud schema`` (the published JSON Schemas).

Both are run here in a scratch folder, so what they write, what they print and their exit codes are
checked without touching the repository (issue 17: these entry points had no test, so any mutant of them
survived). Expected texts are literal or read from the committed files, never produced by the code under test.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field

from govcloud.contract import reference
from govcloud.contract.fields import ContractModel
from govcloud.contract.schema import render, write_schemas

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


# --- the table's words for types, defaults and cells ---------------------------------------------


class _Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class _Part(ContractModel):
    """A nested object."""

    size: int = 1
    """How big."""


class _Sample(ContractModel):
    """Shapes the contract's own tables do not all use today."""

    choice: Literal["a", "b"] = "a"
    """Either | or."""
    colour: _Colour | None = None
    """A colour,
    on two lines."""
    ratio: float = 0.5
    count: Annotated[int, Field(ge=1)] | None = None
    labels: dict[str, int] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=lambda: ["x"])
    parts: list[_Part] = []
    part: _Part = _Part()
    when: dt.date | None = None
    size: str | int = 1
    anything: Any = None
    flag: bool = False


def test_type_names() -> None:
    assert reference.type_name(Literal["a", "b"]) == "`a` or `b`"
    assert reference.type_name(_Colour | None) == "one of `red`, `blue`"
    assert reference.type_name(float) == "float"
    assert reference.type_name(Annotated[int, Field(ge=1)] | None) == "integer"
    assert reference.type_name(dict[str, int]) == "map of text to integer"
    assert reference.type_name(list[dt.date]) == "list of date"
    assert reference.type_name(str | int) == "quantity"
    assert reference.type_name(Any) == "Any"
    assert reference.type_name(tuple[int, str]) == "tuple[int, str]"
    assert reference.type_name(_Part) == "object"


def test_the_rows_of_a_model() -> None:
    rows = {f.path: f for f in reference.fields_of(_Sample)}
    assert (rows["choice"].type, rows["choice"].required, rows["choice"].description) == (
        "`a` or `b`",
        "default `a`",
        "Either | or.",
    )
    assert rows["colour"].required == "optional"
    assert (rows["ratio"].required, rows["ratio"].description) == ("default `0.5`", "")
    assert rows["labels"].required == "optional", "a default factory is shown as optional, not its sentinel"
    assert rows["tags"].required == "optional"
    assert rows["flag"].required == "default `false`"
    assert (rows["parts"].type, rows["parts"].leaf) == ("list of objects", False)
    assert rows["parts"].leaf is False
    assert rows["parts"].description == "", "an undocumented list of objects reads as no text, not a placeholder"
    assert (rows["parts[].size"].type, rows["parts[].size"].leaf) == ("integer", True)
    assert (rows["part"].leaf, rows["part.size"].leaf) == (False, True)
    assert list(rows) == [
        "choice",
        "colour",
        "ratio",
        "count",
        "labels",
        "tags",
        "parts",
        "parts[].size",
        "part",
        "part.size",
        "when",
        "size",
        "anything",
        "flag",
    ]


def test_cells_escape_pipes_and_fold_lines() -> None:
    table = reference.field_table(_Sample)
    assert "| `choice` | `a` or `b` | default `a` | Either \\| or. |" in table.splitlines()
    assert "| `colour` | one of `red`, `blue` | optional | A colour, on two lines. |" in table.splitlines()


@pytest.mark.parametrize(
    ("cores", "shown"),
    [(Decimal(8), "8"), (Decimal("8.0"), "8"), (Decimal("0.5"), "500m"), (Decimal("2.25"), "2250m")],
)
def test_cores_whole_or_in_millicores(cores: Decimal, shown: str) -> None:
    assert reference._cores(cores) == shown


def test_a_schema_keeps_thai_text_readable() -> None:
    """Editors show descriptions on hover: Thai stays Thai, not \\u escapes."""

    class Thai(BaseModel):
        name: str = Field(description="ชื่อหน่วยงาน")

    text = render(Thai, "thai.schema.json")
    assert '"description": "ชื่อหน่วยงาน"' in text
    assert text.endswith("}\n")
