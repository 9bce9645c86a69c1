"""The Kubernetes half of the audit against recorded API server responses, through the real client.

Only what a bare control plane cannot produce stays here: what operators and charts write (CloudNativePG
status, backups and its own RBAC, objects of Helm charts, which cannot be fetched offline), and which
requests the audit makes. Every drift a person or an intruder makes through the API (labels, policies,
quotas, RBAC, ClusterRoleBindings, ServiceAccounts, a database's declared spec, forged Helm annotations,
deleted namespaces) is tested against a real API server in tests/cluster/test_audit.py.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from govcloud.audit.expected import ExpectedState
from govcloud.audit.findings import Finding, Severity
from govcloud.audit.kubernetes_side import (
    audit_kubernetes,
    declared_differences,
    last_backup_time,
    normalize_limit_range_spec,
    normalize_network_policy_spec,
    normalize_quota_spec,
    normalize_rules,
    normalize_subjects,
    open_rules,
)
from tests.audit.conftest import AUDIT_NOW, RECORDED, RecordedApi

StartApi = Callable[[str | Path], RecordedApi]

DRIFTED = {("AUD-DB-002", "Cluster doae/doae-pg")}


def _audit(api: RecordedApi, expected: ExpectedState, now: dt.datetime = AUDIT_NOW) -> list[Finding]:
    findings = audit_kubernetes(expected, api.client(), now=now).findings
    assert api.unexpected == [], "the audit asked for something that was not recorded"
    return findings


def _pairs(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.code, f.resource) for f in findings}


def _one(findings: list[Finding], code: str) -> Finding:
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, matching
    return matching[0]


# ------------------------------------------------------------------------------------------ scenarios


def test_a_cluster_running_exactly_the_plan_has_no_findings(
    recorded_api: StartApi, recorded_expected: ExpectedState
) -> None:
    api = recorded_api("good")
    report = audit_kubernetes(recorded_expected, api.client(), now=AUDIT_NOW)
    assert report.findings == []
    assert api.unexpected == []
    # Everything declared was looked at, and what the operator and the charts added was not held against it.
    declared_policies = sum(len(ns.network_policies) for ns in recorded_expected.namespaces.values())
    chart_policies = sum(len(ns.helm_releases) for ns in recorded_expected.namespaces.values() if ns.tenant)
    assert report.scanned["networkPolicies"] == declared_policies + chart_policies
    assert report.scanned["databaseClusters"] == 7  # the six tenant files with a database, and the portal's
    assert report.scanned["roleBindings"] > sum(len(ns.role_bindings) for ns in recorded_expected.namespaces.values())


def test_a_stale_backup_is_found_with_its_evidence(recorded_api: StartApi, recorded_expected: ExpectedState) -> None:
    findings = _audit(recorded_api("drifted"), recorded_expected)
    assert _pairs(findings) == DRIFTED
    backup = _one(findings, "AUD-DB-002")
    assert backup.severity is Severity.HIGH
    assert backup.evidence["lastSuccessfulBackup"] == "2026-11-22T02:13:41Z"
    assert backup.evidence["periodHours"] == 24.0
    assert backup.evidence["ageHours"] > 72
    json.dumps(backup.as_json())  # plain JSON, as the report needs


def test_the_same_backup_was_fine_earlier(recorded_api: StartApi, recorded_expected: ExpectedState) -> None:
    """Seen 22 hours after it finished, the stale backup is inside one daily period plus the grace;
    seen 31 hours after, it is not."""
    finished = dt.datetime(2026, 11, 22, 2, 13, 41, tzinfo=dt.UTC)
    early = _audit(recorded_api("drifted"), recorded_expected, finished + dt.timedelta(hours=22))
    assert "AUD-DB-002" not in {f.code for f in early}
    late = _audit(recorded_api("drifted"), recorded_expected, finished + dt.timedelta(hours=31))
    assert {f.resource for f in late if f.code == "AUD-DB-002"} == {"Cluster doae/doae-pg"}


def test_good_backups_go_stale_when_audited_later(recorded_api: StartApi, recorded_expected: ExpectedState) -> None:
    findings = _audit(recorded_api("good"), recorded_expected, AUDIT_NOW + dt.timedelta(days=2))
    assert {f.resource for f in findings if f.code == "AUD-DB-002"} == {
        f"Cluster {t}/{t}-pg" for t in ("doae", "dopa", "moph", "nso", "revenue", "tmd", "ckan")
    }


# ------------------------------------------------------------------- scenarios made from the recording


def _copy(tmp_path: Path, scenario: str = "good") -> Path:
    target = tmp_path / scenario
    shutil.copytree(RECORDED / scenario, target)
    return target


def _edit(root: Path, path: str, change: Callable[[dict[str, Any]], None]) -> None:
    file = root / f"{path}.json"
    document = json.loads(file.read_text("utf-8"))
    change(document)
    file.write_text(json.dumps(document), "utf-8")


def _item(document: dict[str, Any], name: str) -> dict[str, Any]:
    item: dict[str, Any] = next(i for i in document["items"] if i["metadata"]["name"] == name)
    return item


def test_a_missing_namespace_is_critical_and_its_contents_are_not_listed(
    tmp_path: Path, recorded_api: StartApi, recorded_expected: ExpectedState
) -> None:
    root = _copy(tmp_path)

    def drop_dga(document: dict[str, Any]) -> None:
        document["items"] = [i for i in document["items"] if i["metadata"]["name"] != "dga"]

    _edit(root, "api/v1/namespaces", drop_dga)
    api = recorded_api(root)
    findings = _audit(api, recorded_expected)
    assert _pairs(findings) == {("AUD-NS-001", "Namespace dga")}
    assert findings[0].severity is Severity.CRITICAL
    assert not [r for r in api.requests if "/namespaces/dga/" in r]


def test_operator_absent_and_unhealthy_clusters(
    tmp_path: Path, recorded_api: StartApi, recorded_expected: ExpectedState
) -> None:
    root = _copy(tmp_path)
    (root / "apis/postgresql.cnpg.io/v1/namespaces/tmd/clusters.json").unlink()  # the API answers 404

    def degrade(document: dict[str, Any]) -> None:
        status = _item(document, "moph-pg")["status"]
        status.update(phase="Failing over", readyInstances=2, phaseReason="Primary instance is not ready")

    def suspend(document: dict[str, Any]) -> None:
        _item(document, "dopa-pg-backup")["spec"]["suspend"] = True

    _edit(root, "apis/postgresql.cnpg.io/v1/namespaces/moph/clusters", degrade)
    _edit(root, "apis/postgresql.cnpg.io/v1/namespaces/dopa/scheduledbackups", suspend)
    api = recorded_api(root)
    findings = audit_kubernetes(recorded_expected, api.client(), now=AUDIT_NOW).findings
    assert api.unexpected == ["GET /apis/postgresql.cnpg.io/v1/namespaces/tmd/clusters"]
    assert _pairs(findings) == {
        ("AUD-DB-001", "Cluster tmd/tmd-pg"),
        ("AUD-DB-003", "Cluster moph/moph-pg"),
        ("AUD-DB-004", "ScheduledBackup dopa/dopa-pg-backup"),
    }
    assert _one(findings, "AUD-DB-001").evidence["cloudnativepg_api_served"] is False
    assert _one(findings, "AUD-DB-003").severity is Severity.MEDIUM
    assert _one(findings, "AUD-DB-004").evidence["problems"] == ["suspended"]


def test_an_operator_binding_widened_to_cluster_admin_is_not_excused(
    tmp_path: Path, recorded_api: StartApi, recorded_expected: ExpectedState
) -> None:
    root = _copy(tmp_path)

    def escalate(document: dict[str, Any]) -> None:
        _item(document, "nso-pg")["roleRef"] = {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "ClusterRole",
            "name": "cluster-admin",
        }

    _edit(root, "apis/rbac.authorization.k8s.io/v1/namespaces/nso/rolebindings", escalate)
    assert _pairs(_audit(recorded_api(root), recorded_expected)) == {("AUD-RBAC-004", "RoleBinding nso/nso-pg")}


def test_chart_objects_of_declared_releases_are_excused_but_never_escalations(
    tmp_path: Path, recorded_api: StartApi, recorded_expected: ExpectedState
) -> None:
    root = _copy(tmp_path)
    bindings = "apis/rbac.authorization.k8s.io/v1/namespaces/nso/rolebindings"

    def forge_and_escalate(document: dict[str, Any]) -> None:
        chart = _item(document, "nso-jupyterhub")
        forged = json.loads(json.dumps(chart))
        forged["metadata"]["name"] = "nso-metabase"  # a release nobody declared
        forged["metadata"]["annotations"]["meta.helm.sh/release-name"] = "nso-metabase"
        document["items"].append(forged)
        _item(document, "nso-trino")["roleRef"] = {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "ClusterRole",
            "name": "edit",
        }

    _edit(root, bindings, forge_and_escalate)
    findings = _audit(recorded_api(root), recorded_expected)
    assert _pairs(findings) == {
        ("AUD-RBAC-002", "RoleBinding nso/nso-metabase"),
        ("AUD-RBAC-004", "RoleBinding nso/nso-trino"),
    }
    assert _one(findings, "AUD-RBAC-004").evidence["helmRelease"] == "nso-trino"


def test_platform_namespaces_are_judged_on_what_the_plan_declares_there(
    tmp_path: Path, recorded_api: StartApi, recorded_expected: ExpectedState
) -> None:
    root = _copy(tmp_path)
    # The Gateways' namespace: the platform declares NetworkPolicies there (allow-to-web-backends lets the
    # proxies reach the tenants' published services) and no RBAC, so its RoleBindings are not the audit's business.
    policies = "apis/networking.k8s.io/v1/namespaces/envoy-gateway-system/networkpolicies"

    def change(document: dict[str, Any]) -> None:
        extra = json.loads(json.dumps(document["items"][0]))
        extra["metadata"]["name"] = "chart-admission-webhook"  # what a chart may add: not the plan's business
        document["items"].append(extra)
        _item(document, "allow-to-web-backends")["spec"]["podSelector"] = {"matchLabels": {"app": "other"}}

    _edit(root, policies, change)
    api = recorded_api(root)
    findings = _audit(api, recorded_expected)
    assert _pairs(findings) == {("AUD-NET-002", "NetworkPolicy envoy-gateway-system/allow-to-web-backends")}
    assert findings[0].tenant is None
    # Nothing the plan does not declare in a platform namespace is even listed.
    assert "/apis/rbac.authorization.k8s.io/v1/namespaces/envoy-gateway-system/rolebindings" not in api.requests
    assert "/apis/rbac.authorization.k8s.io/v1/namespaces/nso/rolebindings" in api.requests


def test_a_quota_rewritten_in_other_units_is_unchanged(
    tmp_path: Path, recorded_api: StartApi, recorded_expected: ExpectedState
) -> None:
    """What a server or a tool may do to quantities (and list order) is not drift."""
    root = _copy(tmp_path)

    def rewrite(document: dict[str, Any]) -> None:
        hard = _item(document, "tenant-quota")["spec"]["hard"]
        for key, value in list(hard.items()):
            if value.endswith("Gi"):
                hard[key] = f"{int(value[:-2]) * 1024}Mi"
            elif value.isdigit() and "cpu" in key:
                hard[key] = f"{int(value) * 1000}m"

    def reorder(document: dict[str, Any]) -> None:
        for policy in document["items"]:
            policy["spec"]["policyTypes"].reverse()
            for port in (p for rule in policy["spec"].get("egress", []) for p in rule.get("ports", [])):
                port.pop("protocol") if port.get("protocol") == "TCP" else None
            for rule in policy["spec"].get("egress", []):
                rule.get("ports", []).reverse()

    _edit(root, "api/v1/namespaces/nso/resourcequotas", rewrite)
    _edit(root, "apis/networking.k8s.io/v1/namespaces/nso/networkpolicies", reorder)
    assert _audit(recorded_api(root), recorded_expected) == []


# ------------------------------------------------------------------------------ semantic comparison


def test_network_policy_defaults_and_order_do_not_matter() -> None:
    declared = {
        "podSelector": {},
        "egress": [{"to": [{"ipBlock": {"cidr": "10.20.0.7/24"}}], "ports": [{"port": 443}, {"port": 80}]}],
    }
    served = {
        "podSelector": {"matchLabels": {}},
        "policyTypes": ["Egress", "Ingress"],
        "ingress": [],
        "egress": [
            {
                "ports": [{"protocol": "TCP", "port": 80}, {"protocol": "TCP", "port": 443}],
                "to": [{"ipBlock": {"cidr": "10.20.0.0/24"}}],
            }
        ],
    }
    assert normalize_network_policy_spec(declared) == normalize_network_policy_spec(served)


def test_same_namespace_peers_are_not_confused_with_everything() -> None:
    same_namespace = {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [{"podSelector": {}}]}]}
    everything = {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{}]}
    assert normalize_network_policy_spec(same_namespace) != normalize_network_policy_spec(everything)
    assert open_rules(same_namespace) == []
    assert open_rules(everything) == ["egress rule 1 has no `to`: it matches every address"]
    assert open_rules({"podSelector": {}, "ingress": [{"from": [{"ipBlock": {"cidr": "::/0"}}]}]}) == [
        "ingress rule 1 allows ::/0"
    ]
    # Egress rules of a policy that does not govern egress are ignored by Kubernetes, so here too.
    assert open_rules({"podSelector": {}, "policyTypes": ["Ingress"], "egress": [{}]}) == []


def test_quantities_compare_by_value() -> None:
    assert normalize_quota_spec({"hard": {"limits.memory": "2Gi", "limits.cpu": "2"}}) == normalize_quota_spec(
        {"hard": {"limits.memory": "2048Mi", "limits.cpu": "2000m"}}
    )
    assert normalize_quota_spec({"hard": {"pods": "10"}}) != normalize_quota_spec({"hard": {"pods": "11"}})


def test_limit_range_server_defaults_are_applied_to_both_sides() -> None:
    declared = {"limits": [{"type": "Container", "max": {"cpu": "2"}}]}
    served = {
        "limits": [
            {"type": "Container", "max": {"cpu": "2"}, "default": {"cpu": "2"}, "defaultRequest": {"cpu": "2000m"}}
        ]
    }
    assert normalize_limit_range_spec(declared) == normalize_limit_range_spec(served)


def test_rbac_lists_compare_as_sets() -> None:
    assert normalize_rules([{"verbs": ["list", "get"], "apiGroups": [""], "resources": ["pods", "events"]}]) == (
        normalize_rules(
            [{"apiGroups": [""], "resources": ["events", "pods"], "verbs": ["get", "list"], "resourceNames": []}]
        )
    )
    assert normalize_subjects([{"kind": "Group", "name": "a"}, {"kind": "Group", "name": "b"}]) == normalize_subjects(
        [
            {"kind": "Group", "name": "b", "apiGroup": "rbac.authorization.k8s.io"},
            {"kind": "Group", "name": "a", "apiGroup": "rbac.authorization.k8s.io"},
        ]
    )


def test_last_backup_time_takes_the_newest_report() -> None:
    status = {
        "firstRecoverabilityPoint": "2026-11-01T00:00:00Z",
        "lastSuccessfulBackupByMethod": {"barmanObjectStore": "2026-11-24T02:00:00Z", "plugin": "garbage"},
    }
    assert last_backup_time(status) == dt.datetime(2026, 11, 24, 2, tzinfo=dt.UTC)
    assert last_backup_time({}) is None


CUSTOM_RESOURCE_GROUPS = {"postgresql.cnpg.io", "gateway.networking.k8s.io", "cert-manager.io", "gateway.envoyproxy.io"}
"""CRD-served groups the audit lists (CloudNativePG, Gateway API, cert-manager, Envoy Gateway): their list items carry
apiVersion and kind; built-in lists (core, networking.k8s.io, rbac.authorization.k8s.io) leave them out."""


@pytest.mark.parametrize("scenario", ["good", "drifted"])
def test_recordings_look_like_api_server_lists(scenario: str) -> None:
    for path in (RECORDED / scenario).rglob("*.json"):
        document = json.loads(path.read_text("utf-8"))
        assert document["kind"].endswith("List") and document["metadata"]["resourceVersion"], path
        custom = document["apiVersion"].split("/")[0] in CUSTOM_RESOURCE_GROUPS
        assert ("continue" in document["metadata"]) == custom, path
        for item in document["items"]:
            metadata = item["metadata"]
            assert {"uid", "resourceVersion", "creationTimestamp", "managedFields"} <= set(metadata), path
            assert ("kind" in item) == custom, path
            assert item.get("status") or not custom, f"{path}: an operator or controller sets every status here"


def test_a_peer_of_every_pod_of_every_namespace_is_open() -> None:
    """``namespaceSelector: {}`` admits other tenants' pods: as bad as an open address range."""
    everyone: dict[str, Any] = {"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {}}]}]}
    assert open_rules(everyone) == ["ingress rule 1 matches every pod of every namespace"]
    also_everyone: dict[str, Any] = {
        "podSelector": {},
        "ingress": [{"from": [{"namespaceSelector": {}, "podSelector": {}}]}],
    }
    assert open_rules(also_everyone) == ["ingress rule 1 matches every pod of every namespace"]
    labelled = {"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"a": "b"}}}]}]}
    some_pods = {
        "podSelector": {},
        "ingress": [{"from": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"app": "x"}}}]}],
    }
    assert open_rules(labelled) == open_rules(some_pods) == []


def test_declared_spec_differences_ignore_defaults_and_units() -> None:
    declared = {"instances": 3, "storage": {"size": "10Gi"}, "bootstrap": {"initdb": {"secret": {"name": "[secret]"}}}}
    live = {
        "instances": 3,
        "storage": {"size": "10240Mi", "resizeInUseVolumes": True},
        "bootstrap": {"initdb": {"secret": {"name": "app-secret"}}},
        "primaryUpdateStrategy": "unsupervised",
    }
    assert declared_differences(declared, live) == {}
    assert declared_differences(declared, {**live, "instances": 1}) == {"instances": {"expected": 3, "observed": 1}}
    assert declared_differences({"a": [1, 2]}, {"a": [1]}) == {"a": {"expected": [1, 2], "observed": [1]}}
