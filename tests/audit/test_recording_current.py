"""Issue 17: ``tests/audit/recorded/`` is exactly what its recorder writes today, byte for byte.

The audit tests read ``recorded/``; if the program's plan or the recorder changed and nobody re-recorded,
those tests would audit yesterday's cluster and stay green. This test runs the recorder (the real program's
plan of national-prod as of the recorder's date, synthesized in-process) into a temporary folder and compares
every file with the committed one. The recorder's output is deterministic (fixed instants, derived uids,
sorted items), so any difference is a real change: re-record with the command in the failure message and
review the diff of ``tests/audit/recorded/`` like any other change.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from tests.audit import record
from tests.audit.conftest import RECORDED

RERECORD = f"tests/audit/recorded/ is stale: run `{record.COMMAND}` from the repository root and review its diff"


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def differences(recorded: Path, today: Path, *, shown: int = 3, lines: int = 12) -> list[str]:
    """What differs between two recording folders: files on one side only, then a short diff of a few files."""
    old, new = _files(recorded), _files(today)
    out = [f"only in the recording: {name}" for name in sorted(set(old) - set(new))]
    out += [f"only today: {name}" for name in sorted(set(new) - set(old))]
    changed = [name for name in sorted(set(old) & set(new)) if old[name] != new[name]]
    for name in changed[:shown]:
        diff = difflib.unified_diff(
            old[name].decode("utf-8", "replace").splitlines(),
            new[name].decode("utf-8", "replace").splitlines(),
            f"recorded/{name}",
            f"today/{name}",
            n=1,
            lineterm="",
        )
        out.append("\n".join(list(diff)[:lines]))
    if len(changed) > shown:
        out.append(f"... and {len(changed) - shown} more changed files")
    return out


def test_the_recordings_are_what_the_recorder_produces_today(tmp_path: Path) -> None:
    assert record.main(["--out", str(tmp_path)]) == 0
    found = differences(RECORDED, tmp_path)
    assert not found, RERECORD + "\n" + "\n".join(found)


def test_the_comparison_sees_every_kind_of_difference(tmp_path: Path) -> None:
    """The check cannot pass by accident: a changed byte, a missing file and an extra file are each reported."""
    old, new = tmp_path / "old", tmp_path / "new"
    for root in (old, new):
        (root / "good" / "api" / "v1").mkdir(parents=True)
        (root / "good" / "api" / "v1" / "namespaces.json").write_text('{\n  "kind": "NamespaceList"\n}\n')
    assert differences(old, new) == []
    (new / "good" / "api" / "v1" / "namespaces.json").write_text('{\n  "kind": "NamespaceList "\n}\n')
    (old / "plan.json").write_text("{}\n")
    (new / "README.md").write_text("# recording\n")
    assert differences(old, new) == [
        "only in the recording: plan.json",
        "only today: README.md",
        "--- recorded/good/api/v1/namespaces.json\n+++ today/good/api/v1/namespaces.json\n@@ -1,3 +1,3 @@\n {\n"
        '-  "kind": "NamespaceList"\n+  "kind": "NamespaceList "\n }',
    ]


def test_the_recording_says_what_it_is_and_how_to_remake_it() -> None:
    """Beside the files: they are made up from the plan (not captured from a cluster), and the one command."""
    text = (RECORDED / "README.md").read_text("utf-8")
    assert text.startswith("# Recorded API responses: a recording, not a capture\n")
    assert f"`{record.COMMAND}`" in text
    assert "cannot produce" in text and "tests/cluster/test_audit.py" in text
    assert record.COMMAND == "python -m tests.audit.record"
