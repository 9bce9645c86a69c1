"""The life of a sharing agreement: when it starts and ends, its archive, and the timer that applies it.

* An agreement is *pending* before ``validFrom``, *active* from ``validFrom`` to ``validUntil`` (both days
  included) and *expired* from the day after ``validUntil`` (``govcloud.contract.rules.agreement_status``).
* An expired agreement is **archived** by moving its file to ``stacks/<stack>/sharing/archive/``: the
  stack's validation reads only ``sharing/*.yaml``, so a tenant that has since left no longer fails it,
  while auditors keep the file, its approval and its dates in the repository's history and in the report.
  An archived file must still be a well-formed agreement that has ended; anything else is a problem.
* The scheduled pipeline job applies transitions on their dates. Before it deploys it checks that the plan
  of today differs from the plan of its last run only by agreement transitions (``transition_problems``),
  so a timer never deploys a change nobody reviewed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from govcloud.contract.errors import problems_from_validation_error
from govcloud.contract.loader import load_document
from govcloud.contract.problems import ContractError, Problem
from govcloud.contract.rules import agreement_status
from govcloud.contract.sharing import DataSharingAgreement
from govcloud.contract.stack import StackDefinition, StackPaths, display_name, yaml_files

ARCHIVE_FOLDER = "archive"
SHARING_TYPE = "govcloud:sharing:Sharing"


def archive_folder(stacks_dir: Path, stack: str) -> Path:
    return StackPaths.of(stacks_dir, stack).sharing / ARCHIVE_FOLDER


def load_archived(stacks_dir: Path, stack: str, today: dt.date) -> tuple[list[DataSharingAgreement], list[Problem]]:
    """The archived agreements of a stack, each well-formed and ended; otherwise one located problem each."""
    agreements: list[DataSharingAgreement] = []
    problems: list[Problem] = []
    for path in yaml_files(archive_folder(stacks_dir, stack)):
        try:
            doc = load_document(path, display_name(path))
        except ContractError as error:
            problems.extend(error.problems)
            continue
        try:
            agreement = DataSharingAgreement.model_validate(doc.data)
        except ValidationError as error:
            problems.extend(problems_from_validation_error(DataSharingAgreement, error, doc.display_name, doc.line_of))
            continue
        if agreement.name != path.stem:
            message = f"is '{agreement.name}' but the file is named '{path.name}'; they must match"
            problems.append(Problem(doc.display_name, doc.line_of(("metadata", "name")), "metadata.name", message))
        if agreement_status(agreement, today).value != "expired":
            problems.append(
                Problem(
                    doc.display_name,
                    doc.line_of(("spec", "validUntil")),
                    "spec.validUntil",
                    f"an archived agreement must have ended, but it runs until {agreement.spec.valid_until}; "
                    "end it (set validUntil) in sharing/ first, or move it back",
                )
            )
            continue
        agreements.append(agreement)
    return agreements, problems


@dataclass(frozen=True)
class Entry:
    """One agreement on the timeline, with its next event."""

    name: str
    provider: str
    zone: str
    prefix: str
    consumer: str
    valid_from: dt.date
    valid_until: dt.date
    status: str
    next_event: str | None
    next_date: dt.date | None
    days: int | None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "provider": {"tenant": self.provider, "zone": self.zone, "prefix": self.prefix},
            "consumer": self.consumer,
            "validFrom": self.valid_from.isoformat(),
            "validUntil": self.valid_until.isoformat(),
            "status": self.status,
            "nextEvent": self.next_event,
            "nextDate": self.next_date.isoformat() if self.next_date else None,
            "inDays": self.days,
        }


def _entry(agreement: DataSharingAgreement, status: str, today: dt.date) -> Entry:
    spec = agreement.spec
    event: tuple[str | None, dt.date | None] = (None, None)
    if status == "pending":
        event = ("starts", spec.valid_from)
    elif status == "active":
        event = ("ends", spec.valid_until + dt.timedelta(days=1))  # access is withdrawn the day after validUntil
    return Entry(
        agreement.name,
        spec.provider.tenant,
        spec.provider.zone.value if hasattr(spec.provider.zone, "value") else str(spec.provider.zone),
        spec.provider.prefix,
        spec.consumer.tenant,
        spec.valid_from,
        spec.valid_until,
        status,
        event[0],
        event[1],
        (event[1] - today).days if event[1] else None,
    )


def timeline(
    definition: StackDefinition, archived: Iterable[DataSharingAgreement] = (), today: dt.date | None = None
) -> list[Entry]:
    """Every agreement of the stack with its status and next event, the soonest event first."""
    day = today or definition.today
    entries = [_entry(a.agreement, a.status.value, day) for a in definition.agreements]
    entries += [_entry(a, "archived", day) for a in archived]
    return sorted(entries, key=lambda e: (e.next_date is None, e.next_date or dt.date.max, e.name))


def transition_problems(changes: Sequence[Any], subjects: Mapping[str, Iterable[str]]) -> list[str]:
    """Changes that are *not* agreement transitions: the scheduled job refuses to deploy when any is found.

    Allowed: the Sharing component of an agreement that starts or ends, everything under it, and changes the
    diff names as the expected companion of such an agreement (grants, catalogs). Nothing at risk, ever.
    """
    moving = {s.split(" ")[1] for s in subjects if s.startswith("agreement ")}
    problems = []
    for change in changes:
        if change.risks:
            problems.append(f"{change.action.value} {change.name}: DATA AT RISK ({change.risk})")
            continue
        if change.companion and all(part.startswith("agreement ") for part in change.companion.split(", ")):
            continue
        if SHARING_TYPE in change.urn and any(
            f"{SHARING_TYPE}::{name}" in change.urn
            or (f"{SHARING_TYPE}$" in change.urn and change.name.startswith(name))
            for name in moving
        ):
            continue
        problems.append(f"{change.action.value} {change.type} {change.name}: not an agreement transition")
    return problems


#: Steps of ``pulumi preview --json`` that change nothing (pulumi/pulumi ``pkg/display/json.go``: a
#: ``PreviewDigest`` holds ``steps`` of ``{"op", "urn", ...}``; ``op`` is the engine's step kind).
UNCHANGED_OPS = frozenset({"same", "read", "refresh"})


def preview_problems(preview: Mapping[str, Any], allowed: Iterable[str]) -> list[str]:
    """Steps of a real ``pulumi preview --json`` that the offline transition check did not explain.

    The offline check compares plans; the live stack may also differ from the code (a merge nobody deployed,
    a drift). Anything of that kind must go through a reviewed merge request, never through the timer.
    """
    known = set(allowed)
    steps = preview.get("steps") or []
    return [
        f"{step.get('op')} {step.get('urn')}: in the live preview but not an agreement transition"
        for step in steps
        if isinstance(step, Mapping) and step.get("op") not in UNCHANGED_OPS and step.get("urn") not in known
    ]
