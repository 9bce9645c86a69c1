"""docs/site-guide.md: its settings reference is the generated one, every setting is explained, production
requirements are marked, and its offline commands run as written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govcloud.cli import app
from govcloud.contract.site import SiteConfig
from govcloud.siteguide import BEGIN, END, guide_path, network_settings_given_keys, render_guide, settings_reference
from tests.unit.test_runbooks import _parse, logical_lines, shell_blocks, simple_commands

REPO_ROOT = Path(__file__).resolve().parents[2]
GUIDE = guide_path(REPO_ROOT)
#: Commands that need a live site (the store, the cluster): exercised by tests/storage and tests/audit.
LIVE = {"audit", "state"}


def guide_commands() -> list[list[str]]:
    found = []
    for start, body in shell_blocks(GUIDE.read_text("utf-8")):
        for _, text in logical_lines(start, body):
            found += simple_commands(text)
    return found


def test_the_settings_reference_is_the_generated_one() -> None:
    text = GUIDE.read_text("utf-8")
    assert text == render_guide(text), "docs/site-guide.md is stale: run `govcloud site-guide --write`"
    result = CliRunner().invoke(app, ["site-guide", "--check", "--project", str(REPO_ROOT)])
    assert result.exit_code == 0, result.output


def test_every_setting_is_listed_and_explained() -> None:
    rows = [line for line in settings_reference().splitlines()[2:] if line.startswith("| `govcloud:")]
    keys = {row.split("`")[1] for row in rows}
    for name, info in SiteConfig.model_fields.items():
        assert f"govcloud:{info.alias or name}" in keys
    unexplained = [row.split("`")[1] for row in rows if row.rstrip().endswith("|  |")]
    assert not unexplained, f"settings without a description: {unexplained}"


def test_production_requirements_are_marked() -> None:
    reference = settings_reference()
    for loc in network_settings_given_keys():
        key = "govcloud:" + ".".join(loc)
        row = next(line for line in reference.splitlines() if line.startswith(f"| `{key}` |"))
        assert "required in production" in row, key


def test_the_quoted_refusal_is_what_validation_prints(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "stacks", project / "stacks")
    config = project / "stacks" / "Pulumi.th76-prod.yaml"
    lines = config.read_text("utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("  govcloud:kubernetesApi:"))
    config.write_text("".join(lines[:start] + lines[start + 3 :]), "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "govcloud", "validate", "--stack", "th76-prod"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    printed = result.stderr.splitlines()[0]
    assert printed in GUIDE.read_text("utf-8"), printed


@pytest.mark.parametrize("argv", [c for c in guide_commands() if c[0] == "govcloud"], ids=" ".join)
def test_every_govcloud_command_of_the_guide_parses(argv: list[str]) -> None:
    _parse(tuple(argv))


def test_every_pulumi_command_of_the_guide_names_an_existing_stack() -> None:
    for argv in [c for c in guide_commands() if c[0] == "pulumi" and c[1] != "login"]:
        stack = argv[argv.index("-s") + 1] if "-s" in argv else argv[3] if argv[1:3] == ["stack", "init"] else None
        assert stack is not None and (REPO_ROOT / "stacks" / f"Pulumi.{stack}.yaml").is_file(), argv


def test_the_offline_commands_of_the_guide_run(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "stacks", project / "stacks")
    shutil.copytree(REPO_ROOT / "k8s_manifests", project / "k8s_manifests")
    runnable = [c for c in guide_commands() if c[0] == "govcloud" and c[1] not in LIVE]
    assert {c[1] for c in runnable} >= {"validate", "synth", "stacks"}
    for argv in runnable:
        result = subprocess.run(
            [sys.executable, "-m", "govcloud", *argv[1:], "--today", "2026-11-25"]
            if argv[1] in ("validate", "synth", "stacks")
            else [sys.executable, "-m", "govcloud", *argv[1:]],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"{' '.join(argv)}: {result.stderr}"


def test_the_generated_section_is_fenced_by_its_markers() -> None:
    text = GUIDE.read_text("utf-8")
    assert text.count(BEGIN) == 1 and text.count(END) == 1 and text.index(BEGIN) < text.index(END)
