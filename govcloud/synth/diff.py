"""Compare two offline plans: what a change adds, changes and removes, with old → new values, and what risks data.

The diff is what a reviewer reads on a merge request, so it says three things per row: the values before
and after, whether the change can lose data (``govcloud.synth.risk``), and — for a change to a resource
that is not the subject of the merge request — whether it is the *expected companion* of a tenant being
onboarded or offboarded or of an agreement starting or ending (the open-data portal's identity gains the new
tenant's published bucket; the consumer's identity gains the provider's prefix), so reviewers need not
escalate on it.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from govcloud.safety import is_data_bearing
from govcloud.synth.risk import RISK_CODES, Risk, classify
from govcloud.synth.urns import engine_urn

_OPTION_KEYS = ("parent", "protect", "retainOnDelete", "dependsOn")
#: Input paths whose change makes the provider replace the resource (delete, then create anew).
_REPLACING_PATHS = (("metadata", "name"), ("metadata", "namespace"), ("name",))
_ABSENT = None


class Action(str, Enum):
    ADD = "add"
    CHANGE = "change"
    REPLACE = "replace"
    REMOVE = "remove"


@dataclass(frozen=True)
class ValueChange:
    """One leaf that differs: ``inputs.spec.instances`` 3 → 2. Lists also say which items came and went."""

    path: str
    old: Any
    new: Any

    @property
    def added(self) -> list[Any]:
        if isinstance(self.old, list) and isinstance(self.new, list):
            return [item for item in self.new if item not in self.old]
        return []

    @property
    def removed(self) -> list[Any]:
        if isinstance(self.old, list) and isinstance(self.new, list):
            return [item for item in self.old if item not in self.new]
        return []

    def as_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"path": self.path, "old": self.old, "new": self.new}
        if isinstance(self.old, list) and isinstance(self.new, list):
            shown |= {"added": self.added, "removed": self.removed}
        return shown


@dataclass(frozen=True)
class Change:
    action: Action
    urn: str
    type: str
    name: str
    data_bearing: bool
    fields: tuple[str, ...] = ()
    values: tuple[ValueChange, ...] = ()
    risks: tuple[Risk, ...] = ()
    companion: str | None = None
    """Why this change is the expected companion of another one in the same review, or None."""

    @property
    def risk(self) -> str | None:
        """Why this change can lose data (every reason, joined), or None."""
        return "; ".join(r.reason for r in self.risks) or None

    def as_json(self) -> dict[str, Any]:
        return {
            "action": self.action.value,
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "dataBearing": self.data_bearing,
            "values": [v.as_json() for v in self.values],
            "risks": [
                {"code": r.code, "field": r.field, "old": r.old, "new": r.new, "reason": r.reason} for r in self.risks
            ],
            "expectedCompanionOf": self.companion,
        }


@dataclass
class PlanDiff:
    changes: list[Change] = field(default_factory=list)

    @property
    def risky(self) -> list[Change]:
        return [c for c in self.changes if c.risks]

    def count(self, action: Action) -> int:
        return sum(1 for c in self.changes if c.action is action)

    def summary(self) -> str:
        return " ".join(f"{self.count(a)} to {a.value}" for a in Action)


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


def _values(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[ValueChange]:
    old_inputs, new_inputs = a.get("inputs", {}), b.get("inputs", {})
    values = [
        ValueChange(".".join(("inputs", *p)), _get(old_inputs, p), _get(new_inputs, p))
        for p in _paths(old_inputs, new_inputs)
    ]
    values += [ValueChange(key, a.get(key), b.get(key)) for key in _OPTION_KEYS if a.get(key) != b.get(key)]
    return values


def _statements(policy: Any) -> list[Any] | None:
    """A policy's statements without their ``Sid`` (numbered per grant, so they shift when one is added)."""
    if not isinstance(policy, dict) or not isinstance(policy.get("Statement"), list):
        return None
    return [{k: v for k, v in s.items() if k != "Sid"} if isinstance(s, dict) else s for s in policy["Statement"]]


def _policy_change(old: Any, new: Any) -> ValueChange:
    """The effective policy's change as statements that came and went, so a reviewer reads only those."""
    old_statements, new_statements = _statements(old), _statements(new)
    if old_statements is None or new_statements is None or old_statements == new_statements:
        return ValueChange("policy", old, new)
    return ValueChange("policy.Statement", old_statements, new_statements)


def engine_urns(resources: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Each resource's URN as the engine gives it, recomputed from its type, name and parent chain.

    For a plan synthesized since issue 15 that is its own URN; a plan written before carries the SDK mock's URNs
    (the last parent type only, the stack's type kept), and comparing those with engine URNs would show every
    nested resource deleted and created."""
    by_urn = {str(r["urn"]): r for r in resources}
    memo: dict[str, str] = {}

    def urn_of(urn: str) -> str:
        if urn not in memo:
            resource = by_urn.get(urn)
            if resource is None:  # the stack itself (not in the plan)
                memo[urn] = urn
            else:
                stack, project = urn.removeprefix("urn:pulumi:").split("::")[:2]
                parent = resource.get("parent")
                memo[urn] = engine_urn(
                    stack, project, urn_of(parent) if parent else None, str(resource["type"]), str(resource["name"])
                )
        return memo[urn]

    return {urn: urn_of(urn) for urn in by_urn}


def by_engine_urn(resources: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Resources by engine URN (:func:`engine_urns`), their ``urn``, ``parent`` and ``dependsOn`` rewritten."""
    renames = engine_urns(resources)
    out: dict[str, Mapping[str, Any]] = {}
    for resource in resources:
        parent = resource.get("parent")
        named: dict[str, Any] = {
            "urn": renames[str(resource["urn"])],
            "parent": renames.get(parent, parent) if parent else parent,
            "dependsOn": sorted(renames.get(str(u), str(u)) for u in resource.get("dependsOn") or []),
        }
        if any(named[key] != resource.get(key) for key in named if key != "dependsOn" or "dependsOn" in resource):
            resource = {**resource, **named}
        out[named["urn"]] = resource
    return out


def diff_plans(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    old_policies: Mapping[str, Any] | None = None,
    new_policies: Mapping[str, Any] | None = None,
    subjects: Mapping[str, Iterable[str]] | None = None,
) -> PlanDiff:
    """Resources are matched by URN, as the Pulumi engine matches them, and an old URN that a new resource
    lists in its ``aliases`` is that resource (the engine follows aliases the same way: renamed or re-parented,
    it is updated in place, not deleted and created).

    ``old_policies``/``new_policies`` are the identities' effective policies (``govcloud.synth.effective``);
    ``subjects`` overrides what a change may be the companion of (default: ``review_subjects(old, new)``).
    """
    old_policies, new_policies = old_policies or {}, new_policies or {}
    old_resources, new_resources = old.get("resources", []), new.get("resources", [])
    old_names, new_names = engine_urns(old_resources), engine_urns(new_resources)
    old_policies = {old_names.get(u, u): p for u, p in old_policies.items()}  # keyed as the resources now are
    new_policies = {new_names.get(u, u): p for u, p in new_policies.items()}
    before, after = by_engine_urn(old_resources), by_engine_urn(new_resources)
    claimed = {alias: r["urn"] for r in after.values() for alias in r.get("aliases", ())}
    for old_urn in [u for u in before if u not in after and claimed.get(u) in after and claimed[u] not in before]:
        before[claimed[old_urn]] = before.pop(old_urn)
        if old_urn in old_policies:
            old_policies[claimed[old_urn]] = old_policies.pop(old_urn)
    known = dict(subjects) if subjects is not None else review_subjects(old, new)
    result = PlanDiff()
    for urn in sorted(set(before) | set(after)):
        a, b = before.get(urn), after.get(urn)
        resource = b or a
        assert resource is not None
        data = is_data_bearing(resource["type"])
        common = (urn, resource["type"], resource["name"], data)
        if a is None:
            risks = classify(None, b, new_policy=new_policies.get(urn))
            result.changes.append(Change(Action.ADD, *common, risks=tuple(risks)))
            continue
        if b is None:
            result.changes.append(Change(Action.REMOVE, *common, risks=tuple(classify(a, None))))
            continue
        values = _values(a, b)
        policy_changed = old_policies.get(urn) != new_policies.get(urn) and urn in new_policies
        if not values and not policy_changed:
            continue
        if policy_changed:
            values.append(_policy_change(old_policies.get(urn), new_policies.get(urn)))
        replacing = any(_get(a.get("inputs"), p) != _get(b.get("inputs"), p) for p in _REPLACING_PATHS)
        action = Action.REPLACE if replacing else Action.CHANGE
        risks = classify(a, b, replacing=replacing, old_policy=old_policies.get(urn), new_policy=new_policies.get(urn))
        companion = None if risks or replacing else companion_of(values, known)
        result.changes.append(
            Change(action, *common, tuple(v.path for v in values), tuple(values), tuple(risks), companion)
        )
    return result


# ------------------------------------------------------------------------------------- expected companions


def review_subjects(
    old: Mapping[str, Any], new: Mapping[str, Any], parties: Mapping[str, Iterable[str]] | None = None
) -> dict[str, list[str]]:
    """What a review is about: tenants added or removed, agreements starting or ending, with their tokens.

    ``parties`` maps an agreement name to its provider and consumer tenants, when the stack files are at
    hand; a grant to the consumer names the provider's bucket, not the agreement.
    """
    subjects: dict[str, list[str]] = {}
    old_tenants, new_tenants = set(old.get("tenants", [])), set(new.get("tenants", []))
    for tenant in sorted(new_tenants - old_tenants):
        subjects[f"onboarding {tenant}"] = [tenant]
    for tenant in sorted(old_tenants - new_tenants):
        subjects[f"offboarding {tenant}"] = [tenant]
    status_old = {s["name"]: s["status"] for s in old.get("sharing", [])}
    status_new = {s["name"]: s["status"] for s in new.get("sharing", [])}
    for name in sorted(set(status_old) | set(status_new)):
        was, now = status_old.get(name), status_new.get(name)
        if (was == "active") == (now == "active"):
            continue
        tokens = [name, name.replace("-", "_"), *((parties or {}).get(name, ()))]
        subjects[f"agreement {name} {'starting' if now == 'active' else 'ending'}"] = tokens
    return subjects


def _mentions(value: Any, tokens: Iterable[str]) -> bool:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False) if not isinstance(value, str) else value
    return any(re.search(rf"(?<![a-z0-9]){re.escape(token)}(?![a-z0-9])", text) for token in tokens)


def _token_changes(old: str, new: str) -> list[str]:
    tokens_old, tokens_new = re.findall(r"[\w.-]+", old), re.findall(r"[\w.-]+", new)
    return [t for t in tokens_new if t not in tokens_old] + [t for t in tokens_old if t not in tokens_new]


def _changed_hunks(old: str, new: str) -> list[str]:
    """The changed parts of two texts: tokens that came or went on each changed line (a line-for-line
    replacement), or the whole block of lines inserted or deleted."""
    a, b = old.splitlines(), new.splitlines()
    parts: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            for line_old, line_new in zip(a[i1:i2], b[j1:j2], strict=True):
                parts += _token_changes(line_old, line_new)
        elif tag != "equal":
            parts.append("\n".join(b[j1:j2]) or "\n".join(a[i1:i2]))
    return parts


def companion_of(values: Iterable[ValueChange], subjects: Mapping[str, Iterable[str]]) -> str | None:
    """The subject(s) every changed value belongs to: items or keys that name them came or went, nothing else."""
    found: set[str] = set()
    for value in values:
        if isinstance(value.old, list) and isinstance(value.new, list):
            moved = value.added + value.removed
            if len(value.new) - len(value.added) != len(value.old) - len(value.removed):
                return None  # something besides additions and removals changed
        elif value.old is _ABSENT or value.new is _ABSENT:
            moved = [value.path.rsplit(".", 1)[-1]]  # a key that came or went: it must name the subject
        elif isinstance(value.old, str) and isinstance(value.new, str):
            moved = _changed_hunks(value.old, value.new)  # rendered config (Trino rules): each hunk names it
        else:
            return None
        if not moved:
            return None
        for item in moved:
            owners = [s for s, tokens in subjects.items() if _mentions(item, tokens)]
            if not owners:
                return None
            found.update(owners)
    return ", ".join(sorted(found)) or None


# ---------------------------------------------------------------------------------------------- renderings


def _short(value: Any, limit: int = 400) -> str:
    """A value for a Markdown cell: compact JSON; a very long value (Helm values) is cut, never a name."""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("|", "\\|").replace("\n", " ")


def value_text(value: ValueChange, limit: int = 400) -> str:
    """``path: old → new``, or for lists ``path: +added −removed``."""
    if value.added or value.removed:
        parts = [f"+{_short(i, limit)}" for i in value.added] + [f"−{_short(i, limit)}" for i in value.removed]
        return f"{value.path}: {' '.join(parts)}"
    old = "(absent)" if value.old is None else _short(value.old, limit)
    new = "(absent)" if value.new is None else _short(value.new, limit)
    return f"{value.path}: {old} → {new}"


def as_json(result: PlanDiff, meta: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The machine-readable review: every change with its values, risks and companion note."""
    return {
        **dict(meta or {}),
        "summary": {a.value: result.count(a) for a in Action},
        "dataAtRisk": [c.urn for c in result.risky],
        "riskCodes": dict(RISK_CODES),
        "changes": [c.as_json() for c in result.changes],
    }


_SYMBOL = {Action.ADD: "+ add", Action.CHANGE: "~ change", Action.REPLACE: "± replace", Action.REMOVE: "- remove"}


def as_markdown(
    result: PlanDiff, title: str, *, allowed: bool = False, upcoming: Sequence[Mapping[str, Any]] = ()
) -> str:
    """A Markdown review for a merge request: data at risk first, then every change with old → new values.

    ``upcoming`` lists agreements of the change that start or end later (``govcloud.agreements.Entry.as_json``):
    they change no resource today, so without this a future start would review as nothing at all.
    """
    lines = [f"## {title}", "", f"**{result.summary()}**", ""]
    if result.risky:
        verdict = "acknowledged with --allow-data-migration" if allowed else "the review fails until acknowledged"
        lines += [
            f"### ⚠ DATA AT RISK ({len(result.risky)}; {verdict})",
            "",
            "| risk | resource | field | old → new | why |",
            "|---|---|---|---|---|",
        ]
        for change in result.risky:
            for risk in change.risks:
                lines.append(
                    f"| {risk.code} | `{change.name}` ({change.type.rsplit(':', 1)[-1]}) | `{risk.field}` | "
                    f"{_short(risk.old)} → {_short(risk.new)} | {_short(risk.reason)} |"
                )
        lines.append("")
    else:
        lines += ["No change puts data at risk.", ""]
    companions = [c for c in result.changes if c.companion]
    if companions:
        lines += ["### Expected companion changes (no need to escalate)", ""]
        lines += [f"- `{c.name}` ({c.type.rsplit(':', 1)[-1]}): expected with {c.companion}" for c in companions]
        lines.append("")
    if upcoming:
        lines += ["### Agreements that start or end later (applied on that day by the scheduled job)", "",
                  "| agreement | provider → consumer | from | until | next |", "|---|---|---|---|---|"]  # fmt: skip
        for entry in upcoming:
            provider = entry["provider"]
            lines.append(
                f"| `{entry['name']}` | {provider['tenant']}/{provider['zone']}/{_short(provider['prefix'])} → "
                f"{entry['consumer']} | {entry['validFrom']} | {entry['validUntil']} | "
                f"{entry['nextEvent']} {entry['nextDate']} |"
            )
        lines.append("")
    if result.changes:
        lines += ["### Changes", "", "| action | type | name | values |", "|---|---|---|---|"]
        for change in result.changes:
            values = "<br>".join(value_text(v) for v in change.values)
            lines.append(f"| {_SYMBOL[change.action]} | `{change.type}` | `{change.name}` | {values} |")
        lines.append("")
    return "\n".join(lines)
