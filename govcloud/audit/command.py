"""``govcloud audit``: compare what the cluster and the object store hold with what the stack declares.

Exit codes: 0 no finding worse than medium, 1 at least one high or critical finding, 2 usage error or a
cluster/store that cannot be read (an audit that could not look must never pass as clean).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from govcloud.audit.findings import Severity
from govcloud.console import (
    EXIT_INVALID,
    EXIT_USAGE,
    ProjectOption,
    StackOption,
    TodayOption,
    err,
    out,
)
from govcloud.console import guard as _guard
from govcloud.console import project_dir as _project
from govcloud.console import usage as _usage
from govcloud.contract.problems import UsageError
from govcloud.contract.stack import StackPaths, load_site_config, resolve_today

if TYPE_CHECKING:  # the Kubernetes client, boto3 and the audit itself load only when `audit` runs
    from kubernetes.client import ApiClient

    from govcloud.audit.run import AuditResult
    from govcloud.storage.buckets import IamClient, S3Client

SEVERITY_STYLES = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
}


class OutputFormat(str, enum.Enum):
    TABLE = "table"
    JSON = "json"


def register(app: typer.Typer) -> None:
    """Add the ``audit`` command to the govcloud CLI."""
    app.command(name="audit")(audit)


def audit(
    stack: StackOption,
    project: ProjectOption = Path("."),
    plan: Annotated[
        Path | None,
        typer.Option("--plan", help="Audit against this plan.json (or synth folder) instead of synthesizing."),
    ] = None,
    today: TodayOption = None,
    now: Annotated[
        str | None,
        typer.Option("--now", help="Judge backup ages as of this ISO 8601 instant; default the current time."),
    ] = None,
    kubeconfig: Annotated[
        Path | None, typer.Option("--kubeconfig", help="Kubeconfig file; default KUBECONFIG or ~/.kube/config.")
    ] = None,
    context: Annotated[str | None, typer.Option("--context", help="Kubeconfig context to use.")] = None,
    no_kubernetes: Annotated[bool, typer.Option("--no-kubernetes", help="Do not audit the cluster.")] = False,
    no_storage: Annotated[bool, typer.Option("--no-storage", help="Do not audit the object store.")] = False,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="table for people, json for tools.")
    ] = OutputFormat.TABLE,
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="Also write the findings as JSON here.")] = None,
) -> None:
    """Audit the live cluster and object store against the stack: isolation, encryption, backups, sharing."""
    if no_kubernetes and no_storage:
        _usage("nothing to audit: --no-kubernetes and --no-storage together leave no side to look at")
    with _guard():
        moment = _instant(now)
        day = resolve_today(today or (moment.date().isoformat() if now else None))
        document = _plan(stack, project, plan, day)
        kube = None if no_kubernetes else _kubernetes(kubeconfig, context)
        s3, iam = (None, None) if no_storage else _storage(_project(project), stack)
        result = _scan(document, kube, s3, iam, moment)
    if out_file is not None:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_text(json.dumps(result.as_json(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    if output_format is OutputFormat.JSON:
        typer.echo(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
    else:
        _print(result)
    if result.failed:
        raise typer.Exit(EXIT_INVALID)


def _instant(text: str | None) -> dt.datetime:
    if text is None:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--now '{text}' is not an ISO 8601 instant such as 2026-11-25T12:00:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _plan(stack: str, project: Path, plan: Path | None, day: dt.date) -> dict[str, Any]:
    """The given plan, or a fresh in-process synth of the stack exactly as ``govcloud synth`` makes it."""
    if plan is not None:
        from govcloud.synth.plan import read_plan

        if not plan.exists():
            _usage(f"{plan} does not exist")
        try:
            document = read_plan(plan)
        except (OSError, json.JSONDecodeError) as error:
            _usage(f"cannot read plan: {error}")
        if document.get("stack") != stack:
            _usage(f"{plan} is the plan of stack {document.get('stack')!r}, not {stack!r}")
        return document
    from govcloud.synth.engine import synthesize
    from govcloud.synth.plan import plan_document
    from govcloud.synth.policy import run_policies

    result = synthesize(_project(project), stack, day.isoformat())
    return plan_document(result, run_policies(plan_document(result)))


def _kubernetes(kubeconfig: Path | None, context: str | None) -> ApiClient:
    if kubeconfig is not None and not kubeconfig.is_file():
        _usage(f"kubeconfig {kubeconfig} does not exist")
    from kubernetes import config as kube_config

    # KUBECONFIG is read now, as kubectl does: the library reads it once, when it is imported.
    config_file = str(kubeconfig) if kubeconfig is not None else os.environ.get("KUBECONFIG") or None
    try:
        client: ApiClient = kube_config.new_client_from_config(  # type: ignore[no-untyped-call]
            config_file=config_file, context=context
        )
    except kube_config.ConfigException as error:
        _usage(f"no usable Kubernetes configuration ({error}); pass --kubeconfig/--context or --no-kubernetes")
    return client


def _storage(project: Path, stack: str) -> tuple[S3Client, IamClient | None]:
    """Clients for the stack's object store; credentials come from the environment, never from files."""
    from govcloud.storage.buckets import MissingCredentialsError, iam_client, s3_client
    from govcloud.storage.specs import S3Connection

    store = load_site_config(StackPaths.of(project / "stacks", stack).config).object_store
    conn = S3Connection(endpoint_url=store.endpoint, region=store.region, addressing_style=store.addressing_style)
    try:
        s3 = s3_client(conn)
        iam = iam_client(conn) if store.identities == "iam" else None
    except MissingCredentialsError as error:
        _usage(f"{error}; or pass --no-storage")
    return s3, iam


def _scan(
    document: dict[str, Any], kube: ApiClient | None, s3: S3Client | None, iam: IamClient | None, moment: dt.datetime
) -> AuditResult:
    import urllib3
    from botocore.exceptions import BotoCoreError, ClientError
    from kubernetes.client.exceptions import ApiException

    from govcloud.audit.expected import expected_state
    from govcloud.audit.run import planned_steps, run_audit

    total = planned_steps(
        expected_state(document), kubernetes=kube is not None, storage=s3 is not None, identities=iam is not None
    )
    with Progress(
        TextColumn("[bold]auditing[/] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        disable=not err.is_terminal,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=total)

        def advance(step: str) -> None:
            progress.update(task, advance=1, description=step)

        try:
            return run_audit(document, kube=kube, s3=s3, iam=iam, now=moment, progress=advance)
        except ApiException as error:
            _fail(f"the Kubernetes API refused a read: {error.status} {error.reason}")
        except urllib3.exceptions.HTTPError as error:
            _fail(f"cannot reach the Kubernetes API: {error}")
        except (ClientError, BotoCoreError) as error:
            _fail(f"cannot read the object store: {error}")
        finally:
            if kube is not None:
                kube.close()  # type: ignore[no-untyped-call]


def _fail(message: str) -> NoReturn:
    err.print(f"govcloud: cannot audit: {message}", markup=False)
    raise typer.Exit(EXIT_USAGE)


def _print(result: AuditResult) -> None:
    if result.findings:
        table = Table(title=f"Audit of {result.stack} (site {result.site}) at {result.audited_at:%Y-%m-%d %H:%M} UTC")
        for column in ("severity", "code", "tenant", "resource", "finding"):
            table.add_column(column, overflow="fold")
        for finding in result.findings:
            style = SEVERITY_STYLES[finding.severity]
            table.add_row(
                f"[{style}]{finding.severity.value}[/]",
                finding.code,
                finding.tenant or "—",
                finding.resource,
                finding.message,
            )
        out.print(table)
    else:
        out.print(f"[green]✓[/] {result.stack}: no findings")
    counts = ", ".join(f"{n} {severity}" for severity, n in result.counts.items())
    scanned = ", ".join(f"{n} {what}" for what, n in sorted(result.scanned.items()))
    out.print(f"findings: {counts}")
    if scanned:
        out.print(f"scanned: {scanned}", markup=False)
    for side in result.not_audited:
        out.print(f"[yellow]{side} not audited[/]")
