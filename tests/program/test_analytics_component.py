"""``govcloud:tenant:Analytics`` under the SDK's mock monitor: what it declares for one tenant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime import set_mocks, settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from govcloud.access import grants_to
from govcloud.charts import CHARTS
from govcloud.components.analytics import TYPE_TOKEN, Analytics, AnalyticsArgs
from govcloud.contract.site import SiteConfig
from govcloud.contract.stack import StackDefinition, load_stack
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests import analytics
from govcloud.synth.capture import CapturingMonitor, EchoMocks, Registration

REPO_ROOT = Path(__file__).resolve().parents[2]
RELEASE = "kubernetes:helm.sh/v3:Release"
RANDOM_SECRET = "pulumi-python:dynamic/govcloud:RandomSecret"
TRINO_FIRST = [
    ("kubernetes:cert-manager.io/v1:Certificate", "{t}-trino-tls"),
    ("kubernetes:core/v1:Secret", "{t}-trino-internal"),
]
"""What a Trino release needs declared before it: its serving certificate and its generated shared secret."""


def _trino_first(name: str) -> list[tuple[str, str]]:
    return [(kind, n.format(t=name)) for kind, n in TRINO_FIRST]


@pytest.fixture(scope="module")
def national() -> StackDefinition:
    return load_stack(REPO_ROOT / "stacks", "national-prod", "2026-11-25")


def tenant(definition: StackDefinition, name: str) -> TenantRequest:
    return definition.tenant(name)


def run(
    request: TenantRequest, site: SiteConfig, shared: tuple[analytics.SharedCatalog, ...] = ()
) -> list[Registration]:
    """Declare one Analytics component, as the Tenant does, and return every registration in order."""
    settings.ROOT.set(None)
    mocks = EchoMocks()
    monitor = CapturingMonitor(mocks)
    set_mocks(mocks, project="govcloud", stack="analytics-test", preview=True, monitor=monitor)

    def program() -> None:
        Analytics(f"{request.name}-analytics", AnalyticsArgs(request, site, request.name, shared))

    _sync_await(run_pulumi_func(program))
    return list(monitor.registrations.values())


def by_name(registrations: list[Registration]) -> dict[str, Registration]:
    return {r.name: r for r in registrations}


def test_a_tenant_with_everything_gets_two_releases_superset_and_spark(national: StackDefinition) -> None:
    registrations = run(tenant(national, "nso"), national.site)
    (component,) = [r for r in registrations if r.type == TYPE_TOKEN]
    assert component.name == "nso-analytics"
    children = [r for r in registrations if r is not component]
    assert all(r.parent == component.urn for r in children)
    assert all(r.name.startswith("nso-") for r in registrations)
    assert sorted((r.type, r.name) for r in children) == [
        ("kubernetes:cert-manager.io/v1:Certificate", "nso-trino-tls"),
        ("kubernetes:core/v1:Secret", "nso-trino-internal"),
        ("kubernetes:core/v1:ServiceAccount", "nso-spark-serviceaccount-spark"),
        (RELEASE, "nso-jupyterhub"),
        (RELEASE, "nso-trino"),
        ("kubernetes:kyverno.io/v1:ClusterPolicy", "nso-spark-executor-cap"),
        ("kubernetes:networking.k8s.io/v1:NetworkPolicy", "nso-spark-networkpolicy-allow-spark-driver-kubernetes-api"),
        ("kubernetes:postgresql.cnpg.io/v1:Database", "nso-superset-database"),
        ("kubernetes:rbac.authorization.k8s.io/v1:Role", "nso-spark-role-spark-driver"),
        ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "nso-spark-rolebinding-spark-driver"),
        ("kubernetes:superset.apache.org/v1alpha1:Superset", "nso-superset"),
        (RANDOM_SECRET, "nso-trino-shared-secret"),
    ]
    assert component.outputs == {"services": ["jupyterhub", "trino", "superset", "spark"]}


def test_release_inputs_show_chart_version_repository_and_values(national: StackDefinition) -> None:
    request = tenant(national, "nso")
    releases = by_name(run(request, national.site))
    for service in ("jupyterhub", "trino"):
        inputs = releases[f"nso-{service}"].inputs
        chart = CHARTS[service]
        assert inputs["chart"] == chart.name
        assert inputs["version"] == chart.version
        assert inputs["repositoryOpts"] == {"repo": chart.repository}
        assert inputs["name"] == f"nso-{service}"
        assert inputs["namespace"] == "nso"
        assert inputs["skipAwait"] is False
        assert inputs["atomic"] is True and inputs["cleanupOnFail"] is True
    assert releases["nso-jupyterhub"].inputs["values"] == analytics.jupyterhub_values(request, national.site)
    trino = releases["nso-trino"].inputs["values"]
    assert trino["server"]["workers"] == 3
    assert trino == analytics.trino_values(request, national.site)


def test_shared_catalogs_reach_the_trino_release(national: StackDefinition) -> None:
    request = tenant(national, "nso")
    shared = [
        analytics.shared_catalog(g.agreement, g.provider, g.bucket, g.prefix) for g in grants_to(national, request.name)
    ]
    assert [c.name for c in shared] == ["shared_doae_to_nso_farmer_registry", "shared_moph_to_nso_health_stats"]
    catalogs = by_name(run(request, national.site, shared))["nso-trino"].inputs["values"]["catalogs"]
    assert {"shared_doae_to_nso_farmer_registry", "shared_moph_to_nso_health_stats"} <= set(catalogs)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("dga", [*_trino_first("dga"), (RELEASE, "dga-trino"), (RANDOM_SECRET, "dga-trino-shared-secret")]),
        (
            "doae",
            [
                ("kubernetes:postgresql.cnpg.io/v1:Database", "doae-superset-database"),
                ("kubernetes:superset.apache.org/v1alpha1:Superset", "doae-superset"),
            ],
        ),
        (
            "revenue",
            [
                *_trino_first("revenue"),
                (RELEASE, "revenue-jupyterhub"),
                (RELEASE, "revenue-trino"),
                (RANDOM_SECRET, "revenue-trino-shared-secret"),
            ],
        ),
    ],
)
def test_only_the_services_a_tenant_enables(
    national: StackDefinition, name: str, expected: list[tuple[str, str]]
) -> None:
    registrations = run(tenant(national, name), national.site)
    assert sorted((r.type, r.name) for r in registrations if r.type != TYPE_TOKEN) == sorted(expected)


def test_a_tenant_without_analytics_declares_only_the_component(national: StackDefinition) -> None:
    registrations = run(
        tenant(national, "tmd").model_copy(
            update={
                "spec": tenant(national, "tmd").spec.model_copy(
                    update={"analytics": type(tenant(national, "tmd").spec.analytics)()}
                )
            }
        ),
        national.site,
    )
    assert [r.type for r in registrations] == [TYPE_TOKEN]


def test_a_site_mirror_replaces_the_repository(national: StackDefinition) -> None:
    site = national.site.model_copy(
        update={
            "chart_repositories": {
                "trino": "oci://registry.gdcc.go.th/charts",
                "jupyterhub": "https://charts.gdcc.go.th/jupyterhub",
            }
        }
    )
    releases = by_name(run(tenant(national, "revenue"), site))
    assert releases["revenue-trino"].inputs["chart"] == "oci://registry.gdcc.go.th/charts/trino"
    assert "repositoryOpts" not in releases["revenue-trino"].inputs
    assert releases["revenue-jupyterhub"].inputs["repositoryOpts"] == {"repo": "https://charts.gdcc.go.th/jupyterhub"}
    assert releases["revenue-trino"].inputs["version"] == CHARTS["trino"].version


def test_namespaced_objects_take_the_namespace_input(national: StackDefinition) -> None:
    for registration in run(tenant(national, "tmd"), national.site):
        inputs: dict[str, Any] = registration.inputs
        if registration.type.startswith("kubernetes:") and registration.type != RELEASE:
            namespace = inputs["metadata"].get("namespace")
            assert namespace == ("tmd" if "ClusterPolicy" not in registration.type else None)


def test_component_args_are_typed() -> None:
    assert AnalyticsArgs.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert pulumi.ComponentResource in Analytics.__mro__
