"""What a platform engineer sets per stack (``stacks/Pulumi.<stack>.yaml``, namespace ``govcloud:``)."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from govcloud.contract.fields import DNS_LABEL, ContractModel, Hostname
from govcloud.contract.vocabulary import NATIONAL_SITE, PROVINCES

CONFIG_NAMESPACE = "govcloud"
STORAGE_KEYS_SETTING = "storageKeys"
"""Secret object ``{<identity>: {accessKeyId, secretAccessKey}}``: keys of stores without an IAM API
(``objectStore.identities: precreated``; docs/storage.md), read by the program."""
S3_ACCESS_KEY_SETTING = "s3AccessKeyId"
S3_SECRET_KEY_SETTING = "s3SecretAccessKey"
"""The platform's own store credentials, read by the storage providers at run time (docs/storage.md)."""
SECRET_SETTINGS = (STORAGE_KEYS_SETTING, S3_ACCESS_KEY_SETTING, S3_SECRET_KEY_SETTING)
"""Documented ``govcloud:`` settings that are not site settings but secrets: set only with
``pulumi config set --secret``, so every value in them must be Pulumi-encrypted (``secure:``)."""
GATEWAY_NAMESPACE = "envoy-gateway-system"
"""Where Envoy Gateway, both Gateways and their Envoy data-plane pods run (a platform namespace)."""
DEFAULT_KUBERNETES_VERSION = "1.36"
"""A version every pinned operator supports: CloudNativePG 1.30 supports Kubernetes 1.34-1.36
(cloudnative-pg docs/src/supported_releases.md at v1.30.0); the real control plane in the tests runs it too."""


def _site(value: str) -> str:
    if value != NATIONAL_SITE and value not in PROVINCES:
        raise ValueError(f"'{value}' must be 'national' or a province code such as TH-76")
    return value


def _kubernetes_version(value: str) -> str:
    if not re.fullmatch(r"v?1\.[0-9]{2}(\.[0-9]+)?", value):
        raise ValueError(f"'{value}' must be a Kubernetes version such as \"1.36\" (quote it in YAML)")
    return value.removeprefix("v")


def _https_url(value: str) -> str:
    if not re.fullmatch(r"https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\s]*)?", value):
        raise ValueError(f"'{value}' must be an https:// URL")
    return value


def _dns_label(value: str) -> str:
    if len(value) > 63 or not DNS_LABEL.fullmatch(value):
        raise ValueError(f"'{value}' must be a lowercase DNS label")
    return value


def _network(value: str) -> str:
    """A network address with its prefix (strict: ``10.0.0.5/24`` names a host, not a network, so it is
    refused with the network address to write, rather than silently widened in NetworkPolicies)."""
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(f"'{value}' must be a network such as 10.244.0.0/16 (no host bits set)") from None
    if ipaddress.ip_interface(value).ip != network.network_address:
        raise ValueError(f"'{value}' has host bits set; write the network address {network}")
    return value


HttpsUrl = Annotated[str, AfterValidator(_https_url)]
DnsLabel = Annotated[str, AfterValidator(_dns_label)]
Network = Annotated[str, Field(pattern=r"^[0-9a-fA-F:.]+/[0-9]{1,3}$"), AfterValidator(_network)]


class ClusterNetworks(ContractModel):
    """The cluster's own address ranges (``govcloud:clusterNetworks``); tenant egress may never name them.

    Pods and Services are reached through the platform's NetworkPolicies by selector, never by address:
    an egress rule to the service range would reach every Service of every namespace (the API server's
    ``kubernetes`` Service included). The defaults are kubeadm's service range and a common pod range;
    set both to the cluster's real values (``kubeadm-config``: ``networking.podSubnet``/``serviceSubnet``).
    """

    pod_cidrs: Annotated[list[Network], Field(min_length=1)] = ["10.244.0.0/16"]
    """The cluster's pod networks."""
    service_cidrs: Annotated[list[Network], Field(min_length=1)] = ["10.96.0.0/12"]
    """The cluster's service networks."""


class ObjectStore(ContractModel):
    """The site's S3-compatible endpoint. Credentials never live here: they come from the environment."""

    endpoint: Annotated[str, Field(pattern=r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?$")] | None = None
    """HTTPS endpoint of the S3-compatible store (`http://` only for a local test store); absent: the SDK's default
    endpoint for the region."""
    region: Annotated[str, Field(pattern=r"^[a-z0-9-]{2,32}$")] = "us-east-1"
    """The store's region name, as its signatures expect it (Ceph RGW: its zonegroup)."""
    addressing_style: Literal["path", "virtual"] = "path"
    """`path` (`endpoint/bucket`, what most on-premises stores need) or `virtual` (`bucket.endpoint`)."""
    identities: Literal["iam", "precreated"] = "iam"
    """``iam``: govcloud creates one storage identity per tenant through the IAM API; ``precreated``:
    the store has no IAM API and an operator supplies each tenant's keys as secret config."""
    cidr: Network = "10.96.0.0/16"
    """Network the endpoint lives in, for the tenants' egress allowance to it."""
    port: Annotated[int, Field(ge=1, le=65535)] = 443
    """The endpoint's port, for the tenants' egress allowance."""
    account_id: Annotated[str, Field(pattern=r"^[0-9]{0,12}$")] = ""
    """Account in IAM ARNs: AWS's 12 digits; empty for Ceph RGW and other single-account stores."""


class KubernetesApi(ContractModel):
    """Where the API server's endpoints live: database instance managers must reach it."""

    cidr: Network = "10.0.0.0/24"
    """Network of the API server's endpoints (`kubectl get endpoints kubernetes -n default`)."""
    port: Annotated[int, Field(ge=1, le=65535)] = 6443
    """Port of the API server's endpoints."""


class ClusterNodes(ContractModel):
    """The nodes' network: Prometheus scrapes the kubelet and cAdvisor (10250), node exporters on the host
    network (9100) and the control-plane components (etcd 2381, controller-manager, scheduler, kube-proxy)."""

    cidr: Network = "10.0.0.0/24"
    """The nodes' network."""


class IdentityProvider(ContractModel):
    issuer_url: HttpsUrl
    """OIDC issuer URL (https), the same as the API server's `--oidc-issuer-url`."""
    client_id: Annotated[str, Field(min_length=1, max_length=200)]
    """The OIDC client registered for this stack's web UIs."""
    groups_claim: Annotated[str, Field(min_length=1, max_length=100)] = "groups"
    """Token claim holding the user's groups; the API server's `--oidc-groups-claim`."""
    cidr: Network = "10.10.0.0/24"
    """Where the identity provider's endpoints live: web UIs that sign users in must reach it."""
    port: Annotated[int, Field(ge=1, le=65535)] = 443
    """The identity provider's port, for the web UIs' egress allowance."""
    groups_prefix: Annotated[str, Field(max_length=64, pattern=r"^[A-Za-z0-9:._-]*$")] = ""
    """The API server's ``--oidc-groups-prefix``: RoleBinding subjects must carry it to match."""


def _ip_address(value: str) -> str:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(f"'{value}' must be an IP address such as 203.0.113.10") from None
    if address.is_loopback or address.is_unspecified or address.is_multicast or address.is_link_local:
        raise ValueError(f"'{value}' is not a unicast address clients can reach (loopback, multicast, link-local...)")
    return value


IpAddress = Annotated[str, AfterValidator(_ip_address)]


GatewayServiceType = Literal["LoadBalancer", "NodePort", "ClusterIP"]
"""Envoy Gateway's Envoy Service types (envoyproxy/gateway api/v1alpha1/shared_types.go ``ServiceType``, v1.9.0)."""


class GatewayEndpoint(ContractModel):
    """One Gateway (public or internal): how its Envoy Service is exposed and the addresses clients reach it on
    (docs/gateway.md). Each Gateway names its own ``EnvoyProxy`` carrying this type."""

    service_type: GatewayServiceType | None = None
    """This Gateway's Envoy Service type; absent: ``gateways.serviceType``. ``LoadBalancer``: the site's
    load-balancer implementation assigns the address; ``NodePort``: an external balancer or DNS points at the
    nodes' ports; ``ClusterIP``: the site's routers reach the cluster's service network (service addresses
    advertised by BGP), and ``addresses`` names the one cluster IP the Service takes."""
    addresses: Annotated[list[IpAddress], Field(max_length=16)] = []
    """Given addresses, written to ``Gateway.spec.addresses`` (type ``IPAddress``). ``LoadBalancer`` and ``NodePort``:
    Envoy Gateway sets them as the Service's ``externalIPs`` (the site routes them to the nodes, and the API server
    must not run the ``DenyServiceExternalIPs`` admission plugin); none may lie in the cluster's pod or service
    networks. ``ClusterIP``: exactly one, inside ``clusterNetworks.serviceCidrs`` (Envoy Gateway takes the first as
    the cluster IP). Empty: whatever the service type yields. No address is shared by both Gateways, and nothing
    waits for an address either way."""


class Gateways(ContractModel):
    """The site's entry points (``govcloud:gateways``): Envoy Gateway with a public and an internal Gateway.

    Replaces ``govcloud:ingress`` (ingress-nginx, retired upstream in 2026; see
    runbooks/migrating-ingress-to-gateway.md)."""

    class_name: DnsLabel = "govcloud"
    """The GatewayClass govcloud declares for Envoy Gateway."""
    service_type: GatewayServiceType = "LoadBalancer"
    """How the Envoy Services are exposed where a Gateway sets no ``serviceType`` of its own: ``LoadBalancer``
    where the site has a load-balancer implementation, ``NodePort`` where it has none (an external balancer or DNS
    points at the nodes), ``ClusterIP`` where the routers reach the service network (then with an address)."""
    public: GatewayEndpoint = GatewayEndpoint()
    """Names under ``govcloud:domain``."""
    internal: GatewayEndpoint = GatewayEndpoint()
    """Names under ``govcloud:internalDomain``."""
    internal_only: list[Literal["public", "internal", "confidential"]] = []
    """Classifications, besides ``secret`` (always), whose tenants attach only to the internal Gateway."""

    def endpoint(self, gateway: Literal["public", "internal"]) -> GatewayEndpoint:
        """The settings of one Gateway by its name."""
        return self.public if gateway == "public" else self.internal

    def service_type_of(self, gateway: Literal["public", "internal"]) -> GatewayServiceType:
        """The Envoy Service type of one Gateway: its own, else the site-wide one."""
        return self.endpoint(gateway).service_type or self.service_type


class ClusterDns(ContractModel):
    namespace: DnsLabel = "kube-system"
    """Namespace of the DNS pods."""
    pod_labels: dict[str, str] = {"k8s-app": "kube-dns"}
    """Labels selecting the DNS pods."""


class StorageClassSpec(ContractModel):
    """The site's encrypted StorageClass, when govcloud should declare it (else it must exist)."""

    provisioner: Annotated[str, Field(min_length=1, max_length=253)]
    """CSI provisioner of the StorageClass govcloud declares."""
    parameters: dict[str, str] = {}
    """Provisioner parameters; they must switch encryption at rest on (e.g. Ceph RBD ``encrypted: "true"``)."""


class AcmeIssuer(ContractModel):
    """An ACME CA the site reaches (e.g. Let's Encrypt): HTTP-01 challenges answered through the public Gateway."""

    server: HttpsUrl
    """The CA's ACME directory URL, e.g. https://acme-v02.api.letsencrypt.org/directory."""
    email: Annotated[str, Field(pattern=r"^[^@\s,]+@[A-Za-z0-9.-]+$", max_length=254)]
    """The account's contact: expiry and incident notices from the CA go there."""


class ExistingIssuer(ContractModel):
    """A cert-manager ClusterIssuer the site already runs for a publicly trusted CA (air-gapped sites: the CA's
    own issuer, or an ACME server inside the government network that a public CA operates)."""

    name: DnsLabel
    """The issuer's name (it must exist: govcloud does not declare it)."""
    group: Annotated[str, Field(pattern=r"^[a-z0-9.-]+$", max_length=253)] = "cert-manager.io"
    """Its API group: ``cert-manager.io``, or an external issuer's group."""
    kind: Annotated[str, Field(pattern=r"^[A-Z][A-Za-z]+$", max_length=63)] = "ClusterIssuer"
    """Its kind; cluster-scoped, since tenants' Certificates in every namespace use it."""


class PublicIssuer(ContractModel):
    """Where public names' certificates come from: exactly one of ``acme`` or ``issuer``."""

    acme: AcmeIssuer | None = None
    issuer: ExistingIssuer | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> PublicIssuer:
        if (self.acme is None) == (self.issuer is None):
            raise ValueError("set exactly one of acme (a reachable ACME CA) or issuer (a publicly trusted CA's issuer)")
        return self


class Certificates(ContractModel):
    """cert-manager's site issuer: the government CA whose key pair is in a Secret in cert-manager.

    Internal names get certificates from it; public names from ``publicIssuer``. Without one (a dev site),
    public names fall back to the site CA and get no HSTS; the policy pack refuses that in production
    (GC-TLS-001, docs/gateway.md)."""

    ca_secret_name: DnsLabel = "govcloud-site-ca"
    """Secret in the cert-manager namespace holding the site CA's key pair."""
    public_issuer: PublicIssuer | None = None


class AuditLog(ContractModel):
    """The site's audit-log bucket: object lock in compliance mode keeps every record for this long."""

    retention_days: Annotated[int, Field(ge=365, le=3650)] = 2557
    """Days each audit record is locked (compliance mode): at least 365, at most 3650."""


class SiteConfig(ContractModel):
    """One site and environment: everything that differs between the national and provincial stacks."""

    site: Annotated[str, AfterValidator(_site)]
    """`national` or the province code (ISO 3166-2, e.g. `TH-76`) of the data centre this stack deploys to; a tenant
    file's `spec.site` must equal it."""
    environment: Literal["dev", "staging", "prod"]
    """`prod` for a production site: network settings must be stated, test-only switches are refused."""
    kubernetes_version: Annotated[str, AfterValidator(_kubernetes_version)] = DEFAULT_KUBERNETES_VERSION
    """The cluster's Kubernetes minor version, quoted (`\"1.36\"`); pinned operators must support it."""
    domain: Hostname
    """Public domain under which tenants' web UIs are published, e.g. data.go.th."""
    internal_domain: Hostname
    """Internal-only domain; secret tenants may use hostnames only under it."""
    storage_class: DnsLabel
    """The site's encrypted StorageClass; every volume is provisioned on it."""
    object_store: ObjectStore = ObjectStore()
    identity_provider: IdentityProvider
    """The OIDC identity provider the API server and the web UIs trust."""
    gateways: Gateways = Gateways()
    """The public and internal Gateways (Envoy Gateway): service type, addresses, internal-only classifications."""
    cluster_dns: ClusterDns = ClusterDns()
    """The cluster's DNS pods: every tenant's egress policy allows DNS to exactly these pods."""
    kubernetes_api: KubernetesApi = KubernetesApi()
    storage_class_spec: StorageClassSpec | None = None
    certificates: Certificates = Certificates()
    audit_log: AuditLog = AuditLog()
    layout: Literal["single", "sharded"] = "single"
    """``single``: one stack for the whole site. ``sharded``: a platform stack plus one stack per tenant."""
    tenant: DnsLabel | None = None
    """In a sharded site, the one tenant a tenant stack declares; absent in the platform stack."""
    site_stack: DnsLabel | None = None
    """In a sharded site's tenant stack: the platform stack, whose folder holds the site's request files."""
    cluster_networks: ClusterNetworks = ClusterNetworks()
    """The cluster's pod and service ranges: tenant egress may not name them."""
    platform_networks: list[Network] = []
    """The site's other own networks (nodes, storage, management, etcd...): tenant egress may not name them.
    The object store's, identity provider's and API server's networks are refused as well."""
    reserved_names: list[DnsLabel] = []
    """Namespaces this cluster has beyond the built-in list (``vocabulary.SYSTEM_NAMESPACES``): no tenant may
    take one of these names."""
    require_tenant_group_prefix: bool = False
    """When true, every access group of a tenant must start with ``<tenant>-`` (e.g. ``nso-analysts``)."""
    nodes: ClusterNodes = ClusterNodes()
    image_registry: Annotated[str, Field(pattern=r"^[a-z0-9.-]+(:[0-9]{1,5})?(/[a-z0-9._-]+)*$")] = (
        "registry.gdcc.go.th/govcloud"
    )
    """Where the site's image pipeline publishes govcloud's own images (``images/``: CKAN, Superset)."""
    ckan_uploads_access_mode: Literal["ReadWriteOnce", "ReadWriteMany"] = "ReadWriteOnce"
    """CKAN's upload volume: ``ReadWriteMany`` (a site whose storage offers it) lets the portal run two
    replicas; ``ReadWriteOnce`` runs one, since every replica must see every upload."""
    chart_repositories: dict[str, Annotated[str, Field(pattern=r"^(https|oci)://[^\s]+$")]] = {}
    """Per-chart repository overrides: government sites mirror the upstream repositories internally."""
    helm_releases: bool = True
    """Declare the platform's and the tenants' Helm releases. Only a test stack (``stacks/Pulumi.local.yaml``,
    deployed by the engine tests on a bare control plane) turns this off, since no chart can be fetched
    offline; every object govcloud builds itself is still declared. Refused for production stacks."""
    readiness_waits: bool = True
    """Let the Kubernetes provider wait for workloads, jobs and volumes to become ready. Only a test stack
    turns this off (annotation ``pulumi.com/skipAwait``): a bare control plane has no kubelet, so no pod ever
    runs. Refused for production stacks."""

    @field_validator("helm_releases", "readiness_waits")
    @classmethod
    def _on_in_production(cls, value: bool, info: ValidationInfo) -> bool:
        """A production stack deploys every release and waits for every workload; only test stacks may not."""
        if not value and info.data.get("environment") == "prod":
            raise ValueError("may be false only in a test stack; a production stack (environment prod) needs it")
        return value

    @model_validator(mode="after")
    def _networks_stated_in_production(self) -> SiteConfig:
        """A production stack states every network-critical setting: a default is a guess (an API server at
        10.0.0.0/24) that would end up in every tenant's NetworkPolicies. See docs/site-guide.md."""
        if self.environment != "prod":
            return self
        missing = [loc for loc, given in network_settings_given(self).items() if not given]
        if missing:
            message = "a production stack must set this network setting explicitly (see docs/site-guide.md)"
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    InitErrorDetails(type=PydanticCustomError("required_in_production", message), loc=loc, input=None)
                    for loc in missing
                ],
            )
        return self

    @model_validator(mode="after")
    def _gateway_addresses_fit(self) -> SiteConfig:
        """Each Gateway's addresses make sense for its service type (:func:`gateway_address_problems`)."""
        problems = gateway_address_problems(self)
        if problems:
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    InitErrorDetails(type=PydanticCustomError("gateway_address", message), loc=loc, input=None)
                    for loc, message in problems
                ],
            )
        return self


def gateway_address_problems(site: SiteConfig) -> list[tuple[tuple[str | int, ...], str]]:
    """(location as written in the stack file, message) for every Gateway address that cannot work.

    Envoy Gateway writes ``Gateway.spec.addresses`` as the Envoy Service's ``externalIPs`` for LoadBalancer and
    NodePort, and as its cluster IP (the first address only) for ClusterIP (envoyproxy/gateway
    internal/infrastructure/kubernetes/proxy/resource_provider.go, v1.9.0). So an external address inside the
    cluster's own networks, a ClusterIP Gateway without exactly one service-network address, and one address on
    both Gateways (two Services claiming ports 80 and 443 on it) are refused.
    """
    pods = [ipaddress.ip_network(n) for n in site.cluster_networks.pod_cidrs]
    services = [ipaddress.ip_network(n) for n in site.cluster_networks.service_cidrs]
    service_range = f"clusterNetworks.serviceCidrs ({', '.join(site.cluster_networks.service_cidrs)})"
    problems: list[tuple[tuple[str | int, ...], str]] = []
    seen: dict[str, str] = {}
    for name in ("public", "internal"):
        kind = site.gateways.service_type_of(name)
        addresses = site.gateways.endpoint(name).addresses
        where: tuple[str | int, ...] = ("gateways", name, "addresses")
        if kind == "ClusterIP" and not addresses:
            problems.append((where, f"a ClusterIP Gateway needs one address: its cluster IP in {service_range}"))
        for index, value in enumerate(addresses):
            address = ipaddress.ip_address(value)
            inside = [n for n in services if address in n]
            if value in seen:
                again = "given twice" if seen[value] == name else f"also an address of the {seen[value]} Gateway"
                problems.append(((*where, index), f"'{value}' is {again}"))
            seen.setdefault(value, name)
            if kind == "ClusterIP":
                if index > 0:
                    problems.append(((*where, index), "a ClusterIP Gateway takes one address: its cluster IP"))
                elif not inside:
                    problems.append(((*where, index), f"'{value}' is not in {service_range}"))
                continue
            for network in [*pods, *services]:
                if address in network:
                    problems.append(
                        ((*where, index), f"'{value}' is in the cluster's network {network}: not an external address")
                    )
    return problems


def network_settings_given(site: SiteConfig) -> dict[tuple[str, ...], bool]:
    """The network-critical settings (as written in the stack file) and whether the stack states each one."""
    given = site.model_fields_set
    return {
        ("kubernetesApi",): "kubernetes_api" in given,
        ("clusterDns",): "cluster_dns" in given,
        ("nodes",): "nodes" in given,
        ("clusterNetworks",): "cluster_networks" in given,
        ("objectStore", "cidr"): "cidr" in site.object_store.model_fields_set,
        ("identityProvider", "cidr"): "cidr" in site.identity_provider.model_fields_set,
    }
