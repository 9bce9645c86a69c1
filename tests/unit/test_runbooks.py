"""The runbooks stay runnable: every ``govcloud`` line parses with the real CLI, every offline one *runs* as
written (in a git repository with an ``origin/main``, as on a reviewer's machine), every ``pulumi`` line names
a stack that exists, and every runbook has the sections an engineer looks for at 3 a.m.

Commands are taken from fenced code blocks (``sh``, ``bash``, ``shell``, ``console`` or no language).
Continuation lines (``\\``) are joined, here-document bodies skipped, ``<placeholders>`` replaced by a
sample value, and pipelines, ``&&``/``||``/``;`` lists split into single commands.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
import typer

from govcloud.cli import app
from tests.project_repo import project_repo

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
RUNBOOKS = REPO_ROOT / "runbooks"
STACKS = REPO_ROOT / "stacks"
EXPECTED_RUNBOOKS = (
    "onboarding-an-agency.md",
    "offboarding-without-data-loss.md",
    "restore-database-point-in-time.md",
    "rotating-storage-credentials.md",
    "responding-to-public-bucket-finding.md",
    "sharing-agreement-lifecycle.md",
    "migrating-ingress-to-gateway.md",
)
REQUIRED_SECTIONS = ("When to use", "Steps", "Verify", "Escalate")
SHELL_LANGUAGES = frozenset({"", "sh", "bash", "shell", "console"})
#: Sample values for placeholders; any other ``<name>`` becomes ``sample``.
PLACEHOLDERS = {
    "tenant": "nso",
    "stack": "national-prod",
    "site": "national",
    "date": "2026-01-15",
    "agreement": "moph-to-nso-health-stats",
}
_PLACEHOLDER = re.compile(r"<([A-Za-z][\w.-]*)>")
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)(\w+)\1")
_FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([\w+-]*)")
_CONTROL = frozenset({"|", "||", "&&", ";", "&", "|&", "(", ")"})


@dataclass(frozen=True)
class Command:
    runbook: str
    line: int
    text: str
    argv: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.runbook}:{self.line}: {self.text}"


def shell_blocks(markdown: str) -> list[tuple[int, list[str]]]:
    """(first line number, lines) of every fenced block in a shell language."""
    blocks: list[tuple[int, list[str]]] = []
    lines = markdown.splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        fence, language = opening.group(2), opening.group(3).lower()
        body: list[str] = []
        start = index + 2
        index += 1
        while index < len(lines) and not lines[index].strip().startswith(fence):
            body.append(lines[index])
            index += 1
        index += 1
        if language in SHELL_LANGUAGES:
            blocks.append((start, body))
    return blocks


def logical_lines(start: int, body: list[str]) -> list[tuple[int, str]]:
    """Join ``\\`` continuations, drop prompts, comments and here-document bodies."""
    result: list[tuple[int, str]] = []
    pending, pending_line = "", start
    heredoc_end: str | None = None
    for offset, raw in enumerate(body):
        number = start + offset
        if heredoc_end is not None:
            if raw.strip() == heredoc_end:
                heredoc_end = None
            continue
        line = raw.rstrip()
        if not pending:
            pending_line = number
            line = line.lstrip()
            if line.startswith("$ "):
                line = line[2:]
            if not line or line.startswith("#"):
                continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        text = pending + line
        pending = ""
        heredoc = _HEREDOC.search(text)
        if heredoc:
            heredoc_end = heredoc.group(2)
            text = text[: heredoc.start()]
        result.append((pending_line, text.strip()))
    if pending:
        result.append((pending_line, pending.strip()))
    return result


def _substitute(text: str) -> str:
    text = _PLACEHOLDER.sub(lambda m: PLACEHOLDERS.get(m.group(1).lower(), "sample"), text)
    text = re.sub(r"\$\([^()]*\)", "sample", text)
    return re.sub(r"\$\{?\w+\}?", "sample", text)


def simple_commands(text: str) -> list[list[str]]:
    """The simple commands of one logical line, without leading ``VAR=value`` assignments."""
    lexer = shlex.shlex(_substitute(text), posix=True, punctuation_chars=";&|()<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    commands: list[list[str]] = [[]]
    skip_next = False
    for token in lexer:
        if skip_next:
            skip_next = False
            continue
        if token in _CONTROL:
            commands.append([])
        elif set(token) <= set("<>&"):
            skip_next = True  # a redirection and its target, with the file descriptor before it
            if commands[-1] and commands[-1][-1].isdigit():
                commands[-1].pop()
        else:
            commands[-1].append(token)
    result = []
    for argv in commands:
        while argv and re.match(r"^[A-Za-z_]\w*=", argv[0]):
            argv = argv[1:]
        if argv:
            result.append(argv)
    return result


def runbook_commands(program: str) -> list[Command]:
    commands: list[Command] = []
    for path in sorted(RUNBOOKS.glob("*.md")):
        for start, body in shell_blocks(path.read_text("utf-8")):
            for number, text in logical_lines(start, body):
                commands.extend(
                    Command(path.name, number, text, tuple(argv))
                    for argv in simple_commands(text)
                    if argv[0] == program
                )
    return commands


GOVCLOUD_COMMANDS = runbook_commands("govcloud")
PULUMI_COMMANDS = runbook_commands("pulumi")


# ------------------------------------------------------------------------------------ the extractor


def test_extractor_joins_continuations_substitutes_placeholders_and_splits_lists() -> None:
    markdown = "\n".join(
        [
            "text",
            "```sh",
            "# a comment",
            "$ govcloud validate --stack <stack> \\",
            "    stacks/<stack>/tenants/<tenant>.yaml && pulumi preview -s national-prod | tee out.txt",
            "cat > x.yaml <<'EOF'",
            "govcloud not-a-command",
            "EOF",
            "GOVCLOUD_TODAY=2026-01-15 govcloud synth --stack dev --out out/<tenant> 2>&1",
            "```",
            "```yaml",
            "govcloud: yaml, not shell",
            "```",
        ]
    )
    found = [
        (number, argv)
        for start, body in shell_blocks(markdown)
        for number, text in logical_lines(start, body)
        for argv in simple_commands(text)
    ]
    assert found == [
        (4, ["govcloud", "validate", "--stack", "national-prod", "stacks/national-prod/tenants/nso.yaml"]),
        (4, ["pulumi", "preview", "-s", "national-prod"]),
        (4, ["tee", "out.txt"]),
        (6, ["cat"]),
        (9, ["govcloud", "synth", "--stack", "dev", "--out", "out/nso"]),
    ]


# ----------------------------------------------------------------------------------------- runbooks


def test_every_expected_runbook_exists() -> None:
    missing = [name for name in EXPECTED_RUNBOOKS if not (RUNBOOKS / name).is_file()]
    assert not missing, f"missing runbooks: {missing}"


@pytest.mark.parametrize("name", EXPECTED_RUNBOOKS)
def test_runbook_has_the_required_sections(name: str) -> None:
    path = RUNBOOKS / name
    if not path.is_file():
        pytest.fail(f"{name} does not exist")
    headings = [m.group(1).strip() for m in re.finditer(r"^#{1,6}\s+(.+)$", path.read_text("utf-8"), re.M)]
    missing = [
        section for section in REQUIRED_SECTIONS if not any(h.lower().startswith(section.lower()) for h in headings)
    ]
    assert not missing, f"{name} lacks sections {missing}; headings are {headings}"


@pytest.mark.parametrize("name", EXPECTED_RUNBOOKS)
def test_runbook_shows_commands(name: str) -> None:
    assert any(c.runbook == name for c in GOVCLOUD_COMMANDS + PULUMI_COMMANDS), (
        f"{name} has no govcloud or pulumi command in a fenced block"
    )


def _usage_errors() -> tuple[type[Exception], ...]:
    """click's UsageError, and the one of the click copy that typer >= 0.22 vendors as ``typer._click``."""
    errors: list[type[Exception]] = [click.UsageError]
    try:
        from typer._click.exceptions import UsageError as VendoredUsageError
    except ImportError:  # typer that uses click itself
        pass
    else:
        errors.append(VendoredUsageError)
    return tuple(errors)


USAGE_ERRORS = _usage_errors()


def _resolve(argv: tuple[str, ...]) -> tuple[Any, list[str], str]:
    """Walk ``govcloud sub [subsub] ...`` down to the command; the rest are its arguments.

    A group is anything with a ``commands`` mapping (click's ``Group`` and typer's own ``TyperGroup``).
    """
    command: Any = typer.main.get_command(app)
    path = ["govcloud"]
    rest = list(argv[1:])
    while isinstance(getattr(command, "commands", None), dict):
        if not rest or rest[0].startswith("-"):
            pytest.fail(f"`{' '.join(path)}` needs a subcommand; one of {sorted(command.commands)}")
        sub = command.commands.get(rest[0])
        if sub is None:
            pytest.fail(f"`{' '.join(path)}` has no subcommand {rest[0]!r}; it has {sorted(command.commands)}")
        path.append(rest.pop(0))
        command = sub
    return command, rest, " ".join(path)


def _parse(argv: tuple[str, ...]) -> None:
    target, args, name = _resolve(argv)
    target.make_context(name, args, resilient_parsing=False)


@pytest.mark.parametrize(
    "argv",
    [
        ("govcloud", "diff", "old", "new", "--allow-data-migrations"),
        ("govcloud", "synth", "--out", "out"),
        ("govcloud", "validate", "--stack"),
    ],
)
def test_the_check_rejects_unknown_flags_and_missing_values(argv: tuple[str, ...]) -> None:
    with pytest.raises(USAGE_ERRORS):
        _parse(argv)


def test_the_check_rejects_unknown_subcommands() -> None:
    with pytest.raises(pytest.fail.Exception, match="no subcommand 'deploy'"):
        _parse(("govcloud", "deploy", "--stack", "dev"))


@pytest.mark.parametrize("command", GOVCLOUD_COMMANDS, ids=str)
def test_govcloud_command_parses(command: Command) -> None:
    try:
        _parse(command.argv)
    except USAGE_ERRORS as error:
        pytest.fail(f"{command}\n  rejected: {error}")


def _stack_of(argv: tuple[str, ...]) -> str | None:
    for index, token in enumerate(argv):
        if token in ("-s", "--stack") and index + 1 < len(argv):
            return argv[index + 1]
        if token.startswith("--stack="):
            return token.split("=", 1)[1]
    return None


@pytest.mark.parametrize("command", PULUMI_COMMANDS, ids=str)
def test_pulumi_command_names_an_existing_stack(command: Command) -> None:
    stack = _stack_of(command.argv)
    assert stack is not None, f"{command}\n  names no stack: add -s national-prod (or th76-prod, dev)"
    assert (STACKS / f"Pulumi.{stack}.yaml").is_file(), (
        f"{command}\n  stack {stack!r} has no stacks/Pulumi.{stack}.yaml"
    )


def test_runbooks_mention_only_existing_stacks_in_govcloud_commands() -> None:
    bad = [
        str(c)
        for c in GOVCLOUD_COMMANDS
        if (stack := _stack_of(c.argv)) is not None and not (STACKS / f"Pulumi.{stack}.yaml").is_file()
    ]
    assert not bad, "\n".join(bad)


# ------------------------------------------------------------------------------- running the commands

#: Subcommands that need nothing live: they run here. ``audit``, ``report`` of live findings and ``state``
#: need the site's cluster or store and are exercised against recorded APIs and moto in tests/audit, tests/storage.
OFFLINE = frozenset({"validate", "synth", "diff", "agreements", "codeowners", "stacks", "schema", "site-guide"})
PROJECT_PARTS = ("govcloud", "k8s_manifests", "stacks", "Pulumi.yaml", "pyproject.toml", "CODEOWNERS", "docs")


@pytest.fixture(scope="module")
def reviewer_checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone of a repository holding this project, with ``origin/main``, as a reviewer has it."""
    root = tmp_path_factory.mktemp("runbooks")
    seed = root / "seed"
    seed.mkdir()
    project_repo(seed, PROJECT_PARTS, "main")
    work = root / "work"
    subprocess.run(["git", "clone", "-q", str(seed), str(work)], check=True, capture_output=True)
    (work / "transitions").mkdir()
    (work / "transitions" / "national-prod.preview.json").write_text('{"steps": []}', "utf-8")  # an empty preview
    return work


OFFLINE_COMMANDS = [c for c in GOVCLOUD_COMMANDS if len(c.argv) > 1 and c.argv[1] in OFFLINE]


def test_the_runbooks_have_offline_commands_to_run() -> None:
    assert {c.argv[1] for c in OFFLINE_COMMANDS} >= {"validate", "diff", "agreements", "codeowners"}


@pytest.mark.parametrize("command", OFFLINE_COMMANDS, ids=str)
def test_offline_command_runs_as_written(command: Command, reviewer_checkout: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "GOVCLOUD_TODAY"} | {"PYTHONPATH": str(reviewer_checkout)}
    result = subprocess.run(
        [sys.executable, "-m", "govcloud", *command.argv[1:]],
        cwd=reviewer_checkout,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr
