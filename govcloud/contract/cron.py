"""Standard 5-field cron (what agencies write) and its 6-field form (what CloudNativePG schedules).

CloudNativePG parses ScheduledBackup schedules with ``github.com/robfig/cron``'s ``cron.Parse``
(cloudnative-pg/cloudnative-pg, internal/controller/scheduledbackup_controller.go, commit 0f38c988),
whose day-of-week bounds are 0-6 (robfig/cron, spec.go, ``dow = bounds{0, 6, ...}``): a 7 for Sunday,
which Vixie cron accepts, would make the operator refuse the schedule, so the contract refuses it here.
Backups run at most hourly (the minute field is one fixed minute): WAL archiving already gives
point-in-time recovery, and a schedule every minute would only fill the backup bucket.
"""

from __future__ import annotations

import re

_FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    # robfig/cron, which CloudNativePG parses ScheduledBackup schedules with, bounds day of week to 0-6
    # (robfig/cron v1.2.0 spec.go: ``dow = bounds{0, 6, ...}``; cloudnative-pg v1.30.0 go.mod pins it):
    # the traditional 7 for Sunday would be refused by the operator's webhook, so it is refused here first.
    ("day of week", 0, 6),
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NAMES = {
    "month": {m: i + 1 for i, m in enumerate(_MONTHS)},
    "day of week": {d: i for i, d in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])},
}
_ATOM = re.compile(r"(?:\*|(?P<lo>[0-9a-zA-Z]+)(?:-(?P<hi>[0-9a-zA-Z]+))?)(?:/(?P<step>[0-9]+))?")
_MINUTE = re.compile(r"[0-9]{1,2}")


class CronError(ValueError):
    """A schedule that is not valid 5-field cron."""


def _value(token: str, field: str, low: int, high: int) -> int:
    names = _NAMES.get(field, {})
    if token.lower() in names:
        return names[token.lower()]
    if not token.isascii() or not token.isdigit() or len(token) > 2:
        raise CronError(f"'{token}' is not a valid {field}")
    number = int(token)
    if not low <= number <= high:
        raise CronError(f"{field} {number} is outside {low}-{high}")
    return number


def validate_cron(expression: str) -> None:
    """Raise CronError with a readable reason unless ``expression`` is valid 5-field cron."""
    fields = expression.split()
    if len(fields) != 5:
        raise CronError(
            f"'{expression}' has {len(fields)} fields; write standard 5-field cron "
            '(minute hour day-of-month month day-of-week), e.g. "0 2 * * *"'
        )
    for text, (field, low, high) in zip(fields, _FIELDS, strict=True):
        for part in text.split(","):
            match = _ATOM.fullmatch(part)
            if match is None:
                raise CronError(f"'{part}' is not a valid {field}")
            if match["lo"] is not None:
                lo = _value(match["lo"], field, low, high)
                if match["hi"] is not None and _value(match["hi"], field, low, high) < lo:
                    raise CronError(f"range '{part}' in {field} runs backwards")
            if match["step"] is not None and int(match["step"]) == 0:
                raise CronError(f"step 0 in {field} is not allowed")


def validate_backup_schedule(expression: str) -> None:
    """A backup schedule: valid cron that runs at most once an hour (one fixed minute)."""
    validate_cron(expression)
    minute = expression.split()[0]
    if not _MINUTE.fullmatch(minute):
        raise CronError(
            f"'{expression}' runs more than once an hour; backups run at most hourly (WAL archiving already "
            'gives point-in-time recovery): give one minute, e.g. "0 2 * * *"'
        )


def to_six_field(expression: str) -> str:
    """CloudNativePG's ScheduledBackup wants seconds first: ``0 2 * * *`` becomes ``0 0 2 * * *``."""
    validate_cron(expression)
    return "0 " + " ".join(expression.split())
