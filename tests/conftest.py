"""Fixtures shared by every test layer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.prerequisites import missing

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_root() -> Path:
    """Where ``../shared`` (upstream schemas, design notes) lives; GOVCLOUD_SHARED overrides."""
    return Path(os.environ.get("GOVCLOUD_SHARED", REPO_ROOT.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ``../shared`` folder; tests that need it skip, saying why, when it is absent."""
    root = shared_root()
    if not (root / "schemas").is_dir():
        missing(f"../shared is absent ({root}): upstream CRD and chart schemas are needed for this test")
    return root


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT
