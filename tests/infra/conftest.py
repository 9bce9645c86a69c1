"""Live checks of a deployed site, for platform engineers after ``pulumi up``; never part of the normal run.

They need a host to run commands on, given with pytest-testinfra's ``--hosts``:

* a tenant's pods and database, through a pod that has ``kubectl`` and ``psql`` (an operations toolbox,
  or the tenant's own database pod for the TLS probe)::

      python -m pytest tests/infra --hosts='kubectl://nso-pg-1?namespace=nso&container=postgres' \\
          --govcloud-tenant nso

* a node's hardening (sshd, sysctl, kubelet), over SSH as root or with ``--sudo``::

      python -m pytest tests/infra --hosts='ssh://ops@gdcc-bkk-w07' --sudo

Without ``--hosts`` every test here is skipped with that instruction, so a plain ``python -m pytest`` of
the repository reports them as skipped rather than passing them against the local machine. A test whose
tool is missing on the chosen host (no ``kubectl``, no ``psql``, not a Kubernetes node) skips, naming the
host and what it lacked. Pass ``tests/infra`` on the command line so the ``--govcloud-*`` options below
are registered before pytest parses them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

INFRA_DIR = Path(__file__).resolve().parent
SKIP_REASON = "live checks: pass --hosts=kubectl://... or ssh://... after pulumi up"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("govcloud", "govcloud live checks (tests/infra)")
    group.addoption(
        "--govcloud-tenant",
        action="store",
        default=None,
        metavar="NAME",
        help="Tenant whose namespace (named like the tenant) the pod checks read.",
    )
    group.addoption(
        "--govcloud-pg-host",
        action="store",
        default=None,
        metavar="HOST",
        help="Database service (HOST or HOST:PORT) to probe for TLS; default <tenant>-pg-rw.<tenant>.svc.",
    )


def _hosts_given(config: pytest.Config) -> bool:
    return bool(config.getoption("hosts", default=None))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip every test of this folder, with the reason, unless ``--hosts`` names live hosts."""
    if _hosts_given(config):
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if INFRA_DIR in Path(item.path).resolve().parents:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _require_hosts(request: pytest.FixtureRequest) -> None:
    """A second guard: a live test must never run against the local machine by default."""
    if not request.config.getoption("hosts", default=None):
        pytest.skip(SKIP_REASON)


@pytest.fixture(scope="session")
def govcloud_tenant(request: pytest.FixtureRequest) -> str:
    tenant = request.config.getoption("govcloud_tenant")
    if not tenant:
        pytest.skip("tenant checks: pass --govcloud-tenant NAME (the tenant's namespace)")
    return str(tenant)


@pytest.fixture(scope="session")
def govcloud_pg_host(request: pytest.FixtureRequest) -> str:
    host = request.config.getoption("govcloud_pg_host")
    if host:
        return str(host)
    tenant = request.config.getoption("govcloud_tenant")
    if not tenant:
        pytest.skip("database checks: pass --govcloud-pg-host HOST or --govcloud-tenant NAME")
    return f"{tenant}-pg-rw.{tenant}.svc"
