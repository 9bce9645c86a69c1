"""Safe YAML loader for agency request files.

Agencies write these files by hand, so the loader treats them as untrusted input and turns every
YAML-level mistake into a :class:`Problem` (``FILE:LINE: field.path: message``) instead of a
traceback. It reads YAML 1.2 (``no``/``yes``/``on`` stay text), builds plain Python data, and
records the line of every mapping key and list item so later checks can point at the right line.

Design: one pass over the parser's *event* stream (no composer, no constructor). Building the
data ourselves means nothing is ever constructed from a tag, aliases are never expanded, and
every duplicate key, alias, anchor, tag and non-text key in the file is reported in one go.

Parser: the pure-Python ruamel.yaml parser takes about 4-5 ms for a 60-line file, which alone
would blow the budget of 1,000 files in 2 s. When PyYAML's libyaml binding is present (PyYAML is
installed with pulumi and kubernetes) its C parser produces the same events ~30x faster; the
ruamel.yaml parser is the fallback. Either way the values are typed by this module's YAML 1.2
rules (:func:`_resolve_plain`), so the data does not depend on the parser used.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import ruamel.yaml
import ruamel.yaml.error
import ruamel.yaml.events as rev

from govcloud.contract.problems import WHOLE_DOCUMENT, ContractError, Problem

MAX_BYTES = 256 * 1024
"""Largest accepted file; a real request is a few KiB, so anything bigger is a mistake."""

MAX_DEPTH = 64
"""Deepest nesting accepted; requests need about six levels, and this bounds later recursion."""

FieldPath = tuple[str | int, ...]

# --- parser back ends -------------------------------------------------------------------------

_SCALAR, _SEQ_START, _MAP_START, _END, _ALIAS, _DOC_START = range(6)  # any other event kind: None

_EVENT_KINDS: dict[type, int] = {
    rev.ScalarEvent: _SCALAR,
    rev.SequenceStartEvent: _SEQ_START,
    rev.MappingStartEvent: _MAP_START,
    rev.SequenceEndEvent: _END,
    rev.MappingEndEvent: _END,
    rev.AliasEvent: _ALIAS,
    rev.DocumentStartEvent: _DOC_START,
}
_YAML_ERRORS: tuple[type[BaseException], ...] = (ruamel.yaml.error.YAMLError,)
_LIBYAML_LOADER: Any = None

try:  # PyYAML with libyaml: a much faster source of the same events.
    import yaml as _pyyaml
    import yaml.events as _pev

    _EVENT_KINDS.update(
        {
            _pev.ScalarEvent: _SCALAR,
            _pev.SequenceStartEvent: _SEQ_START,
            _pev.MappingStartEvent: _MAP_START,
            _pev.SequenceEndEvent: _END,
            _pev.MappingEndEvent: _END,
            _pev.AliasEvent: _ALIAS,
            _pev.DocumentStartEvent: _DOC_START,
        }
    )
    _YAML_ERRORS = (ruamel.yaml.error.YAMLError, _pyyaml.YAMLError)
    if _pyyaml.__with_libyaml__:
        _LIBYAML_LOADER = _pyyaml.CBaseLoader
except ImportError:  # pragma: no cover - PyYAML is a dependency of pulumi
    pass


def _ruamel_events(text: str) -> Iterator[Any]:
    """Events from ruamel.yaml's pure-Python YAML 1.2 parser (the reference, and the fallback)."""
    return iter(ruamel.yaml.YAML(typ="safe", pure=True).parse(text))


def _libyaml_events(text: str) -> Iterator[Any]:
    """Events from libyaml through PyYAML (same event model, C speed)."""
    return iter(_pyyaml.parse(text, Loader=_LIBYAML_LOADER))


BACKENDS: Final[dict[str, Callable[[str], Iterator[Any]]]] = {"ruamel": _ruamel_events}
"""Available event sources by name; tests run every check against each of them."""
if _LIBYAML_LOADER is not None:
    BACKENDS["libyaml"] = _libyaml_events
DEFAULT_BACKEND: Final[str] = "libyaml" if "libyaml" in BACKENDS else "ruamel"

# --- the public API ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceDocument:
    """A loaded file: plain data plus the line of every key and item, for pointing at mistakes."""

    path: Path
    display_name: str
    data: Any
    lines: Mapping[FieldPath, int]

    def line_of(self, loc: Sequence[str | int]) -> int:
        """Line of the deepest known prefix of loc (so an error on a missing child points at its
        parent); 1 if nothing matches."""
        key = tuple(loc)
        lines = self.lines
        while key:
            line = lines.get(key)
            if line is not None:
                return line
            key = key[:-1]
        return lines.get((), 1)


def field_name(loc: Sequence[str | int]) -> str:
    """Render a field path the way problems print it: ``spec.access.admins[0]``; ``(document)`` for ()."""
    out: list[str] = []
    for part in loc:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(("." if out else "") + _shown(part))
    return "".join(out) or WHOLE_DOCUMENT


def load_document(path: Path, display_name: str | None = None) -> SourceDocument:
    """Raise ContractError with every problem found in the file (or one problem when the file can't
    be parsed at all)."""
    name = str(path) if display_name is None else display_name
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise ContractError([Problem(name, 1, WHOLE_DOCUMENT, _os_error_message(exc))]) from None
    return parse_document(raw, name, path)


def parse_document(text_bytes: bytes, display_name: str, path: Path | None = None) -> SourceDocument:
    """A document from the file's bytes: what :func:`load_document` does once it has read them (at most
    ``MAX_BYTES``; one more byte means the file is too big)."""
    if len(text_bytes) > MAX_BYTES:
        raise ContractError([_too_big(display_name)])
    return _parse(text_bytes, display_name, path or Path(display_name), DEFAULT_BACKEND)


# --- the loader -------------------------------------------------------------------------------


def _parse(text_bytes: bytes, display_name: str, path: Path, backend: str) -> SourceDocument:
    """Decode, screen characters, then walk the events; raise ContractError on any problem."""
    text = _decode(text_bytes, display_name)
    try:
        data, lines, problems = _Walker(display_name).walk(BACKENDS[backend](text))
    except _YAML_ERRORS as exc:
        raise ContractError([_syntax_problem(exc, display_name, text)]) from None
    if problems:
        raise ContractError(problems)
    return SourceDocument(path=path, display_name=display_name, data=data, lines=MappingProxyType(lines))


def _too_big(name: str) -> Problem:
    return Problem(
        name,
        1,
        WHOLE_DOCUMENT,
        f"the file is larger than {MAX_BYTES // 1024} KiB ({MAX_BYTES:,} bytes); a request file is "
        "normally a few KiB, so check that this is the right file",
    )


def _os_error_message(exc: OSError | ValueError) -> str:
    if isinstance(exc, ValueError):
        return "the file name is not valid; check the file name and folder"
    if isinstance(exc, FileNotFoundError):
        return "the file does not exist; check the file name and folder"
    if isinstance(exc, IsADirectoryError):
        return "this is a folder, not a file; give the path of a .yaml file"
    if isinstance(exc, PermissionError):
        return "the file cannot be opened (permission denied); make it readable and try again"
    reason = exc.strerror or type(exc).__name__
    return f"the file cannot be read ({reason}); check the file and try again"


# Characters YAML 1.2 refuses, plus invisible ones that shift line numbers between editors and
# parsers (NEL, LINE/PARAGRAPH SEPARATOR) and a byte-order mark anywhere but the very start.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_CHAR_NAMES = {
    0x00: "a NUL character",
    0x85: "an invisible line-break character (NEL)",
    0x2028: "an invisible line-separator character",
    0x2029: "an invisible paragraph-separator character",
    0xFEFF: "an invisible byte-order mark",
}


def _decode(text_bytes: bytes, name: str) -> str:
    """UTF-8 text without a leading BOM, or ContractError naming each line with bad bytes or characters."""
    if text_bytes.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ContractError(
            [Problem(name, 1, WHOLE_DOCUMENT, "the file is saved as UTF-16 text; save it again as UTF-8")]
        )
    try:
        text = text_bytes.decode()  # bytes.decode is UTF-8 unless told otherwise
    except UnicodeDecodeError:
        escaped = text_bytes.decode(errors="surrogateescape")
        problems: dict[int, Problem] = {}
        for match in re.finditer("[\udc80-\udcff]", escaped):
            line = _line_at(escaped, match.start())
            problems.setdefault(
                line,
                Problem(
                    name,
                    line,
                    WHOLE_DOCUMENT,
                    f"the file is not valid UTF-8 text (byte 0x{ord(match.group()) - 0xDC00:02X} on this "
                    "line cannot be read); save the file with the UTF-8 encoding",
                ),
            )
        raise ContractError(problems.values()) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if _BAD_CHARS.search(text) is not None:
        bad: dict[int, Problem] = {}
        for match in _BAD_CHARS.finditer(text):
            line = _line_at(text, match.start())
            code = ord(match.group())
            what = _CHAR_NAMES.get(code, "an invisible control character")
            bad.setdefault(
                line,
                Problem(
                    name,
                    line,
                    WHOLE_DOCUMENT,
                    f"this line contains {what} (U+{code:04X}) that is not allowed; delete it "
                    "(retyping the line removes it)",
                ),
            )
        raise ContractError(bad.values())
    return text


def _line_at(text: str, index: int) -> int:
    """1-based line of a character, counting CRLF, LF and a lone CR as one break, as YAML does."""
    head = text[:index]
    return 1 + head.count("\n") + head.count("\r") - head.count("\r\n")


# --- typing plain scalars (YAML 1.2 core schema, as ruamel.yaml reads it) ----------------------

_FLOAT = re.compile(
    r"[-+]?(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
    r"|[0-9][0-9_]*[eE][-+]?[0-9]+"
    r"|\.[0-9_]*[0-9][0-9_]*(?:[eE][-+][0-9]+)?)"
)
_INT = re.compile(
    r"[-+]?(?:0b[01_]*[01][01_]*|0o[0-7_]*[0-7][0-7_]*|0x[0-9a-fA-F_]*[0-9a-fA-F][0-9a-fA-F_]*"
    r"|[0-9_]*[0-9][0-9_]*)"
)
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_SPECIAL: dict[str, Any] = {
    "": None,
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
    ".inf": float("inf"),
    ".Inf": float("inf"),
    ".INF": float("inf"),
    "+.inf": float("inf"),
    "+.Inf": float("inf"),
    "+.INF": float("inf"),
    "-.inf": float("-inf"),
    "-.Inf": float("-inf"),
    "-.INF": float("-inf"),
    ".nan": float("nan"),
    ".NaN": float("nan"),
    ".NAN": float("nan"),
}
_NUMBER_START = frozenset("-+.0123456789")
_INT_BASES = {"0b": 2, "0o": 8, "0x": 16}


def _resolve_plain(value: str) -> Any:
    """Type an unquoted scalar: null, bool, int, float, date (date-only), else the text itself.

    Follows ruamel.yaml's YAML 1.2 rules (so ``no``/``yes``/``on`` stay text, ``1_000`` is 1000,
    ``017`` is 17); a timestamp with a time, an impossible date or a number Python cannot hold
    stays text, for the model to reject with a field-specific message.
    """
    if value in _SPECIAL:
        return _SPECIAL[value]
    if value[0] not in _NUMBER_START:
        return value
    try:
        if _FLOAT.fullmatch(value):
            return float(value.replace("_", ""))
        if _INT.fullmatch(value):
            digits = value.replace("_", "")
            sign = -1 if digits[0] == "-" else 1
            digits = digits.lstrip("+-")
            base = _INT_BASES.get(digits[:2], 10)
            return sign * int(digits, base)  # int() accepts the 0b/0o/0x prefix of its own base
        date = _DATE.fullmatch(value)
        if date:
            return datetime.date(int(date[1]), int(date[2]), int(date[3]))
    except ValueError:  # e.g. 2026-02-30, or an integer with thousands of digits
        pass
    return value


# --- the event walk ---------------------------------------------------------------------------


class _Frame:
    """An open mapping or list while walking the events."""

    __slots__ = ("container", "expect_key", "is_map", "keep", "key", "path", "record", "seen")

    def __init__(self, container: dict[str, Any] | list[Any], path: FieldPath, record: bool) -> None:
        self.container: Any = container
        self.is_map = isinstance(container, dict)
        self.path = path
        self.record = record  # write lines (False under a discarded key)
        self.expect_key = self.is_map  # a mapping alternates key, value; a list never expects a key
        self.key: str = ""  # path component of the pending value
        self.keep = True  # store the pending value (False after a duplicate or bad key)
        self.seen: dict[str, int] = {}


_ROOT_UNSET: Any = object()


class _Walker:
    """Builds data and lines from parser events and collects every problem in one pass."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.lines: dict[FieldPath, int] = {(): 1}
        self.stack: list[_Frame] = []
        self.root: Any = _ROOT_UNSET
        self.root_line = 1

    def problem(self, line: int, loc: Sequence[str | int], message: str) -> None:
        self.problems.append(Problem(self.name, line, field_name(loc), message))

    def walk(self, events: Iterable[Any]) -> tuple[Any, dict[FieldPath, int], list[Problem]]:
        """Consume events (stopping at a second document) and return data, lines and problems."""
        kinds = _EVENT_KINDS
        stack = self.stack
        documents = 0
        skip = 0  # depth inside a list or mapping used as a key: ignored
        for event in events:
            kind = kinds.get(type(event))
            if skip:
                if kind in (_SEQ_START, _MAP_START):
                    skip += 1
                elif kind == _END:
                    skip -= 1
                continue
            if kind == _SCALAR:
                line = event.start_mark.line + 1
                if stack and stack[-1].expect_key:
                    self.key_scalar(stack[-1], event, line)
                    continue
                plain = event.implicit[0] and event.tag is None
                value = _resolve_plain(event.value) if plain else event.value
                path, _ = self.attach(value, line)
                self.check_node(event, path, line)
            elif kind == _END:
                stack.pop()
            elif kind in (_SEQ_START, _MAP_START):
                line = event.start_mark.line + 1
                if stack and stack[-1].expect_key:
                    top = stack[-1]
                    what = "a list" if kind == _SEQ_START else "a mapping"
                    self.problem(line, top.path, f"{what} cannot be used as a key; a key must be a field name")
                    top.expect_key, top.key, top.keep = False, "?", False
                    skip = 1
                    continue
                if len(stack) >= MAX_DEPTH:
                    self.problem(
                        line,
                        (),
                        f"lists and mappings are nested more than {MAX_DEPTH} levels deep here; "
                        "a request needs only a few levels, so check the indentation",
                    )
                    break
                container: dict[str, Any] | list[Any] = {} if kind == _MAP_START else []
                path, record = self.attach(container, line)
                self.check_node(event, path, line)
                stack.append(_Frame(container, path, record))
            elif kind == _ALIAS:
                line = event.start_mark.line + 1
                if stack and stack[-1].expect_key:
                    top = stack[-1]
                    self.problem(line, top.path, _alias_message("*" + str(event.anchor)))
                    top.expect_key, top.key, top.keep = False, "*" + str(event.anchor), False
                    continue
                path, _ = self.attach(None, line)
                self.problem(line, path, _alias_message("*" + str(event.anchor)))
            elif kind == _DOC_START:
                documents += 1
                if documents > 1:
                    self.problem(
                        event.start_mark.line + 1,
                        (),
                        "a second YAML document starts here; keep one request per file (remove the "
                        "`---` line and put any other request in its own file)",
                    )
                    break
        return self.finish()

    def finish(self) -> tuple[Any, dict[FieldPath, int], list[Problem]]:
        """Refuse an empty file or a top level that is not a mapping."""
        root = self.root
        if root is _ROOT_UNSET or (root is None and not self.problems):
            self.problem(
                1,
                (),
                "the file is empty; write the request as `key: value` lines, starting with `apiVersion: govcloud/v1`",
            )
        elif root is not None and not isinstance(root, dict):
            what = "a list" if isinstance(root, list) else "a single value"
            self.problem(
                self.root_line,
                (),
                f"the file must hold `key: value` lines (starting with `apiVersion: govcloud/v1`), but it holds {what}",
            )
        return root, self.lines, self.problems

    def attach(self, value: Any, line: int) -> tuple[FieldPath, bool]:
        """Put a new node into its parent; return its path and whether its lines are recorded."""
        if not self.stack:
            if self.root is _ROOT_UNSET:
                self.root, self.root_line = value, line
            return (), True
        top = self.stack[-1]
        if top.is_map:
            top.expect_key = True
            if top.keep:
                top.container[top.key] = value
            return (*top.path, top.key), top.record and top.keep
        items: list[Any] = top.container
        path = (*top.path, len(items))
        items.append(value)
        if top.record:
            self.lines[path] = line
        return path, top.record

    def key_scalar(self, top: _Frame, event: Any, line: int) -> None:
        """Accept a text key once per mapping; report duplicates, non-text keys, merges and tags."""
        raw: str = event.value
        top.expect_key = False
        top.key, top.keep = raw, False
        path = (*top.path, raw)
        self.check_node(event, path, line)
        if event.tag is not None:
            return
        plain = event.implicit[0]
        if plain and raw == "<<":
            self.problem(line, path, "YAML merge keys (`<<:`) are not allowed; write the keys out in full")
            return
        if plain:
            typed = _resolve_plain(raw)
            if not isinstance(typed, str):
                self.problem(line, top.path if raw == "" else path, _bad_key_message(raw, typed))
                return
        first = top.seen.get(raw)
        if first is not None:
            self.problem(line, path, f"the key `{_shown(raw)}` appears twice (first on line {first}); keep one")
            return
        top.seen[raw] = line
        top.keep = True
        if top.record:
            self.lines[path] = line

    def check_node(self, event: Any, path: FieldPath, line: int) -> None:
        """Refuse anchors and explicit tags on any node."""
        if event.anchor is not None:
            self.problem(line, path, _alias_message("&" + str(event.anchor)))
        if event.tag is not None:
            self.problem(
                line,
                path,
                f"YAML tags are not allowed (found `{_short_tag(str(event.tag))}`); remove it and write "
                "a plain value (in quotes if it must be text)",
            )


def _alias_message(found: str) -> str:
    return f"YAML anchors and aliases are not allowed (found `{_shown(found)}`); write the value out in full"


def _bad_key_message(raw: str, typed: Any) -> str:
    if raw == "":
        return "a key is missing before the `:`; write the field name"
    if typed is None:
        kind = "an empty value"
    elif isinstance(typed, bool):
        kind = "a yes/no value"
    elif isinstance(typed, int | float):
        kind = "a number"
    else:
        kind = "a date"
    return (
        f"the key `{_shown(raw)}` reads as {kind}, not a name; a key must be a field name "
        f'(write "{_shown(raw)}" in quotes if you really mean that text)'
    )


def _short_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return _shown("!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag)


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029`]")


def _shown(text: str, limit: int = 60) -> str:
    """User text made safe for a one-line message: no line breaks or control characters, bounded length."""
    text = _UNPRINTABLE.sub(lambda m: "'" if m.group() == "`" else " ", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- syntax errors ----------------------------------------------------------------------------

_TOKEN_WORDS = {
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
_CHAR_WORDS = {
    "\\t": "a tab",
    "\\n": "the end of the line",
    "\\r": "the end of the line",
    "\\x00": "the end of the file",
    "\\0": "the end of the file",
    " ": "a space",
}


def _clean(text: str) -> str:
    """Parser wording without Python reprs: token ids and escaped characters become words."""
    text = re.sub(r"\(('[^']*'),\)", r"\1", text)
    text = re.sub(r"'?(<[a-z ]+>)'?", lambda m: _TOKEN_WORDS.get(m.group(1), m.group(1)), text)
    text = re.sub(r"'(\\[a-z0-9]+| )'", lambda m: _CHAR_WORDS.get(m.group(1), "an invisible character"), text)
    return _shown(" ".join(text.split()), 160)


def _char_at(text: str, mark: Any) -> str:
    """The character a parser mark points at ('' past the end of the line)."""
    lines = text.splitlines()
    if mark is None or not 0 <= mark.line < len(lines):
        return ""
    row = lines[mark.line]
    return row[mark.column] if 0 <= mark.column < len(row) else ""


def _syntax_problem(exc: BaseException, name: str, text: str) -> Problem:
    """One plain-English problem for a YAML syntax error, at the line the parser stopped on."""
    problem = str(getattr(exc, "problem", None) or "")
    context = str(getattr(exc, "context", None) or "")
    mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    start = context_mark.line + 1 if context_mark is not None else line
    p, c = problem.lower(), context.lower()
    char = _char_at(text, mark)
    if not problem:  # a reader error: cannot happen after _decode, kept for safety
        message = "the file contains a character YAML does not allow; delete it and retype the line"
    elif char == "\t" or "tab" in p:
        message = "a tab character is used here; YAML indentation must use spaces, not tabs"
    elif "cannot start any token" in p:
        shown = {"`": "a backtick (`)"}.get(char, f"the character {_shown(char)}" if char else "this character")
        message = f"a value cannot start with {shown}; put the whole value in quotes"
    elif "nesting depth" in p:  # libyaml 0.2.6 and later stop at their own limit
        message = (
            f"lists and mappings are nested more than {MAX_DEPTH} levels deep here; a request needs only a few "
            "levels, so check the indentation"
        )
    elif "mapping keys are not allowed" in p:
        message = "a `? ` (which starts a key) is not allowed here; put the value in quotes"
    elif "mapping values are not allowed" in p or "unexpected ':'" in p:
        message = (
            "a `: ` is not allowed inside this value; put the value in quotes, or fix the indentation "
            "if this was meant to be a new key"
        )
    elif "could not find expected ':'" in p:
        line = start
        message = "a `:` is missing after the key on this line (write `key: value`), or the line is indented wrongly"
    elif "escape" in p:
        message = (
            "a double-quoted value contains an unknown `\\` escape; use single quotes, or write `\\\\` for a backslash"
        )
    elif "unexpected end of stream" in p and "quoted" in c:
        message = f"the quoted value that starts on line {start} is never closed; add the closing quote"
    elif "',' or ']'" in p:
        message = f"the `[` list that starts on line {start} is not closed properly; check for a missing `]` or `,`"
    elif "',' or '}'" in p:
        message = (
            f"the `{{` mapping that starts on line {start} is not closed properly; check for a missing `}}` or `,`"
        )
    elif "block mapping" in c and ("expected key" in p or "<block end>" in p):
        message = (
            f"this line does not line up with the keys of the mapping that starts on line {start}; check its "
            "indentation, and put values with special characters in quotes"
        )
    elif "block collection" in c or "'-' indicator" in p:
        message = (
            f"this line does not line up with the items of the list that starts on line {start}; each item "
            "starts with `- ` at the same indentation"
        )
    elif "anchor" in c or "alias" in c:
        message = (
            "`&` and `*` have a special meaning in YAML (anchors and aliases, which are not allowed); put a "
            "value containing them in quotes"
        )
    elif "tag" in p or "tag" in c:
        message = (
            "`!` has a special meaning in YAML (tags, which are not allowed); put a value starting with `!` in quotes"
        )
    elif "incompatible yaml document" in p:
        message = "the `%YAML` line asks for an unsupported YAML version; remove that line"
    elif "directive" in p or "directive" in c or "document start" in p or "document end" in p:
        message = (
            "this text is outside the request: remove any line starting with `%` and any `...` "
            "end-of-document line (or put the value in quotes)"
        )
    elif "node content" in p:
        message = (
            "a value is missing here (for example two commas in a row, or a stray `,`, `:` or `-`); remove "
            "the extra punctuation or put the value in quotes"
        )
    elif "block scalar" in c:
        message = (
            f"the block text (`|` or `>`) that starts on line {start} is not valid; indent its lines "
            "consistently, more than its key"
        )
    else:
        where = f" ({_clean(context)} on line {start})" if context and start != line else ""
        message = f"this is not valid YAML: {_clean(problem)}{where}"
    last_line = len(text.splitlines()) or 1  # an error at the end of the file: its last line
    return Problem(name, min(max(line, 1), last_line), WHOLE_DOCUMENT, message)
