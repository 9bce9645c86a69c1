"""The layers hold: `lint-imports` (import-linter) checks the contracts in `.importlinter` on every CI run."""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _run(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(config)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_every_import_contract_is_kept() -> None:
    done = _run(REPO_ROOT / ".importlinter")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_a_climbing_import_is_caught(tmp_path: Path) -> None:
    """The tool does catch a violation of this project: the contract sits below naming, which imports it."""
    config = tmp_path / "inverted.ini"
    config.write_text(
        "[importlinter]\nroot_package = govcloud\n\n"
        "[importlinter:contract:inverted]\nname = inverted\ntype = layers\nlayers =\n"
        "    govcloud.contract\n    govcloud.naming\n",
        "utf-8",
    )
    done = _run(config)
    assert done.returncode == 1, done.stdout
    assert "govcloud.naming -> govcloud.contract" in done.stdout


def test_the_documented_layers_are_the_checked_ones() -> None:
    """docs/architecture.md lists the layers of the contract, top to bottom, in the same order."""
    parser = configparser.ConfigParser()
    parser.read(REPO_ROOT / ".importlinter", "utf-8")
    layers = [line.strip() for line in parser["importlinter:contract:layers"]["layers"].splitlines() if line.strip()]
    doc = (REPO_ROOT / "docs" / "architecture.md").read_text("utf-8")
    positions = [doc.index(f"`{layer.split(' | ')[0]}`") for layer in layers]
    assert positions == sorted(positions), layers
