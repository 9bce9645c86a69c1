"""The gateway builders (govcloud.manifests.gateway) against the upstream facts they rely on, and the rules
they hold for any request: hosts per Gateway, internal-only tenants, issuers, HSTS, NetworkPolicy ports."""

from __future__ import annotations

import pytest

from govcloud.charts import CHARTS
from govcloud.contract.site import GATEWAY_NAMESPACE, SiteConfig
from govcloud.contract.stack import StackDefinition, load_stack
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests import gateway as gw
from govcloud.manifests.platform import GATEWAY, METRICS_PORTS
from govcloud.manifests.platform_values import platform_values
from tests import upstream_facts as facts
from tests.program.conftest import REPO_ROOT, TODAY

NATIONAL: StackDefinition = load_stack(REPO_ROOT / "stacks", "national-prod", TODAY)
SITE = NATIONAL.site


def _site(**changes: object) -> SiteConfig:
    return SiteConfig.model_validate({**SITE.model_dump(by_alias=True, exclude_unset=True), **changes})


def _tenant(name: str, hostnames: list[str] | None = None) -> TenantRequest:
    tenant = NATIONAL.tenant(name)
    if hostnames is None:
        return tenant
    network = tenant.spec.network
    ingress = network.ingress.model_copy(update={"hostnames": hostnames})
    spec = tenant.spec.model_copy(update={"network": network.model_copy(update={"ingress": ingress})})
    return tenant.model_copy(update={"spec": spec})


def test_emitted_values_match_upstream() -> None:
    chart = CHARTS["gateway-helm"]
    assert f"{chart.repository}/{chart.name}" == facts.ENVOY_GATEWAY_CHART.value and chart.version == "v1.9.0"
    assert facts.ENVOY_GATEWAY_CONTROLLER_NAME.value == gw.CONTROLLER_NAME
    assert facts.ENVOY_PROXY_POD_LABELS.value == gw.ENVOY_PROXY_LABELS
    assert facts.ENVOY_WELL_KNOWN_PORT_SHIFT.value == gw.ENVOY_PORT_SHIFT
    assert gw.ENVOY_LISTEN_PORTS == (10080, 10443)
    assert facts.GATEWAY_API_MAX_LISTENERS.value == gw.MAX_LISTENERS
    assert facts.ENVOY_STATS_PORT.value in METRICS_PORTS
    assert GATEWAY.webhook_port == facts.ENVOY_GATEWAY_WEBHOOK_PORT.value and GATEWAY.name == GATEWAY_NAMESPACE
    assert SITE.kubernetes_version in facts.ENVOY_GATEWAY_KUBERNETES.value
    assert facts.ENVOY_GATEWAY_GATEWAY_API.value == "v1.6.1"  # the release of ../shared/schemas/crds/gateway-api
    service_type = SITE.gateways.service_type
    assert service_type in facts.ENVOY_PROXY_SERVICE_TYPES.value
    values = gw.gateway_values(SITE)["config"]["envoyGateway"]
    assert values[facts.ENVOY_GATEWAY_DEFAULT_ENVOY_PROXY.value]["provider"]["kubernetes"]["envoyService"] == {
        "type": service_type
    }
    section, key = facts.CERT_MANAGER_GATEWAY_API_CONFIG.value
    definition = NATIONAL
    assert platform_values("cert-manager", definition)["config"][section] == {key: True}
    assert "featureGates" not in platform_values("cert-manager", definition)["config"], "ListenerSets shim stays off"


def test_gateways_take_the_sites_addresses_and_admit_only_labelled_namespaces() -> None:
    site = _site(gateways={"serviceType": "NodePort", "public": {"addresses": ["203.0.113.10"]}})
    public, internal = gw.gateway(gw.PUBLIC, site), gw.gateway(gw.INTERNAL, site)
    assert public["spec"]["addresses"] == [{"type": "IPAddress", "value": "203.0.113.10"}]
    assert "addresses" not in internal["spec"]
    assert public["metadata"]["annotations"] == {"pulumi.com/skipAwait": "true"}, "nothing waits for an address"
    selector = internal["spec"]["allowedListeners"]["namespaces"]
    assert selector == {"from": "Selector", "selector": {"matchLabels": {"govcloud.go.th/gateway-internal": "true"}}}
    assert gw.gateway_values(site)["config"]["envoyGateway"]["envoyProxy"]["provider"]["kubernetes"] == {
        "envoyService": {"type": "NodePort"}
    }


def test_a_tenant_gets_listeners_certificates_and_routes_for_its_own_names_only() -> None:
    tenant = _tenant("nso", ["nso.data.go.th", "nso.intra.gdcc.go.th"])
    objects = gw.tenant_gateway_objects(tenant, SITE)
    sets = {o["metadata"]["name"]: o for o in objects if o["kind"] == "ListenerSet"}
    assert {name: [li["hostname"] for li in s["spec"]["listeners"]] for name, s in sets.items()} == {
        "govcloud-public": ["nso.data.go.th", "nso.data.go.th"],
        "govcloud-internal": ["nso.intra.gdcc.go.th", "nso.intra.gdcc.go.th"],
    }
    issuers = {o["spec"]["dnsNames"][0]: o["spec"]["issuerRef"]["name"] for o in objects if o["kind"] == "Certificate"}
    assert issuers == {"nso.data.go.th": gw.PUBLIC_ISSUER, "nso.intra.gdcc.go.th": gw.SITE_ISSUER}
    (route,) = [o for o in objects if o["kind"] == "HTTPRoute" and o["metadata"]["name"] == "nso-jupyterhub"]
    assert route["spec"]["hostnames"] == ["nso.data.go.th"]
    assert route["spec"]["parentRefs"] == [
        {"group": gw.GROUP, "kind": "ListenerSet", "name": "govcloud-public", "sectionName": "https-0"}
    ]
    assert gw.gateway_namespace_labels(tenant, SITE) == {
        "govcloud.go.th/gateway-public": "true",
        "govcloud.go.th/gateway-internal": "true",
    }
    policy = gw.tenant_gateway_policy(tenant, SITE)
    assert policy is not None
    ports = [{"protocol": "TCP", "port": port} for port in (8000, 8080, 8088)]
    assert policy["spec"]["ingress"] == [{"from": [gw.from_gateway()], "ports": ports}], (
        "Envoy's pods, on the ports of JupyterHub's proxy, Trino's coordinator and Superset's web server only"
    )


@pytest.mark.parametrize("classification", ["secret", "internal"])
def test_internal_only_tenants_never_get_the_public_label(classification: str) -> None:
    site = _site(gateways={"internalOnly": ["internal"]})
    tenant = _tenant("revenue" if classification == "secret" else "doae", ["x.data.go.th"])
    assert tenant.spec.classification.value == classification
    with pytest.raises(ValueError, match="public names"):  # the contract refuses it first; the builder too
        gw.gateway_namespace_labels(tenant, site)


def test_hsts_only_where_the_certificate_is_trusted() -> None:
    tenant = _tenant("nso")
    without = _site(certificates={"caSecretName": "ca"})
    with_acme = _site(
        certificates={"publicIssuer": {"acme": {"server": "https://acme.example.org/dir", "email": "pki@dga.or.th"}}}
    )

    def hsts(site: SiteConfig) -> list[object]:
        (route,) = [o for o in gw.tenant_gateway_objects(tenant, site) if o["metadata"]["name"] == "nso-jupyterhub"]
        return [f for rule in route["spec"]["rules"] for f in rule.get("filters", [])]

    assert hsts(without) == []
    assert hsts(with_acme) == [
        {
            "type": "ResponseHeaderModifier",
            "responseHeaderModifier": {"set": [{"name": "Strict-Transport-Security", "value": "max-age=31536000"}]},
        }
    ]
    issuer = gw.public_cluster_issuer(with_acme)
    assert issuer is not None
    (solver,) = issuer["spec"]["acme"]["solvers"]
    assert solver["http01"]["gatewayHTTPRoute"]["parentRefs"] == [
        {"group": gw.GROUP, "kind": "ListenerSet", "name": "govcloud-public"}
    ], "no namespace: the challenge's own (the Certificate's) namespace"
    assert gw.public_cluster_issuer(without) is None


def test_the_public_issuer_is_exactly_one_of_acme_or_issuer() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        _site(certificates={"publicIssuer": {}})
    site = _site(certificates={"publicIssuer": {"issuer": {"name": "thaica-public"}}})
    assert gw.issuer_ref(gw.PUBLIC, site) == {
        "group": "cert-manager.io",
        "kind": "ClusterIssuer",
        "name": "thaica-public",
    }
    assert gw.issuer_ref(gw.INTERNAL, site)["name"] == gw.SITE_ISSUER
