"""Each policy of the pack with a violating and a compliant case, through both of its callers."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import pytest

from govcloud.manifests.admission import (
    ingress_hosts_policy,
    listener_hosts_policy,
    route_hosts_policy,
    web_label_policy,
)
from govcloud.policy.baseline import POLICIES
from govcloud.policy.framework import Policy, ResourceView, evaluate
from tests import crossguard_runner

LABELS = {
    "govcloud.go.th/tenant": "nso",
    "govcloud.go.th/agency": "NSO",
    "govcloud.go.th/classification": "confidential",
    "govcloud.go.th/cost-center": "CC-1",
    "app.kubernetes.io/managed-by": "govcloud",
    **{f"pod-security.kubernetes.io/{m}": "restricted" for m in ("enforce", "audit", "warn")},
}


def k8s(kind: str, name: str, body: dict[str, Any], namespace: str | None = "nso", **meta: Any) -> ResourceView:
    api = {
        "NetworkPolicy": "networking.k8s.io/v1",
        "Cluster": "postgresql.cnpg.io/v1",
        "ScheduledBackup": "postgresql.cnpg.io/v1",
        "RoleBinding": "rbac.authorization.k8s.io/v1",
        "Role": "rbac.authorization.k8s.io/v1",
        "ValidatingAdmissionPolicy": "admissionregistration.k8s.io/v1",
        "ValidatingAdmissionPolicyBinding": "admissionregistration.k8s.io/v1",
        "ClusterRoleBinding": "rbac.authorization.k8s.io/v1",
    }.get(kind, "v1")
    metadata = {"name": name, **({"namespace": namespace} if namespace else {}), **meta}
    group = api.split("/")[0] if "/" in api else "core"
    return ResourceView(
        urn=f"urn:pulumi:s::p::kubernetes:{group}/v1:{kind}::{name}",
        type=f"kubernetes:{api if '/' in api else 'core/v1'}:{kind}",
        name=name,
        inputs={"apiVersion": api, "kind": kind, "metadata": metadata, **body},
        protect=kind in ("Namespace", "Cluster"),
        retain_on_delete=kind in ("Namespace", "Cluster"),
    )


NAMESPACE = k8s("Namespace", "nso", {}, namespace=None, labels=LABELS)
DENY = k8s("NetworkPolicy", "default-deny-all", {"spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}})
QUOTA = k8s("ResourceQuota", "q", {"spec": {"hard": {"services.loadbalancers": "0", "services.nodeports": "0"}}})
LIMITS = k8s("LimitRange", "l", {"spec": {"limits": []}})
CLUSTER = k8s(
    "Cluster",
    "nso-pg",
    {"spec": {"backup": {"barmanObjectStore": {"destinationPath": "s3://b/"}, "retentionPolicy": "30d"}}},
)
SCHEDULE = k8s("ScheduledBackup", "nso-pg-backup", {"spec": {"cluster": {"name": "nso-pg"}, "schedule": "0 0 2 * * *"}})
BUCKET = ResourceView(
    urn="urn:pulumi:s::p::pulumi-python:dynamic/govcloud:Bucket::b",
    type="pulumi-python:dynamic/govcloud:Bucket",
    name="b",
    inputs={"name": "national-nso-raw", "versioning": True, "endpoint_url": "https://s3.gdcc.go.th"},
    protect=True,
    retain_on_delete=True,
)
COMPLIANT = [NAMESPACE, DENY, QUOTA, LIMITS, CLUSTER, SCHEDULE, BUCKET]


def replace(view: ResourceView, **changes: Any) -> ResourceView:
    data = {**view.__dict__, **changes}
    return ResourceView(**data)


def with_inputs(view: ResourceView, path: str, value: Any) -> ResourceView:
    inputs = copy.deepcopy(dict(view.inputs))
    node = inputs
    *parents, last = path.split(".")
    for part in parents:
        node = node[part]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return replace(view, inputs=inputs)


def with_labels(labels: dict[str, str]) -> ResourceView:
    return replace(NAMESPACE, inputs={**NAMESPACE.inputs, "metadata": {"name": "nso", "labels": labels}})


def swap(old: ResourceView, new: ResourceView | None) -> list[ResourceView]:
    return [new if r is old else r for r in COMPLIANT if not (r is old and new is None)]


def policy(policy_id: str) -> Policy:
    return next(p for p in POLICIES if p.id == policy_id)


MOPH = [
    k8s("Namespace", "moph", {}, namespace=None, labels={**LABELS, "govcloud.go.th/tenant": "moph"}),
    *(replace(r, inputs={**r.inputs, "metadata": {**r.metadata, "namespace": "moph"}}) for r in (DENY, QUOTA, LIMITS)),
]
TO_OTHER_TENANTS = k8s(
    "NetworkPolicy",
    "sharing-egress",
    {
        "spec": {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [
                {
                    "to": [
                        {
                            "namespaceSelector": {
                                "matchExpressions": [{"key": "govcloud.go.th/tenant", "operator": "Exists"}]
                            }
                        }
                    ],
                    "ports": [{"port": 8080}],
                }
            ],
        }
    },
)

PLATFORM_NAMESPACE = k8s(
    "Namespace",
    "kyverno",
    {},
    namespace=None,
    labels={"govcloud.go.th/platform": "true", "app.kubernetes.io/managed-by": "govcloud"},
)


def _admission(site_objects: list[dict[str, Any]]) -> list[ResourceView]:
    return [k8s(o["kind"], o["metadata"]["name"], {"spec": o["spec"]}, namespace=None) for o in site_objects]


def admission_objects() -> list[ResourceView]:
    objects = []
    for policy in (ingress_hosts_policy(), route_hosts_policy(), listener_hosts_policy(), web_label_policy()):
        name = policy["metadata"]["name"]
        binding = {"kind": "ValidatingAdmissionPolicyBinding", "metadata": {"name": name}}
        objects += [policy, {**binding, "spec": {"policyName": name, "validationActions": ["Deny"]}}]
    return _admission(objects)


PUBLISHING_ROLE = k8s(
    "Role",
    "govcloud-tenant-engineer",
    {"rules": [{"apiGroups": ["networking.k8s.io"], "resources": ["ingresses"], "verbs": ["create", "get"]}]},
)

# A tenant's public listener and the Certificate that serves it (govcloud.manifests.gateway).
LISTENERS = k8s(
    "ListenerSet",
    "govcloud-public",
    {
        "spec": {
            "parentRef": {"name": "public"},
            "listeners": [
                {
                    "name": "https-0",
                    "hostname": "nso.data.go.th",
                    "protocol": "HTTPS",
                    "tls": {"certificateRefs": [{"name": "nso.data.go.th-tls"}]},
                }
            ],
        }
    },
)
CERTIFICATE = k8s(
    "Certificate",
    "nso.data.go.th",
    {
        "spec": {
            "secretName": "nso.data.go.th-tls",
            "dnsNames": ["nso.data.go.th"],
            "issuerRef": {"kind": "ClusterIssuer", "name": "govcloud-public-issuer"},
        }
    },
)

VIOLATIONS: list[tuple[str, list[ResourceView], str]] = [
    ("GC-TLS-001", [*COMPLIANT, LISTENERS], "Secret nso.data.go.th-tls is written by no cert-manager Certificate"),
    (
        "GC-TLS-001",
        [*COMPLIANT, LISTENERS, with_inputs(CERTIFICATE, "spec.dnsNames", ["hdc.data.go.th"])],
        "does not name nso.data.go.th",
    ),
    (
        "GC-TLS-002",
        [*COMPLIANT, LISTENERS, with_inputs(CERTIFICATE, "spec.issuerRef.name", "govcloud-site-issuer")],
        "certificate from the site CA",
    ),
    ("GC-DATA-001", swap(CLUSTER, replace(CLUSTER, protect=False)), "not protected"),
    ("GC-DATA-001", swap(BUCKET, replace(BUCKET, retain_on_delete=False)), "not retained on delete"),
    ("GC-DATA-002", swap(BUCKET, with_inputs(BUCKET, "versioning", False)), "versioning is not enabled"),
    ("GC-DATA-002", swap(BUCKET, with_inputs(BUCKET, "public_read_principal_arn", "*")), "beyond the open-data"),
    ("GC-DATA-003", swap(BUCKET, with_inputs(BUCKET, "endpoint_url", "http://minio:9000")), "plain HTTP"),
    ("GC-DATA-004", swap(SCHEDULE, None), "has no ScheduledBackup"),
    ("GC-DATA-004", swap(CLUSTER, with_inputs(CLUSTER, "spec.backup.retentionPolicy", "5d")), "under 7 days"),
    ("GC-DATA-004", swap(CLUSTER, with_inputs(CLUSTER, "spec.backup", {})), "no object-store backup"),
    (
        "GC-GOV-001",
        swap(NAMESPACE, with_labels({k: v for k, v in LABELS.items() if "cost-center" not in k})),
        "lacks the labels govcloud.go.th/cost-center",
    ),
    (
        "GC-K8S-001",
        swap(NAMESPACE, with_labels({**LABELS, "pod-security.kubernetes.io/enforce": "baseline"})),
        "'enforce' is not 'restricted'",
    ),
    ("GC-K8S-002", swap(QUOTA, None), "has no ResourceQuota"),
    ("GC-K8S-002", swap(LIMITS, None), "has no LimitRange"),
    (
        "GC-K8S-002",
        swap(
            QUOTA,
            k8s("ResourceQuota", "q", {"spec": {"hard": {"services.loadbalancers": "1", "services.nodeports": "0"}}}),
        ),
        "does not cap services.loadbalancers at 0",
    ),
    ("GC-NET-001", swap(DENY, None), "has no default-deny"),
    ("GC-NET-001", swap(DENY, with_inputs(DENY, "spec.policyTypes", ["Ingress"])), "has no default-deny"),
    ("GC-NET-003", [*COMPLIANT, *MOPH, TO_OTHER_TENANTS], "selects tenant namespaces moph"),
    ("GC-NET-004", [*COMPLIANT, PLATFORM_NAMESPACE], "govcloud-tenant-web-label and its binding are not declared"),
    (
        "GC-NET-004",
        [
            *COMPLIANT,
            PLATFORM_NAMESPACE,
            *(
                with_inputs(v, "spec.validationActions", ["Audit"]) if v.kind.endswith("Binding") else v  # type: ignore[union-attr]
                for v in admission_objects()
            ),
        ],
        "does not deny",
    ),
    ("GC-IAM-002", [*COMPLIANT, PUBLISHING_ROLE], "may write ingresses (networking.k8s.io)"),
    (
        "GC-IAM-002",
        [*COMPLIANT, with_inputs(PUBLISHING_ROLE, "rules", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])],
        "may write namespaces (core)",
    ),
    (
        "GC-IAM-002",
        [
            *COMPLIANT,
            with_inputs(
                PUBLISHING_ROLE,
                "rules",
                [
                    {
                        "apiGroups": ["gateway.networking.k8s.io"],
                        "resources": ["backendtlspolicies"],
                        "verbs": ["create"],
                    }
                ],
            ),
        ],
        "may write backendtlspolicies (gateway.networking.k8s.io)",
    ),
    (
        "GC-IAM-002",
        [
            *COMPLIANT,
            with_inputs(
                PUBLISHING_ROLE, "rules", [{"apiGroups": ["gateway.envoyproxy.io"], "resources": ["*"], "verbs": ["*"]}]
            ),
        ],
        "may write securitypolicies (gateway.envoyproxy.io)",
    ),
    ("GC-NET-002", [*COMPLIANT, k8s("Service", "web", {"spec": {"type": "LoadBalancer"}})], "type LoadBalancer"),
    (
        "GC-IAM-001",
        [
            *COMPLIANT,
            k8s("RoleBinding", "x", {"roleRef": {"kind": "ClusterRole", "name": "cluster-admin"}, "subjects": []}),
        ],
        "privileged ClusterRole cluster-admin",
    ),
    (
        "GC-IAM-001",
        [
            *COMPLIANT,
            k8s(
                "ClusterRoleBinding",
                "x",
                {"roleRef": {"kind": "ClusterRole", "name": "view"}},
                namespace=None,
                labels={"app.kubernetes.io/managed-by": "govcloud"},
            ),
        ],
        "never grants tenants cluster-wide roles",
    ),
    (
        "GC-SEC-001",
        [*COMPLIANT, k8s("Secret", "s", {"stringData": {"AWS_SECRET_ACCESS_KEY": "hunter2"}})],
        "is a plain value, not a Pulumi secret",
    ),
    (
        "GC-SEC-001",
        [*COMPLIANT, k8s("ConfigMap", "c", {"data": {"key": "AKIAABCDEFGHIJKLMNOP"}})],
        "looks like a credential",
    ),
    (
        "GC-SEC-001",
        [
            *COMPLIANT,
            k8s("Pod", "p", {"spec": {"containers": [{"env": [{"name": "DB_PASSWORD", "value": "hunter2"}]}]}}),
        ],
        "is a literal secret",
    ),
]


def test_the_compliant_platform_passes_every_policy() -> None:
    assert evaluate(POLICIES, COMPLIANT) == []
    assert evaluate(POLICIES, [*COMPLIANT, *MOPH]) == [], "two isolated tenants are compliant"
    assert evaluate(POLICIES, [*COMPLIANT, LISTENERS, CERTIFICATE]) == [], "a listener with its own certificate"
    assert evaluate(POLICIES, [*COMPLIANT, PLATFORM_NAMESPACE, *admission_objects()]) == []


@pytest.mark.parametrize(
    ("policy_id", "resources", "message"), VIOLATIONS, ids=[f"{p}-{i}" for i, (p, _, _) in enumerate(VIOLATIONS)]
)
def test_a_violation_is_found_by_its_policy(policy_id: str, resources: list[ResourceView], message: str) -> None:
    found = evaluate(POLICIES, resources)
    assert any(v.policy.startswith(policy_id) and message in v.message for v in found), found
    assert {v.policy.split()[0] for v in found} == {policy_id}


ADVISORY = {"GC-DATA-003", "GC-TLS-002"}
"""The two advisory policies (an object store reached over plain HTTP, a public name on the site CA: both
warnings an operator may accept for a lab site); every other policy blocks a deployment."""


@pytest.mark.parametrize(
    ("policy_id", "resources", "message"), VIOLATIONS, ids=[f"{p}-{i}" for i, (p, _, _) in enumerate(VIOLATIONS)]
)
def test_a_violation_carries_its_policys_enforcement(
    policy_id: str, resources: list[ResourceView], message: str
) -> None:
    """`govcloud synth` counts mandatory violations for its exit code, so each must say which it is, on the
    resource path and the stack path alike."""
    expected = "advisory" if policy_id in ADVISORY else "mandatory"
    found = [v for v in evaluate(POLICIES, resources) if v.policy.startswith(policy_id)]
    assert found and {v.enforcement for v in found} == {expected}


def test_every_policy_has_a_violating_case_and_documented_controls() -> None:
    assert {p for p, _, _ in VIOLATIONS} == {p.id for p in POLICIES}
    for item in POLICIES:
        assert item.rationale and item.controls and item.description


def test_masked_secrets_and_references_are_compliant() -> None:
    masked = k8s("Secret", "s", {"stringData": {"AWS_SECRET_ACCESS_KEY": "[secret]", "AWS_REGION": "th"}})
    reference = k8s(
        "Pod",
        "p",
        {
            "spec": {
                "containers": [
                    {"env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}]}
                ]
            }
        },
    )
    assert evaluate(POLICIES, [*COMPLIANT, masked, reference]) == []


# ------------------------------------------------------------------ the CrossGuard caller, same answers


def _crossguard(resources: Sequence[ResourceView]) -> set[tuple[str, str]]:
    """Run the CrossGuard policies the way the analyzer does and collect (policy id, urn)."""
    return {(r.message.split(":")[0], r.resource or r.urn or "") for r in crossguard_runner.run(resources)}


@pytest.mark.parametrize(
    ("policy_id", "resources", "message"),
    [v for v in VIOLATIONS if not ("not retained" in v[2] or "not a Pulumi secret" in v[2])],
    ids=lambda v: v if isinstance(v, str) and v.startswith("GC-") else "",
)
def test_crossguard_reports_what_synth_reports(policy_id: str, resources: list[ResourceView], message: str) -> None:
    synth = {(v.policy.split()[0], v.urn) for v in evaluate(POLICIES, resources)}
    assert _crossguard(resources) == synth


def test_crossguard_finds_nothing_on_the_compliant_platform() -> None:
    assert _crossguard(COMPLIANT) == set()
