"""Strict schema validation of rendered objects: built-ins, upstream CRDs, Helm values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.schema_validation import (
    SchemaCatalog,
    SchemaValidationError,
    bundled_kubernetes_versions,
    missing_default_keys,
    strict_crd_schema,
    validate_helm_values,
)

NEWEST = bundled_kubernetes_versions()[-1]
NS = "tenant-a"

# --------------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def catalog() -> SchemaCatalog:
    return SchemaCatalog("1.31")


@pytest.fixture(scope="module")
def shared_catalog(shared_dir: Path) -> SchemaCatalog:
    return SchemaCatalog.from_shared("1.31", shared_dir)


def tenant_objects() -> dict[str, dict[str, Any]]:
    """What a tenant namespace renders, one of each kind, each valid."""
    meta = {
        "namespace": NS,
        "labels": {"govcloud.go.th/tenant": NS, "app.kubernetes.io/managed-by": "pulumi"},
    }
    rbac = "rbac.authorization.k8s.io/v1"
    return {
        "Namespace": {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": NS, "labels": {"govcloud.go.th/tenant": NS, "govcloud.go.th/zone": "raw"}},
        },
        "NetworkPolicy": {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": "default-deny-all", **meta},
            "spec": {
                "podSelector": {},
                "policyTypes": ["Ingress", "Egress"],
                "egress": [
                    {
                        "to": [
                            {
                                "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                                "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                            }
                        ],
                        "ports": [{"port": 53, "protocol": "UDP"}, {"port": "dns-tcp", "protocol": "TCP"}],
                    },
                    {"to": [{"ipBlock": {"cidr": "203.0.113.0/24", "except": ["203.0.113.128/25"]}}]},
                ],
            },
        },
        "ResourceQuota": {
            "apiVersion": "v1",
            "kind": "ResourceQuota",
            "metadata": {"name": "quota", **meta},
            "spec": {"hard": {"requests.cpu": "8", "limits.memory": "32Gi", "pods": 50}},
        },
        "Role": {
            "apiVersion": rbac,
            "kind": "Role",
            "metadata": {"name": "analyst", **meta},
            "rules": [{"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list", "watch"]}],
        },
        "RoleBinding": {
            "apiVersion": rbac,
            "kind": "RoleBinding",
            "metadata": {"name": "analysts", **meta},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "analyst"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "moph-analysts"}],
        },
        "LimitRange": {
            "apiVersion": "v1",
            "kind": "LimitRange",
            "metadata": {"name": "defaults", **meta},
            "spec": {"limits": [{"type": "Container", "default": {"cpu": "500m", "memory": "512Mi"}}]},
        },
        "ServiceAccount": {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": "spark", **meta},
            "automountServiceAccountToken": False,
        },
        "Secret": {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {
                "name": "s3-credentials",
                **meta,
                "annotations": {"govcloud.go.th/rotated": "2026-01"},
            },
            "type": "Opaque",
            "stringData": {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"},
        },
    }


def deployment() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": NS},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]},
            },
        },
    }


# --------------------------------------------------------------------------------------------------
# Versions


def test_version_resolution_picks_newest_bundled_not_newer() -> None:
    assert SchemaCatalog("v1.31.4").schema_version == "1.31"
    assert SchemaCatalog("1.31").schema_version == "1.31"
    assert SchemaCatalog(NEWEST).schema_version == NEWEST
    assert "1.25" in bundled_kubernetes_versions()  # oldest strict folder shipped by kubernetes-validate 1.37


def test_versions_outside_the_bundle_are_refused() -> None:
    major, minor = NEWEST.split(".")
    with pytest.raises(ValueError, match="newer than the newest"):
        SchemaCatalog(f"{major}.{int(minor) + 1}")
    with pytest.raises(ValueError, match="older than the oldest"):
        SchemaCatalog("1.4")
    with pytest.raises(ValueError, match="not a Kubernetes version"):
        SchemaCatalog("latest")


# --------------------------------------------------------------------------------------------------
# Built-in kinds


@pytest.mark.parametrize("version", ["1.31", NEWEST])
@pytest.mark.parametrize("kind", sorted(tenant_objects()))
def test_valid_tenant_objects_pass(version: str, kind: str) -> None:
    catalog = SchemaCatalog(version)
    assert catalog.errors(tenant_objects()[kind]) == []
    catalog.validate(tenant_objects()[kind])  # does not raise


def test_typo_field_is_refused_by_name(catalog: SchemaCatalog) -> None:
    policy = tenant_objects()["NetworkPolicy"]
    policy["spec"]["podSelectr"] = policy["spec"].pop("podSelector")
    assert sorted(catalog.errors(policy)) == [
        "NetworkPolicy/tenant-a/default-deny-all: spec.podSelectr: unknown field 'podSelectr'",
        "NetworkPolicy/tenant-a/default-deny-all: spec: 'podSelector' is a required property",
    ]


def test_nested_typo_is_refused_with_its_list_path(catalog: SchemaCatalog) -> None:
    policy = tenant_objects()["NetworkPolicy"]
    peer = policy["spec"]["egress"][0]["to"][0]
    peer["namespaceSelectr"] = peer.pop("namespaceSelector")
    assert catalog.errors(policy) == [
        "NetworkPolicy/tenant-a/default-deny-all: spec.egress[0].to[0].namespaceSelectr: "
        "unknown field 'namespaceSelectr'"
    ]


def test_wrong_type_is_refused(catalog: SchemaCatalog) -> None:
    bad = deployment()
    bad["spec"]["replicas"] = "x"
    assert catalog.errors(bad) == ["Deployment/tenant-a/web: spec.replicas: 'x' is not of type 'integer', 'null'"]


def test_every_error_is_reported_best_first(catalog: SchemaCatalog) -> None:
    bad = deployment()
    bad["spec"]["replicas"] = "x"
    bad["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "http"
    bad["spec"]["strategy"] = {"tpye": "Recreate"}
    with pytest.raises(SchemaValidationError) as caught:
        catalog.validate(bad)
    messages = caught.value.messages
    assert len(messages) == 3
    # best_match ranks errors higher up in the object first: the deep one comes last.
    assert set(messages[:2]) == {
        "Deployment/tenant-a/web: spec.strategy.tpye: unknown field 'tpye'",
        "Deployment/tenant-a/web: spec.replicas: 'x' is not of type 'integer', 'null'",
    }
    assert messages[2] == (
        "Deployment/tenant-a/web: spec.template.spec.containers[0].ports[0].containerPort: "
        "'http' is not of type 'integer'"
    )
    assert str(caught.value) == "\n".join(messages)


def test_unknown_kind_and_removed_api_version_have_no_schema(catalog: SchemaCatalog) -> None:
    unknown = {"apiVersion": "v1", "kind": "Tenant", "metadata": {"name": "x", "namespace": NS}}
    (message,) = catalog.errors(unknown)
    assert message.startswith("Tenant/tenant-a/x: no schema is known for apiVersion 'v1' kind 'Tenant'")
    # policy/v1beta1 PodDisruptionBudget was removed in 1.25: not a built-in any more.
    pdb = {
        "apiVersion": "policy/v1beta1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "p", "namespace": NS},
    }
    assert "no schema is known for apiVersion 'policy/v1beta1'" in catalog.errors(pdb)[0]
    # A look-alike group must not borrow the built-in schema through kubernetes_validate's file naming.
    lookalike = {**deployment(), "apiVersion": "apps.example.com/v1"}
    assert "no schema is known" in catalog.errors(lookalike)[0]


def test_custom_resources_need_their_crd(catalog: SchemaCatalog) -> None:
    cluster = {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "metadata": {"name": "pg", "namespace": NS},
    }
    assert "no schema is known" in catalog.errors(cluster)[0]


def test_missing_apiversion_or_kind(catalog: SchemaCatalog) -> None:
    assert catalog.errors({"kind": "Namespace", "metadata": {"name": "x"}}) == [
        "Namespace/x: apiVersion and kind must both be set (strings)"
    ]


# --------------------------------------------------------------------------------------------------
# What the JSON schemas can't say: names, namespaces, labels


def test_namespaced_kind_needs_name_and_namespace(catalog: SchemaCatalog) -> None:
    role = tenant_objects()["Role"]
    del role["metadata"]["namespace"]
    assert catalog.errors(role) == ["Role/analyst: metadata.namespace: required, Role is namespaced"]
    del role["metadata"]["name"]
    assert "Role/<unnamed>: metadata.name: required" in catalog.errors(role)


def test_names_must_be_dns_1123(catalog: SchemaCatalog) -> None:
    secret = tenant_objects()["Secret"]
    secret["metadata"]["name"] = "S3_Credentials"
    secret["metadata"]["namespace"] = "Tenant.A"
    assert catalog.errors(secret) == [
        "Secret/Tenant.A/S3_Credentials: metadata.name: 'S3_Credentials' is not a valid DNS-1123 subdomain "
        "(lowercase alphanumerics, '-' and '.', at most 253 characters)",
        "Secret/Tenant.A/S3_Credentials: metadata.namespace: 'Tenant.A' is not a valid DNS-1123 label "
        "(lowercase alphanumerics and '-', at most 63 characters)",
    ]
    namespace = tenant_objects()["Namespace"]
    namespace["metadata"]["name"] = "a" * 64  # a subdomain may be longer; a namespace is a label
    assert "is not a valid DNS-1123 label" in catalog.errors(namespace)[0]


def test_service_names_are_dns_1035_and_rbac_names_path_segments(catalog: SchemaCatalog) -> None:
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "1web", "namespace": NS},
        "spec": {"ports": [{"port": 80}]},
    }
    assert "is not a valid DNS-1035 label" in catalog.errors(service)[0]
    cluster_role: dict[str, Any] = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": "govcloud:tenant-viewer"},  # colons are fine in RBAC names
        "rules": [],
    }
    assert catalog.errors(cluster_role) == []
    cluster_role["metadata"]["name"] = "a/b"
    assert "not a valid path segment name" in catalog.errors(cluster_role)[0]


def test_cluster_scoped_kind_must_not_carry_a_namespace(catalog: SchemaCatalog) -> None:
    namespace = tenant_objects()["Namespace"]
    namespace["metadata"]["namespace"] = "default"
    assert catalog.errors(namespace) == [
        "Namespace/default/tenant-a: metadata.namespace: must not be set, Namespace is cluster-scoped"
    ]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("govcloud.go.th/tenant", "x" * 64, "value 'xxx"),
        ("govcloud.go.th/tenant", "-x", "value '-x' must be"),
        ("govcloud.go.th/tenant", "a b", "value 'a b' must be"),
        ("Govcloud.go.th/tenant", "x", "prefix must be a DNS-1123 subdomain"),
        ("govcloud.go.th/", "x", "name part must be"),
        ("a" * 64, "x", "name part must be"),
        ("team_", "x", "name part must be"),
    ],
)
def test_bad_labels_are_refused(catalog: SchemaCatalog, key: str, value: str, expected: str) -> None:
    account = tenant_objects()["ServiceAccount"]
    account["metadata"]["labels"] = {key: value}
    (message,) = catalog.errors(account)
    assert message.startswith("ServiceAccount/tenant-a/spark: metadata.labels")
    assert expected in message


def test_good_labels_pass(catalog: SchemaCatalog) -> None:
    account = tenant_objects()["ServiceAccount"]
    account["metadata"]["labels"] = {"a": "", "x.y/Z_1.b-c": "A1._-z", "k": "v" * 63}
    assert catalog.errors(account) == []


def test_pod_template_labels_are_checked(catalog: SchemaCatalog) -> None:
    bad = deployment()
    bad["spec"]["template"]["metadata"]["labels"]["govcloud.go.th/web"] = True
    bad["spec"]["template"]["metadata"]["labels"]["tier"] = "web-"
    messages = catalog.errors(bad)
    assert any('labels["govcloud.go.th/web"]' in m and "not of type 'string'" in m for m in messages)
    assert "Deployment/tenant-a/web: spec.template.metadata.labels.tier: label value 'web-' must be" in (
        " ".join(messages)
    )


def test_validators_are_compiled_once_per_kind(catalog: SchemaCatalog) -> None:
    """Each kind's validator is built once and reused (kubernetes_validate.validate() recompiles the schema on
    every call, ~8 ms an object); how fast validation is belongs to benchmarks/, not to a timed test."""
    objects = tenant_objects().values()
    assert objects
    for obj in objects:
        first = catalog._lookup(obj["apiVersion"], obj["kind"])
        again = catalog._lookup(obj["apiVersion"], obj["kind"])
        assert first is not None and again is not None, obj["kind"]
        assert first[0] is again[0], f"{obj['kind']}: a new validator was compiled for the same kind"
        assert catalog.errors(obj) == []


# --------------------------------------------------------------------------------------------------
# Custom resources from the upstream CRDs


def cnpg_cluster() -> dict[str, Any]:
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "metadata": {"name": "warehouse", "namespace": NS, "labels": {"govcloud.go.th/tenant": NS}},
        "spec": {
            "instances": 3,
            "storage": {"size": "20Gi"},
            "resources": {"requests": {"cpu": 1, "memory": "2Gi"}, "limits": {"cpu": "2", "memory": "2Gi"}},
            "postgresql": {"parameters": {"max_connections": "200"}},
        },
    }


@pytest.mark.shared
def test_crd_catalog_loads_every_shared_crd(shared_catalog: SchemaCatalog, shared_dir: Path) -> None:
    """Every CRD file under ../shared/schemas/crds is loaded, whatever else lands there later.

    The expectation is read from the CRD files themselves (group, served versions, kind), not from the
    catalog, and is not pinned: ../shared grows as upstream kinds are vendored.
    """
    expected: set[tuple[str, str]] = set()
    for path in sorted((shared_dir / "schemas" / "crds").rglob("*.yaml")):
        crd = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = crd["spec"]
        expected |= {(f"{spec['group']}/{v['name']}", spec["names"]["kind"]) for v in spec["versions"] if v["served"]}
    assert expected, "no CRD found under ../shared/schemas/crds"
    assert set(shared_catalog.custom_kinds) == expected
    # The kinds govcloud relies on are among them (the plan-wide check is in tests/program/test_isolation.py).
    assert {("postgresql.cnpg.io/v1", "Cluster"), ("kyverno.io/v1", "ClusterPolicy")} <= expected


@pytest.mark.shared
def test_cnpg_cluster_minimal_passes(shared_catalog: SchemaCatalog) -> None:
    assert shared_catalog.errors(cnpg_cluster()) == []


@pytest.mark.shared
def test_cnpg_cluster_unknown_field_under_spec_is_refused(shared_catalog: SchemaCatalog) -> None:
    bad = cnpg_cluster()
    bad["spec"]["instancez"] = 3
    bad["spec"]["storage"]["sizee"] = "1Gi"
    assert shared_catalog.errors(bad) == [
        "Cluster/tenant-a/warehouse: spec.instancez: unknown field 'instancez'",
        "Cluster/tenant-a/warehouse: spec.storage.sizee: unknown field 'sizee'",
    ]


@pytest.mark.shared
def test_cnpg_cluster_types_and_int_or_string(shared_catalog: SchemaCatalog) -> None:
    bad = cnpg_cluster()
    bad["spec"]["instances"] = "three"
    bad["spec"]["resources"]["limits"]["cpu"] = ["2"]  # a quantity is an integer or a string
    messages = shared_catalog.errors(bad)
    assert "Cluster/tenant-a/warehouse: spec.instances: 'three' is not of type 'integer'" in messages
    assert messages == [
        "Cluster/tenant-a/warehouse: spec.instances: 'three' is not of type 'integer'",
        "Cluster/tenant-a/warehouse: spec.resources.limits.cpu: ['2'] is not of type 'integer', 'string'",
    ]


@pytest.mark.shared
def test_cnpg_cluster_metadata_is_loose_but_names_checked(shared_catalog: SchemaCatalog) -> None:
    cluster = cnpg_cluster()
    cluster["metadata"]["finalizers"] = ["x"]  # ObjectMeta fields aren't in the CRD's schema: accepted
    assert shared_catalog.errors(cluster) == []
    del cluster["metadata"]["namespace"]
    assert shared_catalog.errors(cluster) == ["Cluster/warehouse: metadata.namespace: required, Cluster is namespaced"]


def kyverno_policy() -> dict[str, Any]:
    return {
        "apiVersion": "kyverno.io/v1",
        "kind": "ClusterPolicy",
        "metadata": {"name": "require-tenant-label"},
        "spec": {
            "validationFailureAction": "Enforce",
            "background": True,
            "rules": [
                {
                    "name": "tenant-label",
                    "match": {"any": [{"resources": {"kinds": ["Pod"], "namespaceSelector": {}}}]},
                    "validate": {
                        "message": "pods need govcloud.go.th/tenant",
                        # validate.pattern preserves unknown fields: any shape is allowed there.
                        "pattern": {"metadata": {"labels": {"govcloud.go.th/tenant": "?*"}}},
                    },
                }
            ],
        },
    }


@pytest.mark.shared
def test_kyverno_cluster_policy_passes(shared_catalog: SchemaCatalog) -> None:
    assert shared_catalog.errors(kyverno_policy()) == []


@pytest.mark.shared
def test_kyverno_cluster_policy_is_cluster_scoped_and_strict(shared_catalog: SchemaCatalog) -> None:
    policy = kyverno_policy()
    policy["metadata"]["namespace"] = NS
    policy["spec"]["rules"][0]["valdiate"] = policy["spec"]["rules"][0].pop("validate")
    assert shared_catalog.errors(policy) == [
        "ClusterPolicy/tenant-a/require-tenant-label: spec.rules[0].valdiate: unknown field 'valdiate'",
        "ClusterPolicy/tenant-a/require-tenant-label: metadata.namespace: must not be set, "
        "ClusterPolicy is cluster-scoped",
    ]


def spark_application() -> dict[str, Any]:
    return {
        "apiVersion": "sparkoperator.k8s.io/v1beta2",
        "kind": "SparkApplication",
        "metadata": {"name": "spark-pi", "namespace": NS},
        "spec": {
            "type": "Scala",
            "mode": "cluster",
            "image": "spark:3.5.3",
            "mainClass": "org.apache.spark.examples.SparkPi",
            "mainApplicationFile": "local:///opt/spark/examples/jars/spark-examples.jar",
            "sparkVersion": "3.5.3",
            "driver": {"cores": 1, "memory": "512m", "serviceAccount": "spark"},
            "executor": {"instances": 2, "cores": 1, "memory": "512m"},
        },
    }


@pytest.mark.shared
def test_spark_application_passes(shared_catalog: SchemaCatalog) -> None:
    assert shared_catalog.errors(spark_application()) == []


@pytest.mark.shared
def test_spark_application_enum_and_unknown_field(shared_catalog: SchemaCatalog) -> None:
    app = spark_application()
    app["spec"]["type"] = "Ruby"
    app["spec"]["executor"]["instnaces"] = app["spec"]["executor"].pop("instances")
    messages = shared_catalog.errors(app)
    assert "SparkApplication/tenant-a/spark-pi: spec.executor.instnaces: unknown field 'instnaces'" in messages
    assert any(m.startswith("SparkApplication/tenant-a/spark-pi: spec.type: 'Ruby' is not one of") for m in messages)


def test_from_shared_needs_the_crd_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no CRD folder"):
        SchemaCatalog.from_shared("1.31", tmp_path)


@pytest.mark.shared
def test_upstream_crds_are_valid_custom_resource_definitions(shared_dir: Path, catalog: SchemaCatalog) -> None:
    """The built-in CRD schema is recursive (JSONSchemaProps); inlined, it still checks deep down."""
    paths = sorted((shared_dir / "schemas" / "crds").rglob("*.yaml"))
    assert {p.parent.name for p in paths} >= {"cloudnative-pg", "kyverno", "spark-operator"}
    for path in paths:
        with path.open() as handle:
            crd = yaml.load(handle, Loader=yaml.CSafeLoader)
        assert catalog.errors(crd) == [], path.name
    spark = shared_dir / "schemas" / "crds" / "spark-operator" / "sparkoperator.k8s.io_sparkapplications.yaml"
    with spark.open() as handle:
        crd = yaml.load(handle, Loader=yaml.CSafeLoader)
    spec_props = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]
    spec_props["mode"]["tpye"] = "string"
    (message,) = catalog.errors(crd)
    assert message == (
        f"CustomResourceDefinition/{crd['metadata']['name']}: "
        "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.mode.tpye: unknown field 'tpye'"
    )


def test_duplicate_crds_are_refused(tmp_path: Path) -> None:
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "names": {"kind": "Widget", "plural": "widgets"},
            "scope": "Namespaced",
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {"openAPIV3Schema": {"type": "object"}},
                },
                {
                    "name": "v0",
                    "served": False,
                    "storage": False,
                    "schema": {"openAPIV3Schema": {"type": "object"}},
                },
            ],
        },
    }
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(yaml.safe_dump(crd))
    second.write_text(yaml.safe_dump(crd))
    assert SchemaCatalog("1.31", [first]).custom_kinds == [("example.com/v1", "Widget")]  # v0 is not served
    with pytest.raises(ValueError, match="defined twice"):
        SchemaCatalog("1.31", [first, second])


# --------------------------------------------------------------------------------------------------
# Making CRD schemas strict


def test_strict_crd_schema_rules() -> None:
    schema = {
        "type": "object",
        "description": "dropped",
        "properties": {
            "size": {"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "string"}]},
            "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "properties": {"a": {}}},
            "map": {"type": "object", "additionalProperties": {"type": "object", "properties": {"b": {}}}},
            "maybe": {"type": "string", "nullable": True},
            "count": {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
            "rules": {"type": "array", "items": {"type": "object", "properties": {"c": {}}}},
            "checked": {"type": "string", "x-kubernetes-validations": [{"rule": "self != ''"}]},
        },
    }
    strict = strict_crd_schema(schema)
    assert strict["additionalProperties"] is False
    assert "description" not in strict
    props = strict["properties"]
    assert props["size"] == {"type": ["integer", "string"]}
    assert "additionalProperties" not in props["free"]
    assert props["map"]["additionalProperties"]["additionalProperties"] is False
    assert props["maybe"]["type"] == ["string", "null"]
    assert props["count"] == {"type": "integer", "exclusiveMinimum": 0}
    assert props["rules"]["items"]["additionalProperties"] is False
    assert props["checked"] == {"type": "string"}
    assert "additionalProperties" not in schema  # the input is left alone


# --------------------------------------------------------------------------------------------------
# Helm values


@pytest.fixture(scope="module")
def jupyterhub_schema(shared_dir: Path) -> Path:
    return shared_dir / "schemas" / "helm" / "jupyterhub" / "values.schema.yaml"


@pytest.mark.shared
def test_jupyterhub_good_values_pass(jupyterhub_schema: Path) -> None:
    values = {
        "hub": {"baseUrl": "/jupyter/", "config": {"JupyterHub": {"authenticator_class": "generic-oauth"}}},
        "singleuser": {"memory": {"limit": "4G", "guarantee": "1G"}, "cpu": {"limit": 2, "guarantee": 0.5}},
        "cull": {"enabled": True, "timeout": 3600},
        "prePuller": {"hook": {"enabled": False}},
    }
    assert validate_helm_values(values, jupyterhub_schema) == []


@pytest.mark.shared
def test_jupyterhub_unknown_top_level_key_fails(jupyterhub_schema: Path) -> None:
    assert validate_helm_values({"hubb": {"baseUrl": "/"}}, jupyterhub_schema) == ["hubb: unknown field 'hubb'"]


@pytest.mark.shared
def test_jupyterhub_nested_errors(jupyterhub_schema: Path) -> None:
    messages = validate_helm_values({"cull": {"timeout": "1h"}, "proxy": {"chp": {"resourcez": {}}}}, jupyterhub_schema)
    assert messages == [
        "proxy.chp.resourcez: unknown field 'resourcez'",
        "cull.timeout: '1h' is not of type 'integer', 'null'",
    ]


@pytest.mark.shared
def test_jupyterhub_values_are_merged_over_chart_defaults(jupyterhub_schema: Path) -> None:
    # Helm validates defaults + overrides; alone, a small dict lacks the keys the schema requires.
    unmerged = validate_helm_values({}, jupyterhub_schema, merge_chart_defaults=False)
    assert "(root): 'hub' is a required property" in unmerged
    assert validate_helm_values({}, jupyterhub_schema) == []
    # null deletes a default, as in Helm, and then the schema's `required` catches it.
    assert validate_helm_values({"hub": None}, jupyterhub_schema) == ["(root): 'hub' is a required property"]


@pytest.fixture(scope="module")
def trino_defaults(shared_dir: Path) -> dict[str, Any]:
    with (shared_dir / "schemas" / "helm" / "trino" / "values.yaml").open() as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


@pytest.mark.shared
def test_trino_known_keys_pass(trino_defaults: dict[str, Any]) -> None:
    values = {
        "server": {
            "workers": 3,
            "config": {"query": {"maxMemory": "8GB"}},
            "exchangeManager": {"name": "filesystem"},
        },
        "coordinator": {"jvm": {"maxHeapSize": "8G"}, "resources": {"limits": {"cpu": 2}}},
        "additionalCatalogs": {"iceberg": "connector.name=iceberg"},
        "env": [{"name": "TZ", "value": "Asia/Bangkok"}],
        "serviceAccount": {"create": True, "name": "trino"},
    }
    assert missing_default_keys(values, trino_defaults, [("additionalCatalogs",), ("env",)]) == []


@pytest.mark.shared
def test_trino_typos_are_reported_as_dotted_paths(trino_defaults: dict[str, Any]) -> None:
    values = {
        "server": {"workerz": 3, "config": {"query": {"maxMemroy": "8GB"}}},
        "coordinatr": {"jvm": {}},
        "catalogs": {"iceberg": "connector.name=iceberg"},  # catalogs has defaults: not free-form by itself
    }
    assert missing_default_keys(values, trino_defaults) == [
        "server.workerz",
        "server.config.query.maxMemroy",
        "coordinatr",
        "catalogs.iceberg",
    ]
    assert missing_default_keys(values, trino_defaults, [("catalogs",)])[-1] == "coordinatr"
