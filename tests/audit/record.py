"""Make the recorded Kubernetes API responses the audit tests serve (run it again when manifests change).

    python tests/audit/record.py                      # national-prod as of 2026-11-25, into recorded/

How the recordings were made:

1. ``govcloud.synth`` runs the real program for the stack in-process (exactly like ``govcloud synth``,
   as of ``--today``) and the plan is written to ``recorded/plan.json``; the tests audit against that
   file, so a later change of the program does not silently change what the recordings mean.
2. Every object the audit lists is turned into what an API server returns for it: List envelopes
   (``apiVersion``, ``kind: XList``, ``metadata.resourceVersion``; built-in items without apiVersion/kind,
   custom resources with them, items sorted by name), server-set metadata (``uid``, ``resourceVersion``,
   ``creationTimestamp``, ``generation``, ``managedFields`` of the Pulumi field manager), what the server
   and controllers add (``kubernetes.io/metadata.name``, namespace finalizers and phase, quota status,
   CloudNativePG webhook defaults and a healthy ``status`` with recent backups, the operator's own Role
   and RoleBinding per cluster, a Role, RoleBinding and NetworkPolicy per Helm release in a tenant
   namespace as its chart would create them) and the namespaces every cluster has.
3. ``drifted`` is a copy of ``good`` where one database's backups went stale (``DRIFTED``), made here
   rather than by hand so that re-recording reproduces it. Drift made through the API is tested on a
   real API server instead (tests/cluster/test_audit.py).

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
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO_ROOT))

from govcloud.naming import label  # noqa: E402
from govcloud.synth.plan import is_kubernetes_object  # noqa: E402

HERE = Path(__file__).resolve().parent
RECORDED = HERE / "recorded"
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


def list_document(api_version: str, kind: str, version: str, items: Iterable[Document]) -> Document:
    ordered = sorted(items, key=lambda i: i["metadata"]["name"])
    metadata: Document = {"resourceVersion": version}
    if api_version.startswith("postgresql.cnpg.io"):
        metadata = {"continue": "", "resourceVersion": version}
    return {"apiVersion": api_version, "items": ordered, "kind": f"{kind}List", "metadata": metadata}


PLATFORM_NAMESPACES: Mapping[str, Mapping[str, str]] = {
    "default": {},
    "kube-node-lease": {},
    "kube-public": {},
    "kube-system": {},
    "cnpg-system": {"app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/name": "cloudnative-pg"},
    "ingress-nginx": {"app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/name": "ingress-nginx"},
    "monitoring": {"app.kubernetes.io/managed-by": "Helm"},
}


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
    return documents


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
    (args.out / "plan.json").write_text(json.dumps(plan, indent=2, ensure_ascii=False) + "\n", "utf-8")
    good = good_recording(plan)
    for name, documents in (("good", good), ("drifted", scenario(good, DRIFTED))):
        write(args.out / name, documents)
    print(f"recorded {len(good)} responses per scenario for {args.stack} into {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
