"""Issue 17: each clause of the audit's backup checks (AUD-DB-002 and AUD-DB-004) on its own.

Made from the good recording with one edit each: a database that never reported a backup (old, or still
inside its first window), a changed, reformatted or re-pointed ScheduledBackup, and a missing one. The
messages are written out, so a mutant that drops a clause or changes what the auditor reads fails here.
nso's database is declared with a daily schedule ``0 0 2 * * *`` (CloudNativePG's six fields); the audit
allows one period plus six hours of grace.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from govcloud.audit.expected import ExpectedState
from govcloud.audit.findings import Finding, Severity
from govcloud.audit.kubernetes_side import audit_kubernetes
from tests.audit.conftest import AUDIT_NOW, RECORDED, RecordedApi

StartApi = Callable[[str | Path], RecordedApi]
CLUSTERS = "apis/postgresql.cnpg.io/v1/namespaces/nso/clusters"
SCHEDULES = "apis/postgresql.cnpg.io/v1/namespaces/nso/scheduledbackups"
NO_BACKUP_KEYS = (
    "lastSuccessfulBackup",
    "firstRecoverabilityPoint",
    "lastSuccessfulBackupByMethod",
    "firstRecoverabilityPointByMethod",
)


def _scenario(tmp_path: Path, path: str, change: Callable[[dict[str, Any]], None]) -> Path:
    root = tmp_path / "good"
    shutil.copytree(RECORDED / "good", root)
    file = root / f"{path}.json"
    document = json.loads(file.read_text("utf-8"))
    (item,) = [i for i in document["items"] if i["metadata"]["name"].startswith("nso-pg")]
    change(item)
    file.write_text(json.dumps(document), "utf-8")
    return root


def _db_findings(api: RecordedApi, expected: ExpectedState, now: dt.datetime = AUDIT_NOW) -> list[Finding]:
    findings = audit_kubernetes(expected, api.client(), now=now).findings
    assert api.unexpected == []
    return [f for f in findings if f.code.startswith("AUD-DB-")]


def _never_backed_up(created: str) -> Callable[[dict[str, Any]], None]:
    def change(item: dict[str, Any]) -> None:
        for key in NO_BACKUP_KEYS:
            item["status"].pop(key, None)
        item["metadata"]["creationTimestamp"] = created

    return change


def test_a_database_that_never_reported_a_backup(
    tmp_path: Path, recorded_api: StartApi, recorded_expected: ExpectedState
) -> None:
    root = _scenario(tmp_path, CLUSTERS, _never_backed_up("2026-03-02T04:10:27Z"))
    (finding,) = _db_findings(recorded_api(root), recorded_expected)
    assert (finding.code, finding.severity, finding.resource, finding.message) == (
        "AUD-DB-002",
        Severity.HIGH,
        "Cluster nso/nso-pg",
        "nso-pg reports no successful backup at all",
    )
    assert finding.evidence["ageHours"] is None
    assert finding.evidence["created"] == "2026-03-02T04:10:27Z"
    assert finding.evidence["periodHours"] == 24.0 and finding.evidence["graceHours"] == 6.0


def test_a_new_database_inside_its_first_window_is_not_reported(
    tmp_path: Path, recorded_api: StartApi, recorded_expected: ExpectedState
) -> None:
    """Created 29 hours before the audit: one day plus six hours has not passed yet; 31 hours has."""
    created = AUDIT_NOW - dt.timedelta(hours=29)
    root = _scenario(tmp_path, CLUSTERS, _never_backed_up(created.strftime("%Y-%m-%dT%H:%M:%SZ")))
    assert _db_findings(recorded_api(root), recorded_expected) == []
    later = _db_findings(recorded_api(root), recorded_expected, AUDIT_NOW + dt.timedelta(hours=2))
    assert [(f.code, f.resource) for f in later] == [("AUD-DB-002", "Cluster nso/nso-pg")]


def test_a_database_without_a_creation_time_or_backup_is_reported(
    tmp_path: Path, recorded_api: StartApi, recorded_expected: ExpectedState
) -> None:
    def change(item: dict[str, Any]) -> None:
        _never_backed_up("")(item)
        del item["metadata"]["creationTimestamp"]

    root = _scenario(tmp_path, CLUSTERS, change)
    assert [f.message for f in _db_findings(recorded_api(root), recorded_expected)] == [
        "nso-pg reports no successful backup at all"
    ]


def test_a_stale_backup_message_gives_the_age_and_the_window(
    tmp_path: Path, recorded_api: StartApi, recorded_expected: ExpectedState
) -> None:
    def change(item: dict[str, Any]) -> None:
        for key in NO_BACKUP_KEYS:
            item["status"].pop(key, None)
        item["status"]["lastSuccessfulBackup"] = "2026-11-23T12:00:00Z"

    root = _scenario(tmp_path, CLUSTERS, change)
    (finding,) = _db_findings(recorded_api(root), recorded_expected)
    assert finding.message == (
        "the last successful backup of nso-pg is 48.0 hours old; its schedule allows 30.0 hours "
        "(24.0 between runs + 6.0 grace)"
    )
    assert finding.evidence["ageHours"] == 48.0


def _schedule_problem(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def edit(item: dict[str, Any]) -> None:
        change(item["spec"])

    return edit


def test_a_changed_backup_schedule(tmp_path: Path, recorded_api: StartApi, recorded_expected: ExpectedState) -> None:
    root = _scenario(tmp_path, SCHEDULES, _schedule_problem(lambda spec: spec.update(schedule="0 0 3 * * *")))
    (finding,) = _db_findings(recorded_api(root), recorded_expected)
    assert (finding.code, finding.severity, finding.resource) == (
        "AUD-DB-004",
        Severity.HIGH,
        "ScheduledBackup nso/nso-pg-backup",
    )
    assert finding.evidence["problems"] == ["schedule is '0 0 3 * * *', declared '0 0 2 * * *'"]
    assert finding.message == "scheduled backup nso-pg-backup: schedule is '0 0 3 * * *', declared '0 0 2 * * *'"


def test_a_reformatted_schedule_is_the_same_schedule(
    tmp_path: Path, recorded_api: StartApi, recorded_expected: ExpectedState
) -> None:
    root = _scenario(tmp_path, SCHEDULES, _schedule_problem(lambda spec: spec.update(schedule=" 0  0 2 * * * ")))
    assert _db_findings(recorded_api(root), recorded_expected) == []


def test_a_schedule_backing_up_another_cluster(
    tmp_path: Path, recorded_api: StartApi, recorded_expected: ExpectedState
) -> None:
    root = _scenario(tmp_path, SCHEDULES, _schedule_problem(lambda spec: spec.update(cluster={"name": "other-pg"})))
    (finding,) = _db_findings(recorded_api(root), recorded_expected)
    assert finding.evidence["problems"] == ["backs up cluster 'other-pg', declared 'nso-pg'"]


def test_suspended_and_changed_together_are_one_finding(
    tmp_path: Path, recorded_api: StartApi, recorded_expected: ExpectedState
) -> None:
    root = _scenario(
        tmp_path, SCHEDULES, _schedule_problem(lambda spec: spec.update(suspend=True, schedule="0 0 3 * * *"))
    )
    (finding,) = _db_findings(recorded_api(root), recorded_expected)
    assert finding.message == (
        "scheduled backup nso-pg-backup: suspended; schedule is '0 0 3 * * *', declared '0 0 2 * * *'"
    )


def test_a_missing_scheduled_backup(tmp_path: Path, recorded_api: StartApi, recorded_expected: ExpectedState) -> None:
    root = tmp_path / "good"
    shutil.copytree(RECORDED / "good", root)
    file = root / f"{SCHEDULES}.json"
    document = json.loads(file.read_text("utf-8"))
    document["items"] = []
    file.write_text(json.dumps(document), "utf-8")
    (finding,) = _db_findings(recorded_api(root), recorded_expected)
    assert (finding.code, finding.severity, finding.resource, finding.message) == (
        "AUD-DB-004",
        Severity.HIGH,
        "ScheduledBackup nso/nso-pg-backup",
        "scheduled backup nso-pg-backup of nso-pg is missing",
    )
    assert finding.evidence["expected_schedule"] == "0 0 2 * * *"
