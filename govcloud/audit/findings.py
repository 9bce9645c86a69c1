"""A finding of the audit: what is wrong, how bad, and the evidence an auditor can check."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Severity(str, Enum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL].index(self)


@dataclass(frozen=True)
class FindingCode:
    """What a finding code means, in both report languages, and which overview mark a finding of it fails.

    Defined beside the audit that raises the code (the kind table holds its kinds' codes), so the report's
    table of codes (``govcloud.report.codes``) is read from one place.
    """

    code: str
    check: str | None
    """The overview mark a finding of this code fails (``isolated``, ``encrypted``, ...), or None."""
    en: str
    th: str


@dataclass(frozen=True)
class Finding:
    """One discrepancy between the declared and the live platform."""

    code: str
    """Stable identifier, e.g. ``AUD-NET-002``; runbooks and reports refer to it."""
    severity: Severity
    tenant: str | None
    resource: str
    """What is affected, e.g. ``NetworkPolicy nso/default-deny-all`` or ``bucket national-nso-raw``."""
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    """What was observed and what was expected, as plain JSON values (never a secret)."""

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "tenant": self.tenant,
            "resource": self.resource,
            "message": self.message,
            "evidence": dict(self.evidence),
        }
