"""The ``govcloud`` command. Its commands:

* ``validate``: check tenant requests and sharing agreements against the contract, one line per problem
* ``synth``: run the real program offline under the mock monitor; write plan.json and the manifests
* ``diff``: the change review (a git base or two plans): old → new values, companions, data at risk
* ``schema``: write the published JSON Schemas of the contract
* ``stacks``: the Pulumi stacks a site needs (sharded sites: a platform stack and one per tenant)
* ``agreements``: upcoming starts and ends of sharing agreements; guards the scheduled transition job
* ``codeowners``: CODEOWNERS generated from the stacks
* ``site-guide``: the generated reference of every ``govcloud:*`` setting in docs/site-guide.md
* ``audit``: compare the live cluster and store with the plan (``govcloud.audit.command``)
* ``report``: the auditors' report in Thai and English (``govcloud.report.command``)
* ``state bootstrap``: the versioned, encrypted, TLS-only state bucket and the ``pulumi login`` line

Exit codes scripts can rely on (``govcloud.console``): 0 success, 1 the input breaks the contract (or a plan
risks data / violates a mandatory policy), 2 a usage error (``UsageError`` only), 70 an internal error (a bug:
please report it; ``GOVCLOUD_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.tree import Tree

from govcloud.console import (
    EXIT_INVALID,
    ProjectOption,
    StackOption,
    TodayOption,
    err,
    out,
    today_with_warning,
)
from govcloud.console import guard as _guard
from govcloud.console import project_dir as _project
from govcloud.console import usage as _usage
from govcloud.contract.problems import ContractError, UsageError
from govcloud.contract.stack import (
    StackPaths,
    display_name,
    load_site_config,
    load_stack,
    validate_documents,
    yaml_files,
)
from govcloud.safety import is_data_bearing

app = typer.Typer(
    name="govcloud",
    help="The Government Big Data secure data cloud, as code: validate agency requests, synthesize offline plans.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = yaml_files(path) + [f for sub in ("tenants", "sharing") for f in yaml_files(path / sub)]
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            _usage(f"{path} does not exist")
    return files


@app.command()
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(help="Request files or folders to check.")] = None,
    stack: Annotated[
        str | None, typer.Option("--stack", "-s", help="Check a whole stack (and its site rules).")
    ] = None,
    today: TodayOption = None,
    project: ProjectOption = Path("."),
) -> None:
    """Check tenant requests and sharing agreements against the contract; one line per problem."""
    if not paths and stack is None:
        _usage("give --stack NAME or one or more files to validate")
    with _guard():
        import datetime as dt

        from govcloud.agreements import load_archived

        day = dt.date.fromisoformat(today_with_warning(today))
        if not paths and stack is not None:
            stacks_dir = _project(project) / "stacks"
            archived, archive_problems = load_archived(stacks_dir, stack, day)
            try:
                definition = load_stack(stacks_dir, stack, day)
            except ContractError as error:
                raise ContractError([*error.problems, *archive_problems]) from None
            if archive_problems:
                raise ContractError(archive_problems)
            out.print(
                f"[green]✓[/] {stack}: {len(definition.tenants)} tenants and "
                f"{len(definition.agreements)} sharing agreements are valid"
                + (f" ({len(archived)} archived)" if archived else "")
            )
            return
        site = None
        context: list[Path] = []
        files = _expand(paths or [])
        if not files:
            _usage("no .yaml files found in the given paths")
        if stack is not None:
            stack_paths = StackPaths.of(_project(project) / "stacks", stack)
            site = load_site_config(stack_paths.config)
            # The stack's tenants are the context an agreement (or a clash) is checked against; only the given
            # files' problems are reported, and they come last so a clash is reported on them.
            # A given file named like a stack tenant is that tenant's new version: it replaces it.
            given = {f.stem for f in files}
            context = [f for f in yaml_files(stack_paths.tenants) if f.stem not in given]
        tenants, agreements, problems = validate_documents([*context, *files], site, day)
        shown = {display_name(f) for f in files}
        problems = [p for p in problems if p.file in shown]
        tenants = [t for t in tenants if t.name in {f.stem for f in files}]
        if problems:
            raise ContractError(problems)
        out.print(
            f"[green]✓[/] {len(files)} file{'s' * (len(files) != 1)} valid "
            f"({len(tenants)} tenants, {len(agreements)} agreements)"
        )


def _short_type(resource_type: str) -> str:
    return resource_type.rsplit(":", 1)[-1]


def _summary_tree(document: dict[str, Any]) -> Tree:
    from govcloud.synth.plan import tenant_of

    resources = document["resources"]
    by_urn = {r["urn"]: r for r in resources}
    tree = Tree(f"[bold]{document['stack']}[/] (site {document['site']}) — {len(resources)} resources")
    grouped: dict[str | None, list[dict[str, Any]]] = {}
    for resource in resources:
        grouped.setdefault(tenant_of(resource, by_urn, document["tenants"]), []).append(resource)
    for tenant in [None, *document["tenants"]]:
        items = [r for r in grouped.get(tenant, []) if r["custom"]]
        if not items:
            continue
        node = tree.add(f"[bold cyan]{tenant}[/]" if tenant else "[bold]site platform[/]")
        kinds = Counter(_short_type(r["type"]) for r in items if not is_data_bearing(r["type"]))
        for resource in items:
            if is_data_bearing(resource["type"]):
                lock = (
                    "🔒 protected, retained"
                    if resource["protect"] and resource["retainOnDelete"]
                    else ("[red]UNPROTECTED[/]")
                )
                node.add(f"{_short_type(resource['type'])} [bold]{resource['name']}[/] {lock}")
        for kind, count in sorted(kinds.items()):
            node.add(f"{kind} ×{count}" if count > 1 else kind)
    for agreement in document["sharing"]:
        colour = {"active": "green", "pending": "yellow", "expired": "red"}.get(agreement["status"], "white")
        tree.add(f"sharing [bold]{agreement['name']}[/]: [{colour}]{agreement['status']}[/]")
    return tree


@app.command()
def synth(
    stack: StackOption,
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="Where plan.json and manifests/ go.")] = None,
    today: TodayOption = None,
    project: ProjectOption = Path("."),
) -> None:
    """Run the real Pulumi program offline under the SDK's mock monitor and write the plan."""
    from govcloud.synth.engine import synthesize
    from govcloud.synth.plan import plan_document, write_plan
    from govcloud.synth.policy import mandatory_failures, run_policies

    project = _project(project)
    target = out_dir or Path("out") / stack
    with _guard():
        expected = len(yaml_files(StackPaths.of(project / "stacks", stack).tenants))
        with Progress(
            TextColumn("declaring tenants"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err,
            disable=expected < 10 or not err.is_terminal,
            transient=True,
        ) as progress:
            task = progress.add_task("tenants", total=expected)
            result = synthesize(project, stack, today, on_tenant=lambda: progress.advance(task))
        document = plan_document(result)
        violations = run_policies(document)
        document = plan_document(result, violations)
        written = write_plan(document, target)
    out.print(_summary_tree(document))
    _print_totals(document)
    _print_policy(violations)
    out.print(f"wrote {target / 'plan.json'} and {len(written) - 1} manifests under {target / 'manifests'}")
    if mandatory_failures(violations):
        raise typer.Exit(EXIT_INVALID)


def _print_totals(document: dict[str, Any]) -> None:
    table = Table(title="Resources by type", show_lines=False)
    table.add_column("type")
    table.add_column("count", justify="right")
    table.add_column("protected", justify="right")
    counts = Counter(r["type"] for r in document["resources"])
    protected = Counter(r["type"] for r in document["resources"] if r["protect"])
    for resource_type, count in sorted(counts.items()):
        table.add_row(resource_type, str(count), str(protected.get(resource_type, 0)))
    _wide(max(map(len, counts), default=0) + 40).print(table)


def _print_policy(violations: Sequence[Any]) -> None:
    mandatory = sum(1 for v in violations if v.enforcement == "mandatory")
    mark = "[green]✓[/]" if not mandatory else "[red]✗[/]"
    out.print(f"{mark} policy pack: {mandatory} mandatory, {len(violations) - mandatory} advisory violations")
    if not violations:
        return
    table = Table(title="Policy violations")
    for column in ("enforcement", "policy", "resource"):
        table.add_column(column, no_wrap=True)
    table.add_column("message", overflow="fold")
    for v in violations:
        style = "red" if v.enforcement == "mandatory" else "yellow"
        table.add_row(f"[{style}]{v.enforcement}[/]", v.policy, v.urn.rsplit("::", 1)[-1], v.message)
    widest = max((len(v.policy) + len(v.urn.rsplit("::", 1)[-1]) for v in violations), default=0)
    _wide(widest + 100).print(table)


class DiffFormat(str, Enum):
    table = "table"
    markdown = "markdown"
    json = "json"


def _upcoming_agreements(project: Path, stack: str, day: str, base: dict[str, Any]) -> list[dict[str, Any]]:
    """Agreements of the working tree that are new against the base, or not yet started: a future start
    changes no resource today, so the review lists it rather than show nothing."""
    import datetime as dt

    from govcloud.agreements import timeline

    definition = load_stack(project / "stacks", stack, day)
    known = {s["name"]: s["status"] for s in base.get("sharing", [])}
    return [
        entry.as_json()
        for entry in timeline(definition, (), dt.date.fromisoformat(day))
        if entry.next_date is not None and (entry.name not in known or entry.status == "pending")
    ]


def _wide(width: int) -> Console:
    """The terminal as it is; piped or captured output gets a console wide enough that no name is cut."""
    return out if out.is_terminal else Console(highlight=False, width=max(160, width))


def _diff_table(result: Any, title: str) -> None:
    """Every change, nothing truncated: names never fold or cut; values fold, even when piped."""
    from govcloud.synth.diff import Action, value_text

    symbols = {
        Action.ADD: "[green]+ add[/]",
        Action.CHANGE: "[yellow]~ change[/]",
        Action.REPLACE: "[magenta]± replace[/]",
        Action.REMOVE: "[red]- remove[/]",
    }
    names = max((len(c.name) for c in result.changes), default=4)
    types = max((len(c.type) for c in result.changes), default=4)
    console = _wide(names + types + 90)
    table = Table(title=title)
    table.add_column("action", no_wrap=True)
    table.add_column("type", no_wrap=True, min_width=types)
    table.add_column("name", no_wrap=True, min_width=names)
    table.add_column("values (old → new)", overflow="fold")
    for change in result.changes:
        note = [f"[dim]expected with {change.companion}[/]"] if change.companion else []
        risks = [f"[bold red]DATA AT RISK {r.code}[/]: {r.reason}" for r in change.risks]
        values = [value_text(v, 160) for v in change.values]
        table.add_row(symbols[change.action], change.type, change.name, "\n".join([*risks, *note, *values]))
    console.print(table)


@app.command()
def diff(
    old: Annotated[Path | None, typer.Argument(help="The earlier plan.json (or its synth folder).")] = None,
    new: Annotated[Path | None, typer.Argument(help="The later plan.json (or its synth folder).")] = None,
    base: Annotated[
        str | None,
        typer.Option("--base", help="Git ref to review against: synthesized with that commit's own code and files."),
    ] = None,
    stack: Annotated[str | None, typer.Option("--stack", "-s", help="Stack to synthesize (with --base).")] = None,
    today: TodayOption = None,
    project: ProjectOption = Path("."),
    output_format: Annotated[DiffFormat, typer.Option("--format", "-f", help="table, markdown or json.")] = (
        DiffFormat.table
    ),
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="Write the review to this file.")] = None,
    allow_data_migration: Annotated[
        bool,
        typer.Option(
            "--allow-data-migration",
            "--allow-data-risk",
            help="Acknowledge a planned, signed-off migration: exit 0 even if the change puts data at risk.",
        ),
    ] = False,
) -> None:
    """Show what a change adds, changes, replaces and removes, with values; exit 1 when it would risk data.

    Either two plans (OLD NEW), or ``--base REF --stack S``: the base is synthesized from that commit's code,
    chart pins and stack files in a temporary worktree, the head from the working tree, on the same date.
    """
    from govcloud.synth.diff import as_json, as_markdown, diff_plans, review_subjects
    from govcloud.synth.effective import identity_policies
    from govcloud.synth.plan import plan_document, read_plan

    meta: dict[str, Any] = {}
    with _guard():
        if base is not None:
            from govcloud.synth.base import BaseError, agreement_providers, synth_at
            from govcloud.synth.engine import synthesize

            if old is not None or new is not None or stack is None:
                _usage("give either OLD NEW plans, or --base REF with --stack NAME")
            project = _project(project)
            day = today_with_warning(today)
            after = plan_document(synthesize(project, stack, day))
            try:
                base_plan = synth_at(project, base, stack, day)
            except BaseError as error:
                err.print(f"govcloud: {error}", markup=False)
                raise typer.Exit(EXIT_INVALID) from None
            before, old_policies = base_plan.plan, base_plan.policies
            parties = agreement_providers(project / "stacks", stack)
            upcoming = _upcoming_agreements(project, stack, day, before)
            title = f"{stack}: {base} ({base_plan.commit[:12]}) → working tree, today {day}"
            meta = {"stack": stack, "base": base, "baseCommit": base_plan.commit, "today": day}
        else:
            if old is None or new is None:
                _usage("give OLD and NEW plans, or --base REF --stack NAME")
            for path in (old, new):
                if not path.exists():
                    _usage(f"{path} does not exist")
            try:
                before, after = read_plan(old), read_plan(new)
            except (OSError, json.JSONDecodeError) as error:
                _usage(f"cannot read plan: {error}")
            old_policies, parties, upcoming = identity_policies(before.get("resources", [])), {}, []
            title = f"{old} → {new}"
            meta = {"old": str(old), "new": str(new)}
        result = diff_plans(
            before,
            after,
            old_policies=old_policies,
            new_policies=identity_policies(after.get("resources", [])),
            subjects=review_subjects(before, after, parties),
        )
    if output_format is DiffFormat.table and out_file is None:
        if result.changes:
            _diff_table(result, title)
    else:
        if output_format is DiffFormat.json:
            document = as_json(result, {**meta, "upcomingAgreements": upcoming})
            text = json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"
        else:
            text = as_markdown(result, title, allowed=allow_data_migration, upcoming=upcoming)
        if out_file is not None:
            out_file.parent.mkdir(parents=True, exist_ok=True)
            out_file.write_text(text, "utf-8")
        else:
            sys.stdout.write(text)
    err.print(result.summary(), markup=False)
    for change in result.risky:
        for risk in change.risks:
            err.print(
                f"[bold red]DATA AT RISK[/] {risk.code} {change.type} {change.name}: {risk.reason}", soft_wrap=True
            )
    if result.risky and not allow_data_migration:
        err.print(
            "refusing: pass --allow-data-migration only for a planned, documented migration "
            "(see runbooks/offboarding-without-data-loss.md)"
        )
        raise typer.Exit(EXIT_INVALID)


@app.command()
def schema(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the JSON Schema files.")] = Path("schemas"),
) -> None:
    """Write the published JSON Schemas of the contract (editors use them to autocomplete request files)."""
    from govcloud.contract.schema import write_schemas

    with _guard():
        for path in write_schemas(out_dir):
            out.print(f"wrote {path}")


@app.command()
def stacks(
    stack: StackOption,
    project: ProjectOption = Path("."),
    write: Annotated[bool, typer.Option("--write", help="Write the tenant stacks' config files.")] = False,
    today: TodayOption = None,
) -> None:
    """List the Pulumi stacks a site needs (sharded sites: a platform stack plus one per tenant)."""
    import yaml

    from govcloud.contract.stack import read_stack_config
    from govcloud.layout import site_stacks, tenant_stack_config

    project = _project(project)
    stacks_dir = project / "stacks"
    with _guard():
        definition = load_stack(stacks_dir, stack, today)
        plans = site_stacks(definition)
        _, raw = read_stack_config(StackPaths.of(stacks_dir, stack).config)
    table = Table(title=f"stacks of {stack} ({definition.site.layout} layout)")
    for column in ("stack", "declares", "config file"):
        table.add_column(column)
    for plan in plans:
        path = StackPaths.of(stacks_dir, plan.name).config
        if write and plan.role == "tenant" and plan.tenant is not None:
            text = yaml.safe_dump(tenant_stack_config(raw, stack, plan.tenant), allow_unicode=True, sort_keys=False)
            path.write_text(f"# Derived from Pulumi.{stack}.yaml by `govcloud stacks --write`; do not edit.\n{text}")
        state = "[green]present[/]" if path.is_file() else "[yellow]missing (run with --write)[/]"
        what = {"site": "platform and every tenant", "platform": "site platform"}.get(
            plan.role, f"tenant {plan.tenant}"
        )
        table.add_row(plan.name, what, f"{path.name}: {state}")
    _wide(max((len(p.name) for p in plans), default=0) * 2 + 80).print(table)
    known = {p.name for p in plans}
    prefix = f"Pulumi.{stack}."
    for stale in sorted(stacks_dir.glob(f"{prefix}*.yaml")):
        name = stale.name.removeprefix("Pulumi.").removesuffix(".yaml")
        if name not in known:
            err.print(
                f"[yellow]stale[/] {stale.name}: its tenant file is gone; its data is protected "
                "(see runbooks/offboarding-without-data-loss.md) — remove the stack deliberately"
            )


@app.command()
def agreements(
    stack: StackOption,
    today: TodayOption = None,
    project: ProjectOption = Path("."),
    output_format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    check_transitions: Annotated[
        bool,
        typer.Option(
            "--check-transitions",
            help="Exit 1 unless the plan of today differs from the plan of --since only by agreements starting or "
            "ending (the scheduled job runs this before it deploys).",
        ),
    ] = False,
    since: Annotated[
        str | None, typer.Option("--since", help="The last scheduled run's date (YYYY-MM-DD); default yesterday.")
    ] = None,
    base: Annotated[
        str | None, typer.Option("--base", help="With --check-transitions: the deployed commit (git ref).")
    ] = None,
    preview: Annotated[
        Path | None,
        typer.Option("--preview", help="With --check-transitions: `pulumi preview --json` output to check too."),
    ] = None,
) -> None:
    """Upcoming starts and ends of the stack's sharing agreements (archived ones included, for the record)."""
    import datetime as dt

    from govcloud.agreements import load_archived, timeline

    project = _project(project)
    if output_format not in ("table", "json"):
        _usage("--format must be table or json")
    with _guard():
        day = dt.date.fromisoformat(today_with_warning(today))
        definition = load_stack(project / "stacks", stack, day)
        archived, problems = load_archived(project / "stacks", stack, day)
        if problems:
            raise ContractError(problems)
        entries = timeline(definition, archived, day)
        if check_transitions:
            previous = dt.date.fromisoformat(since) if since else day - dt.timedelta(days=1)
            _check_transitions(project, stack, previous, day, base, preview)
            return
    if output_format == "json":
        sys.stdout.write(json.dumps([e.as_json() for e in entries], indent=2, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"sharing agreements of {stack} on {day.isoformat()}")
    for column in ("agreement", "provider → consumer", "from", "until", "status", "next"):
        table.add_column(column, no_wrap=column != "provider → consumer", overflow="fold")
    colours = {"active": "green", "pending": "yellow", "expired": "red", "archived": "dim"}
    for entry in entries:
        upcoming = f"{entry.next_event} {entry.next_date} (in {entry.days} days)" if entry.next_date else "—"
        table.add_row(
            entry.name,
            f"{entry.provider}/{entry.zone}/{entry.prefix} → {entry.consumer}",
            entry.valid_from.isoformat(),
            entry.valid_until.isoformat(),
            f"[{colours[entry.status]}]{entry.status}[/]",
            upcoming,
        )
    widest = max((len(e.name) + len(e.prefix) + len(e.provider) + len(e.consumer) for e in entries), default=0)
    _wide(widest + 100).print(table)


def _check_transitions(project: Path, stack: str, since: Any, day: Any, base: str | None, preview: Path | None) -> None:
    """Refuse (exit 1) when the plan of ``day`` holds anything besides agreement transitions since ``since``.

    The "before" plan is this tree on ``since`` (or the deployed commit ``base`` on ``since``, with its own
    code); a real ``pulumi preview --json`` may only hold the steps that comparison explains.
    """
    from govcloud.agreements import preview_problems, transition_problems
    from govcloud.synth.base import BaseError, agreement_providers, synth_at
    from govcloud.synth.diff import diff_plans, review_subjects
    from govcloud.synth.effective import identity_policies
    from govcloud.synth.engine import synthesize
    from govcloud.synth.plan import plan_document

    after = plan_document(synthesize(project, stack, day.isoformat()))
    if base is not None:
        try:
            deployed = synth_at(project, base, stack, since.isoformat())
        except BaseError as error:
            err.print(f"govcloud: {error}", markup=False)
            raise typer.Exit(EXIT_INVALID) from None
        before, old_policies = deployed.plan, deployed.policies
    else:
        before = plan_document(synthesize(project, stack, since.isoformat()))
        old_policies = identity_policies(before["resources"])
    subjects = review_subjects(before, after, agreement_providers(project / "stacks", stack))
    result = diff_plans(
        before,
        after,
        old_policies=old_policies,
        new_policies=identity_policies(after["resources"]),
        subjects=subjects,
    )
    moving = [s for s in subjects if s.startswith("agreement ")]
    events = ", ".join(moving) or "no agreement starts or ends"
    out.print(f"{stack}: {since.isoformat()} → {day.isoformat()}: {events}", soft_wrap=True)
    problems = transition_problems(result.changes, subjects)
    if preview is not None:
        try:
            steps = json.loads(preview.read_text("utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            _usage(f"cannot read the preview {preview}: {error}")
        problems += preview_problems(steps, [c.urn for c in result.changes])
    for problem in problems:
        err.print(f"[bold red]refusing[/] {problem}", soft_wrap=True)
    if problems:
        err.print(
            f"{len(problems)} change(s) besides agreement transitions: deploy them through a reviewed merge request",
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_INVALID)
    out.print(f"[green]✓[/] {result.summary()}: only agreement transitions")


@app.command()
def codeowners(
    project: ProjectOption = Path("."),
    write: Annotated[bool, typer.Option("--write", help="Write CODEOWNERS at the project root.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Exit 1 if the committed CODEOWNERS is stale.")] = False,
    platform_group: Annotated[str, typer.Option("--platform-group", help="The platform team's forge group.")] = (
        "@govcloud/platform"
    ),
    agency_group: Annotated[
        str, typer.Option("--agency-group", help="Forge group of a tenant's agency; {tenant} is replaced.")
    ] = "@govcloud/agencies/{tenant}",
) -> None:
    """Who approves which file: tenant files → the agency and the platform team; agreements → the provider."""
    from govcloud.forge import Convention
    from govcloud.forge import codeowners as render_codeowners

    project = _project(project)
    if "{tenant}" not in agency_group:
        _usage("--agency-group must contain {tenant}")
    text = render_codeowners(project, Convention(platform_group, agency_group))
    target = project / "CODEOWNERS"
    if check:
        current = target.read_text("utf-8") if target.is_file() else ""
        if current != text:
            err.print(f"govcloud: {target} is stale: run `govcloud codeowners --write` and commit it", markup=False)
            raise typer.Exit(EXIT_INVALID)
        out.print(f"[green]✓[/] {target} is up to date")
    elif write:
        target.write_text(text, "utf-8")
        out.print(f"wrote {target}")
    else:
        sys.stdout.write(text)


@app.command("site-guide")
def site_guide(
    project: ProjectOption = Path("."),
    write: Annotated[bool, typer.Option("--write", help="Refresh the reference in docs/site-guide.md.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Exit 1 if docs/site-guide.md is stale.")] = False,
) -> None:
    """The reference of every govcloud:* site setting, generated from the site model."""
    from govcloud.siteguide import guide_path, render_guide, settings_reference

    path = guide_path(project)
    if not write and not check:
        sys.stdout.write(settings_reference())
        return
    with _guard():
        current = path.read_text("utf-8")
        fresh = render_guide(current)
    if check and fresh != current:
        err.print(f"govcloud: {path} is stale: run `govcloud site-guide --write` and commit it", markup=False)
        raise typer.Exit(EXIT_INVALID)
    if write:
        path.write_text(fresh, "utf-8")
        out.print(f"wrote {path}")
    else:
        out.print(f"[green]✓[/] {path} is up to date")


state_app = typer.Typer(help="The site's Pulumi state backend on the S3-compatible store.", no_args_is_help=True)
app.add_typer(state_app, name="state")


@state_app.command("bootstrap")
def state_bootstrap(
    stack: StackOption,
    project: ProjectOption = Path("."),
    bucket: Annotated[str | None, typer.Option("--bucket", help="State bucket name (default derived).")] = None,
    allow_plain_http: Annotated[
        bool, typer.Option("--allow-plain-http", help="Accept an http:// endpoint (local test stores only).")
    ] = False,
) -> None:
    """Create the versioned, encrypted, TLS-only bucket for Pulumi state and print the login line."""
    from govcloud.naming import state_bucket_name
    from govcloud.storage.buckets import StorageError, s3_client
    from govcloud.storage.specs import check_bucket_name, site_connection
    from govcloud.storage.state_backend import bootstrap_state_bucket

    project = _project(project)
    with _guard():
        if bucket is not None:
            try:
                check_bucket_name(bucket)
            except ValueError as error:
                raise UsageError(f"--bucket: {error}") from None
        site = load_site_config(StackPaths.of(project / "stacks", stack).config)
        name = bucket or state_bucket_name(site)
        conn = site_connection(site)
        try:
            url = bootstrap_state_bucket(s3_client(conn), name, conn, allow_plain_http=allow_plain_http)
        except StorageError as error:
            err.print(f"govcloud: {error}", markup=False)
            raise typer.Exit(EXIT_INVALID) from None
    out.print(f"[green]✓[/] state bucket {name} is versioned, encrypted, private and TLS-only")
    out.print(f"pulumi login '{url}'", markup=False, soft_wrap=True)  # one line, to copy and paste


def _register_subcommands() -> None:
    """Commands that live with their feature (``audit``, ``report``) register themselves here."""
    from govcloud.audit.command import register as register_audit
    from govcloud.report.command import register as register_report

    register_audit(app)
    register_report(app)


_register_subcommands()


def main() -> None:  # pragma: no cover - console entry for python -m govcloud
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
