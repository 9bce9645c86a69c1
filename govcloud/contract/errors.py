"""Turn pydantic's validation errors into the one-line problems agencies read, with "did you mean"."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError

from govcloud.contract.problems import Problem

Loc = tuple[str | int, ...]


def render_path(loc: Sequence[str | int]) -> str:
    """``("spec", "access", "admins", 0)`` becomes ``spec.access.admins[0]``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(document)"


@cache
def _json_schema(model: type[BaseModel]) -> Mapping[str, Any]:
    return model.model_json_schema(by_alias=True)


def _resolve(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Yield a schema and every schema it stands for: its ``$ref`` target (pydantic writes ``#/$defs/<name>``)
    and the options of its ``anyOf``/``oneOf``/``allOf``, recursively. Callers read only ``properties``,
    ``items`` and ``additionalProperties``, so the wrappers themselves (which have none) add nothing."""
    yield schema
    if "$ref" in schema:
        yield from _resolve(root["$defs"][schema["$ref"].removeprefix("#/$defs/")], root)
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _resolve(option, root)


def known_keys(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys the contract allows in the mapping at ``loc`` (walks the published JSON Schema)."""
    root = _json_schema(model)
    current = [root]
    for part in loc:
        following: list[Mapping[str, Any]] = []
        for schema in current:
            for option in _resolve(schema, root):
                if isinstance(part, int) and "items" in option:
                    following.append(option["items"])
                elif isinstance(part, str) and part in option.get("properties", {}):
                    following.append(option["properties"][part])
                elif isinstance(part, str) and isinstance(option.get("additionalProperties"), dict):
                    following.append(option["additionalProperties"])
        current = following
    keys: list[str] = []
    for schema in current:
        for option in _resolve(schema, root):
            keys.extend(option.get("properties", {}))
    return keys


def _message(model: type[BaseModel], error: Mapping[str, Any], loc: Loc) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        valid = known_keys(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), valid)  # best first; only the best is shown
        hint = f"; did you mean `{close[0]}`?" if close else f"; allowed here: {', '.join(valid)}" if valid else ""
        return f"unknown field `{loc[-1]}`{hint}"
    if kind in ("literal_error", "enum"):
        return f"must be {error['ctx']['expected']} (got {error['input']!r})"
    if kind in ("value_error", "assertion_error"):
        return str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "model_type" or kind == "dict_type":
        return f"must be a mapping of fields (got {type(error['input']).__name__})"
    if kind == "list_type":
        return f"must be a list (got {type(error['input']).__name__})"
    if kind == "too_short" and isinstance(error.get("input"), list | dict):
        return f"must have at least {error['ctx']['min_length']} entry"
    msg = str(error["msg"])
    return msg[0].lower() + msg[1:]


def problems_from_validation_error(
    model: type[BaseModel], error: ValidationError, file: str, line_of: Any
) -> list[Problem]:
    """One Problem per pydantic error; ``line_of(loc)`` maps a field path to its line in the file."""
    problems = []
    for item in error.errors():
        loc: Loc = tuple(part for part in item["loc"] if part != "[key]")
        problems.append(Problem(file, line_of(loc), render_path(loc), _message(model, item, loc)))
    return problems
