"""Issue 17: every wording of the loader's YAML problems, as the agency reads it (``FILE:LINE: field: message``).

``tests/unit/test_loader.py`` checks that real mistakes give one plain line. Here each branch of
``loader._syntax_problem`` gets its own case, so a mutant that drops a condition, swaps a word or moves the
line fails: first with real documents for both parsers (libyaml and ruamel.yaml word their errors
differently), then with a parser error written out field by field (problem, context, the two marks) for the
branches a given parser version never reaches (libyaml 0.2.6's own depth limit, a reader error after the
loader's own character screen). The fallback's rewording of parser jargon (``_clean``) has a case per token
and escaped character. Every expectation is the literal text an agency reads.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from govcloud.contract import loader
from govcloud.contract.errors import _resolve as resolve
from govcloud.contract.errors import known_keys, problems_from_validation_error
from govcloud.contract.loader import MAX_BYTES, SourceDocument, load_document, parse_document
from govcloud.contract.problems import ContractError, Problem

BACKENDS = sorted(loader.BACKENDS)
FILE = "stacks/dev/tenants/nso.yaml"


def _problems(text: str, backend: str) -> list[str]:
    with pytest.raises(ContractError) as caught:
        loader._parse(text.encode("utf-8"), FILE, Path(FILE), backend)
    return [str(problem) for problem in caught.value.problems]


# --- real documents, both parsers ---------------------------------------------------------------

OUTSIDE = (
    "this text is outside the request: remove any line starting with `%` and any `...` end-of-document line "
    "(or put the value in quotes)"
)
REAL = [
    ("spec:\n  tier: ? small\n", 2, "a `? ` (which starts a key) is not allowed here; put the value in quotes"),
    ("a: 1\n%TAG ! x\n", 2, OUTSIDE),
    ("--- a\n... b\n", 2, OUTSIDE),
    (
        "spec:\n  note: |x\n    text\n",
        2,
        "the block text (`|` or `>`) that starts on line 2 is not valid; indent its lines consistently, more than "
        "its key",
    ),
    (
        "a: 1\nb: *\n",
        2,
        "`&` and `*` have a special meaning in YAML (anchors and aliases, which are not allowed); put a value "
        "containing them in quotes",
    ),
    (
        "a:\n  - x\nb\n",
        3,
        "a `:` is missing after the key on this line (write `key: value`), or the line is indented wrongly",
    ),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("text", "line", "message"), REAL)
def test_real_syntax_errors(backend: str, text: str, line: int, message: str) -> None:
    assert _problems(text, backend) == [f"{FILE}:{line}: (document): {message}"]


def test_a_list_item_on_the_keys_line_falls_back_to_the_parsers_words() -> None:
    """No tailored wording for this one: each parser's own sentence, with no Python repr in it."""
    wording = {
        "libyaml": "block sequence entries are not allowed in this context",
        "ruamel": "sequence entries are not allowed here",
    }
    for backend in BACKENDS:
        assert _problems("spec:\n  admins: - nso-admins\n", backend) == [
            f"{FILE}:2: (document): this is not valid YAML: {wording[backend]}"
        ]


# --- each branch, from the parser error's fields ------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """Where a parser stopped: 0-based line and column, as both parsers' marks hold them."""

    line: int
    column: int = 0


class ParserError(Exception):
    """The four fields the loader reads from a parser error (ruamel.yaml and PyYAML name them alike)."""

    def __init__(self, problem: str | None, context: str | None, at: Mark | None, start: Mark | None) -> None:
        super().__init__(problem)
        self.problem, self.context, self.problem_mark, self.context_mark = problem, context, at, start


TEXT = "apiVersion: govcloud/v1\nkind: TenantRequest\nmetadata:\n  name: @nso\n\tspec: {}\nlast: `x`\n"
"""Six lines: an `@` at line 4 column 8, a tab at the start of line 5, a backtick at line 6 column 6."""


def _say(problem: str | None, context: str | None = None, at: Mark | None = Mark(3), start: int | None = None) -> str:
    """``LINE: message`` the loader makes of one parser error on ``TEXT``."""
    exc = ParserError(problem, context, at, Mark(start) if start is not None else None)
    found = loader._syntax_problem(exc, "f.yaml", TEXT)
    assert (found.file, found.field) == ("f.yaml", "(document)")
    return f"{found.line}: {found.message}"


MAPPING_LINEUP = (
    "this line does not line up with the keys of the mapping that starts on line 2; check its indentation, and "
    "put values with special characters in quotes"
)
LIST_LINEUP = (
    "this line does not line up with the items of the list that starts on line 2; each item starts with `- ` at "
    "the same indentation"
)
TAB = "a tab character is used here; YAML indentation must use spaces, not tabs"
ALIAS = (
    "`&` and `*` have a special meaning in YAML (anchors and aliases, which are not allowed); put a value "
    "containing them in quotes"
)
TAG = "`!` has a special meaning in YAML (tags, which are not allowed); put a value starting with `!` in quotes"
MISSING_VALUE = (
    "a value is missing here (for example two commas in a row, or a stray `,`, `:` or `-`); remove the extra "
    "punctuation or put the value in quotes"
)
COLON = (
    "a `: ` is not allowed inside this value; put the value in quotes, or fix the indentation if this was meant "
    "to be a new key"
)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        # A reader error (a character the parser refuses): the loader screens those first; kept for safety.
        (
            ParserError(None, None, Mark(2), None),
            "3: the file contains a character YAML does not allow; delete it and retype the line",
        ),
        # A tab, whether the parser says so or the character at the mark is one.
        (ParserError("found character that cannot start any token", None, Mark(4, 0), None), f"5: {TAB}"),
        (ParserError("found a tab character where an indentation space is expected", None, Mark(2), None), f"3: {TAB}"),
        (
            ParserError("found character that cannot start any token", None, Mark(3, 8), None),
            "4: a value cannot start with the character @; put the whole value in quotes",
        ),
        (
            ParserError("found character that cannot start any token", None, Mark(5, 6), None),
            "6: a value cannot start with a backtick (`); put the whole value in quotes",
        ),
        (
            ParserError("found character that cannot start any token", None, Mark(3, 40), None),
            "4: a value cannot start with this character; put the whole value in quotes",
        ),
        (
            ParserError("found character that cannot start any token", None, None, None),
            "1: a value cannot start with this character; put the whole value in quotes",
        ),
        (
            ParserError("exceeded the maximum nesting depth", "while parsing a flow node", Mark(0), Mark(0)),
            "1: lists and mappings are nested more than 64 levels deep here; a request needs only a few levels, so "
            "check the indentation",
        ),
        (
            ParserError("mapping keys are not allowed here", None, Mark(1), None),
            "2: a `? ` (which starts a key) is not allowed here; put the value in quotes",
        ),
        (ParserError("mapping values are not allowed here", None, Mark(1), None), f"2: {COLON}"),
        (ParserError("found unexpected ':'", "while scanning a plain scalar", Mark(1), Mark(0)), f"2: {COLON}"),
        (
            ParserError("could not find expected ':'", "while scanning a simple key", Mark(3), Mark(1)),
            "2: a `:` is missing after the key on this line (write `key: value`), or the line is indented wrongly",
        ),
        (
            ParserError(
                "found unknown escape character 'q'", "while scanning a double-quoted scalar", Mark(1), Mark(1)
            ),
            "2: a double-quoted value contains an unknown `\\` escape; use single quotes, or write `\\\\` for a "
            "backslash",
        ),
        (
            ParserError("found unexpected end of stream", "while scanning a quoted scalar", Mark(5), Mark(1)),
            "6: the quoted value that starts on line 2 is never closed; add the closing quote",
        ),
        (
            ParserError("found unexpected end of stream", "while scanning a block scalar", Mark(5), Mark(1)),
            "6: the block text (`|` or `>`) that starts on line 2 is not valid; indent its lines consistently, more "
            "than its key",
        ),
        (
            ParserError("expected ',' or ']', but got '<scalar>'", "while parsing a flow sequence", Mark(3), Mark(1)),
            "4: the `[` list that starts on line 2 is not closed properly; check for a missing `]` or `,`",
        ),
        (
            ParserError("did not find expected ',' or '}'", "while parsing a flow mapping", Mark(3), Mark(1)),
            "4: the `{` mapping that starts on line 2 is not closed properly; check for a missing `}` or `,`",
        ),
        (
            ParserError("did not find expected key", "while parsing a block mapping", Mark(3), Mark(1)),
            f"4: {MAPPING_LINEUP}",
        ),
        (
            ParserError(
                "expected <block end>, but found '<scalar>'", "while parsing a block mapping", Mark(3), Mark(1)
            ),
            f"4: {MAPPING_LINEUP}",
        ),
        # In a block mapping, but neither of its two problems: the later branches decide.
        (
            ParserError("did not find expected node content", "while parsing a block mapping", Mark(3), Mark(1)),
            f"4: {MISSING_VALUE}",
        ),
        (
            ParserError("expected <block end>, but found '-'", "while parsing a block collection", Mark(3), Mark(1)),
            f"4: {LIST_LINEUP}",
        ),
        (ParserError("did not find expected '-' indicator", None, Mark(3), Mark(1)), f"4: {LIST_LINEUP}"),
        (
            ParserError("did not find expected alphabetic character", "while scanning an anchor", Mark(2), Mark(2)),
            f"3: {ALIAS}",
        ),
        (
            ParserError("did not find expected alphabetic character", "while scanning an alias", Mark(2), Mark(2)),
            f"3: {ALIAS}",
        ),
        (ParserError("found unknown tag handle", None, Mark(2), None), f"3: {TAG}"),
        (ParserError("did not find expected whitespace", "while scanning a tag", Mark(2), Mark(2)), f"3: {TAG}"),
        (
            ParserError("found incompatible YAML document", "while parsing a document", Mark(0), Mark(0)),
            "1: the `%YAML` line asks for an unsupported YAML version; remove that line",
        ),
        (ParserError("found unknown directive name", None, Mark(0), None), f"1: {OUTSIDE}"),
        (ParserError("did not find expected comment", "while scanning a directive", Mark(0), Mark(0)), f"1: {OUTSIDE}"),
        (ParserError("did not find expected <document start>", None, Mark(2), None), f"3: {OUTSIDE}"),
        (ParserError("found content after document end marker", None, Mark(2), None), f"3: {OUTSIDE}"),
        (
            ParserError("did not find expected node content", "while parsing a flow node", Mark(2), Mark(2)),
            f"3: {MISSING_VALUE}",
        ),
        (
            ParserError(
                "expected chomping or indentation indicators", "while scanning a block scalar", Mark(3), Mark(1)
            ),
            "4: the block text (`|` or `>`) that starts on line 2 is not valid; indent its lines consistently, more "
            "than its key",
        ),
    ],
)
def test_each_branch_of_the_wording(error: ParserError, expected: str) -> None:
    found = loader._syntax_problem(error, "f.yaml", TEXT)
    assert (found.file, found.field) == ("f.yaml", "(document)")
    assert f"{found.line}: {found.message}" == expected


def test_the_fallback_names_the_context_only_when_it_starts_on_another_line() -> None:
    problem = "expected <block end>, but found ('<scalar>',)"
    assert _say(problem, "while parsing a flow thing", Mark(3), start=1) == (
        "4: this is not valid YAML: expected the end of the block, but found a value (while parsing a flow thing "
        "on line 2)"
    )
    assert _say(problem, "while parsing a flow thing", Mark(3), start=3) == (
        "4: this is not valid YAML: expected the end of the block, but found a value"
    )
    assert (
        _say(problem, None, Mark(3), start=1)
        == "4: this is not valid YAML: expected the end of the block, but found a value"
    )


def test_the_line_is_clamped_to_the_file() -> None:
    """A parser stops past the last line at the end of the file; the problem points at the last line."""
    assert _say("sequence entries are not allowed here", at=Mark(40)) == (
        "6: this is not valid YAML: sequence entries are not allowed here"
    )
    assert _say("sequence entries are not allowed here", at=None) == (
        "1: this is not valid YAML: sequence entries are not allowed here"
    )
    exc = ParserError("sequence entries are not allowed here", None, Mark(3), None)
    assert loader._syntax_problem(exc, "f.yaml", "").line == 1
    assert loader._syntax_problem(exc, "f.yaml", "a\nb\n").line == 2


# --- the fallback's rewording of parser jargon --------------------------------------------------

TOKENS = {
    "<block mapping start>": "a new key",
    "<block sequence start>": "a new list",
    "<block end>": "the end of the block",
    "<block entry>": "a `-` list item",
    "<scalar>": "a value",
    "<document start>": "`---`",
    "<document end>": "`...`",
    "<stream end>": "the end of the file",
    "<flow mapping start>": "`{`",
    "<flow sequence start>": "`[`",
    "<flow mapping end>": "`}`",
    "<flow sequence end>": "`]`",
    "<flow entry>": "`,`",
    "<key>": "a key",
    "<value>": "`:`",
    "<anchor>": "an anchor",
    "<alias>": "an alias",
    "<tag>": "a tag",
}


@pytest.mark.parametrize(("token", "words"), sorted(TOKENS.items()))
def test_each_token_reads_as_words(token: str, words: str) -> None:
    shown = words.replace("`", "'")  # a backtick in a message is shown as a quote (messages quote with backticks)
    assert loader._clean(f"expected {token}, but found ('{token}',)") == f"expected {shown}, but found {shown}"
    assert loader._clean(f"found '{token}' here") == f"found {shown} here"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("found '\\t' that cannot start any token", "found a tab that cannot start any token"),
        ("found '\\n' here", "found the end of the line here"),
        ("found '\\r' here", "found the end of the line here"),
        ("found '\\x00' here", "found the end of the file here"),
        ("found '\\0' here", "found the end of the file here"),
        ("found ' ' here", "found a space here"),
        ("found '\\x85' here", "found an invisible character here"),
        ("found '\\ufeff' here", "found an invisible character here"),
        ("expected <something else>", "expected <something else>"),
        ("found ('x',) and ('<scalar>',)", "found 'x' and a value"),
        ("found 'x' here", "found 'x' here"),
        ("two\n   lines\tand  spaces ", "two lines and spaces"),
    ],
)
def test_parser_words_are_cleaned(raw: str, clean: str) -> None:
    assert loader._clean(raw) == clean


def test_a_long_parser_message_is_cut_at_160_characters() -> None:
    assert loader._clean("x" * 160) == "x" * 160
    assert loader._clean("x" * 161) == "x" * 159 + "…"


def test_char_at() -> None:
    text = "ab\ncd\n"
    assert loader._char_at(text, Mark(1, 1)) == "d"
    assert loader._char_at(text, Mark(0, 0)) == "a"
    assert loader._char_at(text, Mark(1, 2)) == ""
    assert loader._char_at(text, Mark(2, 0)) == ""
    assert loader._char_at(text, Mark(-1, 0)) == ""
    assert loader._char_at(text, Mark(0, -1)) == ""
    assert loader._char_at(text, None) == ""


# --- lines, files and paths ---------------------------------------------------------------------


def test_line_at_counts_crlf_lf_and_a_lone_cr_as_one_break_each() -> None:
    text = "\r\na\r\nb\rc\nd\r\n"
    assert [loader._line_at(text, text.index(c)) for c in "abcd"] == [2, 3, 4, 5]
    assert loader._line_at(text, 0) == 1
    assert loader._line_at("x\r\ny", 1) == 1  # the break itself belongs to the line it ends


def test_a_bad_byte_after_crlf_and_cr_lines_is_on_its_own_line() -> None:
    with pytest.raises(ContractError) as caught:
        parse_document(b"a: 1\r\nb: 2\rc: 3\r\nd: \xff\r\ne: 4\r\n", "f.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "f.yaml:4: (document): the file is not valid UTF-8 text (byte 0xFF on this line cannot be read); save the "
        "file with the UTF-8 encoding"
    ]


def test_line_of_without_a_recorded_root() -> None:
    """A document built without the root's line answers 1; with one, that line."""
    assert SourceDocument(Path("f.yaml"), "f.yaml", {}, {}).line_of(("spec", "tier")) == 1
    assert SourceDocument(Path("f.yaml"), "f.yaml", {}, {(): 3}).line_of(("spec", "tier")) == 3
    assert SourceDocument(Path("f.yaml"), "f.yaml", {}, {(): 3, ("spec",): 5}).line_of(("spec", "tier")) == 5


def test_a_never_ending_file_is_read_only_up_to_the_limit(tmp_path: Path) -> None:
    """A pipe that never ends is refused after MAX_BYTES + 1 bytes, not read until its end.

    The writer sends one byte more than the limit, then holds the pipe open without writing: a loader that reads
    to the end waits until the writer gives up (two minutes), and the test fails on that. Nothing is read
    without bound, so memory stays flat either way."""
    fifo = tmp_path / "request.yaml"
    os.mkfifo(fifo)
    done = threading.Event()
    gave_up: list[bool] = []

    def writer() -> None:
        with open(fifo, "wb") as pipe:
            pipe.write(b"a" * (MAX_BYTES + 1))
            pipe.flush()
            gave_up.append(not done.wait(timeout=120))

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        with pytest.raises(ContractError) as caught:
            load_document(fifo, "request.yaml")
    finally:
        done.set()
        thread.join(timeout=10)
    assert gave_up == [False], "the loader read on, waiting for the end of the pipe"
    assert [str(p) for p in caught.value.problems] == [
        f"request.yaml:1: (document): the file is larger than 256 KiB ({MAX_BYTES:,} bytes); a request file is "
        "normally a few KiB, so check that this is the right file"
    ]


def test_the_document_keeps_the_path_it_was_read_from(tmp_path: Path) -> None:
    path = tmp_path / "nso.yaml"
    path.write_text("a: 1\n", "utf-8")
    assert load_document(path, "tenants/nso.yaml").path == path
    assert parse_document(b"a: 1\n", "tenants/nso.yaml").path == Path("tenants/nso.yaml")
    assert parse_document(b"a: 1\n", "tenants/nso.yaml", path).path == path


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            PermissionError(13, "Permission denied"),
            "the file cannot be opened (permission denied); make it readable and try again",
        ),
        (
            OSError(5, "Input/output error"),
            "the file cannot be read (Input/output error); check the file and try again",
        ),
        (OSError(), "the file cannot be read (OSError); check the file and try again"),
        (TimeoutError(), "the file cannot be read (TimeoutError); check the file and try again"),
    ],
)
def test_os_errors_in_words(error: OSError, message: str) -> None:
    """Permission errors cannot be provoked as root (the tests' container user), so the mapping is checked alone."""
    assert loader._os_error_message(error) == message


# --- errors.py: the schema walk and the message of each pydantic error --------------------------


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    size: int = 0
    tag: Annotated[str, Field(min_length=2)] = "ab"


class _Other(BaseModel):
    model_config = ConfigDict(extra="forbid")
    colour: str = ""


def _no_zero(value: int) -> int:
    if value == 0:  # what a bare `assert` raises (pytest rewrites the asserts of this module, so raised here)
        raise AssertionError("zero is not a size")
    return value


class _Shapes(BaseModel):
    """Schema shapes the contract's own models do not use today, for the walk's every branch."""

    model_config = ConfigDict(extra="forbid")
    one: _Item | None = None
    many: list[_Item] | _Item = []
    by_name: dict[str, _Item] = {}
    size: Any = None
    checked: Annotated[int, AfterValidator(_no_zero)] = 1


class _Empty(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _errors(model: type[BaseModel], data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(data)
    return [(p.field, p.message) for p in problems_from_validation_error(model, raised.value, "f.yaml", lambda _: 1)]


def test_known_keys_through_optional_union_list_and_map() -> None:
    assert known_keys(_Shapes, ()) == ["one", "many", "by_name", "size", "checked"]
    assert known_keys(_Shapes, ("one",)) == ["name", "size", "tag"]
    assert known_keys(_Shapes, ("many", 0)) == ["name", "size", "tag"]
    assert known_keys(_Shapes, ("many",)) == ["name", "size", "tag"]
    assert known_keys(_Shapes, ("by_name", "x")) == ["name", "size", "tag"]
    assert known_keys(_Shapes, ("size",)) == []
    assert known_keys(_Empty, ()) == []


def test_resolve_follows_refs_and_every_combinator() -> None:
    root: dict[str, Any] = {
        "$defs": {
            "A": {"properties": {"a": {}}},
            "B": {"$ref": "#/$defs/A"},
            "C": {"oneOf": [{"$ref": "#/$defs/B"}, {"properties": {"c": {}}}]},
        }
    }
    found = [schema for schema in resolve({"allOf": [{"$ref": "#/$defs/C"}]}, root) if "properties" in schema]
    assert found == [{"properties": {"a": {}}}, {"properties": {"c": {}}}]


def test_an_unknown_key_where_nothing_is_allowed() -> None:
    assert _errors(_Empty, {"x": 1}) == [("x", "unknown field `x`")]


def test_an_unknown_key_in_a_map_of_objects() -> None:
    assert _errors(_Shapes, {"by_name": {"a": {"name": "n", "sise": 1}}}) == [
        ("by_name.a.sise", "unknown field `sise`; did you mean `size`?")
    ]


def test_an_assertion_in_a_validator_reads_without_its_prefix() -> None:
    assert _errors(_Shapes, {"checked": 0}) == [("checked", "zero is not a size")]


def test_a_mapping_or_list_where_text_belongs_and_a_short_text() -> None:
    assert _errors(_Item, {"name": {"a": 1}}) == [("name", "input should be a valid string")]
    assert _errors(_Item, {"name": ["a"]}) == [("name", "input should be a valid string")]
    assert _errors(_Item, {"name": "n", "tag": "a"}) == [("tag", "string should have at least 2 characters")]


# --- the walk: odd keys, depth, and what is refused alongside ------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_nested_collection_as_a_key_is_skipped_whole(backend: str) -> None:
    """Everything inside a list used as a key is skipped, however deep, and the walk resumes after it."""
    text = "[[1, [2]], {x: [3]}, 4]: value\nb: 1\nb: 2\n"
    assert _problems(text, backend) == [
        f"{FILE}:1: (document): a list cannot be used as a key; a key must be a field name",
        f"{FILE}:3: b: the key `b` appears twice (first on line 2); keep one",
    ]


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_alias_as_a_key_then_its_value(backend: str) -> None:
    """The value after an alias key is a value, not another key; the walk goes on to the next problem."""
    text = "spec:\n  *x : 1\n  c: 2\n  c: 3\n"
    assert _problems(text, backend) == [
        f"{FILE}:2: spec: YAML anchors and aliases are not allowed (found `*x`); write the value out in full",
        f"{FILE}:4: spec.c: the key `c` appears twice (first on line 3); keep one",
    ]
    deeper = "spec:\n  access:\n    *x : 1\n"
    assert _problems(deeper, backend) == [
        f"{FILE}:3: spec.access: YAML anchors and aliases are not allowed (found `*x`); write the value out in full"
    ]


@pytest.mark.parametrize("backend", BACKENDS)
def test_nesting_up_to_the_limit(backend: str) -> None:
    """The top-level mapping and 63 lists inside it are 64 levels: accepted; one more is refused."""
    deepest = 63
    doc = loader._parse(("a: " + "[" * deepest + "]" * deepest + "\n").encode(), FILE, Path(FILE), backend)
    assert "a" in doc.data
    deeper = deepest + 1
    assert _problems("a: " + "[" * deeper + "]" * deeper + "\n", backend) == [
        f"{FILE}:1: (document): lists and mappings are nested more than 64 levels deep here; a request needs only "
        "a few levels, so check the indentation"
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1_000.5", 1000.5),
        ("1_.5", 1.5),
        ("1__000", 1000),
        ("0x_ff", 255),
        ("-0x10", -16),
        ("0b1_01", 5),
        ("0o1_7", 15),
    ],
)
def test_underscores_in_numbers_as_yaml_1_2_reads_them(text: str, value: float) -> None:
    """ruamel.yaml's YAML 1.2 loader drops every `_` of a number (ruamel.yaml 0.19.1, ruamel/yaml/constructor.py,
    ``SafeConstructor.construct_yaml_int``/``construct_yaml_float``: ``value_s.replace('_', "")``; its safe loader
    reads this list as these values), where Python's own int() and float() accept only one `_` between digits."""
    assert loader._resolve_plain(text) == value
    assert type(loader._resolve_plain(text)) is type(value)


def test_a_utf16_big_endian_file_is_refused_too() -> None:
    with pytest.raises(ContractError) as caught:
        parse_document(b"\xfe\xff" + "a: 1\n".encode("utf-16-be"), "f.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "f.yaml:1: (document): the file is saved as UTF-16 text; save it again as UTF-8"
    ]


def test_shown_text_is_cut_at_60_characters() -> None:
    assert loader._shown("k" * 60) == "k" * 60
    assert loader._shown("k" * 61) == "k" * 59 + "…"
    assert loader._shown("a\nb\u2028c`d") == "a b c'd"


def test_an_error_without_parser_fields() -> None:
    """A YAML error with no problem, context or marks (the base class) still gives one located line."""
    found = loader._syntax_problem(Exception("bare"), "f.yaml", TEXT)
    assert str(found) == (
        "f.yaml:1: (document): the file contains a character YAML does not allow; delete it and retype the line"
    )


def test_a_contract_error_reads_as_its_sorted_unique_lines() -> None:
    """What a caller prints for the exception itself: one problem per line, sorted, each once."""
    second = Problem("b.yaml", 2, "spec", "second")
    first = Problem("a.yaml", 9, "(document)", "first")
    error = ContractError([second, first, second])
    assert error.problems == [first, second]
    assert str(error) == "a.yaml:9: (document): first\nb.yaml:2: spec: second"
