"""Issue 14: the entry points are Gateway API objects, valid upstream, bound by structure, every name certified.

Judged on the synthesized plans of the example stacks: schema validity against the upstream CRDs in
../shared, no ingress-nginx left, a tenant's listeners carrying only its own names, every hostname with a
Certificate from the issuer its audience trusts, and the switch from the last ingress-nginx commit as a
change of routing objects only.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from govcloud.contract.stack import load_stack
from govcloud.manifests.gateway import (
    GATEWAY_LABELS,
    HSTS_HEADER,
    LISTENER_SETS,
    PUBLIC,
    PUBLIC_ISSUER,
    SITE_ISSUER,
    https_listener_problems,
)
from govcloud.synth.diff import Action, diff_plans
from govcloud.synth.plan import kubernetes_objects
from tests.program.conftest import EXAMPLE_STACKS, REPO_ROOT, TODAY, synthesized
from tests.schema_validation import SchemaCatalog

GATEWAY_KINDS = {
    "GatewayClass",
    "Gateway",
    "EnvoyProxy",
    "ListenerSet",
    "HTTPRoute",
    "BackendTLSPolicy",
    "Certificate",
    "ClusterIssuer",
}
LAST_INGRESS_NGINX_COMMIT = "ea3f0281c245af81021e9636ec849cb835c4b0ad"
"""The commit just before the switch (still deploying ingress-nginx 4.15.1)."""


def _objects(stack: str) -> list[dict[str, Any]]:
    return list(kubernetes_objects(synthesized(stack)[1]["resources"]))


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_every_gateway_api_object_is_valid_against_the_upstream_crds(stack: str, shared_dir: Path) -> None:
    objects = [o for o in _objects(stack) if o["kind"] in GATEWAY_KINDS]
    assert {o["kind"] for o in objects} >= {"GatewayClass", "Gateway", "EnvoyProxy", "ListenerSet", "HTTPRoute"}
    assert "Certificate" in {o["kind"] for o in objects}
    trino_routes = [o for o in objects if o["kind"] == "HTTPRoute" and o["metadata"]["name"].endswith("-trino")]
    assert len([o for o in objects if o["kind"] == "BackendTLSPolicy"]) == len(trino_routes)
    catalog = SchemaCatalog.from_upstream(
        load_stack(REPO_ROOT / "stacks", stack, TODAY).site.kubernetes_version, shared_dir
    )
    problems = {f"{o['kind']}/{o['metadata'].get('name')}": catalog.errors(o) for o in objects}
    assert {k: v for k, v in problems.items() if v} == {}


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_no_ingress_nginx_and_no_ingress_in_the_end_state(stack: str) -> None:
    plan = synthesized(stack)[1]
    assert not [r["name"] for r in plan["resources"] if "ingress-nginx" in r["name"]]
    assert not [o for o in _objects(stack) if o["kind"] == "Ingress"]
    releases = [r for r in plan["resources"] if r["type"] == "kubernetes:helm.sh/v3:Release"]
    for release in releases:  # no chart renders an Ingress of its own
        assert (release["inputs"].get("values") or {}).get("ingress", {"enabled": False}) == {"enabled": False}


def _tenant_listeners(objects: list[dict[str, Any]]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for o in objects:
        if o["kind"] == "ListenerSet":
            hosts = found.setdefault(o["metadata"]["namespace"], set())
            hosts |= {listener["hostname"] for listener in o["spec"]["listeners"]}
    return found


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_a_tenant_can_attach_only_to_listeners_for_its_own_names(stack: str) -> None:
    """Structure, not policy: every listener a route may reach is the tenant's own approved name."""
    definition = load_stack(REPO_ROOT / "stacks", stack, TODAY)
    objects = _objects(stack)
    listeners = _tenant_listeners(objects)
    for tenant in definition.tenants:
        assert listeners.get(tenant.name, set()) == set(tenant.spec.network.ingress.hostnames), tenant.name
    assert listeners.get("ckan") == {definition.site.domain}
    for o in objects:
        if o["kind"] == "Gateway":  # the Gateways' own listener admits routes from its own namespace only
            assert [listener["allowedRoutes"] for listener in o["spec"]["listeners"]] == [
                {"namespaces": {"from": "Same"}}
            ]
        if o["kind"] == "ListenerSet":
            assert all(li["allowedRoutes"] == {"namespaces": {"from": "Same"}} for li in o["spec"]["listeners"])
        if o["kind"] == "HTTPRoute":  # routes name only ListenerSets of their own namespace
            for parent in o["spec"]["parentRefs"]:
                assert parent["kind"] == "ListenerSet" and "namespace" not in parent
                assert parent["name"] in LISTENER_SETS.values()
            own = listeners[o["metadata"]["namespace"]]
            assert set(o["spec"]["hostnames"]) <= own


def test_a_route_for_a_foreign_host_finds_no_listener_and_secret_tenants_stay_internal() -> None:
    definition = load_stack(REPO_ROOT / "stacks", "national-prod", TODAY)
    objects = _objects("national-prod")
    listeners = _tenant_listeners(objects)
    namespaces = {o["metadata"]["name"]: o["metadata"].get("labels", {}) for o in objects if o["kind"] == "Namespace"}
    # nso's route for the portal's or moph's host: no listener in nso's namespace carries it.
    assert "data.go.th" not in listeners["nso"] and "hdc.data.go.th" not in listeners["nso"]
    public = GATEWAY_LABELS[PUBLIC]
    (gateway,) = [o for o in objects if o["kind"] == "Gateway" and o["metadata"]["name"] == PUBLIC]
    assert gateway["spec"]["allowedListeners"]["namespaces"]["selector"] == {"matchLabels": {public: "true"}}
    for tenant in definition.tenants:
        secret = tenant.spec.classification.value == "secret"
        assert (namespaces[tenant.name].get(public) == "true") == (
            not secret and any(h.endswith(".data.go.th") for h in tenant.spec.network.ingress.hostnames)
        ), tenant.name
    assert namespaces["revenue"].get(GATEWAY_LABELS["internal"]) == "true"


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_every_hostname_has_a_certificate_from_the_right_issuer(stack: str) -> None:
    definition = load_stack(REPO_ROOT / "stacks", stack, TODAY)
    site = definition.site
    objects = _objects(stack)
    certificates = {name: o for o in objects if o["kind"] == "Certificate" for name in o["spec"]["dnsNames"]}
    names = {site.domain} | {h for t in definition.tenants for h in t.spec.network.ingress.hostnames}
    assert names <= set(certificates)
    public = site.certificates.public_issuer
    for name in names:
        issuer = certificates[name]["spec"]["issuerRef"]["name"]
        if name.endswith("." + site.internal_domain):
            assert issuer == SITE_ISSUER, name
        elif public is None:
            assert issuer == SITE_ISSUER, name  # a dev site: advisory GC-TLS-002, and no HSTS
        else:
            assert issuer == (public.issuer.name if public.issuer else PUBLIC_ISSUER), name
    assert [p for p in https_listener_problems(objects) if p.code != "untrusted"] == []
    for route in (o for o in objects if o["kind"] == "HTTPRoute"):
        hsts = [
            f for r in route["spec"]["rules"] for f in r.get("filters", []) if f["type"] == "ResponseHeaderModifier"
        ]
        trusted = all(certificates[h]["spec"]["issuerRef"]["name"] != SITE_ISSUER or h.endswith(site.internal_domain)
                      for h in route["spec"]["hostnames"])  # fmt: skip
        if hsts:
            assert trusted and hsts[0]["responseHeaderModifier"]["set"][0]["name"] == HSTS_HEADER


def test_the_switch_replaces_routing_objects_never_data() -> None:
    """Two synthesized plans: the last ingress-nginx commit and this tree (govcloud diff --base does the same)."""
    if subprocess.run(["git", "-C", str(REPO_ROOT), "cat-file", "-e", LAST_INGRESS_NGINX_COMMIT]).returncode:
        pytest.fail(f"the history holding {LAST_INGRESS_NGINX_COMMIT} is needed (a full clone)")
    from govcloud.synth.base import synth_at

    base = synth_at(REPO_ROOT, LAST_INGRESS_NGINX_COMMIT, "national-prod", TODAY)
    assert any("ingress-nginx" in r["name"] for r in base.plan["resources"])
    result = diff_plans(base.plan, synthesized("national-prod")[1])
    # The only data-bearing removal: the retired controller's namespace (it holds no volume; the runbook
    # unprotects it and deletes it by hand once empty). No database, bucket, volume or tenant namespace is
    # replaced or removed; tenant namespaces only gain their gateway labels.
    data = [c for c in result.changes if c.data_bearing and c.action in (Action.REPLACE, Action.REMOVE)]
    assert [(c.action, c.name) for c in data] == [(Action.REMOVE, "platform-ingress-nginx")]
    # (Risks of other work in the same range, e.g. bucket settings, are not this switch's and not asserted.)
    assert {c.name for c in result.risky if "Namespace" in c.type} == {"platform-ingress-nginx"}
    assert not [c.name for c in result.changes if c.action is Action.REPLACE and c.data_bearing]
    routing = {"Ingress", "Release", "HTTPRoute", "NetworkPolicy", "Superset", "Namespace", "ValidatingAdmission"}
    removed = [c for c in result.changes if c.action is Action.REMOVE]
    assert all(any(k in c.type for k in routing) for c in removed), [c.type for c in removed]


def test_network_policies_follow_the_gateway_path() -> None:
    """Envoy's pods reach web pods on their ports, the ACME solvers of public names, the portal; nothing else."""
    from govcloud.analysis.netpol import Cluster, External, Pod
    from govcloud.contract.site import GATEWAY_NAMESPACE
    from govcloud.manifests.gateway import ACME_SOLVER_LABELS, ENVOY_PROXY_LABELS
    from govcloud.manifests.network import WEB_LABEL
    from tests.program.conftest import resources_of

    plan = synthesized("national-prod")[1]
    namespaces = {
        r["inputs"]["metadata"]["name"]: r["inputs"]["metadata"].get("labels", {})
        for r in resources_of(plan, "Namespace")
    }
    cluster = Cluster(namespaces, [r["inputs"] for r in resources_of(plan, "NetworkPolicy")])
    envoy = Pod(GATEWAY_NAMESPACE, dict(ENVOY_PROXY_LABELS), name="envoy")
    controller = Pod(GATEWAY_NAMESPACE, {"app.kubernetes.io/name": "gateway-helm"}, name="envoy-gateway")
    citizen = External("198.51.100.7")
    assert cluster.can_connect(citizen, envoy, 10443) and cluster.can_connect(citizen, envoy, 10080)
    assert not cluster.can_connect(citizen, envoy, 19000), "Envoy's admin port stays closed"
    assert not cluster.can_connect(citizen, controller, 10443)
    web = Pod("nso", {WEB_LABEL: "true"}, name="web")
    assert cluster.can_connect(envoy, web, 8000) and not cluster.can_connect(envoy, web, 5432)
    trino = Pod("nso", {WEB_LABEL: "true"}, ports={"http": 8080, "https": 8443}, name="nso-trino-coordinator")
    assert cluster.can_connect(envoy, trino, 8443), "the Trino UI, over HTTPS (its BackendTLSPolicy)"
    assert not cluster.can_connect(envoy, trino, 8080), "Trino's plain-HTTP port stays closed to the gateway"
    assert not cluster.can_connect(controller, web, 8000), "only the data plane, not the whole namespace"
    for namespace, reachable in (("nso", True), ("ckan", True), ("revenue", False)):  # revenue: internal only
        solver = Pod(namespace, dict(ACME_SOLVER_LABELS), name="cm-acme-http-solver")
        assert cluster.can_connect(envoy, solver, 8089) is reachable, namespace
        assert not cluster.can_connect(envoy, solver, 8000)
    assert cluster.can_connect(envoy, Pod("ckan", {"app.kubernetes.io/name": "ckan"}, name="ckan"), 5000)
    assert not cluster.can_connect(envoy, Pod("ckan", {"app.kubernetes.io/name": "ckan-solr"}, name="solr"), 8983)
