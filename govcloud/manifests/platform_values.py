"""Helm values of the site's platform services: small, explicit, and visible in the plan.

Operators that act in tenant namespaces watch the whole cluster rather than a list of namespaces. A list
would name tenants in the platform stack's values: in a sharded site the platform stack is deployed before
any tenant namespace exists (spark-operator 2.5.2 renders a Role and RoleBinding into each
``spark.jobNamespaces`` entry, and the Superset operator 0.2.0 one per ``watch.namespaces`` entry, and Helm
fails on a missing namespace), and every new tenant would change, and redeploy, the platform stack. So:

* spark-operator: ``jobNamespaces: []`` plus ``jobNamespaceSelector`` on the label every tenant namespace
  carries (``govcloud.go.th/tenant``). The chart then grants its controller and webhook a ClusterRole
  and renders no per-namespace Role (kubeflow/spark-operator v2.5.2 charts/spark-operator-chart/templates/
  controller/rbac.yaml); the controller acts only on namespaces the selector matches (pkg/util/namespace.go
  ``NamespaceMatcher``), so platform namespaces stay out of reach.
* Superset operator: ``watch.scope: cluster`` (the chart's default, charts/superset-operator/values.yaml at
  v0.2.0): it reconciles ``Superset`` objects wherever a tenant declares one. It has no namespace selector.

What a tenant may do is still decided per tenant: its RBAC, its Kyverno executor cap, its quota and its
network policies; the operators' reach is what any cluster-wide operator (CloudNativePG's ``clusterWide``)
already has.
"""

from __future__ import annotations

from typing import Any

from govcloud.contract.site import SiteConfig
from govcloud.contract.stack import StackDefinition
from govcloud.manifests.gateway import gateway_values
from govcloud.manifests.platform import MONITORING
from govcloud.naming import TENANT_LABEL


def platform_values(chart: str, definition: StackDefinition) -> dict[str, Any]:
    """The values govcloud sets per platform chart (everything else is the chart's default)."""
    site: SiteConfig = definition.site
    values: dict[str, dict[str, Any]] = {
        # prometheus.enabled alone only adds prometheus.io annotations, which kube-prometheus-stack does not
        # read; the ServiceMonitor is what it scrapes (cert-manager v1.21.0 deploy/charts/cert-manager/values.yaml).
        # config.gatewayAPI.enabled: the ACME HTTP-01 solver answers through Gateway API routes
        # (cert-manager v1.21.0 pkg/apis/config/controller/v1alpha1/types.go GatewayAPIConfig). Its ListenerSet
        # shim stays off (alpha feature gate ListenerSets): govcloud declares every Certificate itself.
        "cert-manager": {
            "crds": {"enabled": True},
            "prometheus": {"enabled": True, "servicemonitor": {"enabled": True}},
            "config": {
                "apiVersion": "controller.config.cert-manager.io/v1alpha1",
                "kind": "ControllerConfiguration",
                "gatewayAPI": {"enabled": True},
            },
        },
        "gateway-helm": gateway_values(site),
        "cloudnative-pg": {"monitoring": {"podMonitorEnabled": True}, "config": {"clusterWide": True}},
        "spark-operator": {
            "spark": {
                "jobNamespaces": [],
                "jobNamespaceSelector": TENANT_LABEL,
                "serviceAccount": {"create": False},
                "rbac": {"create": False},
            },
            "webhook": {"enable": True},
        },
        "superset-operator": {"watch": {"scope": "cluster", "namespaces": []}},
        # The Barman Cloud plugin runs beside the operator (cnpg-system); its chart's defaults suffice.
        "plugin-barman-cloud": {},
        "kyverno": {"admissionController": {"replicas": 3 if site.environment == "prod" else 1}},
        "kube-prometheus-stack": {
            "prometheus": {
                "prometheusSpec": {
                    # Select every PodMonitor and ServiceMonitor, not only this release's own.
                    "podMonitorSelectorNilUsesHelmValues": False,
                    "serviceMonitorSelectorNilUsesHelmValues": False,
                    "storageSpec": {
                        "volumeClaimTemplate": {
                            "spec": {
                                "storageClassName": site.storage_class,
                                "resources": {"requests": {"storage": "200Gi"}},
                            }
                        }
                    },
                }
            },
            "grafana": {"ingress": {"enabled": False}},
            "namespaceOverride": MONITORING.name,
        },
    }
    return values[chart]
