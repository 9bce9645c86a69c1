"""Synthesize a stack as it was at a git commit, with that commit's own code, charts and stack files.

A review that rebuilt the "before" plan with today's code and yesterday's stack files would show a chart
bump or a code change as no change at all. So the base is checked out in a temporary ``git worktree`` and
synthesized there by a separate Python process whose ``PYTHONPATH`` starts at the worktree: the base's own
``govcloud`` package is imported, not ours (an editable install's finder comes after ``PYTHONPATH``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govcloud.contract.stack import TODAY_ENV

_EFFECTIVE = (
    "import runpy, sys; sys.argv = ['effective', sys.argv[1]]; "
    "runpy.run_module('govcloud.synth.effective', run_name='__main__')"
)


class BaseError(Exception):
    """The base commit cannot be checked out or synthesized; the message says why."""


@dataclass(frozen=True)
class BasePlan:
    plan: dict[str, Any]
    policies: dict[str, Any]
    commit: str
    policies_from_base: bool
    """False when the base code has no ``govcloud.synth.effective`` (policies then come from this code)."""


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BaseError(f"git {' '.join(args)}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout.strip()


@contextmanager
def worktree(project: Path, ref: str) -> Iterator[tuple[Path, str]]:
    """The project folder as it is at ``ref``, in a temporary detached worktree removed afterwards."""
    project = project.resolve()
    commit = _git(project, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    prefix = _git(project, "rev-parse", "--show-prefix")
    with tempfile.TemporaryDirectory(prefix="govcloud-base-") as tmp:
        tree = Path(tmp) / "tree"
        _git(project, "worktree", "add", "--detach", "--quiet", str(tree), commit)
        try:
            yield tree / prefix, commit
        finally:
            subprocess.run(
                ["git", "-C", str(project), "worktree", "remove", "--force", str(tree)],
                capture_output=True,
                check=False,
            )


def _environment(code: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != TODAY_ENV}
    env["PYTHONPATH"] = os.pathsep.join([str(code), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def empty_plan(stack: str) -> dict[str, Any]:
    return {"stack": stack, "site": None, "tenants": [], "resources": [], "policyViolations": [], "sharing": []}


def synth_at(project: Path, ref: str, stack: str, today: str) -> BasePlan:
    """The plan of ``stack`` at ``ref`` for the date ``today``; an empty plan if the stack did not exist yet."""
    from govcloud.synth.effective import identity_policies

    with worktree(project, ref) as (base, commit):
        if not (base / "stacks" / f"Pulumi.{stack}.yaml").is_file():
            return BasePlan(empty_plan(stack), {}, commit, True)
        out = base / ".govcloud-base-out"
        env = _environment(base)
        done = subprocess.run(
            [sys.executable, "-m", "govcloud", "synth", "--stack", stack, "--project", ".", "--out", str(out),
             "--today", today],
            cwd=base, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        plan_file = out / "plan.json"
        if done.returncode not in (0, 1) or not plan_file.is_file():
            raise BaseError(f"the base {ref} ({commit[:12]}) does not synthesize:\n{done.stderr.strip()}")
        plan: dict[str, Any] = json.loads(plan_file.read_text("utf-8"))
        effective = subprocess.run(
            [sys.executable, "-c", _EFFECTIVE, str(plan_file)], cwd=base, env=env, capture_output=True, text=True,
            check=False,
        )  # fmt: skip
        if effective.returncode == 0:
            return BasePlan(plan, json.loads(effective.stdout), commit, True)
        return BasePlan(plan, identity_policies(plan["resources"]), commit, False)


def agreement_providers(stacks_dir: Path, stack: str) -> dict[str, list[str]]:
    """``{agreement: [provider]}`` read leniently from a stack's sharing files (for companion notes).

    When an agreement starts, the consumer's identity gains a grant naming the provider's bucket.
    """
    import yaml

    parties: dict[str, list[str]] = {}
    folder = stacks_dir / stack / "sharing"
    for path in sorted(folder.rglob("*.y*ml")) if folder.is_dir() else []:
        try:
            data = yaml.safe_load(path.read_text("utf-8"))
        except (yaml.YAMLError, OSError, UnicodeDecodeError):
            continue
        spec = data.get("spec") if isinstance(data, Mapping) else None
        name = (data.get("metadata") or {}).get("name") if isinstance(data, Mapping) else None
        if isinstance(spec, Mapping) and isinstance(name, str):
            provider = _tenant(spec.get("provider"))
            parties[name] = [provider] if provider else []
    return parties


def _tenant(side: Any) -> str | None:
    tenant = side.get("tenant") if isinstance(side, Mapping) else None
    return tenant if isinstance(tenant, str) else None
