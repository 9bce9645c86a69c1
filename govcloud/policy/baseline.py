"""The baseline policies of the platform, each with an ID, a rationale and the controls it serves.

Control references: the Thai Cybersecurity Act B.E. 2562 baseline (NCSA's minimum security standard),
Thailand's PDPA B.E. 2562, the CIS Kubernetes Benchmark v1.9, and ISO/IEC 27001:2022 Annex A.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from govcloud.analysis.isolation import cross_tenant_rules
from govcloud.manifests.admission import (
    INGRESS_HOSTS_POLICY,
    LISTENER_HOSTS_POLICY,
    ROUTE_HOSTS_POLICY,
    WEB_LABEL_POLICY,
)
from govcloud.manifests.gateway import https_listener_problems
from govcloud.manifests.network import denies_all
from govcloud.naming import MANAGED_BY, label
from govcloud.policy.framework import Enforcement, Policy, ResourceView
from govcloud.safety import is_data_bearing
from govcloud.storage.specs import BUCKET_TYPE

PLATFORM = label("platform")
SECRET_MASK = "[secret]"
REQUIRED_NAMESPACE_LABELS = (
    label("tenant"),
    label("agency"),
    label("classification"),
    label("cost-center"),
    MANAGED_BY[0],
)
PRIVILEGED_CLUSTER_ROLES = frozenset({"cluster-admin", "admin", "edit"})
MIN_BACKUP_RETENTION_DAYS = 7
_SECRET_KEY = re.compile(
    r"(?i)^(.*[_-])?(password|passwd|secret[_-]?access[_-]?key|client[_-]?secret|api[_-]?key|private[_-]?key|token)$"
)
_CREDENTIAL_LITERAL = re.compile(r"(AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----)")


def _labels(resource: ResourceView) -> Mapping[str, Any]:
    labels = resource.metadata.get("labels")
    return labels if isinstance(labels, dict) else {}


def _is_tenant_namespace(resource: ResourceView) -> bool:
    return resource.kind == "Namespace" and label("tenant") in _labels(resource)


def _tenant_namespaces(resources: Sequence[ResourceView]) -> dict[str, ResourceView]:
    return {str(r.metadata.get("name")): r for r in resources if _is_tenant_namespace(r)}


def _by_namespace(resources: Sequence[ResourceView], kind: str) -> dict[str, list[ResourceView]]:
    found: dict[str, list[ResourceView]] = defaultdict(list)
    for resource in resources:
        if resource.kind == kind:
            found[str(resource.metadata.get("namespace"))].append(resource)
    return found


# ------------------------------------------------------------------------------------------ checks


def _data_protected(resource: ResourceView) -> Iterable[str]:
    if not is_data_bearing(resource.type):
        return
    if not resource.protect:
        yield "data-bearing resource is not protected"
    if resource.retain_on_delete is False:
        yield "data-bearing resource is not retained on delete"


def _required_labels(resource: ResourceView) -> Iterable[str]:
    labels = _labels(resource)
    if resource.kind != "Namespace" or labels.get(MANAGED_BY[0]) != MANAGED_BY[1] or labels.get(PLATFORM) == "true":
        return
    missing = [key for key in REQUIRED_NAMESPACE_LABELS if not _labels(resource).get(key)]
    if missing:
        yield f"namespace lacks the labels {', '.join(missing)}"


def _pod_security(resource: ResourceView) -> Iterable[str]:
    if not _is_tenant_namespace(resource):
        return
    for mode in ("enforce", "audit", "warn"):
        if _labels(resource).get(f"pod-security.kubernetes.io/{mode}") != "restricted":
            yield f"Pod Security '{mode}' is not 'restricted'"


def _default_deny(resources: Sequence[ResourceView]) -> Iterator[tuple[str, str]]:
    policies = _by_namespace(resources, "NetworkPolicy")
    for name, namespace in _tenant_namespaces(resources).items():
        denies = [
            p
            for p in policies.get(name, [])
            if denies_all(p.inputs.get("spec"), "Ingress") and denies_all(p.inputs.get("spec"), "Egress")
        ]
        if not denies:
            yield namespace.urn, f"tenant namespace {name} has no default-deny NetworkPolicy for ingress and egress"


def _no_cross_tenant_network(resources: Sequence[ResourceView]) -> Iterator[tuple[str, str]]:
    """Every rule of a tenant's NetworkPolicy that can select another tenant's pods (issue 10, class 1)."""
    tenants = _tenant_namespaces(resources)
    namespaces = {name: dict(_labels(ns)) for name, ns in tenants.items()}
    for policy in (r for r in resources if r.kind == "NetworkPolicy"):
        for problem in cross_tenant_rules([dict(policy.inputs)], namespaces, tenants):
            yield policy.urn, problem


#: (apiGroup, resource) a tenant role must never write: what publishes a tenant or bounds its isolation.
PLATFORM_OWNED = frozenset(
    {
        ("networking.k8s.io", "ingresses"),
        ("networking.k8s.io", "networkpolicies"),
        ("gateway.networking.k8s.io", "httproutes"),
        ("gateway.networking.k8s.io", "grpcroutes"),
        ("gateway.networking.k8s.io", "listenersets"),
        ("gateway.networking.k8s.io", "gateways"),
        # How Envoy reaches a tenant's backends and verifies them (the Trino UI's TLS, govcloud.manifests.gateway).
        ("gateway.networking.k8s.io", "backendtlspolicies"),
        # Envoy Gateway's own kinds (v1.9.0 api/v1alpha1): each can change routing, TLS or authentication of a
        # route it targets in its namespace, or (Backend) send traffic to an arbitrary address.
        ("gateway.envoyproxy.io", "envoyproxies"),
        ("gateway.envoyproxy.io", "securitypolicies"),
        ("gateway.envoyproxy.io", "backendtrafficpolicies"),
        ("gateway.envoyproxy.io", "clienttrafficpolicies"),
        ("gateway.envoyproxy.io", "envoyextensionpolicies"),
        ("gateway.envoyproxy.io", "envoypatchpolicies"),
        ("gateway.envoyproxy.io", "httproutefilters"),
        ("gateway.envoyproxy.io", "backends"),
        ("cert-manager.io", "certificates"),
        ("", "namespaces"),
        ("", "resourcequotas"),
        ("", "limitranges"),
        ("rbac.authorization.k8s.io", "roles"),
        ("rbac.authorization.k8s.io", "rolebindings"),
        ("admissionregistration.k8s.io", "validatingadmissionpolicies"),
        ("admissionregistration.k8s.io", "validatingadmissionpolicybindings"),
    }
)
_WRITE_VERBS = frozenset({"create", "update", "patch", "delete", "deletecollection", "*"})


def _tenant_roles_stay_in_their_lane(resources: Sequence[ResourceView]) -> Iterator[tuple[str, str]]:
    """A Role in a tenant namespace that writes what the platform owns (issue 10, class 3: publishing)."""
    tenants = _tenant_namespaces(resources)
    for role in resources:
        if role.kind != "Role" or str(role.metadata.get("namespace")) not in tenants:
            continue
        for rule in role.inputs.get("rules") or []:
            if not _WRITE_VERBS & set(rule.get("verbs") or []):
                continue
            for group in rule.get("apiGroups") or []:
                for resource in rule.get("resources") or []:
                    owned = {(g, r) for g, r in PLATFORM_OWNED if group in (g, "*") and resource in (r, "*")}
                    for g, r in sorted(owned):
                        yield role.urn, f"Role {role.metadata.get('name')} may write {r} ({g or 'core'})"


def _admission_policies_present(resources: Sequence[ResourceView]) -> Iterator[tuple[str, str]]:
    """Where the plan declares the site platform, the tenant host and web-label policies are bound, Deny."""
    platform = [r for r in resources if r.kind == "Namespace" and _labels(r).get(PLATFORM) == "true"]
    if not platform or not _tenant_namespaces(resources):
        return  # a sharded tenant stack: its platform stack carries the policies
    declared = {
        (str(r.kind), str(r.metadata.get("name"))): r
        for r in resources
        if r.kind in ("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding")
    }
    for name in (INGRESS_HOSTS_POLICY, ROUTE_HOSTS_POLICY, LISTENER_HOSTS_POLICY, WEB_LABEL_POLICY):
        binding = declared.get(("ValidatingAdmissionPolicyBinding", name))
        if ("ValidatingAdmissionPolicy", name) not in declared or binding is None:
            yield platform[0].urn, f"the admission policy {name} and its binding are not declared"
        elif "Deny" not in (binding.inputs.get("spec", {}).get("validationActions") or []):
            yield binding.urn, f"the binding of {name} does not deny"


def _listener_problems(resources: Sequence[ResourceView]) -> Iterator[tuple[str, str, str]]:
    """(urn of the Gateway or ListenerSet, problem code, message) for every HTTPS listener's certificate."""
    views = [r for r in resources if r.kind in ("Gateway", "ListenerSet", "Certificate")]
    urns = {(r.kind, r.metadata.get("namespace"), r.metadata.get("name")): r.urn for r in views}
    for problem in https_listener_problems(dict(r.inputs) for r in views):
        kind = "ListenerSet" if problem.listener_set else "Gateway"
        yield urns.get((kind, problem.namespace, problem.owner), ""), problem.code, problem.message


def _https_listeners_certified(resources: Sequence[ResourceView]) -> Iterator[tuple[str, str]]:
    """Every HTTPS listener serves a Secret that a declared Certificate writes for exactly its hostname."""
    for urn, code, message in _listener_problems(resources):
        if code != "untrusted":
            yield urn, message


def _public_names_publicly_trusted(resources: Sequence[ResourceView]) -> Iterator[tuple[str, str]]:
    """A name on the public Gateway has a certificate from the site's publicly trusted issuer, not the site CA."""
    for urn, code, message in _listener_problems(resources):
        if code == "untrusted":
            yield urn, message


def _quotas_present(resources: Sequence[ResourceView]) -> Iterator[tuple[str, str]]:
    quotas = _by_namespace(resources, "ResourceQuota")
    limits = _by_namespace(resources, "LimitRange")
    for name, namespace in _tenant_namespaces(resources).items():
        if not quotas.get(name):
            yield namespace.urn, f"tenant namespace {name} has no ResourceQuota"
        if not limits.get(name):
            yield namespace.urn, f"tenant namespace {name} has no LimitRange"
        for quota in quotas.get(name, []):
            hard = quota.inputs.get("spec", {}).get("hard", {})
            for key in ("services.loadbalancers", "services.nodeports"):
                if str(hard.get(key)) != "0":
                    yield quota.urn, f"ResourceQuota of {name} does not cap {key} at 0"


def _no_privileged_bindings(resource: ResourceView) -> Iterable[str]:
    if resource.kind not in ("RoleBinding", "ClusterRoleBinding"):
        return
    role = resource.inputs.get("roleRef", {})
    if resource.kind == "ClusterRoleBinding" and _labels(resource).get(MANAGED_BY[0]) == MANAGED_BY[1]:
        yield "govcloud never grants tenants cluster-wide roles"
    if role.get("kind") == "ClusterRole" and role.get("name") in PRIVILEGED_CLUSTER_ROLES:
        yield f"binds the privileged ClusterRole {role.get('name')}"


def _no_external_services(resource: ResourceView) -> Iterable[str]:
    if resource.kind == "Service" and resource.inputs.get("spec", {}).get("type") in ("LoadBalancer", "NodePort"):
        yield f"Service of type {resource.inputs['spec']['type']} exposes a tenant outside the cluster"


def _bucket_baseline(resource: ResourceView) -> Iterable[str]:
    if resource.type != BUCKET_TYPE:
        return
    inputs = resource.inputs
    if inputs.get("versioning") is not True:
        yield "bucket versioning is not enabled"
    principal = inputs.get("public_read_principal_arn")
    if principal is not None and ("*" in str(principal) or not str(inputs.get("name", "")).endswith("-published")):
        yield "bucket grants read access beyond the open-data portal's published zone"


def _bucket_tls_endpoint(resource: ResourceView) -> Iterable[str]:
    if resource.type == BUCKET_TYPE and str(resource.inputs.get("endpoint_url") or "https://").startswith("http://"):
        yield "object-store endpoint is plain HTTP; data and keys cross the network unencrypted"


def _plugin_object_store(cluster: ResourceView, resources: Sequence[ResourceView]) -> ResourceView | None:
    """The ObjectStore a Cluster's WAL-archiving Barman Cloud plugin names, when it is in the plan."""
    for plugin in cluster.inputs.get("spec", {}).get("plugins") or []:
        if plugin.get("name") == "barman-cloud.cloudnative-pg.io" and plugin.get("isWALArchiver"):
            wanted = (cluster.metadata.get("namespace"), (plugin.get("parameters") or {}).get("barmanObjectName"))
            for store in resources:
                if (
                    store.kind == "ObjectStore"
                    and (store.metadata.get("namespace"), store.metadata.get("name")) == wanted
                ):
                    return store
    return None


def _backups(resources: Sequence[ResourceView]) -> Iterator[tuple[str, str]]:
    scheduled = {
        (str(r.metadata.get("namespace")), str(r.inputs.get("spec", {}).get("cluster", {}).get("name")))
        for r in resources
        if r.kind == "ScheduledBackup"
    }
    for cluster in resources:
        if cluster.kind != "Cluster" or not str(cluster.inputs.get("apiVersion", "")).startswith("postgresql.cnpg.io"):
            continue
        backup = cluster.inputs.get("spec", {}).get("backup") or {}
        key = (str(cluster.metadata.get("namespace")), str(cluster.metadata.get("name")))
        # The Barman Cloud plugin archives WAL to the ObjectStore the Cluster names, whose retentionPolicy
        # applies (plugin-barman-cloud web/docs/usage.md, retention.md); the in-tree barmanObjectStore
        # (removed in CloudNativePG 1.31) is still recognised.
        store = _plugin_object_store(cluster, resources)
        if store is not None:
            backup = {"barmanObjectStore": store.inputs.get("spec", {}).get("configuration"), **store.inputs["spec"]}
        if not backup.get("barmanObjectStore"):
            yield cluster.urn, "database has no object-store backup (WAL archiving)"
        match = re.fullmatch(r"(\d+)([dwm])", str(backup.get("retentionPolicy", "")))
        days = int(match[1]) * {"d": 1, "w": 7, "m": 30}[match[2]] if match else 0
        if days < MIN_BACKUP_RETENTION_DAYS:
            yield cluster.urn, f"backup retention is under {MIN_BACKUP_RETENTION_DAYS} days"
        if key not in scheduled:
            yield cluster.urn, "database has no ScheduledBackup"


def _walk_literals(value: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key), f"{path}.{key}" if path else str(key), item
            yield from _walk_literals(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict) and "name" in item and "value" in item:  # env: [{name, value}]
                yield str(item["name"]), f"{path}[{index}]", item["value"]
            yield from _walk_literals(item, f"{path}[{index}]")


def _no_secret_literals(resource: ResourceView) -> Iterable[str]:
    secret_object = resource.kind == "Secret"
    for key, path, value in _walk_literals(resource.inputs, ""):
        if not isinstance(value, str) or not value or value == SECRET_MASK or value.startswith("${"):
            continue
        if _CREDENTIAL_LITERAL.search(value):
            yield f"{path} holds what looks like a credential"
        elif secret_object and path.split(".")[0] in ("data", "stringData"):
            if resource.secrets_masked and _SECRET_KEY.search(key.replace("ACCESS_KEY_ID", "")):
                yield f"{path} is a plain value, not a Pulumi secret"
        elif _SECRET_KEY.search(key):
            yield f"{path} is a literal secret; reference a Secret instead"


# ---------------------------------------------------------------------------------------- policies

POLICIES: tuple[Policy, ...] = (
    Policy(
        id="GC-DATA-001",
        name="data-resources-protected",
        description="Databases, buckets, volumes and tenant namespaces are protected and retained on delete.",
        rationale="A lost database or bucket is the one failure the platform cannot survive; removing a tenant "
        "file must never delete its data.",
        controls=("ISO 27001 A.8.13", "NCSA baseline: backup and recovery", "PDPA s.37(1)"),
        enforcement=Enforcement.MANDATORY,
        resource_check=_data_protected,
    ),
    Policy(
        id="GC-DATA-002",
        name="buckets-versioned-private",
        description="Buckets are versioned and readable only by their tenant (published zone: the portal only).",
        rationale="Versioning recovers from deletion and ransomware; anonymous access leaks agency data.",
        controls=("ISO 27001 A.8.3", "ISO 27001 A.8.13", "PDPA s.37(1)", "NCSA baseline: access control"),
        enforcement=Enforcement.MANDATORY,
        resource_check=_bucket_baseline,
    ),
    Policy(
        id="GC-DATA-003",
        name="object-store-over-tls",
        description="The object store is reached over HTTPS.",
        rationale="Bucket policies deny non-TLS requests; a plain-HTTP endpoint is acceptable only in development.",
        controls=("ISO 27001 A.8.24", "NCSA baseline: cryptography"),
        enforcement=Enforcement.ADVISORY,
        resource_check=_bucket_tls_endpoint,
    ),
    Policy(
        id="GC-DATA-004",
        name="databases-backed-up",
        description=f"Every database archives WAL to object storage, keeps backups {MIN_BACKUP_RETENTION_DAYS}+ days "
        "and has a ScheduledBackup.",
        rationale="Point-in-time recovery needs continuous WAL archiving and regular base backups.",
        controls=("ISO 27001 A.8.13", "NCSA baseline: backup and recovery"),
        enforcement=Enforcement.MANDATORY,
        stack_check=_backups,
    ),
    Policy(
        id="GC-GOV-001",
        name="tenant-labels-required",
        description="Every govcloud namespace carries tenant, agency, classification, cost-centre and managed-by "
        "labels.",
        rationale="Auditors, cost reports and cluster policies select tenants by these labels.",
        controls=("ISO 27001 A.5.9", "ISO 27001 A.5.12"),
        enforcement=Enforcement.MANDATORY,
        resource_check=_required_labels,
    ),
    Policy(
        id="GC-K8S-001",
        name="pod-security-restricted",
        description="Tenant namespaces enforce, audit and warn at Pod Security 'restricted'.",
        rationale="Tenant workloads run as non-root without privilege escalation or host access.",
        controls=("CIS Kubernetes 5.2", "ISO 27001 A.8.9"),
        enforcement=Enforcement.MANDATORY,
        resource_check=_pod_security,
    ),
    Policy(
        id="GC-K8S-002",
        name="tenant-quotas-present",
        description="Every tenant namespace has a ResourceQuota (no LoadBalancer/NodePort) and a LimitRange.",
        rationale="No tenant may starve the others or open services outside the cluster.",
        controls=("CIS Kubernetes 5.7", "ISO 27001 A.8.6"),
        enforcement=Enforcement.MANDATORY,
        stack_check=_quotas_present,
    ),
    Policy(
        id="GC-NET-001",
        name="default-deny-network",
        description="Every tenant namespace has a default-deny NetworkPolicy for ingress and egress.",
        rationale="An agency's data must be unreachable by every other agency unless an agreement says otherwise.",
        controls=("CIS Kubernetes 5.3.2", "ISO 27001 A.8.22", "NCSA baseline: network segmentation"),
        enforcement=Enforcement.MANDATORY,
        stack_check=_default_deny,
    ),
    Policy(
        id="GC-NET-003",
        name="no-tenant-to-tenant-network",
        description="No NetworkPolicy in a tenant namespace admits or reaches another tenant's namespace.",
        rationale="Sharing is a read grant on the consumer's own storage identity, never a network path: a path "
        "between two tenants exposes every service of the one reached (issue 10).",
        controls=("ISO 27001 A.8.22", "CIS Kubernetes 5.3.2", "NCSA baseline: network segmentation", "PDPA s.37(1)"),
        enforcement=Enforcement.MANDATORY,
        stack_check=_no_cross_tenant_network,
    ),
    Policy(
        id="GC-NET-004",
        name="tenant-hosts-held-at-admission",
        description="The site binds the admission policies that keep tenant Ingress and route hosts to approved "
        "hostnames and the ingress controller's allowance label off tenant workloads.",
        rationale="Without them a tenant publishes any host, including the portal's, or makes its own pods "
        "reachable from the ingress controller (issue 10).",
        controls=("ISO 27001 A.8.20", "ISO 27001 A.8.22", "NCSA baseline: network segmentation"),
        enforcement=Enforcement.MANDATORY,
        stack_check=_admission_policies_present,
    ),
    Policy(
        id="GC-TLS-001",
        name="every-listener-certified",
        description="Every HTTPS listener of a Gateway or ListenerSet serves a Secret that a declared cert-manager "
        "Certificate writes for exactly that hostname.",
        rationale="A listener without its own certificate falls back to whatever the proxy has, or to none: "
        "clients learn to click through warnings (issue 14).",
        controls=("ISO 27001 A.8.24", "NCSA baseline: encryption in transit", "PDPA s.37(1)"),
        enforcement=Enforcement.MANDATORY,
        stack_check=_https_listeners_certified,
    ),
    Policy(
        id="GC-TLS-002",
        name="public-names-publicly-trusted",
        description="A name on the public Gateway gets its certificate from the site's publicly trusted issuer "
        "(govcloud:certificates.publicIssuer), not the site CA.",
        rationale="Public clients do not trust the government CA; a portal on it teaches citizens to accept "
        "any certificate. Without a trusted certificate there is no HSTS either (issue 14).",
        controls=("ISO 27001 A.8.24", "NCSA baseline: encryption in transit"),
        enforcement=Enforcement.ADVISORY,
        stack_check=_public_names_publicly_trusted,
    ),
    Policy(
        id="GC-NET-002",
        name="no-external-services",
        description="No Service of type LoadBalancer or NodePort.",
        rationale="Tenant web UIs are published only through the site's Gateways (Envoy Gateway creates its own "
        "Services from the site's gateways settings, outside any plan).",
        controls=("CIS Kubernetes 5.7", "ISO 27001 A.8.20"),
        enforcement=Enforcement.MANDATORY,
        resource_check=_no_external_services,
    ),
    Policy(
        id="GC-IAM-001",
        name="no-privileged-bindings",
        description="No binding to cluster-admin, admin or edit, and no cluster-wide bindings for tenants.",
        rationale="Least privilege: tenant roles are namespaced and cannot change their own isolation.",
        controls=("CIS Kubernetes 5.1.1", "ISO 27001 A.8.2", "NCSA baseline: access control"),
        enforcement=Enforcement.MANDATORY,
        resource_check=_no_privileged_bindings,
    ),
    Policy(
        id="GC-IAM-002",
        name="tenant-roles-cannot-publish-or-widen",
        description="No Role in a tenant namespace writes Ingresses, routes, NetworkPolicies, quotas, RBAC, "
        "namespaces or admission policies.",
        rationale="What publishes a tenant and what bounds it belong to the platform; a tenant that could write "
        "them could serve any host or widen its own isolation.",
        controls=("CIS Kubernetes 5.1.1", "ISO 27001 A.8.2", "ISO 27001 A.8.20"),
        enforcement=Enforcement.MANDATORY,
        stack_check=_tenant_roles_stay_in_their_lane,
    ),
    Policy(
        id="GC-SEC-001",
        name="no-secret-literals",
        description="No credential appears as a literal in any resource's inputs.",
        rationale="Secrets stay Pulumi secrets: encrypted in state, masked in plans, never in manifests or logs.",
        controls=("ISO 27001 A.8.24", "ISO 27001 A.5.17", "PDPA s.37(1)"),
        enforcement=Enforcement.MANDATORY,
        resource_check=_no_secret_literals,
    ),
)
