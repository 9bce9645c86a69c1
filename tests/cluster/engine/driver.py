"""Run one operation of the real Pulumi CLI on a copy of the project, in its own process; print JSON.

    python -m tests.cluster.engine.driver up|preview|refresh|export PROJECT_DIR STACK [POLICY_PACK]

The Python language host (``pulumi-language-python``) is a module of its own that the Go module proxy does
not serve, so the program runs through the Automation API's inline mode: the Python SDK serves the language
protocol in this process and hands the real CLI its address (``pulumi up --client=...``, Python SDK
``pulumi/automation/_stack.py``). Everything else is the real engine: the CLI plans and diffs, checkpoints
state in the ``file://`` backend with the passphrase secrets provider, starts the Kubernetes provider plugin
and the dynamic-provider plugin (``pulumi-resource-pulumi-python``) as processes of their own.

Each run is a process of its own because the Pulumi runtime keeps global state per program run, and the test
process also runs the program under the SDK's mock monitor elsewhere.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from govcloud.program import main as program_main


def _program(project_dir: Path) -> None:
    """The very program ``__main__.py`` runs, reading the project copy's stack files."""
    program_main(project_dir)


def _stack(project_dir: Path, stack_name: str) -> auto.Stack:
    """The stack in the project copy's ``Pulumi.yaml`` (its ``stackConfigDir`` is ``stacks``), created on first use."""
    workspace = auto.LocalWorkspace(
        work_dir=str(project_dir),
        program=lambda: _program(project_dir),
        pulumi_command=auto.PulumiCommand(root=os.environ["GOVCLOUD_ENGINE_ROOT"], skip_version_check=True),
        secrets_provider="passphrase",
    )
    return auto.Stack.create_or_select(stack_name, workspace)


def _summary(result: Any) -> dict[str, Any]:
    summary = result.summary
    return {"result": summary.result, "changes": dict(summary.resource_changes or {})}


def _policy_event(event: auto.EngineEvent, found: list[dict[str, Any]]) -> None:
    policy = event.policy_event
    if policy is not None:
        found.append(
            {
                "policy": policy.policy_name,
                "level": policy.enforcement_level,
                "urn": policy.resource_urn,
                "message": policy.message,
            }
        )


def run(operation: str, project_dir: Path, stack_name: str, policy_pack: str | None = None) -> dict[str, Any]:
    stack = _stack(project_dir, stack_name)
    lines: list[str] = []
    policies: list[dict[str, Any]] = []
    try:
        if operation == "up":
            result = stack.up(on_output=lines.append, color="never")
            out: dict[str, Any] = {**_summary(result), "outputs": {k: v.value for k, v in result.outputs.items()}}
        elif operation == "preview":
            preview = stack.preview(
                on_output=lines.append,
                on_event=lambda event: _policy_event(event, policies),
                color="never",
                diff=True,
                policy_packs=[policy_pack] if policy_pack else None,
            )
            out = {"changes": dict(preview.change_summary), "policies": policies}
        elif operation == "refresh":
            out = _summary(stack.refresh(on_output=lines.append, color="never"))
        elif operation == "export":
            out = {"deployment": stack.export_stack().deployment}
        else:
            raise SystemExit(f"unknown operation {operation}")
    except auto.CommandError as error:
        return {"ok": False, "error": str(error), "output": "\n".join(lines), "policies": policies}
    return {"ok": True, **out, "output": "\n".join(lines)}


if __name__ == "__main__":
    pack = sys.argv[4] if len(sys.argv) > 4 else None
    json.dump(run(sys.argv[1], Path(sys.argv[2]).resolve(), sys.argv[3], pack), sys.stdout, default=str)
