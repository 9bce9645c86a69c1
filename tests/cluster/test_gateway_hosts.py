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


def test_each_gateway_names_its_own_envoy_proxy_which_the_server_stores(deployed: Deployment) -> None:
    """EnvoyProxy (Envoy Gateway v1.9.0's CRD, from the tools step's cache) is served and enforces its schema."""
    proxies = {o["metadata"]["name"]: o for o in deployed.of_kind("EnvoyProxy")}
    for gateway in deployed.of_kind("Gateway"):
        ref = gateway["spec"]["infrastructure"]["parametersRef"]
        proxy = proxies[ref["name"]]
        assert proxy["metadata"]["namespace"] == gateway["metadata"]["namespace"]
        stored = deployed.kube.get(proxy["apiVersion"], "EnvoyProxy", ref["name"], proxy["metadata"]["namespace"])
        assert stored is not None
        wanted = proxy["spec"]["provider"]["kubernetes"]["envoyService"]["type"]
        assert stored["spec"]["provider"]["kubernetes"]["envoyService"]["type"] == wanted
    (proxy,) = list(proxies.values())[:1]
    hostile = copy.deepcopy(proxy)
    hostile["metadata"] = {"name": "hostile", "namespace": proxy["metadata"]["namespace"]}
    service = hostile["spec"]["provider"]["kubernetes"]["envoyService"]
    service.update(type="NodePort", loadBalancerIP="203.0.113.9")
    with pytest.raises(ApiError) as refused:  # the CRD's own CEL rule
        deployed.kube.create(hostile, dry_run=True)
    assert "loadBalancerIP can only be set for LoadBalancer type" in refused.value.message


def test_backend_tls_policies_are_stored_and_tenants_cannot_write_them(deployed: Deployment) -> None:
    """BackendTLSPolicy (Gateway API v1.6.1 standard, from the cache): the Trino UI's TLS to its backend."""
    policies = deployed.of_kind("BackendTLSPolicy")
    routes = [o for o in deployed.of_kind("HTTPRoute") if o["metadata"]["name"].endswith("-trino")]
    assert len(policies) == len(routes)
    if not policies:  # a stack that publishes no Trino UI (th76-prod) has none, and the count above says so
        return
    for policy in policies:
        metadata = policy["metadata"]
        stored = deployed.kube.get(policy["apiVersion"], "BackendTLSPolicy", metadata["name"], metadata["namespace"])
        assert stored is not None and stored["spec"]["validation"] == policy["spec"]["validation"]
    policy = policies[0]
    namespace = policy["metadata"]["namespace"]
    hostile = {**copy.deepcopy(policy), "metadata": {"name": "hostile", "namespace": namespace}}
    with pytest.raises(ApiError) as refused:
        _admin(deployed, namespace).create(hostile, dry_run=True)
    assert refused.value.status == 403, "a tenant may not change how Envoy verifies its backends"
    hostile["spec"]["validation"]["wellKnownCACertificates"] = "System"
    with pytest.raises(ApiError) as invalid:  # the CRD's own CEL rule
        deployed.kube.create(hostile, dry_run=True)
    assert "must not contain both CACertificateRefs and WellKnownCACertificates" in invalid.value.message
