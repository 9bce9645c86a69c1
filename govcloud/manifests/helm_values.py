"""Render a Helm values (or custom resource) template from ``k8s_manifests/`` into a plain dict.

Templates are Jinja2 producing YAML. Request text must never be able to change the YAML's structure, so:

* every ``{{ ... }}`` must end in ``| tojson``: a value becomes one JSON scalar or collection on one line,
  which is valid YAML flow syntax, and its quotes, newlines, ``: ``, ``- ``, ``#`` and ``{{ }}`` stay
  inside a string. ``finalize`` refuses, at render time, any expression that skipped the filter;
* our ``tojson`` writes non-ASCII text as is (Thai, emoji) but escapes everything YAML would read as a line
  break or refuse (C0/C1 controls, U+2028/2029, surrogates, BOM), so each string round-trips unchanged;
* the result is parsed with ``yaml.safe_load`` semantics, refusing duplicate keys (a template bug that
  would otherwise silently keep the last one), and must be a mapping.

Templates are read from the repository's ``k8s_manifests/`` folder, found relative to this file
(``Path(__file__).parents[2]``). That holds for the editable install the project uses (``pip install -e``)
and for running from a checkout; a non-editable wheel does not ship ``k8s_manifests/``, so govcloud must be
run from its repository, as ``pulumi up`` and ``govcloud synth`` already are.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

import jinja2
import yaml

TEMPLATE_ROOT = Path(__file__).resolve().parents[2] / "k8s_manifests"

_UNSAFE_FOR_YAML = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


class _Json(str):
    """A string our ``tojson`` produced; ``finalize`` lets only these into the output."""


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)):04x}"


def tojson(value: Any) -> _Json:
    """``value`` as one line of JSON that YAML parses back to exactly ``value``."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)
    return _Json(_UNSAFE_FOR_YAML.sub(_escape, text))


def _only_json(value: Any) -> Any:
    if isinstance(value, _Json):
        return value
    raise TemplateSafetyError(
        f"a template expression rendered {type(value).__name__} {str(value)[:40]!r} without `| tojson`; "
        "every interpolated value must go through it"
    )


class TemplateSafetyError(ValueError):
    """A template interpolated a value without ``| tojson``, or did not produce a mapping."""


_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present


class _UniqueKeyLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """A safe loader (libyaml's parser when available) that refuses a mapping with the same key twice."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Hashable] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise TemplateSafetyError(f"duplicate key {key!r} at line {key_node.start_mark.line + 1}")
        seen.add(key)
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=deep)
    return mapping


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@functools.cache
def environment(root: Path = TEMPLATE_ROOT) -> jinja2.Environment:
    """One Environment per template folder: Jinja compiles and caches each template once."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=_only_json,
        keep_trailing_newline=True,
    )
    env.filters["tojson"] = tojson
    return env


def render_text(template_name: str, **context: Any) -> str:
    """The YAML text ``template_name`` renders to (for review and for tests)."""
    return environment().get_template(template_name).render(**context)


def render_values(template_name: str, **context: Any) -> dict[str, Any]:
    """Render ``template_name`` (relative to ``k8s_manifests/``) with ``context`` and parse it to a dict."""
    text = render_text(template_name, **context)
    loaded = yaml.load(text, Loader=_UniqueKeyLoader)
    if not isinstance(loaded, Mapping):
        raise TemplateSafetyError(f"{template_name} rendered {type(loaded).__name__}, not a mapping")
    return dict(loaded)
