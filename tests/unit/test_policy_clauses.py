"""Issue 17: one violating case per clause of every baseline policy (``govcloud.policy.baseline``).

``test_policies.py`` runs each policy once through both callers; here each *condition* of a policy gets its
own case, with the compliant neighbour that differs in that condition only, and the exact message an
auditor reads. Among them the mutants issue 17 found surviving: an allow-all NetworkPolicy counted as
default-deny, a binding to ``edit`` allowed, a zero-day retention accepted.
"""

from __future__ import annotations

from typing import Any

import pytest

from govcloud.manifests.admission import (
    INGRESS_HOSTS_POLICY,
    LISTENER_HOSTS_POLICY,
    ROUTE_HOSTS_POLICY,
    WEB_LABEL_POLICY,
)
from govcloud.manifests.gateway import SITE_ISSUER
from govcloud.policy.baseline import POLICIES
from govcloud.policy.framework import ResourceView, evaluate
from govcloud.storage.specs import BUCKET_TYPE
from tests import crossguard_runner

LABELS = {
    "govcloud.go.th/tenant": "nso",
    "govcloud.go.th/agency": "NSO",
    "govcloud.go.th/classification": "confidential",
    "govcloud.go.th/cost-center": "CC-1",
    "app.kubernetes.io/managed-by": "govcloud",
    **{f"pod-security.kubernetes.io/{m}": "restricted" for m in ("enforce", "audit", "warn")},
}
API = {
    "NetworkPolicy": "networking.k8s.io/v1",
    "Cluster": "postgresql.cnpg.io/v1",
    "ScheduledBackup": "postgresql.cnpg.io/v1",
    "ObjectStore": "barmancloud.cnpg.io/v1",
    "RoleBinding": "rbac.authorization.k8s.io/v1",
    "ClusterRoleBinding": "rbac.authorization.k8s.io/v1",
    "Role": "rbac.authorization.k8s.io/v1",
    "ValidatingAdmissionPolicy": "admissionregistration.k8s.io/v1",
    "ValidatingAdmissionPolicyBinding": "admissionregistration.k8s.io/v1",
}


def k8s(
    kind: str,
    name: str,
    body: dict[str, Any] | None = None,
    namespace: str | None = "nso",
    *,
    protect: bool = True,
    retain: bool | None = True,
    masked: bool = True,
    **meta: Any,
) -> ResourceView:
    api = API.get(kind, "v1")
    metadata = {"name": name, **({"namespace": namespace} if namespace else {}), **meta}
    type_api = api if "/" in api else "core/v1"
    return ResourceView(
        urn=f"urn:{kind}:{namespace}/{name}",
        type=f"kubernetes:{type_api}:{kind}",
        name=name,
        inputs={"apiVersion": api, "kind": kind, "metadata": metadata, **(body or {})},
        protect=protect,
        retain_on_delete=retain,
        secrets_masked=masked,
    )


def namespace(name: str = "nso", labels: dict[str, str] | None = None, **options: Any) -> ResourceView:
    return k8s("Namespace", name, namespace=None, labels=LABELS if labels is None else labels, **options)


def run(policy_id: str, *resources: ResourceView) -> list[tuple[str, str]]:
    """(urn, message) of every violation of one policy; the policy's id and name must label each."""
    (policy,) = [p for p in POLICIES if p.id == policy_id]
    found = evaluate([policy], list(resources))
    assert {v.policy for v in found} <= {f"{policy.id} {policy.name}"}
    return [(v.urn, v.message) for v in found]


# --- GC-DATA-001: data-bearing resources protected and retained ---


def test_data_bearing_resource_not_protected() -> None:
    assert run("GC-DATA-001", namespace(protect=False)) == [
        ("urn:Namespace:None/nso", "data-bearing resource is not protected")
    ]


def test_data_bearing_resource_not_retained() -> None:
    assert run("GC-DATA-001", namespace(retain=False)) == [
        ("urn:Namespace:None/nso", "data-bearing resource is not retained on delete")
    ]


def test_retain_unknown_under_crossguard_and_other_resources_pass() -> None:
    assert run("GC-DATA-001", namespace(retain=None)) == []
    assert run("GC-DATA-001", k8s("ConfigMap", "c", protect=False, retain=False)) == []


# --- GC-DATA-002: buckets versioned, read only by the portal on the published zone ---


def bucket(name: str, **inputs: Any) -> ResourceView:
    return ResourceView(
        urn=f"urn:bucket:{name}",
        type=BUCKET_TYPE,
        name=name,
        inputs={"name": name, "versioning": True, **inputs},
        protect=True,
        retain_on_delete=True,
    )


PORTAL = "arn:aws:iam:::user/govcloud-national-prod-opendata-portal"


@pytest.mark.parametrize("versioning", [False, None, "true"])
def test_bucket_without_versioning(versioning: Any) -> None:
    assert run("GC-DATA-002", bucket("national-nso-raw", versioning=versioning)) == [
        ("urn:bucket:national-nso-raw", "bucket versioning is not enabled")
    ]


def test_bucket_read_by_everyone_or_outside_the_published_zone() -> None:
    message = "bucket grants read access beyond the open-data portal's published zone"
    assert run("GC-DATA-002", bucket("national-nso-published", public_read_principal_arn="*")) == [
        ("urn:bucket:national-nso-published", message)
    ]
    assert run("GC-DATA-002", bucket("national-nso-curated", public_read_principal_arn=PORTAL)) == [
        ("urn:bucket:national-nso-curated", message)
    ]
    assert run("GC-DATA-002", bucket("national-nso-published", public_read_principal_arn=PORTAL)) == []
    assert run("GC-DATA-002", bucket("national-nso-curated")) == []


# --- GC-DATA-003: the object store over HTTPS ---


def test_object_store_over_plain_http() -> None:
    assert run("GC-DATA-003", bucket("b-1", endpoint_url="http://s3.local")) == [
        ("urn:bucket:b-1", "object-store endpoint is plain HTTP; data and keys cross the network unencrypted")
    ]
    assert run("GC-DATA-003", bucket("b-1", endpoint_url="https://s3.local")) == []
    assert run("GC-DATA-003", bucket("b-1", endpoint_url=None)) == []


# --- GC-DATA-004: WAL archived, retention of at least 7 days, a ScheduledBackup ---


def cluster(backup: dict[str, Any] | None, plugins: list[dict[str, Any]] | None = None) -> ResourceView:
    spec: dict[str, Any] = {"instances": 2}
    if backup is not None:
        spec["backup"] = backup
    if plugins is not None:
        spec["plugins"] = plugins
    return k8s("Cluster", "nso-pg", {"spec": spec})


SCHEDULED = k8s("ScheduledBackup", "nso-pg-backup", {"spec": {"cluster": {"name": "nso-pg"}}})
ARCHIVED = {"barmanObjectStore": {"destinationPath": "s3://national-nso-backup/"}}


def test_a_backed_up_database_passes() -> None:
    assert run("GC-DATA-004", cluster({**ARCHIVED, "retentionPolicy": "30d"}), SCHEDULED) == []


def test_database_without_wal_archiving() -> None:
    assert run("GC-DATA-004", cluster({"retentionPolicy": "30d"}), SCHEDULED) == [
        ("urn:Cluster:nso/nso-pg", "database has no object-store backup (WAL archiving)")
    ]


@pytest.mark.parametrize(
    ("retention", "short"),
    [("6d", True), ("7d", False), ("1w", False), ("1m", False), ("7x", True), ("", True), ("0d", True)],
)
def test_backup_retention_of_at_least_seven_days(retention: str, short: bool) -> None:
    found = run("GC-DATA-004", cluster({**ARCHIVED, "retentionPolicy": retention}), SCHEDULED)
    assert found == ([("urn:Cluster:nso/nso-pg", "backup retention is under 7 days")] if short else [])


def test_database_without_a_scheduled_backup() -> None:
    elsewhere = k8s("ScheduledBackup", "nso-pg-backup", {"spec": {"cluster": {"name": "nso-pg"}}}, namespace="moph")
    other_cluster = k8s("ScheduledBackup", "x-backup", {"spec": {"cluster": {"name": "x-pg"}}})
    for schedules in ((), (elsewhere,), (other_cluster,)):
        assert run("GC-DATA-004", cluster({**ARCHIVED, "retentionPolicy": "30d"}), *schedules) == [
            ("urn:Cluster:nso/nso-pg", "database has no ScheduledBackup")
        ]


def test_the_barman_cloud_plugin_archives_to_the_object_store_it_names() -> None:
    store = k8s(
        "ObjectStore",
        "nso-pg-store",
        {"spec": {"configuration": {"destinationPath": "s3://national-nso-backup/"}, "retentionPolicy": "30d"}},
    )
    plugin = {
        "name": "barman-cloud.cloudnative-pg.io",
        "isWALArchiver": True,
        "parameters": {"barmanObjectName": "nso-pg-store"},
    }
    assert run("GC-DATA-004", cluster(None, [plugin]), store, SCHEDULED) == []
    not_archiving = {**plugin, "isWALArchiver": False}
    other_plugin = {**plugin, "name": "other.example.org"}
    other_store = {**plugin, "parameters": {"barmanObjectName": "missing"}}
    for plugins in ([not_archiving], [other_plugin], [other_store]):
        assert run("GC-DATA-004", cluster(None, plugins), store, SCHEDULED) == [
            ("urn:Cluster:nso/nso-pg", "backup retention is under 7 days"),
            ("urn:Cluster:nso/nso-pg", "database has no object-store backup (WAL archiving)"),
        ]
    store_elsewhere = k8s(
        "ObjectStore", "nso-pg-store", store.inputs["spec"] and {"spec": store.inputs["spec"]}, namespace="moph"
    )
    assert len(run("GC-DATA-004", cluster(None, [plugin]), store_elsewhere, SCHEDULED)) == 2
    short = k8s("ObjectStore", "nso-pg-store", {"spec": {**store.inputs["spec"], "retentionPolicy": "3d"}})
    assert run("GC-DATA-004", cluster(None, [plugin]), short, SCHEDULED) == [
        ("urn:Cluster:nso/nso-pg", "backup retention is under 7 days")
    ]


def test_clusters_of_other_apis_are_not_databases() -> None:
    other = ResourceView("urn:c", "x:Cluster", "c", {"apiVersion": "example.org/v1", "kind": "Cluster"}, True, True)
    assert run("GC-DATA-004", other) == []


# --- GC-GOV-001: labels of govcloud namespaces ---


def test_a_govcloud_namespace_missing_labels() -> None:
    labels = {k: v for k, v in LABELS.items() if k not in ("govcloud.go.th/agency", "govcloud.go.th/cost-center")}
    assert run("GC-GOV-001", namespace(labels=labels)) == [
        ("urn:Namespace:None/nso", "namespace lacks the labels govcloud.go.th/agency, govcloud.go.th/cost-center")
    ]
    assert run("GC-GOV-001", namespace(labels={**LABELS, "govcloud.go.th/tenant": ""})) == [
        ("urn:Namespace:None/nso", "namespace lacks the labels govcloud.go.th/tenant")
    ]


def test_platform_and_foreign_namespaces_need_no_tenant_labels() -> None:
    managed = {"app.kubernetes.io/managed-by": "govcloud"}
    assert run("GC-GOV-001", namespace(labels={**managed, "govcloud.go.th/platform": "true"})) == []
    assert run("GC-GOV-001", namespace(labels={"app.kubernetes.io/managed-by": "helm"})) == []
    assert run("GC-GOV-001", namespace(labels=managed)) != []
    assert run("GC-GOV-001", k8s("ConfigMap", "c", labels=managed)) == []


# --- GC-K8S-001: Pod Security restricted in each mode ---


@pytest.mark.parametrize("mode", ["enforce", "audit", "warn"])
def test_pod_security_mode_not_restricted(mode: str) -> None:
    labels = {**LABELS, f"pod-security.kubernetes.io/{mode}": "baseline"}
    assert run("GC-K8S-001", namespace(labels=labels)) == [
        ("urn:Namespace:None/nso", f"Pod Security '{mode}' is not 'restricted'")
    ]


def test_pod_security_applies_to_tenant_namespaces_only() -> None:
    assert run("GC-K8S-001", namespace()) == []
    assert run("GC-K8S-001", namespace(labels={"app.kubernetes.io/managed-by": "govcloud"})) == []


# --- GC-K8S-002: quota (no load balancers or node ports) and limit range ---

QUOTA = k8s("ResourceQuota", "q", {"spec": {"hard": {"services.loadbalancers": "0", "services.nodeports": 0}}})
LIMITS = k8s("LimitRange", "l", {"spec": {}})


def test_quota_and_limit_range_present() -> None:
    assert run("GC-K8S-002", namespace(), QUOTA, LIMITS) == []
    assert run("GC-K8S-002", namespace(), LIMITS) == [
        ("urn:Namespace:None/nso", "tenant namespace nso has no ResourceQuota")
    ]
    assert run("GC-K8S-002", namespace(), QUOTA) == [
        ("urn:Namespace:None/nso", "tenant namespace nso has no LimitRange")
    ]
    moved = k8s("ResourceQuota", "q", QUOTA.inputs["spec"] and {"spec": QUOTA.inputs["spec"]}, namespace="moph")
    assert run("GC-K8S-002", namespace(), moved, LIMITS) == [
        ("urn:Namespace:None/nso", "tenant namespace nso has no ResourceQuota")
    ]


@pytest.mark.parametrize("key", ["services.loadbalancers", "services.nodeports"])
def test_quota_must_cap_external_services_at_zero(key: str) -> None:
    hard = {"services.loadbalancers": "0", "services.nodeports": "0"}
    for value in ("1", None):
        spec = {"hard": {**hard, key: value} if value is not None else {k: v for k, v in hard.items() if k != key}}
        assert run("GC-K8S-002", namespace(), k8s("ResourceQuota", "q", {"spec": spec}), LIMITS) == [
            ("urn:ResourceQuota:nso/q", f"ResourceQuota of nso does not cap {key} at 0")
        ]


# --- GC-NET-001: a default-deny policy for both directions ---

NO_DENY = "tenant namespace nso has no default-deny NetworkPolicy for ingress and egress"


def netpol(spec: dict[str, Any], name: str = "default-deny-all", ns: str = "nso") -> ResourceView:
    return k8s("NetworkPolicy", name, {"spec": spec}, namespace=ns)


DENY = {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}


@pytest.mark.parametrize(
    "spec",
    [
        {**DENY, "ingress": [{}]},  # allow-all ingress
        {**DENY, "egress": [{}]},  # allow-all egress
        {**DENY, "ingress": [{"from": [{"podSelector": {}}]}]},
        {**DENY, "policyTypes": ["Ingress"]},
        {**DENY, "policyTypes": ["Egress"]},
        {**DENY, "podSelector": {"matchLabels": {"app": "x"}}},
        {"policyTypes": ["Ingress", "Egress"]},
    ],
)
def test_a_policy_that_is_not_a_default_deny(spec: dict[str, Any]) -> None:
    assert run("GC-NET-001", namespace(), netpol(spec)) == [("urn:Namespace:None/nso", NO_DENY)]


def test_a_default_deny_counts_in_its_own_namespace_only() -> None:
    assert run("GC-NET-001", namespace(), netpol(DENY)) == []
    assert run("GC-NET-001", namespace(), netpol({**DENY, "ingress": [], "egress": []})) == []
    assert run("GC-NET-001", namespace(), netpol(DENY, ns="moph")) == [("urn:Namespace:None/nso", NO_DENY)]
    assert run("GC-NET-001", namespace(), k8s("ConfigMap", "default-deny-all", {"spec": DENY})) == [
        ("urn:Namespace:None/nso", NO_DENY)
    ]


# --- GC-NET-003: no rule reaches another tenant ---


def test_a_rule_admitting_another_tenant() -> None:
    moph = namespace("moph", {**LABELS, "govcloud.go.th/tenant": "moph"})
    policy = netpol(
        {
            "podSelector": {},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "moph"}}}]}],
        },
        name="allow-moph",
    )
    found = run("GC-NET-003", namespace(), moph, policy)
    assert found == [
        (
            "urn:NetworkPolicy:nso/allow-moph",
            "NetworkPolicy nso/allow-moph ingress[0]: namespaceSelector selects tenant namespaces moph",
        )
    ]
    same = netpol({"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": [{"podSelector": {}}]}]})
    assert run("GC-NET-003", namespace(), moph, same) == []


# --- GC-NET-004: the tenant host and web-label admission policies, bound with Deny ---

ADMISSION = (INGRESS_HOSTS_POLICY, ROUTE_HOSTS_POLICY, LISTENER_HOSTS_POLICY, WEB_LABEL_POLICY)


def admission(actions: list[str] | None = None, skip: str = "", skip_binding: str = "") -> list[ResourceView]:
    out = []
    for name in ADMISSION:
        if name != skip:
            out.append(k8s("ValidatingAdmissionPolicy", name, {"spec": {}}, namespace=None))
        if name != skip_binding:
            body = {"spec": {"validationActions": actions if actions is not None else ["Deny"]}}
            out.append(k8s("ValidatingAdmissionPolicyBinding", name, body, namespace=None))
    return out


PLATFORM_NS = namespace("govcloud-system", {"govcloud.go.th/platform": "true"})


def test_admission_policies_bound_with_deny_pass() -> None:
    assert run("GC-NET-004", PLATFORM_NS, namespace(), *admission()) == []
    assert run("GC-NET-004", PLATFORM_NS, namespace(), *admission(["Warn", "Deny"])) == []


@pytest.mark.parametrize("name", ADMISSION)
def test_an_admission_policy_or_its_binding_missing(name: str) -> None:
    expected = [("urn:Namespace:None/govcloud-system", f"the admission policy {name} and its binding are not declared")]
    assert run("GC-NET-004", PLATFORM_NS, namespace(), *admission(skip=name)) == expected
    assert run("GC-NET-004", PLATFORM_NS, namespace(), *admission(skip_binding=name)) == expected


def test_a_binding_that_only_warns() -> None:
    found = run("GC-NET-004", PLATFORM_NS, namespace(), *admission(["Warn", "Audit"]))
    expected = [
        (f"urn:ValidatingAdmissionPolicyBinding:None/{n}", f"the binding of {n} does not deny") for n in ADMISSION
    ]
    assert found == sorted(expected)


def test_a_sharded_tenant_stack_or_an_empty_site_needs_no_admission_policies() -> None:
    assert run("GC-NET-004", namespace()) == []
    assert run("GC-NET-004", PLATFORM_NS) == []


# --- GC-NET-002: no LoadBalancer or NodePort Service ---


@pytest.mark.parametrize("kind", ["LoadBalancer", "NodePort"])
def test_an_external_service(kind: str) -> None:
    assert run("GC-NET-002", k8s("Service", "web", {"spec": {"type": kind}})) == [
        ("urn:Service:nso/web", f"Service of type {kind} exposes a tenant outside the cluster")
    ]


def test_cluster_internal_services_pass() -> None:
    assert run("GC-NET-002", k8s("Service", "web", {"spec": {"type": "ClusterIP"}})) == []
    assert run("GC-NET-002", k8s("Service", "web", {"spec": {}})) == []


# --- GC-IAM-001: no privileged or cluster-wide bindings ---


@pytest.mark.parametrize("role", ["cluster-admin", "admin", "edit"])
def test_a_binding_to_a_privileged_cluster_role(role: str) -> None:
    binding = k8s("RoleBinding", "b", {"roleRef": {"kind": "ClusterRole", "name": role}})
    assert run("GC-IAM-001", binding) == [("urn:RoleBinding:nso/b", f"binds the privileged ClusterRole {role}")]


def test_bindings_to_view_or_to_a_role_named_edit_pass() -> None:
    assert run("GC-IAM-001", k8s("RoleBinding", "b", {"roleRef": {"kind": "ClusterRole", "name": "view"}})) == []
    assert run("GC-IAM-001", k8s("RoleBinding", "b", {"roleRef": {"kind": "Role", "name": "edit"}})) == []


def test_a_cluster_wide_binding_by_govcloud() -> None:
    managed = {"app.kubernetes.io/managed-by": "govcloud"}
    binding = k8s(
        "ClusterRoleBinding", "b", {"roleRef": {"kind": "ClusterRole", "name": "view"}}, namespace=None, labels=managed
    )
    assert run("GC-IAM-001", binding) == [
        ("urn:ClusterRoleBinding:None/b", "govcloud never grants tenants cluster-wide roles")
    ]
    foreign = k8s("ClusterRoleBinding", "b", {"roleRef": {"kind": "ClusterRole", "name": "view"}}, namespace=None)
    assert run("GC-IAM-001", foreign) == []
    admin = k8s(
        "ClusterRoleBinding", "b", {"roleRef": {"kind": "ClusterRole", "name": "admin"}}, namespace=None, labels=managed
    )
    assert run("GC-IAM-001", admin) == [
        ("urn:ClusterRoleBinding:None/b", "binds the privileged ClusterRole admin"),
        ("urn:ClusterRoleBinding:None/b", "govcloud never grants tenants cluster-wide roles"),
    ]


# --- GC-IAM-002: tenant roles never write what the platform owns ---


def role(rules: list[dict[str, Any]], ns: str = "nso") -> ResourceView:
    return k8s("Role", "r", {"rules": rules}, namespace=ns)


@pytest.mark.parametrize("verb", ["create", "update", "patch", "delete", "deletecollection", "*"])
def test_a_tenant_role_writing_network_policies(verb: str) -> None:
    rule = {"apiGroups": ["networking.k8s.io"], "resources": ["networkpolicies"], "verbs": ["get", verb]}
    assert run("GC-IAM-002", namespace(), role([rule])) == [
        ("urn:Role:nso/r", "Role r may write networkpolicies (networking.k8s.io)")
    ]


def test_tenant_roles_that_only_read_or_write_their_own_objects_pass() -> None:
    read = {"apiGroups": ["networking.k8s.io"], "resources": ["networkpolicies"], "verbs": ["get", "list", "watch"]}
    own = {"apiGroups": [""], "resources": ["configmaps", "pods"], "verbs": ["*"]}
    assert run("GC-IAM-002", namespace(), role([read, own])) == []


def test_wildcards_name_every_platform_resource_they_reach() -> None:
    core = {"apiGroups": [""], "resources": ["*"], "verbs": ["create"]}
    assert run("GC-IAM-002", namespace(), role([core])) == [
        ("urn:Role:nso/r", "Role r may write limitranges (core)"),
        ("urn:Role:nso/r", "Role r may write namespaces (core)"),
        ("urn:Role:nso/r", "Role r may write resourcequotas (core)"),
    ]
    routes = {"apiGroups": ["*"], "resources": ["httproutes"], "verbs": ["patch"]}
    assert run("GC-IAM-002", namespace(), role([routes])) == [
        ("urn:Role:nso/r", "Role r may write httproutes (gateway.networking.k8s.io)")
    ]


def test_roles_outside_tenant_namespaces_are_the_platforms() -> None:
    rule = {"apiGroups": ["networking.k8s.io"], "resources": ["networkpolicies"], "verbs": ["create"]}
    assert run("GC-IAM-002", namespace(), role([rule], ns="govcloud-system")) == []


# --- GC-SEC-001: no credential as a literal ---


def test_credential_looking_literals_anywhere() -> None:
    key = k8s("ConfigMap", "c", {"data": {"note": "AKIAABCDEFGHIJKLMNOP"}})
    assert run("GC-SEC-001", key) == [("urn:ConfigMap:nso/c", "data.note holds what looks like a credential")]
    pem = k8s("ConfigMap", "c", {"data": {"tls": "-----BEGIN RSA PRIVATE KEY-----\nMII"}})
    assert run("GC-SEC-001", pem) == [("urn:ConfigMap:nso/c", "data.tls holds what looks like a credential")]


@pytest.mark.parametrize("key", ["PASSWORD", "db_password", "client-secret", "API_KEY", "token", "SECRET_ACCESS_KEY"])
def test_a_literal_secret_in_an_env_list(key: str) -> None:
    pod = k8s("Deployment", "d", {"spec": {"env": [{"name": key, "value": "hunter2"}]}})
    assert run("GC-SEC-001", pod) == [
        ("urn:Deployment:nso/d", "spec.env[0] is a literal secret; reference a Secret instead")
    ]


def test_values_that_are_not_secrets() -> None:
    for value in ("", "[secret]", "${db.password}"):
        assert (
            run("GC-SEC-001", k8s("Deployment", "d", {"spec": {"env": [{"name": "PASSWORD", "value": value}]}})) == []
        )
    assert run("GC-SEC-001", k8s("Deployment", "d", {"spec": {"env": [{"name": "USER", "value": "app"}]}})) == []
    assert run("GC-SEC-001", k8s("ConfigMap", "c", {"data": {"passwords": "x"}})) == []


def test_a_plain_value_in_a_secret_under_synth() -> None:
    secret = k8s("Secret", "s", {"stringData": {"password": "hunter2", "AWS_ACCESS_KEY_ID": "id"}})
    assert run("GC-SEC-001", secret) == [
        ("urn:Secret:nso/s", "stringData.password is a plain value, not a Pulumi secret")
    ]
    assert run("GC-SEC-001", k8s("Secret", "s", {"data": {"password": "hunter2"}})) == [
        ("urn:Secret:nso/s", "data.password is a plain value, not a Pulumi secret")
    ]
    crossguard = k8s("Secret", "s", {"stringData": {"password": "hunter2"}}, masked=False)
    assert run("GC-SEC-001", crossguard) == [], "CrossGuard sees plaintext Pulumi secrets; they are not literals"


# --- GC-TLS-001 / GC-TLS-002: every HTTPS listener certified, public names by the public issuer ---


def listener_owner(
    kind: str, name: str, secret: str | None, hostname: str = "nso.data.go.th", ns: str = "nso"
) -> ResourceView:
    tls = {"certificateRefs": [{"name": secret}]} if secret else {}
    spec: dict[str, Any] = {"listeners": [{"name": "web", "protocol": "HTTPS", "hostname": hostname, "tls": tls}]}
    if kind == "ListenerSet":
        spec["parentRef"] = {"name": "public"}
    return ResourceView(
        urn=f"urn:{kind}:{ns}/{name}",
        type=f"kubernetes:gateway.networking.k8s.io/v1:{kind}",
        name=name,
        inputs={
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": kind,
            "metadata": {"name": name, "namespace": ns},
            "spec": spec,
        },
        protect=False,
    )


def certificate(secret: str, hostname: str = "nso.data.go.th", issuer: str = "govcloud-public-issuer") -> ResourceView:
    body = {"spec": {"secretName": secret, "dnsNames": [hostname], "issuerRef": {"name": issuer}}}
    return k8s("Certificate", secret, body)


@pytest.mark.parametrize("kind", ["Gateway", "ListenerSet"])
def test_an_https_listener_without_a_certificate_is_blamed_on_its_owner(kind: str) -> None:
    owner = listener_owner(kind, "web", None)
    assert run("GC-TLS-001", owner) == [
        (f"urn:{kind}:nso/web", f"{kind} nso/web listener web (nso.data.go.th): no certificate at all")
    ]
    unwritten = listener_owner(kind, "web", "web-tls")
    assert run("GC-TLS-001", unwritten) == [
        (
            f"urn:{kind}:nso/web",
            f"{kind} nso/web listener web (nso.data.go.th): Secret web-tls is written by no cert-manager Certificate",
        )
    ]
    assert run("GC-TLS-001", unwritten, certificate("web-tls")) == []


def test_a_certificate_for_another_name() -> None:
    owner = listener_owner("ListenerSet", "web", "web-tls")
    assert run("GC-TLS-001", owner, certificate("web-tls", "other.data.go.th")) == [
        (
            "urn:ListenerSet:nso/web",
            "ListenerSet nso/web listener web (nso.data.go.th): Certificate web-tls does not name nso.data.go.th",
        )
    ]


def test_a_public_name_on_the_site_ca_is_advisory_not_a_missing_certificate() -> None:
    owner = listener_owner("ListenerSet", "web", "web-tls")
    site_ca = certificate("web-tls", issuer=SITE_ISSUER)
    assert run("GC-TLS-001", owner, site_ca) == []
    assert run("GC-TLS-002", owner, site_ca) == [
        (
            "urn:ListenerSet:nso/web",
            "ListenerSet nso/web listener web (nso.data.go.th): a public name with a certificate from the site CA, "
            "which public clients do not trust (set govcloud:certificates.publicIssuer)",
        )
    ]
    assert run("GC-TLS-002", owner, certificate("web-tls")) == []


# --- odd shapes never crash a check ---


def test_a_quota_or_service_without_a_spec() -> None:
    bare = k8s("ResourceQuota", "q")
    assert run("GC-K8S-002", namespace(), bare, LIMITS) == [
        ("urn:ResourceQuota:nso/q", "ResourceQuota of nso does not cap services.loadbalancers at 0"),
        ("urn:ResourceQuota:nso/q", "ResourceQuota of nso does not cap services.nodeports at 0"),
    ]
    assert run("GC-NET-002", k8s("Service", "web")) == []


# --- the CrossGuard pack: the same checks, levels and descriptions ---


def test_crossguard_levels_and_descriptions() -> None:
    from pulumi_policy import EnforcementLevel

    from govcloud.policy.crossguard import crossguard_policies

    converted = {p.name: p for p in crossguard_policies()}
    levels = {p.name: p.enforcement_level for p in converted.values()}
    assert levels["object-store-over-tls"] is EnforcementLevel.ADVISORY
    assert levels["public-names-publicly-trusted"] is EnforcementLevel.ADVISORY
    assert levels["default-deny-network"] is EnforcementLevel.MANDATORY
    assert levels["no-privileged-bindings"] is EnforcementLevel.MANDATORY
    assert converted["no-external-services"].description == (
        "GC-NET-002: No Service of type LoadBalancer or NodePort. Why: Tenant web UIs are published only through "
        "the site's Gateways (Envoy Gateway creates its own Services from the site's gateways settings, outside "
        "any plan). Controls: CIS Kubernetes 5.7, ISO 27001 A.8.20."
    )


def _crossguard(policy_name: str, *views: ResourceView) -> list[tuple[str, str | None]]:
    """(message, urn) of what one CrossGuard policy reports, resource by resource or for the stack."""
    return [(r.message, r.urn) for r in crossguard_runner.run(views, only=policy_name)]


def test_crossguard_sees_plaintext_secrets_and_reports_literals() -> None:
    secret = k8s("Secret", "s", {"stringData": {"password": "hunter2"}})
    assert _crossguard("no-secret-literals", secret) == []
    key = k8s("ConfigMap", "c", {"data": {"note": "AKIAABCDEFGHIJKLMNOP"}})
    assert _crossguard("no-secret-literals", key) == [
        ("GC-SEC-001: data.note holds what looks like a credential", None)
    ]


def test_crossguard_stack_checks_report_the_urn_and_read_protect_and_type() -> None:
    assert _crossguard("default-deny-network", namespace(), netpol({**DENY, "ingress": [{}]})) == [
        (f"GC-NET-001: {NO_DENY}", "urn:Namespace:None/nso")
    ]
    assert _crossguard("default-deny-network", namespace(), netpol(DENY)) == []
    assert _crossguard("data-resources-protected", namespace(protect=False)) == [
        ("GC-DATA-001: data-bearing resource is not protected", None)
    ]
    assert _crossguard("data-resources-protected", namespace()) == []


def test_secret_words_at_the_top_and_inside_lists_are_named_by_their_path() -> None:
    flat = ResourceView("urn:b", BUCKET_TYPE, "b", {"name": "b-1", "api_key": "hunter2"}, True, True)
    assert run("GC-SEC-001", flat) == [("urn:b", "api_key is a literal secret; reference a Secret instead")]
    nested = k8s("Deployment", "d", {"spec": {"items": [{"password": "hunter2"}]}})
    assert run("GC-SEC-001", nested) == [
        ("urn:Deployment:nso/d", "spec.items[0].password is a literal secret; reference a Secret instead")
    ]
    config = k8s("ConfigMap", "c", {"data": {"password": "hunter2"}})
    assert run("GC-SEC-001", config) == [
        ("urn:ConfigMap:nso/c", "data.password is a literal secret; reference a Secret instead")
    ]


def test_only_an_access_key_id_is_exempt_in_a_secret() -> None:
    secret = k8s("Secret", "s", {"stringData": {"AWS_ACCESS_KEY_ID": "id", "TOKENACCESS_KEY_ID": "x"}})
    assert run("GC-SEC-001", secret) == [
        ("urn:Secret:nso/s", "stringData.TOKENACCESS_KEY_ID is a plain value, not a Pulumi secret")
    ]


def test_a_read_only_rule_does_not_hide_a_later_write() -> None:
    read = {"apiGroups": ["networking.k8s.io"], "resources": ["networkpolicies"], "verbs": ["get"]}
    write = {"apiGroups": ["networking.k8s.io"], "resources": ["networkpolicies"], "verbs": ["patch"]}
    assert run("GC-IAM-002", namespace(), role([read, write])) == [
        ("urn:Role:nso/r", "Role r may write networkpolicies (networking.k8s.io)")
    ]


def test_a_violation_as_json() -> None:
    from govcloud.policy.framework import Violation

    assert Violation("GC-NET-001 default-deny-network", "urn:x", "no deny", "mandatory").as_json() == {
        "policy": "GC-NET-001 default-deny-network",
        "urn": "urn:x",
        "message": "no deny",
        "enforcement": "mandatory",
    }
