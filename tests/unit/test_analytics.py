"""Analytics workspaces: the pure builders, the values renderer and the chart registry."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from govcloud.access import grants_to
from govcloud.charts import CHARTS, Chart, repository_for
from govcloud.contract.quantity import parse_quantity
from govcloud.contract.rules import effective_quota
from govcloud.contract.site import SiteConfig
from govcloud.contract.stack import StackDefinition, load_stack
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests import analytics, helm_values
from govcloud.manifests.analytics import (
    HUB,
    OIDC_CLIENT_LABEL,
    PROXY,
    SharedCatalog,
)
from govcloud.manifests.helm_values import TEMPLATE_ROOT, TemplateSafetyError, render_values
from govcloud.manifests.network import WEB_LABEL
from tests.schema_validation import (
    SchemaCatalog,
    coalesce_values,
    missing_default_keys,
    validate_helm_values,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
HOSTILE = 'x"\n  injected: true\n{{ 7*7 }}: ไทย'
TRINO_FREE_FORM = [
    ("catalogs",),  # catalog name -> properties text: the chart's own example is a free-form map
    ("env",),  # a list of EnvVar
    ("securityContext",),  # a PodSecurityContext, passed through toYaml
    ("containerSecurityContext",),  # a SecurityContext, passed through toYaml
]


@pytest.fixture(scope="module")
def national() -> StackDefinition:
    return load_stack(REPO_ROOT / "stacks", "national-prod", "2026-11-25")


def _tenants(national: StackDefinition, service: str) -> list[TenantRequest]:
    return [t for t in national.tenants if getattr(t.spec.analytics, service).enabled]


def _with_analytics(request: TenantRequest, **changes: Any) -> TenantRequest:
    data = request.model_dump(by_alias=True, mode="json")
    for path, value in changes.items():
        node = data
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return TenantRequest.model_validate(data)


def _leaves(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, str(index)))
    else:
        yield path, node


def _keys(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(str(key))
            found |= _keys(value)
    elif isinstance(node, list):
        for value in node:
            found |= _keys(value)
    return found


# --------------------------------------------------------------------------------------------------
# The chart registry


def test_every_required_chart_is_pinned_once() -> None:
    assert set(CHARTS) == {
        "jupyterhub",
        "trino",
        "superset-operator",
        "spark-operator",
        "cloudnative-pg",
        "plugin-barman-cloud",
        "cert-manager",
        "gateway-helm",
        "kyverno",
        "kube-prometheus-stack",
    }
    assert CHARTS["jupyterhub"].version == "4.4.0"
    assert CHARTS["trino"].version == "1.42.2"
    assert CHARTS["spark-operator"].version == "2.5.2"
    assert CHARTS["kyverno"].version == "3.9.0"
    assert CHARTS["cloudnative-pg"].version == "0.29.0"
    assert all(key == chart.key for key, chart in CHARTS.items())
    with pytest.raises(TypeError):
        CHARTS["trino"] = CHARTS["jupyterhub"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        CHARTS["trino"].version = "9.9.9"  # type: ignore[misc]


def test_repository_for_honours_a_site_mirror(national: StackDefinition) -> None:
    site = national.site
    assert repository_for(CHARTS["trino"], site) == "https://trinodb.github.io/charts/"
    mirrored = site.model_copy(update={"chart_repositories": {"trino": "https://charts.gdcc.go.th/trino"}})
    assert repository_for(CHARTS["trino"], mirrored) == "https://charts.gdcc.go.th/trino"
    assert repository_for(CHARTS["jupyterhub"], mirrored) == CHARTS["jupyterhub"].repository


def test_chart_schema_files_exist(shared_dir: Path) -> None:
    for chart in CHARTS.values():
        for relative in (chart.values_schema, chart.default_values):
            if relative is not None:
                assert (shared_dir / "schemas" / "helm" / relative).is_file(), (chart.key, relative)
    chart_yaml = yaml.safe_load((shared_dir / "schemas/helm/trino/Chart.yaml").read_text())
    assert chart_yaml["version"] == CHARTS["trino"].version


# --------------------------------------------------------------------------------------------------
# render_values: request text can't change structure


def test_hostile_text_round_trips_and_adds_no_key() -> None:
    values = render_values("analytics/trino-values.yaml.j2", **_trino_context(coordinator_config=HOSTILE))
    assert values["server"]["coordinatorExtraConfig"] == HOSTILE
    assert "injected" not in _keys(values) and "49" not in _keys(values)


@settings(max_examples=150, deadline=None)
@given(text=st.text())
def test_any_text_round_trips_unchanged(text: str) -> None:
    values = render_values("analytics/trino-values.yaml.j2", **_trino_context(coordinator_config=text))
    assert values["server"]["coordinatorExtraConfig"] == text


@pytest.mark.parametrize("builder", ["jupyterhub", "trino", "superset"])
def test_hostile_context_never_changes_the_documents_shape(
    builder: str, national: StackDefinition, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every string the builder passes in, replaced by hostile text, leaves the key structure identical."""
    captured: list[tuple[str, dict[str, Any]]] = []

    def spy(template: str, **context: Any) -> dict[str, Any]:
        captured.append((template, context))
        return render_values(template, **context)

    monkeypatch.setattr(analytics, "render_values", spy)
    (request,) = [t for t in national.tenants if t.name == "nso"]
    {
        "jupyterhub": analytics.jupyterhub_values,
        "trino": analytics.trino_values,
        "superset": analytics.superset_resource,
    }[builder](request, national.site)
    (template, context) = captured[0]
    reference = render_values(template, **context)
    strings = [k for k, v in context.items() if isinstance(v, str)]
    # Superset's CR takes no free string since its route is govcloud's own HTTPRoute (issue 14).
    assert strings or builder == "superset"
    for key in strings:
        hostile = render_values(template, **{**context, key: HOSTILE + key})
        assert [p for p, _ in _leaves(hostile)] == [p for p, _ in _leaves(reference)], key
        assert HOSTILE + key in [v for _, v in _leaves(hostile)], key
        assert "injected" not in _keys(hostile)


def test_an_expression_without_tojson_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml.j2").write_text("a: {{ value }}\n")
    with pytest.raises(TemplateSafetyError, match=re.escape("without `| tojson`")):
        helm_values.environment(tmp_path).get_template("bad.yaml.j2").render(value="x")


def test_every_analytics_template_expression_ends_in_tojson() -> None:
    paths = sorted((TEMPLATE_ROOT / "analytics").glob("*.j2"))
    assert len(paths) == 3
    for path in paths:
        for expression in re.findall(r"{{(.*?)}}", path.read_text(), flags=re.S):
            assert expression.strip().endswith("| tojson"), (path.name, expression)


def test_templates_must_produce_a_mapping_without_duplicate_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    class Env:
        def __init__(self, text: str) -> None:
            self.text = text

        def get_template(self, name: str) -> Env:
            return self

        def render(self, **context: Any) -> str:
            return self.text

    monkeypatch.setattr(helm_values, "environment", lambda: Env("- a\n- b\n"))
    with pytest.raises(TemplateSafetyError, match="not a mapping"):
        render_values("x")
    monkeypatch.setattr(helm_values, "environment", lambda: Env("a: 1\na: 2\n"))
    with pytest.raises(TemplateSafetyError, match="duplicate key 'a'"):
        render_values("x")


def _trino_context(**override: Any) -> dict[str, Any]:
    context: dict[str, Any] = dict(
        workers=1,
        resources={},
        heap="1G",
        max_memory_per_node="1MB",
        max_memory="1MB",
        catalogs={},
        removed_catalogs=[],
        env=[],
        coordinator_config="",
        config_properties=[],
        access_rules="{}",
        coordinator_labels={},
        worker_labels={},
        pod_security_context={},
        container_security_context={},
        host=None,
        ingress_class="nginx",
        ui_paths=[],
        authentication_type="JWT",
        https_port=8443,
        keystore="/etc/trino/tls/tls-combined.pem",
        tls_mounts=[],
        groups_secret="t-trino-groups",
    )
    return {**context, **override}


# --------------------------------------------------------------------------------------------------
# JupyterHub


def test_jupyterhub_values_validate_against_the_chart_schema(national: StackDefinition, shared_dir: Path) -> None:
    schema = shared_dir / "schemas" / "helm" / "jupyterhub" / "values.schema.yaml"
    tenants = _tenants(national, "jupyterhub")
    assert {t.name for t in tenants} == {"moph", "nso", "revenue", "tmd"}
    for request in tenants:
        assert validate_helm_values(analytics.jupyterhub_values(request, national.site), schema) == [], request.name


def test_jupyterhub_groups_are_exactly_the_tenants(national: StackDefinition) -> None:
    for request in _tenants(national, "jupyterhub"):
        access = request.spec.access
        config = analytics.jupyterhub_values(request, national.site)["hub"]["config"]["GenericOAuthenticator"]
        assert set(config["allowed_groups"]) == {*access.admins, *access.engineers, *access.analysts}
        assert len(config["allowed_groups"]) == len(set(config["allowed_groups"]))
        assert config["admin_groups"] == access.admins
        assert not set(config["allowed_groups"]) & (set(access.viewers) - set(access.admins))
        assert config["manage_groups"] is True
        assert config["auth_state_groups_key"] == "oauth_user.groups"


def test_jupyterhub_seats_fit_the_quota(national: StackDefinition) -> None:
    for request in _tenants(national, "jupyterhub"):
        quota = effective_quota(request)
        values = analytics.jupyterhub_values(request, national.site)
        seats = values["hub"]["activeServerLimit"]
        assert seats == request.spec.analytics.jupyterhub.max_users
        single = values["singleuser"]
        assert single["cpu"]["limit"] == single["cpu"]["guarantee"]
        assert single["memory"]["limit"] == single["memory"]["guarantee"]
        cpu = Decimal(str(single["cpu"]["guarantee"]))
        memory = Decimal(int(single["memory"]["guarantee"].removesuffix("M")) * 2**20)
        hub_cpu = Decimal(HUB.cpu_millis + PROXY.cpu_millis) / 1000
        hub_memory = Decimal((HUB.memory_mib + PROXY.memory_mib) * 2**20)
        assert seats * cpu + hub_cpu <= quota.cpu
        assert seats * memory + hub_memory <= quota.memory
        assert cpu >= Decimal("0.1") and memory >= 512 * 2**20
        volumes = seats * parse_quantity(single["storage"]["capacity"])
        assert volumes <= quota.storage


def test_jupyterhub_is_private_and_sso_only(national: StackDefinition) -> None:
    (request,) = [t for t in national.tenants if t.name == "nso"]
    values = analytics.jupyterhub_values(request, national.site)
    hub = values["hub"]
    oauth = hub["config"]["GenericOAuthenticator"]
    issuer = "https://sso.gdcc.go.th/realms/govcloud/protocol/openid-connect"
    assert hub["config"]["JupyterHub"]["authenticator_class"] == "generic-oauth"
    assert (oauth["authorize_url"], oauth["token_url"], oauth["userdata_url"]) == (
        f"{issuer}/auth",
        f"{issuer}/token",
        f"{issuer}/userinfo",
    )
    assert oauth["client_id"] == "govcloud-national-prod-nso-jupyterhub"
    assert oauth["oauth_callback_url"] == "https://nso.data.go.th/jupyter/hub/oauth_callback"
    assert "client_secret" not in oauth
    assert hub["extraEnv"]["OAUTH_CLIENT_SECRET"]["valueFrom"]["secretKeyRef"] == {
        "name": "nso-jupyterhub-oidc",
        "key": "client-secret",
    }
    assert values["proxy"]["service"]["type"] == "ClusterIP"
    assert values["proxy"]["labels"][WEB_LABEL] == "true"
    assert WEB_LABEL not in hub["labels"] and hub["labels"][OIDC_CLIENT_LABEL] == "true"
    assert values["ingress"] == {"enabled": False}, "published by govcloud's HTTPRoute, never by the chart"
    for policy in (
        hub["networkPolicy"],
        values["proxy"]["chp"]["networkPolicy"],
        values["singleuser"]["networkPolicy"],
    ):
        assert policy["enabled"] is True
        assert not any(policy["egressAllowRules"].values())
    assert values["singleuser"]["storage"]["dynamic"]["storageClass"] == "gdcc-encrypted-ssd"
    assert values["singleuser"]["cloudMetadata"]["blockWithIptables"] is False
    assert values["scheduling"]["userScheduler"]["enabled"] is False
    spawner = hub["config"]["KubeSpawner"]["container_security_context"]
    assert spawner["capabilities"] == {"drop": ["ALL"]} and spawner["allowPrivilegeEscalation"] is False
    assert spawner["runAsNonRoot"] is True and spawner["seccompProfile"] == {"type": "RuntimeDefault"}


def test_jupyterhub_without_hostname_has_no_ingress_or_web_label(national: StackDefinition) -> None:
    (nso,) = [t for t in national.tenants if t.name == "nso"]
    request = _with_analytics(nso, **{"spec.network.ingress.hostnames": []})
    values = analytics.jupyterhub_values(request, national.site)
    assert values["ingress"] == {"enabled": False}
    assert WEB_LABEL not in values["proxy"]["labels"]
    assert "oauth_callback_url" not in values["hub"]["config"]["GenericOAuthenticator"]


def test_too_many_seats_is_a_violation_and_the_builder_refuses(national: StackDefinition) -> None:
    (dga,) = [t for t in national.tenants if t.name == "dga"]
    request = _with_analytics(dga, **{"spec.analytics.jupyterhub": {"enabled": True, "maxUsers": 500}})
    violations = analytics.analytics_violations(request)
    assert {loc for loc, _ in violations} == {("spec", "analytics", "jupyterhub", "maxUsers")}
    assert any("lower maxUsers" in message for _, message in violations)
    assert any("the tenant quota allows 100" in message for _, message in violations)
    with pytest.raises(ValueError, match="lower maxUsers"):
        analytics.jupyterhub_values(request, national.site)
    assert all(analytics.analytics_violations(t) == [] for t in national.tenants)


# --------------------------------------------------------------------------------------------------
# Trino


def _trino(national: StackDefinition, request: TenantRequest) -> dict[str, Any]:
    shared = [
        analytics.shared_catalog(g.agreement, g.provider, g.bucket, g.prefix) for g in grants_to(national, request.name)
    ]
    return analytics.trino_values(request, national.site, shared)


def test_trino_keys_exist_in_the_chart_defaults(national: StackDefinition, shared_dir: Path) -> None:
    defaults = yaml.safe_load((shared_dir / "schemas/helm/trino/values.yaml").read_text())
    tenants = _tenants(national, "trino")
    assert {t.name for t in tenants} == {"dga", "dopa", "moph", "nso", "revenue"}
    for request in tenants:
        values = _trino(national, request)
        assert missing_default_keys(values, defaults, allow_free_form=TRINO_FREE_FORM) == [], request.name
        merged = coalesce_values(defaults, values)
        assert "tpch" not in merged["catalogs"] and "tpcds" not in merged["catalogs"]


def test_trino_catalogs_per_zone_database_and_active_agreement(national: StackDefinition) -> None:
    (nso,) = [t for t in national.tenants if t.name == "nso"]
    catalogs = {k: v for k, v in _trino(national, nso)["catalogs"].items() if v is not None}
    assert sorted(catalogs) == [
        "curated",
        "postgresql",
        "raw",
        "shared_doae_to_nso_farmer_registry",
        "shared_moph_to_nso_health_stats",
    ]  # the tmd agreement expired on 2025-12-31
    raw = dict(line.split("=", 1) for line in catalogs["raw"].splitlines())
    assert raw["connector.name"] == "hive"
    assert raw["hive.metastore.catalog.dir"] == "s3://national-nso-raw/"
    assert raw["s3.endpoint"] == "https://s3.gdcc.go.th" and raw["s3.region"] == "th-bkk-1"
    assert raw["s3.path-style-access"] == "true"
    assert raw["s3.aws-access-key"] == "${ENV:AWS_ACCESS_KEY_ID}"
    assert raw["s3.aws-secret-key"] == "${ENV:AWS_SECRET_ACCESS_KEY}"
    assert "hive.security" not in raw
    shared = dict(line.split("=", 1) for line in catalogs["shared_moph_to_nso_health_stats"].splitlines())
    assert shared["hive.metastore.catalog.dir"] == "s3://national-moph-curated/health-statistics/"
    assert shared["hive.security"] == "read-only"
    postgres = dict(line.split("=", 1) for line in catalogs["postgresql"].splitlines())
    assert postgres["connection-url"] == "jdbc:postgresql://nso-pg-r.nso.svc:5432/app"
    assert postgres["connection-password"] == "${ENV:PG_READONLY_PASSWORD}"


def test_trino_holds_no_secret_values(national: StackDefinition) -> None:
    for request in _tenants(national, "trino"):
        values = _trino(national, request)
        for env in values["env"]:
            assert set(env) == {"name", "valueFrom"}, env
        storage = {e["valueFrom"]["secretKeyRef"]["name"] for e in values["env"] if e["name"].startswith("AWS_")}
        assert storage == ({"storage-credentials"} if request.spec.storage else set()), "the Secret govcloud manages"
        texts = [
            *(v for v in values["catalogs"].values() if v),
            values["server"]["coordinatorExtraConfig"],
            *values["additionalConfigProperties"],
        ]
        for line in "\n".join(texts).splitlines():
            key, _, value = line.partition("=")
            if re.search(r"secret|password|access-key|user", key):
                assert re.fullmatch(r"\$\{ENV:[A-Z_]+\}", value), line


def test_trino_pods_fit_the_quota_and_are_restricted(national: StackDefinition) -> None:
    for request in _tenants(national, "trino"):
        values = _trino(national, request)
        quota = effective_quota(request)
        pods = values["server"]["workers"] + 1
        assert values["server"]["workers"] == request.spec.analytics.trino.workers
        for role in ("coordinator", "worker"):
            resources = values[role]["resources"]
            assert resources["requests"] == resources["limits"]
        cpu = parse_quantity(values["worker"]["resources"]["limits"]["cpu"])
        memory = parse_quantity(values["worker"]["resources"]["limits"]["memory"])
        assert pods * cpu <= quota.cpu and pods * memory <= quota.memory
        heap = int(values["worker"]["jvm"]["maxHeapSize"].removesuffix("M")) * 2**20
        assert heap < memory
        assert values["securityContext"]["runAsNonRoot"] is True
        assert values["containerSecurityContext"]["capabilities"] == {"drop": ["ALL"]}


def test_trino_ui_only_with_a_hostname_and_only_on_the_coordinator(national: StackDefinition) -> None:
    (nso,) = [t for t in national.tenants if t.name == "nso"]
    values = _trino(national, nso)
    assert values["coordinator"]["labels"][WEB_LABEL] == "true"
    assert WEB_LABEL not in values["worker"]["labels"]
    assert values["ingress"] == {"enabled": False}, "published by govcloud's HTTPRoute, never by the chart"
    assert "web-ui.authentication.type=oauth2" in values["server"]["coordinatorExtraConfig"]
    assert values["server"]["config"]["authenticationType"] == "JWT,OAUTH2"
    (dopa,) = [t for t in national.tenants if t.name == "dopa"]  # no hostnames
    values = _trino(national, dopa)
    assert values["ingress"] == {"enabled": False}
    assert WEB_LABEL not in values["coordinator"]["labels"]
    assert values["server"]["config"]["authenticationType"] == "JWT", "clients authenticate even without a UI"
    assert "oauth2" not in values["server"]["coordinatorExtraConfig"]


def test_shared_catalogs_refuse_text_that_helm_would_template() -> None:
    with pytest.raises(ValueError, match="prefix"):
        SharedCatalog("shared_x", "moph", "national-moph-curated", "{{ .Values }}/")
    with pytest.raises(ValueError, match="prefix"):
        SharedCatalog("shared_x", "moph", "national-moph-curated", "a/../b/")
    with pytest.raises(ValueError, match="catalog name"):
        SharedCatalog("Shared-X", "moph", "national-moph-curated", "a/")
    catalog = analytics.shared_catalog("moph-to-nso-health-stats", "moph", "national-moph-curated", "a/")
    assert catalog.name == "shared_moph_to_nso_health_stats"


# --------------------------------------------------------------------------------------------------
# Superset


def test_superset_uses_the_tenant_database_and_references_only(national: StackDefinition) -> None:
    for request in _tenants(national, "superset"):
        resource = analytics.superset_resource(request, national.site)
        spec = resource["spec"]
        assert resource["apiVersion"] == "superset.apache.org/v1alpha1" and resource["kind"] == "Superset"
        assert "environment" not in spec and "secretKey" not in spec
        assert spec["secretKeyFrom"] == {"name": f"{request.name}-superset-secret", "key": "secret-key"}
        assert spec["metastore"] == {
            "host": f"{request.name}-pg-rw",
            "port": 5432,
            "database": "superset",
            "username": "superset",
            "passwordFrom": {"name": f"{request.name}-superset-db", "key": "password"},
        }
        for env in [*spec["podTemplate"]["container"]["env"], *spec["lifecycle"]["podTemplate"]["container"]["env"]]:
            if "value" in env:
                assert env["name"] in (
                    "GOVCLOUD_SUPERSET_SETTINGS",
                    "GOVCLOUD_DATA_NAME",
                    "GOVCLOUD_DATA_URI",
                    "GOVCLOUD_DATA_PER_USER",
                    "GOVCLOUD_TRINO_CA",
                )
        assert spec["podTemplate"]["container"]["securityContext"]["runAsNonRoot"] is True


def test_superset_config_is_static_code_and_roles_come_from_groups(national: StackDefinition) -> None:
    (nso,) = [t for t in national.tenants if t.name == "nso"]
    (moph,) = [t for t in national.tenants if t.name == "moph"]
    configs = {analytics.superset_resource(t, national.site)["spec"]["config"] for t in (nso, moph)}
    assert len(configs) == 1  # no tenant value is ever written into Python
    (config,) = configs
    compile(config, "superset_config.py", "exec")
    assert "AUTH_OAUTH" in config and "CUSTOM_SECURITY_MANAGER" in config
    env = analytics.superset_resource(nso, national.site)["spec"]["podTemplate"]["container"]["env"]
    (settings_env,) = [e for e in env if e["name"] == "GOVCLOUD_SUPERSET_SETTINGS"]
    settings_value = json.loads(settings_env["value"])
    assert settings_value["rolesMapping"] == {
        "nso-platform-admins": ["Admin"],
        "nso-data-engineers": ["Alpha"],
        "nso-statisticians": ["Gamma", "sql_lab"],
        "nso-executives": ["Gamma"],
    }
    assert settings_value["clientId"] == "govcloud-national-prod-nso-superset"
    (secret_env,) = [e for e in env if e["name"] == "OIDC_CLIENT_SECRET"]
    assert secret_env["valueFrom"]["secretKeyRef"] == {"name": "nso-superset-oidc", "key": "client-secret"}


def test_superset_reads_through_trino_if_enabled_else_the_readonly_role(national: StackDefinition) -> None:
    def source(name: str) -> dict[str, Any]:
        (request,) = [t for t in national.tenants if t.name == name]
        spec = analytics.superset_resource(request, national.site)["spec"]
        return {e["name"]: e for e in spec["lifecycle"]["podTemplate"]["container"]["env"]}

    nso = source("nso")
    assert nso["GOVCLOUD_DATA_NAME"]["value"] == "trino"
    # HTTPS only (Trino authenticates every client) and no fixed user: Superset queries as the signed-in user.
    assert nso["GOVCLOUD_DATA_URI"]["value"] == "trino://nso-trino.nso.svc:8443/curated"
    assert nso["GOVCLOUD_DATA_PER_USER"]["value"] == "true"
    doae = source("doae")  # no Trino
    assert doae["GOVCLOUD_DATA_NAME"]["value"] == "postgresql"
    assert doae["GOVCLOUD_DATA_URI"]["valueFrom"]["secretKeyRef"] == {"name": "doae-pg-readonly", "key": "uri"}
    assert doae["GOVCLOUD_DATA_PER_USER"]["value"] == "false"


def test_superset_queries_trino_with_each_users_own_token(national: StackDefinition) -> None:
    """Per-user database OAuth2 (apache/superset PR 29109 and PR 30081, where the Trino engine spec became
    ``supports_oauth2`` under the engine name "Trino"); HTTPS with the site CA that signed Trino's certificate."""
    (nso,) = [t for t in national.tenants if t.name == "nso"]
    spec = analytics.superset_resource(nso, national.site)["spec"]
    env = {e["name"]: e for e in spec["podTemplate"]["container"]["env"]}
    settings = json.loads(env["GOVCLOUD_SUPERSET_SETTINGS"]["value"])
    host = nso.spec.network.ingress.hostnames[0]
    assert settings["trinoOAuth2"] == {
        "authorizationRequestUri": "https://sso.gdcc.go.th/realms/govcloud/protocol/openid-connect/auth",
        "tokenRequestUri": "https://sso.gdcc.go.th/realms/govcloud/protocol/openid-connect/token",
        "redirectUri": f"https://{host}/api/v1/database/oauth2/",
    }
    # Only the CA certificate of the cert-manager Secret is projected into Superset's pods, never tls.key.
    assert spec["podTemplate"]["volumes"] == [
        {"name": "trino-ca", "secret": {"secretName": "nso-trino-tls", "items": [{"key": "ca.crt", "path": "ca.crt"}]}}
    ]
    assert spec["podTemplate"]["container"]["volumeMounts"] == [
        {"name": "trino-ca", "mountPath": "/etc/govcloud/trino-ca", "readOnly": True}
    ]
    assert env["GOVCLOUD_TRINO_CA"]["value"] == "/etc/govcloud/trino-ca/ca.crt"
    register = "superset init && python /app/govcloud/register_database.py"
    assert spec["lifecycle"]["init"]["command"] == ["sh", "-c", register]
    config = spec["config"]
    namespace: dict[str, Any] = {}
    # The config is plain Python: run it with stand-ins for Superset's imports and the pod's environment.
    fake_modules = {
        "flask_appbuilder": type("M", (), {})(),
        "flask_appbuilder.security": type("M", (), {})(),
        "flask_appbuilder.security.manager": type("M", (), {"AUTH_OAUTH": 4})(),
        "superset": type("M", (), {})(),
        "superset.security": type("M", (), {"SupersetSecurityManager": object})(),
    }
    import os
    import sys

    saved = {k: sys.modules.get(k) for k in fake_modules}
    sys.modules.update(fake_modules)  # type: ignore[arg-type]
    old_env = dict(os.environ)
    os.environ.update(
        {
            "GOVCLOUD_SUPERSET_SETTINGS": env["GOVCLOUD_SUPERSET_SETTINGS"]["value"],
            "OIDC_CLIENT_SECRET": "client-secret-from-the-secret",
            "GOVCLOUD_TRINO_CA": "/etc/govcloud/trino-ca/ca.crt",
        }
    )
    try:
        exec(compile(config, "superset_config.py", "exec"), namespace)
    finally:
        os.environ.clear()
        os.environ.update(old_env)
        for key, module in saved.items():
            if module is None:
                sys.modules.pop(key, None)
            else:
                sys.modules[key] = module
    assert namespace["DATABASE_OAUTH2_CLIENTS"] == {
        "Trino": {
            "id": "govcloud-national-prod-nso-superset",
            "secret": "client-secret-from-the-secret",
            "scope": "openid profile",
            "redirect_uri": f"https://{host}/api/v1/database/oauth2/",
            "authorization_request_uri": "https://sso.gdcc.go.th/realms/govcloud/protocol/openid-connect/auth",
            "token_request_uri": "https://sso.gdcc.go.th/realms/govcloud/protocol/openid-connect/token",
        }
    }

    class Url:
        def __init__(self, backend: str) -> None:
            self.backend = backend

        def get_backend_name(self) -> str:
            return self.backend

    # The mutator reads the CA path when it runs, as it does in the pod.
    os.environ["GOVCLOUD_TRINO_CA"] = "/etc/govcloud/trino-ca/ca.crt"
    try:
        mutate = namespace["DB_CONNECTION_MUTATOR"]
        _, trino_params = mutate(Url("trino"), {}, "somchai", None, None)
        _, pg_params = mutate(Url("postgresql"), {}, "somchai", None, None)
    finally:
        os.environ.pop("GOVCLOUD_TRINO_CA", None)
    assert trino_params == {"connect_args": {"http_scheme": "https", "verify": "/etc/govcloud/trino-ca/ca.crt"}}
    assert pg_params == {}


def test_superset_without_trino_has_no_trino_oauth2_or_ca(national: StackDefinition) -> None:
    (doae,) = [t for t in national.tenants if t.name == "doae"]
    spec = analytics.superset_resource(doae, national.site)["spec"]
    env = {e["name"]: e for e in spec["podTemplate"]["container"]["env"]}
    assert json.loads(env["GOVCLOUD_SUPERSET_SETTINGS"]["value"])["trinoOAuth2"] is None
    assert spec["podTemplate"]["volumes"] == [] and "GOVCLOUD_TRINO_CA" not in env


def test_superset_web_label_only_with_a_hostname(national: StackDefinition) -> None:
    (nso,) = [t for t in national.tenants if t.name == "nso"]
    (doae,) = [t for t in national.tenants if t.name == "doae"]
    nso_spec = analytics.superset_resource(nso, national.site)["spec"]
    assert nso_spec["webServer"]["podTemplate"]["labels"][WEB_LABEL] == "true"
    assert "networking" not in nso_spec, "published by govcloud's HTTPRoute, never by the operator"
    doae_spec = analytics.superset_resource(doae, national.site)["spec"]
    assert WEB_LABEL not in doae_spec["webServer"]["podTemplate"]["labels"]
    assert "networking" not in doae_spec


def test_superset_database_validates_against_the_cnpg_crd(national: StackDefinition, shared_dir: Path) -> None:
    catalog = SchemaCatalog.from_shared(national.site.kubernetes_version, shared_dir)
    for request in _tenants(national, "superset"):
        database = analytics.superset_database(request)
        assert catalog.errors(database) == []
        assert database["spec"]["databaseReclaimPolicy"] == "retain"


# --------------------------------------------------------------------------------------------------
# Spark


def test_spark_manifests_and_cap_validate(national: StackDefinition, shared_dir: Path) -> None:
    catalog = SchemaCatalog.from_shared(national.site.kubernetes_version, shared_dir)
    tenants = _tenants(national, "spark")
    assert {t.name for t in tenants} == {"nso", "tmd"}
    for request in tenants:
        for obj in [*analytics.spark_manifests(request, national.site), analytics.spark_cap_policy(request)]:
            assert catalog.errors(obj) == [], obj["kind"]


def test_spark_driver_identity(national: StackDefinition) -> None:
    (nso,) = [t for t in national.tenants if t.name == "nso"]
    objects = {o["kind"]: o for o in analytics.spark_manifests(nso, national.site)}
    assert objects["ServiceAccount"]["metadata"]["name"] == "spark"
    assert objects["ServiceAccount"]["automountServiceAccountToken"] is True
    (rule,) = objects["Role"]["rules"]
    assert rule["apiGroups"] == [""]
    assert set(rule["resources"]) == {"pods", "services", "configmaps", "persistentvolumeclaims"}
    assert {"create", "get", "list", "watch", "delete"} <= set(rule["verbs"])
    assert not {"*", "escalate", "bind", "impersonate"} & set(rule["verbs"])
    binding = objects["RoleBinding"]
    assert binding["roleRef"]["name"] == objects["Role"]["metadata"]["name"] == "spark-driver"
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "spark", "namespace": "nso"}]
    policy = objects["NetworkPolicy"]["spec"]
    assert policy["podSelector"] == {"matchLabels": {"spark-role": "driver"}}
    assert policy["egress"][0]["to"] == [{"ipBlock": {"cidr": national.site.kubernetes_api.cidr}}]


def test_spark_cap_policy_enforces_max_executors_in_the_namespace(national: StackDefinition) -> None:
    for request in _tenants(national, "spark"):
        policy = analytics.spark_cap_policy(request)
        cap = f"<={request.spec.analytics.spark.max_executors}"
        assert policy["metadata"]["name"] == f"govcloud-spark-cap-{request.name}"
        assert "namespace" not in policy["metadata"]
        kinds = []
        for rule in policy["spec"]["rules"]:
            (match,) = rule["match"]["any"]
            assert match["resources"]["namespaces"] == [request.name]
            kinds += match["resources"]["kinds"]
            assert rule["validate"]["failureAction"] == "Enforce"
            spec = rule["validate"]["pattern"]["spec"]
            spec = spec.get("template", spec)
            assert spec["executor"]["instances"] == cap
            assert spec["=(dynamicAllocation)"]["maxExecutors"] == cap
            assert "X(spark.dynamicAllocation.maxExecutors)" in spec["=(sparkConf)"]
        assert kinds == [
            "sparkoperator.k8s.io/v1beta2/SparkApplication",
            "sparkoperator.k8s.io/v1beta2/ScheduledSparkApplication",
        ]


def test_every_analytics_object_carries_the_tenant_labels(national: StackDefinition) -> None:
    for request in _tenants(national, "spark"):
        for obj in [*analytics.spark_manifests(request, national.site), analytics.spark_cap_policy(request)]:
            assert obj["metadata"]["labels"]["govcloud.go.th/tenant"] == request.name


def test_site_without_endpoint_omits_it(national: StackDefinition) -> None:
    site: SiteConfig = national.site.model_copy(
        update={
            "object_store": national.site.object_store.model_copy(
                update={"endpoint": None, "addressing_style": "virtual"}
            )
        }
    )
    (dga,) = [t for t in national.tenants if t.name == "dga"]
    raw = analytics.trino_catalogs(dga, site)["raw"]
    assert "s3.endpoint" not in raw and "s3.path-style-access=false" in raw


def test_chart_dataclass_knows_oci() -> None:
    assert CHARTS["superset-operator"].is_oci
    assert not Chart("x", "x", "https://example.org", "1").is_oci
