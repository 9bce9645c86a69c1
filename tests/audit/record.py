"""Make the recorded API responses the audit tests serve: one command, re-run whenever the plan changes.

    python -m tests.audit.record                      # national-prod as of 2026-11-25, into recorded/

``tests/audit/test_recording_current.py`` fails when ``recorded/`` is not what this command writes today.

These are not captures of a live cluster: they are what an API server would return for a cluster that
runs exactly the plan, made here because much of it cannot come from a bare control plane (no operators,
no controllers, no kubelet). ``recorded/README.md``, written by this command, says so beside the files.

How the recordings are made:

1. ``govcloud.synth`` runs the real program for the stack in-process (exactly like ``govcloud synth``,
   as of ``--today``) and the plan is written to ``recorded/plan.json``; the tests audit against that
   file, so a later change of the program does not silently change what the recordings mean.
2. Every object the audit lists is turned into what an API server returns for it: List envelopes
   (``apiVersion``, ``kind: XList``, ``metadata.resourceVersion``; built-in items without apiVersion/kind,
   custom resources with them, items sorted by name), server-set metadata (``uid``, ``resourceVersion``,
   ``creationTimestamp``, ``generation``, ``managedFields`` of the Pulumi field manager), what the server
   and controllers add (``kubernetes.io/metadata.name``, namespace finalizers and phase, quota status,
   Secrets' ``stringData`` folded into ``data``), and what only a running operator or chart writes:
   CloudNativePG webhook defaults and a healthy ``status`` with recent backups, the operator's own Role and
   RoleBinding per cluster, a Role, RoleBinding and NetworkPolicy per Helm release in a tenant namespace as
   its chart would create them, Gateway API status as the GatewayClass's controller sets it (Gateways and
   ListenerSets Accepted and Programmed, every HTTPRoute accepted by its parents) and cert-manager
   Certificates Ready with their validity. The namespaces every cluster has are added. Secrets are listed
   only where the audit reads them (namespaces running a database) and only the plan's own, values masked:
   what cert-manager and the operators write into Secrets is not recorded (the audit reads no such Secret).
3. ``drifted`` is a copy of ``good`` where one database's backups went stale (``DRIFTED``), made here
   rather than by hand so that re-recording reproduces it. Drift made through the API is tested on a
   real API server instead (tests/cluster/test_audit.py).

Output is deterministic: fixed instants (``RECORDED_AT``, ``CREATED``), uids derived from kind, namespace and
name, resourceVersions counted in a fixed order, items sorted by name, files written in path order.
Files are named by request path: ``recorded/<scenario>/<path>.json``, e.g.
``recorded/good/apis/networking.k8s.io/v1/namespaces/nso/networkpolicies.json``.
"""

from __future__ import annotations

import argparse
import base64
import copy
import datetime as dt
import json
import shutil
import sys
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO_ROOT))

from govcloud.naming import label  # noqa: E402
from govcloud.synth.plan import is_kubernetes_object  # noqa: E402

HERE = Path(__file__).resolve().parent
RECORDED = HERE / "recorded"
COMMAND = "python -m tests.audit.record"
"""The one command that re-records (from the repository root, in the project's virtualenv)."""
STACK = "national-prod"
TODAY = "2026-11-25"
RECORDED_AT = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
"""The instant the recording shows; tests audit "now" at this moment."""
CREATED = dt.datetime(2026, 3, 2, 4, 10, 27, tzinfo=dt.UTC)
FIELD_MANAGER = "pulumi-kubernetes-5e0e1d7b"
HEALTHY = "Cluster in healthy state"

Document = dict[str, Any]


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------------------------------- the plan


def synthesized_plan(stack: str, today: str) -> Document:
    """The real program's plan for the stack, exactly as ``govcloud synth`` writes it."""
    from govcloud.synth.engine import synthesize
    from govcloud.synth.plan import plan_document
    from govcloud.synth.policy import run_policies

    result = synthesize(REPO_ROOT, stack, today)
    return plan_document(result, run_policies(plan_document(result)))


# --------------------------------------------------------------------------- what the API server adds


class Server:
    """Turns declared manifests into server responses: stable uids, increasing resourceVersions."""

    def __init__(self) -> None:
        self.version = 4_180_000

    def next_version(self) -> str:
        self.version += 17
        return str(self.version)

    def obj(self, manifest: Mapping[str, Any], *, keep_type: bool = False, generation: bool = False) -> Document:
        body = copy.deepcopy(dict(manifest))
        api_version, kind = body.pop("apiVersion"), body.pop("kind")
        metadata = body.pop("metadata")
        name, namespace = metadata["name"], metadata.get("namespace")
        fields = {f"f:{k}": _fields(v) for k, v in metadata.items() if k in ("labels", "annotations")}
        fields_v1 = {"f:metadata": fields, **{f"f:{k}": _fields(v) for k, v in body.items()}}
        server_metadata: Document = {
            "name": name,
            **({"namespace": namespace} if namespace else {}),
            "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"govcloud-recording/{kind}/{namespace}/{name}")),
            "resourceVersion": self.next_version(),
            **({"generation": 1} if generation else {}),
            "creationTimestamp": iso(CREATED),
            **{k: v for k, v in metadata.items() if k in ("labels", "annotations")},
            "managedFields": [
                {
                    "manager": FIELD_MANAGER,
                    "operation": "Apply",
                    "apiVersion": api_version,
                    "time": iso(CREATED),
                    "fieldsType": "FieldsV1",
                    "fieldsV1": fields_v1,
                }
            ],
        }
        typed = {"apiVersion": api_version, "kind": kind} if keep_type else {}
        return {**typed, "metadata": server_metadata, **body}


def _fields(value: Any) -> Any:
    """The managedFields ``fieldsV1`` tree of a value (lists are atomic, as for most of these types)."""
    if isinstance(value, Mapping):
        return {f"f:{k}": _fields(v) for k, v in value.items()}
    return {}


CUSTOM_GROUPS = frozenset(
    {"postgresql.cnpg.io", "gateway.networking.k8s.io", "cert-manager.io", "gateway.envoyproxy.io"}
)
"""API groups of custom resources the audit lists: their list items keep ``apiVersion`` and ``kind``."""


def list_document(api_version: str, kind: str, version: str, items: Iterable[Document]) -> Document:
    ordered = sorted(items, key=lambda i: i["metadata"]["name"])
    metadata: Document = {"resourceVersion": version}
    if api_version.split("/")[0] in CUSTOM_GROUPS:  # served by the apiextensions server, which sets continue
        metadata = {"continue": "", "resourceVersion": version}
    return {"apiVersion": api_version, "items": ordered, "kind": f"{kind}List", "metadata": metadata}


PLATFORM_NAMESPACES: Mapping[str, Mapping[str, str]] = {
    "default": {},
    "kube-node-lease": {},
    "kube-public": {},
    "kube-system": {},
}
"""The namespaces every cluster has (kube-apiserver's system namespaces); the plan declares all others."""


def namespace_object(server: Server, name: str, labels: Mapping[str, str], annotations: Mapping[str, str]) -> Document:
    manifest = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": name,
            "labels": dict(labels),
            **({"annotations": dict(annotations)} if annotations else {}),
        },
    }
    item = server.obj(manifest)
    item["metadata"]["labels"] = {**labels, "kubernetes.io/metadata.name": name}
    item["spec"] = {"finalizers": ["kubernetes"]}
    item["status"] = {"phase": "Active"}
    return item


def quota_object(server: Server, manifest: Mapping[str, Any]) -> Document:
    item = server.obj(manifest)
    hard = dict(item["spec"]["hard"])
    used = {k: "0" for k in hard}
    item["status"] = {"hard": hard, "used": used}
    item["metadata"]["managedFields"].append(
        {
            "manager": "kube-controller-manager",
            "operation": "Update",
            "apiVersion": "v1",
            "time": iso(CREATED),
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:status": {"f:hard": {}, "f:used": {}}},
            "subresource": "status",
        }
    )
    return item


def last_run(schedule: str, before: dt.datetime) -> dt.datetime:
    """When a daily ``s m h * * *`` schedule last fired before ``before`` (a fixed fallback otherwise)."""
    parts = schedule.split()
    if len(parts) == 6 and all(p.isdigit() for p in parts[:3]) and parts[3:] == ["*", "*", "*"]:
        run = before.replace(hour=int(parts[2]), minute=int(parts[1]), second=int(parts[0]))
        return run if run <= before else run - dt.timedelta(days=1)
    return before - dt.timedelta(hours=8)


def cluster_object(server: Server, manifest: Mapping[str, Any], last_backup: dt.datetime) -> Document:
    item = server.obj(manifest, keep_type=True, generation=True)
    spec, name = item["spec"], item["metadata"]["name"]
    for key, value in (
        ("logLevel", "info"),
        ("maxSyncReplicas", 0),
        ("minSyncReplicas", 0),
        ("postgresGID", 26),
        ("postgresUID", 26),
        ("smartShutdownTimeout", 180),
        ("startDelay", 3600),
        ("stopDelay", 1800),
        ("switchoverDelay", 3600),
        ("failoverDelay", 0),
    ):
        spec.setdefault(key, value)
    spec.setdefault("storage", {}).setdefault("resizeInUseVolumes", True)
    instances = int(spec.get("instances", 1))
    pods = [f"{name}-{i}" for i in range(1, instances + 1)]
    finished = last_backup + dt.timedelta(minutes=13, seconds=41)
    oldest = finished - dt.timedelta(days=29)
    item["status"] = {
        "certificates": {
            "clientCASecret": f"{name}-ca",
            "serverCASecret": f"{name}-ca",
            "serverTLSSecret": f"{name}-server",
            "replicationTLSSecret": f"{name}-replication",
        },
        "cloudNativePGCommitHash": "8e5dcf6b",
        "conditions": [
            {
                "type": "Ready",
                "status": "True",
                "reason": "ClusterIsReady",
                "message": "Cluster is Ready",
                "lastTransitionTime": iso(CREATED + dt.timedelta(minutes=3)),
            },
            {
                "type": "ContinuousArchiving",
                "status": "True",
                "reason": "ContinuousArchivingSuccess",
                "message": "Continuous archiving is working",
                "lastTransitionTime": iso(CREATED),
            },
            {
                "type": "LastBackupSucceeded",
                "status": "True",
                "reason": "LastBackupSucceeded",
                "message": "Backup was successful",
                "lastTransitionTime": iso(finished),
            },
        ],
        "currentPrimary": pods[0],
        "currentPrimaryTimestamp": iso(CREATED + dt.timedelta(minutes=2)),
        "firstRecoverabilityPoint": iso(oldest),
        "firstRecoverabilityPointByMethod": {"barmanObjectStore": iso(oldest)},
        "healthyPVC": [*pods],
        "image": spec.get("imageName"),
        "instanceNames": pods,
        "instances": instances,
        "instancesStatus": {"healthy": pods},
        "lastSuccessfulBackup": iso(finished),
        "lastSuccessfulBackupByMethod": {"barmanObjectStore": iso(finished)},
        "latestGeneratedNode": instances,
        "phase": HEALTHY,
        "readService": f"{name}-r",
        "readyInstances": instances,
        "targetPrimary": pods[0],
        "timelineID": 1,
        "writeService": f"{name}-rw",
    }
    return item


def scheduled_backup_object(server: Server, manifest: Mapping[str, Any], last_backup: dt.datetime) -> Document:
    item = server.obj(manifest, keep_type=True, generation=True)
    item["status"] = {
        "lastCheckTime": iso(last_backup),
        "lastScheduleTime": iso(last_backup),
        "nextScheduleTime": iso(last_backup + dt.timedelta(days=1)),
    }
    return item


def helm_objects(server: Server, release: str, namespace: str) -> tuple[Document, Document, Document]:
    """A Role, RoleBinding and NetworkPolicy as a chart of a declared release creates them (Helm-annotated)."""
    labels = {"app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/instance": release}
    annotations = {"meta.helm.sh/release-name": release, "meta.helm.sh/release-namespace": namespace}
    metadata = {"name": release, "namespace": namespace, "labels": labels, "annotations": annotations}
    selector = {"matchLabels": {"app.kubernetes.io/instance": release}}
    role = server.obj(
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": dict(metadata),
            "rules": [{"apiGroups": [""], "resources": ["pods", "services"], "verbs": ["get", "list", "watch"]}],
        }
    )
    binding = server.obj(
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": dict(metadata),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": release},
            "subjects": [{"kind": "ServiceAccount", "name": release, "namespace": namespace}],
        }
    )
    policy = server.obj(
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": dict(metadata),
            "spec": {
                "podSelector": selector,
                "policyTypes": ["Ingress"],
                "ingress": [{"from": [{"podSelector": selector}], "ports": [{"protocol": "TCP", "port": 8081}]}],
            },
        },
        generation=True,
    )
    for item in (role, binding, policy):
        item["metadata"]["managedFields"][0].update(manager="helm", operation="Update")
    return role, binding, policy


def operator_rbac(server: Server, cluster: Mapping[str, Any]) -> tuple[Document, Document]:
    """The Role and RoleBinding CloudNativePG creates for each cluster's instance manager."""
    name, namespace = cluster["metadata"]["name"], cluster["metadata"]["namespace"]
    owner = {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "name": name,
        "uid": cluster["metadata"]["uid"],
        "controller": True,
    }
    role = server.obj(
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": {"name": name, "namespace": namespace},
            "rules": [
                {"apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": ["get", "list", "watch"]},
                {"apiGroups": [""], "resources": ["events"], "verbs": ["create", "patch"]},
                {
                    "apiGroups": ["postgresql.cnpg.io"],
                    "resources": ["clusters", "backups"],
                    "verbs": ["get", "list", "watch"],
                },
                {
                    "apiGroups": ["postgresql.cnpg.io"],
                    "resources": ["clusters/status", "backups/status"],
                    "verbs": ["get", "patch", "update"],
                },
            ],
        }
    )
    binding = server.obj(
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": name, "namespace": namespace},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
            "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": namespace}],
        }
    )
    for item in (role, binding):
        item["metadata"]["ownerReferences"] = [dict(owner)]
        item["metadata"]["managedFields"][0].update(manager="manager", operation="Update")
    return role, binding


# --------------------------------------------------------------- entry points: Gateway API, cert-manager

GATEWAY_GROUP = "gateway.networking.k8s.io"
ENTRY_POINTS: Mapping[str, tuple[str, str]] = {
    "Gateway": (f"{GATEWAY_GROUP}/v1", "gateways"),
    "ListenerSet": (f"{GATEWAY_GROUP}/v1", "listenersets"),
    "HTTPRoute": (f"{GATEWAY_GROUP}/v1", "httproutes"),
    "Certificate": ("cert-manager.io/v1", "certificates"),
}
"""Kind → (apiVersion, plural) of the entry-point kinds the audit lists per namespace (Gateway API v1.6.1
standard channel, cert-manager v1.21.1: the CRDs in ../shared/schemas/crds)."""
WHERE_DECLARED: Mapping[str, tuple[str, str]] = {
    "EnvoyProxy": ("gateway.envoyproxy.io/v1alpha1", "envoyproxies"),
    "BackendTLSPolicy": (f"{GATEWAY_GROUP}/v1", "backendtlspolicies"),
}
"""Kinds the audit lists only in the namespaces where the plan declares one (EnvoyProxy:
``gateway_side.WHERE_DECLARED``; BackendTLSPolicy: the kind table's row, ``Listing.DECLARED``; EnvoyProxy v1.9.0
and BackendTLSPolicy v1.6.1 from the tools step's CRD cache), stored as declared."""
CERTIFICATE_LIFETIME = dt.timedelta(days=90)
"""cert-manager's ``DefaultCertificateDuration`` (cert-manager v1.21.1, commit 24e33194, pkg/apis/certmanager/v1/
const.go), used
when a Certificate sets no ``spec.duration``; cert-manager renews 2/3 through the lifetime unless told otherwise
(``desiredRenewalTime``, pkg/util/pki/renewaltime.go)."""


# Gateway API status as the plan's GatewayClass controller writes it (Envoy Gateway, charts/gateway-helm v1.9.0):
# condition types and reasons are kubernetes-sigs/gateway-api v1.6.1's constants (commit 8bb74df0;
# apis/v1/gateway_types.go, listenerset_types.go, shared_types.go); messages and supported route kinds are
# envoyproxy/gateway v1.9.0's (commit 39763b1c; internal/gatewayapi/status/gateway.go, validate.go
# validateListenerConditions, listener.go allowedRouteKindsForProtocol, listenerset.go, route.go).
PROGRAMMED = "Address assigned to the Gateway, 1/1 envoy replicas available"
"""Envoy Gateway's Programmed message with its default of one proxy replica (api/v1alpha1 DefaultDeploymentReplicas);
the plan sets no replica count for the data plane."""


def _go_duration(text: str) -> dt.timedelta:
    """A Go duration as cert-manager's ``spec.duration`` holds it (``2160h``, ``1h30m``, ``90s``)."""
    units = {"h": 3600, "m": 60, "s": 1}
    seconds, number = 0.0, ""
    for char in text:
        if char.isdigit() or char == ".":
            number += char
        elif char in units and number:
            seconds, number = seconds + float(number) * units[char], ""
        else:
            raise ValueError(f"unreadable duration {text!r}")
    if number:
        raise ValueError(f"unreadable duration {text!r}")
    return dt.timedelta(seconds=seconds)


def _true(kind: str, reason: str, message: str, since: dt.datetime, status: str = "True") -> Document:
    """A condition a controller set (True unless said otherwise), observed at the object's first generation."""
    return {
        "lastTransitionTime": iso(since),
        "message": message,
        "observedGeneration": 1,
        "reason": reason,
        "status": status,
        "type": kind,
    }


def _targets(ref: Mapping[str, Any], kind: str, namespace: str, name: str, origin: str) -> bool:
    """Whether a parentRef (of an object in namespace ``origin``) names ``kind`` ``namespace/name``."""
    return ref.get("kind", "Gateway") == kind and ref.get("namespace", origin) == namespace and ref.get("name") == name


def _attached_routes(routes: Iterable[Mapping[str, Any]], kind: str, namespace: str, name: str, listener: str) -> int:
    """How many routes attach to one listener: a parentRef naming its owner and, if any, its section."""
    return sum(
        1
        for route in routes
        if any(
            _targets(ref, kind, namespace, name, route["metadata"]["namespace"])
            and ref.get("sectionName", listener) == listener
            for ref in route["spec"].get("parentRefs") or []
        )
    )


def _listener_statuses(
    owner: Mapping[str, Any], routes: Sequence[Mapping[str, Any]], since: dt.datetime
) -> list[Document]:
    """Each listener accepted, its references resolved and programmed, with the routes attached to it."""
    kind, namespace, name = owner["kind"], owner["metadata"]["namespace"], owner["metadata"]["name"]
    conditions = [
        _true("Accepted", "Accepted", "Listener has been successfully translated", since),
        _true("Programmed", "Programmed", "Sending translated listener configuration to the data plane", since),
        _true("ResolvedRefs", "ResolvedRefs", "Listener references have been resolved", since),
    ]
    if kind == "ListenerSet":  # Envoy Gateway also reports a ListenerSet's listeners free of conflicts
        conditions.append(_true("Conflicted", "NoConflicts", "No conflicts detected", since, status="False"))
    return [
        {
            "attachedRoutes": _attached_routes(routes, kind, namespace, name, listener["name"]),
            "conditions": copy.deepcopy(conditions),
            "name": listener["name"],
            "supportedKinds": [{"group": GATEWAY_GROUP, "kind": k} for k in ("HTTPRoute", "GRPCRoute")],
        }
        for listener in owner["spec"].get("listeners") or []
    ]


def entry_point_objects(server: Server, manifests: Sequence[Mapping[str, Any]]) -> dict[str, list[Document]]:
    """The plan's Gateways, ListenerSets, HTTPRoutes and Certificates with the status their controllers set,
    by kind: Gateways and ListenerSets Accepted and Programmed (with their declared addresses), every route
    accepted by each of its parents, every Certificate Ready (issued when the cluster was created and renewed
    2/3 through each lifetime since, so valid at ``RECORDED_AT``)."""
    of = {kind: [m for m in manifests if m["kind"] == kind] for kind in (*ENTRY_POINTS, "GatewayClass")}
    classes = {c["metadata"]["name"]: c["spec"]["controllerName"] for c in of["GatewayClass"]}
    gateway_controller = {
        (g["metadata"]["namespace"], g["metadata"]["name"]): classes[g["spec"]["gatewayClassName"]]
        for g in of["Gateway"]
    }
    since = CREATED + dt.timedelta(minutes=2)
    out: dict[str, list[Document]] = {kind: [] for kind in ENTRY_POINTS}
    for gateway in of["Gateway"]:
        item = server.obj(gateway, keep_type=True, generation=True)
        namespace, name = gateway["metadata"]["namespace"], gateway["metadata"]["name"]
        item["status"] = {
            "addresses": [
                {"type": a.get("type", "IPAddress"), "value": a["value"]}
                for a in gateway["spec"].get("addresses") or []
            ],
            "attachedListenerSets": sum(
                1
                for s in of["ListenerSet"]
                if _targets(s["spec"]["parentRef"], "Gateway", namespace, name, s["metadata"]["namespace"])
            ),
            "conditions": [
                _true("Accepted", "Accepted", "The Gateway has been scheduled by Envoy Gateway", since),
                _true("Programmed", "Programmed", PROGRAMMED, since),
            ],
            "listeners": _listener_statuses(gateway, of["HTTPRoute"], since),
        }
        out["Gateway"].append(item)
    set_controller = {}
    for listener_set in of["ListenerSet"]:
        namespace, ref = listener_set["metadata"]["namespace"], listener_set["spec"]["parentRef"]
        parent = (ref.get("namespace", namespace), ref["name"])
        set_controller[(namespace, listener_set["metadata"]["name"])] = gateway_controller[parent]
        item = server.obj(listener_set, keep_type=True, generation=True)
        item["status"] = {
            "conditions": [
                _true("Accepted", "Accepted", "All listeners are accepted", since),
                _true("Programmed", "Programmed", "All listeners are programmed", since),
            ],
            "listeners": _listener_statuses(listener_set, of["HTTPRoute"], since),
        }
        out["ListenerSet"].append(item)
    for route in of["HTTPRoute"]:
        namespace = route["metadata"]["namespace"]
        parents = []
        for ref in route["spec"].get("parentRefs") or []:
            key = (ref.get("namespace", namespace), ref["name"])
            controller = (set_controller if ref.get("kind") == "ListenerSet" else gateway_controller)[key]
            parents.append(
                {
                    "conditions": [
                        _true("Accepted", "Accepted", "Route is accepted", since),
                        _true(
                            "ResolvedRefs", "ResolvedRefs", "Resolved all the Object references for the Route", since
                        ),
                    ],
                    "controllerName": controller,
                    "parentRef": dict(ref),
                }
            )
        item = server.obj(route, keep_type=True, generation=True)
        item["status"] = {"parents": parents}
        out["HTTPRoute"].append(item)
    for certificate in of["Certificate"]:
        duration = certificate["spec"].get("duration")
        lifetime = _go_duration(duration) if duration else CERTIFICATE_LIFETIME
        renew_every = lifetime * 2 / 3
        issued = CREATED + renew_every * ((RECORDED_AT - CREATED) // renew_every)
        item = server.obj(certificate, keep_type=True, generation=True)
        # The readiness controller's Ready condition (cert-manager v1.21.1 pkg/controller/certificates/readiness/
        # readiness_controller.go BuildReadyConditionFromChain), True since the first issuance.
        item["status"] = {
            "conditions": [
                _true(
                    "Ready", "Ready", "Certificate is up to date and has not expired", CREATED + dt.timedelta(minutes=1)
                )
            ],
            "notAfter": iso(issued + lifetime),
            "notBefore": iso(issued),
            "renewalTime": iso(issued + renew_every),
            "revision": (RECORDED_AT - CREATED) // renew_every + 1,
        }
        out["Certificate"].append(item)
    return out


# ------------------------------------------------------------------------------------ good recording


NET = "apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies"
QUOTAS = "api/v1/namespaces/{ns}/resourcequotas"
LIMITS = "api/v1/namespaces/{ns}/limitranges"
ROLES = "apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles"
BINDINGS = "apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings"
CLUSTERS = "apis/postgresql.cnpg.io/v1/namespaces/{ns}/clusters"
BACKUPS = "apis/postgresql.cnpg.io/v1/namespaces/{ns}/scheduledbackups"
SERVICE_ACCOUNTS = "api/v1/namespaces/{ns}/serviceaccounts"
SECRETS = "api/v1/namespaces/{ns}/secrets"
CLUSTER_BINDINGS = "apis/rbac.authorization.k8s.io/v1/clusterrolebindings"
BOOTSTRAP_CLUSTER_BINDINGS: Mapping[str, tuple[str, str, str]] = {
    "cluster-admin": ("cluster-admin", "Group", "system:masters"),
    "system:basic-user": ("system:basic-user", "Group", "system:authenticated"),
    "system:discovery": ("system:discovery", "Group", "system:authenticated"),
    "system:public-info-viewer": ("system:public-info-viewer", "Group", "system:unauthenticated"),
    "system:kube-controller-manager": ("system:kube-controller-manager", "User", "system:kube-controller-manager"),
}
"""Some of the ClusterRoleBindings every cluster has (kubernetes bootstrappolicy, v1.36)."""
NAMESPACES = "api/v1/namespaces"


def secret_object(server: Server, manifest: Mapping[str, Any]) -> Document:
    """A declared Secret as the API returns it: ``stringData`` folded into base64 ``data``. The plan's values
    are masked (``[secret]``), so the recording holds no credential, only the type and key names."""
    body = dict(manifest)
    data = {str(k): str(v) for k, v in (body.pop("data", None) or {}).items()}
    for key, value in (body.pop("stringData", None) or {}).items():
        data[str(key)] = base64.b64encode(str(value).encode("utf-8")).decode("ascii")
    return server.obj({**body, "data": data})


def good_recording(plan: Mapping[str, Any]) -> dict[str, Document]:
    """Every response the audit asks for, for a cluster that runs exactly what the plan declares."""
    server = Server()
    manifests = [dict(r["inputs"]) for r in plan["resources"] if is_kubernetes_object(r)]
    by_kind: dict[str, list[Document]] = {}
    for manifest in manifests:
        by_kind.setdefault(manifest["kind"], []).append(manifest)
    declared = {m["metadata"]["name"]: m for m in by_kind.get("Namespace", [])}
    namespaces = [
        namespace_object(server, n, labels, {}) for n, labels in PLATFORM_NAMESPACES.items() if n not in declared
    ]
    for meta in (m["metadata"] for m in declared.values()):
        namespaces.append(namespace_object(server, meta["name"], meta.get("labels", {}), meta.get("annotations", {})))
    documents = {NAMESPACES: list_document("v1", "Namespace", server.next_version(), namespaces)}
    cluster_bindings = [
        server.obj(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRoleBinding",
                "metadata": {"name": name},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
                "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": subject}],
            }
        )
        for name, (role, kind, subject) in sorted(BOOTSTRAP_CLUSTER_BINDINGS.items())
    ]
    documents[CLUSTER_BINDINGS] = list_document(
        "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", server.next_version(), cluster_bindings
    )
    holding = set(declared) | {m["metadata"]["namespace"] for m in manifests if m["metadata"].get("namespace")}
    tenants = {n for n, m in declared.items() if label("tenant") in m["metadata"].get("labels", {})}
    entry_points = entry_point_objects(server, manifests)
    releases: dict[str, list[str]] = {}
    for resource in plan["resources"]:
        if resource["type"] == "kubernetes:helm.sh/v3:Release":
            releases.setdefault(str(resource["inputs"]["namespace"]), []).append(str(resource["inputs"]["name"]))

    def in_namespace(kind: str, namespace: str) -> list[Document]:
        return [m for m in by_kind.get(kind, []) if m["metadata"].get("namespace") == namespace]

    for ns in sorted(holding):
        version = server.next_version
        charts = [helm_objects(server, r, ns) for r in releases.get(ns, [])] if ns in tenants else []
        policies = [server.obj(m, generation=True) for m in in_namespace("NetworkPolicy", ns)]
        documents[NET.format(ns=ns)] = list_document(
            "networking.k8s.io/v1", "NetworkPolicy", version(), policies + [c[2] for c in charts]
        )
        documents[QUOTAS.format(ns=ns)] = list_document(
            "v1", "ResourceQuota", version(), [quota_object(server, m) for m in in_namespace("ResourceQuota", ns)]
        )
        documents[LIMITS.format(ns=ns)] = list_document(
            "v1", "LimitRange", version(), [server.obj(m) for m in in_namespace("LimitRange", ns)]
        )
        roles = [server.obj(m) for m in in_namespace("Role", ns)] + [c[0] for c in charts]
        bindings = [server.obj(m) for m in in_namespace("RoleBinding", ns)] + [c[1] for c in charts]
        clusters, backups = [], []
        schedules = {b["spec"]["cluster"]["name"]: b["spec"]["schedule"] for b in in_namespace("ScheduledBackup", ns)}
        for manifest in in_namespace("Cluster", ns):
            name = manifest["metadata"]["name"]
            cluster = cluster_object(server, manifest, last_run(schedules.get(name, ""), RECORDED_AT))
            clusters.append(cluster)
            role, binding = operator_rbac(server, cluster)
            roles.append(role)
            bindings.append(binding)
        for manifest in in_namespace("ScheduledBackup", ns):
            run = last_run(manifest["spec"]["schedule"], RECORDED_AT)
            backups.append(scheduled_backup_object(server, manifest, run))
        documents[ROLES.format(ns=ns)] = list_document("rbac.authorization.k8s.io/v1", "Role", version(), roles)
        if clusters:  # the audit reads the managed roles' password Secrets where a database runs
            secrets = [secret_object(server, m) for m in in_namespace("Secret", ns)]
            documents[SECRETS.format(ns=ns)] = list_document("v1", "Secret", version(), secrets)
        accounts = in_namespace("ServiceAccount", ns)
        if accounts:
            documents[SERVICE_ACCOUNTS.format(ns=ns)] = list_document(
                "v1", "ServiceAccount", version(), [server.obj(m) for m in accounts]
            )
        documents[BINDINGS.format(ns=ns)] = list_document(
            "rbac.authorization.k8s.io/v1", "RoleBinding", version(), bindings
        )
        if clusters or backups:
            documents[CLUSTERS.format(ns=ns)] = list_document("postgresql.cnpg.io/v1", "Cluster", version(), clusters)
            documents[BACKUPS.format(ns=ns)] = list_document(
                "postgresql.cnpg.io/v1", "ScheduledBackup", version(), backups
            )
        here = {k: [i for i in items if i["metadata"]["namespace"] == ns] for k, items in entry_points.items()}
        if any(here.values()):  # every entry-point kind where the plan has any: the audit lists all four
            for kind, (api_version, plural) in ENTRY_POINTS.items():
                documents[f"apis/{api_version}/namespaces/{ns}/{plural}"] = list_document(
                    api_version, kind, version(), here[kind]
                )
    # Last, so every response above keeps its resourceVersion.
    for kind, (api_version, plural) in WHERE_DECLARED.items():
        for ns in sorted({m["metadata"]["namespace"] for m in by_kind.get(kind, [])}):
            items = [
                server.obj(m, keep_type=True, generation=True) | {"status": where_declared_status(m, by_kind)}
                for m in in_namespace(kind, ns)
            ]
            path = f"apis/{api_version}/namespaces/{ns}/{plural}"
            documents[path] = list_document(api_version, kind, server.next_version(), items)
    return documents


def where_declared_status(manifest: Mapping[str, Any], by_kind: Mapping[str, Sequence[Mapping[str, Any]]]) -> Document:
    """The status Envoy Gateway v1.9.0 writes on an EnvoyProxy or a BackendTLSPolicy it has accepted.

    EnvoyProxy: one ancestor per Gateway whose ``infrastructure.parametersRef`` names it, condition Accepted
    "EnvoyProxy has been accepted." (envoyproxy/gateway v1.9.0 internal/gatewayapi/translator.go, the
    ``envoyProxyFromGateway`` branch, and internal/gatewayapi/status/envoyproxy.go).
    BackendTLSPolicy: one ancestor per parentRef (as the route writes it) of each HTTPRoute sending traffic to
    the Service it targets, from the Gateway's controller, conditions ResolvedRefs "Resolved all the Object
    references." then Accepted "Policy has been accepted." (internal/gatewayapi/backendtlspolicy.go
    processBackendTLSPolicy, internal/gatewayapi/route.go processDestination, internal/gatewayapi/status/policy.go
    SetAcceptedForPolicyAncestor)."""
    since = CREATED + dt.timedelta(minutes=2)
    namespace, name = manifest["metadata"]["namespace"], manifest["metadata"]["name"]
    if manifest["kind"] == "EnvoyProxy":
        ancestors = [
            {
                "ancestorRef": {
                    "group": GATEWAY_GROUP,
                    "kind": "Gateway",
                    "name": gateway["metadata"]["name"],
                    "namespace": gateway["metadata"]["namespace"],
                },
                "conditions": [_true("Accepted", "Accepted", "EnvoyProxy has been accepted.", since)],
            }
            for gateway in by_kind.get("Gateway", [])
            if gateway["metadata"]["namespace"] == namespace
            and ((gateway["spec"].get("infrastructure") or {}).get("parametersRef") or {}).get("name") == name
        ]
        return {"ancestors": ancestors}
    classes = {c["metadata"]["name"]: c["spec"]["controllerName"] for c in by_kind.get("GatewayClass", [])}
    controller = next(iter(sorted(set(classes.values()))), "")
    services = {t["name"] for t in manifest["spec"].get("targetRefs") or [] if t.get("kind", "Service") == "Service"}
    ancestors = []
    for route in by_kind.get("HTTPRoute", []):
        if route["metadata"]["namespace"] != namespace:
            continue
        backends = {
            b["name"]
            for rule in route["spec"].get("rules") or []
            for b in rule.get("backendRefs") or []
            if b.get("kind", "Service") == "Service" and b.get("namespace", namespace) == namespace
        }
        if backends & services:
            for ref in route["spec"].get("parentRefs") or []:
                ancestors.append(
                    {
                        "ancestorRef": dict(ref),
                        "conditions": [
                            _true("ResolvedRefs", "ResolvedRefs", "Resolved all the Object references.", since),
                            _true("Accepted", "Accepted", "Policy has been accepted.", since),
                        ],
                        "controllerName": controller,
                    }
                )
    return {"ancestors": ancestors}


# ------------------------------------------------------------------------------------------- scenarios


def _item(documents: dict[str, Document], path: str, name: str) -> Document:
    for item in documents[path]["items"]:
        if item["metadata"]["name"] == name:
            return item  # type: ignore[no-any-return]
    raise KeyError(f"{path}: no {name}")


def _stale_backup(documents: dict[str, Document]) -> None:
    """doae's daily backups have failed for three days."""
    cluster = _item(documents, CLUSTERS.format(ns="doae"), "doae-pg")
    status = cluster["status"]
    finished = RECORDED_AT.replace(hour=2, minute=13, second=41) - dt.timedelta(days=3)
    status["lastSuccessfulBackup"] = iso(finished)
    status["lastSuccessfulBackupByMethod"] = {"barmanObjectStore": iso(finished)}
    status["firstRecoverabilityPoint"] = iso(finished - dt.timedelta(days=27))
    status["firstRecoverabilityPointByMethod"] = {"barmanObjectStore": status["firstRecoverabilityPoint"]}
    status["conditions"][2].update(
        status="False",
        reason="LastBackupFailed",
        message="can't upload base backup: AccessDenied",
        lastTransitionTime=iso(finished + dt.timedelta(days=1)),
    )


Edit = Callable[[Server, dict[str, Document]], None]


def _plain(edit: Callable[[dict[str, Document]], None]) -> Edit:
    return lambda _server, documents: edit(documents)


DRIFTED: tuple[Edit, ...] = (_plain(_stale_backup),)
"""Only what needs an operator: every other drift is made on a real API server (tests/cluster/test_audit.py)."""


def scenario(good: Mapping[str, Document], edits: Iterable[Edit]) -> dict[str, Document]:
    documents = copy.deepcopy(dict(good))
    server = Server()
    server.version = 5_000_000
    for edit in edits:
        edit(server, documents)
    return documents


# ---------------------------------------------------------------------------------------------- files


def write(root: Path, documents: Mapping[str, Document]) -> None:
    if root.exists():
        shutil.rmtree(root)
    for path, document in sorted(documents.items()):
        target = root / f"{path}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")


def readme(stack: str, today: str) -> str:
    """``recorded/README.md``: what these files are, beside them, so nobody mistakes them for a capture."""
    return f"""# Recorded API responses: a recording, not a capture

Written by `{COMMAND}` (tests/audit/record.py); do not edit by hand. Re-run that command, from the repository
root, whenever the program's plan or the recorder changes, and review the diff like any other change:
tests/audit/test_recording_current.py fails while these files differ from what it writes.

- `plan.json`: the real program's plan of `{stack}` as of {today} (`govcloud synth`, in-process). The audit
  tests audit against this file.
- `good/`: what a Kubernetes API server would answer to each GET the audit makes, for a cluster that runs
  exactly that plan, one file per request path (`good/<path>.json`). Made from the plan's manifests, not
  read from a cluster.
- `drifted/`: `good/` with one drift only an operator can make: doae's database reports its last backup
  three days old.

Made up here, because a bare control plane (no operators, controllers, charts or kubelet) cannot produce it:
server metadata (uids, resourceVersions, managedFields, fixed timestamps); quota status; CloudNativePG's
webhook defaults, healthy cluster status with recent backups, scheduled-backup status and its own Role and
RoleBinding per cluster; a Role, RoleBinding and NetworkPolicy per Helm release in a tenant namespace;
Gateway, ListenerSet and HTTPRoute status as Envoy Gateway v1.9.0 writes it; cert-manager Certificates Ready.
Secrets are the plan's own, with their values masked (`[secret]`): no credential is recorded. Everything a
person can change through the API is tested against a real API server instead (tests/cluster/test_audit.py).
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--stack", default=STACK)
    parser.add_argument("--today", default=TODAY)
    parser.add_argument("--out", type=Path, default=RECORDED)
    parser.add_argument(
        "--plan", type=Path, help="record against this plan.json (e.g. the recorded one) instead of synthesizing"
    )
    args = parser.parse_args(argv)
    plan = json.loads(args.plan.read_text("utf-8")) if args.plan else synthesized_plan(args.stack, args.today)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "README.md").write_text(readme(args.stack, args.today), "utf-8")
    (args.out / "plan.json").write_text(json.dumps(plan, indent=2, ensure_ascii=False) + "\n", "utf-8")
    good = good_recording(plan)
    for name, documents in (("good", good), ("drifted", scenario(good, DRIFTED))):
        write(args.out / name, documents)
    print(f"recorded {len(good)} responses per scenario for {args.stack} into {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
