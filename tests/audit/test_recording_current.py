"""Issue 17: the recorded API responses are what ``tests/audit/record.py`` produces today.

The audit tests read ``tests/audit/recorded/``; if the program's plan or the recorder changed and nobody
re-recorded, those tests would audit yesterday's cluster and stay green. This test records again, into a
temporary folder, from the real program's plan of national-prod as of the recorder's date, and compares
every file: the same files, the same content. When it fails, run ``python tests/audit/record.py`` and
review the diff of ``tests/audit/recorded/`` like any other change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.audit import record
from tests.audit.conftest import RECORDED

RERECORD = "tests/audit/recorded/ is stale: run `python tests/audit/record.py` and review its diff"


def _files(root: Path) -> dict[str, Path]:
    return {str(p.relative_to(root)): p for p in sorted(root.rglob("*.json"))}


def _differences(old: Any, new: Any, path: str = "") -> list[str]:
    """Where two JSON documents differ (the first few), so a failure says what moved."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = [f"{path}.{k}: only in {'recorded' if k in old else 'today'}" for k in sorted(set(old) ^ set(new))]
        for key in sorted(set(old) & set(new)):
            out += _differences(old[key], new[key], f"{path}.{key}")
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [d for i, (a, b) in enumerate(zip(old, new, strict=True)) for d in _differences(a, b, f"{path}[{i}]")]
    return [] if old == new else [f"{path}: recorded {json.dumps(old)[:80]}, today {json.dumps(new)[:80]}"]


def test_the_recordings_are_what_the_recorder_produces_today(tmp_path: Path) -> None:
    assert record.main(["--out", str(tmp_path)]) == 0
    recorded, today = _files(RECORDED), _files(tmp_path)
    assert sorted(recorded) == sorted(today), (
        f"{RERECORD}; files only recorded: {sorted(set(recorded) - set(today))[:5]}, "
        f"only today: {sorted(set(today) - set(recorded))[:5]}"
    )
    stale = {}
    for name, path in recorded.items():
        old, new = json.loads(path.read_text("utf-8")), json.loads(today[name].read_text("utf-8"))
        if old != new:
            stale[name] = _differences(old, new)[:3]
    assert not stale, f"{RERECORD}; {len(stale)} files differ, e.g. {dict(list(stale.items())[:3])}"


def test_the_comparison_sees_a_changed_value() -> None:
    """The helper that explains a failure names the field that moved (it must not hide a difference)."""
    old = {"items": [{"spec": {"schedule": "0 0 2 * * *"}}], "kind": "List"}
    new = {"items": [{"spec": {"schedule": "0 0 3 * * *"}}], "kind": "List", "extra": 1}
    assert _differences(old, new) == [
        ".extra: only in today",
        '.items[0].spec.schedule: recorded "0 0 2 * * *", today "0 0 3 * * *"',
    ]
    assert _differences(old, old) == []
