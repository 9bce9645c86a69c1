"""One operation of the real Pulumi CLI on a tiny stack of dynamic resources, in a process of its own; prints JSON.

    python -m tests.cli.pending_driver up|export|refresh|clear-pending WORK_DIR [NAMES]

Used by ``test_interrupted_update.py`` to walk the site guide's procedure for a failed or interrupted
``pulumi up`` on the real engine (the CLI built by ``tools/build-tools.sh``), through the Automation API's
inline mode as ``tests/cluster/engine/driver.py`` does (no Python language host is served by the module
proxy). Each run is a process of its own because the Pulumi runtime keeps global state per program run.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from pulumi import automation as auto
from pulumi import dynamic

PROJECT = "interrupted"
STACK = "site"


class RecordProvider(dynamic.ResourceProvider):
    """Creates nothing outside the state: enough for the engine to record, refresh and resume it."""

    def create(self, props: dict[str, Any]) -> dynamic.CreateResult:
        return dynamic.CreateResult(id_=str(props["label"]), outs=dict(props))

    def read(self, id_: str, props: dict[str, Any]) -> dynamic.ReadResult:
        return dynamic.ReadResult(id_=id_, outs=dict(props))


class Record(dynamic.Resource, module="govcloudtest", name="Record"):
    def __init__(self, name: str) -> None:
        super().__init__(RecordProvider(), name, {"label": name})


def _stack(work_dir: Path, names: list[str]) -> auto.Stack:
    def program() -> None:
        for name in names:
            Record(name)

    return auto.create_or_select_stack(
        stack_name=STACK,
        project_name=PROJECT,
        program=program,
        opts=auto.LocalWorkspaceOptions(
            work_dir=str(work_dir),
            pulumi_command=auto.PulumiCommand(root=os.environ["GOVCLOUD_ENGINE_ROOT"], skip_version_check=True),
            secrets_provider="passphrase",
        ),
    )


def run(operation: str, work_dir: Path, args: list[str]) -> dict[str, Any]:
    lines: list[str] = []
    try:
        if operation == "up":
            stack = _stack(work_dir, args)
            result = stack.up(on_output=lines.append, color="never")
            out: dict[str, Any] = {"changes": dict(result.summary.resource_changes or {})}
        elif operation == "export":
            out = {"deployment": _stack(work_dir, []).export_stack().deployment}
        elif operation == "refresh":
            result = _stack(work_dir, []).refresh(on_output=lines.append, color="never", preview_only=True)
            out = {"changes": dict(result.summary.resource_changes or {})}
        elif operation == "clear-pending":
            stack = _stack(work_dir, [])
            result = stack.refresh(on_output=lines.append, color="never", clear_pending_creates=True)
            out = {"changes": dict(result.summary.resource_changes or {})}
        else:
            raise SystemExit(f"unknown operation {operation}")
    except auto.CommandError as error:
        return {"ok": False, "error": str(error), "output": "\n".join(lines)}
    return {"ok": True, **out, "output": "\n".join(lines)}


if __name__ == "__main__":
    json.dump(run(sys.argv[1], Path(sys.argv[2]).resolve(), sys.argv[3:]), sys.stdout, default=str)
