"""Run both sides of the audit against one plan and gather one result an auditor can read or archive."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from kubernetes.client import ApiClient

from govcloud.audit.expected import ExpectedState, expected_state
from govcloud.audit.findings import Finding, Severity
from govcloud.audit.gateway_side import audit_gateways
from govcloud.audit.kubernetes_side import BACKUP_GRACE, audit_kubernetes
from govcloud.audit.storage_side import audit_storage, storage_owners
from govcloud.storage.buckets import IamClient, S3Client
from govcloud.synth.plan import kubernetes_objects, plan_digest

KUBERNETES: Final = "kubernetes"
STORAGE: Final = "storage"
STORAGE_IDENTITIES: Final = "storage identities"
FAILING: Final = frozenset({Severity.HIGH, Severity.CRITICAL})


def _order(finding: Finding) -> tuple[int, str, str, str]:
    return (-finding.severity.rank, finding.resource, finding.code, finding.message)


@dataclass(frozen=True)
class AuditResult:
    """The findings (worst first), what was looked at, and which sides were not audited at all."""

    stack: str
    site: str
    audited_at: dt.datetime
    findings: tuple[Finding, ...]
    scanned: Mapping[str, int] = field(default_factory=dict)
    not_audited: tuple[str, ...] = ()
    """Sides skipped because no client was given; a report must say so rather than look clean."""
    plan_digest: str = ""
    """``govcloud.synth.plan.plan_digest`` of the plan audited against: a report refuses another plan's findings."""
    counts: Mapping[str, int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "findings", tuple(sorted(self.findings, key=_order)))
        counts = {s.value: 0 for s in sorted(Severity, key=lambda s: -s.rank)}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        object.__setattr__(self, "counts", counts)

    @property
    def failed(self) -> bool:
        """Whether any finding is high or critical (the command then exits 1)."""
        return any(f.severity in FAILING for f in self.findings)

    def as_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "site": self.site,
            "auditedAt": self.audited_at.isoformat(),
            "counts": dict(self.counts),
            "scanned": dict(self.scanned),
            "notAudited": list(self.not_audited),
            "planDigest": self.plan_digest,
            "findings": [f.as_json() for f in self.findings],
        }


def planned_steps(expected: ExpectedState, *, kubernetes: bool, storage: bool, identities: bool = True) -> int:
    """How many progress callbacks ``run_audit`` will make (one per namespace, one per storage owner)."""
    steps = len(expected.namespaces) if kubernetes else 0
    return steps + (len(storage_owners(expected, identities=identities)) if storage else 0)


def run_audit(
    plan: Mapping[str, Any],
    *,
    kube: ApiClient | None,
    s3: S3Client | None,
    iam: IamClient | None,
    now: dt.datetime,
    progress: Callable[[str], None] | None = None,
    backup_grace: dt.timedelta = BACKUP_GRACE,
) -> AuditResult:
    """Audit what is running against ``plan``; a side whose client is None is skipped and recorded so.

    ``iam`` None with an ``s3`` client audits the buckets only (a store without an IAM API).
    """
    expected = expected_state(plan)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    findings: list[Finding] = []
    scanned: dict[str, int] = {}
    skipped: list[str] = []
    if kube is None:
        skipped.append(KUBERNETES)
    else:
        report = audit_kubernetes(expected, kube, now=now, grace=backup_grace, progress=progress)
        findings += report.findings
        scanned.update(report.scanned)
        # The entry points (issue 14): every HTTPS listener the plan declares has a valid, Ready certificate.
        missing = [f.resource.removeprefix("Namespace ") for f in report.findings if f.code == "AUD-NS-001"]
        gateway_findings, listeners = audit_gateways(kubernetes_objects(plan.get("resources") or []), kube, missing)
        findings += gateway_findings
        if listeners:
            scanned["https listeners"] = listeners
    if s3 is None:
        skipped.append(STORAGE)
    else:
        if iam is None:
            skipped.append(STORAGE_IDENTITIES)
        report = audit_storage(expected, s3, iam, progress=progress)
        findings += report.findings
        scanned.update(report.scanned)
    return AuditResult(
        stack=expected.stack,
        site=expected.site,
        audited_at=now,
        findings=tuple(findings),
        scanned=scanned,
        not_audited=tuple(skipped),
        plan_digest=plan_digest(plan),
    )
