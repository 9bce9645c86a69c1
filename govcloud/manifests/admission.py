"""Admission rules that hold for every object in a tenant namespace, Pulumi's or not (issue 10, class 3).

Built-in ``ValidatingAdmissionPolicy`` objects (``admissionregistration.k8s.io/v1``, CEL; GA since
Kubernetes 1.30), so no webhook has to be up for them to hold:

* ``govcloud-tenant-ingress-hosts``: every host of an Ingress (rules and TLS) is one of the tenant's approved
  hostnames; no catch-all rule or default backend; no ingress-nginx annotation that adds server names or
  raw configuration (``server-alias``, ``*-snippet``).
* ``govcloud-tenant-route-hosts``: the same for Gateway API ``HTTPRoute`` and ``GRPCRoute`` objects, which
  must name their hostnames.
* ``govcloud-tenant-listener-hosts``: the same for ``ListenerSet`` listeners (every listener names an approved
  hostname), the second wall behind the Gateways' ``allowedListeners`` (``govcloud.manifests.gateway``).
* ``govcloud-tenant-web-label``: a tenant principal — a member of one of the tenant's identity-provider
  groups, or a service account of the tenant's namespace — may not create or update a workload whose pods
  carry ``govcloud.go.th/web``, the label the ingress controller's allowance selects. Only govcloud's own
  releases (applied by the platform's deployer) and the controllers acting for them produce such pods.

How one policy serves hundreds of tenants: each tenant's approved hostnames and its groups are annotations
on its Namespace, which govcloud writes and no tenant role may change (``govcloud.manifests.rbac`` grants
nothing on namespaces; ``tests/program/test_isolation.py`` proves it for every group). The CEL reads them
through ``namespaceObject``. So a site has four policies and four bindings whatever its size, and a
tenant's change of hostnames is a change of its own Namespace only.

Upstream facts (checked, kubernetes/website ``content/en/docs/reference/using-api/cel.md`` and
``content/en/docs/reference/access-authn-authz/validating-admission-policy.md``): ``namespaceObject`` is the
namespace of the object under review; ``variables`` are lazily evaluated; the extended strings library
(``split``, ``join``, ``endsWith`` is standard CEL) is available in every Kubernetes version that has CEL.
Hostnames and group names are comma-free by the contract's field rules, so a comma-joined annotation is exact.
"""

from __future__ import annotations

from typing import Any

from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest
from govcloud.naming import MANAGED_BY, TENANT_LABEL, label

API_VERSION = "admissionregistration.k8s.io/v1"
HOSTNAMES_ANNOTATION = label("hostnames")
"""Comma-separated approved hostnames of the tenant, on its Namespace."""
GROUPS_ANNOTATION = label("access-groups")
"""Comma-separated identity-provider groups of the tenant as the API server sees them (with its prefix)."""
WEB_LABEL = label("web")
PLATFORM_LABEL = label("platform")

INGRESS_HOSTS_POLICY = "govcloud-tenant-ingress-hosts"
ROUTE_HOSTS_POLICY = "govcloud-tenant-route-hosts"
WEB_LABEL_POLICY = "govcloud-tenant-web-label"
FORBIDDEN_INGRESS_ANNOTATION = "nginx.ingress.kubernetes.io/server-alias"
"""ingress-nginx serves the Ingress under these extra names as well: a way around the host rule."""

_WRITE = ["CREATE", "UPDATE"]
_TENANT_NAMESPACES = {"matchExpressions": [{"key": TENANT_LABEL, "operator": "Exists"}]}


def tenant_access_groups(tenant: TenantRequest, groups_prefix: str = "") -> list[str]:
    """Every group of every role, as RoleBinding subjects name them (the API server's OIDC prefix added)."""
    access = tenant.spec.access
    groups = [*access.admins, *access.engineers, *access.analysts, *access.viewers]
    return sorted({groups_prefix + group for group in groups})


def tenant_admission_annotations(tenant: TenantRequest, site: SiteConfig) -> dict[str, str]:
    """What the admission policies read from the tenant's Namespace: its hostnames and its groups."""
    for value in [*tenant.spec.network.ingress.hostnames, *tenant_access_groups(tenant)]:
        if "," in value:  # the contract's field rules refuse commas; never trust that silently
            raise ValueError(f"tenant {tenant.name}: {value!r} contains a comma")
    return {
        HOSTNAMES_ANNOTATION: ",".join(tenant.spec.network.ingress.hostnames),
        GROUPS_ANNOTATION: ",".join(tenant_access_groups(tenant, site.identity_provider.groups_prefix)),
    }


def _annotation_list(key: str) -> str:
    """CEL: the comma-separated annotation ``key`` of the object's namespace as a list, [] when absent."""
    annotations = "namespaceObject.metadata.annotations"
    return f"has({annotations}) && '{key}' in {annotations} ? {annotations}['{key}'].split(',').filter(v, v != '') : []"


def _metadata(name: str) -> dict[str, Any]:
    return {"name": name, "labels": {PLATFORM_LABEL: "true", MANAGED_BY[0]: MANAGED_BY[1]}}


def _policy(
    name: str, rules: list[dict[str, Any]], variables: list[dict[str, str]], validations: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": "ValidatingAdmissionPolicy",
        "metadata": _metadata(name),
        "spec": {
            "failurePolicy": "Fail",
            "matchConstraints": {"resourceRules": rules},
            "variables": variables,
            "validations": validations,
        },
    }


def _binding(policy: str) -> dict[str, Any]:
    """Binds ``policy`` to every tenant namespace (by the tenant label, which tenants cannot change)."""
    return {
        "apiVersion": API_VERSION,
        "kind": "ValidatingAdmissionPolicyBinding",
        "metadata": _metadata(policy),
        "spec": {
            "policyName": policy,
            "validationActions": ["Deny"],
            "matchResources": {"namespaceSelector": _TENANT_NAMESPACES},
        },
    }


def _rule(group: str, *resources: str) -> dict[str, Any]:
    return {"apiGroups": [group], "apiVersions": ["*"], "operations": list(_WRITE), "resources": list(resources)}


_HOSTS = {"name": "hosts", "expression": _annotation_list(HOSTNAMES_ANNOTATION)}
_HOSTS_MESSAGE = (
    "'hosts in namespace ' + namespaceObject.metadata.name + ' must be among its approved hostnames ['"
    " + variables.hosts.join(', ') + ']'"
)


def ingress_hosts_policy() -> dict[str, Any]:
    """Ingress: every rule names an approved host, TLS names only approved hosts, no alias or snippet."""
    return _policy(
        INGRESS_HOSTS_POLICY,
        [_rule("networking.k8s.io", "ingresses")],
        [_HOSTS],
        [
            {
                "expression": "!has(object.spec.defaultBackend)",
                "message": "a tenant Ingress may not have a default backend: every rule names an approved host",
            },
            {
                "expression": "!has(object.spec.rules) || "
                "object.spec.rules.all(r, has(r.host) && r.host in variables.hosts)",
                "messageExpression": "'Ingress ' + " + _HOSTS_MESSAGE,
            },
            {
                "expression": "!has(object.spec.tls) || "
                "object.spec.tls.all(t, !has(t.hosts) || t.hosts.all(h, h in variables.hosts))",
                "messageExpression": "'Ingress TLS ' + " + _HOSTS_MESSAGE,
            },
            {
                "expression": "!has(object.metadata.annotations) || !object.metadata.annotations.exists(k, "
                f"k == '{FORBIDDEN_INGRESS_ANNOTATION}' || k.endsWith('-snippet'))",
                "message": "a tenant Ingress may not add server names or raw controller configuration "
                f"({FORBIDDEN_INGRESS_ANNOTATION}, *-snippet annotations)",
            },
        ],
    )


def route_hosts_policy() -> dict[str, Any]:
    """Gateway API routes: ``hostnames`` present, non-empty, and all approved (no wildcard unless approved)."""
    return _policy(
        ROUTE_HOSTS_POLICY,
        [_rule("gateway.networking.k8s.io", "httproutes", "grpcroutes")],
        [_HOSTS],
        [
            {
                "expression": "has(object.spec.hostnames) && object.spec.hostnames.size() > 0 && "
                "object.spec.hostnames.all(h, h in variables.hosts)",
                "messageExpression": "'route ' + " + _HOSTS_MESSAGE,
            }
        ],
    )


LISTENER_HOSTS_POLICY = "govcloud-tenant-listener-hosts"


def listener_hosts_policy() -> dict[str, Any]:
    """Gateway API ``ListenerSet`` (govcloud.manifests.gateway): every listener names an approved host (no
    catch-all listener), so a set in a tenant namespace can never claim another tenant's or the platform's
    name, whoever writes it. The Gateway's ``allowedListeners`` is the first wall; this is the second."""
    return _policy(
        LISTENER_HOSTS_POLICY,
        [_rule("gateway.networking.k8s.io", "listenersets")],
        [_HOSTS],
        [
            {
                "expression": "object.spec.listeners.all(l, has(l.hostname) && l.hostname in variables.hosts)",
                "messageExpression": "'ListenerSet ' + " + _HOSTS_MESSAGE,
            }
        ],
    )


#: Where a workload kind keeps the labels its pods get (CEL paths below ``object``), beside its own metadata.
_POD_LABEL_HOLDERS = (
    ("spec", "template", "metadata"),  # Deployment, StatefulSet, ReplicaSet, DaemonSet, Job, ReplicationController
    ("spec", "jobTemplate", "spec", "template", "metadata"),  # CronJob
    ("template", "metadata"),  # PodTemplate
    ("spec", "driver"),  # SparkApplication: the operator copies driver/executor labels onto the pods
    ("spec", "executor"),
    ("spec", "driver", "template", "metadata"),  # ... and their pod templates (spark-operator v2.5 CRD)
    ("spec", "executor", "template", "metadata"),
    ("spec", "template", "driver"),  # ScheduledSparkApplication
    ("spec", "template", "executor"),
    ("spec", "template", "driver", "template", "metadata"),
    ("spec", "template", "executor", "template", "metadata"),
)


def _holder(path: tuple[str, ...]) -> str:
    steps = ["object." + ".".join(path[: i + 1]) for i in range(len(path))]
    guard = " && ".join(f"has({step})" for step in steps)
    return f"({guard} ? [{steps[-1]}] : [])"


def web_label_policy() -> dict[str, Any]:
    """Tenant principals may not put the ingress controller's allowance label on any pod they can shape."""
    holders = " + ".join(["[object.metadata]", *(_holder(path) for path in _POD_LABEL_HOLDERS)])
    return _policy(
        WEB_LABEL_POLICY,
        [
            _rule("", "pods", "podtemplates", "replicationcontrollers"),
            _rule("apps", "deployments", "statefulsets", "replicasets", "daemonsets"),
            _rule("batch", "jobs", "cronjobs"),
            _rule("sparkoperator.k8s.io", "sparkapplications", "scheduledsparkapplications"),
        ],
        [
            {"name": "tenantGroups", "expression": _annotation_list(GROUPS_ANNOTATION)},
            {
                "name": "byTenant",
                "expression": "request.userInfo.username.startsWith('system:serviceaccount:' + "
                "namespaceObject.metadata.name + ':') || (has(request.userInfo.groups) && "
                "request.userInfo.groups.exists(g, g in variables.tenantGroups))",
            },
            {"name": "labelHolders", "expression": holders},
            {
                "name": "webLabelled",
                "expression": f"variables.labelHolders.exists(m, has(m.labels) && '{WEB_LABEL}' in m.labels)",
            },
        ],
        [
            {
                "expression": "!variables.byTenant || !variables.webLabelled",
                "message": f"only govcloud's own web releases carry {WEB_LABEL}: a tenant's workloads may not set "
                "it (it is what lets the ingress controller reach a pod)",
            }
        ],
    )


MIN_KUBERNETES = (1, 30)
"""``admissionregistration.k8s.io/v1`` ValidatingAdmissionPolicy is GA (served by default) from 1.30."""


def admission_policies(site: SiteConfig) -> list[dict[str, Any]]:
    """The site's policies, each followed by its binding to every tenant namespace."""
    major, minor = (int(part) for part in site.kubernetes_version.split(".")[:2])
    if (major, minor) < MIN_KUBERNETES:
        raise ValueError(
            f"site {site.site}: Kubernetes {site.kubernetes_version} has no ValidatingAdmissionPolicy v1; "
            "tenant host and label rules need 1.30 or newer"
        )
    objects: list[dict[str, Any]] = []
    for policy in (ingress_hosts_policy(), route_hosts_policy(), listener_hosts_policy(), web_label_policy()):
        objects += [policy, _binding(policy["metadata"]["name"])]
    return objects
