"""What a test needs from outside the repository, and how its absence is reported.

Outside CI a missing prerequisite (``../shared``, a Go-built tool, Chromium) skips the test with a reason
that names what is missing and how to get it. CI sets ``GOVCLOUD_REQUIRE_PREREQUISITES=1``: there the same
absence fails the test, so CI never passes by skipping.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

REQUIRE_ENV = "GOVCLOUD_REQUIRE_PREREQUISITES"
TOOLS_ENV = "GOVCLOUD_TOOLS_DIR"
BUILD_COMMAND = "bash tools/build-tools.sh"


def missing(reason: str) -> NoReturn:
    """Skip (development) or fail (CI) because a prerequisite named in ``reason`` is absent."""
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"prerequisite missing in CI ({REQUIRE_ENV}=1): {reason}", pytrace=False)
    pytest.skip(reason)


def tools_dir() -> Path:
    """The per-machine cache the tools step builds into (outside the repository, keyed by version)."""
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "govcloud-tools"
    return Path(os.environ.get(TOOLS_ENV, default))


def tool(name: str) -> Path:
    """The path of a Go-built tool in the cache's ``bin/``; skips (or fails in CI) when it was not built."""
    path = tools_dir() / "bin" / name
    if not (path.is_file() and os.access(path, os.X_OK)):
        missing(f"{name} is not built in {tools_dir()}/bin: run `{BUILD_COMMAND}` (Go and the Go module proxy)")
    return path


CRD_CACHE_STEP = "tools/build.d/30-crds.sh"


def cached_crds() -> list[Path]:
    """The upstream CRD files the tools step copies from pinned Go modules beside ``../shared``'s (``crds/`` in the
    cache: Envoy Gateway's EnvoyProxy, Gateway API's BackendTLSPolicy); skips (or fails in CI) when absent."""
    root = tools_dir() / "crds"
    paths = sorted(root.rglob("*.yaml")) if (root / ".built").is_file() else []
    paths = [p for p in paths if p.parent.name != "admission"]  # upstream admission policies, not CRDs
    if not paths:
        missing(
            f"the upstream CRD cache {root} is empty: run `{BUILD_COMMAND}` ({CRD_CACHE_STEP}, the Go module proxy)"
        )
    return paths


def cached_admission_policy(name: str) -> Path:
    """An upstream admission policy file the tools step caches beside the CRDs (``crds/admission/``)."""
    cached_crds()
    path = tools_dir() / "crds" / "admission" / name
    if not path.is_file():
        missing(f"{path} is not in the CRD cache: run `{BUILD_COMMAND}` ({CRD_CACHE_STEP})")
    return path
