"""What every ``govcloud`` command shares: exit codes, consoles, common options, error handling.

Commands that live with their feature (``govcloud.audit.command``, ``govcloud.report.command``) import
from here, not from ``govcloud.cli``, so the CLI can register them without an import cycle.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from govcloud.contract.problems import ContractError, Problem, UsageError
from govcloud.contract.stack import TODAY_ENV, resolve_today

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70
"""0 done; 1 the files or the plan have problems; 2 a usage error (``UsageError`` only); 70 an internal error
(sysexits.h ``EX_SOFTWARE``): a bug in govcloud, reported in one line, with a traceback under GOVCLOUD_DEBUG=1."""

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

StackOption = Annotated[str, typer.Option("--stack", "-s", help="Stack name, e.g. national-prod.")]
TodayOption = Annotated[
    str | None,
    typer.Option("--today", help="Fix 'today' (YYYY-MM-DD) for agreement windows; default GOVCLOUD_TODAY or the date."),
]
ProjectOption = Annotated[
    Path, typer.Option("--project", help="The govcloud project folder (holds Pulumi.yaml and stacks/).")
]


def usage(message: str) -> NoReturn:
    """Print a usage error and exit 2."""
    err.print(f"govcloud: {message}", markup=False)
    raise typer.Exit(EXIT_USAGE)


def report_problems(problems: Sequence[Problem]) -> NoReturn:
    """Print every contract problem, one located line each, and exit 1."""
    for problem in problems:
        err.print(str(problem), markup=False, soft_wrap=True)
    files = len({p.file for p in problems})
    err.print(
        f"{len(problems)} problem{'s' * (len(problems) != 1)} in {files} file{'s' * (files != 1)}",
        style="red",
    )
    raise typer.Exit(EXIT_INVALID)


@contextmanager
def guard() -> Iterator[None]:
    """Contract problems exit 1 with their lines, a ``UsageError`` exits 2, anything else is an internal error
    (70) in one line without a traceback: a builder that fails is govcloud's bug, not the user's usage."""
    try:
        yield
    except ContractError as error:
        report_problems(error.problems)
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except UsageError as error:
        usage(str(error))
    except Exception as error:
        if os.environ.get("GOVCLOUD_DEBUG"):
            raise
        err.print(
            f"govcloud: internal error: {type(error).__name__}: {error} (set GOVCLOUD_DEBUG=1 for details)",
            markup=False,
        )
        raise typer.Exit(EXIT_INTERNAL) from None


def project_dir(path: Path) -> Path:
    """``path`` if it holds a govcloud project (a stacks/ folder); a usage error otherwise."""
    if not (path / "stacks").is_dir():
        usage(f"{path} has no stacks/ folder; run from the govcloud project or pass --project")
    return path


def today_with_warning(today: str | None) -> str:
    """The run's date; a ``GOVCLOUD_TODAY`` left in the environment is honoured but never silently.

    An exported ``GOVCLOUD_TODAY`` freezes every agreement's start and end: say so loudly, every time.
    """
    day = resolve_today(today)
    if today is None and os.environ.get(TODAY_ENV) and day != dt.date.today():
        err.print(
            f"[bold yellow]WARNING[/] {TODAY_ENV}={day.isoformat()} is set: agreements start and end as if today "
            f"were {day.isoformat()}, not {dt.date.today().isoformat()}. Unset it, or pass --today on purpose.",
            soft_wrap=True,
        )
    return day.isoformat()
