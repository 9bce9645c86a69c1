"""The field and tier tables of docs/tenant-contract.md, generated from the models and ``TIER_PRESETS``.

The models' ``description`` of each field is the one text an agency reads: in the published JSON Schemas (editor
hover), and here. The document holds each generated table between a BEGIN and an END marker;
``python -m govcloud.contract.reference --write`` refreshes them and a test keeps the committed text equal.
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from govcloud.contract.quantity import format_bytes
from govcloud.contract.sharing import DataSharingAgreement
from govcloud.contract.tenant import TenantRequest
from govcloud.contract.vocabulary import TIER_PRESETS

DOC = Path("docs/tenant-contract.md")


@dataclass(frozen=True)
class FieldDoc:
    """One field as the document lists it: its YAML path, type, whether required (or its default), meaning."""

    path: str
    type: str
    required: str
    description: str
    leaf: bool


def _unwrap(annotation: object) -> object:
    """The annotation without ``Annotated`` and ``| None`` (the table says "optional" from the default)."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:  # str | int (a quantity)
                return annotation
            annotation = args[0]
        else:
            return annotation


def type_name(annotation: object) -> str:
    """A reader's name for a field's type: ``text``, ``list of group``, ``one of small, medium, large``..."""
    annotation = _unwrap(annotation)
    origin = typing.get_origin(annotation)
    if origin is list:
        return "list of " + type_name(typing.get_args(annotation)[0])
    if origin is dict:
        key, value = typing.get_args(annotation)
        return f"map of {type_name(key)} to {type_name(value)}"
    if origin is typing.Literal:
        return " or ".join(f"`{value}`" for value in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return "quantity"
    if isinstance(annotation, type):
        if issubclass(annotation, enum.Enum):
            return "one of " + ", ".join(f"`{member.value}`" for member in annotation)
        if issubclass(annotation, BaseModel):
            return "object"
        names: dict[type, str] = {bool: "boolean", int: "integer", str: "text", dt.date: "date"}
        return names.get(annotation, annotation.__name__)
    return str(annotation)


def _required(info: typing.Any) -> str:
    if info.is_required():
        return "required"
    default = info.default if info.default is not PydanticUndefined else None
    if default is None or isinstance(default, BaseModel) or default in ([], {}):
        return "optional"
    if isinstance(default, bool):
        return f"default `{str(default).lower()}`"
    return f"default `{default}`"


def fields_of(model: type[BaseModel], prefix: str = "") -> Iterator[FieldDoc]:
    """Every field of ``model``, depth first, with its camelCase YAML path; objects before their fields."""
    for name, info in model.model_fields.items():
        path = prefix + (info.alias or name)
        inner = _unwrap(info.annotation)
        nested = isinstance(inner, type) and issubclass(inner, BaseModel)
        if typing.get_origin(inner) is list:
            item = _unwrap(typing.get_args(inner)[0])
            if isinstance(item, type) and issubclass(item, BaseModel):
                yield FieldDoc(path, "list of objects", _required(info), info.description or "", False)
                yield from fields_of(item, path + "[].")
                continue
        yield FieldDoc(path, type_name(info.annotation), _required(info), info.description or "", not nested)
        if nested:
            assert isinstance(inner, type)
            yield from fields_of(inner, path + ".")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def field_table(model: type[BaseModel]) -> str:
    """The Markdown table of every field of ``model``."""
    lines = ["| field | type | | what it means |", "|---|---|---|---|"]
    lines += [
        f"| `{f.path}` | {_cell(f.type)} | {f.required} | {_cell(f.description)} |"
        for f in fields_of(model)
        if f.path not in ("apiVersion", "kind")
    ]
    return "\n".join(lines)


def _cores(value: Decimal) -> str:
    return str(value.normalize()) if value == value.to_integral() else f"{value * 1000:.0f}m"


def tier_table() -> str:
    """The tier presets: a tenant's quota unless ``spec.quota`` overrides it (at most twice each)."""
    lines = ["| tier | CPU cores | memory | storage | pods |", "|---|---|---|---|---|"]
    lines += [
        f"| `{tier.value}` | {_cores(p.cpu)} | {format_bytes(p.memory)} | {format_bytes(p.storage)} | {p.pods} |"
        for tier, p in TIER_PRESETS.items()
    ]
    return "\n".join(lines)


GENERATED: dict[str, Callable[[], str]] = {
    "tenant-request fields": lambda: field_table(TenantRequest),
    "tiers": tier_table,
    "data-sharing-agreement fields": lambda: field_table(DataSharingAgreement),
}
"""Each generated block of the document by its marker name."""


def begin(name: str) -> str:
    return f"<!-- BEGIN GENERATED {name}: python -m govcloud.contract.reference --write -->"


def end(name: str) -> str:
    return f"<!-- END GENERATED {name} -->"


def regenerate(text: str) -> str:
    """``text`` with every generated block replaced by what the models say today."""
    for name, build in GENERATED.items():
        head, found, rest = text.partition(begin(name) + "\n")
        _, found_end, tail = rest.partition(end(name))
        if not found or not found_end:
            raise ValueError(f"{DOC}: the markers of the generated block {name!r} are missing")
        text = f"{head}{begin(name)}\n{build()}\n{end(name)}{tail}"
    return text


def main(argv: list[str]) -> int:
    """``--write`` refreshes the document; ``--check`` exits 1 when it is stale."""
    text = DOC.read_text("utf-8")
    fresh = regenerate(text)
    if "--write" in argv:
        DOC.write_text(fresh, "utf-8")
        return 0
    if fresh != text:
        print(f"{DOC} is stale: run python -m govcloud.contract.reference --write", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
