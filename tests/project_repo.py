"""A git repository holding a copy of this project, for tests that run the commands as CI or a reviewer does."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import REPO_ROOT


def git(repo: Path, *args: str) -> None:
    """Run git in ``repo`` with a fixed identity (the test machine may have none)."""
    subprocess.run(
        ["git", "-c", "user.email=ci@gdcc.go.th", "-c", "user.name=ci", "-C", str(repo), *args],
        check=True,
        capture_output=True,
    )


def project_repo(root: Path, parts: tuple[str, ...], message: str) -> Path:
    """Copy ``parts`` of this project into ``root`` and commit them on ``main`` as one commit."""
    for part in parts:
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, root / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copy2(source, root / part)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return root
