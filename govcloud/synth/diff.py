"""Compare two offline plans: what a change adds, changes and removes, and whether it risks data."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from govcloud.safety import is_data_bearing

_OPTION_KEYS = ("parent", "protect", "retainOnDelete", "dependsOn")
#: Input paths whose change makes the provider replace the resource (delete, then create anew).
_REPLACING_PATHS = (("metadata", "name"), ("metadata", "namespace"), ("name",))


class Action(str, Enum):
    ADD = "add"
    CHANGE = "change"
    REPLACE = "replace"
    REMOVE = "remove"


@dataclass(frozen=True)
class Change:
    action: Action
    urn: str
    type: str
    name: str
    data_bearing: bool
    fields: tuple[str, ...] = ()
    risk: str | None = None
    """Why this change can lose data, or None."""


@dataclass
class PlanDiff:
    changes: list[Change] = field(default_factory=list)

    @property
    def risky(self) -> list[Change]:
        return [c for c in self.changes if c.risk is not None]

    def count(self, action: Action) -> int:
        return sum(1 for c in self.changes if c.action is action)


def _paths(old: Any, new: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Leaf paths whose values differ between two JSON values."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            yield from _paths(old.get(key), new.get(key), (*prefix, str(key)))
    elif old != new:
        yield prefix


def _get(value: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def diff_plans(old: Mapping[str, Any], new: Mapping[str, Any]) -> PlanDiff:
    """Resources are matched by URN, as the Pulumi engine matches them."""
    before = {r["urn"]: r for r in old.get("resources", [])}
    after = {r["urn"]: r for r in new.get("resources", [])}
    result = PlanDiff()
    for urn in sorted(set(before) | set(after)):
        a, b = before.get(urn), after.get(urn)
        resource = b or a
        assert resource is not None
        data = is_data_bearing(resource["type"])
        if a is None:
            result.changes.append(Change(Action.ADD, urn, resource["type"], resource["name"], data))
            continue
        if b is None:
            risk = "removes a data-bearing resource; it is protected, so `pulumi up` will stop here" if data else None
            result.changes.append(Change(Action.REMOVE, urn, resource["type"], resource["name"], data, risk=risk))
            continue
        fields = [".".join(("inputs", *p)) for p in _paths(a.get("inputs", {}), b.get("inputs", {}))]
        fields += [key for key in _OPTION_KEYS if a.get(key) != b.get(key)]
        if not fields:
            continue
        replacing = any(_get(a.get("inputs"), p) != _get(b.get("inputs"), p) for p in _REPLACING_PATHS)
        action = Action.REPLACE if replacing else Action.CHANGE
        risk = None
        if data and replacing:
            risk = "replaces a data-bearing resource: the old one and its data would be deleted"
        elif data and (not b.get("protect") or not b.get("retainOnDelete")):
            risk = "drops protect or retainOnDelete from a data-bearing resource"
        result.changes.append(Change(action, urn, resource["type"], resource["name"], data, tuple(fields), risk))
    return result
