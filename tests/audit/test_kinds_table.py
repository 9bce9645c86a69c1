"""The kind table (govcloud/audit/kinds.py) is all it takes to audit a tenant kind and show it in the report.

The proof adds one row at test time, for the CloudNativePG Barman Cloud ``ObjectStore`` that every tenant
database already declares (builder ``govcloud.manifests.database.database_object_store``, one ``declare`` in
``TenantDatabase``) and that the audit does not compare today. With that row and nothing else: the plan's
ObjectStores are expected, the audit lists them (one GET) and finds a missing, a changed and an undeclared
one, and the auditors' report counts each tenant's ObjectStores, prints the findings, lists the row's codes
with their meaning and fails the overview mark the row names. The same row is the diff for adding the kind
for real (issue 15, item 4).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from govcloud.audit import kinds
from govcloud.audit.expected import expected_state
from govcloud.audit.findings import FindingCode, Severity
from govcloud.audit.kinds import Listing, Outcome, TenantKind
from govcloud.audit.normalize import declared_differences
from govcloud.audit.run import run_audit
from govcloud.contract.stack import load_stack
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests.database import database_object_store
from govcloud.manifests.namespace import tenant_namespace
from govcloud.report.codes import FINDING_CODES, check_of
from govcloud.report.model import build_report
from govcloud.report.render import render_html, render_markdown
from govcloud.synth.plan import TENANT_TYPE
from tests.audit.conftest import AUDIT_NOW, RecordedApi
from tests.program.conftest import REPO_ROOT, TODAY, synthesized
from tests.unit.contract_helpers import SITE, tenant

StartApi = Callable[[str | Path], RecordedApi]
THAI = re.compile(r"[\u0E00-\u0E7F]")

OBJECT_STORE = TenantKind(
    api_version="barmancloud.cnpg.io/v1",
    kind="ObjectStore",
    plural="objectstores",
    attribute="object_stores",
    listing=Listing.TENANT,
    normalize=lambda m: m.get("spec") or {},
    differs=lambda want, have: bool(declared_differences(want, have)),
    missing=Outcome(
        FindingCode(
            "AUD-DB-006",
            "backedUp",
            "A database's backup destination (Barman Cloud ObjectStore) is missing.",
            "ไม่มีปลายทางการสำรองฐานข้อมูล (ObjectStore ของ Barman Cloud) ที่ประกาศไว้",
        ),
        Severity.HIGH,
        "ObjectStore {name} is missing: WAL and base backups of its cluster have nowhere to go",
    ),
    changed=Outcome(
        FindingCode(
            "AUD-DB-007",
            "backedUp",
            "A database's backup destination or retention was changed out of band.",
            "ปลายทางหรือระยะเวลาเก็บรักษาการสำรองฐานข้อมูลถูกแก้ไขนอกกระบวนการ",
        ),
        Severity.HIGH,
        "ObjectStore {name} was changed out of band",
        lambda c: {"changed": declared_differences(c.want, c.have)},
    ),
    extra=Outcome(
        FindingCode(
            "AUD-DB-008",
            "isolated",
            "An ObjectStore not declared by the stack (a backup destination outside govcloud).",
            "มี ObjectStore ที่ stack ไม่ได้ประกาศไว้ (ปลายทางสำรองข้อมูลนอก govcloud)",
        ),
        Severity.MEDIUM,
        "undeclared ObjectStore {name} can send a database's backups outside govcloud",
        lambda c: {"destinationPath": (c.have.get("configuration") or {}).get("destinationPath")},
    ),
    en="Barman Cloud ObjectStores",
    th="ปลายทางสำรองฐานข้อมูล (ObjectStore)",
)


@pytest.fixture
def with_object_stores(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kind table with one more row, for this test only."""
    monkeypatch.setattr(kinds, "TENANT_KINDS", (*kinds.TENANT_KINDS, OBJECT_STORE))


# ------------------------------------------------------------------------------------------ the table


def test_every_row_is_complete_and_unambiguous() -> None:
    keys = [row.key for row in kinds.TENANT_KINDS]
    attributes = [row.attribute for row in kinds.TENANT_KINDS]
    assert len(set(keys)) == len(keys) and len(set(attributes)) == len(attributes)
    for row in kinds.TENANT_KINDS:
        assert THAI.search(row.th) and row.en, row.kind
        assert row.path().endswith(f"/namespaces/{{namespace}}/{row.plural}")
        for outcome in row.outcomes:
            assert FINDING_CODES[outcome.code.code] == outcome.code  # the report's table is the row's
            assert THAI.search(outcome.code.th), outcome.code.code


def test_a_row_lists_the_core_group_under_api_and_others_under_apis() -> None:
    assert kinds.RESOURCE_QUOTA.path() == "/api/v1/namespaces/{namespace}/resourcequotas"
    assert kinds.NETWORK_POLICY.path() == "/apis/networking.k8s.io/v1/namespaces/{namespace}/networkpolicies"
    assert kinds.NETWORK_POLICY.scanned == "networkPolicies" and kinds.ROLE_BINDING.scanned == "roleBindings"


def test_the_expected_namespace_exposes_every_row_by_its_attribute(with_object_stores: None) -> None:
    nso = expected_state(synthesized("national-prod")[1]).namespaces["nso"]
    assert set(nso.network_policies) and set(nso.role_bindings)
    # the row alone makes the plan's ObjectStores (TenantDatabase's existing declare) expected
    assert [m["spec"]["configuration"]["destinationPath"] for m in nso.object_stores.values()] == [
        "s3://national-nso-backup/nso-pg"
    ]
    with pytest.raises(AttributeError):
        _ = nso.no_such_kind


# ------------------------------------------------------------------------- a new kind through one row


def _plan() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A one-tenant plan declaring its namespace and two ObjectStores (the real builders' output)."""
    request = TenantRequest.model_validate(tenant())
    namespace = tenant_namespace(request, SITE)
    kept = database_object_store(request, SITE)
    gone = copy.deepcopy(kept)
    gone["metadata"]["name"] = "nso-archive-backup"
    parent = "urn:pulumi:national-prod::govcloud::govcloud:tenant:Tenant::nso"
    resources = [{"urn": parent, "type": TENANT_TYPE, "name": "nso", "inputs": {}}]
    for obj in (namespace, kept, gone):
        kind, name = obj["kind"], obj["metadata"]["name"]
        resources.append(
            {
                "urn": f"{parent}$kubernetes:{obj['apiVersion']}:{kind}::{name}",
                "type": f"kubernetes:{obj['apiVersion']}:{kind}",
                "name": name,
                "parent": parent,
                "inputs": obj,
            }
        )
    plan = {"stack": "national-prod", "site": "national", "tenants": ["nso"], "resources": resources}
    return plan, namespace, kept


def _record(root: Path, path: str, items: list[dict[str, Any]]) -> None:
    file = root / f"{path.strip('/')}.json"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps({"kind": "List", "apiVersion": "v1", "items": items}), "utf-8")


def _cluster(root: Path, namespace: dict[str, Any], kept: dict[str, Any]) -> None:
    """A live cluster where the kept ObjectStore's retention was shortened and an undeclared one appeared."""
    for row in kinds.TENANT_KINDS:
        if row.listing is Listing.TENANT and row is not OBJECT_STORE:
            _record(root, row.path().format(namespace="nso"), [])
    _record(root, "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", [])
    _record(root, "/api/v1/namespaces", [{"metadata": namespace["metadata"]}])
    changed = copy.deepcopy(kept)
    changed["spec"]["retentionPolicy"] = "1d"
    changed["spec"]["configuration"]["data"]["jobs"] = 2  # the same value: not drift
    elsewhere = copy.deepcopy(kept)
    elsewhere["metadata"]["name"] = "exfil"
    elsewhere["spec"]["configuration"]["destinationPath"] = "s3://somewhere-else/nso"
    _record(root, OBJECT_STORE.path().format(namespace="nso"), [changed, elsewhere])


def test_one_row_audits_a_new_kind_missing_changed_and_undeclared(
    recorded_api: StartApi, tmp_path: Path, with_object_stores: None
) -> None:
    plan, namespace, kept = _plan()
    _cluster(tmp_path, namespace, kept)
    api = recorded_api(tmp_path)
    result = run_audit(plan, kube=api.client(), s3=None, iam=None, now=AUDIT_NOW)
    assert api.unexpected == []
    assert "/apis/barmancloud.cnpg.io/v1/namespaces/nso/objectstores" in api.requests
    by_code = {f.code: f for f in result.findings}
    assert {(f.code, f.severity, f.resource) for f in result.findings} == {
        ("AUD-DB-006", Severity.HIGH, "ObjectStore nso/nso-archive-backup"),
        ("AUD-DB-007", Severity.HIGH, "ObjectStore nso/nso-pg-backup"),
        ("AUD-DB-008", Severity.MEDIUM, "ObjectStore nso/exfil"),
    }
    assert by_code["AUD-DB-007"].evidence == {"changed": {"retentionPolicy": {"expected": "30d", "observed": "1d"}}}
    assert by_code["AUD-DB-008"].evidence == {"destinationPath": "s3://somewhere-else/nso"}
    assert all(f.tenant == "nso" for f in result.findings)
    assert result.scanned["objectStores"] == 2 and result.failed


def test_without_the_row_the_kind_is_not_audited(recorded_api: StartApi, tmp_path: Path) -> None:
    plan, namespace, kept = _plan()
    _cluster(tmp_path, namespace, kept)
    api = recorded_api(tmp_path)
    result = run_audit(plan, kube=api.client(), s3=None, iam=None, now=AUDIT_NOW)
    assert result.findings == () and "objectStores" not in result.scanned
    assert not any("objectstores" in request for request in api.requests)


def test_one_row_shows_the_new_kind_in_the_report(
    recorded_api: StartApi, tmp_path: Path, with_object_stores: None
) -> None:
    plan, namespace, kept = _plan()
    _cluster(tmp_path, namespace, kept)
    findings = run_audit(plan, kube=recorded_api(tmp_path).client(), s3=None, iam=None, now=AUDIT_NOW).findings
    definition = load_stack(REPO_ROOT / "stacks", "national-prod", TODAY)
    report = build_report(definition, synthesized("national-prod")[1], findings, AUDIT_NOW)
    nso = next(t for t in report.tenants if t.name == "nso")
    assert ("ObjectStore", 1) in {(o.kind, o.count) for o in nso.evidence.objects}  # its database's store
    assert nso.check("backedUp").status == "fail" and nso.check("backedUp").source == "audit"
    assert check_of("AUD-DB-008") == "isolated"
    english, thai = render_markdown(report, "en"), render_html(report, "th")
    assert "1 Barman Cloud ObjectStores" in english and "ปลายทางสำรองฐานข้อมูล (ObjectStore) 1 รายการ" in thai
    for finding in findings:
        assert f"| {finding.code} | nso | {finding.resource} |" in english  # the findings table
        assert f"<code>{finding.code}</code>" in thai
    for code in ("AUD-DB-006", "AUD-DB-007", "AUD-DB-008"):
        info = FINDING_CODES[code]
        assert f"| `{code}` | {info.en} |" in english
        assert f"<code>{code}</code></td><td>{info.th}</td>" in thai
