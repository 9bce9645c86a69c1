"""``run_audit``: both sides together, skipped sides recorded, findings ordered worst first."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from govcloud.audit.expected import ExpectedState
from govcloud.audit.findings import Finding, Severity
from govcloud.audit.run import AuditResult, planned_steps, run_audit
from tests.audit.conftest import AUDIT_NOW, RecordedApi, Store

StartApi = Callable[[str | Path], RecordedApi]


def test_both_sides_with_progress_per_namespace_and_owner(
    recorded_api: StartApi, provisioned: Store, recorded_plan: dict[str, Any], recorded_expected: ExpectedState
) -> None:
    api = recorded_api("drifted")
    provisioned.s3.delete_bucket_encryption(Bucket="national-nso-raw")
    steps: list[str] = []
    result = run_audit(
        recorded_plan, kube=api.client(), s3=provisioned.s3, iam=provisioned.iam, now=AUDIT_NOW, progress=steps.append
    )
    assert result.not_audited == ()
    assert len(steps) == planned_steps(recorded_expected, kubernetes=True, storage=True)
    # One per namespace: 7 tenants and 8 platform namespaces (cert-manager, ckan, cnpg-system,
    # envoy-gateway-system, kyverno, monitoring, spark-operator, superset-operator); one per storage owner:
    # 7 tenants and the platform (govcloud-platform: the audit log and CKAN backup buckets and the portal's two
    # identities, all tagged with the platform's owner, naming.owner_tags), so 15 + 8 = 23.
    assert len(steps) == (7 + 8) + (7 + 1)
    assert "kubernetes nso" in steps and "kubernetes cnpg-system" in steps and "kubernetes ckan" in steps
    assert steps[-2:] == ["storage tmd", "storage govcloud-platform"] and "storage site" not in steps
    assert result.counts == {"critical": 0, "high": 2, "medium": 0, "low": 0}
    assert result.failed
    assert ("AUD-S3-005", "bucket national-nso-raw") in {(f.code, f.resource) for f in result.findings}
    assert result.scanned["buckets"] == 27  # 19 tenant zones, 6 + 1 database backups, the site's audit log
    assert api.unexpected == []


def test_a_side_without_a_client_is_skipped_and_says_so(recorded_api: StartApi, recorded_plan: dict[str, Any]) -> None:
    result = run_audit(recorded_plan, kube=recorded_api("drifted").client(), s3=None, iam=None, now=AUDIT_NOW)
    assert result.not_audited == ("storage",)
    assert result.as_json()["notAudited"] == ["storage"]
    assert [f.severity for f in result.findings] == [Severity.HIGH]
    nothing = run_audit(recorded_plan, kube=None, s3=None, iam=None, now=AUDIT_NOW)
    assert nothing.not_audited == ("kubernetes", "storage") and nothing.findings == () and not nothing.failed


def test_a_store_without_iam_skips_identities(provisioned: Store, recorded_plan: dict[str, Any]) -> None:
    result = run_audit(recorded_plan, kube=None, s3=provisioned.s3, iam=None, now=AUDIT_NOW)
    assert result.not_audited == ("kubernetes", "storage identities")
    assert "storageIdentities" not in result.scanned


def test_result_orders_worst_first_then_by_resource_and_serializes() -> None:
    findings = (
        Finding("AUD-NS-004", Severity.MEDIUM, None, "Namespace b", "m"),
        Finding("AUD-NET-001", Severity.HIGH, "x", "NetworkPolicy x/b", "m"),
        Finding("AUD-RBAC-004", Severity.CRITICAL, "x", "RoleBinding x/a", "m", {"subjects": [{"name": "g"}]}),
        Finding("AUD-NET-002", Severity.HIGH, "x", "NetworkPolicy x/a", "m"),
        Finding("AUD-RBAC-001", Severity.LOW, "x", "Role x/a", "m"),
    )
    result = AuditResult("s", "national", dt.datetime(2026, 11, 25, tzinfo=dt.UTC), findings)
    assert [f.code for f in result.findings] == [
        "AUD-RBAC-004",
        "AUD-NET-002",
        "AUD-NET-001",
        "AUD-NS-004",
        "AUD-RBAC-001",
    ]
    document = json.loads(json.dumps(result.as_json()))
    assert document["counts"] == {"critical": 1, "high": 2, "medium": 1, "low": 1}
    assert document["findings"][0]["evidence"] == {"subjects": [{"name": "g"}]}
    assert document["auditedAt"] == "2026-11-25T00:00:00+00:00"
    low_only = AuditResult("s", "national", AUDIT_NOW, findings[-1:] + findings[:1])
    assert not low_only.failed
