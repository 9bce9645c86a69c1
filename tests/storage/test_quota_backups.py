"""The tenant's database backups count toward its measured storage quota (AUD-S3-010), on moto.

``spec.storage.quota`` approves the object storage of the tenant's zones *and* its database backups
(docs/tenant-contract.md): the backup bucket is the tenant's data in the same store, sized by the retention the
agency asks for, and no other approval covers it. Here the real national-prod plan is audited: nso's zone
buckets alone fit the quota, its backup bucket's versions push it over, and the finding shows their share.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable

from govcloud.audit.expected import ExpectedState, expected_state
from govcloud.audit.storage_side import audit_quota, audit_storage
from govcloud.storage import ensure_bucket
from govcloud.storage.buckets import S3Client
from tests.program.conftest import synthesized

RAW, CURATED, BACKUP = "national-nso-raw", "national-nso-curated", "national-nso-backup"
Lift = Callable[[S3Client, str], contextlib.AbstractContextManager[None]]


def _nso(quota: int) -> ExpectedState:
    """The plan's expected state narrowed to nso's buckets, with a quota small enough to test."""
    expected = expected_state(synthesized("national-prod")[1])
    return dataclasses.replace(
        expected,
        buckets=tuple(b for b in expected.buckets if b.tenant == "nso"),
        identities=(),
        storage_quotas={"nso": quota},
    )


def _store(s3: S3Client, expected: ExpectedState, lift: Lift) -> None:
    """nso's buckets as ``pulumi up`` leaves them, 100 bytes of data and a base backup rewritten once."""
    for bucket in expected.buckets:
        ensure_bucket(s3, bucket.spec)
    with lift(s3, RAW):
        s3.put_object(Bucket=RAW, Key="census/2569.csv", Body=b"r" * 100)
    with lift(s3, BACKUP):
        s3.put_object(Bucket=BACKUP, Key="nso-pg/base/1/data.tar", Body=b"b" * 200)
        s3.put_object(Bucket=BACKUP, Key="nso-pg/base/1/data.tar", Body=b"c" * 100)  # the old version stays


def test_the_plan_gives_nso_its_backup_bucket() -> None:
    names = {b.spec.name for b in _nso(0).buckets}
    assert names == {RAW, CURATED, BACKUP}


def test_backups_push_a_tenant_over_its_quota(s3: S3Client, plain_http_object_io: Lift) -> None:
    expected = _nso(350)  # the zones hold 100 bytes: within; with 300 bytes of backup versions: over
    _store(s3, expected, plain_http_object_io)
    (finding,) = audit_quota(s3, expected, "nso")
    assert finding.code == "AUD-S3-010" and finding.tenant == "nso"
    assert finding.evidence["storedBytes"] == 400 and finding.evidence["backupBytes"] == 300
    assert finding.evidence["bytesByBucket"] == {BACKUP: 300, CURATED: 0, RAW: 100}
    assert "database backups 300 of them" in finding.message and "does not enforce" in finding.message


def test_the_storage_audit_raises_it_beside_nothing_else(s3: S3Client, plain_http_object_io: Lift) -> None:
    """The whole storage side over converged buckets: the only finding is the measured overrun."""
    expected = _nso(350)
    _store(s3, expected, plain_http_object_io)
    report = audit_storage(expected, s3, None)
    assert [(f.code, f.resource) for f in report.findings] == [("AUD-S3-010", "tenant nso's buckets")]
    assert audit_storage(_nso(400), s3, None).findings == []  # exactly at the quota is within it


def test_the_contract_the_report_and_the_code_table_say_backups_count() -> None:
    from govcloud.contract.tenant import Storage
    from govcloud.report.codes import FINDING_CODES
    from govcloud.report.i18n import MESSAGES
    from tests.program.conftest import REPO_ROOT

    description = Storage.model_fields["quota"].description or ""
    assert "database backups" in description and "backup bucket included" in description
    assert "The quota covers the database backups too" in (REPO_ROOT / "docs" / "tenant-contract.md").read_text()
    assert "database backups" in MESSAGES["object_storage.value"]["en"]
    assert "ข้อมูลสำรองของฐานข้อมูล" in MESSAGES["object_storage.value"]["th"]
    assert "backups included" in FINDING_CODES["AUD-S3-010"].en
