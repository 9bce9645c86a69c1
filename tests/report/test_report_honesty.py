"""An honest report: live findings override the plan's passes, findings of another stack or an older plan are
refused, and every code the audit can raise is listed with its meaning."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from govcloud.audit.findings import Finding, Severity
from govcloud.audit.run import AuditResult
from govcloud.contract.stack import StackDefinition, load_stack
from govcloud.report.codes import FINDING_CODES
from govcloud.report.command import register
from govcloud.report.model import FROM_AUDIT, build_report
from govcloud.report.render import render_html, render_markdown
from govcloud.synth.plan import plan_digest
from tests.program.conftest import synthesized

REPO_ROOT = Path(__file__).resolve().parents[2]
STACK = "national-prod"
TODAY = "2026-11-25"
GENERATED_AT = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)
CRITICAL = Finding("AUD-NET-004", Severity.CRITICAL, "nso", "NetworkPolicy nso/allow-all", "allows any address")


@pytest.fixture(scope="module")
def definition() -> StackDefinition:
    return load_stack(REPO_ROOT / "stacks", STACK, TODAY)


@pytest.fixture(scope="module")
def plan() -> dict[str, Any]:
    return synthesized(STACK)[1]


def test_a_live_finding_fails_the_mark_the_plan_passed(definition: StackDefinition, plan: dict[str, Any]) -> None:
    planned = build_report(definition, plan, None, GENERATED_AT)
    nso = next(t for t in planned.tenants if t.name == "nso")
    assert nso.check("isolated").status == "pass"

    audited = build_report(definition, plan, [CRITICAL], GENERATED_AT)
    nso = next(t for t in audited.tenants if t.name == "nso")
    assert (nso.check("isolated").status, nso.check("isolated").source) == ("fail", FROM_AUDIT)
    assert nso.check("encrypted").status == "pass"  # only the mark of the finding's area

    def passing(markdown: str) -> str:
        return next(line for line in markdown.splitlines() if "tenants passing every check" in line)

    whole = len(audited.tenants)
    assert f"{whole} of {whole}" in passing(render_markdown(planned, "en"))
    assert f"{whole - 1} of {whole}" in passing(render_markdown(audited, "en"))
    assert "Live findings override the plan's marks in the overview: nso" in render_markdown(audited, "en")
    assert 'id="overrides"' in render_html(audited, "th")


def test_a_low_finding_does_not_fail_a_mark(definition: StackDefinition, plan: dict[str, Any]) -> None:
    low = Finding("AUD-RBAC-001", Severity.LOW, "nso", "Role nso/viewer", "declared Role is missing")
    nso = next(t for t in build_report(definition, plan, [low], GENERATED_AT).tenants if t.name == "nso")
    assert all(c.status != "fail" for c in nso.checks)


def test_every_code_is_listed_with_its_meaning_in_both_languages(
    definition: StackDefinition, plan: dict[str, Any]
) -> None:
    report = build_report(definition, plan, None, GENERATED_AT)
    english, thai = render_markdown(report, "en"), render_html(report, "th")
    for code, info in FINDING_CODES.items():
        assert f"| `{code}` | {info.en} |" in english
        assert f"<code>{code}</code></td><td>{info.th}</td>" in thai


def test_the_code_table_is_every_code_the_audit_can_raise() -> None:
    source = "\n".join(p.read_text("utf-8") for p in (REPO_ROOT / "govcloud" / "audit").glob("*.py"))
    raised = set(re.findall(r'"(AUD-[A-Z0-9]+-[0-9]+)"', source))
    assert raised == set(FINDING_CODES), (
        f"undocumented: {sorted(raised - set(FINDING_CODES))}; no longer raised: {sorted(set(FINDING_CODES) - raised)}"
    )
    assert all(info.check in (None, "isolated", "encrypted", "backedUp", "quotaBound", "protected",
                              "agreementsOnly") for info in FINDING_CODES.values())  # fmt: skip


# ----------------------------------------------------------------------------------------- provenance


@pytest.fixture
def cli() -> Iterator[typer.Typer]:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Group."""

    register(app)
    yield app


def _audit_file(tmp_path: Path, plan: dict[str, Any], **override: Any) -> Path:
    result = AuditResult(STACK, "national", GENERATED_AT, (CRITICAL,), plan_digest=plan_digest(plan))
    document = result.as_json() | override
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(document), "utf-8")
    return path


def _report(cli: typer.Typer, tmp_path: Path, plan: dict[str, Any], findings: Path) -> Any:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan), "utf-8")
    return CliRunner().invoke(
        cli,
        ["report", "--stack", STACK, "--project", str(REPO_ROOT), "--today", TODAY, "--plan", str(plan_file),
         "--findings", str(findings), "--lang", "en", "--format", "md", "--out", str(tmp_path / "out")],
    )  # fmt: skip


def test_the_audit_records_its_stack_and_plan(tmp_path: Path, plan: dict[str, Any], cli: typer.Typer) -> None:
    result = _report(cli, tmp_path, plan, _audit_file(tmp_path, plan))
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "report.en.md").read_text("utf-8")
    assert "AUD-NET-004" in text and "override the plan's marks" in text


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"stack": "th76-prod"}, "holds the findings of stack 'th76-prod', not 'national-prod'"),
        ({"planDigest": "sha256:" + "0" * 64}, "was audited against another plan"),
        ({"planDigest": ""}, "does not say which stack and plan it audited"),
        ({"findings": [{**CRITICAL.as_json(), "code": "AUD-XYZ-001"}]}, "codes no govcloud audit raises: AUD-XYZ-001"),
    ],
)
def test_findings_of_another_stack_or_plan_are_refused(
    tmp_path: Path, plan: dict[str, Any], cli: typer.Typer, override: dict[str, Any], message: str
) -> None:
    result = _report(cli, tmp_path, plan, _audit_file(tmp_path, plan, **override))
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert not (tmp_path / "out").exists()


def test_a_bare_list_of_findings_is_refused(tmp_path: Path, plan: dict[str, Any], cli: typer.Typer) -> None:
    bare = tmp_path / "list.json"
    bare.write_text(json.dumps([CRITICAL.as_json()]), "utf-8")
    result = _report(cli, tmp_path, plan, bare)
    assert result.exit_code == 2 and "does not say which stack and plan" in " ".join(result.output.split())
