"""The merge-request pipeline (.gitlab-ci.yml): parsed, every govcloud command checked against the real CLI,
and its jobs' scripts run as a GitLab runner would (bash, first failing command ends the job).

No GitLab schema is available offline, so the structure is checked here against the keywords the pipeline
uses (GitLab CI/CD YAML reference, docs.gitlab.com/ee/ci/yaml: ``workflow:rules``, ``rules:if``, ``stages``,
``artifacts:expose_as``, ``resource_group``) and the predefined variables it reads
(docs.gitlab.com/ee/ci/variables/predefined_variables.html: ``CI_PIPELINE_SOURCE`` is ``merge_request_event``
or ``schedule``, ``CI_MERGE_REQUEST_TARGET_BRANCH_NAME``, ``CI_MERGE_REQUEST_LABELS`` comma-separated).

The scheduled job needs a live site for two commands; the run here replaces exactly those: ``pulumi`` by a
recording stub that answers ``preview --json`` with an empty preview (the real engine's JSON shape,
pulumi/pulumi ``pkg/display/json.go`` ``PreviewDigest``), and ``govcloud audit`` by a recording stub (the
audit itself is tested against recorded APIs in tests/audit).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.project_repo import project_repo
from tests.unit.test_runbooks import _parse, logical_lines, simple_commands

REPO_ROOT = Path(__file__).resolve().parents[2]
PIPELINE = REPO_ROOT / ".gitlab-ci.yml"
PROJECT_PARTS = ("govcloud", "k8s_manifests", "stacks", "Pulumi.yaml", "pyproject.toml", "CODEOWNERS", "policies")
RESERVED = {"workflow", "variables", "stages", "default", "include", "image", "services", "before_script"}
MR = {"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}


def pipeline() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(PIPELINE.read_text("utf-8"))
    return document


def jobs() -> dict[str, dict[str, Any]]:
    return {name: job for name, job in pipeline().items() if name not in RESERVED and not name.startswith(".")}


def script_lines(job: dict[str, Any]) -> list[str]:
    return [str(item) for item in job["script"]]


# ------------------------------------------------------------------------------------------- structure


def test_the_pipeline_is_well_formed() -> None:
    document = pipeline()
    stages = document["stages"]
    assert {"validate", "synth", "review", "agreement-transitions"} <= set(jobs())
    for name, job in jobs().items():
        assert job["stage"] in stages, name
        assert job["script"] and all(isinstance(line, str) for line in job["script"]), name
        assert all("if" in rule for rule in job.get("rules", [])), name
    for name in ("validate", "synth", "review"):
        assert jobs()[name]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    schedule = jobs()["agreement-transitions"]
    assert "schedule" in schedule["rules"][0]["if"] and schedule["resource_group"] == "deploy"
    assert jobs()["review"]["artifacts"]["expose_as"] and jobs()["review"]["artifacts"]["when"] == "always"
    credentials = [k for k in document["variables"] if any(w in k for w in ("KEY", "PASSPHRASE", "TOKEN", "PASSWORD"))]
    assert not credentials, "credentials are protected CI variables, never in the pipeline file"


def _commands(program: str) -> list[list[str]]:
    found = []
    for job in jobs().values():
        for item in script_lines(job):
            for _, text in logical_lines(0, item.splitlines()):
                found += [argv for argv in simple_commands(text) if argv[0] == program]
    return found


@pytest.mark.parametrize("argv", _commands("govcloud"), ids=" ".join)
def test_every_govcloud_command_of_the_pipeline_parses(argv: list[str]) -> None:
    _parse(tuple(argv))


def test_the_review_posts_the_markdown_diff_of_every_stack() -> None:
    review = "\n".join(script_lines(jobs()["review"]))
    assert "govcloud diff --base" in review and "--format markdown" in review
    assert "merge_requests/$CI_MERGE_REQUEST_IID/notes" in review  # GitLab Notes API, when a token is given


# ----------------------------------------------------------------------------------------- running it


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=ci@gdcc.go.th", "-c", "user.name=ci", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def forge(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A bare 'origin' holding main, and a checkout of a merge-request branch that cuts nso's backup days."""
    root = tmp_path_factory.mktemp("forge")
    work = root / "work"
    work.mkdir()
    shutil.copy2(PIPELINE, work / ".gitlab-ci.yml")
    project_repo(work, PROJECT_PARTS, "main")
    origin = root / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(origin)], check=True)
    _git(work, "remote", "add", "origin", str(origin))
    _git(work, "checkout", "-q", "-b", "shorter-backups")
    nso = work / "stacks" / "national-prod" / "tenants" / "nso.yaml"
    nso.write_text(nso.read_text("utf-8").replace("retentionDays: 30}", "retentionDays: 7}"), "utf-8")
    _git(work, "commit", "-q", "-am", "nso: keep backups 7 days")
    bin_dir = root / "bin"
    bin_dir.mkdir()
    return {"root": root, "work": work, "origin": origin, "bin": bin_dir}


def run_job(name: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The job's script as a GitLab runner's bash runs it (``before_script``'s install is this test's venv)."""
    document = pipeline()
    variables = {k: str(v) for k, v in document.get("variables", {}).items()}
    script = "set -eo pipefail\n" + "\n".join(script_lines(jobs()[name]))
    full = {k: v for k, v in os.environ.items() if k != "GOVCLOUD_TODAY"}
    full |= variables | env | {"PYTHONPATH": str(cwd), "CI": "true"}
    full["PATH"] = os.pathsep.join([env.get("STUBS", ""), str(Path(sys.executable).parent), full.get("PATH", "")])
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=full, capture_output=True, text=True, check=False)


def test_a_merge_request_is_validated_synthesized_and_reviewed(forge: dict[str, Path]) -> None:
    work = forge["work"]
    env = MR | {"GOVCLOUD_STACKS": "national-prod"}
    for job in ("validate", "synth"):
        done = run_job(job, work, env)
        assert done.returncode == 0, f"{job}: {done.stdout}\n{done.stderr}"
    assert (work / "out" / "national-prod" / "plan.json").is_file()

    refused = run_job("review", work, env)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    review = (work / "review" / "national-prod.md").read_text("utf-8")
    assert "DATA AT RISK" in review and "| DATA-BACKUP-RETENTION |" in review and "30d → 7d" in review
    assert (work / "review" / "all.md").read_text("utf-8") == review

    approved = run_job("review", work, env | {"CI_MERGE_REQUEST_LABELS": "infra,data-migration-approved"})
    assert approved.returncode == 0, approved.stdout + approved.stderr
    assert "acknowledged with --allow-data-migration" in (work / "review" / "national-prod.md").read_text("utf-8")


def _stub(path: Path, body: str) -> None:
    path.write_text("#!/usr/bin/env bash\n" + body, "utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def test_the_schedule_applies_transitions_only_then_audits(forge: dict[str, Path]) -> None:
    main = forge["root"] / "main"
    subprocess.run(["git", "clone", "-q", str(forge["origin"]), str(main)], check=True)
    stubs, log = forge["bin"], forge["root"] / "calls.log"
    real = shutil.which("govcloud", path=str(Path(sys.executable).parent))
    assert real is not None
    _stub(stubs / "pulumi", f'echo "pulumi $*" >> {log}\nif [ "$1" = preview ]; then echo \'{{"steps": []}}\'; fi\n')
    _stub(stubs / "govcloud", f'if [ "$1" = audit ]; then echo "govcloud $*" >> {log}; exit 0; fi\nexec {real} "$@"\n')
    env = {"CI_PIPELINE_SOURCE": "schedule", "GOVCLOUD_SCHEDULE": "agreements", "STUBS": str(stubs),
           "GOVCLOUD_DEPLOY_STACKS": "national-prod"}  # fmt: skip
    done = run_job("agreement-transitions", main, env)
    assert done.returncode == 0, done.stdout + done.stderr
    calls = log.read_text("utf-8").splitlines()
    assert [c.split()[1] for c in calls] == ["preview", "up", "audit"]
    assert "-s national-prod" in calls[1] and "--yes" in calls[1]
    assert "only agreement transitions" in done.stdout
    listing = (main / "transitions" / "national-prod.txt").read_text("utf-8")
    assert "moph-to-nso-health-stats" in listing
    assert json.loads((main / "transitions" / "national-prod.preview.json").read_text("utf-8")) == {"steps": []}
