"""The life of an agreement: its timeline, its archive, single-file validation, the timer's guard, the date."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pulumi
import pytest
from typer.testing import CliRunner

from govcloud import program
from govcloud.cli import app

REPO_ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "stacks", root / "stacks")
    for part in ("k8s_manifests", "Pulumi.yaml"):
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        elif source.is_file():
            shutil.copy2(source, root / part)
    return root


def test_the_timeline_lists_upcoming_starts_and_ends(project: Path) -> None:
    result = runner.invoke(
        app, ["agreements", "--stack", "national-prod", "--today", "2026-02-01", "--format", "json",
              "--project", str(project)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    entries = {e["name"]: e for e in json.loads(result.stdout)}
    farmer = entries["doae-to-nso-farmer-registry"]
    assert (farmer["status"], farmer["nextEvent"], farmer["nextDate"], farmer["inDays"]) == (
        "pending", "starts", "2026-03-01", 28,
    )  # fmt: skip
    health = entries["moph-to-nso-health-stats"]
    assert (health["status"], health["nextEvent"], health["nextDate"]) == ("active", "ends", "2028-01-01")
    assert entries["tmd-to-nso-rainfall-2023"]["nextEvent"] is None
    assert next(iter(entries)) == "doae-to-nso-farmer-registry"  # the soonest event first

    table = runner.invoke(app, ["agreements", "--stack", "national-prod", "--today", "2026-02-01",
                                "--project", str(project)])  # fmt: skip
    assert "doae-to-nso-farmer-registry" in table.stdout and "starts 2026-03-01 (in 28 days)" in table.stdout


def test_an_archived_agreement_survives_its_tenant_leaving(project: Path) -> None:
    stack = project / "stacks" / "national-prod"
    (stack / "tenants" / "tmd.yaml").unlink()
    broken = runner.invoke(app, ["validate", "--stack", "national-prod", "--today", "2026-11-25",
                                 "--project", str(project)])  # fmt: skip
    assert broken.exit_code == 1 and "no tenant 'tmd'" in broken.output

    (stack / "sharing" / "archive").mkdir()
    (stack / "sharing" / "tmd-to-nso-rainfall-2023.yaml").rename(
        stack / "sharing" / "archive" / "tmd-to-nso-rainfall-2023.yaml"
    )
    valid = runner.invoke(app, ["validate", "--stack", "national-prod", "--today", "2026-11-25",
                                "--project", str(project)])  # fmt: skip
    assert valid.exit_code == 0, valid.output
    assert "(1 archived)" in valid.output
    listed = runner.invoke(app, ["agreements", "--stack", "national-prod", "--today", "2026-11-25", "--format",
                                 "json", "--project", str(project)])  # fmt: skip
    statuses = {e["name"]: e["status"] for e in json.loads(listed.stdout)}
    assert statuses["tmd-to-nso-rainfall-2023"] == "archived"


def test_archiving_an_agreement_still_in_force_is_refused(project: Path) -> None:
    sharing = project / "stacks" / "national-prod" / "sharing"
    (sharing / "archive").mkdir()
    (sharing / "moph-to-nso-health-stats.yaml").rename(sharing / "archive" / "moph-to-nso-health-stats.yaml")
    result = runner.invoke(app, ["validate", "--stack", "national-prod", "--today", "2026-11-25",
                                 "--project", str(project)])  # fmt: skip
    assert result.exit_code == 1
    assert "archive/moph-to-nso-health-stats.yaml:" in result.output
    assert "spec.validUntil: an archived agreement must have ended" in result.output


def test_one_agreement_file_validates_against_the_stack_tenants(project: Path) -> None:
    path = project / "stacks" / "national-prod" / "sharing" / "moph-to-nso-health-stats.yaml"
    result = runner.invoke(app, ["validate", "--stack", "national-prod", "--today", "2026-11-25",
                                 "--project", str(project), str(path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1 file valid (0 tenants, 1 agreements)" in result.output
    path.write_text(path.read_text("utf-8").replace("tenant: moph", "tenant: mohp"), "utf-8")
    wrong = runner.invoke(app, ["validate", "--stack", "national-prod", "--today", "2026-11-25",
                                "--project", str(project), str(path)])  # fmt: skip
    assert wrong.exit_code == 1
    assert "spec.provider.tenant: no tenant 'mohp' in this stack" in wrong.output
    assert "tenants/" not in wrong.output  # the context files' own findings are not reported


def test_the_timer_deploys_agreement_transitions_only(project: Path, tmp_path: Path) -> None:
    args = ["agreements", "--stack", "national-prod", "--today", "2026-03-01", "--check-transitions",
            "--project", str(project)]  # fmt: skip
    ok = runner.invoke(app, args)
    assert ok.exit_code == 0, ok.output
    assert "agreement doae-to-nso-farmer-registry starting" in ok.output and "only agreement transitions" in ok.output

    sharing = "urn:pulumi:national-prod::govcloud::govcloud:site:Site$govcloud:sharing:Sharing"
    quota = (
        "urn:pulumi:national-prod::govcloud::govcloud:site:Site$govcloud:tenant:Tenant$kubernetes:core/v1:ResourceQuota"
    )
    steps = [
        {"op": "same", "urn": f"{quota}::nso-quota"},
        {"op": "create", "urn": f"{sharing}::doae-to-nso-farmer-registry"},
    ]
    preview = tmp_path / "preview.json"
    preview.write_text(json.dumps({"steps": steps}), "utf-8")
    live = runner.invoke(app, [*args, "--preview", str(preview)])
    assert live.exit_code == 0, live.output

    steps.append({"op": "update", "urn": f"{quota}::tmd-quota"})  # merged but never deployed: not the timer's job
    preview.write_text(json.dumps({"steps": steps}), "utf-8")
    refused = runner.invoke(app, [*args, "--preview", str(preview)])
    assert refused.exit_code == 1
    assert "tmd-quota: in the live preview but not an agreement transition" in refused.output


def test_an_exported_date_is_announced_loudly(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVCLOUD_TODAY", "2026-01-15")
    result = runner.invoke(app, ["validate", "--stack", "national-prod", "--project", str(project)])
    assert result.exit_code == 0
    assert "WARNING GOVCLOUD_TODAY=2026-01-15 is set" in result.output
    explicit = runner.invoke(app, ["validate", "--stack", "national-prod", "--today", "2026-01-15",
                                   "--project", str(project)])  # fmt: skip
    assert "WARNING" not in explicit.output


def test_a_deployment_refuses_a_frozen_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVCLOUD_OFFLINE_SYNTH", raising=False)
    monkeypatch.setenv("GOVCLOUD_TODAY", "2020-01-01")
    with pytest.raises(pulumi.RunError, match="GOVCLOUD_TODAY=2020-01-01 is set"):
        program.run_today()
    monkeypatch.setenv("GOVCLOUD_TODAY", dt.date.today().isoformat())
    assert program.run_today() == dt.date.today()
    monkeypatch.setenv("GOVCLOUD_TODAY", "2020-01-01")
    monkeypatch.setenv("GOVCLOUD_OFFLINE_SYNTH", "1")
    assert program.run_today() == dt.date(2020, 1, 1)
