"""``govcloud audit`` end to end: the real CLI, a kubeconfig for the recorded API, the moto store."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from govcloud.audit.command import register
from govcloud.audit.expected import ExpectedState, expected_state
from govcloud.cli import app
from govcloud.report.command import load_findings
from tests.audit.conftest import RECORDED_PLAN, RecordedApi, Store, provision
from tests.audit.test_kubernetes_side import DRIFTED

REPO_ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-11-25T12:00:00Z"
StartApi = Callable[[str | Path], RecordedApi]
runner = CliRunner()

if not any(command.name == "audit" for command in app.registered_commands):
    register(app)  # until govcloud/cli.py registers it itself


def _project(tmp_path: Path, endpoint: str, stack: str = "national-prod") -> Path:
    """A copy of the stacks whose object store is the moto server (it holds no credential)."""
    project = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "stacks", project / "stacks")
    config_file = project / "stacks" / f"Pulumi.{stack}.yaml"
    document = yaml.safe_load(config_file.read_text("utf-8"))
    document["config"]["govcloud:objectStore"]["endpoint"] = endpoint
    config_file.write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
    return project


def _kubeconfig(tmp_path: Path, server: str, context: str = "recorded") -> Path:
    path = tmp_path / "kubeconfig"
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "recorded", "cluster": {"server": server}}],
                "users": [{"name": "auditor", "user": {"token": "recorded-token"}}],
                "contexts": [{"name": context, "context": {"cluster": "recorded", "user": "auditor"}}],
                "current-context": context,
            }
        ),
        "utf-8",
    )
    return path


def _audit(*args: str) -> Result:
    return runner.invoke(app, ["audit", "--stack", "national-prod", *args])


def _json(result: Result) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def _text(output: str) -> str:
    """Console output with rich's line wrapping undone."""
    return " ".join(output.split())


def _pairs(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(f["code"], f["resource"]) for f in document["findings"]}


def test_drifted_cluster_exits_1_with_the_findings_as_json(
    tmp_path: Path, recorded_api: StartApi, provisioned: Store
) -> None:
    api = recorded_api("drifted")
    out = tmp_path / "reports" / "audit.json"
    result = _audit(
        "--project",
        str(_project(tmp_path, provisioned.endpoint)),
        "--plan",
        str(RECORDED_PLAN),
        "--kubeconfig",
        str(_kubeconfig(tmp_path, api.host)),
        "--now",
        NOW,
        "--format",
        "json",
        "--out",
        str(out),
    )
    assert result.exit_code == 1, result.output
    document = _json(result)
    assert _pairs(document) == DRIFTED
    assert document["notAudited"] == []
    assert document["counts"] == {"critical": 0, "high": 1, "medium": 0, "low": 0}
    # The tenant files' 19 storage zones, 6 tenant database backups, the site's audit log and the portal's
    # (CKAN) database backup; one identity per tenant (7), per tenant database backup (6), the portal's two.
    assert document["scanned"]["buckets"] == 27 and document["scanned"]["storageIdentities"] == 15
    assert json.loads(out.read_text("utf-8")) == document
    assert api.unexpected == []
    # The file is what ``govcloud report --findings`` reads.
    findings, skipped = load_findings(out)
    assert {(f.code, f.resource) for f in findings} == DRIFTED and skipped == []


def test_good_cluster_and_store_exit_0(
    tmp_path: Path, recorded_api: StartApi, provisioned: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = recorded_api("good")
    monkeypatch.setenv("KUBECONFIG", str(_kubeconfig(tmp_path, api.host, context="gdcc-national")))
    project = _project(tmp_path, provisioned.endpoint)
    as_json = _audit(
        "--project",
        str(project),
        "--plan",
        str(RECORDED_PLAN),
        "--context",
        "gdcc-national",
        "--now",
        NOW,
        "--format",
        "json",
    )
    assert as_json.exit_code == 0, as_json.output
    assert _json(as_json)["findings"] == []
    # The entry points were audited too: one HTTPS listener per approved name (dga, moph, nso, revenue and tmd
    # each ask for one hostname in their tenant file) and the portal's data.go.th.
    assert _json(as_json)["scanned"]["https listeners"] == 6
    assert api.unexpected == [], "the recording answers every request the audit makes"
    table = _audit("--project", str(project), "--plan", str(RECORDED_PLAN), "--now", NOW)
    assert table.exit_code == 0, table.output
    assert "national-prod: no findings" in table.stdout
    assert "not audited" not in table.stdout


def test_table_of_a_drifted_cluster_says_what_was_not_audited(tmp_path: Path, recorded_api: StartApi) -> None:
    api = recorded_api("drifted")
    result = _audit(
        "--plan", str(RECORDED_PLAN), "--kubeconfig", str(_kubeconfig(tmp_path, api.host)), "--now", NOW, "--no-storage"
    )
    assert result.exit_code == 1, result.output
    assert "AUD-DB-002" in result.stdout
    assert "findings: 0 critical, 1 high, 0 medium, 0 low" in result.stdout
    assert "storage not audited" in result.stdout


def test_without_a_plan_the_stack_is_synthesized_in_process(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govcloud.synth.engine import synthesize
    from govcloud.synth.plan import plan_document

    project = _project(tmp_path, store.endpoint, stack="dev")
    expected: ExpectedState = expected_state(plan_document(synthesize(project, "dev", "2026-11-25")))
    assert expected.buckets, "the dev stack declares buckets"
    provision(expected, store)
    store.s3.delete_bucket_encryption(Bucket=expected.buckets[0].spec.name)
    monkeypatch.chdir(project)
    result = runner.invoke(
        app, ["audit", "--stack", "dev", "--today", "2026-11-25", "--no-kubernetes", "--format", "json"]
    )
    assert result.exit_code == 1, result.output
    document = _json(result)
    assert document["stack"] == "dev" and document["notAudited"] == ["kubernetes"]
    assert _pairs(document) == {("AUD-S3-005", f"bucket {expected.buckets[0].spec.name}")}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--no-kubernetes", "--no-storage"], "nothing to audit"),
        (["--plan", "missing.json", "--no-storage"], "missing.json does not exist"),
        (["--plan", "{dev_plan}", "--no-storage"], "is the plan of stack 'dev', not 'national-prod'"),
        (["--plan", str(RECORDED_PLAN), "--no-storage", "--kubeconfig", "nowhere"], "kubeconfig nowhere does not"),
        (["--plan", str(RECORDED_PLAN), "--no-kubernetes", "--now", "yesterday"], "is not an ISO 8601 instant"),
        (["--plan", str(RECORDED_PLAN), "--no-kubernetes", "--project", "{tmp}"], "no stacks/ folder"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, arguments: list[str], message: str) -> None:
    dev_plan = tmp_path / "dev.json"
    dev_plan.write_text(json.dumps({"stack": "dev", "site": "national", "resources": []}), "utf-8")
    arguments = [a.format(dev_plan=dev_plan, tmp=tmp_path) for a in arguments]
    result = _audit(*arguments)
    assert result.exit_code == 2, result.output
    assert message in _text(result.stderr)
    assert "Traceback" not in result.output


def test_missing_store_credentials_and_unreachable_cluster_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "GOVCLOUD_S3_ACCESS_KEY_ID",
        "GOVCLOUD_S3_SECRET_ACCESS_KEY",
    ):
        monkeypatch.delenv(var, raising=False)
    no_keys = _audit("--project", str(REPO_ROOT), "--plan", str(RECORDED_PLAN), "--no-kubernetes")
    assert no_keys.exit_code == 2, no_keys.output
    assert "no store credentials" in _text(no_keys.stderr) and "--no-storage" in _text(no_keys.stderr)
    kubeconfig = _kubeconfig(tmp_path, f"http://127.0.0.1:{_closed_port()}")
    unreachable = _audit("--plan", str(RECORDED_PLAN), "--kubeconfig", str(kubeconfig), "--no-storage")
    assert unreachable.exit_code == 2, unreachable.output
    assert "cannot audit: cannot reach the Kubernetes API" in _text(unreachable.stderr)
