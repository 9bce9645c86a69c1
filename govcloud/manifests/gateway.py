"""The site's entry points: Gateway API objects for Envoy Gateway, and a certificate for every name.

Why this shape (docs/gateway.md has the whole argument):

* Two Gateways in the platform's gateway namespace: ``public`` serves names under ``govcloud:domain``,
  ``internal`` names under ``govcloud:internalDomain``. Each owns one catch-all HTTP listener that admits
  routes from its own namespace only (none are declared there: unknown names get a 404), so no tenant route
  can ever attach to a Gateway directly.
* Hosts bound by structure. A tenant's hostnames become listeners of a ``ListenerSet`` in the tenant's own
  namespace (one per Gateway it uses, :data:`LISTENER_SETS`), one HTTPS and one HTTP listener per approved
  hostname, each admitting routes from that namespace only (``allowedRoutes`` ``Same``). A Gateway accepts
  ListenerSets only from namespaces carrying its label (:data:`GATEWAY_LABELS`), which govcloud writes on
  the tenant's Namespace and no tenant role may change; secret tenants and the site's internal-only
  classifications never get the public label. So a tenant route for a foreign host has no listener to
  attach to; the admission policy ``govcloud-tenant-route-hosts`` (``govcloud.manifests.admission``) is the
  second wall, and refuses a ListenerSet or route naming a host the tenant was not approved for.
* Scale: a Gateway holds at most 64 listeners, and so does a ListenerSet, but the number of ListenerSets
  attached to a Gateway is not limited by the API (Gateway API v1.6.1 ``ListenerSet`` GEP-1713, standard
  channel). The Gateways keep one listener each; every tenant brings its own set, so hundreds of tenants
  attach to one Gateway. A tenant is limited to :data:`MAX_HOSTNAMES_PER_GATEWAY` names per Gateway.
* Certificates are cert-manager ``Certificate`` objects govcloud declares itself (not the gateway-shim's
  annotations), one per hostname, in the namespace of the listener that serves it: public names from the
  site's publicly trusted issuer (``govcloud:certificates.publicIssuer``: ACME, answered through the
  tenant's own HTTP listener, or an existing issuer of a public CA for air-gapped sites), internal names from
  the site CA. cert-manager v1.21's ListenerSet shim is alpha and off by default (feature gate
  ``ListenerSets``), so govcloud does not depend on it (tests/upstream_facts.py).
* HSTS (a ``ResponseHeaderModifier`` on the HTTPS routes) only where the certificate is one the name's
  audience trusts: a public name with a public issuer, an internal name with the site CA.
* Each Gateway names its own ``EnvoyProxy`` (``spec.infrastructure.parametersRef``) carrying the site's service
  type for that Gateway; its ``addresses`` are the site's. Nothing waits for an address: Gateways, ListenerSets
  and Certificates carry ``pulumi.com/skipAwait``; ``govcloud audit`` reports a Gateway that is not Programmed
  or a listener whose certificate is not Ready.
* Backends that serve HTTPS (Trino's coordinator) get a ``BackendTLSPolicy``: Envoy speaks TLS to them and
  verifies their certificate against the site CA, so no plain-HTTP port is opened to the gateway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final

from govcloud.contract.site import GATEWAY_NAMESPACE, SiteConfig
from govcloud.contract.tenant import TenantRequest
from govcloud.contract.vocabulary import Classification
from govcloud.manifests.analytics import (
    JUPYTERHUB_BASE_URL,
    TRINO_HTTPS_PORT,
    TRINO_UI_PATHS,
    release_name,
    trino_tls_secret,
)
from govcloud.manifests.common import tenant_metadata
from govcloud.manifests.network import WEB_LABEL, in_namespace, network_policy, tcp
from govcloud.naming import MANAGED_BY, label, namespace_name

GROUP = "gateway.networking.k8s.io"
API_VERSION = f"{GROUP}/v1"
CERT_MANAGER_API_VERSION = "cert-manager.io/v1"
ENVOY_PROXY_GROUP = "gateway.envoyproxy.io"
ENVOY_PROXY_API_VERSION = f"{ENVOY_PROXY_GROUP}/v1alpha1"
"""Envoy Gateway's ``EnvoyProxy`` (api/v1alpha1/envoyproxy_types.go, v1.9.0; CRD installed by the gateway-helm
chart's crds subchart, charts/gateway-helm/charts/crds/crds/generated/gateway.envoyproxy.io_envoyproxies.yaml)."""
PUBLIC: Final = "public"
INTERNAL: Final = "internal"
GATEWAYS = (PUBLIC, INTERNAL)
LISTENER_SETS = {PUBLIC: "govcloud-public", INTERNAL: "govcloud-internal"}
"""The ListenerSet name per Gateway, the same in every namespace: the ACME solver's ``parentRefs`` name it
without a namespace, which cert-manager resolves to the namespace of the Certificate being issued."""
GATEWAY_LABELS = {gateway: label(f"gateway-{gateway}") for gateway in GATEWAYS}
"""On a Namespace: its ListenerSets may attach to that Gateway (``allowedListeners``)."""
CONTROLLER_NAME = "gateway.envoyproxy.io/gatewayclass-controller"
"""Envoy Gateway's controller name (envoyproxy/gateway charts/gateway-helm/values.tmpl.yaml, v1.9.0)."""
ENVOY_PROXY_LABELS = {
    "app.kubernetes.io/name": "envoy",
    "app.kubernetes.io/component": "proxy",
    "app.kubernetes.io/managed-by": "envoy-gateway",
}
"""Labels of Envoy Gateway's data-plane pods (internal/infrastructure/kubernetes/proxy/resource.go
``EnvoyAppLabel``, v1.9.0); they run in the controller's namespace."""
HTTP_PORT = 80
HTTPS_PORT = 443
ENVOY_PORT_SHIFT = 10000
"""Envoy Gateway listens on ``port + 10000`` for listener ports below 1024 (internal/gatewayapi/translator.go
``wellKnownPortShift``, v1.9.0): the container ports a NetworkPolicy must open."""
ENVOY_LISTEN_PORTS = (HTTP_PORT + ENVOY_PORT_SHIFT, HTTPS_PORT + ENVOY_PORT_SHIFT)
MAX_LISTENERS = 64
"""Gateway API: ``maxItems: 64`` on ``Gateway.spec.listeners`` and on ``ListenerSet.spec.listeners``."""
MAX_HOSTNAMES_PER_GATEWAY = MAX_LISTENERS // 2
"""Two listeners (HTTPS, HTTP) per hostname in a tenant's ListenerSet."""
SITE_ISSUER = "govcloud-site-issuer"
PUBLIC_ISSUER = "govcloud-public-issuer"
ACME_ACCOUNT_SECRET = "govcloud-public-acme-account"
ACME_SOLVER_LABELS = {"acme.cert-manager.io/http01-solver": "true"}
ACME_SOLVER_PORT = 8089
"""cert-manager's HTTP-01 solver pods, created in the Certificate's namespace, and their port
(pkg/apis/acme/v1/types.go ``SolverIdentificationLabelKey``; pkg/issuer/acme/http/http.go, v1.21.0)."""
HSTS_HEADER = "Strict-Transport-Security"
HSTS_VALUE = "max-age=31536000"
SKIP_AWAIT = {"pulumi.com/skipAwait": "true"}


def _platform_metadata(name: str, namespace: str | None = None, **extra: Any) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "labels": {label("platform"): "true", MANAGED_BY[0]: MANAGED_BY[1]}}
    if namespace is not None:
        metadata["namespace"] = namespace
    return {**metadata, **extra}


def gateway_of(host: str, site: SiteConfig) -> str:
    """The Gateway that serves ``host``: internal for names under the internal domain, else public."""
    internal = site.internal_domain
    return INTERNAL if host == internal or host.endswith("." + internal) else PUBLIC


def internal_only(request: TenantRequest, site: SiteConfig) -> bool:
    """Secret tenants and the site's internal-only classifications never attach to the public Gateway."""
    classification = request.spec.classification
    return classification is Classification.SECRET or classification.value in site.gateways.internal_only


def tenant_hosts(request: TenantRequest, site: SiteConfig) -> dict[str, list[str]]:
    """The tenant's approved hostnames per Gateway (request order), refusing what the contract refuses."""
    hosts: dict[str, list[str]] = {}
    for host in request.spec.network.ingress.hostnames:
        hosts.setdefault(gateway_of(host, site), []).append(host)
    if PUBLIC in hosts and internal_only(request, site):
        raise ValueError(f"tenant {request.name}: a {request.spec.classification.value} tenant has public names")
    for gateway, names in hosts.items():
        if len(names) > MAX_HOSTNAMES_PER_GATEWAY:
            raise ValueError(f"tenant {request.name}: more than {MAX_HOSTNAMES_PER_GATEWAY} names on {gateway}")
    return hosts


def gateway_namespace_labels(request: TenantRequest, site: SiteConfig) -> dict[str, str]:
    """Labels on the tenant's Namespace letting its ListenerSets attach to the Gateways it is approved for."""
    return {GATEWAY_LABELS[gateway]: "true" for gateway in tenant_hosts(request, site)}


def trusted(gateway: str, site: SiteConfig) -> bool:
    """Whether the certificates on ``gateway`` are trusted by its audience (HSTS is set only then)."""
    return gateway == INTERNAL or site.certificates.public_issuer is not None


def issuer_ref(gateway: str, site: SiteConfig) -> dict[str, str]:
    """Where certificates for names on ``gateway`` come from (``issuerRef`` of a cert-manager Certificate)."""
    public = site.certificates.public_issuer
    if gateway == INTERNAL or public is None:
        return {"group": "cert-manager.io", "kind": "ClusterIssuer", "name": SITE_ISSUER}
    if public.issuer is not None:
        return {"group": public.issuer.group, "kind": public.issuer.kind, "name": public.issuer.name}
    return {"group": "cert-manager.io", "kind": "ClusterIssuer", "name": PUBLIC_ISSUER}


def tls_secret(host: str) -> str:
    """The Secret holding ``host``'s certificate (a hostname is a valid object name)."""
    return f"{host}-tls"


# -- The platform: GatewayClass, Gateways, the public issuer --------------------------------------------


def gateway_class(site: SiteConfig) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": "GatewayClass",
        "metadata": _platform_metadata(site.gateways.class_name),
        "spec": {
            "controllerName": CONTROLLER_NAME,
            "description": "govcloud: Envoy Gateway, public and internal entry points",
        },
    }


def envoy_proxy_name(gateway_name: str) -> str:
    """The ``EnvoyProxy`` of one Gateway, beside it in the gateway namespace."""
    return f"{gateway_name}-proxy"


def envoy_proxy(name: str, site: SiteConfig) -> dict[str, Any]:
    """The Envoy fleet of one Gateway: its Service type, a site setting per Gateway.

    A Gateway's ``spec.infrastructure.parametersRef`` is resolved in the Gateway's own namespace (the reference
    has no namespace) and must be of group ``gateway.envoyproxy.io``, kind ``EnvoyProxy``
    (internal/provider/kubernetes/controller.go ``processGatewayParamsRef``, v1.9.0). Without ``mergeType`` it
    replaces the default EnvoyProxySpec whole (internal/gatewayapi/envoyproxy_merge.go ``mergeTypeOf``), so it
    states the provider in full. It is ignored when ``mergeGateways`` is on (internal/gatewayapi/contexts.go
    ``attachEnvoyProxy``), which govcloud never sets: each Gateway keeps its own Envoy fleet and Service.
    """
    service_type = site.gateways.service_type_of(PUBLIC if name == PUBLIC else INTERNAL)
    return {
        "apiVersion": ENVOY_PROXY_API_VERSION,
        "kind": "EnvoyProxy",
        "metadata": _platform_metadata(envoy_proxy_name(name), GATEWAY_NAMESPACE),
        "spec": {"provider": {"type": "Kubernetes", "kubernetes": {"envoyService": {"type": service_type}}}},
    }


def gateway(name: str, site: SiteConfig) -> dict[str, Any]:
    """One Gateway: a catch-all HTTP listener for its own namespace, and tenants' ListenerSets by label."""
    endpoint = site.gateways.endpoint(PUBLIC if name == PUBLIC else INTERNAL)
    spec: dict[str, Any] = {
        "gatewayClassName": site.gateways.class_name,
        "infrastructure": {
            "parametersRef": {"group": ENVOY_PROXY_GROUP, "kind": "EnvoyProxy", "name": envoy_proxy_name(name)}
        },
        "listeners": [
            {
                "name": "http",
                "protocol": "HTTP",
                "port": HTTP_PORT,
                "allowedRoutes": {"namespaces": {"from": "Same"}},
            }
        ],
        "allowedListeners": {
            "namespaces": {"from": "Selector", "selector": {"matchLabels": {GATEWAY_LABELS[name]: "true"}}}
        },
    }
    if endpoint.addresses:
        spec["addresses"] = [{"type": "IPAddress", "value": address} for address in endpoint.addresses]
    return {
        "apiVersion": API_VERSION,
        "kind": "Gateway",
        "metadata": _platform_metadata(name, GATEWAY_NAMESPACE, annotations=dict(SKIP_AWAIT)),
        "spec": spec,
    }


def public_cluster_issuer(site: SiteConfig) -> dict[str, Any] | None:
    """The ACME ClusterIssuer for public names, when the site reaches an ACME CA (else None).

    HTTP-01 through Gateway API (``gatewayHTTPRoute``, cert-manager v1.21 with ``gatewayAPI.enabled``): the
    solver's route attaches to the ListenerSet named :data:`LISTENER_SETS` ``public`` in the namespace of the
    Certificate, i.e. the tenant's own listener for exactly that name.
    """
    public = site.certificates.public_issuer
    if public is None or public.acme is None:
        return None
    return {
        "apiVersion": CERT_MANAGER_API_VERSION,
        "kind": "ClusterIssuer",
        "metadata": _platform_metadata(PUBLIC_ISSUER),
        "spec": {
            "acme": {
                "server": public.acme.server,
                "email": public.acme.email,
                "privateKeySecretRef": {"name": ACME_ACCOUNT_SECRET},
                "solvers": [
                    {
                        "http01": {
                            "gatewayHTTPRoute": {
                                "parentRefs": [{"group": GROUP, "kind": "ListenerSet", "name": LISTENER_SETS[PUBLIC]}]
                            }
                        }
                    }
                ],
            }
        },
    }


def platform_gateway_objects(site: SiteConfig) -> list[dict[str, Any]]:
    """GatewayClass, each Gateway's EnvoyProxy, both Gateways and the public ACME issuer (if any), in apply order."""
    objects = [gateway_class(site), *(envoy_proxy(g, site) for g in GATEWAYS), *(gateway(g, site) for g in GATEWAYS)]
    issuer = public_cluster_issuer(site)
    return [*objects, *([issuer] if issuer is not None else [])]


def gateway_values(site: SiteConfig) -> dict[str, Any]:
    """Envoy Gateway chart values: its controller name, the Kubernetes provider, and nothing about Services.

    Each Gateway's Envoy Service type lives in that Gateway's own ``EnvoyProxy`` (:func:`envoy_proxy`), which
    replaces the default EnvoyProxySpec (``config.envoyGateway.envoyProxy``) whole, so no default is set here.
    The chart's own Services are ClusterIP: its Helm release never waits for a load balancer.
    """
    return {
        "config": {
            "envoyGateway": {
                "gateway": {"controllerName": CONTROLLER_NAME},
                "provider": {"type": "Kubernetes"},
                "logging": {"level": {"default": "info"}},
            }
        },
    }


# -- Per namespace: ListenerSets, certificates, routes ---------------------------------------------------


@dataclass(frozen=True)
class BackendTls:
    """A backend's HTTPS: the Service port's name, the name its certificate carries, and the Secret whose
    ``ca.crt`` is the CA that signed it (cert-manager's CA issuer writes ``ca.crt``: the site CA)."""

    port_name: str
    hostname: str
    ca_secret: str


@dataclass(frozen=True)
class Backend:
    """One web service behind the tenant's first hostname."""

    name: str
    service: str
    port: int
    """The Service port the route names."""
    pod_port: int
    """The container port Envoy's connection reaches (what the NetworkPolicy opens)."""
    paths: tuple[str, ...]
    tls: BackendTls | None = None
    """How Envoy verifies a backend that serves HTTPS (a ``BackendTLSPolicy``); None: plain HTTP."""


def _listener_set(metadata: dict[str, Any], gateway_name: str, hosts: list[str]) -> dict[str, Any]:
    listeners: list[dict[str, Any]] = []
    for index, host in enumerate(hosts):
        listeners += [
            {
                "name": f"https-{index}",
                "hostname": host,
                "protocol": "HTTPS",
                "port": HTTPS_PORT,
                "tls": {"mode": "Terminate", "certificateRefs": [{"kind": "Secret", "name": tls_secret(host)}]},
                "allowedRoutes": {"namespaces": {"from": "Same"}},
            },
            {
                "name": f"http-{index}",
                "hostname": host,
                "protocol": "HTTP",
                "port": HTTP_PORT,
                "allowedRoutes": {"namespaces": {"from": "Same"}},
            },
        ]
    return {
        "apiVersion": API_VERSION,
        "kind": "ListenerSet",
        "metadata": {**metadata, "annotations": dict(SKIP_AWAIT)},
        "spec": {
            "parentRef": {"group": GROUP, "kind": "Gateway", "name": gateway_name, "namespace": GATEWAY_NAMESPACE},
            "listeners": listeners,
        },
    }


def _certificate(metadata: dict[str, Any], host: str, gateway_name: str, site: SiteConfig) -> dict[str, Any]:
    return {
        "apiVersion": CERT_MANAGER_API_VERSION,
        "kind": "Certificate",
        "metadata": {**metadata, "annotations": dict(SKIP_AWAIT)},
        "spec": {
            "secretName": tls_secret(host),
            "dnsNames": [host],
            "issuerRef": issuer_ref(gateway_name, site),
            "privateKey": {"algorithm": "ECDSA", "size": 256, "rotationPolicy": "Always"},
        },
    }


def _parent(gateway_name: str, section: str) -> dict[str, str]:
    return {"group": GROUP, "kind": "ListenerSet", "name": LISTENER_SETS[gateway_name], "sectionName": section}


def _redirect_route(metadata: dict[str, Any], hosts: dict[str, list[str]]) -> dict[str, Any]:
    """Plain HTTP on every approved name answers with a redirect to HTTPS (ACME challenges excepted: their
    Exact path matches take precedence over this prefix)."""
    return {
        "apiVersion": API_VERSION,
        "kind": "HTTPRoute",
        "metadata": metadata,
        "spec": {
            "parentRefs": [_parent(g, f"http-{i}") for g, names in hosts.items() for i in range(len(names))],
            "hostnames": [host for names in hosts.values() for host in names],
            "rules": [
                {"filters": [{"type": "RequestRedirect", "requestRedirect": {"scheme": "https", "statusCode": 301}}]}
            ],
        },
    }


def _web_route(
    metadata: dict[str, Any], host: str, backend: Backend, hosts: dict[str, list[str]], site: SiteConfig
) -> dict[str, Any]:
    gateway_name = next(g for g, names in hosts.items() if host in names)
    section = f"https-{hosts[gateway_name].index(host)}"
    rule: dict[str, Any] = {
        "matches": [{"path": {"type": "PathPrefix", "value": path}} for path in backend.paths],
        "backendRefs": [{"name": backend.service, "port": backend.port}],
    }
    if trusted(gateway_name, site):
        rule["filters"] = [
            {
                "type": "ResponseHeaderModifier",
                "responseHeaderModifier": {"set": [{"name": HSTS_HEADER, "value": HSTS_VALUE}]},
            }
        ]
    return {
        "apiVersion": API_VERSION,
        "kind": "HTTPRoute",
        "metadata": metadata,
        "spec": {"parentRefs": [_parent(gateway_name, section)], "hostnames": [host], "rules": [rule]},
    }


def _namespace_objects(
    metadata: Callable[[str], dict[str, Any]], hosts: dict[str, list[str]], site: SiteConfig
) -> list[dict[str, Any]]:
    """ListenerSets (one per Gateway), one Certificate per name, and the HTTP-to-HTTPS redirect."""
    objects: list[dict[str, Any]] = []
    for gateway_name, names in hosts.items():
        objects.append(_listener_set(metadata(LISTENER_SETS[gateway_name]), gateway_name, names))
        objects += [_certificate(metadata(host), host, gateway_name, site) for host in names]
    if hosts:
        objects.append(_redirect_route(metadata("https-redirect"), hosts))
    return objects


def tenant_backends(request: TenantRequest) -> list[Backend]:
    """The tenant's web services behind its first hostname (paths from ``govcloud.manifests.analytics``)."""
    analytics = request.spec.analytics
    backends: list[Backend] = []
    if analytics.superset.enabled and request.spec.database is not None:
        # The operator's web-server Service: <name>-web-server on 8088 (apache/superset-kubernetes-operator
        # internal/common/names.go SuffixWebServer, PortWebServer, v0.2.0).
        backends.append(Backend("superset", f"{release_name(request, 'superset')}-web-server", 8088, 8088, ("/",)))
    if analytics.jupyterhub.enabled:
        # z2jh's proxy-public Service, port 80 (http) to the proxy's 8000 (fullnameOverride "" keeps the name).
        backends.append(Backend("jupyterhub", "proxy-public", 80, 8000, (JUPYTERHUB_BASE_URL,)))
    if analytics.trino.enabled:
        # The coordinator's HTTPS port (Service port "https" -> container port "https", trinodb/charts
        # charts/trino/templates/service-coordinator.yaml at trino-1.42.2), verified against the site CA that
        # signed its certificate (trino_certificate); Trino honours X-Forwarded-Proto
        # (http-server.process-forwarded, set by trino_server_config whenever the tenant has a hostname).
        service = release_name(request, "trino")
        tls = BackendTls("https", f"{service}.{namespace_name(request)}.svc", trino_tls_secret(request))
        backends.append(Backend("trino", service, TRINO_HTTPS_PORT, TRINO_HTTPS_PORT, TRINO_UI_PATHS, tls))
    return backends


def backend_tls_policy(metadata: dict[str, Any], backend: Backend) -> dict[str, Any]:
    """Envoy speaks TLS to ``backend``'s HTTPS port and verifies its certificate (Gateway API v1.6.1
    ``BackendTLSPolicy`` v1, standard channel; Envoy Gateway v1.9.0 supports it).

    Every reference is local: ``targetRefs`` names the Service and its port (``sectionName``: a Service's port
    name), ``caCertificateRefs`` an object in the policy's own namespace. A ConfigMap with ``ca.crt`` is Core
    support; Envoy Gateway also reads a Secret's ``ca.crt`` (internal/gatewayapi/backendtlspolicy.go
    ``getCaCertsFromCARefs``, v1.9.0), which is where cert-manager put the site CA beside the backend's own
    certificate. ``hostname`` is the SNI and the name the certificate must carry.
    """
    if backend.tls is None:
        raise ValueError(f"backend {backend.name} serves no HTTPS")
    return {
        "apiVersion": API_VERSION,
        "kind": "BackendTLSPolicy",
        "metadata": metadata,
        "spec": {
            "targetRefs": [
                {"group": "", "kind": "Service", "name": backend.service, "sectionName": backend.tls.port_name}
            ],
            "validation": {
                "caCertificateRefs": [{"group": "", "kind": "Secret", "name": backend.tls.ca_secret}],
                "hostname": backend.tls.hostname,
            },
        },
    }


def tenant_gateway_objects(request: TenantRequest, site: SiteConfig) -> list[dict[str, Any]]:
    """Everything that publishes the tenant's web services: nothing when it has no hostname."""
    hosts = tenant_hosts(request, site)
    if not hosts:
        return []

    def metadata(name: str) -> dict[str, Any]:
        return tenant_metadata(request, name)

    objects = _namespace_objects(metadata, hosts, site)
    web_host = request.spec.network.ingress.hostnames[0]
    for backend in tenant_backends(request):
        name = f"{request.name}-{backend.name}"
        objects.append(_web_route(metadata(name), web_host, backend, hosts, site))
        if backend.tls is not None:
            objects.append(backend_tls_policy(metadata(f"{name}-backend-tls"), backend))
    return objects


def portal_gateway_objects(site: SiteConfig, namespace: str, labels: dict[str, str], port: int) -> list[dict[str, Any]]:
    """The open-data portal on ``govcloud:domain``: its own ListenerSet, certificate and route."""
    hosts = {PUBLIC: [site.domain]}

    def metadata(name: str) -> dict[str, Any]:
        return {"name": name, "namespace": namespace, "labels": dict(labels)}

    objects = _namespace_objects(metadata, hosts, site)
    objects.append(_web_route(metadata("ckan"), site.domain, Backend("ckan", "ckan", port, port, ("/",)), hosts, site))
    return objects


def web_ports(request: TenantRequest) -> list[int]:
    return sorted({backend.pod_port for backend in tenant_backends(request)})


def from_gateway() -> dict[str, Any]:
    """A NetworkPolicy peer: Envoy Gateway's data-plane pods, and nothing else in the gateway namespace."""
    return {**in_namespace(GATEWAY_NAMESPACE), "podSelector": {"matchLabels": dict(ENVOY_PROXY_LABELS)}}


def uses_acme(site: SiteConfig) -> bool:
    public = site.certificates.public_issuer
    return public is not None and public.acme is not None


def acme_solver_policy(metadata: dict[str, Any]) -> dict[str, Any]:
    """Envoy's pods may reach cert-manager's HTTP-01 solver pods of this namespace, on the solver port only."""
    return network_policy(
        metadata,
        {
            "podSelector": {"matchLabels": dict(ACME_SOLVER_LABELS)},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [from_gateway()], "ports": tcp(ACME_SOLVER_PORT)}],
        },
    )


def tenant_gateway_policies(request: TenantRequest, site: SiteConfig) -> list[dict[str, Any]]:
    """Envoy's pods may reach the tenant's web pods on the ports of its published services only, and, where
    its public names are issued by ACME, the HTTP-01 solver pods cert-manager runs in its namespace."""
    hosts = tenant_hosts(request, site)
    policies: list[dict[str, Any]] = []
    ports = web_ports(request)
    if hosts and ports:
        policies.append(
            network_policy(
                tenant_metadata(request, "allow-gateway"),
                {
                    "podSelector": {"matchLabels": {WEB_LABEL: "true"}},
                    "policyTypes": ["Ingress"],
                    "ingress": [{"from": [from_gateway()], "ports": tcp(*ports)}],
                },
            )
        )
    if PUBLIC in hosts and uses_acme(site):
        policies.append(acme_solver_policy(tenant_metadata(request, "allow-acme-solver")))
    return policies


def tenant_gateway_policy(request: TenantRequest, site: SiteConfig) -> dict[str, Any] | None:
    """The ``allow-gateway`` policy alone (None when the tenant publishes nothing)."""
    return next((p for p in tenant_gateway_policies(request, site) if p["metadata"]["name"] == "allow-gateway"), None)


# -- Checks shared by the policy pack (the plan) and the audit (the live cluster) ----------------------


@dataclass(frozen=True)
class ListenerProblem:
    """One HTTPS listener without a valid certificate: ``missing`` (no Certificate writes its Secret),
    ``mismatch`` (the Certificate does not name its hostname), ``not-ready`` (live: the Certificate is not
    Ready), or ``untrusted`` (a public name whose certificate comes from the site CA)."""

    code: str
    namespace: str
    owner: str
    listener_set: bool
    listener: str
    hostname: str
    message: str


def _ready(certificate: dict[str, Any]) -> bool | None:
    """The Certificate's Ready condition, or None when the object carries no status (a plan)."""
    status = certificate.get("status")
    if not isinstance(status, dict):
        return None
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or [])


def _listener_problem(owner: dict[str, Any], listener: dict[str, Any], code: str, why: str) -> ListenerProblem:
    namespace, name = str(owner["metadata"].get("namespace")), str(owner["metadata"].get("name"))
    hostname = str(listener.get("hostname", "*"))
    return ListenerProblem(
        code,
        namespace,
        name,
        owner.get("kind") == "ListenerSet",
        str(listener.get("name")),
        hostname,
        f"{owner.get('kind')} {namespace}/{name} listener {listener.get('name')} ({hostname}): {why}",
    )


def _certificate_problem(
    certificate: dict[str, Any] | None, secret: str, hostname: str, public: bool
) -> tuple[str, str] | None:
    """(code, why) for one certificate reference of an HTTPS listener, None when it is valid."""
    if certificate is None:
        return "missing", f"Secret {secret} is written by no cert-manager Certificate"
    name, spec = certificate["metadata"].get("name"), certificate.get("spec") or {}
    if hostname not in (spec.get("dnsNames") or []):
        return "mismatch", f"Certificate {name} does not name {hostname}"
    if _ready(certificate) is False:
        return "not-ready", f"Certificate {name} is not Ready"
    if public and (spec.get("issuerRef") or {}).get("name") == SITE_ISSUER:
        return "untrusted", (
            "a public name with a certificate from the site CA, which public clients do not trust "
            "(set govcloud:certificates.publicIssuer)"
        )
    return None


def https_listener_problems(objects: Iterable[dict[str, Any]]) -> list[ListenerProblem]:
    """Every HTTPS listener of the Gateways and ListenerSets in ``objects``, checked against the Certificates
    in ``objects`` (plan manifests, or live objects with their status)."""
    objects = list(objects)
    certificates = {
        (o["metadata"].get("namespace"), (o.get("spec") or {}).get("secretName")): o
        for o in objects
        if o.get("kind") == "Certificate"
    }
    problems: list[ListenerProblem] = []
    for owner in objects:
        if owner.get("kind") not in ("Gateway", "ListenerSet"):
            continue
        namespace = owner["metadata"].get("namespace")
        spec = owner.get("spec") or {}
        public = owner.get("kind") == "ListenerSet" and (spec.get("parentRef") or {}).get("name") == PUBLIC
        for listener in spec.get("listeners") or []:
            if listener.get("protocol") != "HTTPS":
                continue
            refs = (listener.get("tls") or {}).get("certificateRefs") or []
            if not refs:
                problems.append(_listener_problem(owner, listener, "missing", "no certificate at all"))
            for ref in refs:
                key = (ref.get("namespace") or namespace, ref.get("name"))
                found = _certificate_problem(
                    certificates.get(key), str(ref.get("name")), str(listener.get("hostname", "*")), public
                )
                if found is not None:
                    problems.append(_listener_problem(owner, listener, *found))
    return problems
