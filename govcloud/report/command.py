"""``govcloud report``: the auditors' report for one stack, in Thai and English, as HTML, Markdown and JSON.

Shared CLI helpers come from ``govcloud.console``;
everything heavy is imported lazily (the model pulls in the Pulumi SDK): ``govcloud --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from govcloud.audit.findings import Finding, Severity
from govcloud.contract.problems import UsageError
from govcloud.report.i18n import LANGUAGES, Lang


class LanguageChoice(str, Enum):
    TH = "th"
    EN = "en"
    BOTH = "both"


class FormatChoice(str, Enum):
    HTML = "html"
    MD = "md"
    JSON = "json"
    ALL = "all"


def load_findings(path: Path) -> tuple[list[Finding], list[str]]:
    """Audit findings from JSON: a list of ``Finding.as_json()``, or an object with ``findings``.

    Such an object may also list the sides the audit did not look at (``notAudited``), which the report
    must show so an audit that skipped the object store never reads as clean.
    """
    if not path.is_file():
        raise UsageError(f"findings file {path} does not exist")
    try:
        data: Any = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"cannot read findings file {path}: {error}") from None
    skipped: Any = []
    if isinstance(data, dict):
        skipped = data.get("notAudited") or data.get("skipped") or []
        data = data.get("findings")
    if not isinstance(data, list) or not isinstance(skipped, list):
        raise UsageError(f"{path} must hold a list of findings or an object with a 'findings' list")
    findings = []
    for index, item in enumerate(data, start=1):
        try:
            findings.append(
                Finding(
                    code=str(item["code"]),
                    severity=Severity(item["severity"]),
                    tenant=None if item.get("tenant") is None else str(item["tenant"]),
                    resource=str(item["resource"]),
                    message=str(item["message"]),
                    evidence=dict(item.get("evidence") or {}),
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise UsageError(f"{path}: finding {index} is not a govcloud finding ({error})") from None
    return findings, [str(side) for side in skipped]


def check_provenance(path: Path, stack: str, document: dict[str, Any], findings: list[Finding]) -> None:
    """Refuse findings that do not describe this report's stack and plan, or that no audit could raise.

    ``govcloud audit --out FILE`` records the stack and the digest of the plan it audited against; a report
    built from another stack's findings, or from findings about an older plan, would describe a platform that
    is not the one in front of the auditor.
    """
    from govcloud.report.codes import FINDING_CODES
    from govcloud.synth.plan import plan_digest

    data: Any = json.loads(path.read_text("utf-8"))
    recorded = data if isinstance(data, dict) else {}
    if not recorded.get("stack") or not recorded.get("planDigest"):
        raise UsageError(
            f"{path} does not say which stack and plan it audited: use the file `govcloud audit --stack {stack} "
            "--out FILE` writes"
        )
    if recorded["stack"] != stack:
        raise UsageError(f"{path} holds the findings of stack '{recorded['stack']}', not '{stack}'")
    digest = plan_digest(document)
    if recorded["planDigest"] != digest:
        raise UsageError(
            f"{path} was audited against another plan ({recorded['planDigest'][:19]}…, this report's is "
            f"{digest[:19]}…): the stack changed since the audit; run `govcloud audit --stack {stack}` again"
        )
    unknown = sorted({f.code for f in findings} - set(FINDING_CODES))
    if unknown:
        raise UsageError(f"{path} holds codes no govcloud audit raises: {', '.join(unknown)}")


def load_plan(path: Path, stack: str) -> dict[str, Any]:
    """A plan written by ``govcloud synth``; refuses another stack's plan rather than mislabel a report."""
    from govcloud.synth.plan import read_plan

    if not path.exists():
        raise UsageError(f"plan {path} does not exist")
    try:
        document = read_plan(path)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"cannot read plan {path}: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("resources"), list):
        raise UsageError(f"{path} is not a govcloud plan (it has no resources list)")
    if document.get("stack") != stack:
        raise UsageError(f"{path} is the plan of stack '{document.get('stack')}', not '{stack}'")
    return document


def synthesized_plan(project: Path, stack: str, today: dt.date) -> dict[str, Any]:
    """Synthesize the plan in-process, with policy results, exactly as ``govcloud synth`` does."""
    from govcloud.synth.engine import synthesize
    from govcloud.synth.plan import plan_document
    from govcloud.synth.policy import run_policies

    result = synthesize(project, stack, today.isoformat())
    return plan_document(result, run_policies(plan_document(result)))


def _selected(lang: LanguageChoice, fmt: FormatChoice) -> tuple[list[Lang], list[str]]:
    choices: dict[LanguageChoice, list[Lang]] = {
        LanguageChoice.TH: ["th"],
        LanguageChoice.EN: ["en"],
        LanguageChoice.BOTH: list(LANGUAGES),
    }
    languages = choices[lang]
    formats = [f.value for f in FormatChoice if f is not FormatChoice.ALL] if fmt is FormatChoice.ALL else [fmt.value]
    return languages, formats


def report(
    stack: Annotated[str, typer.Option("--stack", "-s", help="Stack name, e.g. national-prod.")],
    project: Annotated[
        Path, typer.Option("--project", help="The govcloud project folder (holds Pulumi.yaml and stacks/).")
    ] = Path("."),
    today: Annotated[
        str | None,
        typer.Option(
            "--today", help="Fix 'today' (YYYY-MM-DD) for agreement windows; default GOVCLOUD_TODAY or the date."
        ),
    ] = None,
    plan: Annotated[
        Path | None, typer.Option("--plan", help="Use this plan.json (or synth folder) instead of synthesizing.")
    ] = None,
    findings: Annotated[
        Path | None, typer.Option("--findings", help="Live audit findings (JSON) to include in the report.")
    ] = None,
    lang: Annotated[LanguageChoice, typer.Option("--lang", help="Report language.")] = LanguageChoice.BOTH,
    fmt: Annotated[FormatChoice, typer.Option("--format", help="Output format.")] = FormatChoice.ALL,
    out_dir: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output folder; default out/<stack>/report.")
    ] = None,
) -> None:
    """Write the auditors' report: isolation, encryption, backup, quotas, controls and data sharing."""
    from govcloud import console as cli  # the shared exit codes and consoles
    from govcloud.contract.stack import load_stack
    from govcloud.report.model import build_report
    from govcloud.report.render import write_report

    target = out_dir or Path("out") / stack / "report"
    with cli.guard():
        if not (project / "stacks").is_dir():
            raise UsageError(f"{project} has no stacks/ folder; run from the govcloud project or pass --project")
        day = dt.date.fromisoformat(cli.today_with_warning(today))  # an exported GOVCLOUD_TODAY is announced
        definition = load_stack(project / "stacks", stack, day)
        document = load_plan(plan, stack) if plan is not None else synthesized_plan(project, stack, day)
        audit, skipped = load_findings(findings) if findings is not None else (None, [])
        if findings is not None and audit is not None:
            check_provenance(findings, stack, document, audit)
        data = build_report(definition, document, audit, dt.datetime.now(dt.timezone.utc), audit_skipped=skipped)
        languages, formats = _selected(lang, fmt)
        written = write_report(data, target, languages, formats)
    for path in written:
        cli.out.print(f"wrote {path}", markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add ``govcloud report`` to the CLI."""
    app.command("report")(report)
