"""Honest exit codes: 1 for problems in the files, 2 for a usage error and only that, 70 for govcloud's own bug."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from govcloud import console
from govcloud.cli import app
from govcloud.contract.problems import UsageError

REPO_ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_the_exit_codes_are_distinct_and_internal_is_ex_software() -> None:
    assert (console.EXIT_OK, console.EXIT_INVALID, console.EXIT_USAGE, console.EXIT_INTERNAL) == (0, 1, 2, 70)


def test_a_failing_builder_is_an_internal_error_not_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A ValueError from deep inside synth is govcloud's bug: exit 70, one short line, no traceback."""
    import govcloud.synth.engine as engine

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ValueError("derived bucket name 'x' breaks S3 naming rules")

    monkeypatch.setattr(engine, "run_program", broken)
    monkeypatch.delenv("GOVCLOUD_DEBUG", raising=False)
    result = runner.invoke(
        app,
        ["synth", "--stack", "dev", "--project", str(REPO_ROOT), "--out", "/dev/null/never", "--today", "2026-11-25"],
    )
    assert result.exit_code == console.EXIT_INTERNAL, result.output
    assert "internal error: ValueError: derived bucket name" in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_a_bad_option_value_is_a_usage_error() -> None:
    result = runner.invoke(app, ["synth", "--stack", "dev", "--project", str(REPO_ROOT), "--today", "2026-13-01"])
    assert result.exit_code == console.EXIT_USAGE, result.output
    assert "is not a date in the form YYYY-MM-DD" in result.output


def test_guard_maps_each_kind_of_failure_to_its_code() -> None:
    import typer

    for raised, code in ((UsageError("no such file"), 2), (ValueError("a bug"), 70), (KeyError("a bug"), 70)):
        with pytest.raises(typer.Exit) as exit_info, console.guard():
            raise raised
        assert exit_info.value.exit_code == code, raised


def test_a_missing_project_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "--stack", "dev", "--project", str(tmp_path)])
    assert result.exit_code == console.EXIT_USAGE, result.output
    assert "has no stacks/ folder" in " ".join(result.output.split())


def test_the_module_docstring_lists_every_command() -> None:
    import govcloud.cli as cli

    names = [c.name or (c.callback.__name__ if c.callback else "") for c in cli.app.registered_commands]
    names += [f"{g.name} {c.name}" for g in cli.app.registered_groups for c in g.typer_instance.registered_commands]
    assert len(names) >= 11
    doc = cli.__doc__ or ""
    missing = [name for name in names if f"``{name.replace('_', '-')}``" not in doc]
    assert missing == []
