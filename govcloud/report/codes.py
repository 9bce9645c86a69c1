"""Every finding code the audit can raise: what it means, in Thai and English, and which overview mark it fails.

The report prints this table in full (an auditor must be able to look up a code that is *not* in this
report), and uses ``check`` to let a live finding override the mark the plan alone would give: a tenant
whose NetworkPolicy was deleted is not "isolated", whatever its plan says. A test keeps the table equal to
the codes the audit's source can raise (``govcloud/audit``), so a new code cannot go undocumented.

The codes of the tenant kinds (NetworkPolicies, quotas, Roles, RoleBindings, ServiceAccounts,
BackendTLSPolicies, ...) are the kind table's (``govcloud.audit.kinds``): a kind added there is listed here
without an edit.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from govcloud.audit import kinds
from govcloud.audit.findings import FindingCode, Severity

CodeInfo = FindingCode
"""One row of the table: code, overview mark, meaning in English and Thai."""

_NAMESPACE_ROWS: tuple[CodeInfo, ...] = (
    CodeInfo("AUD-NS-001", "isolated", "A declared tenant namespace does not exist.",
             "ไม่มี namespace ของหน่วยงานที่ประกาศไว้"),
    CodeInfo("AUD-NS-002", "isolated", "A namespace lacks, or has changed, govcloud's labels.",
             "namespace ไม่มีหรือถูกแก้ไขป้ายกำกับของ govcloud"),
    CodeInfo("AUD-NS-003", "isolated", "A namespace does not enforce the restricted Pod Security level.",
             "namespace ไม่บังคับใช้ Pod Security ระดับ restricted"),
    CodeInfo("AUD-NS-004", None, "A namespace labelled as govcloud's is not declared by the stack.",
             "มี namespace ที่ติดป้ายว่าเป็นของ govcloud แต่ stack ไม่ได้ประกาศไว้"),
)  # fmt: skip

_CLUSTER_ROWS: tuple[CodeInfo, ...] = (
    CodeInfo("AUD-RBAC-006", "isolated", "A ClusterRoleBinding gives a tenant's group cluster-wide access.",
             "ClusterRoleBinding ให้กลุ่มของหน่วยงานเข้าถึงได้ทั้งคลัสเตอร์"),
)  # fmt: skip
"""Kubernetes codes outside the kind table; listed by code among the kind table's."""

_OTHER_ROWS: tuple[CodeInfo, ...] = (
    CodeInfo("AUD-DB-001", "backedUp", "A declared PostgreSQL cluster does not exist.",
             "ไม่มีคลัสเตอร์ PostgreSQL ที่ประกาศไว้"),
    CodeInfo("AUD-DB-002", "backedUp", "The last successful database backup is older than its schedule allows.",
             "การสำรองฐานข้อมูลที่สำเร็จครั้งล่าสุดเก่ากว่าที่กำหนดการอนุญาต"),
    CodeInfo("AUD-DB-003", None, "A PostgreSQL cluster is not healthy.",
             "คลัสเตอร์ PostgreSQL ทำงานไม่ปกติ"),
    CodeInfo("AUD-DB-004", "backedUp", "A scheduled backup is missing or differs from the declared one.",
             "ไม่มีการสำรองตามกำหนดการ หรือไม่ตรงกับที่ประกาศไว้"),
    CodeInfo("AUD-DB-005", "encrypted", "A PostgreSQL cluster was changed out of band (TLS, storage, backup).",
             "คลัสเตอร์ PostgreSQL ถูกแก้ไขนอกกระบวนการ (TLS ที่เก็บข้อมูล การสำรอง)"),
    CodeInfo("AUD-DB-010", None, "A generated database role Secret is missing.",
             "ไม่มี Secret ของบทบาทฐานข้อมูลที่สร้างขึ้น"),
    CodeInfo("AUD-DB-011", None, "A generated database role Secret has the wrong shape.",
             "Secret ของบทบาทฐานข้อมูลมีรูปแบบไม่ถูกต้อง"),
    CodeInfo("AUD-TLS-001", "encrypted", "An HTTPS listener has no valid, Ready certificate for its name.",
             "ตัวรับฟัง HTTPS ไม่มีใบรับรองที่ถูกต้องและพร้อมใช้งานสำหรับชื่อของตน"),
    CodeInfo("AUD-TLS-002", "encrypted", "A public name has a certificate from the site CA (not publicly trusted).",
             "ชื่อสาธารณะใช้ใบรับรองจาก CA ของศูนย์ ซึ่งผู้ใช้ทั่วไปไม่เชื่อถือ"),
    CodeInfo("AUD-GW-002", "isolated", "A ListenerSet or HTTPRoute not declared by the stack publishes names.",
             "มี ListenerSet หรือ HTTPRoute ที่ stack ไม่ได้ประกาศไว้เผยแพร่ชื่อโฮสต์"),
    CodeInfo("AUD-GW-003", "isolated", "A Gateway is exposed other than declared (its EnvoyProxy is missing, "
             "changed or not the one it names).",
             "Gateway ถูกเปิดให้เข้าถึงต่างจากที่ประกาศไว้ (EnvoyProxy หายไป ถูกแก้ไข หรือไม่ใช่ตัวที่อ้างถึง)"),
    CodeInfo("AUD-GW-001", None, "A declared Gateway is missing or not Programmed: its names are not served.",
             "ไม่มี Gateway ที่ประกาศไว้หรือ Gateway ยังไม่พร้อมทำงาน ชื่อบน Gateway นั้นจึงไม่ได้ให้บริการ"),
    CodeInfo("AUD-S3-001", "protected", "A declared bucket does not exist.",
             "ไม่มีบักเก็ตที่ประกาศไว้"),
    CodeInfo("AUD-S3-002", "isolated", "A bucket's public access block was removed or weakened.",
             "การปิดกั้นการเข้าถึงสาธารณะของบักเก็ตถูกลบหรือลดระดับ"),
    CodeInfo("AUD-S3-003", "isolated", "A bucket policy lets anyone (Principal *) in.",
             "นโยบายบักเก็ตอนุญาตให้ทุกคน (Principal *) เข้าถึง"),
    CodeInfo("AUD-S3-004", "isolated", "A bucket ACL grants access to everyone.",
             "ACL ของบักเก็ตให้สิทธิ์แก่ทุกคน"),
    CodeInfo("AUD-S3-005", "encrypted", "A bucket's default encryption was removed.",
             "การเข้ารหัสเริ่มต้นของบักเก็ตถูกลบ"),
    CodeInfo("AUD-S3-006", "backedUp", "A bucket's versioning is not enabled.",
             "บักเก็ตไม่ได้เปิดการเก็บหลายเวอร์ชัน"),
    CodeInfo("AUD-S3-007", "encrypted", "A bucket policy no longer refuses plain-HTTP requests.",
             "นโยบายบักเก็ตไม่ปฏิเสธคำขอ HTTP ที่ไม่เข้ารหัสอีกต่อไป"),
    CodeInfo("AUD-S3-008", None, "A bucket has drifted from its spec (lifecycle, tags, lock).",
             "บักเก็ตคลาดเคลื่อนจากข้อกำหนด (วงจรชีวิต ป้ายกำกับ การล็อก)"),
    CodeInfo("AUD-S3-009", "agreementsOnly", "A bucket policy grants access the stack does not declare.",
             "นโยบายบักเก็ตให้สิทธิ์ที่ stack ไม่ได้ประกาศ (แบ่งปันนอกข้อตกลง)"),
    CodeInfo("AUD-S3-010", None, "A tenant's buckets, backups included, exceed its approved quota (measured; no "
             "store enforces it).",
             "บักเก็ตของหน่วยงานรวมข้อมูลสำรองเกินโควตาที่อนุมัติ (วัดได้จากการตรวจ ระบบจัดเก็บไม่ได้บังคับใช้)"),
    CodeInfo("AUD-IAM-001", None, "A declared storage identity does not exist.",
             "ไม่มีตัวตนสำหรับจัดเก็บข้อมูลที่ประกาศไว้"),
    CodeInfo("AUD-IAM-002", "agreementsOnly", "A storage identity reaches data without an active agreement.",
             "ตัวตนจัดเก็บข้อมูลเข้าถึงข้อมูลโดยไม่มีข้อตกลงที่มีผล"),
    CodeInfo("AUD-IAM-003", "isolated", "A storage identity holds permissions beyond its declared policy.",
             "ตัวตนจัดเก็บข้อมูลมีสิทธิ์เกินกว่านโยบายที่ประกาศ"),
    CodeInfo("AUD-IAM-004", None, "A storage identity lacks declared access (it cannot work as agreed).",
             "ตัวตนจัดเก็บข้อมูลขาดสิทธิ์ที่ประกาศไว้"),
)  # fmt: skip


def _rows() -> dict[str, CodeInfo]:
    """The table in the order the report prints it: namespaces, the Kubernetes objects' codes, everything else."""
    objects = sorted((*kinds.kind_codes(), *_CLUSTER_ROWS), key=lambda row: row.code)
    return {row.code: row for row in (*_NAMESPACE_ROWS, *objects, *_OTHER_ROWS)}


class _FindingCodes(Mapping[str, CodeInfo]):
    """The table, read from the kind table each time, so a kind added there (even by a test) is listed."""

    def __getitem__(self, code: str) -> CodeInfo:
        return _rows()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(_rows())

    def __len__(self) -> int:
        return len(_rows())


FINDING_CODES: Mapping[str, CodeInfo] = _FindingCodes()

#: Findings at or above this severity fail the overview mark of their code.
OVERRIDING = frozenset({Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL})


def check_of(code: str) -> str | None:
    info = FINDING_CODES.get(code)
    return info.check if info is not None else None
