"""What upstream would refuse on the first real ``pulumi up`` (issue 11), checked against upstream facts.

Each test names the issue item it guards; the expected values come from ``tests/upstream_facts.py`` (each
fact with repository, path and tag) or from the upstream schemas in ``../shared/schemas`` (SOURCES.md).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from govcloud.charts import CHARTS
from govcloud.contract.stack import load_stack
from govcloud.manifests.opendata import CKAN_IMAGE_TAG
from govcloud.manifests.platform_values import platform_values
from govcloud.naming import label
from tests.program.conftest import REPO_ROOT, TODAY, resources_of, synthesized
from tests.schema_validation import SchemaCatalog, validate_helm_values
from tests.upstream_facts import (
    BARMAN_PLUGIN_CHART,
    CERT_MANAGER_SERVICEMONITOR,
    CKAN_BASE_USER,
    CNPG_CLUSTER_LABEL,
    CNPG_JOB_POD_LABELS,
    CNPG_METRICS_PORT_NAME,
    CNPG_RELOAD_LABEL,
    CNPG_ROLE_SECRET_KEYS,
    CNPG_ROLE_SECRET_TYPE,
    CNPG_SUPPORTED_KUBERNETES,
    PROMETHEUS_OPERATOR_WEBHOOK_PORT,
    SPARK_NAMESPACE_SELECTOR,
    SUPERSET_IMAGE_USER,
    SUPERSET_OPERATOR_CHART_VERSION,
    SUPERSET_OPERATOR_WATCH,
)

SECRET = "[secret]"


def _release(plan: dict[str, Any], service: str) -> dict[str, Any]:
    (release,) = [
        r
        for r in plan["resources"]
        if r["name"] == f"platform-{service}" and r["type"] == "kubernetes:helm.sh/v3:Release"
    ]
    return release


def _release_urn(plan: dict[str, Any], service: str) -> str:
    return str(_release(plan, service)["urn"])


def _matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.get("matchLabels", {}).items())


# -- 1. Superset operator chart: the released version, the schema's keys, and ordering ------------------


@pytest.mark.shared
def test_superset_operator_values_are_what_its_released_chart_accepts(shared_dir: Path) -> None:
    chart = CHARTS["superset-operator"]
    assert chart.version == SUPERSET_OPERATOR_CHART_VERSION.value
    chart_yaml = yaml.safe_load((shared_dir / "schemas/helm/superset-operator/Chart.yaml").read_text())
    assert chart_yaml["version"] == chart.version
    definition = load_stack(REPO_ROOT / "stacks", "national-prod", TODAY)
    values = platform_values("superset-operator", definition)
    # values.schema.json has additionalProperties: false: the old `watchNamespaces` key is refused here.
    assert validate_helm_values(values, shared_dir / "schemas/helm" / str(chart.values_schema)) == []
    assert values["watch"]["scope"] == SUPERSET_OPERATOR_WATCH.value["default"] == "cluster"


@pytest.mark.shared
def test_cloudnative_pg_values_are_what_its_chart_accepts(shared_dir: Path) -> None:
    definition = load_stack(REPO_ROOT / "stacks", "national-prod", TODAY)
    chart = CHARTS["cloudnative-pg"]
    values = platform_values("cloudnative-pg", definition)
    assert validate_helm_values(values, shared_dir / "schemas/helm" / str(chart.values_schema)) == []


def test_every_custom_resource_waits_for_the_release_that_installs_its_crd(national_plan: dict[str, Any]) -> None:
    crd_owner = {
        "Superset": "superset-operator",
        "Cluster": "cloudnative-pg",
        "ObjectStore": "plugin-barman-cloud",
        "PodMonitor": "monitoring",
        "ClusterPolicy": "kyverno",
    }
    for kind, service in crd_owner.items():
        objects = resources_of(national_plan, kind)
        assert objects, kind
        for resource in objects:
            assert _release_urn(national_plan, service) in resource["dependsOn"], (kind, resource["name"])


# -- 2. The database's API egress selects every pod of the cluster, the initdb Job's included -------------


def test_database_pods_before_any_instance_may_reach_the_api_server(national_plan: dict[str, Any]) -> None:
    (policy,) = [
        p["inputs"]
        for p in resources_of(national_plan, "NetworkPolicy", "nso")
        if p["inputs"]["metadata"]["name"] == "allow-database-kubernetes-api"
    ]
    job_labels, cluster_label = CNPG_JOB_POD_LABELS.value, CNPG_CLUSTER_LABEL.value
    assert cluster_label in job_labels
    initdb_pod = {"cnpg.io/instanceName": "nso-pg-1", cluster_label: "nso-pg", "cnpg.io/jobRole": "initdb"}
    assert set(initdb_pod) == set(job_labels)
    instance_pod = {cluster_label: "nso-pg", "cnpg.io/podRole": "instance", "cnpg.io/instanceName": "nso-pg-1"}
    assert _matches(policy["spec"]["podSelector"], initdb_pod)
    assert _matches(policy["spec"]["podSelector"], instance_pod)
    assert not _matches(policy["spec"]["podSelector"], {cluster_label: "other-pg"})


# -- 3. Managed-role passwords: generated, basic-auth, username = role, never in the plan ----------------


def test_every_managed_role_has_a_generated_basic_auth_secret(national_plan: dict[str, Any]) -> None:
    secrets = {
        (r["inputs"]["metadata"]["namespace"], r["inputs"]["metadata"]["name"]): r["inputs"]
        for r in resources_of(national_plan, "Secret")
    }
    checked = 0
    for cluster in resources_of(national_plan, "Cluster"):
        namespace = cluster["inputs"]["metadata"]["namespace"]
        for role in cluster["inputs"]["spec"].get("managed", {}).get("roles", []):
            secret = secrets[(namespace, role["passwordSecret"]["name"])]
            assert secret["type"] == CNPG_ROLE_SECRET_TYPE.value
            assert set(CNPG_ROLE_SECRET_KEYS.value) <= set(secret["stringData"])
            assert secret["stringData"]["username"] == role["name"], "CNPG refuses a username other than the role"
            assert secret["stringData"]["password"] == SECRET
            key, value = CNPG_RELOAD_LABEL.value
            assert secret["metadata"]["labels"][key] == value
            checked += 1
    assert checked >= 4
    generators = [r for r in national_plan["resources"] if r["type"].endswith("govcloud:RandomSecret")]
    assert generators and all("value" not in r["inputs"] for r in generators), "the value is never an input"


def test_no_generated_value_reaches_the_plan() -> None:
    _, document = synthesized("national-prod")
    text = json.dumps(document)
    for resource in document["resources"]:
        if resource["inputs"].get("kind") == "Secret" and resource["inputs"].get("type") == CNPG_ROLE_SECRET_TYPE.value:
            values = resource["inputs"]["stringData"]
            assert {values["password"], values.get("uri", SECRET)} == {SECRET}
    assert "postgresql://readonly:" not in text


# -- 4 and 13. Superset: a numeric user, and an image that carries Authlib and the Trino driver -----------


def test_superset_runs_as_a_numeric_user_on_the_sites_image(national_plan: dict[str, Any]) -> None:
    definition = load_stack(REPO_ROOT / "stacks", "national-prod", TODAY)
    for superset in resources_of(national_plan, "Superset"):
        spec = superset["inputs"]["spec"]
        context = spec["podTemplate"]["podSecurityContext"]
        # apache/superset's Dockerfile ends with `USER superset`, a name: the kubelet cannot verify
        # runAsNonRoot for it and refuses the container unless runAsUser is numeric.
        assert context["runAsNonRoot"] is True and context["runAsUser"] == SUPERSET_IMAGE_USER.value[1]
        assert spec["image"]["repository"] == f"{definition.site.image_registry}/superset"
        requirements = (REPO_ROOT / "images/superset/requirements.txt").read_text().lower()
        assert "authlib==" in requirements and "trino==" in requirements


# -- 5. CKAN: our image, uid 503, writable config, shared uploads, Jobs after the portal -------------------


def test_ckan_runs_on_the_sites_image_with_a_writable_config_and_shared_uploads(national_plan: dict[str, Any]) -> None:
    definition = load_stack(REPO_ROOT / "stacks", "national-prod", TODAY)
    site = definition.site
    deployments = {
        d["inputs"]["metadata"]["name"]: d["inputs"] for d in resources_of(national_plan, "Deployment", "ckan")
    }
    ckan = deployments["ckan"]["spec"]
    pod = ckan["template"]["spec"]
    (container,) = pod["containers"]
    assert container["image"] == f"{site.image_registry}/ckan:{CKAN_IMAGE_TAG}"
    assert pod["securityContext"]["runAsUser"] == CKAN_BASE_USER.value["ckan"]
    assert pod["securityContext"]["fsGroup"] == CKAN_BASE_USER.value["ckan-sys"]
    env = {e["name"]: e for e in container["env"]}
    config_dir = env["CKAN_INI"]["value"].rsplit("/", 1)[0]
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert "emptyDir" in volumes[mounts[config_dir]], "ckan.ini is written at start: a writable path"
    uploads = volumes[mounts[env["CKAN__STORAGE_PATH"]["value"]]]
    (claim,) = resources_of(national_plan, "PersistentVolumeClaim", "ckan")
    assert uploads["persistentVolumeClaim"]["claimName"] == claim["inputs"]["metadata"]["name"]
    assert claim["protect"] and claim["retainOnDelete"]
    if site.ckan_uploads_access_mode == "ReadWriteOnce":
        assert ckan["replicas"] == 1 and ckan["strategy"] == {"type": "Recreate"}
    redis = deployments["ckan-redis"]["spec"]["template"]["spec"]
    assert "/data" in {m["mountPath"] for m in redis["containers"][0]["volumeMounts"]}


def test_organization_jobs_need_no_hand_made_token_and_wait_for_the_portal(national_plan: dict[str, Any]) -> None:
    (web,) = [r for r in resources_of(national_plan, "Deployment", "ckan") if r["inputs"]["metadata"]["name"] == "ckan"]
    secrets = {r["inputs"]["metadata"]["name"] for r in resources_of(national_plan, "Secret", "ckan")}
    for job in resources_of(national_plan, "Job", "ckan"):
        assert web["urn"] in job["dependsOn"]
        (container,) = job["inputs"]["spec"]["template"]["spec"]["containers"]
        assert "ckanapi" not in json.dumps(container)
        refs = {e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"] if "valueFrom" in e}
        assert refs <= secrets | {"ckan-pg-app"}, "every Secret a Job reads is declared (or is CNPG's own)"


# -- 6. Releases that render another chart's CRD kinds wait for it ----------------------------------------


def test_releases_that_render_foreign_kinds_are_ordered(national_plan: dict[str, Any]) -> None:
    monitoring = _release_urn(national_plan, "monitoring")
    assert monitoring in _release(national_plan, "cloudnative-pg")["dependsOn"]  # PodMonitor
    assert monitoring in _release(national_plan, "cert-manager")["dependsOn"]  # ServiceMonitor
    barman = _release(national_plan, "plugin-barman-cloud")
    assert _release_urn(national_plan, "cert-manager") in barman["dependsOn"]  # Certificate, Issuer
    assert barman["inputs"]["version"] == BARMAN_PLUGIN_CHART.value[1]


# -- 7. Operators watch tenants without naming them: both layouts, no tenant change in the platform -------


def test_platform_operator_values_never_name_a_tenant() -> None:
    definition = load_stack(REPO_ROOT / "stacks", "national-prod", TODAY)
    empty = dataclasses.replace(definition, tenants=())
    for chart in ("spark-operator", "superset-operator"):
        assert platform_values(chart, definition) == platform_values(chart, empty)
    spark = platform_values("spark-operator", definition)["spark"]
    # An empty list renders no per-namespace Role; the selector is the chart's namespace discovery.
    assert spark["jobNamespaces"] == []
    assert SPARK_NAMESPACE_SELECTOR.value == "spark.jobNamespaceSelector"
    assert spark["jobNamespaceSelector"] == label("tenant")


# -- 8. Monitoring can reach what kube-prometheus-stack scrapes; cert-manager is scraped ------------------


def test_monitoring_reaches_nodes_coredns_and_its_webhook(national_plan: dict[str, Any]) -> None:
    policies = {
        p["inputs"]["metadata"]["name"]: p["inputs"]["spec"]
        for p in resources_of(national_plan, "NetworkPolicy", "monitoring")
    }
    egress_ports = {port["port"] for rule in policies["allow-scrape"]["egress"] for port in rule.get("ports", [])}
    assert {10250, 9100, 2381, 9153} <= egress_ports
    webhook = policies["allow-admission-webhooks"]["ingress"][0]["ports"]
    assert webhook == [{"protocol": "TCP", "port": PROMETHEUS_OPERATOR_WEBHOOK_PORT.value}]
    values = _release(national_plan, "cert-manager")["inputs"]["values"]
    assert CERT_MANAGER_SERVICEMONITOR.value[1] == "prometheus.servicemonitor.enabled"
    assert values["prometheus"]["servicemonitor"]["enabled"] is True


# -- 9 and 12. Plugin ObjectStore and PodMonitor are valid upstream objects; Kubernetes version ------------


@pytest.mark.shared
def test_object_stores_and_pod_monitors_are_valid_upstream_objects(
    national_plan: dict[str, Any], shared_dir: Path
) -> None:
    catalog = SchemaCatalog.from_shared("1.36", shared_dir)
    for kind in ("ObjectStore", "PodMonitor"):
        objects = resources_of(national_plan, kind)
        assert len(objects) == len(resources_of(national_plan, "Cluster"))
        for resource in objects:
            catalog.validate(resource["inputs"])
    for monitor in resources_of(national_plan, "PodMonitor"):
        assert monitor["inputs"]["spec"]["podMetricsEndpoints"] == [{"port": CNPG_METRICS_PORT_NAME.value}]


def test_every_stack_runs_a_kubernetes_version_cloudnative_pg_supports() -> None:
    for path in sorted((REPO_ROOT / "stacks").glob("Pulumi.*.yaml")):
        config = yaml.safe_load(path.read_text())["config"]
        assert config["govcloud:kubernetesVersion"] in CNPG_SUPPORTED_KUBERNETES.value, path.name
        assert config["govcloud:kubernetesVersion"] == "1.36", "the control plane of the test suite runs 1.36"


# -- 14. The docs name the storage Secret the code creates ------------------------------------------------


def test_docs_name_the_storage_secret_the_code_creates() -> None:
    from govcloud.naming import STORAGE_SECRET

    for doc in ("docs/analytics.md", "docs/storage.md"):
        text = (REPO_ROOT / doc).read_text()
        assert f"`{STORAGE_SECRET}`" in text, doc
        assert f"<tenant>-{STORAGE_SECRET}" not in text, doc


def test_two_ckan_replicas_only_on_a_volume_every_replica_can_mount() -> None:
    from govcloud.manifests.opendata import ckan_deployment, uploads_claim

    site = load_stack(REPO_ROOT / "stacks", "national-prod", TODAY).site
    shared = site.model_copy(update={"ckan_uploads_access_mode": "ReadWriteMany"})
    assert ckan_deployment(shared)["spec"]["replicas"] == 2 and "strategy" not in ckan_deployment(shared)["spec"]
    assert uploads_claim(shared)["spec"]["accessModes"] == ["ReadWriteMany"]
    single = site.model_copy(update={"ckan_uploads_access_mode": "ReadWriteOnce"})
    assert ckan_deployment(single)["spec"]["replicas"] == 1


def test_the_auditors_report_reads_backups_from_the_plugin_object_store(national_plan: dict[str, Any]) -> None:
    from collections import defaultdict

    from govcloud.report.model import _database_evidence, _kind

    kinds: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for resource in national_plan["resources"]:
        if resource["inputs"].get("metadata", {}).get("namespace") == "nso":
            kinds[_kind(resource)].append(resource)
    evidence = _database_evidence(kinds)
    assert evidence is not None and evidence.wal_archiving is True
    assert evidence.backup_destination == "s3://national-nso-backup/nso-pg"
    assert evidence.backup_encryption == "AES256" and evidence.backup_retention is not None
