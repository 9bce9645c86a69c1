"""The site guide's procedure for a failed or interrupted ``pulumi up`` (docs/site-guide.md section 8), walked on
the real engine: an update killed mid-way leaves a *pending create*; the state export shows it; a refresh with
``--clear-pending-creates`` drops the record of a create that did not happen; the next ``up`` resumes.

The interruption is recorded the way the engine records it (a ``pending_operations`` entry of type
``creating`` in the ``file://`` backend's checkpoint, pulumi/pulumi ``sdk/go/common/apitype`` ``OperationV2``):
killing a real CLI at the right instant is not reproducible in a test, and ``pulumi stack import`` clears
pending operations on purpose (pulumi/pulumi ``stack_import.go``: "Explicitly clear-out any pending operations").
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.prerequisites import tool

REPO_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    pulumi = tool("pulumi")
    tool("pulumi-resource-pulumi-python")
    root = tmp_path_factory.mktemp("interrupted")
    (root / "work").mkdir()
    (root / "state").mkdir()
    (root / "home").mkdir()
    env = {
        "PATH": os.pathsep.join([str(pulumi.parent), str(Path(sys.executable).parent), "/usr/bin", "/bin"]),
        "HOME": str(root / "home"),
        "PULUMI_HOME": str(root / "home" / ".pulumi"),
        "PULUMI_BACKEND_URL": f"file://{root / 'state'}",
        "PULUMI_CONFIG_PASSPHRASE": "govcloud-interrupted-update-tests",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK": "true",
        "PULUMI_PYTHON_CMD": sys.executable,
        "GOVCLOUD_ENGINE_ROOT": str(pulumi.parent.parent),
        "PYTHONPATH": str(REPO_ROOT),
        "LANG": "C.UTF-8",
    }
    return {"root": root, "work": root / "work", "env": env}


def drive(site: dict[str, Any], operation: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.cli.pending_driver", operation, str(site["work"]), *args],
        cwd=REPO_ROOT,
        env=site["env"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    answer: dict[str, Any] = json.loads(done.stdout)
    assert answer["ok"], answer.get("error", "")[-4000:]
    return answer


def _records(deployment: dict[str, Any]) -> set[str]:
    return {r["urn"].rsplit("::", 1)[-1] for r in deployment.get("resources", []) if "Record" in r["type"]}


def test_an_interrupted_update_is_repaired_by_refresh_and_resumed(site: dict[str, Any]) -> None:
    assert drive(site, "up", "alpha")["changes"].get("create") == 2  # the stack and alpha

    # The CLI dies while creating beta: the checkpoint holds a pending create for it.
    deployment = drive(site, "export")["deployment"]
    alpha = next(r for r in deployment["resources"] if r["urn"].endswith("::alpha"))
    beta = copy.deepcopy(alpha)
    beta["urn"] = alpha["urn"].rsplit("::", 1)[0] + "::beta"
    beta.pop("id", None)
    beta["inputs"] = beta["outputs"] = {"label": "beta"}
    # `pulumi stack import` drops pending operations on purpose, so they are written into the file backend's
    # checkpoint the way the engine writes them before it calls the provider's create.
    (checkpoint_file,) = (site["root"] / "state" / ".pulumi" / "stacks").rglob("site.json")
    checkpoint = json.loads(checkpoint_file.read_text("utf-8"))
    checkpoint["checkpoint"]["latest"]["pending_operations"] = [{"resource": beta, "type": "creating"}]
    checkpoint_file.write_text(json.dumps(checkpoint), "utf-8")

    # Step 1: save the state and look: the export names the pending operation.
    saved = drive(site, "export")["deployment"]
    assert [op["resource"]["urn"].rsplit("::", 1)[-1] for op in saved.get("pending_operations", [])] == ["beta"]

    # Steps 2-3: beta was never created (nothing exists for it): a previewed refresh, then clear the record.
    drive(site, "refresh")
    drive(site, "clear-pending")
    repaired = drive(site, "export")["deployment"]
    assert not repaired.get("pending_operations")
    assert _records(repaired) == {"alpha"}  # what did exist is untouched

    # Step 4: resume: the same up creates what the interrupted one did not.
    resumed = drive(site, "up", "alpha", "beta")
    assert resumed["changes"].get("create") == 1
    final = drive(site, "export")["deployment"]
    assert _records(final) == {"alpha", "beta"} and not final.get("pending_operations")
