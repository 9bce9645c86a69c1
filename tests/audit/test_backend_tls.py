"""The Trino UI's BackendTLSPolicy is a row of the kind table (``kinds.BACKEND_TLS_POLICY``), audited by its loop.

The recorded ``good`` cluster (national-prod's plan as Envoy Gateway v1.9.0 would report it) is copied and
broken one way at a time: a policy removed, one whose CA reference, hostname or target changed (AUD-TLS-003,
as the gateway side raised it before the row existed), and undeclared ones (AUD-TLS-004): high when it
selects the backend a declared one verifies (Gateway API precedence can hand that backend to it), medium
otherwise. The report lists both codes and counts each tenant's policies without naming the kind anywhere.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from govcloud.audit import kinds
from govcloud.audit.expected import ExpectedState
from govcloud.audit.findings import Finding, Severity
from govcloud.audit.kinds import BACKEND_TLS_KEY, BACKEND_TLS_POLICY, Listing
from govcloud.audit.run import run_audit
from govcloud.contract.stack import load_stack
from govcloud.report.codes import FINDING_CODES, check_of
from govcloud.report.model import build_report
from govcloud.report.render import render_html, render_markdown
from tests.audit.conftest import AUDIT_NOW, RECORDED, RecordedApi
from tests.program.conftest import REPO_ROOT, TODAY

StartApi = Callable[[str | Path], RecordedApi]
POLICIES = "apis/gateway.networking.k8s.io/v1/namespaces/{ns}/backendtlspolicies"
WITH_TRINO_UI = {"dga", "moph", "nso", "revenue"}
"""The tenants of national-prod whose Trino has a hostname: the only namespaces with a BackendTLSPolicy."""


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "good"
    shutil.copytree(RECORDED / "good", root)
    return root


def _edit(root: Path, namespace: str, change: Callable[[list[dict[str, Any]]], None]) -> None:
    file = root / f"{POLICIES.format(ns=namespace)}.json"
    document = json.loads(file.read_text("utf-8"))
    change(document["items"])
    file.write_text(json.dumps(document), "utf-8")


def _audit(api: RecordedApi, plan: dict[str, Any]) -> list[Finding]:
    result = run_audit(plan, kube=api.client(), s3=None, iam=None, now=AUDIT_NOW)
    assert api.unexpected == [], "the audit asked for something the recording does not hold"
    return list(result.findings)


def _found(findings: list[Finding]) -> set[tuple[str, Severity, str | None, str]]:
    return {(f.code, f.severity, f.tenant, f.resource) for f in findings}


def test_the_row_lists_only_where_a_policy_is_declared(
    recorded_api: StartApi, recorded_plan: dict[str, Any], recorded_expected: ExpectedState
) -> None:
    assert kinds.kind_of(BACKEND_TLS_KEY) is BACKEND_TLS_POLICY and BACKEND_TLS_POLICY.listing is Listing.DECLARED
    declared = {name for name, ns in recorded_expected.namespaces.items() if ns.backend_tls_policies}
    assert declared == WITH_TRINO_UI
    api = recorded_api("good")
    result = run_audit(recorded_plan, kube=api.client(), s3=None, iam=None, now=AUDIT_NOW)
    assert result.findings == () and api.unexpected == []
    listed = {r.split("/namespaces/")[1].split("/")[0] for r in api.requests if r.endswith("/backendtlspolicies")}
    assert listed == WITH_TRINO_UI, "tmd publishes JupyterHub only: nothing to list there"
    assert sum(r.endswith("/backendtlspolicies") for r in api.requests) == 4  # once each, by the table alone
    assert result.scanned["backendTlsPolicies"] == 4


@pytest.mark.parametrize(
    ("what", "change"),
    [
        ("CA reference", lambda spec: spec["validation"]["caCertificateRefs"][0].update(name="by-hand-ca")),
        ("well-known CAs", lambda spec: spec.update(validation={"wellKnownCACertificates": "System",
                                                                "hostname": "nso-trino.nso.svc"})),
        ("hostname", lambda spec: spec["validation"].update(hostname="nso-trino.example.org")),
        ("target", lambda spec: spec["targetRefs"][0].update(sectionName="http")),
    ],
)  # fmt: skip
def test_a_removed_or_weakened_policy_is_tls_003(
    what: str,
    change: Callable[[dict[str, Any]], None],
    tmp_path: Path,
    recorded_api: StartApi,
    recorded_plan: dict[str, Any],
) -> None:
    root = _copy(tmp_path)
    declared: dict[str, Any] = {}

    def weaken(items: list[dict[str, Any]]) -> None:
        declared.update(copy.deepcopy(items[0]["spec"]))
        change(items[0]["spec"])

    _edit(root, "nso", weaken)
    _edit(root, "moph", lambda items: items.clear())
    findings = _audit(recorded_api(root), recorded_plan)
    assert _found(findings) == {
        ("AUD-TLS-003", Severity.HIGH, "nso", "BackendTLSPolicy nso/nso-trino-backend-tls"),
        ("AUD-TLS-003", Severity.HIGH, "moph", "BackendTLSPolicy moph/moph-trino-backend-tls"),
    }, what
    by_tenant = {f.tenant: f for f in findings}
    assert "targets or validates other than declared" in by_tenant["nso"].message
    assert by_tenant["nso"].evidence["declared"] == declared != by_tenant["nso"].evidence["live"]
    assert "is declared but missing" in by_tenant["moph"].message and by_tenant["moph"].evidence["live"] is None


def test_what_does_not_verify_anything_is_not_drift(
    tmp_path: Path, recorded_api: StartApi, recorded_plan: dict[str, Any]
) -> None:
    """Status, metadata and ``options`` (TLS extension settings) are not compared, as before the row."""
    root = _copy(tmp_path)

    def touch(items: list[dict[str, Any]]) -> None:
        items[0]["status"] = {"ancestors": []}
        items[0]["metadata"]["labels"]["added-by"] = "someone"
        items[0]["spec"]["options"] = {"example.com/option": "x"}

    _edit(root, "dga", touch)
    assert _audit(recorded_api(root), recorded_plan) == []


def test_an_undeclared_policy_is_tls_004_high_when_it_competes_for_a_declared_backend(
    tmp_path: Path, recorded_api: StartApi, recorded_plan: dict[str, Any]
) -> None:
    root = _copy(tmp_path)

    def compete(items: list[dict[str, Any]]) -> None:
        rival = copy.deepcopy(items[0])
        # Named as the declared trino release's chart would name it: an escalation is judged whatever the name.
        rival["metadata"] = {"name": "revenue-trino-override", "namespace": "revenue"}
        rival["spec"]["validation"] = {"wellKnownCACertificates": "System", "hostname": "revenue-trino.revenue.svc"}
        rival["spec"]["targetRefs"][0].pop("sectionName")  # the whole Service: its https port too
        items.append(rival)

    def elsewhere(items: list[dict[str, Any]]) -> None:
        other = copy.deepcopy(items[0])
        other["metadata"] = {"name": "by-hand", "namespace": "dga"}
        other["spec"]["targetRefs"] = [{"group": "", "kind": "Service", "name": "dga-reports", "sectionName": "https"}]
        items.append(other)

    _edit(root, "revenue", compete)
    _edit(root, "dga", elsewhere)
    findings = _audit(recorded_api(root), recorded_plan)
    assert _found(findings) == {
        ("AUD-TLS-004", Severity.HIGH, "revenue", "BackendTLSPolicy revenue/revenue-trino-override"),
        ("AUD-TLS-004", Severity.MEDIUM, "dga", "BackendTLSPolicy dga/by-hand"),
    }
    by_tenant = {f.tenant: f for f in findings}
    assert by_tenant["revenue"].evidence["competesWith"] == ["revenue-trino-backend-tls"]
    assert by_tenant["revenue"].evidence["helmRelease"] == "revenue-trino"
    assert by_tenant["dga"].evidence["observed"]["targetRefs"][0]["name"] == "dga-reports"


def test_the_report_lists_the_row_and_counts_each_tenants_policies(
    tmp_path: Path, recorded_api: StartApi, recorded_plan: dict[str, Any]
) -> None:
    root = _copy(tmp_path)
    _edit(root, "nso", lambda items: items[0]["spec"]["validation"].update(hostname="elsewhere"))
    findings = _audit(recorded_api(root), recorded_plan)
    definition = load_stack(REPO_ROOT / "stacks", "national-prod", TODAY)
    report = build_report(definition, recorded_plan, findings, AUDIT_NOW)
    nso = next(t for t in report.tenants if t.name == "nso")
    assert ("BackendTLSPolicy", 1) in {(o.kind, o.count) for o in nso.evidence.objects}
    assert nso.check("encrypted").status == "fail" and nso.check("encrypted").source == "audit"
    assert check_of("AUD-TLS-003") == check_of("AUD-TLS-004") == "encrypted"
    english, thai = render_markdown(report, "en"), render_html(report, "th")
    assert "1 BackendTLSPolicies" in english and "นโยบาย TLS ถึงบริการเบื้องหลัง (BackendTLSPolicy) 1 รายการ" in thai
    assert "| AUD-TLS-003 | nso | BackendTLSPolicy nso/nso-trino-backend-tls |" in english
    for code in ("AUD-TLS-003", "AUD-TLS-004"):
        info = FINDING_CODES[code]
        assert f"| `{code}` | {info.en} |" in english
        assert f"<code>{code}</code></td><td>{info.th}</td>" in thai
    assert list(FINDING_CODES).count("AUD-TLS-003") == 1
