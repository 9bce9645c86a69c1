"""Issue 14 on the real API server: a tenant's listeners and routes carry only its own names.

The plan's Gateways, ListenerSets, HTTPRoutes and Certificates are already applied by the fixture (and so
accepted by kube-apiserver with the Gateway API v1.6.1 CRDs' own validation rules). Here the hostile
variants: a ListenerSet in a tenant namespace claiming the portal's host or a catch-all listener, written
even by the platform's own identity, is refused by ``govcloud-tenant-listener-hosts``; a tenant admin may
not write ListenerSets, Gateways or Certificates at all; the tenant's own set (the control) is admitted.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.cluster.conftest import Deployment
from tests.cluster.controlplane import ApiError
from tests.cluster.test_tenant_hosts import PORTAL_HOST, _admin, _refused, _tenant


def _own_listener_set(deployed: Deployment, namespace: str) -> dict[str, Any]:
    (found,) = [o for o in deployed.of_kind("ListenerSet") if o["metadata"]["namespace"] == namespace][:1]
    return copy.deepcopy(found)


def _hostile(listener_set: dict[str, Any], hostname: str | None) -> dict[str, Any]:
    hostile = copy.deepcopy(listener_set)
    hostile["metadata"] = {"name": "hostile", "namespace": listener_set["metadata"]["namespace"]}
    listener: dict[str, Any] = {"name": "http-x", "protocol": "HTTP", "port": 80}
    if hostname is not None:
        listener["hostname"] = hostname
    hostile["spec"]["listeners"] = [listener]
    return hostile


@pytest.mark.parametrize("hostname", [PORTAL_HOST, None], ids=["portal-host", "catch-all"])
def test_a_listener_set_for_a_foreign_host_is_refused_even_from_the_platform(
    deployed: Deployment, hostname: str | None
) -> None:
    namespace, _ = _tenant(deployed)
    listener_set = _own_listener_set(deployed, namespace)
    _refused(lambda: deployed.kube.create(_hostile(listener_set, hostname), dry_run=True), "approved hostnames")
    own = _hostile(listener_set, listener_set["spec"]["listeners"][0]["hostname"])
    deployed.kube.create(own, dry_run=True)  # control: the tenant's own name is admitted


@pytest.mark.parametrize("kind", ["ListenerSet", "Certificate"])
def test_tenant_roles_cannot_write_listeners_or_certificates(deployed: Deployment, kind: str) -> None:
    namespace, _ = _tenant(deployed)
    (own,) = [o for o in deployed.of_kind(kind) if o["metadata"]["namespace"] == namespace][:1]
    hostile = {**copy.deepcopy(own), "metadata": {"name": "hostile", "namespace": namespace}}
    with pytest.raises(ApiError) as refused:
        _admin(deployed, namespace).create(hostile, dry_run=True)
    assert refused.value.status == 403
