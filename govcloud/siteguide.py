"""The reference of every ``govcloud:*`` site setting, generated from the site model so it never drifts.

``docs/site-guide.md`` holds the generated table between two marker comments; ``govcloud site-guide
--write`` refreshes it and a test keeps the committed text equal to what this module generates. The
descriptions are the site model's own field descriptions (its attribute docstrings), so a setting
documented in code is documented here, in the same words as in the published schema.
"""

from __future__ import annotations

import inspect
import json
import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from govcloud.contract.site import CONFIG_NAMESPACE, SiteConfig, network_settings_given

BEGIN = "<!-- BEGIN GENERATED: govcloud site-guide --write -->"
END = "<!-- END GENERATED -->"


def _model_of(annotation: Any) -> type[BaseModel] | None:
    options = typing.get_args(annotation) if typing.get_origin(annotation) in (typing.Union, types.UnionType) else ()
    for option in options or (annotation,):
        if isinstance(option, type) and issubclass(option, BaseModel):
            return option
    return None


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _type_name(typing.get_args(annotation)[0])
    if origin is typing.Literal:
        return " \\| ".join(f"`{v}`" for v in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        names = [_type_name(a) for a in typing.get_args(annotation) if a is not type(None)]
        return " \\| ".join(names)
    if origin is list:
        return f"list of {_type_name(typing.get_args(annotation)[0])}"
    if origin is dict:
        key, value = typing.get_args(annotation)
        return f"map {_type_name(key)} → {_type_name(value)}"
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return "object"
        return {"str": "text", "int": "integer", "bool": "boolean"}.get(annotation.__name__, annotation.__name__)
    return str(annotation)


def _default(info: Any) -> str:
    if info.is_required():
        return "**required**"
    default = info.get_default(call_default_factory=True)
    if default is None or default is PydanticUndefined:
        return "—"
    if isinstance(default, BaseModel):
        return "see below"
    text = json.dumps(default, ensure_ascii=False, default=str)
    return f"`{text}`"


def _markdown(text: str) -> str:
    return " ".join(re.sub(r"``([^`]+)``", r"`\1`", text).split())


def _rows(model: type[BaseModel], prefix: str, production: set[str]) -> Iterator[tuple[str, str, str, str]]:
    for name, info in model.model_fields.items():
        key = f"{prefix}{info.alias or name}"
        nested = _model_of(info.annotation)
        doc = info.description or (inspect.cleandoc(nested.__doc__ or "") if nested else "")
        doc = _markdown(doc)
        default = _default(info)
        if key.removeprefix(f"{CONFIG_NAMESPACE}:") in production:
            default = f"{default}; **required in production**" if default != "**required**" else default
        yield key, _type_name(info.annotation), default, doc
        if nested is not None:
            yield from _rows(nested, f"{key}.", production)


def settings_reference() -> str:
    """The Markdown table of every site setting: key, type, default, what it does."""
    production = {".".join(loc) for loc in network_settings_given_keys()}
    lines = [
        "| setting | type | default | what it does |",
        "|---|---|---|---|",
    ]
    for key, kind, default, doc in _rows(SiteConfig, f"{CONFIG_NAMESPACE}:", production):
        escaped = doc.replace("|", "\\|")
        lines.append(f"| `{key}` | {kind} | {default} | {escaped} |")
    return "\n".join(lines) + "\n"


def network_settings_given_keys() -> list[tuple[str, ...]]:
    """The settings a production stack must state (the contract's own rule, asked of an empty site)."""
    from govcloud.contract.site import IdentityProvider, ObjectStore

    empty = SiteConfig.model_construct(
        object_store=ObjectStore.model_construct(), identity_provider=IdentityProvider.model_construct()
    )
    return list(network_settings_given(empty))


def render_guide(current: str) -> str:
    """``current`` with its generated section replaced by today's reference."""
    if BEGIN not in current or END not in current:
        raise ValueError(f"the site guide lacks the markers {BEGIN} … {END}")
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{settings_reference()}{END}{tail}"


def guide_path(project: Path) -> Path:
    return project / "docs" / "site-guide.md"
