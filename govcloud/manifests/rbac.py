"""The four tenant roles and their bindings to identity-provider groups.

Least privilege, by design:
* admin     – runs the tenant's workloads and reads its secrets; may not touch RBAC, network policy, quotas.
* engineer  – builds pipelines: workloads, jobs, config and secrets; no exec into database pods' RBAC.
* analyst   – reads workloads and logs and runs Spark jobs; never reads Secrets.
* viewer    – sees that things run (status only); no logs, config or secrets, which can hold data.
Network policies, quotas, limit ranges, roles and bindings belong to the platform: no tenant role may
change them, so a tenant can't widen its own isolation. Ingresses too: govcloud publishes a tenant's UIs on
its approved hostnames; tenant roles only read them (issue 10, class 3). Namespaces are cluster-scoped and no
tenant role grants anything on them, which is what makes the admission policies' namespace annotations safe
(``govcloud.manifests.admission``).
"""

from __future__ import annotations

from typing import Any

from govcloud.contract.tenant import TenantRequest
from govcloud.manifests.common import tenant_metadata

READ = ["get", "list", "watch"]
WRITE = ["get", "list", "watch", "create", "update", "patch", "delete"]
ROLES = ("admin", "engineer", "analyst", "viewer")

_WORKLOADS = [
    {"apiGroups": ["apps"], "resources": ["deployments", "statefulsets", "replicasets", "daemonsets"]},
    {"apiGroups": ["batch"], "resources": ["jobs", "cronjobs"]},
    {"apiGroups": [""], "resources": ["pods", "services", "persistentvolumeclaims"]},
]
_INGRESS_READ = {"apiGroups": ["networking.k8s.io"], "resources": ["ingresses"], "verbs": READ}
"""Publishing is the platform's: govcloud declares each Ingress on the tenant's approved hostnames."""
_ROUTES_READ = {
    "apiGroups": ["gateway.networking.k8s.io", "cert-manager.io"],
    "resources": ["httproutes", "listenersets", "certificates"],
    "verbs": READ,
}
"""The tenant's ListenerSets, routes and certificates (govcloud.manifests.gateway): read, so admins and engineers
see why a name does not answer; written only by the platform (policy GC-IAM-002)."""
_STATUS_ONLY = [
    {"apiGroups": [""], "resources": ["pods", "services", "persistentvolumeclaims", "events"]},
    {"apiGroups": ["apps"], "resources": ["deployments", "statefulsets"]},
    {"apiGroups": ["batch"], "resources": ["jobs", "cronjobs"]},
]
_PLATFORM_OWNED_READ = {
    "apiGroups": [""],
    "resources": ["resourcequotas", "limitranges"],
    "verbs": READ,
}
_NETPOL_READ = {"apiGroups": ["networking.k8s.io"], "resources": ["networkpolicies"], "verbs": READ}
_DATABASE_READ = {
    "apiGroups": ["postgresql.cnpg.io"],
    "resources": ["clusters", "backups", "scheduledbackups"],
    "verbs": READ,
}
_DATABASE_BACKUP = {"apiGroups": ["postgresql.cnpg.io"], "resources": ["backups"], "verbs": ["create"]}
_SPARK = {
    "apiGroups": ["sparkoperator.k8s.io"],
    "resources": ["sparkapplications", "scheduledsparkapplications"],
}


def _rules(*groups: list[dict[str, Any]], verbs: list[str]) -> list[dict[str, Any]]:
    return [{**rule, "verbs": list(verbs)} for group in groups for rule in group]


def role_rules(role: str) -> list[dict[str, Any]]:
    """The rules of one tenant role (documented in the module docstring)."""
    if role == "admin":
        return [
            *_rules(_WORKLOADS, verbs=WRITE),
            {"apiGroups": [""], "resources": ["configmaps", "secrets", "serviceaccounts"], "verbs": WRITE},
            {"apiGroups": [""], "resources": ["pods/log", "events"], "verbs": READ},
            {"apiGroups": [""], "resources": ["pods/exec", "pods/portforward"], "verbs": ["create"]},
            _PLATFORM_OWNED_READ,
            _NETPOL_READ,
            _INGRESS_READ,
            _ROUTES_READ,
            _DATABASE_READ,
            _DATABASE_BACKUP,
            {**_SPARK, "verbs": WRITE},
        ]
    if role == "engineer":
        return [
            *_rules(_WORKLOADS, verbs=WRITE),
            {"apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": WRITE},
            {"apiGroups": [""], "resources": ["pods/log", "events"], "verbs": READ},
            {"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]},
            _PLATFORM_OWNED_READ,
            _INGRESS_READ,
            _ROUTES_READ,
            _DATABASE_READ,
            {**_SPARK, "verbs": WRITE},
        ]
    if role == "analyst":
        return [
            *_rules(_STATUS_ONLY, verbs=READ),
            {"apiGroups": [""], "resources": ["pods/log"], "verbs": READ},
            {**_SPARK, "verbs": ["get", "list", "watch", "create", "delete"]},
        ]
    if role == "viewer":
        return _rules(_STATUS_ONLY, verbs=READ)
    raise ValueError(f"unknown tenant role {role!r}")


def role_name(role: str) -> str:
    return f"govcloud-tenant-{role}"


def _groups(tenant: TenantRequest, role: str) -> list[str]:
    access = tenant.spec.access
    return {
        "admin": access.admins,
        "engineer": access.engineers,
        "analyst": access.analysts,
        "viewer": access.viewers,
    }[role]


def tenant_rbac(tenant: TenantRequest, groups_prefix: str = "") -> list[dict[str, Any]]:
    """Four Roles, and a RoleBinding for each role that has groups. Never a ClusterRole or its binding.

    ``groups_prefix`` is the API server's OIDC groups prefix, so subjects match the groups it sees.
    """
    objects: list[dict[str, Any]] = []
    for role in ROLES:
        objects.append(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "Role",
                "metadata": tenant_metadata(tenant, role_name(role)),
                "rules": role_rules(role),
            }
        )
        groups = _groups(tenant, role)
        if groups:
            objects.append(
                {
                    "apiVersion": "rbac.authorization.k8s.io/v1",
                    "kind": "RoleBinding",
                    "metadata": tenant_metadata(tenant, role_name(role)),
                    "roleRef": {
                        "apiGroup": "rbac.authorization.k8s.io",
                        "kind": "Role",
                        "name": role_name(role),
                    },
                    "subjects": [
                        {
                            "apiGroup": "rbac.authorization.k8s.io",
                            "kind": "Group",
                            "name": groups_prefix + group,
                        }
                        for group in groups
                    ],
                }
            )
    return objects


def default_service_account(tenant: TenantRequest) -> dict[str, Any]:
    """The namespace's default ServiceAccount must not mount API tokens into every pod."""
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": tenant_metadata(tenant, "default"),
        "automountServiceAccountToken": False,
    }
