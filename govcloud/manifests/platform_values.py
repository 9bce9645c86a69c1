"""Helm values of the site's platform services: small, explicit, and visible in the plan."""

from __future__ import annotations

from typing import Any

from govcloud.contract.site import SiteConfig
from govcloud.contract.stack import StackDefinition
from govcloud.manifests.platform import MONITORING


def platform_values(chart: str, definition: StackDefinition) -> dict[str, Any]:
    """The values govcloud sets per platform chart (everything else is the chart's default)."""
    site: SiteConfig = definition.site
    spark_namespaces = sorted(t.name for t in definition.tenants if t.spec.analytics.spark.enabled)
    values: dict[str, dict[str, Any]] = {
        "cert-manager": {"crds": {"enabled": True}, "prometheus": {"enabled": True}},
        "ingress-nginx": {
            "controller": {
                "ingressClassResource": {"name": site.ingress.class_name, "default": True},
                "ingressClass": site.ingress.class_name,
                "metrics": {"enabled": True},
                "config": {"ssl-protocols": "TLSv1.2 TLSv1.3", "hsts": "true", "enable-ocsp": "true"},
                "allowSnippetAnnotations": False,
            }
        },
        "cloudnative-pg": {"monitoring": {"podMonitorEnabled": True}, "config": {"clusterWide": True}},
        "spark-operator": {
            "spark": {
                "jobNamespaces": spark_namespaces,
                "serviceAccount": {"create": False},
                "rbac": {"create": False},
            },
            "webhook": {"enable": True},
        },
        "superset-operator": {
            "watchNamespaces": sorted(t.name for t in definition.tenants if t.spec.analytics.superset.enabled)
        },
        "kyverno": {"admissionController": {"replicas": 3 if site.environment == "prod" else 1}},
        "kube-prometheus-stack": {
            "prometheus": {
                "prometheusSpec": {
                    "podMonitorSelectorNilUsesHelmValues": False,
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
