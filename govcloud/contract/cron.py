"""Standard 5-field cron (what agencies write) and its 6-field form (what CloudNativePG schedules)."""

from __future__ import annotations

import re

_FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 7),
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NAMES = {
    "month": {m: i + 1 for i, m in enumerate(_MONTHS)},
    "day of week": {d: i for i, d in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])},
}
_ATOM = re.compile(r"^(?:\*|(?P<lo>[0-9a-zA-Z]+)(?:-(?P<hi>[0-9a-zA-Z]+))?)(?:/(?P<step>[0-9]+))?$")


class CronError(ValueError):
    """A schedule that is not valid 5-field cron."""


def _value(token: str, field: str, low: int, high: int) -> int:
    names = _NAMES.get(field, {})
    if token.lower() in names:
        return names[token.lower()]
    if not token.isdigit():
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
            match = _ATOM.match(part)
            if match is None:
                raise CronError(f"'{part}' is not a valid {field}")
            if match["lo"] is not None:
                lo = _value(match["lo"], field, low, high)
                if match["hi"] is not None and _value(match["hi"], field, low, high) < lo:
                    raise CronError(f"range '{part}' in {field} runs backwards")
            if match["step"] is not None and int(match["step"]) == 0:
                raise CronError(f"step 0 in {field} is not allowed")


def to_six_field(expression: str) -> str:
    """CloudNativePG's ScheduledBackup wants seconds first: ``0 2 * * *`` becomes ``0 0 2 * * *``."""
    validate_cron(expression)
    return "0 " + " ".join(expression.split())
