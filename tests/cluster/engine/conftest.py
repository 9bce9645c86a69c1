"""The real Pulumi engine deploying the local test stack (``stacks/Pulumi.local.yaml``).

* ``engine_plane`` (module): a control plane of its own (``tests/cluster/controlplane.py``) per test module,
  so neither the example-stack tests of ``tests/cluster`` (which apply and wipe the same namespace names) nor
  another engine module touch what one deployed (protected namespaces cannot be destroyed between them);
  the upstream CRDs are installed first.
* ``engine_store`` (module): a moto S3/IAM server that enforces IAM once its unauthenticated budget is set
  to 0 (``tests/storage/conftest.py``).
* ``LocalSite``: a copy of the project (``Pulumi.yaml``, the local stack's files) in a temporary folder,
  pointed at that store, with a ``file://`` backend, the passphrase secrets provider, its own ``PULUMI_HOME``,
  no update check and no plugin download; ``run(op)`` runs the real CLI through ``driver.py``.

The tools come from ``bash tools/build-tools.sh`` (``tool(...)``: skipped outside CI when absent, failed in CI).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.controlplane import (
    ApiError,
    ControlPlane,
    install_crds,
    running_control_plane,
    upstream_crd_documents,
)
from tests.conftest import REPO_ROOT, shared_root
from tests.prerequisites import missing, tool
from tests.storage.conftest import ADMIN_KEY_ID, ADMIN_SECRET, NO_AUTH_YET, MotoServer, _start_moto, _stop_moto

STACK = "local"
PASSPHRASE = "govcloud-engine-tests-passphrase"
LOCAL_ENDPOINT = "http://127.0.0.1:9000"
"""The placeholder endpoint in ``stacks/Pulumi.local.yaml``; the tests put their moto server's in its place."""
DRIVER_TIMEOUT = 900


@dataclass(frozen=True)
class EngineTools:
    pulumi: Path
    bin_dir: Path


@pytest.fixture(scope="session")
def engine_tools() -> EngineTools:
    """The built CLI, the Kubernetes provider and the dynamic-provider launcher (all in the tools cache)."""
    pulumi = tool("pulumi")
    tool("pulumi-resource-kubernetes")
    tool("pulumi-resource-pulumi-python")
    return EngineTools(pulumi, pulumi.parent)


@pytest.fixture(scope="module")
def engine_plane(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ControlPlane]:
    binaries = {name: tool(name) for name in ("etcd", "kube-apiserver", "kube-controller-manager")}
    crd_root = shared_root() / "schemas" / "crds"
    if not crd_root.is_dir():
        missing(f"../shared is absent ({crd_root}): the upstream CRDs must be installed before anything else")
    with running_control_plane(tmp_path_factory.mktemp("engine-plane"), binaries) as plane:
        claim_control_plane(plane)
        install_crds(plane.kube(), upstream_crd_documents(crd_root))
        yield plane


PLANE_OWNER = "govcloud-engine-tests-owner"
"""A ConfigMap in ``kube-system`` that names the one test module (its plane's folder) using this cluster."""
SITE_MARKER = "deployed-site"
"""A file in the plane's folder naming the one ``LocalSite`` deployed on it."""


def claim_control_plane(plane: ControlPlane) -> None:
    """Make sure this plane is ours alone, or fail before anything is deployed.

    Each fact belongs to exactly one stack: a cluster-scoped object (the admission policies, the Gateways'
    class) is declared by one platform stack. Two deployments of the platform on one API server each apply it
    under a server-side-apply field manager of their own (pulumi/pulumi-kubernetes
    ``provider/pkg/provider/provider.go``, ``fieldManagerName``: ``pulumi-kubernetes-<random>`` per resource,
    v4.25.0) and the second stops on a field conflict - or, with ``pulumi.com/patchForce``, silently takes the
    fields over. That is how a sharded draft failed one run in three: two copies of the site, each with its own
    ``file://`` backend and its own platform stack ``local``, deployed to one control plane (two test runs sharing one
    temporary folder), and the second platform ``up`` met ``.spec.matchConstraints`` of
    ``govcloud-tenant-ingress-hosts`` owned by the first's manager. A plane whose etcd or API server is not the
    one it started (a port taken by another plane's) or that another module already claimed fails here.
    """
    for name, process in plane.processes.items():
        assert process.poll() is None, f"{name} of {plane.workdir} exited:\n{plane.log(name)[-2000:]}"
    kube = plane.kube()
    marker = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": PLANE_OWNER, "namespace": "kube-system"},
        "data": {"plane": str(plane.workdir)},
    }
    try:
        kube.create(marker)
    except ApiError as error:
        owner = (kube.get("v1", "ConfigMap", PLANE_OWNER, "kube-system") or {}).get("data", {}).get("plane")
        raise AssertionError(f"the control plane of {plane.workdir} is already used by {owner}: {error}") from error


@pytest.fixture(scope="module")
def engine_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    log = tmp_path_factory.mktemp("engine-moto") / "moto.log"
    server = _start_moto(log, {"INITIAL_NO_AUTH_ACTION_COUNT": NO_AUTH_YET})
    yield server
    _stop_moto(server)


def engine_env(root: Path, tools: EngineTools, kubeconfig: Path, store: MotoServer) -> dict[str, str]:
    """The real CLI's environment: ``root/state`` as the file backend, ``root/home`` as its home, the passphrase
    secrets provider, no update check or plugin download, the control plane and the store's admin key.
    Also used by ``benchmarks/engine.py``."""
    return {
        "PATH": os.pathsep.join([str(tools.bin_dir), str(Path(sys.executable).parent), "/usr/bin", "/bin"]),
        "HOME": str(root / "home"),
        "PULUMI_HOME": str(root / "home" / ".pulumi"),
        "PULUMI_BACKEND_URL": f"file://{root / 'state'}",
        "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK": "true",
        "PULUMI_PYTHON_CMD": sys.executable,
        "GOVCLOUD_ENGINE_ROOT": str(tools.bin_dir.parent),
        "KUBECONFIG": str(kubeconfig),
        "AWS_ACCESS_KEY_ID": ADMIN_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": ADMIN_SECRET,
        "AWS_EC2_METADATA_DISABLED": "true",
        "PYTHONPATH": str(REPO_ROOT),
        "LANG": "C.UTF-8",
    }


class LocalSite:
    """A copy of the project deployed by the real CLI; its files can be edited like a merge request would."""

    def __init__(self, root: Path, tools: EngineTools, plane: ControlPlane, store: MotoServer) -> None:
        self.root = root
        self.project = root / "project"
        self.plane = plane
        self.store = store
        self.stacks = self.project / "stacks"
        try:  # one site per control plane (see claim_control_plane)
            with (plane.workdir / SITE_MARKER).open("x", encoding="utf-8") as marker:
                marker.write(str(root))
        except FileExistsError:
            other = (plane.workdir / SITE_MARKER).read_text("utf-8")
            raise AssertionError(f"the control plane of {plane.workdir} already deploys the site in {other}") from None
        (self.stacks / STACK).mkdir(parents=True)
        shutil.copy(REPO_ROOT / "Pulumi.yaml", self.project / "Pulumi.yaml")
        shutil.copytree(REPO_ROOT / "stacks" / STACK, self.stacks / STACK, dirs_exist_ok=True)
        port = store.endpoint.rsplit(":", 1)[1]
        config = (REPO_ROOT / "stacks" / f"Pulumi.{STACK}.yaml").read_text("utf-8")
        assert LOCAL_ENDPOINT in config, "the local stack's placeholder endpoint moved"
        config = config.replace(LOCAL_ENDPOINT, store.endpoint).replace("port: 9000", f"port: {port}")
        self.config_file.write_text(config, "utf-8")
        (root / "state").mkdir()
        (root / "home").mkdir()
        self.env = engine_env(root, tools, plane.kubeconfig, store)

    @property
    def config_file(self) -> Path:
        return self.stacks / f"Pulumi.{STACK}.yaml"

    def run(self, operation: str, stack: str = STACK, policy_pack: Path | None = None) -> dict[str, Any]:
        """``up``, ``preview``, ``refresh`` or ``export`` with the real CLI; the driver's JSON answer."""
        self.store.set_unauthenticated_budget(NO_AUTH_YET)  # the admin key is not an IAM user of moto's
        pack = [str(policy_pack)] if policy_pack else []
        done = subprocess.run(
            [sys.executable, "-m", "tests.cluster.engine.driver", operation, str(self.project), stack, *pack],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=DRIVER_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"driver {operation} exited {done.returncode}:\n{done.stderr[-6000:]}")
        answer: dict[str, Any] = json.loads(done.stdout)
        return answer

    def ok(self, operation: str, stack: str = STACK, policy_pack: Path | None = None) -> dict[str, Any]:
        answer = self.run(operation, stack, policy_pack)
        assert answer["ok"], f"pulumi {operation} failed:\n{answer['error'][-8000:]}"
        return answer


@pytest.fixture(scope="module")
def local_site(
    tmp_path_factory: pytest.TempPathFactory,
    engine_tools: EngineTools,
    engine_plane: ControlPlane,
    engine_store: MotoServer,
) -> LocalSite:
    """The local stack, not yet deployed, on a fresh store and state backend."""
    engine_store.reset()
    return LocalSite(tmp_path_factory.mktemp("engine-site"), engine_tools, engine_plane, engine_store)
