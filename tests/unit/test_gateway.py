"""The gateway builders (govcloud.manifests.gateway) against the upstream facts they rely on, and the rules
they hold for any request: hosts per Gateway, internal-only tenants, issuers, HSTS, NetworkPolicy ports."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest
from pydantic import ValidationError

from govcloud.charts import CHARTS
from govcloud.contract.site import GATEWAY_NAMESPACE, GatewayServiceType, SiteConfig
from govcloud.contract.stack import StackDefinition, load_stack
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests import gateway as gw
from govcloud.manifests.analytics import trino_certificate, trino_tls_secret
from govcloud.manifests.platform import GATEWAY, METRICS_PORTS
from govcloud.manifests.platform_values import platform_values
from tests import upstream_facts as facts
from tests.program.conftest import REPO_ROOT, TODAY
from tests.schema_validation import SchemaCatalog

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
    assert set(get_args(GatewayServiceType)) == set(facts.ENVOY_PROXY_SERVICE_TYPES.value)
    # Each Gateway's EnvoyProxy replaces the default EnvoyProxySpec whole (no mergeType), so none is set.
    assert facts.ENVOY_PROXY_MERGE_DEFAULT.value == "Replace"
    assert facts.ENVOY_GATEWAY_DEFAULT_ENVOY_PROXY.value not in gw.gateway_values(SITE)["config"]["envoyGateway"]
    group, kind, _, _ = facts.ENVOY_GATEWAY_PARAMETERS_REF.value
    assert facts.ENVOY_PROXY_API.value[:2] == (gw.ENVOY_PROXY_API_VERSION, "EnvoyProxy")
    for name in gw.GATEWAYS:
        proxy, gateway = gw.envoy_proxy(name, SITE), gw.gateway(name, SITE)
        assert "mergeType" not in proxy["spec"] and "mergeGateways" not in proxy["spec"]
        assert proxy["metadata"]["namespace"] == gateway["metadata"]["namespace"], "resolved in the Gateway's namespace"
        assert gateway["spec"]["infrastructure"]["parametersRef"] == {
            "group": group,
            "kind": kind,
            "name": proxy["metadata"]["name"],
        }
        assert proxy["spec"]["provider"] == {
            "type": "Kubernetes",
            "kubernetes": {"envoyService": {"type": SITE.gateways.service_type_of(name)}},
        }
    section, key = facts.CERT_MANAGER_GATEWAY_API_CONFIG.value
    definition = NATIONAL
    assert platform_values("cert-manager", definition)["config"][section] == {key: True}
    assert "featureGates" not in platform_values("cert-manager", definition)["config"], "ListenerSets shim stays off"


def _service_type(site: SiteConfig, name: str) -> str:
    return str(gw.envoy_proxy(name, site)["spec"]["provider"]["kubernetes"]["envoyService"]["type"])


def test_gateways_take_the_sites_addresses_and_admit_only_labelled_namespaces() -> None:
    site = _site(gateways={"serviceType": "NodePort", "public": {"addresses": ["203.0.113.10"]}})
    public, internal = gw.gateway(gw.PUBLIC, site), gw.gateway(gw.INTERNAL, site)
    assert public["spec"]["addresses"] == [{"type": "IPAddress", "value": "203.0.113.10"}]
    assert "addresses" not in internal["spec"]
    assert public["metadata"]["annotations"] == {"pulumi.com/skipAwait": "true"}, "nothing waits for an address"
    selector = internal["spec"]["allowedListeners"]["namespaces"]
    assert selector == {"from": "Selector", "selector": {"matchLabels": {"govcloud.go.th/gateway-internal": "true"}}}
    assert (_service_type(site, gw.PUBLIC), _service_type(site, gw.INTERNAL)) == ("NodePort", "NodePort")


def test_each_gateway_has_its_own_service_type() -> None:
    """A public load balancer beside an internal Gateway on a routed service address, or node ports."""
    site = _site(
        gateways={
            "public": {"serviceType": "LoadBalancer", "addresses": ["203.0.113.10"]},
            "internal": {"serviceType": "ClusterIP", "addresses": ["10.96.0.80"]},
        }
    )
    assert (_service_type(site, gw.PUBLIC), _service_type(site, gw.INTERNAL)) == ("LoadBalancer", "ClusterIP")
    assert gw.gateway(gw.INTERNAL, site)["spec"]["addresses"] == [{"type": "IPAddress", "value": "10.96.0.80"}]
    kinds = [o["kind"] for o in gw.platform_gateway_objects(site)]
    assert kinds[: kinds.index("Gateway")] == ["GatewayClass", "EnvoyProxy", "EnvoyProxy"], "a Gateway after its proxy"
    site = _site(gateways={"serviceType": "NodePort", "internal": {"serviceType": "LoadBalancer"}})
    assert (_service_type(site, gw.PUBLIC), _service_type(site, gw.INTERNAL)) == ("NodePort", "LoadBalancer")


@pytest.mark.parametrize(
    ("gateways", "loc", "message"),
    [
        ({"internal": {"serviceType": "ClusterIP"}}, ("gateways", "internal", "addresses"), "needs one address"),
        (
            {"internal": {"serviceType": "ClusterIP", "addresses": ["10.30.0.20"]}},
            ("gateways", "internal", "addresses", 0),
            "is not in clusterNetworks.serviceCidrs (10.96.0.0/12)",
        ),
        (
            {"internal": {"serviceType": "ClusterIP", "addresses": ["10.96.0.80", "10.96.0.81"]}},
            ("gateways", "internal", "addresses", 1),
            "takes one address",
        ),
        (
            {"public": {"addresses": ["10.244.3.4"]}},
            ("gateways", "public", "addresses", 0),
            "is in the cluster's network 10.244.0.0/16: not an external address",
        ),
        (
            {"public": {"addresses": ["203.0.113.10"]}, "internal": {"addresses": ["203.0.113.10"]}},
            ("gateways", "internal", "addresses", 0),
            "is also an address of the public Gateway",
        ),
        (
            {"public": {"addresses": ["203.0.113.10", "203.0.113.10"]}},
            ("gateways", "public", "addresses", 1),
            "is given twice",
        ),
        ({"public": {"addresses": ["127.0.0.1"]}}, ("gateways", "public", "addresses", 0), "not a unicast address"),
        ({"public": {"serviceType": "External"}}, ("gateways", "public", "serviceType"), "LoadBalancer"),
    ],
)
def test_addresses_that_cannot_work_are_refused_where_they_are_written(
    gateways: dict[str, object], loc: tuple[object, ...], message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _site(gateways=gateways)
    problems = {tuple(e["loc"]): e["msg"] for e in refused.value.errors()}
    assert loc in problems and message in problems[loc], problems


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
    ports = [{"protocol": "TCP", "port": port} for port in (8000, 8088, 8443)]
    assert policy["spec"]["ingress"] == [{"from": [gw.from_gateway()], "ports": ports}], (
        "Envoy's pods, on the ports of JupyterHub's proxy, Superset's web server and Trino's HTTPS only"
    )


def test_the_trino_ui_is_reached_over_https_verified_against_the_site_ca() -> None:
    tenant = _tenant("nso")
    objects = gw.tenant_gateway_objects(tenant, SITE)
    (route,) = [o for o in objects if o["kind"] == "HTTPRoute" and o["metadata"]["name"] == "nso-trino"]
    port_name, port = facts.TRINO_HTTPS_SERVICE_PORT.value
    assert route["spec"]["rules"][0]["backendRefs"] == [{"name": "nso-trino", "port": port}]
    (policy,) = [o for o in objects if o["kind"] == "BackendTLSPolicy"]
    api_version, channel, _ = facts.GATEWAY_API_BACKEND_TLS_POLICY.value
    assert (policy["apiVersion"], channel) == (api_version, "standard")
    assert policy["metadata"]["namespace"] == "nso"
    assert policy["spec"]["targetRefs"] == [
        {"group": "", "kind": "Service", "name": "nso-trino", "sectionName": port_name}
    ]
    validation = policy["spec"]["validation"]
    assert validation["caCertificateRefs"] == [{"group": "", "kind": "Secret", "name": trino_tls_secret(tenant)}]
    assert "Secret" in facts.ENVOY_GATEWAY_BACKEND_TLS_CA_KINDS.value
    certificate = trino_certificate(tenant)
    assert validation["hostname"] in certificate["spec"]["dnsNames"], "the SNI is a name the certificate carries"
    assert certificate["spec"]["issuerRef"]["name"] == gw.SITE_ISSUER, "its ca.crt is the site CA"
    assert "namespace" not in validation["caCertificateRefs"][0], "local: no ReferenceGrant needed"
    with pytest.raises(ValueError, match="no HTTPS"):
        gw.backend_tls_policy({}, gw.Backend("x", "x", 80, 80, ("/",)))


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


def _script_pin(variable: str) -> str:
    text = (REPO_ROOT / "tools" / "build.d" / "30-crds.sh").read_text("utf-8")
    (pin,) = re.findall(rf'^{variable}="\$\{{GOVCLOUD_{variable}:-(v[0-9.]+)\}}"$', text, re.MULTILINE)
    return pin


def test_the_crd_pins_the_chart_pin_and_the_upgrade_commands_agree() -> None:
    """charts.py's gateway-helm, the tools step's CRD cache and docs/gateway.md's upgrade step name one release."""
    chart = CHARTS["gateway-helm"].version
    assert _script_pin("ENVOY_GATEWAY_VERSION") == chart
    assert _script_pin("GATEWAY_API_VERSION") == facts.ENVOY_GATEWAY_GATEWAY_API.value
    crds_chart, *values = facts.ENVOY_GATEWAY_CRDS_CHART.value
    guide = (REPO_ROOT / "docs" / "gateway.md").read_text("utf-8")
    (command,) = [line for line in guide.splitlines() if line.strip().startswith("helm template")]
    assert f"{crds_chart} --version {chart}" in command
    assert f"--set {values[0]}=true --set {values[1]}=standard --set {values[2]}=true" in guide
    assert "kubectl apply --server-side --force-conflicts -f -" in guide


@pytest.mark.shared
def test_the_cached_crds_check_the_new_kinds_beside_shared(shared_dir: Path) -> None:
    """The catalog loads ../shared and the tools step's cache; EnvoyProxy and BackendTLSPolicy are checked strictly."""
    catalog = SchemaCatalog.from_upstream(SITE.kubernetes_version, shared_dir)
    assert {
        ("gateway.envoyproxy.io/v1alpha1", "EnvoyProxy"),
        ("gateway.networking.k8s.io/v1", "BackendTLSPolicy"),
        ("gateway.networking.k8s.io/v1", "ListenerSet"),
    } <= set(catalog.custom_kinds)
    proxy = gw.envoy_proxy(gw.PUBLIC, SITE)
    assert catalog.errors(proxy) == []
    proxy["spec"]["provider"]["kubernetes"]["envoyService"]["type"] = "External"
    (message,) = catalog.errors(proxy)
    assert message.startswith(
        "EnvoyProxy/envoy-gateway-system/public-proxy: spec.provider.kubernetes.envoyService.type"
    )
    (policy,) = [o for o in gw.tenant_gateway_objects(_tenant("nso"), SITE) if o["kind"] == "BackendTLSPolicy"]
    assert catalog.errors(policy) == []
    del policy["spec"]["validation"]["hostname"]
    policy["spec"]["targetRefs"][0]["sectionNmae"] = "https"
    assert sorted(catalog.errors(policy)) == [
        "BackendTLSPolicy/nso/nso-trino-backend-tls: spec.targetRefs[0].sectionNmae: unknown field 'sectionNmae'",
        "BackendTLSPolicy/nso/nso-trino-backend-tls: spec.validation: 'hostname' is a required property",
    ]
