"""CODEOWNERS is generated from the stacks and the committed file stays equal to it."""

from __future__ import annotations

import fnmatch
import shutil
from pathlib import Path

from typer.testing import CliRunner

from govcloud.cli import app
from govcloud.forge import Convention, codeowners

REPO_ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def owners_of(text: str, path: str) -> list[str]:
    """The owners of ``path`` by the last matching rule (GitLab and GitHub: later rules win)."""
    found: list[str] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pattern, *owners = line.split()
        anchored = pattern.lstrip("/")
        if pattern == "*" or fnmatch.fnmatchcase(path, anchored):
            found = owners
    return found


def test_the_committed_codeowners_is_the_generated_one() -> None:
    committed = (REPO_ROOT / "CODEOWNERS").read_text("utf-8")
    assert committed == codeowners(REPO_ROOT), "CODEOWNERS is stale: run `govcloud codeowners --write`"
    check = runner.invoke(app, ["codeowners", "--check", "--project", str(REPO_ROOT)])
    assert check.exit_code == 0, check.output


def test_tenant_files_belong_to_the_agency_and_agreements_to_the_provider() -> None:
    text = codeowners(REPO_ROOT)
    assert owners_of(text, "stacks/national-prod/tenants/nso.yaml") == ["@govcloud/agencies/nso", "@govcloud/platform"]
    assert owners_of(text, "stacks/national-prod/sharing/moph-to-nso-health-stats.yaml") == [
        "@govcloud/agencies/moph",
        "@govcloud/platform",
    ]
    assert owners_of(text, "govcloud/charts.py") == ["@govcloud/platform"]
    assert owners_of(text, "stacks/Pulumi.national-prod.yaml") == ["@govcloud/platform"]


def test_a_new_tenant_makes_the_committed_file_stale(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "stacks", project / "stacks")
    (project / "CODEOWNERS").write_text(codeowners(project), "utf-8")
    tenants = project / "stacks" / "national-prod" / "tenants"
    shutil.copy(tenants / "tmd.yaml", tenants / "tmd2.yaml")
    stale = runner.invoke(app, ["codeowners", "--check", "--project", str(project)])
    assert stale.exit_code == 1 and "govcloud codeowners --write" in stale.output
    written = runner.invoke(
        app, ["codeowners", "--write", "--project", str(project), "--agency-group", "@gdcc/{tenant}-owners"]
    )
    assert written.exit_code == 0
    text = (project / "CODEOWNERS").read_text("utf-8")
    assert owners_of(text, "stacks/national-prod/tenants/tmd2.yaml") == ["@gdcc/tmd2-owners", "@govcloud/platform"]
    assert Convention(agency="@gdcc/{tenant}-owners").agency_group("x") == "@gdcc/x-owners"
