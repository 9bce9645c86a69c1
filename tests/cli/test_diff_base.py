"""``govcloud diff --base REF``: the base is synthesized from that commit's own code and files, so a chart pin,
a code change and a stack-file change are all reviewed; data at risk fails the review unless acknowledged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.project_repo import git, project_repo

REPO_ROOT = Path(__file__).resolve().parents[2]
PROJECT_PARTS = ("govcloud", "k8s_manifests", "stacks", "Pulumi.yaml", "pyproject.toml")
TODAY = "2026-11-25"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding a copy of this project, one commit."""
    root = tmp_path_factory.mktemp("repo")
    project_repo(root, PROJECT_PARTS, "base")
    return root


def govcloud(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command as CI runs it, with the repository's own code first on the path."""
    env = {k: v for k, v in os.environ.items() if k != "GOVCLOUD_TODAY"}
    env["PYTHONPATH"] = str(repo)
    return subprocess.run(
        [sys.executable, "-m", "govcloud", *args], cwd=repo, env=env, capture_output=True, text=True, check=False
    )


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_a_chart_pin_and_a_backup_cut_are_both_reviewed(repo: Path) -> None:
    charts = repo / "govcloud" / "charts.py"
    nso = repo / "stacks" / "national-prod" / "tenants" / "nso.yaml"
    saved = {p: p.read_text("utf-8") for p in (charts, nso)}
    try:
        pin = next(line for line in saved[charts].splitlines() if 'Chart("trino"' in line)
        version = pin.split('"')[7]
        _edit(charts, f'"{version}"', '"99.0.0"')
        _edit(nso, "retentionDays: 30}", "retentionDays: 7}")

        refused = govcloud(repo, "diff", "--base", "HEAD", "--stack", "national-prod", "--today", TODAY,
                           "--format", "json")  # fmt: skip
        assert refused.returncode == 1, refused.stderr
        review = json.loads(refused.stdout)
        trino = [c for c in review["changes"] if c["name"] == "nso-trino"]
        assert trino and {"path": "inputs.version", "old": version, "new": "99.0.0"} in trino[0]["values"]
        risks = {(r["code"], r["old"], r["new"]) for c in review["changes"] for r in c["risks"]}
        assert risks == {("DATA-BACKUP-RETENTION", "30d", "7d"), ("DATA-EXPIRY", 30, 7)}  # backups, their versions
        assert "DATA AT RISK DATA-BACKUP-RETENTION" in refused.stderr

        markdown = repo / "review.md"
        allowed = govcloud(repo, "diff", "--base", "HEAD", "--stack", "national-prod", "--today", TODAY,
                           "--format", "markdown", "--out", str(markdown), "--allow-data-risk")  # fmt: skip
        assert allowed.returncode == 0, allowed.stderr
        text = markdown.read_text("utf-8")
        assert "acknowledged with --allow-data-migration" in text
        assert f"inputs.version: {version} → 99.0.0" in text
    finally:
        for path, content in saved.items():
            path.write_text(content, "utf-8")


def test_an_unchanged_tree_diffs_as_nothing_and_piped_tables_keep_whole_names(repo: Path) -> None:
    same = govcloud(repo, "diff", "--base", "HEAD", "--stack", "national-prod", "--today", TODAY)
    assert same.returncode == 0, same.stderr
    assert "0 to add 0 to change 0 to replace 0 to remove" in same.stderr

    tenants = repo / "stacks" / "national-prod" / "tenants"
    tmd = tenants / "tmd.yaml"
    saved = tmd.read_text("utf-8")
    try:
        _edit(tmd, "tier: medium", "tier: large")
        piped = govcloud(repo, "diff", "--base", "HEAD", "--stack", "national-prod", "--today", TODAY)
        assert piped.returncode == 0, piped.stderr
        assert "kubernetes:core/v1:ResourceQuota" in piped.stdout and " tmd-quota " in piped.stdout
        assert "…" not in piped.stdout
    finally:
        tmd.write_text(saved, "utf-8")


def test_a_base_that_does_not_exist_is_a_clear_error(repo: Path) -> None:
    missing = govcloud(repo, "diff", "--base", "no-such-ref", "--stack", "national-prod", "--today", TODAY)
    assert missing.returncode == 1
    assert "no-such-ref" in missing.stderr and "Traceback" not in missing.stderr


def test_the_timer_refuses_a_change_nobody_deployed(repo: Path) -> None:
    tmd = repo / "stacks" / "national-prod" / "tenants" / "tmd.yaml"
    saved = tmd.read_text("utf-8")
    try:
        _edit(tmd, "tier: medium", "tier: large")
        refused = govcloud(repo, "agreements", "--stack", "national-prod", "--check-transitions", "--base", "HEAD",
                           "--since", "2026-02-28", "--today", "2026-03-01")  # fmt: skip
        assert refused.returncode == 1, refused.stdout + refused.stderr
        assert "agreement doae-to-nso-farmer-registry starting" in refused.stdout
        assert "tmd-quota: not an agreement transition" in refused.stderr
    finally:
        tmd.write_text(saved, "utf-8")


def test_onboarding_an_open_data_tenant_names_its_companion_changes(repo: Path) -> None:
    """The onboarding runbook tells reviewers which changes to expect; the review must name exactly those."""
    tenants = repo / "stacks" / "national-prod" / "tenants"
    sharing = repo / "stacks" / "national-prod" / "sharing"
    kept = {p: p.read_text("utf-8") for p in (tenants / "tmd.yaml", sharing / "tmd-to-nso-rainfall-2023.yaml")}
    git(repo, "checkout", "-q", "-b", "without-tmd")
    try:
        for path in kept:
            path.unlink()
        git(repo, "commit", "-q", "-am", "main before tmd")
        for path, text in kept.items():
            path.write_text(text, "utf-8")
        review = govcloud(repo, "diff", "--base", "HEAD", "--stack", "national-prod", "--today", TODAY,
                          "--format", "json")  # fmt: skip
        assert review.returncode == 0, review.stderr
        changes = json.loads(review.stdout)["changes"]
        others = {c["name"]: c["expectedCompanionOf"] for c in changes if c["action"] != "add"}
        assert others == {"govcloud-national-prod-opendata-portal": "onboarding tmd"}
        assert not json.loads(review.stdout)["dataAtRisk"]
    finally:
        git(repo, "checkout", "-q", "-f", "main")
        for path, text in kept.items():
            path.write_text(text, "utf-8")


def test_an_agreement_that_starts_later_is_listed_in_the_review(repo: Path) -> None:
    sharing = repo / "stacks" / "national-prod" / "sharing"
    source = (sharing / "moph-to-nso-health-stats.yaml").read_text("utf-8")
    future = sharing / "moph-to-nso-health-stats-2027.yaml"
    future.write_text(
        source.replace("name: moph-to-nso-health-stats", "name: moph-to-nso-health-stats-2027")
        .replace("validFrom: 2026-01-01", "validFrom: 2027-01-01")
        .replace("validUntil: 2027-12-31", "validUntil: 2028-12-31"),
        "utf-8",
    )
    try:
        review = govcloud(repo, "diff", "--base", "HEAD", "--stack", "national-prod", "--today", TODAY,
                          "--format", "markdown")  # fmt: skip
        assert review.returncode == 0, review.stderr
        assert "0 to add 0 to change 0 to replace 0 to remove" in review.stdout  # nothing changes today…
        assert "| `moph-to-nso-health-stats-2027` |" in review.stdout  # …but the review says what will
        assert "starts 2027-01-01" in review.stdout
    finally:
        future.unlink()
