"""docs/gateway.md's CRD upgrade step, run with kubectl against the real control plane (issue 14).

Helm never upgrades the CRDs in a chart's ``crds/`` folder, so an Envoy Gateway upgrade applies the new CRDs
first, server-side, from Envoy Gateway's CRD chart (``helm template ... gateway-crds-helm | kubectl apply
--server-side --force-conflicts -f -``). Helm is not built here; the same files (Gateway API v1.6.1 standard
from ../shared and the tools step's cache, EnvoyProxy v1.9.0) go through the same ``kubectl apply``, guarded
by Gateway API's own ``safe-upgrades`` ValidatingAdmissionPolicy, which the gateway-helm chart also installs.
Shown: re-applying the standard channel over itself is admitted and the documented check prints the bundle
version and channel; an experimental CRD over a standard one, or a bundle older than v1.5, is refused.
"""

from __future__ import annotations

import copy
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import yaml

from tests.cluster.controlplane import ControlPlane
from tests.conftest import shared_root
from tests.prerequisites import cached_admission_policy, cached_crds, tool

SAFE_UPGRADES = "gateway.networking.k8s.io_vap_safeupgrades.yaml"
CHECK = (
    'go-template=version={{ index .metadata.annotations "gateway.networking.k8s.io/bundle-version" }} '
    'channel={{ index .metadata.annotations "gateway.networking.k8s.io/channel" }}'
)
"""The check docs/gateway.md gives (Envoy Gateway v1.9.0 charts/gateway-crds-helm/README.md)."""


def _kubectl(plane: ControlPlane, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(tool("kubectl")), *args],
        env={**os.environ, "KUBECONFIG": str(plane.kubeconfig)},
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _gateway_crd() -> dict[str, Any]:
    path = shared_root() / "schemas" / "crds" / "gateway-api" / "gateway.networking.k8s.io_gateways.yaml"
    return dict(yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader))


def _refused_until_bound(plane: ControlPlane, crd: dict[str, Any], expected: str) -> str:
    """Apply ``crd``; the policy's binding takes effect within seconds, so retry briefly until refused."""
    deadline = time.monotonic() + 30
    while True:
        result = _kubectl(plane, "apply", "--server-side", "--force-conflicts", "--dry-run=server", "-f", "-",
                          stdin=yaml.safe_dump(crd))  # fmt: skip
        if result.returncode != 0 or time.monotonic() > deadline:
            assert result.returncode != 0 and expected in result.stderr, result.stdout + result.stderr
            return result.stderr
        time.sleep(1)


def test_the_crd_upgrade_step_applies_server_side_under_gateway_apis_safe_upgrades(
    control_plane: ControlPlane,
) -> None:
    policy = cached_admission_policy(SAFE_UPGRADES)
    gateway_api = sorted((shared_root() / "schemas" / "crds" / "gateway-api").glob("*.yaml"))
    cached = cached_crds()
    applied = _kubectl(control_plane, "apply", "--server-side", "--force-conflicts", "-f", str(policy))
    assert applied.returncode == 0, applied.stderr
    try:
        experimental = copy.deepcopy(_gateway_crd())
        experimental["metadata"]["annotations"]["gateway.networking.k8s.io/channel"] = "experimental"
        _refused_until_bound(control_plane, experimental, "Installing experimental CRDs on top of standard")
        older = copy.deepcopy(_gateway_crd())
        older["metadata"]["annotations"]["gateway.networking.k8s.io/bundle-version"] = "v1.4.1"
        _refused_until_bound(control_plane, older, "Installing CRDs with version before v1.5.0 is prohibited")
        # The upgrade step itself: the same channel and a newer-or-equal bundle, every file server-side.
        files = [arg for path in [*gateway_api, *cached] for arg in ("-f", str(path))]
        upgraded = _kubectl(control_plane, "apply", "--server-side", "--force-conflicts", *files)
        assert upgraded.returncode == 0, upgraded.stderr
        assert "gateways.gateway.networking.k8s.io serverside-applied" in upgraded.stdout
        assert "envoyproxies.gateway.envoyproxy.io serverside-applied" in upgraded.stdout
        check = _kubectl(control_plane, "get", "crd", "gateways.gateway.networking.k8s.io", "-o", CHECK)
        assert check.returncode == 0 and check.stdout.strip() == "version=v1.6.1 channel=standard", check.stderr
        served = _kubectl(control_plane, "get", "gateways,listenersets,backendtlspolicies,envoyproxies", "-A")
        assert served.returncode == 0, served.stderr
    finally:
        removed = _kubectl(control_plane, "delete", "--ignore-not-found", "-f", str(policy))
        assert removed.returncode == 0, removed.stderr


def test_the_cache_holds_only_what_shared_lacks(shared_dir: Path) -> None:
    """The tools step copies only CRDs ../shared does not have (a kind defined twice is refused)."""
    names = {Path(p).name for p in cached_crds()}
    assert names == {"gateway.envoyproxy.io_envoyproxies.yaml", "gateway.networking.k8s.io_backendtlspolicies.yaml"}
    shared = {p.name for p in (shared_dir / "schemas" / "crds").rglob("*.yaml")}
    assert not names & shared
