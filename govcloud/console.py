"""What every ``govcloud`` command shares: exit codes, consoles, common options, error handling.

Commands that live with their feature (``govcloud.audit.command``, ``govcloud.report.command``) import
from here, not from ``govcloud.cli``, so the CLI can register them without an import cycle.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from govcloud.contract.problems import ContractError, Problem

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

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


def _usage(message: str) -> NoReturn:
    err.print(f"govcloud: {message}", markup=False)
    raise typer.Exit(EXIT_USAGE)


def _report(problems: Sequence[Problem]) -> NoReturn:
    for problem in problems:
        err.print(str(problem), markup=False, soft_wrap=True)
    files = len({p.file for p in problems})
    err.print(
        f"{len(problems)} problem{'s' * (len(problems) != 1)} in {files} file{'s' * (files != 1)}",
        style="red",
    )
    raise typer.Exit(EXIT_INVALID)


@contextmanager
def _guard() -> Iterator[None]:
    """Contract problems exit 1 with their lines; anything unexpected exits 3 without a traceback."""
    try:
        yield
    except ContractError as error:
        _report(error.problems)
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except ValueError as error:
        _usage(str(error))
    except Exception as error:
        if os.environ.get("GOVCLOUD_DEBUG"):
            raise
        err.print(
            f"govcloud: internal error: {type(error).__name__}: {error} (set GOVCLOUD_DEBUG=1 for details)",
            markup=False,
        )
        raise typer.Exit(EXIT_INTERNAL) from None


def _project(path: Path) -> Path:
    if not (path / "stacks").is_dir():
        _usage(f"{path} has no stacks/ folder; run from the govcloud project or pass --project")
    return path
