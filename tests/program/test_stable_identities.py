"""Stable identities: the URN of every data-bearing resource of each example stack is pinned in a golden file.

Pulumi knows a resource by its URN (stack, project, the type chain of its parents, its name). A URN that changes
is, to the engine, one resource deleted and another created: for a bucket, a volume claim, a namespace or a
database cluster that is data lost (protect and retainOnDelete stop it, but the next ``pulumi up`` then fails or
orphans the data). So a change to these URNs must be deliberate: a component renamed or re-parented passes
``aliases`` (``pulumi.Alias``) with its old name or parent, and the golden file is regenerated with
``GOVCLOUD_UPDATE_GOLDEN=1 python -m pytest tests/program/test_stable_identities.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from govcloud.safety import is_data_bearing
from tests.program.conftest import EXAMPLE_STACKS, synthesized

GOLDEN = Path(__file__).with_name("golden") / "data-bearing-urns.json"


def _data_bearing_urns(stack: str) -> list[str]:
    result, _ = synthesized(stack)
    return sorted(r.urn for r in result.registrations if is_data_bearing(r.type))


@pytest.fixture(scope="module")
def golden() -> dict[str, list[str]]:
    if os.environ.get("GOVCLOUD_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        fresh = {stack: _data_bearing_urns(stack) for stack in EXAMPLE_STACKS}
        GOLDEN.write_text(json.dumps(fresh, indent=1) + "\n", "utf-8")
    loaded: dict[str, list[str]] = json.loads(GOLDEN.read_text("utf-8"))
    return loaded


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_data_bearing_urns_are_the_golden_ones(stack: str, golden: dict[str, list[str]]) -> None:
    now = _data_bearing_urns(stack)
    gone = sorted(set(golden[stack]) - set(now))
    new = sorted(set(now) - set(golden[stack]))
    assert not gone and not new, (
        f"the URNs of data-bearing resources of {stack} changed: Pulumi would delete {gone} and create {new}. "
        "If a component was renamed or re-parented, give it aliases=[pulumi.Alias(name=..., parent=...)] with "
        "its old identity; if the change is intended (a new tenant, zone or database), regenerate the golden "
        "file with GOVCLOUD_UPDATE_GOLDEN=1 (see this module's docstring)"
    )


def test_the_golden_file_pins_every_kind_of_data() -> None:
    """A golden file without buckets, volumes, namespaces or databases would pin nothing worth pinning."""
    pinned = json.loads(GOLDEN.read_text("utf-8"))
    urns = [urn for stack in EXAMPLE_STACKS for urn in pinned[stack]]
    for kind in ("dynamic/govcloud:Bucket", "core/v1:Namespace", "postgresql.cnpg.io/v1:Cluster"):
        assert any(kind in urn for urn in urns), kind
