"""Facts about upstream projects that govcloud's output relies on, each with its source.

Every value here was read from the upstream file named beside it, at the tag named (checked with the search
tools against the repositories' snapshots; see docs/storage.md and docs/analytics.md for the decisions they
drive). Tests compare what govcloud emits with these values, so an upgrade re-reads the source instead of
trusting memory. When a pinned version moves, re-check every fact whose source names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Fact:
    value: Any
    repository: str
    path: str
    ref: str


# -- CloudNativePG operator (cloudnative-pg/cloudnative-pg, tag v1.30.0) ---------------------------------

CNPG_JOB_POD_LABELS = Fact(
    ("cnpg.io/instanceName", "cnpg.io/cluster", "cnpg.io/jobRole"),
    "cloudnative-pg/cloudnative-pg",
    "pkg/specs/jobs.go (createPrimaryJob: Job and pod template labels; no cnpg.io/podRole)",
    "v1.30.0",
)
CNPG_CLUSTER_LABEL = Fact(
    "cnpg.io/cluster", "cloudnative-pg/cloudnative-pg", "pkg/utils/labels_annotations.go (ClusterLabelName)", "v1.30.0"
)
CNPG_ROLE_SECRET_TYPE = Fact(
    "kubernetes.io/basic-auth",
    "cloudnative-pg/cloudnative-pg",
    "docs/src/declarative_role_management.md (Password management)",
    "v1.30.0",
)
CNPG_ROLE_SECRET_KEYS = Fact(
    ("username", "password"),
    "cloudnative-pg/cloudnative-pg",
    "internal/management/utils/secrets.go (GetUserPasswordFromSecret: corev1.BasicAuthUsernameKey/PasswordKey)",
    "v1.30.0",
)
CNPG_ROLE_USERNAME_MUST_MATCH = Fact(
    True,
    "cloudnative-pg/cloudnative-pg",
    'internal/management/controller/roles/runnable.go ("the username in secret %q does not match role %q")',
    "v1.30.0",
)
CNPG_RELOAD_LABEL = Fact(
    ("cnpg.io/reload", "true"),
    "cloudnative-pg/cloudnative-pg",
    "docs/src/declarative_role_management.md",
    "v1.30.0",
)
CNPG_DEFAULT_SSL_MIN_PROTOCOL = Fact(
    "TLSv1.3",
    "cloudnative-pg/cloudnative-pg",
    "pkg/postgres/configuration.go (CnpgConfigurationSettings.GlobalDefaultSettings)",
    "v1.30.0",
)
CNPG_SUPPORTED_KUBERNETES = Fact(
    ("1.34", "1.35", "1.36"),
    "cloudnative-pg/cloudnative-pg",
    "docs/src/supported_releases.md (1.30.x row) and docs/src/release_notes/v1.30.md",
    "v1.30.0",
)
CNPG_IN_TREE_BARMAN_REMOVED_IN = Fact(
    "1.31.0", "cloudnative-pg/cloudnative-pg", "docs/src/release_notes/v1.30.md (Version 1.30.0)", "v1.30.0"
)
CNPG_POD_MONITOR_DEPRECATED = Fact(
    "Deprecated: This feature will be removed in an upcoming release",
    "cloudnative-pg/cloudnative-pg",
    "config/crd/bases/postgresql.cnpg.io_clusters.yaml (spec.monitoring.enablePodMonitor description)",
    "v1.30.0",
)
CNPG_METRICS_PORT_NAME = Fact("metrics", "cloudnative-pg/cloudnative-pg", "docs/src/monitoring.md", "v1.30.0")
CNPG_CRON_DAY_OF_WEEK_MAX = Fact(
    6,
    "robfig/cron (v1.2.0, pinned in cloudnative-pg go.mod at v1.30.0, used by the ScheduledBackup webhook)",
    "spec.go (dow = bounds{0, 6, ...})",
    "v1.2.0",
)

# -- CloudNativePG charts (cloudnative-pg/charts) --------------------------------------------------------

CNPG_CHART_RENDERS_POD_MONITOR = Fact(
    ("monitoring.podMonitorEnabled", "monitoring.coreos.com/v1", "PodMonitor"),
    "cloudnative-pg/charts",
    "charts/cloudnative-pg/templates/podmonitor.yaml",
    "cloudnative-pg-v0.29.0",
)
BARMAN_PLUGIN_CHART = Fact(
    ("plugin-barman-cloud", "0.7.0", "v0.13.0"),
    "cloudnative-pg/charts",
    "charts/plugin-barman-cloud/Chart.yaml (version, appVersion)",
    "plugin-barman-cloud-v0.7.0",
)
BARMAN_PLUGIN_CHART_RENDERS = Fact(
    ("Certificate", "Issuer"),
    "cloudnative-pg/charts",
    "charts/plugin-barman-cloud/templates/{certificate-issuer,client-certificate,server-certificate}.yaml",
    "plugin-barman-cloud-v0.7.0",
)

# -- Barman Cloud plugin (cloudnative-pg/plugin-barman-cloud, tag v0.14.0) -----------------------------

BARMAN_PLUGIN_NAME = Fact(
    "barman-cloud.cloudnative-pg.io", "cloudnative-pg/plugin-barman-cloud", "web/docs/usage.md", "v0.14.0"
)
BARMAN_OBJECT_NAME_PARAMETER = Fact(
    "barmanObjectName", "cloudnative-pg/plugin-barman-cloud", "web/docs/usage.md", "v0.14.0"
)
BARMAN_BACKUP_METHOD = Fact("plugin", "cloudnative-pg/plugin-barman-cloud", "web/docs/usage.md", "v0.14.0")

# -- PostgreSQL images (cloudnative-pg/postgres-containers, cloudnative-pg/artifacts) ---------------------

POSTGRES_IMAGE_TYPES = Fact(
    {"minimal": "supported", "standard": "supported", "system": "deprecated"},
    "cloudnative-pg/postgres-containers",
    "README.md (Image Types; System Images (deprecated); Debian bullseye Deprecated)",
    "a949ae5871b3685ebd569070fe8657e261328e7f",
)
POSTGRES_STANDARD_TRIXIE_CATALOG = Fact(
    {
        14: "ghcr.io/cloudnative-pg/postgresql:14.24-202608170814-standard-trixie",
        15: "ghcr.io/cloudnative-pg/postgresql:15.19-202608170814-standard-trixie",
        16: "ghcr.io/cloudnative-pg/postgresql:16.15-202608170814-standard-trixie",
        17: "ghcr.io/cloudnative-pg/postgresql:17.11-202608170816-standard-trixie",
    },
    "cloudnative-pg/artifacts",
    "image-catalogs/catalog-standard-trixie.yaml (images.cnpg.io/date 20260817; digests omitted)",
    "da8790478f79109d05b6469794c26f462fd0e88c",
)

# -- Apache Superset Kubernetes operator (apache/superset-kubernetes-operator) ---------------------------

SUPERSET_OPERATOR_RELEASES = Fact(
    ("v0.1.0", "v0.1.1", "v0.2.0"), "apache/superset-kubernetes-operator", "git tags (newest v0.2.0)", "v0.2.0"
)
SUPERSET_OPERATOR_CHART_VERSION = Fact(
    "0.2.0", "apache/superset-kubernetes-operator", "charts/superset-operator/Chart.yaml", "v0.2.0"
)
SUPERSET_OPERATOR_WATCH = Fact(
    {"scope": ("cluster", "namespaces"), "default": "cluster"},
    "apache/superset-kubernetes-operator",
    "charts/superset-operator/values.yaml (watch.scope, watch.namespaces)",
    "v0.2.0",
)
SUPERSET_IMAGE_USER = Fact(
    ("superset", 1000),
    "apache/superset",
    "Dockerfile (useradd --user-group ... superset, the first user of python:slim, uid 1000; USER superset)",
    "master",
)

# -- Kubeflow spark-operator (kubeflow/spark-operator, tag v2.5.2) --------------------------------------

SPARK_CHART_PER_NAMESPACE_RBAC = Fact(
    "a Role and RoleBinding in every spark.jobNamespaces entry unless it is empty or holds ''",
    "kubeflow/spark-operator",
    "charts/spark-operator-chart/templates/controller/rbac.yaml",
    "v2.5.2",
)
SPARK_NAMESPACE_SELECTOR = Fact(
    "spark.jobNamespaceSelector",
    "kubeflow/spark-operator",
    "charts/spark-operator-chart/values.yaml; pkg/util/namespace.go (NewNamespaceMatcher)",
    "v2.5.2",
)

# -- cert-manager, kube-prometheus-stack, prometheus-operator -------------------------------------------

CERT_MANAGER_SERVICEMONITOR = Fact(
    ("prometheus.enabled only annotates", "prometheus.servicemonitor.enabled"),
    "cert-manager/cert-manager",
    "deploy/charts/cert-manager/values.yaml (prometheus)",
    "v1.21.0",
)
PROMETHEUS_OPERATOR_WEBHOOK_PORT = Fact(
    10250,
    "prometheus-community/helm-charts",
    "charts/kube-prometheus-stack/values.yaml (prometheusOperator.tls.internalPort)",
    "kube-prometheus-stack (stored version)",
)

# -- CKAN (ckan/ckan-docker-base) ----------------------------------------------------------------------

CKAN_BASE_VERSION = Fact("2.11.4", "ckan/ckan-docker-base", "ckan-2.11/VERSION.txt", "cc0887ea (2026-02-10)")
CKAN_BASE_USER = Fact(
    {"ckan": 503, "ckan-sys": 502},
    "ckan/ckan-docker-base",
    "ckan-2.11/Dockerfile (useradd -u 503 ckan, groupadd -g 502 ckan-sys; USER ckan)",
    "cc0887ea (2026-02-10)",
)
CKAN_BASE_PLUGINS = Fact(
    ("image_view", "text_view", "datatables_view", "datastore", "envvars"),
    "ckan/ckan-docker-base",
    "ckan-2.11/Dockerfile (CKAN__PLUGINS; only ckanext-envvars is installed besides CKAN: no scheming)",
    "cc0887ea (2026-02-10)",
)
CKAN_SYSADMIN_ENV = Fact(
    ("CKAN_SYSADMIN_NAME", "CKAN_SYSADMIN_PASSWORD", "CKAN_SYSADMIN_EMAIL"),
    "ckan/ckan-docker-base",
    "ckan-2.11/setup/prerun.py (create_sysadmin)",
    "cc0887ea (2026-02-10)",
)


# -- Envoy Gateway (envoyproxy/gateway, tag v1.9.0), Gateway API v1.6.1, cert-manager v1.21.0 (issue 14) ------

ENVOY_GATEWAY_GATEWAY_API = Fact(
    "v1.6.1",
    "envoyproxy/gateway",
    "go.mod (sigs.k8s.io/gateway-api); site/content/en/news/releases/matrix.md",
    "v1.9.0",
)
ENVOY_GATEWAY_KUBERNETES = Fact(
    ("1.33", "1.34", "1.35", "1.36"),
    "envoyproxy/gateway",
    "site/content/en/news/releases/matrix.md (v1.9 row)",
    "v1.9.0",
)
ENVOY_GATEWAY_CHART = Fact(
    "oci://docker.io/envoyproxy/gateway-helm",
    "envoyproxy/gateway",
    "site/content/en/latest/install/install-helm.md (published at oci://docker.io/envoyproxy/gateway-helm)",
    "v1.9.0",
)
ENVOY_GATEWAY_CONTROLLER_NAME = Fact(
    "gateway.envoyproxy.io/gatewayclass-controller",
    "envoyproxy/gateway",
    "charts/gateway-helm/values.tmpl.yaml (config.envoyGateway.gateway.controllerName)",
    "v1.9.0",
)
ENVOY_GATEWAY_DEFAULT_ENVOY_PROXY = Fact(
    "envoyProxy",
    "envoyproxy/gateway",
    "api/v1alpha1/envoygateway_types.go (EnvoyGatewaySpec.EnvoyProxy: default EnvoyProxySpec for every fleet)",
    "v1.9.0",
)
ENVOY_PROXY_MERGE_DEFAULT = Fact(
    "Replace",
    "envoyproxy/gateway",
    "internal/gatewayapi/envoyproxy_merge.go (mergeTypeOf: Replace when no EnvoyProxy sets spec.mergeType; a "
    "Gateway's EnvoyProxy replaces the GatewayClass's and the default EnvoyProxySpec whole)",
    "v1.9.0",
)
ENVOY_GATEWAY_PARAMETERS_REF = Fact(
    ("gateway.envoyproxy.io", "EnvoyProxy", "the Gateway's own namespace", "refused when mergeGateways is on"),
    "envoyproxy/gateway",
    "internal/provider/kubernetes/controller.go (processGatewayParamsRef); internal/gatewayapi/contexts.go "
    "(attachEnvoyProxy: Gateway > GatewayClass > default, skipped when IsMergeGatewaysEnabled)",
    "v1.9.0",
)
ENVOY_PROXY_API = Fact(
    ("gateway.envoyproxy.io/v1alpha1", "EnvoyProxy", "Namespaced"),
    "envoyproxy/gateway",
    "charts/gateway-helm/charts/crds/crds/generated/gateway.envoyproxy.io_envoyproxies.yaml (tools/build.d/30-crds.sh)",
    "v1.9.0",
)
ENVOY_GATEWAY_ADDRESSES_BY_SERVICE_TYPE = Fact(
    {"LoadBalancer": "externalIPs", "NodePort": "externalIPs", "ClusterIP": "clusterIP (the first address only)"},
    "envoyproxy/gateway",
    "internal/infrastructure/kubernetes/proxy/resource_provider.go (Service spec from infra.Addresses)",
    "v1.9.0",
)
ENVOY_GATEWAY_BUNDLED_GATEWAY_API_CHANNEL = Fact(
    "experimental",
    "envoyproxy/gateway",
    "charts/gateway-helm/charts/crds/crds/gatewayapi-crds.yaml (annotation gateway.networking.k8s.io/channel, "
    "bundle-version v1.6.1; a Helm crds/ folder: installed on first install, never upgraded by Helm)",
    "v1.9.0",
)
ENVOY_GATEWAY_CRDS_CHART = Fact(
    (
        "oci://docker.io/envoyproxy/gateway-crds-helm",
        "crds.gatewayAPI.enabled",
        "crds.gatewayAPI.channel",
        "crds.envoyGateway.enabled",
    ),
    "envoyproxy/gateway",
    "charts/gateway-crds-helm/README.md and values.yaml (helm template ... | kubectl apply --server-side; both "
    "switches false by default, channel experimental by default); gateway-helm values crds.enabled",
    "v1.9.0",
)
ENVOY_GATEWAY_BACKEND_TLS_CA_KINDS = Fact(
    ("ConfigMap", "Secret", "ClusterTrustBundle"),
    "envoyproxy/gateway",
    "internal/gatewayapi/backendtlspolicy.go (getCaCertsFromCARefs: key ca.crt first; another namespace only "
    "with a ReferenceGrant)",
    "v1.9.0",
)
GATEWAY_API_BACKEND_TLS_POLICY = Fact(
    ("gateway.networking.k8s.io/v1", "standard", "ConfigMap ca.crt is Core; other kinds implementation-specific"),
    "kubernetes-sigs/gateway-api",
    "config/crd/standard/gateway.networking.k8s.io_backendtlspolicies.yaml (v1 served and stored; "
    "validation.caCertificateRefs, hostname required; targetRefs sectionName: a Service's port name)",
    "v1.6.1",
)
TRINO_HTTPS_SERVICE_PORT = Fact(
    ("https", 8443),
    "trinodb/charts",
    "charts/trino/templates/service-coordinator.yaml (port server.config.https.port named https, targetPort "
    "https, when server.config.https.enabled)",
    "trino-1.42.2",
)
ENVOY_PROXY_SERVICE_TYPES = Fact(
    ("ClusterIP", "LoadBalancer", "NodePort"),
    "envoyproxy/gateway",
    "api/v1alpha1/shared_types.go (KubernetesServiceSpec.Type, default LoadBalancer)",
    "v1.9.0",
)
ENVOY_PROXY_POD_LABELS = Fact(
    {
        "app.kubernetes.io/name": "envoy",
        "app.kubernetes.io/component": "proxy",
        "app.kubernetes.io/managed-by": "envoy-gateway",
    },
    "envoyproxy/gateway",
    "internal/infrastructure/kubernetes/proxy/resource.go (EnvoyAppLabel)",
    "v1.9.0",
)
ENVOY_WELL_KNOWN_PORT_SHIFT = Fact(
    10000,
    "envoyproxy/gateway",
    "internal/gatewayapi/translator.go (wellKnownPortShift, below minEphemeralPort 1024)",
    "v1.9.0",
)
ENVOY_STATS_PORT = Fact(19001, "envoyproxy/gateway", "internal/xds/bootstrap/bootstrap.go (EnvoyStatsPort)", "v1.9.0")
ENVOY_GATEWAY_WEBHOOK_PORT = Fact(
    9443, "envoyproxy/gateway", "charts/gateway-helm/templates/envoy-gateway-service.yaml (webhook port)", "v1.9.0"
)
ENVOY_GATEWAY_ADDRESSES_AS_EXTERNAL_IPS = Fact(
    "IPAddress",
    "envoyproxy/gateway",
    "site/content/en/latest/tasks/traffic/gateway-address.md (Gateway.spec.addresses: the Service's External IPs)",
    "v1.9.0",
)
ENVOY_GATEWAY_LISTENER_SET_SINCE = Fact(
    "v1.8.0",
    "envoyproxy/gateway",
    "release-notes/v1.8.0.yaml (ListenerSet informer, Gateway API v1.5.1); release-notes/v1.9.0.yaml",
    "v1.9.0",
)
GATEWAY_API_MAX_LISTENERS = Fact(
    64,
    "kubernetes-sigs/gateway-api",
    "config/crd/standard/gateway.networking.k8s.io_gateways.yaml and _listenersets.yaml (spec.listeners maxItems)",
    "v1.6.1",
)
CERT_MANAGER_LISTENER_SET_GATE = Fact(
    ("ListenerSets", False, "Alpha"),
    "cert-manager/cert-manager",
    "internal/controller/feature/features.go (ListenerSets: Default false, PreRelease Alpha)",
    "v1.21.0",
)
CERT_MANAGER_GATEWAY_API_CONFIG = Fact(
    ("gatewayAPI", "enabled"),
    "cert-manager/cert-manager",
    "pkg/apis/config/controller/v1alpha1/types.go (ControllerConfiguration.GatewayAPIConfig.Enabled)",
    "v1.21.0",
)
CERT_MANAGER_HTTP01_ROUTE_NAMESPACE = Fact(
    "the Challenge's namespace, parentRefs copied as given",
    "cert-manager/cert-manager",
    "pkg/issuer/acme/http/httproute.go (HTTPRoutes(ch.Namespace).Create; ParentRefs from the solver)",
    "v1.21.0",
)
SUPERSET_OPERATOR_WEB_SERVICE = Fact(
    ("-web-server", 8088),
    "apache/superset-kubernetes-operator",
    "internal/common/names.go (SuffixWebServer, PortWebServer)",
    "v0.2.0",
)
JUPYTERHUB_PROXY_PUBLIC = Fact(
    ("proxy-public", 80, "http"),
    "jupyterhub/zero-to-jupyterhub-k8s",
    "jupyterhub/templates/proxy/service.yaml (port 80, targetPort http: the proxy's 8000)",
    "05839d78 (main)",
)

# -- Backup retention (the data-risk classifier, govcloud/synth/risk.py) ------------------------------------

CNPG_RETENTION_POLICY_PATTERN = Fact(
    r"^[1-9][0-9]*[dwm]$",
    "cloudnative-pg/cloudnative-pg",
    "api/v1/cluster_types.go (BackupConfiguration.RetentionPolicy: kubebuilder Pattern; d, w, m)",
    "78b3ecc2e4fd7954d2b76c9de354937df2754149",
)
BARMAN_OBJECT_STORE_RETENTION_PATTERN = Fact(
    r"^[1-9][0-9]*[dwm]$",
    "cloudnative-pg/plugin-barman-cloud",
    "api/v1/objectstore_types.go (ObjectStoreSpec.RetentionPolicy: kubebuilder Pattern)",
    "009a66e7827f376285c0fe8a697338343a9b9752",
)
