"""The audit of the entry points (issue 14): a listener without a valid certificate is reported, live.

The national-prod plan's own Gateways, ListenerSets and Certificates are served back by the recorded API
as an API server would list them (with the status their controllers set), then broken one way at a time.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from govcloud.audit.gateway_side import KINDS, audit_gateways
from govcloud.manifests.gateway import ACME_SOLVER_LABELS
from govcloud.synth.plan import kubernetes_objects
from tests.audit.conftest import RecordedApi
from tests.program.conftest import synthesized

READY = {"conditions": [{"type": "Ready", "status": "True"}]}
PROGRAMMED = {"conditions": [{"type": "Programmed", "status": "True"}], "addresses": [{"value": "203.150.10.20"}]}


def _declared() -> list[dict[str, Any]]:
    objects = kubernetes_objects(synthesized("national-prod")[1]["resources"])
    return [o for o in objects if o["kind"] in KINDS]


def _live(declared: list[dict[str, Any]]) -> list[dict[str, Any]]:
    live = copy.deepcopy(declared)
    for o in live:
        o["status"] = {"Certificate": READY, "Gateway": PROGRAMMED}.get(o["kind"], {})
    return live


def _serve(tmp_path: Path, live: list[dict[str, Any]]) -> Path:
    """One List file per (kind, namespace) the audit asks for: the namespaces the plan publishes from."""
    namespaces = {o["metadata"]["namespace"] for o in _declared() if o["kind"] != "Certificate"}
    for namespace in namespaces:
        for kind, (group, version, plural) in KINDS.items():
            items = [o for o in live if o["kind"] == kind and o["metadata"]["namespace"] == namespace]
            path = tmp_path / "apis" / group / version / "namespaces" / namespace / f"{plural}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"apiVersion": f"{group}/{version}", "kind": f"{kind}List", "items": items}))
    return tmp_path


def _audit(recorded_api: Callable[[str | Path], RecordedApi], tmp_path: Path, live: list[dict[str, Any]]) -> Any:
    api = recorded_api(_serve(tmp_path, live))
    findings, checked = audit_gateways(_declared(), api.client())
    assert api.unexpected == []
    return {(f.code, f.resource, f.evidence.get("hostname")) for f in findings}, checked


def test_a_healthy_site_has_no_finding(recorded_api: Callable[[str | Path], RecordedApi], tmp_path: Path) -> None:
    found, checked = _audit(recorded_api, tmp_path, _live(_declared()))
    assert found == set()
    assert checked == 6, "one HTTPS listener per approved name (5 tenants, one name each, and the portal)"


def test_a_listener_whose_certificate_is_not_ready_is_reported(
    recorded_api: Callable[[str | Path], RecordedApi], tmp_path: Path
) -> None:
    live = _live(_declared())
    (certificate,) = [o for o in live if o["kind"] == "Certificate" and o["metadata"]["name"] == "nso.data.go.th"]
    certificate["status"] = {"conditions": [{"type": "Ready", "status": "False", "reason": "Failed"}]}
    found, _ = _audit(recorded_api, tmp_path, live)
    assert found == {("AUD-TLS-001", "ListenerSet nso/govcloud-public", "nso.data.go.th")}


@pytest.mark.parametrize("how", ["deleted", "renamed"])
def test_a_listener_without_its_certificate_is_reported(
    how: str, recorded_api: Callable[[str | Path], RecordedApi], tmp_path: Path
) -> None:
    live = _live(_declared())
    (certificate,) = [o for o in live if o["kind"] == "Certificate" and o["metadata"]["name"] == "data.go.th"]
    if how == "deleted":
        live.remove(certificate)
    else:  # someone re-issued it for another name
        certificate["spec"]["dnsNames"] = ["portal.example.org"]
    found, _ = _audit(recorded_api, tmp_path, live)
    assert found == {("AUD-TLS-001", "ListenerSet ckan/govcloud-public", "data.go.th")}


def test_a_public_name_on_the_site_ca_and_an_unprogrammed_gateway_are_reported(
    recorded_api: Callable[[str | Path], RecordedApi], tmp_path: Path
) -> None:
    live = _live(_declared())
    (certificate,) = [o for o in live if o["kind"] == "Certificate" and o["metadata"]["name"] == "weather.data.go.th"]
    certificate["spec"]["issuerRef"]["name"] = "govcloud-site-issuer"
    (gateway,) = [o for o in live if o["kind"] == "Gateway" and o["metadata"]["name"] == "internal"]
    gateway["status"] = {"conditions": [{"type": "Programmed", "status": "False", "reason": "AddressNotAssigned"}]}
    found, _ = _audit(recorded_api, tmp_path, live)
    assert found == {
        ("AUD-TLS-002", "ListenerSet tmd/govcloud-public", "weather.data.go.th"),
        ("AUD-GW-001", "Gateway envoy-gateway-system/internal", None),
    }


def test_a_deleted_listener_set_is_reported(recorded_api: Callable[[str | Path], RecordedApi], tmp_path: Path) -> None:
    live = [o for o in _live(_declared()) if (o["kind"], o["metadata"]["namespace"]) != ("ListenerSet", "moph")]
    found, _ = _audit(recorded_api, tmp_path, live)
    assert found == {("AUD-TLS-001", "ListenerSet moph/govcloud-public", None)}


def test_a_missing_namespace_is_reported_once_by_the_namespace_audit(
    recorded_api: Callable[[str | Path], RecordedApi], tmp_path: Path
) -> None:
    live = [o for o in _live(_declared()) if o["metadata"]["namespace"] != "moph"]
    api = recorded_api(_serve(tmp_path, live))
    findings, _ = audit_gateways(_declared(), api.client(), missing_namespaces=["moph"])
    assert findings == [], "AUD-NS-001 already says the namespace and all it held are gone"
    assert not [r for r in api.requests if "/namespaces/moph/" in r]


def test_a_route_or_listener_set_published_outside_govcloud_is_reported(
    recorded_api: Callable[[str | Path], RecordedApi], tmp_path: Path
) -> None:
    live = _live(_declared())
    (route,) = [o for o in live if o["kind"] == "HTTPRoute" and o["metadata"]["name"] == "nso-jupyterhub"]
    by_hand = copy.deepcopy(route)
    by_hand["metadata"]["name"] = "by-hand"
    solver = copy.deepcopy(route)  # cert-manager's own HTTP-01 route: expected while a certificate is issued
    solver["metadata"] = {**solver["metadata"], "name": "cm-acme-http-solver-x", "labels": {**ACME_SOLVER_LABELS}}
    (listeners,) = [o for o in live if o["kind"] == "ListenerSet" and o["metadata"]["namespace"] == "tmd"]
    extra = {**copy.deepcopy(listeners), "metadata": {"name": "extra", "namespace": "tmd"}}
    found, _ = _audit(recorded_api, tmp_path, [*live, by_hand, solver, extra])
    assert found == {
        ("AUD-GW-002", "HTTPRoute nso/by-hand", None),
        ("AUD-GW-002", "ListenerSet tmd/extra", None),
    }


def test_a_gateway_exposed_other_than_declared_is_reported(
    recorded_api: Callable[[str | Path], RecordedApi], tmp_path: Path
) -> None:
    """The internal Gateway's EnvoyProxy turned into a load balancer, the public one pointed at another proxy."""
    live = _live(_declared())
    (proxy,) = [o for o in live if o["kind"] == "EnvoyProxy" and o["metadata"]["name"] == "internal-proxy"]
    proxy["spec"]["provider"]["kubernetes"]["envoyService"]["type"] = "NodePort"
    (gateway,) = [o for o in live if o["kind"] == "Gateway" and o["metadata"]["name"] == "public"]
    gateway["spec"]["infrastructure"]["parametersRef"]["name"] = "by-hand"
    found, _ = _audit(recorded_api, tmp_path, live)
    assert found == {
        ("AUD-GW-003", "EnvoyProxy envoy-gateway-system/internal-proxy", None),
        ("AUD-GW-003", "Gateway envoy-gateway-system/public", None),
    }
    found, _ = _audit(recorded_api, tmp_path / "gone", [o for o in live if o is not proxy and o is not gateway])
    assert ("AUD-GW-003", "EnvoyProxy envoy-gateway-system/internal-proxy", None) in found


def test_envoy_proxies_are_listed_only_where_declared_and_backend_tls_not_here(
    recorded_api: Callable[[str | Path], RecordedApi], tmp_path: Path
) -> None:
    """BackendTLSPolicies are the kind table's (tests/audit/test_backend_tls.py): this side never lists them."""
    api = recorded_api(_serve(tmp_path, _live(_declared())))
    audit_gateways(_declared(), api.client())
    assert not [r for r in api.requests if r.endswith("/backendtlspolicies")]
    assert "BackendTLSPolicy" not in KINDS
    assert [r for r in api.requests if r.endswith("/envoyproxies")] == [
        "/apis/gateway.envoyproxy.io/v1alpha1/namespaces/envoy-gateway-system/envoyproxies"
    ]
