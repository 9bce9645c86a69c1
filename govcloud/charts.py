"""Every Helm chart govcloud installs, pinned in one place.

A chart version is part of what a plan means: bumping one changes every release built from it, so it is
reviewed here, once, and never written inline. ``values_schema`` and ``default_values`` name the upstream
copies under ``../shared/schemas/helm/`` (see its SOURCES.md) that the tests check our values against.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from govcloud.contract.site import SiteConfig


@dataclass(frozen=True)
class Chart:
    """One pinned chart: where it comes from and which upstream files describe its values."""

    key: str
    """The name sites use in ``chartRepositories`` to mirror this chart's repository."""
    name: str
    repository: str
    """An ``https://`` Helm repository, or an ``oci://`` registry path the chart ``name`` is appended to."""
    version: str
    values_schema: str | None = None
    """Path under ``../shared/schemas/helm`` of the chart's values schema, or None when it ships none."""
    default_values: str | None = None
    """Path under ``../shared/schemas/helm`` of the chart's default values.yaml, when we have a copy."""

    @property
    def is_oci(self) -> bool:
        return self.repository.startswith("oci://")


_CHARTS = (
    # Tenant analytics (govcloud.components.analytics).
    Chart(
        "jupyterhub",
        "jupyterhub",
        "https://hub.jupyter.org/helm-chart/",
        "4.4.0",
        "jupyterhub/values.schema.yaml",
        "jupyterhub/values.yaml",
    ),
    Chart("trino", "trino", "https://trinodb.github.io/charts/", "1.42.2", None, "trino/values.yaml"),
    # Superset runs from its operator's CR (see govcloud.manifests.analytics); the operator is site-wide.
    # Its Helm chart (apache/superset) was deprecated in 2026 in favour of this operator (PR 44097).
    # apache/superset-kubernetes-operator's releases stop at v0.2.0 (tag v0.2.0, chart 0.2.0, appVersion 0.2.0);
    # its values.schema.json has additionalProperties: false, so every key we set is checked against it.
    Chart(
        "superset-operator",
        "superset-operator",
        "oci://ghcr.io/apache/superset-kubernetes-operator/charts",
        "0.2.0",
        "superset-operator/values.schema.json",
        "superset-operator/values.yaml",
    ),
    Chart("spark-operator", "spark-operator", "https://kubeflow.github.io/spark-operator", "2.5.2"),
    # The site platform, installed once per cluster by the Site component.
    Chart(
        "cloudnative-pg",
        "cloudnative-pg",
        "https://cloudnative-pg.github.io/charts",
        "0.29.0",  # operator 1.30.0
        "cloudnative-pg/values.schema.json",
        "cloudnative-pg/values.yaml",
    ),
    # The Barman Cloud plugin (backups, replacing the in-tree barmanObjectStore removed in CNPG 1.31): chart
    # 0.7.0 of cloudnative-pg/charts (tag plugin-barman-cloud-v0.7.0) ships plugin v0.13.0. It must run in the
    # operator's namespace and renders cert-manager Certificates and Issuers.
    Chart("plugin-barman-cloud", "plugin-barman-cloud", "https://cloudnative-pg.github.io/charts", "0.7.0"),
    Chart("cert-manager", "cert-manager", "https://charts.jetstack.io", "v1.21.0"),
    # Envoy Gateway replaces ingress-nginx (retired upstream in 2026; runbooks/migrating-ingress-to-gateway.md).
    # v1.9.0 compiles in Gateway API v1.6.1 and supports Kubernetes 1.33-1.36 (site/content/en/news/releases/
    # matrix.md); its crds subchart installs the Gateway API v1.6.1 CRDs, ListenerSet v1 included
    # (charts/gateway-helm/charts/crds/crds/gatewayapi-crds.yaml); docs/gateway.md says why this one.
    Chart("gateway-helm", "gateway-helm", "oci://docker.io/envoyproxy", "v1.9.0"),
    Chart("kyverno", "kyverno", "https://kyverno.github.io/kyverno/", "3.9.0"),  # Kyverno 1.19.0
    Chart(
        "kube-prometheus-stack", "kube-prometheus-stack", "https://prometheus-community.github.io/helm-charts", "85.1.2"
    ),
)

CHARTS: Mapping[str, Chart] = MappingProxyType({chart.key: chart for chart in _CHARTS})
"""Every pinned chart by key; read-only so no caller can repin one at run time."""


def repository_for(chart: Chart, site: SiteConfig) -> str:
    """The repository to pull ``chart`` from at ``site``: its mirror when the site has one (air-gapped sites)."""
    return site.chart_repositories.get(chart.key, chart.repository)
