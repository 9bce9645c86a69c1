"""The auditors' report: its numbers, its two languages, its three formats, and how a real browser shows it."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
import struct
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.testing import CliRunner

from govcloud.audit.findings import Finding, Severity
from govcloud.contract.quantity import parse_quantity
from govcloud.contract.rules import AgreementStatus
from govcloud.contract.sharing import DataSharingAgreement
from govcloud.contract.stack import Agreement, StackDefinition, load_stack
from govcloud.contract.tenant import TenantRequest
from govcloud.contract.vocabulary import TIER_PRESETS, Ministry, Tier
from govcloud.policy.baseline import POLICIES
from govcloud.report import i18n
from govcloud.report.command import register
from govcloud.report.i18n import MESSAGES, Translator, placeholders
from govcloud.report.model import CHECKS, ReportData, build_report, report_from_json
from govcloud.report.render import render_html, render_json, render_markdown, write_report
from govcloud.synth.plan import plan_digest
from tests.prerequisites import missing
from tests.program.conftest import REPO_ROOT, TODAY, resources_of, synthesized
from tests.unit.contract_helpers import SITE, agreement, tenant

GENERATED_AT = dt.datetime(2026, 11, 25, 3, 30, tzinfo=dt.timezone.utc)
STACK = "national-prod"
GIB, TIB = 2**30, 2**40


# --- fixtures -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def definition() -> StackDefinition:
    return load_stack(REPO_ROOT / "stacks", STACK, TODAY)


@pytest.fixture(scope="module")
def plan() -> dict[str, Any]:
    return synthesized(STACK)[1]


@pytest.fixture(scope="module")
def report(definition: StackDefinition, plan: dict[str, Any]) -> ReportData:
    return build_report(definition, plan, None, GENERATED_AT)


FINDINGS = (
    Finding("AUD-NET-002", Severity.HIGH, "nso", "NetworkPolicy nso/default-deny-all", "default deny is missing"),
    Finding("AUD-S3-001", Severity.LOW, None, "bucket national-tmd-raw", "lifecycle drifted", {"days": 90}),
)


def _requests() -> dict[str, dict[str, Any]]:
    """The national-prod request files, read as plain YAML (independently of the contract models)."""
    folder = REPO_ROOT / "stacks" / STACK / "tenants"
    return {p.stem: yaml.safe_load(p.read_text("utf-8"))["spec"] for p in sorted(folder.glob("*.yaml"))}


# --- the model: numbers an auditor would recompute by hand -----------------------------------------------


def test_capacity_per_ministry_is_the_sum_of_each_tenants_effective_quota(report: ReportData) -> None:
    expected: dict[str, dict[str, Decimal]] = {}
    counts: dict[str, int] = {}
    for spec in _requests().values():
        preset, override = TIER_PRESETS[Tier(spec["tier"])], spec.get("quota") or {}
        ministry = spec["agency"]["ministry"]
        sums = expected.setdefault(ministry, {"cpu": Decimal(0), "memory": Decimal(0), "storage": Decimal(0)})
        sums["cpu"] += parse_quantity(override["cpu"]) if "cpu" in override else preset.cpu
        sums["memory"] += parse_quantity(override["memory"]) if "memory" in override else preset.memory
        sums["storage"] += parse_quantity(override["storage"]) if "storage" in override else preset.storage
        counts[ministry] = counts.get(ministry, 0) + 1
    got = {c.ministry: {"cpu": c.cpu, "memory": c.memory, "storage": c.storage} for c in report.capacity}
    assert got == expected
    assert {c.ministry: len(c.tenants) for c in report.capacity} == counts
    # and by hand, for the one ministry with two tenants: NSO overrides (48, 192Gi, 3Ti) + TMD medium preset
    mdes = next(c for c in report.capacity if c.ministry == "MDES")
    assert (mdes.tenants, mdes.cpu, mdes.memory, mdes.storage) == (
        ("nso", "tmd"),
        Decimal(80),
        Decimal(320 * GIB),
        Decimal(5 * TIB),
    )
    total = report.capacity_total
    assert total.cpu == sum(s["cpu"] for s in expected.values()) == 384
    assert total.storage == sum(s["storage"] for s in expected.values())
    assert len(total.tenants) == 7


def test_access_matrix_lists_the_two_active_agreements_and_the_expired_one_separately(report: ReportData) -> None:
    access = report.access
    assert [g.agreement for g in access.active] == ["doae-to-nso-farmer-registry", "moph-to-nso-health-stats"]
    assert [g.agreement for g in access.expired] == ["tmd-to-nso-rainfall-2023"]
    assert access.pending == ()
    moph = access.active[1]
    assert (moph.consumer, moph.provider, moph.zone, moph.prefix) == ("nso", "moph", "curated", "health-statistics/")
    assert moph.location == "s3://national-moph-curated/health-statistics/"
    assert moph.consumer_th == "สำนักงานสถิติแห่งชาติ"
    assert moph.legal_basis == "PDPA section 24(4): public task"
    assert moph.valid_until == dt.date(2027, 12, 31)
    assert moph.days_remaining == (dt.date(2027, 12, 31) - dt.date(2026, 11, 25)).days == 401
    assert access.expired[0].days_remaining is None and access.expired[0].legal_basis is None
    nso = next(t for t in report.tenants if t.name == "nso")
    assert nso.reads_from == ("doae-to-nso-farmer-registry", "moph-to-nso-health-stats")
    assert next(t for t in report.tenants if t.name == "tmd").shares_with == ()  # its agreement expired


def test_tenant_summaries_and_evidence_are_counted_from_the_plan(report: ReportData, plan: dict[str, Any]) -> None:
    requests = _requests()
    assert [t.name for t in report.tenants] == sorted(requests)
    for summary in report.tenants:
        spec = requests[summary.name]
        assert (summary.name_th, summary.name_en) == (spec["agency"]["nameTh"], spec["agency"]["nameEn"])
        assert summary.classification == spec["classification"]
        assert summary.evidence.network_policies == len(resources_of(plan, "NetworkPolicy", summary.name))
        assert summary.evidence.default_deny and summary.evidence.pod_security == "restricted"
        assert [c.key for c in summary.checks] == list(CHECKS)
        assert all(c.status == "pass" for c in summary.checks), summary.checks
    nso = next(t for t in report.tenants if t.name == "nso")
    assert dict((r.role, r.groups) for r in nso.evidence.rbac) == {
        "admin": ("nso-platform-admins",),
        "engineer": ("nso-data-engineers",),
        "analyst": ("nso-statisticians",),
        "viewer": ("nso-executives",),
    }
    assert nso.analytics == ("jupyterhub", "superset", "trino", "spark")
    assert nso.database is not None and nso.database.backup_retention_days == 30
    db = nso.evidence.database
    assert db is not None and db.backup_encryption == "AES256" and db.tls_required
    assert db.storage_class == "gdcc-encrypted-ssd" and db.backup_schedule is not None
    assert nso.evidence.read_grants == (
        "national-doae-curated/farmer-registry/aggregates/",
        "national-moph-curated/health-statistics/",
    )
    types = {d.type for d in nso.evidence.data_resources}
    assert {"Namespace", "Cluster", "Bucket"} <= types
    dga = next(t for t in report.tenants if t.name == "dga")
    assert dga.database is None and dga.evidence.database is None


def test_duplication_flags_the_ministry_whose_two_tenants_run_the_same_analytics(report: ReportData) -> None:
    assert [(d.ministry, d.tenants, d.shared_services) for d in report.duplication] == [
        ("MDES", ("nso", "tmd"), ("jupyterhub", "spark"))
    ]


def test_control_matrix_has_every_policy_and_fails_the_violated_ones(
    definition: StackDefinition, plan: dict[str, Any], report: ReportData
) -> None:
    assert [c.policy_id for c in report.controls] == [p.id for p in POLICIES]
    assert all(c.status == "pass" for c in report.controls)
    assert report.controls[0].controls == POLICIES[0].controls
    broken = dict(plan)
    broken["policyViolations"] = [
        {
            "policy": f"{POLICIES[0].id} {POLICIES[0].name}",
            "urn": "urn:x::y::nso-db",
            "message": "not protected",
            "enforcement": "mandatory",
        },
        {"policy": "GC-NEW-999 brand-new", "urn": "urn:x::y::z", "message": "m", "enforcement": "advisory"},
    ]
    rows = {c.policy_id: c for c in build_report(definition, broken, None, GENERATED_AT).controls}
    assert rows[POLICIES[0].id].status == "fail"
    assert [v.resource for v in rows[POLICIES[0].id].violations] == ["nso-db"]
    assert rows["GC-NEW-999"].status == "fail" and rows["GC-NEW-999"].name == "brand-new"
    assert rows[POLICIES[1].id].status == "pass"


def _without(plan: dict[str, Any], drop: Any) -> dict[str, Any]:
    changed = copy.deepcopy(plan)
    changed["resources"] = [r for r in changed["resources"] if not drop(r)]
    return changed


def _checks(data: ReportData, name: str) -> dict[str, str]:
    return {c.key: c.status for c in next(t for t in data.tenants if t.name == name).checks}


def test_checks_fail_when_the_plan_lacks_the_evidence(definition: StackDefinition, plan: dict[str, Any]) -> None:
    no_deny = _without(plan, lambda r: r["name"] == "tmd-default-deny-all")
    assert _checks(build_report(definition, no_deny, None, GENERATED_AT), "tmd")["isolated"] == "fail"

    unprotected = copy.deepcopy(plan)
    for resource in unprotected["resources"]:
        if resource["type"].endswith(":Bucket") and resource["name"].startswith("doae-"):
            resource["protect"] = False
    assert _checks(build_report(definition, unprotected, None, GENERATED_AT), "doae")["protected"] == "fail"

    widened = copy.deepcopy(plan)
    for resource in widened["resources"]:
        if resource["type"].endswith(":StorageIdentity") and resource["name"] == "govcloud-national-prod-nso":
            resource["inputs"]["read_grants"].append({"bucket": "national-tmd-curated", "prefix": "rainfall/daily/"})
    data = build_report(definition, widened, None, GENERATED_AT)
    nso = next(t for t in data.tenants if t.name == "nso")
    assert nso.evidence.unexpected_grants == ("national-tmd-curated/rainfall/daily/",)  # the expired agreement
    assert _checks(data, "nso")["agreementsOnly"] == "fail"

    no_backup = _without(plan, lambda r: r["type"].endswith(":ScheduledBackup") and r["name"].startswith("moph-"))
    assert _checks(build_report(definition, no_backup, None, GENERATED_AT), "moph")["backedUp"] == "fail"

    gone = copy.deepcopy(plan)
    gone["tenants"] = [t for t in gone["tenants"] if t != "dga"]
    gone = _without(gone, lambda r: "dga" in r["urn"])
    data = build_report(definition, gone, None, GENERATED_AT)
    assert set(_checks(data, "dga").values()) == {"fail"}
    assert [(n.code, n.subject) for n in data.notices] == [("tenant-not-in-plan", "dga")]
    assert "ข้อสังเกตเกี่ยวกับหลักฐาน" in render_html(data, "th")
    assert "Tenant dga is declared in the stack but absent from the plan" in render_markdown(data, "en")


def test_no_audit_is_never_shown_as_a_clean_audit(
    report: ReportData, definition: StackDefinition, plan: dict[str, Any]
) -> None:
    assert report.audit is None and all(t.findings is None for t in report.tenants)
    assert "no live audit supplied" in render_html(report, "en")
    clean = build_report(definition, plan, [], GENERATED_AT)
    assert clean.audit is not None and "found no difference" in render_html(clean, "en")
    audited = build_report(definition, plan, list(FINDINGS), GENERATED_AT, audit_skipped=["storage"])
    assert audited.audit is not None
    assert [f.code for f in audited.audit.findings] == ["AUD-NET-002", "AUD-S3-001"]
    assert {t.name: t.findings for t in audited.tenants}["nso"] == 1
    html = render_html(audited, "th")
    assert "AUD-NET-002" in html and "ส่วนที่การตรวจสอบไม่ได้ตรวจ: storage" in html


def test_json_round_trips(definition: StackDefinition, plan: dict[str, Any], report: ReportData) -> None:
    text = render_json(report)
    document = json.loads(text)
    assert document["stack"] == STACK and document["asOf"] == "2026-11-25"
    assert document["capacity"][0]["ministry"] == "MDES" and document["capacity"][0]["cpu"] == 80
    assert report_from_json(document) == report
    audited = build_report(definition, plan, list(FINDINGS), GENERATED_AT, audit_skipped=["storage"])
    assert report_from_json(json.loads(render_json(audited))) == audited
    assert "ผ่าน" not in text  # language-neutral: data only, no translated labels


# --- the two languages -----------------------------------------------------------------------------------


def test_catalog_is_complete_in_both_languages() -> None:
    thai = re.compile(r"[\u0E00-\u0E7F]")
    for key, entry in MESSAGES.items():
        assert set(entry) == {"th", "en"}, key
        assert placeholders(entry["th"]) == placeholders(entry["en"]), key
        assert thai.search(entry["th"]), f"{key}: the Thai text has no Thai in it"
    for ministry in Ministry:
        assert f"ministry.{ministry.value}" in MESSAGES
    t = Translator("th")
    assert [t.term("classification", c) for c in ("public", "internal", "confidential", "secret")] == [
        "เปิดเผย",
        "ชั้นเผยแพร่ภายในองค์กร",
        "ลับ",
        "ลับมาก",
    ]


def test_every_policy_has_a_current_thai_translation() -> None:
    """A policy whose English changed falls back to English in the Thai report; this says which to retranslate."""
    stale = [
        f"{p.id}.{field}"
        for p in POLICIES
        for field, english in (("description", p.description), ("rationale", p.rationale))
        if MESSAGES.get(f"policy.{p.id}.{field}", {}).get("en") != english
    ]
    assert stale == [], "translate these in govcloud/report/i18n.py"


def _headings(lang: i18n.Lang) -> list[str]:
    """Every section heading (notices appear only when there are some; a test below shows them)."""
    return [entry[lang] for key, entry in MESSAGES.items() if key.startswith("h.") and key != "h.notices"]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_each_language_has_its_headings_and_the_thai_agency_names(report: ReportData, lang: i18n.Lang) -> None:
    other: i18n.Lang = "en" if lang == "th" else "th"
    for text in (render_html(report, lang), render_markdown(report, lang)):
        for heading in _headings(lang):
            assert heading in text, heading
        for heading in _headings(other):
            assert heading not in text, heading
        for summary in report.tenants:
            assert summary.name_th in text and summary.name_en in text
    th = render_markdown(report, "th")
    assert "ลับมาก" in th and "ชั้นเผยแพร่ภายในองค์กร" in th and "เปิดเผย" in th
    assert "25 พ.ย. 2569" in th  # dates in the Buddhist Era for Thai readers
    assert "2026-11-25" in render_markdown(report, "en")


def _cells(line: str) -> int:
    """Cells in a Markdown table row: unescaped pipes minus one."""
    pipes, escaped = 0, False
    for char in line:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            pipes += 1
    return pipes - 1


def assert_tables_well_formed(markdown: str) -> int:
    lines, tables, index = markdown.splitlines(), 0, 0
    while index < len(lines):
        if not lines[index].startswith("|"):
            index += 1
            continue
        assert index > 0 and lines[index - 1] == "", f"table without a blank line before it: {lines[index]}"
        block = []
        while index < len(lines) and lines[index].startswith("|"):
            block.append(lines[index])
            index += 1
        header, separator, *rows = block
        width = _cells(header)
        assert re.fullmatch(r"\|(\s*:?-{3,}:?\s*\|)+", separator), separator
        assert _cells(separator) == width, separator
        for row in rows:
            assert row.endswith("|") and _cells(row) == width, row
        assert rows, header
        tables += 1
    return tables


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_markdown_tables_are_well_formed(report: ReportData, lang: i18n.Lang) -> None:
    # overview, 7 tenant details, controls, 2 agreement tables (pending is empty), capacity, duplication
    assert assert_tables_well_formed(render_markdown(report, lang)) == 14  # 13 + the audit codes


# --- safety: one self-contained file, and agency text never becomes markup ---------------------------------

FETCHES = re.compile(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:|//)|url\(|@import""", re.I)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_html_is_one_self_contained_file(report: ReportData, lang: i18n.Lang) -> None:
    html = render_html(report, lang)
    assert f'<html lang="{lang}">' in html
    assert not FETCHES.search(html), FETCHES.search(html)
    assert "<script" not in html.lower() and "<link" not in html.lower() and "<iframe" not in html.lower()
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert re.search(r'font-family:\s*"Noto Sans Thai", "Sarabun",[^;]*sans-serif;', html)
    assert html.count("<svg") == 3 and "@media print" in html


def _hostile_stack() -> StackDefinition:
    alpha = tenant(
        "alpha",
        "AB",
        agency={
            "code": "AB",
            "nameTh": 'หน่วยงาน <ทดสอบ> & "คำพูด"',
            "nameEn": "A&B <Unit> <script>alert(1)</script>",
            "ministry": "MDES",
        },
        storage={"zones": ["raw", "curated"], "quota": "1Ti"},
    )
    beta = tenant("beta", "BETA")
    deal = agreement(
        "alpha-to-beta",
        provider={"tenant": "alpha", "zone": "curated", "prefix": "a(b)c!/"},
        consumer={"tenant": "beta"},
        purpose="Research | <img src=x onerror=alert(1)> & more [log in](https://data.go.th/user/login) **now**",
        approvedBy={"name": "Somchai Jaidee", "email": "somchai.j@alpha.go.th", "reference": "[ref](http://x)"},
    )
    requests = tuple(TenantRequest.model_validate(t) for t in (alpha, beta))
    sharing = (Agreement(DataSharingAgreement.model_validate(deal), AgreementStatus.ACTIVE),)
    return StackDefinition("hostile", SITE, requests, sharing, dt.date(2026, 11, 25))


def test_agency_supplied_text_is_escaped_in_html_and_markdown() -> None:
    empty_plan = {
        "stack": "hostile",
        "tenants": [],
        "resources": [],
        "sharing": [],
        "policyViolations": [
            {"policy": "GC-X-1 x", "urn": "u::<b>r</b>", "message": "<i>m</i>", "enforcement": "advisory"}
        ],
    }
    findings = [Finding("AUD-1", Severity.HIGH, "alpha", "<svg onload=x>", "<script>bad()</script>")]
    data = build_report(_hostile_stack(), empty_plan, findings, GENERATED_AT)
    for lang in i18n.LANGUAGES:
        html = render_html(data, lang)
        assert "<script>" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
        assert "<svg onload" not in html
        assert "A&amp;B &lt;Unit&gt; &lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        markdown = render_markdown(data, lang)
        assert "<script>" not in markdown and "<img" not in markdown
        assert "A&B &lt;Unit&gt;" in markdown and "Research \\| &lt;img" in markdown
        # Markdown syntax in free text stays text: no link, no emphasis.
        assert "](https://" not in markdown and "](http://" not in markdown and "**now**" not in markdown
        assert "\\[log in\\](https\\://data\\.go\\.th/user/login) \\*\\*now\\*\\*" in markdown
        assert_tables_well_formed(markdown)
    assert report_from_json(json.loads(render_json(data))) == data


# --- the command -----------------------------------------------------------------------------------------


@pytest.fixture
def cli() -> Iterator[typer.Typer]:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Stand-in for govcloud.cli.app until the lead registers the command there."""

    register(app)
    yield app


def test_command_synthesizes_and_writes_every_file(cli: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = CliRunner().invoke(
        cli, ["report", "--stack", STACK, "--project", str(REPO_ROOT), "--today", TODAY, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    names = ["report.th.html", "report.en.html", "report.th.md", "report.en.md", "report.json"]
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    for name in names:
        assert str(out / name) in result.output
    data = report_from_json(json.loads((out / "report.json").read_text("utf-8")))
    assert len(data.access.active) == 2 and data.audit is None


def test_command_uses_a_given_plan_and_findings(cli: typer.Typer, tmp_path: Path, plan: dict[str, Any]) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan), "utf-8")
    findings = tmp_path / "audit.json"
    recorded = {"stack": STACK, "planDigest": plan_digest(plan)}  # what `govcloud audit --out` records
    findings.write_text(
        json.dumps({**recorded, "findings": [f.as_json() for f in FINDINGS], "notAudited": ["storage"]})
    )
    base = ["report", "--stack", STACK, "--project", str(REPO_ROOT), "--today", TODAY, "--plan", str(plan_file)]
    result = CliRunner().invoke(
        cli, [*base, "--findings", str(findings), "--lang", "en", "--format", "html", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "o").iterdir()] == ["report.en.html"]
    html = (tmp_path / "o" / "report.en.html").read_text("utf-8")
    assert "AUD-NET-002" in html and "Not checked by the audit: storage" in html

    result = CliRunner().invoke(
        cli, [*base, "--findings", str(findings), "--format", "json", "--out", str(tmp_path / "j")]
    )
    assert result.exit_code == 0, result.output
    assert len(json.loads((tmp_path / "j" / "report.json").read_text("utf-8"))["audit"]["findings"]) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stack", "dev", "--plan", "PLAN"], "is the plan of stack 'national-prod', not 'dev'"),
        (["--stack", STACK, "--findings", "BAD"], "finding 1 is not a govcloud finding"),
        (["--stack", STACK, "--plan", "MISSING"], "does not exist"),
        (["--stack", STACK, "--lang", "fr"], "fr"),
    ],
)
def test_command_refuses_bad_input_with_exit_2(
    cli: typer.Typer, tmp_path: Path, plan: dict[str, Any], args: list[str], message: str
) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan), "utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"code": "X", "severity": "catastrophic", "resource": "r", "message": "m"}]))
    replace = {"PLAN": str(plan_file), "BAD": str(bad), "MISSING": str(tmp_path / "nope.json")}
    args = [replace.get(a, a) for a in args]
    if "--plan" not in args:
        args += ["--plan", str(plan_file)]
    result = CliRunner().invoke(cli, ["report", "--project", str(REPO_ROOT), "--today", TODAY, *args])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())  # the console wraps long lines


def test_write_report_selects_languages_and_formats(report: ReportData, tmp_path: Path) -> None:
    written = write_report(report, tmp_path, ["th"], ["md", "json"])
    assert [p.name for p in written] == ["report.th.md", "report.json"]


# --- a real browser ----------------------------------------------------------------------------------------

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Nothing can leave the machine: every host name fails to resolve. Requests are still logged.
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        missing("chromium not installed (apt-get install chromium)")
    return found


def run_chromium(binary: str, workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = workdir / f"profile-{len(list(workdir.glob('profile-*')))}"
    result = subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def page_requests(net_log: Path) -> list[str]:
    """URLs the network service was asked to fetch *for a file:// page* (not Chromium's own housekeeping).

    Chromium starts a URL request for every network fetch, including ones that then fail DNS, and logs it
    as URL_REQUEST_START_JOB with the requesting page's site in ``network_isolation_key``. Its background
    requests (component updater, account checks, time sync: they happen even with
    --disable-background-networking) carry an opaque or google.com key instead, so filtering on the
    ``file://`` key keeps exactly what the report page asked for. The file:// load itself never enters the
    network stack, so for a self-contained page the list must be empty.
    """
    text = net_log.read_text("utf-8").rstrip()
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # a log cut short is still an event list; close it
        log = json.loads(text.rstrip(",") + "]}")
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return sorted(
        {
            str(event["params"]["url"])
            for event in log["events"]
            if event.get("type") == start_job
            and "url" in event.get("params", {})
            and "file://" in str(event["params"].get("network_isolation_key", ""))
        }
    )


@pytest.fixture(scope="module")
def html_report(report: ReportData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("html")
    return write_report(report, folder, ["en"], ["html"])[0]


def test_browser_renders_the_report_and_fetches_nothing(chromium: str, html_report: Path, tmp_path: Path) -> None:
    """Dump the DOM Chromium built, and prove from its net log that the page fetched nothing.

    The report's Content-Security-Policy would block an external fetch before it reaches the network, so
    the page is loaded with that meta tag removed: the test checks the markup itself, and the CSP stays an
    independent second guard. A canary page with an external image and stylesheet is loaded the same way
    first, so the net-log check is known to see such fetches and cannot pass vacuously.
    """
    canary = tmp_path / "canary.html"
    canary.write_text(
        '<!DOCTYPE html><p>canary</p><img src="http://canary.example.invalid/x.png">'
        '<link rel="stylesheet" href="https://canary.example.invalid/a.css">',
        "utf-8",
    )
    canary_log = tmp_path / "canary-net.json"
    run_chromium(chromium, tmp_path, f"--log-net-log={canary_log}", "--dump-dom", canary.as_uri())
    canaries = {"http://canary.example.invalid/x.png", "https://canary.example.invalid/a.css"}
    assert canaries <= set(page_requests(canary_log)), "the net log no longer shows a page's fetches"

    page = tmp_path / "report.en.html"
    html = html_report.read_text("utf-8")
    page.write_text(re.sub(r"<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "", html), "utf-8")
    assert "Content-Security-Policy" not in page.read_text("utf-8")
    net_log = tmp_path / "net.json"
    dom = run_chromium(chromium, tmp_path, f"--log-net-log={net_log}", "--dump-dom", page.as_uri()).stdout
    assert page_requests(net_log) == []
    assert '<table id="tenants-table"' in dom
    assert dom.count("<svg") == 3
    assert "สำนักงานสถิติแห่งชาติ" in dom and "National Statistical Office" in dom
    rows = re.search(r'<table id="tenants-table".*?</table>', dom, re.S)
    assert rows is not None and rows.group(0).count("<tr>") == 1 + 7


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def test_browser_screenshot_is_a_real_page(chromium: str, html_report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    run_chromium(chromium, tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", html_report.as_uri())
    assert shot.is_file()
    assert _png_size(shot) == (1280, 2000)
    assert shot.stat().st_size > 50_000  # a blank page is a few kilobytes; text, tables and colour are not


def test_browser_draws_thai_glyphs_not_boxes(chromium: str, tmp_path: Path) -> None:
    """Thai consonants must not render like unassigned code points (which every font draws as a box)."""
    fc_list = shutil.which("fc-list")
    if fc_list and not subprocess.run([fc_list, ":lang=th"], capture_output=True, text=True).stdout.strip():
        missing("no Thai font installed (apt-get install fonts-noto-core): Thai would render as boxes")
    shots: dict[str, bytes] = {}
    for name, text in (("ko-kai", "ก"), ("kho-khai", "ข"), ("blank", ""), ("box-a", "\ue000"), ("box-b", "\ue001")):
        page = tmp_path / f"{name}.html"
        page.write_text(
            f'<!DOCTYPE html><html lang="th"><body style="margin:0;font-size:96px;font-family:'
            f"'Noto Sans Thai','Sarabun',sans-serif\">{text}</body></html>",
            "utf-8",
        )
        shot = tmp_path / f"{name}.png"
        run_chromium(chromium, tmp_path, f"--screenshot={shot}", "--window-size=200,160", page.as_uri())
        shots[name] = shot.read_bytes()
    # The measure is sound: two different unassigned code points draw the same box, and a box is not blank.
    assert shots["box-a"] == shots["box-b"], "the fallback glyph differs per code point: this check can't see boxes"
    assert shots["box-a"] != shots["blank"]
    # Thai consonants draw as real, distinct glyphs: not blank, not the box, not one another.
    assert shots["ko-kai"] != shots["kho-khai"], "Thai text renders as boxes: install a Thai font (fonts-noto-core)"
    assert {shots["ko-kai"], shots["kho-khai"]}.isdisjoint({shots["box-a"], shots["blank"]})
