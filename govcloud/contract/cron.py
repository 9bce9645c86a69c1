"""Standard 5-field cron (what agencies write) and its 6-field form (what CloudNativePG schedules).

CloudNativePG parses ScheduledBackup schedules with ``github.com/robfig/cron``'s ``cron.Parse``
(cloudnative-pg/cloudnative-pg, internal/controller/scheduledbackup_controller.go, commit 0f38c988),
whose day-of-week bounds are 0-6 (robfig/cron, spec.go, ``dow = bounds{0, 6, ...}``): a 7 for Sunday,
which Vixie cron accepts, would make the operator refuse the schedule, so the contract refuses it here.
Backups run at most hourly (the minute field is one fixed minute): WAL archiving already gives
point-in-time recovery, and a schedule every minute would only fill the backup bucket.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

_DAY_FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    # robfig/cron, which CloudNativePG parses ScheduledBackup schedules with, bounds day of week to 0-6
    # (robfig/cron v1.2.0 spec.go: ``dow = bounds{0, 6, ...}``; cloudnative-pg v1.30.0 go.mod pins it):
    # the traditional 7 for Sunday would be refused by the operator's webhook, so it is refused here first.
    ("day of week", 0, 6),
)
_FIELDS = _DAY_FIELDS
_SIX_FIELDS = (("second", 0, 59), *_DAY_FIELDS)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NAMES = {
    "month": {m: i + 1 for i, m in enumerate(_MONTHS)},
    "day of week": {d: i for i, d in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])},
}
_MINUTE = re.compile(r"[0-9]{1,2}")
_DESCRIPTORS = {
    "@yearly": "0 0 0 1 1 *",
    "@annually": "0 0 0 1 1 *",
    "@monthly": "0 0 0 1 * *",
    "@weekly": "0 0 0 * * 0",
    "@daily": "0 0 0 * * *",
    "@midnight": "0 0 0 * * *",
    "@hourly": "0 0 * * * *",
}
"""robfig/cron's predefined schedules (v1.2.0 parser.go ``parseDescriptor``), in its 6-field form."""
_GO_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")
_GO_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
SCHEDULE_WINDOW_DAYS = 8 * 366
"""Fire times are enumerated over eight years, so even a leap-day schedule shows its real period."""


class CronError(ValueError):
    """A schedule that is not valid cron."""


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


def field_values(text: str, field: str, low: int, high: int) -> tuple[set[int], bool]:
    """The one reading of a cron field: the values it allows, and whether it is unrestricted (``*`` or ``?``
    without a step). ``a,b``, ``lo-hi``, ``*/step``, ``lo/step`` (lo to the end) and month or weekday names,
    as robfig/cron reads them (v1.2.0 parser.go ``getRange``); a reason in a CronError otherwise."""
    values: set[int] = set()
    star = False
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        if step_text and (not step_text.isascii() or not step_text.isdigit()):
            raise CronError(f"'{part}' is not a valid {field}")
        step = int(step_text) if step_text else 1
        if step == 0:
            raise CronError(f"step 0 in {field} is not allowed")
        if base in ("*", "?"):
            start, end = low, high
            star = star or not step_text
        else:
            lo, dash, hi = base.partition("-")
            start = _value(lo, field, low, high)
            end = _value(hi, field, low, high) if dash else (high if step_text else start)
            if end < start:
                raise CronError(f"range '{part}' in {field} runs backwards")
        values.update(range(start, end + 1, step))
    return values, star


def validate_cron(expression: str) -> None:
    """Raise CronError with a readable reason unless ``expression`` is valid 5-field cron."""
    fields = expression.split()
    if len(fields) != 5:
        raise CronError(
            f"'{expression}' has {len(fields)} fields; write standard 5-field cron "
            '(minute hour day-of-month month day-of-week), e.g. "0 2 * * *"'
        )
    for text, (field, low, high) in zip(fields, _FIELDS, strict=True):
        field_values(text, field, low, high)


def _go_duration(text: str) -> dt.timedelta:
    """``@every 1h30m``: the Go duration syntax robfig/cron accepts."""
    parts = _GO_DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise CronError(f"'{text}' is not a duration such as 1h30m")
    seconds = sum(float(n) * _GO_UNITS[u] for n, u in parts)
    if seconds <= 0:
        raise CronError(f"'{text}' is not a positive duration")
    return dt.timedelta(seconds=seconds)


def schedule_period(expression: str) -> dt.timedelta:
    """The longest gap between two runs of a CloudNativePG schedule (6 fields, seconds first; a 5-field one is
    read with ``0`` seconds in front), with the same field reading as the contract.

    robfig/cron: descriptors such as ``@daily`` and ``@every 6h`` work, and when both day of month and day of
    week are restricted a day matching either one fires (v1.2.0 spec.go ``dayMatches``).
    """
    text = " ".join(expression.split())
    if text.startswith("@every "):
        return _go_duration(text.removeprefix("@every "))
    text = _DESCRIPTORS.get(text, text)
    parts = text.split(" ")
    if len(parts) == 5:
        parts = ["0", *parts]
    if len(parts) != 6:
        raise CronError(f"'{expression}' is not a 6-field cron schedule")
    (seconds, _), (minutes, _), (hours, _), (doms, dom_star), (months, _), (dows, dow_star) = (
        field_values(part, name, low, high) for part, (name, low, high) in zip(parts, _SIX_FIELDS, strict=True)
    )
    times = sorted(h * 3600 + m * 60 + s for h in hours for m in minutes for s in seconds)
    start = dt.date(2024, 1, 1)
    fires: list[tuple[dt.date, int, int]] = []
    for offset in range(SCHEDULE_WINDOW_DAYS):
        day = start + dt.timedelta(days=offset)
        if day.month not in months:
            continue
        dom_ok, dow_ok = day.day in doms, (day.isoweekday() % 7) in dows
        if (dom_ok and dow_ok) if (dom_star or dow_star) else (dom_ok or dow_ok):
            fires.append((day, times[0], times[-1]))
    if not fires or (len(fires) == 1 and len(times) == 1):
        raise CronError(f"'{expression}' fires less than twice in {SCHEDULE_WINDOW_DAYS // 366} years")
    gaps = [b - a for a, b in itertools.pairwise(times)]
    for (day, _, last), (next_day, first, _) in itertools.pairwise(fires):
        gaps.append((next_day - day).days * 86400 + first - last)
    return dt.timedelta(seconds=max(gaps))


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
