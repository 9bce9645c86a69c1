"""The migration runbook's read-only kubectl commands run as written against a control plane holding a
deployed example stack (issue 14): every kind and name they ask for is served, and the end state has no
Ingress. ``kubectl wait``, ``logs``, ``delete`` and ``curl`` need a running data plane or change the
cluster, so only ``kubectl get`` lines run here; their resource names are what the others use too.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.cluster.conftest import Deployment
from tests.prerequisites import tool
from tests.unit.test_runbooks import Command, runbook_commands

RUNBOOK = "migrating-ingress-to-gateway.md"
OLD_CONTROLLER = "ingress-nginx"
"""Lines about the old controller's namespace, which a site built by this version never had: not run here."""
ALL_GETS = [c for c in runbook_commands("kubectl") if c.runbook == RUNBOOK and "get" in c.argv[1:4]]
GETS = [c for c in ALL_GETS if OLD_CONTROLLER not in c.argv]


def test_the_runbook_has_kubectl_commands() -> None:
    kinds = {word for c in GETS for word in c.argv}
    assert {"listenersets", "certificates", "httproutes", "ingress", "gateway"} <= kinds
    assert len(ALL_GETS) - len(GETS) == 1, "only the check that the old namespace is empty is left out"


@pytest.mark.parametrize("command", GETS, ids=str)
def test_kubectl_get_runs_as_written(command: Command, deployed: Deployment) -> None:
    kubectl = tool("kubectl")
    result = subprocess.run(
        [str(kubectl), *command.argv[1:]],
        env={**os.environ, "KUBECONFIG": str(deployed.plane.kubeconfig)},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    if command.argv[1:3] == ("get", "ingress"):
        assert "No resources found" in result.stderr, "the end state publishes nothing through an Ingress"
