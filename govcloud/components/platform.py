"""``govcloud:site:SitePlatform`` — what every tenant relies on, installed once per site.

Platform namespaces with Pod Security and default deny; cert-manager with the site's issuers; Envoy
Gateway with the public and internal Gateways (``govcloud.manifests.gateway``); the CloudNativePG and
Spark operators; Kyverno with the baseline cluster policies; monitoring; the site's encrypted StorageClass;
the audit-log bucket under compliance-mode object lock.
Chart versions are pinned in ``govcloud.charts``; repositories can be mirrors (air-gapped sites).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from govcloud.charts import CHARTS
from govcloud.components.bucket_provider import Bucket
from govcloud.components.helm import helm_release
from govcloud.components.kubernetes import declare
from govcloud.components.opendata import OpenDataPortal, OpenDataPortalArgs
from govcloud.components.storage import StorageKeys
from govcloud.contract.stack import StackDefinition
from govcloud.manifests.admission import admission_policies
from govcloud.manifests.gateway import platform_gateway_objects
from govcloud.manifests.helm_values import render_values
from govcloud.manifests.platform import (
    CERT_MANAGER,
    DATABASE_OPERATOR,
    GATEWAY,
    KYVERNO,
    MONITORING,
    OPEN_DATA,
    PLATFORM_LABEL,
    PLATFORM_NAMESPACES,
    SPARK_OPERATOR,
    SUPERSET_OPERATOR,
    PlatformNamespace,
    cluster_issuer,
    platform_namespace,
    platform_network_policies,
    storage_class,
)
from govcloud.manifests.platform_values import platform_values
from govcloud.naming import MANAGED_BY, TENANT_LABEL, bucket_name, label, owner_tags
from govcloud.policy.baseline import PRIVILEGED_CLUSTER_ROLES, REQUIRED_NAMESPACE_LABELS
from govcloud.safety import data_options
from govcloud.storage.specs import BucketSpec, site_connection

TYPE_TOKEN = "govcloud:site:SitePlatform"
AUDIT_LOG_ZONE = "audit-log"
KYVERNO_POLICIES = ("kyverno/tenant-baseline.yaml.j2", "kyverno/require-govcloud-labels.yaml.j2")
#: Platform service -> (chart key, namespace).
RELEASES: dict[str, tuple[str, PlatformNamespace]] = {
    "cert-manager": ("cert-manager", CERT_MANAGER),
    "envoy-gateway": ("gateway-helm", GATEWAY),
    "cloudnative-pg": ("cloudnative-pg", DATABASE_OPERATOR),
    "plugin-barman-cloud": ("plugin-barman-cloud", DATABASE_OPERATOR),
    "spark-operator": ("spark-operator", SPARK_OPERATOR),
    "superset-operator": ("superset-operator", SUPERSET_OPERATOR),
    "kyverno": ("kyverno", KYVERNO),
    "monitoring": ("kube-prometheus-stack", MONITORING),
}
#: Releases that render kinds whose CRDs another release installs, and so must be installed after it:
#: Helm refuses a manifest whose kind the API server does not know yet.
RELEASE_ORDER: dict[str, tuple[str, ...]] = {
    # monitoring.podMonitorEnabled renders a PodMonitor (cloudnative-pg/charts cloudnative-pg-v0.29.0
    # charts/cloudnative-pg/templates/podmonitor.yaml); kube-prometheus-stack installs its CRD.
    "cloudnative-pg": ("monitoring",),
    # prometheus.servicemonitor.enabled renders a ServiceMonitor; with gatewayAPI.enabled cert-manager needs the
    # Gateway API CRDs at start-up, which the Envoy Gateway chart installs (its crds subchart, v1.6.1).
    "cert-manager": ("monitoring", "envoy-gateway"),
    # Renders cert-manager Certificates and Issuers (cloudnative-pg/charts plugin-barman-cloud-v0.7.0
    # charts/plugin-barman-cloud/templates/*certificate*.yaml), and serves the operator it runs beside.
    "plugin-barman-cloud": ("cert-manager", "cloudnative-pg"),
}


def audit_log_bucket(definition: StackDefinition) -> BucketSpec:
    site = definition.site
    return BucketSpec(
        name=bucket_name(site, "govcloud", AUDIT_LOG_ZONE),
        versioning=True,
        lock_versioning=True,
        object_lock=True,
        object_lock_days=site.audit_log.retention_days,
        tags={MANAGED_BY[0]: MANAGED_BY[1], label("zone"): AUDIT_LOG_ZONE, **owner_tags(site, None)},
    )


def kyverno_policies() -> list[dict[str, object]]:
    """The baseline cluster policies, rendered from their templates."""
    context = {
        "labels": {PLATFORM_LABEL: "true", MANAGED_BY[0]: MANAGED_BY[1]},
        "description": "Guard rails for govcloud tenant namespaces, enforced for every object, Pulumi's or not.",
        "tenant_label": TENANT_LABEL,
        "privileged_roles": sorted(PRIVILEGED_CLUSTER_ROLES),
        "managed_by": list(MANAGED_BY),
        "platform_label": PLATFORM_LABEL,
        "required": {key: "?*" for key in REQUIRED_NAMESPACE_LABELS},
    }
    return [render_values(template, **context) for template in KYVERNO_POLICIES]


@dataclass(frozen=True)
class SitePlatformArgs:
    definition: StackDefinition
    precreated_keys: dict[str, StorageKeys] | None = None


class SitePlatform(pulumi.ComponentResource):
    """Exposes the releases tenant resources must wait for (``database_operator``, ``gateway_controller``)."""

    releases: dict[str, pulumi.Resource]
    """Each a ``helm.v3.Release``, or a ``SkippedRelease`` where the site turns releases off."""
    open_data_portal: OpenDataPortal

    def __init__(self, name: str, args: SitePlatformArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        definition = args.definition
        site = definition.site
        child = pulumi.ResourceOptions(parent=self)
        namespaces = {}
        for namespace in PLATFORM_NAMESPACES:
            namespaces[namespace.name] = declare(
                f"platform-{namespace.name}", platform_namespace(namespace, site), data_options(child)
            )
            after = pulumi.ResourceOptions(parent=self, depends_on=[namespaces[namespace.name]])
            for policy in platform_network_policies(namespace, site):
                declare(f"platform-{namespace.name}-{policy['metadata']['name']}", policy, after)
        sc = storage_class(site)
        if sc is not None:
            declare("platform-storage-class", sc, child)
        for admission in admission_policies(site):  # tenant hosts and the web label, for every tenant namespace
            declare(f"platform-{admission['kind'].lower()}-{admission['metadata']['name']}", admission, child)
        self.releases = {}
        for service in release_order():
            chart_key, namespace = RELEASES[service]
            first: list[pulumi.Resource] = [namespaces[namespace.name]]
            first += [self.releases[release] for release in RELEASE_ORDER.get(service, ())]
            self.releases[service] = helm_release(
                f"platform-{service}",
                service,
                namespace.name,
                CHARTS[chart_key],
                site,
                platform_values(chart_key, definition),
                pulumi.ResourceOptions(parent=self, depends_on=first),
            )
        declare(
            "platform-site-issuer",
            cluster_issuer(site),
            pulumi.ResourceOptions(parent=self, depends_on=[self.releases["cert-manager"]]),
        )
        # The GatewayClass, each Gateway's EnvoyProxy, both Gateways and the public ACME issuer: after the releases
        # that serve their kinds; a Gateway after the EnvoyProxy it names, so its first Envoy Service has its type.
        routing: list[pulumi.Resource] = [self.releases["envoy-gateway"], self.releases["cert-manager"]]
        for obj in platform_gateway_objects(site):
            declared = declare(
                f"platform-{obj['kind'].lower()}-{obj['metadata']['name']}",
                obj,
                pulumi.ResourceOptions(parent=self, depends_on=[namespaces[GATEWAY.name], *routing]),
            )
            if obj["kind"] == "EnvoyProxy":
                routing.append(declared)
        for policy in kyverno_policies():
            declare(
                f"platform-{policy['metadata']['name']}",  # type: ignore[index]
                policy,
                pulumi.ResourceOptions(parent=self, depends_on=[self.releases["kyverno"]]),
            )
        Bucket(f"platform-{AUDIT_LOG_ZONE}", audit_log_bucket(definition), site_connection(site), data_options(child))
        self.open_data_portal = OpenDataPortal(
            "platform-open-data",
            OpenDataPortalArgs(
                definition,
                (namespaces[OPEN_DATA.name], *self.custom_resource_releases),
                args.precreated_keys,
            ),
            child,
        )
        self.register_outputs({"releases": {service: f"{release_chart(service)}" for service in self.releases}})

    @property
    def database_operator(self) -> pulumi.Resource:
        return self.releases["cloudnative-pg"]

    @property
    def custom_resource_releases(self) -> tuple[pulumi.Resource, ...]:
        """The releases whose CRDs tenant and portal objects use: CNPG (Cluster, ScheduledBackup, Database),
        the Barman Cloud plugin (ObjectStore), kube-prometheus-stack (PodMonitor), the Superset operator
        (Superset), Kyverno (ClusterPolicy), Envoy Gateway (the Gateway API CRDs: ListenerSet, HTTPRoute) and
        cert-manager (Certificate). In one stack, those objects ``depend_on`` these."""
        return tuple(
            self.releases[s]
            for s in (
                "cloudnative-pg",
                "plugin-barman-cloud",
                "monitoring",
                "superset-operator",
                "kyverno",
                "envoy-gateway",
                "cert-manager",
            )
        )

    @property
    def gateway_controller(self) -> pulumi.Resource:
        return self.releases["envoy-gateway"]


def release_order() -> list[str]:
    """Every platform service, each after the releases in ``RELEASE_ORDER`` it needs (a stable topological order)."""
    ordered: list[str] = []

    def visit(service: str, path: tuple[str, ...]) -> None:
        if service in ordered:
            return
        if service in path:
            raise ValueError(f"platform release order has a cycle: {' -> '.join((*path, service))}")
        for first in RELEASE_ORDER.get(service, ()):
            visit(first, (*path, service))
        ordered.append(service)

    for service in RELEASES:
        visit(service, ())
    return ordered


def release_chart(service: str) -> str:
    chart = CHARTS[RELEASES[service][0]]
    return f"{chart.name}-{chart.version}"
