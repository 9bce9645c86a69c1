"""The report's words in Thai and English: one catalog, so no heading or sentence exists in only one language.

Classification names follow the Thai Government Data Catalog: เปิดเผย, ชั้นเผยแพร่ภายในองค์กร, ลับ, ลับมาก
(ลับที่สุด, top secret, is not permitted on the shared cloud). Thai dates use the Buddhist Era, as Thai
officials read and cite them.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from decimal import Decimal
from typing import Any, Literal

from govcloud.audit import kinds

Lang = Literal["th", "en"]
LANGUAGES: tuple[Lang, ...] = ("th", "en")

#: The report is read in Thailand: times are shown in Indochina Time.
ICT = dt.timezone(dt.timedelta(hours=7))
_THAI_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
BUDDHIST_ERA_OFFSET = 543

MESSAGES: dict[str, dict[Lang, str]] = {
    # -- document ------------------------------------------------------------------------------------------
    "title": {
        "en": "Government Big Data Cloud: report for auditors",
        "th": "รายงานสำหรับผู้ตรวจสอบ ระบบคลาวด์ข้อมูลขนาดใหญ่ภาครัฐ",
    },
    "subtitle": {
        "en": "Stack {stack} · site: {site} · environment: {environment}",
        "th": "สแตก {stack} · ศูนย์ข้อมูล: {site} · สภาพแวดล้อม: {environment}",
    },
    "site.national": {"en": "national data centre", "th": "ศูนย์ข้อมูลแห่งชาติ"},
    "environment.prod": {"en": "production", "th": "ใช้งานจริง (prod)"},
    "environment.staging": {"en": "staging", "th": "ทดสอบก่อนใช้งานจริง (staging)"},
    "environment.dev": {"en": "development", "th": "พัฒนาระบบ (dev)"},
    "generated": {"en": "Generated {when}", "th": "จัดทำเมื่อ {when}"},
    "as_of": {"en": "Agreement status as of {date}", "th": "สถานะข้อตกลง ณ วันที่ {date}"},
    "audience": {
        "en": "For internal audit, the National Cyber Security Agency (NCSA) and the Office of the Personal "
        "Data Protection Committee (PDPC). Every statement below is computed from the stack's validated "
        "requests and the offline plan of the real deployment program; no code needs to be read.",
        "th": "สำหรับผู้ตรวจสอบภายใน สำนักงานคณะกรรมการการรักษาความมั่นคงปลอดภัยไซเบอร์แห่งชาติ (สกมช.) "
        "และสำนักงานคณะกรรมการคุ้มครองข้อมูลส่วนบุคคล (สคส.) ข้อความทุกข้อในรายงานนี้คำนวณจากคำขอที่ผ่าน"
        "การตรวจสอบแล้วและแผนแบบออฟไลน์ของโปรแกรมติดตั้งจริง โดยไม่ต้องอ่านโค้ด",
    },
    "contents": {"en": "Contents", "th": "สารบัญ"},
    # -- at a glance ----------------------------------------------------------------------------------------
    "h.glance": {"en": "At a glance", "th": "สรุปภาพรวม"},
    "glance.tenants": {"en": "tenants", "th": "หน่วยงานผู้ใช้บริการ"},
    "glance.checks": {"en": "tenants passing every check", "th": "หน่วยงานที่ผ่านทุกข้อ"},
    "glance.controls": {"en": "policies passing", "th": "นโยบายที่ผ่าน"},
    "glance.agreements": {"en": "sharing agreements in force", "th": "ข้อตกลงแบ่งปันข้อมูลที่มีผล"},
    "glance.findings": {"en": "live audit findings", "th": "ข้อตรวจพบจากการตรวจสอบระบบจริง"},
    "glance.no_audit": {"en": "no live audit supplied", "th": "ไม่ได้แนบผลการตรวจสอบระบบจริง"},
    "of": {"en": "{part} of {whole}", "th": "{part} จาก {whole}"},
    # -- notices --------------------------------------------------------------------------------------------
    "h.notices": {"en": "Notices about the evidence", "th": "ข้อสังเกตเกี่ยวกับหลักฐาน"},
    "notice.tenant-not-in-plan": {
        "en": "Tenant {subject} is declared in the stack but absent from the plan: its plan evidence is "
        "missing and its plan-based checks fail.",
        "th": "หน่วยงาน {subject} มีในสแตกแต่ไม่มีในแผน จึงไม่มีหลักฐานจากแผน และการตรวจที่อาศัยแผนจะไม่ผ่าน",
    },
    "notice.plan-tenant-not-in-stack": {
        "en": "The plan holds tenant {subject}, which the stack no longer declares: the plan is out of date.",
        "th": "แผนมีหน่วยงาน {subject} ซึ่งสแตกไม่ได้ประกาศไว้แล้ว แสดงว่าแผนไม่เป็นปัจจุบัน",
    },
    "notice.sharing-status-differs": {
        "en": "Agreement {subject} has another status in the plan: the plan was made for a different date.",
        "th": "ข้อตกลง {subject} มีสถานะในแผนต่างจากรายงานนี้ แสดงว่าแผนจัดทำสำหรับวันที่อื่น",
    },
    # -- tenants --------------------------------------------------------------------------------------------
    "h.tenants": {
        "en": "Tenants: isolation, encryption, backup, quotas",
        "th": "หน่วยงานผู้ใช้บริการ: การแยกสภาพแวดล้อม การเข้ารหัส การสำรองข้อมูล และโควตา",
    },
    "tenants.intro": {
        "en": "One row per agency tenant. Every mark is checked against the offline plan of the real Pulumi "
        "program: the objects that would be deployed, not the intentions in the request.",
        "th": "หนึ่งแถวต่อหนึ่งหน่วยงาน เครื่องหมายทุกช่องตรวจกับแผนแบบออฟไลน์ของโปรแกรม Pulumi จริง "
        "คือออบเจ็กต์ที่จะถูกติดตั้งจริง ไม่ใช่เพียงความประสงค์ในคำขอ",
    },
    "col.tenant": {"en": "Tenant", "th": "ผู้ใช้บริการ"},
    "col.agency": {"en": "Agency", "th": "หน่วยงาน"},
    "col.ministry": {"en": "Ministry", "th": "กระทรวง"},
    "col.tier": {"en": "Tier", "th": "ขนาด"},
    "col.classification": {"en": "Classification", "th": "ชั้นความลับ"},
    "col.personal_data": {"en": "Personal data", "th": "ข้อมูลส่วนบุคคล"},
    "col.sharing": {"en": "Sharing (reads / shares)", "th": "การแบ่งปัน (อ่าน / ให้)"},
    "col.findings": {"en": "Audit findings", "th": "ข้อตรวจพบ"},
    "check.isolated": {"en": "Isolated", "th": "แยกสภาพแวดล้อม"},
    "check.encrypted": {"en": "Encrypted", "th": "เข้ารหัส"},
    "check.backedUp": {"en": "Backed up", "th": "สำรองข้อมูล"},
    "check.quotaBound": {"en": "Quota-bound", "th": "จำกัดโควตา"},
    "check.protected": {"en": "Data protected", "th": "ป้องกันการลบข้อมูล"},
    "check.agreementsOnly": {"en": "Shared only under agreements", "th": "แบ่งปันเฉพาะตามข้อตกลง"},
    "legend.isolated": {
        "en": "Isolated: NetworkPolicies deny all inbound and outbound traffic by default, Pod Security "
        "'restricted' is enforced, and the tenant holds no cluster-wide permission.",
        "th": "แยกสภาพแวดล้อม: มี NetworkPolicy ปฏิเสธการรับส่งข้อมูลทั้งขาเข้าและขาออกโดยปริยาย บังคับใช้ "
        "Pod Security ระดับ restricted และหน่วยงานไม่มีสิทธิ์ระดับทั้งคลัสเตอร์",
    },
    "legend.encrypted": {
        "en": "Encrypted: volumes and the database use the site's encrypted storage class ({sc}), database "
        "backups and WAL are encrypted (AES-256) and database connections require TLS. Buckets receive "
        "AES-256 default encryption from the bucket provider; the live audit confirms it on the store.",
        "th": "เข้ารหัส: โวลุ่มและฐานข้อมูลใช้คลาสพื้นที่จัดเก็บแบบเข้ารหัสของศูนย์ข้อมูล ({sc}) "
        "ข้อมูลสำรองและ WAL ของฐานข้อมูลเข้ารหัสด้วย AES-256 และการเชื่อมต่อฐานข้อมูลต้องใช้ TLS "
        "บักเก็ตได้รับการเข้ารหัส AES-256 โดยปริยายจากตัวจัดการบักเก็ต และการตรวจสอบระบบจริงยืนยันบนที่เก็บข้อมูล",
    },
    "legend.backedUp": {
        "en": "Backed up: the database archives WAL continuously and has a scheduled backup with a retention "
        "period, and every bucket keeps object versions. Not applicable to a tenant with neither.",
        "th": "สำรองข้อมูล: ฐานข้อมูลส่ง WAL ไปเก็บอย่างต่อเนื่องและมีการสำรองตามกำหนดพร้อมระยะเวลาเก็บรักษา "
        "และบักเก็ตทุกรายการเก็บออบเจ็กต์หลายเวอร์ชัน ไม่เกี่ยวข้องกับหน่วยงานที่ไม่มีทั้งสองอย่าง",
    },
    "legend.quotaBound": {
        "en": "Quota-bound: a ResourceQuota equal to the approved quota and a LimitRange are in place.",
        "th": "จำกัดโควตา: มี ResourceQuota เท่ากับโควตาที่ได้รับอนุมัติ และมี LimitRange",
    },
    "legend.protected": {
        "en": "Data protected: every data-bearing resource (namespace, database, bucket) is protected and "
        "retained if deleted.",
        "th": "ป้องกันการลบข้อมูล: ทรัพยากรที่เก็บข้อมูลทุกรายการ (เนมสเปซ ฐานข้อมูล บักเก็ต) ได้รับการป้องกันการลบ และคงข้อมูลไว้แม้ถูกลบ",
    },
    "legend.agreementsOnly": {
        "en": "Shared only under agreements: the read grants of the tenant's storage identities are exactly "
        "the agreements in force in which it is the reader; no more, no fewer.",
        "th": "แบ่งปันเฉพาะตามข้อตกลง: สิทธิ์อ่านของตัวตนด้านพื้นที่จัดเก็บของหน่วยงาน ตรงกับข้อตกลงที่มีผล"
        "ซึ่งหน่วยงานเป็นผู้อ่านข้อมูลทุกประการ ไม่มากและไม่น้อยกว่านั้น",
    },
    "status.pass": {"en": "pass", "th": "ผ่าน"},
    "status.fail": {"en": "fail", "th": "ไม่ผ่าน"},
    "status.n/a": {"en": "n/a", "th": "ไม่เกี่ยวข้อง"},
    # -- tenant details -------------------------------------------------------------------------------------
    "h.details": {"en": "Tenant details", "th": "รายละเอียดหน่วยงานผู้ใช้บริการ"},
    "label.field": {"en": "Item", "th": "รายการ"},
    "label.value": {"en": "Value", "th": "ข้อมูล"},
    "label.quota": {"en": "Approved quota", "th": "โควตาที่ได้รับอนุมัติ"},
    "quota.value": {
        "en": "{cpu} CPU cores, {memory} memory, {storage} storage, {pods} pods",
        "th": "ซีพียู {cpu} คอร์ หน่วยความจำ {memory} พื้นที่จัดเก็บ {storage} จำนวนพ็อดสูงสุด {pods}",
    },
    "label.object_storage": {"en": "Object storage", "th": "พื้นที่จัดเก็บแบบออบเจ็กต์"},
    "object_storage.value": {
        "en": "{quota} approved for the zones and the database backups (measured by govcloud audit, not "
        "enforced by the store); in zones: {zones}",
        "th": "{quota} ตามที่อนุมัติ รวมโซนและข้อมูลสำรองของฐานข้อมูล (govcloud audit ตรวจวัด "
        "ระบบจัดเก็บไม่ได้บังคับใช้); ในโซน: {zones}",
    },
    "label.database": {"en": "Database", "th": "ฐานข้อมูล"},
    "database.value": {
        "en": "PostgreSQL {version}, {instances} instances, {storage}",
        "th": "PostgreSQL {version} จำนวน {instances} อินสแตนซ์ ขนาด {storage}",
    },
    "label.backup": {"en": "Requested backup", "th": "การสำรองข้อมูลตามคำขอ"},
    "backup.value": {
        "en": "schedule \u201c{schedule}\u201d (cron), kept {days} days",
        "th": "ตามกำหนด \u201c{schedule}\u201d (cron) เก็บไว้ {days} วัน",
    },
    "group.request": {"en": "Requested by the agency", "th": "ตามคำขอของหน่วยงาน"},
    "group.plan": {"en": "Evidence from the plan", "th": "หลักฐานจากแผน"},
    "label.database_plan": {"en": "Database as planned", "th": "ฐานข้อมูลตามแผน"},
    "database_plan.value": {
        "en": "cluster {cluster}, {instances} instances on storage class {sc}; connections require TLS: {tls}",
        "th": "คลัสเตอร์ {cluster} จำนวน {instances} อินสแตนซ์ บนคลาสพื้นที่จัดเก็บ {sc}; การเชื่อมต่อต้องใช้ TLS: {tls}",
    },
    "label.backup_plan": {"en": "Database backup as planned", "th": "การสำรองฐานข้อมูลตามแผน"},
    "backup_plan.value": {
        "en": "WAL archived continuously to {destination}; scheduled backup \u201c{schedule}\u201d; kept {retention}; "
        "encrypted with {encryption}",
        "th": "ส่ง WAL ไปเก็บต่อเนื่องที่ {destination}; สำรองตามกำหนด \u201c{schedule}\u201d; เก็บไว้ {retention}; "
        "เข้ารหัสด้วย {encryption}",
    },
    "label.buckets": {"en": "Buckets", "th": "บักเก็ต"},
    "bucket.versioned": {"en": "versioned", "th": "เก็บหลายเวอร์ชัน"},
    "bucket.unversioned": {"en": "NOT versioned", "th": "ไม่ได้เก็บหลายเวอร์ชัน"},
    "bucket.expires": {"en": "objects expire after {days} days", "th": "ลบออบเจ็กต์อัตโนมัติหลัง {days} วัน"},
    "label.read_grants": {"en": "Read grants on other agencies' data", "th": "สิทธิ์อ่านข้อมูลของหน่วยงานอื่น"},
    "grants.unexpected": {
        "en": "NOT explained by any agreement in force: {grants}",
        "th": "ไม่มีข้อตกลงที่มีผลรองรับ: {grants}",
    },
    "grants.missing": {
        "en": "agreements in force that are not granted: {grants}",
        "th": "ข้อตกลงที่มีผลแต่ยังไม่ได้รับสิทธิ์: {grants}",
    },
    "unknown": {"en": "unknown", "th": "ไม่ทราบ"},
    "label.analytics": {"en": "Analytics services", "th": "บริการวิเคราะห์ข้อมูล"},
    "label.open_data": {"en": "Publishes open data", "th": "เผยแพร่ข้อมูลเปิด"},
    "label.hostnames": {"en": "Published web addresses", "th": "ชื่อโฮสต์ที่เผยแพร่"},
    "label.egress": {"en": "Allowed outside networks", "th": "เครือข่ายภายนอกที่อนุญาตให้เชื่อมต่อ"},
    "label.netpol": {"en": "Network isolation", "th": "การแยกเครือข่าย"},
    "netpol.value": {
        "en": "{count} NetworkPolicies; default deny of all traffic: {deny}",
        "th": "NetworkPolicy {count} รายการ; ปฏิเสธการรับส่งข้อมูลทั้งหมดโดยปริยาย: {deny}",
    },
    "label.quota_objects": {"en": "Quota enforcement", "th": "การบังคับใช้โควตา"},
    "quota_objects.value": {
        "en": "ResourceQuota: {present}; equals the approved quota: {matches}; LimitRange: {limits}",
        "th": "ResourceQuota: {present}; ตรงกับโควตาที่ได้รับอนุมัติ: {matches}; LimitRange: {limits}",
    },
    "label.pod_security": {"en": "Pod Security level enforced", "th": "ระดับ Pod Security ที่บังคับใช้"},
    "label.encryption": {"en": "Encrypted storage class", "th": "คลาสพื้นที่จัดเก็บแบบเข้ารหัส"},
    "label.cluster_wide": {"en": "Cluster-wide permissions", "th": "สิทธิ์ระดับทั้งคลัสเตอร์"},
    "label.objects": {
        "en": "Objects the live audit compares",
        "th": "ออบเจ็กต์ที่การตรวจสอบระบบจริงเปรียบเทียบ",
    },
    "objects.value": {"en": "{count} {label}", "th": "{label} {count} รายการ"},
    "label.data_resources": {"en": "Data-bearing resources", "th": "ทรัพยากรที่เก็บข้อมูล"},
    "data.protected": {"en": "protected and retained", "th": "ป้องกันการลบและคงข้อมูลไว้"},
    "data.unprotected": {"en": "NOT protected", "th": "ไม่ได้รับการป้องกัน"},
    "label.reads_from": {"en": "Reads under agreements", "th": "อ่านข้อมูลภายใต้ข้อตกลง"},
    "label.shares_with": {"en": "Shared under agreements", "th": "ให้ข้อมูลภายใต้ข้อตกลง"},
    "label.role_groups": {"en": "Access groups: {role}", "th": "กลุ่มผู้ใช้สิทธิ์: {role}"},
    "yes": {"en": "yes", "th": "มี"},
    "no": {"en": "no", "th": "ไม่มี"},
    "none": {"en": "none", "th": "ไม่มี"},
    "not_in_plan": {"en": "not in the plan", "th": "ไม่มีในแผน"},
    "unit.cores": {"en": "{value} cores", "th": "{value} คอร์"},
    "unit.days": {"en": "{value} days", "th": "{value} วัน"},
    # -- controls -------------------------------------------------------------------------------------------
    "h.controls": {"en": "Control matrix", "th": "ตารางการควบคุม (control matrix)"},
    "controls.intro": {
        "en": "Every platform policy, the controls it serves, and whether the plan passes it. A failing "
        "mandatory policy stops deployment.",
        "th": "นโยบายของแพลตฟอร์มทุกข้อ มาตรฐานการควบคุมที่นโยบายนั้นรองรับ และผลการตรวจแผน "
        "หากนโยบายแบบบังคับไม่ผ่าน การติดตั้งจะหยุดทันที",
    },
    "col.policy": {"en": "Policy", "th": "นโยบาย"},
    "col.checks": {"en": "What it checks", "th": "สิ่งที่ตรวจ"},
    "col.rationale": {"en": "Why", "th": "เหตุผล"},
    "col.controls": {"en": "Controls", "th": "มาตรฐานการควบคุม"},
    "col.enforcement": {"en": "Enforcement", "th": "การบังคับใช้"},
    "col.status": {"en": "Result", "th": "ผล"},
    "col.violations": {"en": "Violations", "th": "รายการที่ไม่ผ่าน"},
    "enforcement.mandatory": {"en": "mandatory", "th": "บังคับ"},
    "enforcement.advisory": {"en": "advisory", "th": "แนะนำ"},
    # -- sharing --------------------------------------------------------------------------------------------
    "h.sharing": {"en": "Data sharing: who can read what, and why", "th": "การแบ่งปันข้อมูล: ใครอ่านข้อมูลใดได้ และเพราะเหตุใด"},
    "sharing.intro": {
        "en": "A tenant reads another agency's data only under an agreement in force: read-only, one prefix "
        "of one storage zone, for a stated purpose and period. No other access crosses tenant boundaries.",
        "th": "หน่วยงานอ่านข้อมูลของหน่วยงานอื่นได้เฉพาะภายใต้ข้อตกลงที่มีผลอยู่เท่านั้น โดยอ่านได้อย่างเดียว "
        "เฉพาะโฟลเดอร์ (prefix) เดียวในโซนจัดเก็บเดียว ตามวัตถุประสงค์และระยะเวลาที่ระบุ "
        "ไม่มีการเข้าถึงข้ามหน่วยงานในทางอื่น",
    },
    "h.sharing.active": {"en": "In force: access granted", "th": "มีผลบังคับใช้: ได้รับสิทธิ์เข้าถึง"},
    "h.sharing.pending": {"en": "Not yet in force: no access yet", "th": "ยังไม่มีผล: ยังไม่มีสิทธิ์เข้าถึง"},
    "h.sharing.expired": {"en": "Expired: access withdrawn", "th": "หมดอายุ: ยกเลิกสิทธิ์เข้าถึงแล้ว"},
    "sharing.empty": {"en": "No agreement in this state.", "th": "ไม่มีข้อตกลงในสถานะนี้"},
    "col.agreement": {"en": "Agreement", "th": "ข้อตกลง"},
    "col.reader": {"en": "Reader", "th": "ผู้อ่านข้อมูล"},
    "col.reads": {"en": "Reads", "th": "ข้อมูลที่อ่านได้"},
    "col.provider": {"en": "Provider", "th": "ผู้ให้ข้อมูล"},
    "col.purpose": {"en": "Purpose", "th": "วัตถุประสงค์"},
    "col.legal_basis": {"en": "Legal basis", "th": "ฐานทางกฎหมาย"},
    "col.valid": {"en": "Valid", "th": "ระยะเวลามีผล"},
    "col.approved": {"en": "Approved by", "th": "ผู้อนุมัติ"},
    "sharing.reads": {"en": "zone {zone}, prefix {prefix}", "th": "โซน {zone} โฟลเดอร์ {prefix}"},
    "sharing.period": {"en": "{start} to {end}", "th": "{start} ถึง {end}"},
    "sharing.expires_soon": {"en": "ends in {days} days", "th": "สิ้นสุดในอีก {days} วัน"},
    "sharing.no_legal_basis": {
        "en": "not stated (the provider holds no personal data)",
        "th": "ไม่ได้ระบุ (ผู้ให้ข้อมูลไม่มีข้อมูลส่วนบุคคล)",
    },
    # -- capacity -------------------------------------------------------------------------------------------
    "h.capacity": {"en": "Allocated capacity by ministry", "th": "ทรัพยากรที่จัดสรรแยกตามกระทรวง"},
    "capacity.intro": {
        "en": "Sums of each tenant's effective quota (the tier preset with any approved overrides). This is "
        "capacity allocated, not capacity used.",
        "th": "ผลรวมโควตาที่มีผลของแต่ละหน่วยงาน (ค่ามาตรฐานตามขนาดรวมกับส่วนที่ได้รับอนุมัติเพิ่ม) "
        "เป็นทรัพยากรที่จัดสรร ไม่ใช่ทรัพยากรที่ใช้งานจริง",
    },
    "col.tenants": {"en": "Tenants", "th": "หน่วยงาน"},
    "col.count": {"en": "Count", "th": "จำนวน"},
    "col.cpu": {"en": "CPU (cores)", "th": "ซีพียู (คอร์)"},
    "col.memory": {"en": "Memory", "th": "หน่วยความจำ"},
    "col.storage": {"en": "Storage", "th": "พื้นที่จัดเก็บ"},
    "total": {"en": "Total", "th": "รวม"},
    "chart.cpu": {"en": "CPU allocated by ministry (cores)", "th": "ซีพียูที่จัดสรรแยกตามกระทรวง (คอร์)"},
    "chart.memory": {"en": "Memory allocated by ministry (GiB)", "th": "หน่วยความจำที่จัดสรรแยกตามกระทรวง (GiB)"},
    "chart.storage": {"en": "Storage allocated by ministry (TiB)", "th": "พื้นที่จัดเก็บที่จัดสรรแยกตามกระทรวง (TiB)"},
    # -- duplication ----------------------------------------------------------------------------------------
    "h.duplication": {"en": "Possible duplication", "th": "ความซ้ำซ้อนที่อาจเกิดขึ้น"},
    "duplication.heuristic": {
        "en": "Heuristic: two tenants of the same ministry are listed when both run at least {min} of the "
        "same analytics services (JupyterHub, Superset, Trino, Spark), or both run at least one of the same "
        "services and hold exactly the same storage zones. A listing is a prompt to ask whether one shared "
        "stack could serve both agencies; it is not a finding.",
        "th": "หลักเกณฑ์: แสดงคู่หน่วยงานในกระทรวงเดียวกันที่ต่างก็ใช้บริการวิเคราะห์ข้อมูลชนิดเดียวกันตั้งแต่ "
        "{min} บริการขึ้นไป (JupyterHub, Superset, Trino, Spark) หรือใช้บริการเดียวกันอย่างน้อยหนึ่งบริการ"
        "และมีโซนจัดเก็บข้อมูลชุดเดียวกันทุกประการ การปรากฏในรายการเป็นเพียงข้อชวนพิจารณาว่าระบบร่วม"
        "ชุดเดียวจะรองรับทั้งสองหน่วยงานได้หรือไม่ ไม่ใช่ข้อตรวจพบ",
    },
    "duplication.none": {
        "en": "No two tenants of one ministry match this heuristic.",
        "th": "ไม่มีหน่วยงานสองแห่งในกระทรวงเดียวกันที่เข้าหลักเกณฑ์นี้",
    },
    "col.pair": {"en": "Tenants", "th": "คู่หน่วยงาน"},
    "col.shared_services": {"en": "Services both run", "th": "บริการที่ใช้ซ้ำกัน"},
    "col.shared_zones": {"en": "Zones both hold", "th": "โซนที่มีเหมือนกัน"},
    # -- audit ----------------------------------------------------------------------------------------------
    "h.audit": {"en": "Live audit findings", "th": "ข้อตรวจพบจากการตรวจสอบระบบที่ใช้งานจริง"},
    "audit.not_supplied": {
        "en": "No live audit result was supplied with this report: it shows what is declared and planned, "
        "not what is running.",
        "th": "รายงานนี้ไม่ได้แนบผลการตรวจสอบระบบจริง จึงแสดงเฉพาะสิ่งที่ประกาศและวางแผนไว้ ไม่ใช่สิ่งที่ทำงานอยู่จริง",
    },
    "audit.clean": {
        "en": "The live audit found no difference between the running platform and the declaration.",
        "th": "การตรวจสอบระบบจริงไม่พบความแตกต่างระหว่างระบบที่ทำงานอยู่กับสิ่งที่ประกาศไว้",
    },
    "audit.skipped": {"en": "Not checked by the audit: {what}", "th": "ส่วนที่การตรวจสอบไม่ได้ตรวจ: {what}"},
    "audit.overrides": {
        "en": "Live findings override the plan's marks in the overview: {what}",
        "th": "ผลการตรวจสอบระบบจริงแทนที่เครื่องหมายจากแผนในภาพรวม: {what}",
    },
    "h.codes": {"en": "Audit finding codes", "th": "รหัสข้อตรวจพบของการตรวจสอบ"},
    "codes.intro": {
        "en": "Every code the live audit can raise, what it means, and the overview mark a finding of it "
        "(medium or worse) fails.",
        "th": "รหัสทั้งหมดที่การตรวจสอบระบบจริงรายงานได้ ความหมาย และเครื่องหมายในภาพรวมที่ไม่ผ่านเมื่อพบ (ระดับปานกลางขึ้นไป)",
    },
    "col.meaning": {"en": "Meaning", "th": "ความหมาย"},
    "col.mark": {"en": "Overview mark it fails", "th": "เครื่องหมายในภาพรวมที่ไม่ผ่าน"},
    "col.code": {"en": "Code", "th": "รหัส"},
    "col.severity": {"en": "Severity", "th": "ระดับความรุนแรง"},
    "col.resource": {"en": "Resource", "th": "ทรัพยากร"},
    "col.finding": {"en": "Finding", "th": "ข้อตรวจพบ"},
    "col.evidence": {"en": "Evidence", "th": "หลักฐาน"},
    "severity.critical": {"en": "critical", "th": "วิกฤต"},
    "severity.high": {"en": "high", "th": "สูง"},
    "severity.medium": {"en": "medium", "th": "ปานกลาง"},
    "severity.low": {"en": "low", "th": "ต่ำ"},
    "platform": {"en": "platform", "th": "แพลตฟอร์ม"},
    # -- method ---------------------------------------------------------------------------------------------
    "h.method": {"en": "How this report was produced", "th": "ที่มาของรายงานนี้"},
    "method.plan": {
        "en": "Evidence from the plan comes from running the real Pulumi program offline and reading every "
        "resource it would create: NetworkPolicies, ResourceQuotas, Namespaces, RoleBindings, database "
        "clusters, scheduled backups, buckets and storage identities are counted, not assumed.",
        "th": "หลักฐานจากแผนได้จากการรันโปรแกรม Pulumi จริงแบบออฟไลน์ และอ่านทรัพยากรทุกรายการที่โปรแกรม"
        "จะสร้าง ทั้ง NetworkPolicy, ResourceQuota, Namespace, RoleBinding คลัสเตอร์ฐานข้อมูล "
        "การสำรองข้อมูลตามกำหนด บักเก็ต และตัวตนด้านพื้นที่จัดเก็บ ล้วนนับจากแผนจริง ไม่ได้สันนิษฐาน",
    },
    "method.request": {
        "en": "Agency names, classification, personal data, quotas, databases and agreements come from the "
        "stack's request files, which passed every contract rule.",
        "th": "ชื่อหน่วยงาน ชั้นความลับ ข้อมูลส่วนบุคคล โควตา ฐานข้อมูล และข้อตกลง มาจากไฟล์คำขอในสแตก ซึ่งผ่านกฎของข้อกำหนดทุกข้อแล้ว",
    },
    "method.audit": {
        "en": "Live audit findings, when supplied, compare the running cluster and object store with the declaration.",
        "th": "ผลการตรวจสอบระบบจริง (ถ้ามี) เปรียบเทียบคลัสเตอร์และที่เก็บออบเจ็กต์ที่ทำงานอยู่กับสิ่งที่ประกาศไว้",
    },
    # -- vocabularies ---------------------------------------------------------------------------------------
    "classification.public": {"en": "public", "th": "เปิดเผย"},
    "classification.internal": {"en": "internal", "th": "ชั้นเผยแพร่ภายในองค์กร"},
    "classification.confidential": {"en": "confidential", "th": "ลับ"},
    "classification.secret": {"en": "secret", "th": "ลับมาก"},
    "personal.none": {"en": "none", "th": "ไม่มี"},
    "personal.personal": {"en": "personal", "th": "ข้อมูลส่วนบุคคล"},
    "personal.sensitive": {"en": "sensitive (PDPA s.26)", "th": "ข้อมูลอ่อนไหว (มาตรา 26)"},
    "tier.small": {"en": "small", "th": "เล็ก"},
    "tier.medium": {"en": "medium", "th": "กลาง"},
    "tier.large": {"en": "large", "th": "ใหญ่"},
    "zone.raw": {"en": "raw", "th": "ข้อมูลดิบ (raw)"},
    "zone.curated": {"en": "curated", "th": "ข้อมูลคัดกรองแล้ว (curated)"},
    "zone.published": {"en": "published", "th": "ข้อมูลเผยแพร่ (published)"},
    "zone.archive": {"en": "archive", "th": "ข้อมูลจัดเก็บถาวร (archive)"},
    "zone.backup": {"en": "database backup", "th": "ข้อมูลสำรองของฐานข้อมูล (backup)"},
    "role.admin": {"en": "administrators", "th": "ผู้ดูแลระบบ"},
    "role.engineer": {"en": "engineers", "th": "วิศวกรข้อมูล"},
    "role.analyst": {"en": "analysts", "th": "นักวิเคราะห์ข้อมูล"},
    "role.viewer": {"en": "viewers", "th": "ผู้ดูข้อมูล"},
    "ministry.OPM": {"en": "Office of the Prime Minister", "th": "สำนักนายกรัฐมนตรี"},
    "ministry.MOD": {"en": "Ministry of Defence", "th": "กระทรวงกลาโหม"},
    "ministry.MOF": {"en": "Ministry of Finance", "th": "กระทรวงการคลัง"},
    "ministry.MFA": {"en": "Ministry of Foreign Affairs", "th": "กระทรวงการต่างประเทศ"},
    "ministry.MOTS": {"en": "Ministry of Tourism and Sports", "th": "กระทรวงการท่องเที่ยวและกีฬา"},
    "ministry.MSDHS": {
        "en": "Ministry of Social Development and Human Security",
        "th": "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์",
    },
    "ministry.MHESI": {
        "en": "Ministry of Higher Education, Science, Research and Innovation",
        "th": "กระทรวงการอุดมศึกษา วิทยาศาสตร์ วิจัยและนวัตกรรม",
    },
    "ministry.MOAC": {"en": "Ministry of Agriculture and Cooperatives", "th": "กระทรวงเกษตรและสหกรณ์"},
    "ministry.MOT": {"en": "Ministry of Transport", "th": "กระทรวงคมนาคม"},
    "ministry.MNRE": {
        "en": "Ministry of Natural Resources and Environment",
        "th": "กระทรวงทรัพยากรธรรมชาติและสิ่งแวดล้อม",
    },
    "ministry.MDES": {
        "en": "Ministry of Digital Economy and Society",
        "th": "กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม",
    },
    "ministry.MOEN": {"en": "Ministry of Energy", "th": "กระทรวงพลังงาน"},
    "ministry.MOC": {"en": "Ministry of Commerce", "th": "กระทรวงพาณิชย์"},
    "ministry.MOI": {"en": "Ministry of Interior", "th": "กระทรวงมหาดไทย"},
    "ministry.MOJ": {"en": "Ministry of Justice", "th": "กระทรวงยุติธรรม"},
    "ministry.MOL": {"en": "Ministry of Labour", "th": "กระทรวงแรงงาน"},
    "ministry.MOCULT": {"en": "Ministry of Culture", "th": "กระทรวงวัฒนธรรม"},
    "ministry.MOE": {"en": "Ministry of Education", "th": "กระทรวงศึกษาธิการ"},
    "ministry.MOPH": {"en": "Ministry of Public Health", "th": "กระทรวงสาธารณสุข"},
    "ministry.MOIND": {"en": "Ministry of Industry", "th": "กระทรวงอุตสาหกรรม"},
    "ministry.IND": {"en": "Independent state agencies", "th": "หน่วยงานของรัฐที่เป็นอิสระ"},
    # -- policies: Thai text, kept with the English it translates so a changed policy falls back to English
    "policy.GC-DATA-001.description": {
        "en": "Databases, buckets, volumes and tenant namespaces are protected and retained on delete.",
        "th": "ฐานข้อมูล บักเก็ต โวลุ่ม และเนมสเปซของหน่วยงานทุกรายการได้รับการป้องกันการลบ และคงข้อมูลไว้แม้ถูกลบ",
    },
    "policy.GC-DATA-001.rationale": {
        "en": "A lost database or bucket is the one failure the platform cannot survive; removing a tenant file "
        "must never delete its data.",
        "th": "การสูญเสียฐานข้อมูลหรือบักเก็ตเป็นความเสียหายเดียวที่แพลตฟอร์มรับไม่ได้ "
        "การลบไฟล์คำขอของหน่วยงานต้องไม่ทำให้ข้อมูลของหน่วยงานถูกลบ",
    },
    "policy.GC-DATA-002.description": {
        "en": "Buckets are versioned and readable only by their tenant (published zone: the portal only).",
        "th": "บักเก็ตทุกรายการเก็บหลายเวอร์ชัน และอ่านได้เฉพาะหน่วยงานเจ้าของ (โซน published: อ่านได้เฉพาะพอร์ทัลข้อมูลเปิด)",
    },
    "policy.GC-DATA-002.rationale": {
        "en": "Versioning recovers from deletion and ransomware; anonymous access leaks agency data.",
        "th": "การเก็บหลายเวอร์ชันช่วยกู้คืนจากการลบและมัลแวร์เรียกค่าไถ่ การเปิดให้เข้าถึงโดยไม่ระบุตัวตนทำให้ข้อมูลของหน่วยงานรั่วไหล",
    },
    "policy.GC-DATA-003.description": {
        "en": "The object store is reached over HTTPS.",
        "th": "การเชื่อมต่อที่เก็บออบเจ็กต์ใช้ HTTPS",
    },
    "policy.GC-DATA-003.rationale": {
        "en": "Bucket policies deny non-TLS requests; a plain-HTTP endpoint is acceptable only in development.",
        "th": "นโยบายบักเก็ตปฏิเสธคำขอที่ไม่ใช้ TLS ปลายทางแบบ HTTP ธรรมดายอมรับได้เฉพาะในสภาพแวดล้อมพัฒนาเท่านั้น",
    },
    "policy.GC-DATA-004.description": {
        "en": "Every database archives WAL to object storage, keeps backups 7+ days and has a ScheduledBackup.",
        "th": "ฐานข้อมูลทุกรายการส่ง WAL ไปเก็บในที่เก็บออบเจ็กต์ เก็บข้อมูลสำรองไว้อย่างน้อย 7 วัน และมี ScheduledBackup",
    },
    "policy.GC-DATA-004.rationale": {
        "en": "Point-in-time recovery needs continuous WAL archiving and regular base backups.",
        "th": "การกู้คืน ณ จุดเวลาใดเวลาหนึ่งต้องอาศัยการเก็บ WAL อย่างต่อเนื่องและการสำรองข้อมูลฐานอย่างสม่ำเสมอ",
    },
    "policy.GC-GOV-001.description": {
        "en": "Every govcloud namespace carries tenant, agency, classification, cost-centre and managed-by labels.",
        "th": "เนมสเปซทุกรายการที่ govcloud สร้างมีป้ายกำกับผู้ใช้บริการ หน่วยงาน ชั้นความลับ ศูนย์ต้นทุน และผู้ดูแลการติดตั้ง",
    },
    "policy.GC-GOV-001.rationale": {
        "en": "Auditors, cost reports and cluster policies select tenants by these labels.",
        "th": "ผู้ตรวจสอบ รายงานค่าใช้จ่าย และนโยบายของคลัสเตอร์ใช้ป้ายกำกับเหล่านี้ในการระบุหน่วยงาน",
    },
    "policy.GC-K8S-001.description": {
        "en": "Tenant namespaces enforce, audit and warn at Pod Security 'restricted'.",
        "th": "เนมสเปซของหน่วยงานบังคับใช้ ตรวจสอบ และเตือนที่ระดับ Pod Security 'restricted'",
    },
    "policy.GC-K8S-001.rationale": {
        "en": "Tenant workloads run as non-root without privilege escalation or host access.",
        "th": "เวิร์กโหลดของหน่วยงานทำงานโดยไม่ใช้สิทธิ์ root ไม่ยกระดับสิทธิ์ และไม่เข้าถึงเครื่องโฮสต์",
    },
    "policy.GC-K8S-002.description": {
        "en": "Every tenant namespace has a ResourceQuota (no LoadBalancer/NodePort) and a LimitRange.",
        "th": "เนมสเปซของหน่วยงานทุกรายการมี ResourceQuota (ไม่อนุญาต LoadBalancer/NodePort) และ LimitRange",
    },
    "policy.GC-K8S-002.rationale": {
        "en": "No tenant may starve the others or open services outside the cluster.",
        "th": "ไม่มีหน่วยงานใดแย่งทรัพยากรจนหน่วยงานอื่นใช้งานไม่ได้ หรือเปิดบริการออกนอกคลัสเตอร์ได้",
    },
    "policy.GC-NET-001.description": {
        "en": "Every tenant namespace has a default-deny NetworkPolicy for ingress and egress.",
        "th": "เนมสเปซของหน่วยงานทุกรายการมี NetworkPolicy ที่ปฏิเสธการรับส่งข้อมูลทั้งขาเข้าและขาออกโดยปริยาย",
    },
    "policy.GC-NET-001.rationale": {
        "en": "An agency's data must be unreachable by every other agency unless an agreement says otherwise.",
        "th": "หน่วยงานอื่นต้องเข้าถึงข้อมูลของหน่วยงานไม่ได้ เว้นแต่มีข้อตกลงกำหนดไว้",
    },
    "policy.GC-NET-002.description": {
        "en": "No Service of type LoadBalancer or NodePort.",
        "th": "ไม่มี Service ประเภท LoadBalancer หรือ NodePort",
    },
    "policy.GC-NET-002.rationale": {
        "en": (
            "Tenant web UIs are published only through the site's Gateways (Envoy Gateway creates its "
            "own Services from the site's gateways settings, outside any plan)."
        ),
        "th": (
            "หน้าเว็บของหน่วยงานเผยแพร่ได้ผ่าน Gateway ของศูนย์ข้อมูลเท่านั้น (Envoy Gateway สร้าง "
            "Service ของตนเองจากการตั้งค่า gateways ของศูนย์ ซึ่งอยู่นอกแผนใด ๆ)"
        ),
    },
    "policy.GC-NET-003.description": {
        "en": "No NetworkPolicy in a tenant namespace admits or reaches another tenant's namespace.",
        "th": "ไม่มี NetworkPolicy ใดใน namespace ของผู้เช่าที่ยอมให้หรือเปิดทางไปยัง namespace ของผู้เช่ารายอื่น",
    },
    "policy.GC-NET-003.rationale": {
        "en": "Sharing is a read grant on the consumer's own storage identity, never a network path: a path between "
        "two tenants exposes every service of the one reached (issue 10).",
        "th": "การแบ่งปันข้อมูลคือสิทธิ์อ่านที่ผูกกับตัวตนด้านพื้นที่จัดเก็บของผู้รับข้อมูลเอง ไม่ใช่เส้นทางเครือข่าย "
        "เส้นทางระหว่างผู้เช่าสองรายจะเปิดทุกบริการของผู้เช่าที่ถูกเข้าถึง (issue 10)",
    },
    "policy.GC-NET-004.description": {
        "en": "The site binds the admission policies that keep tenant Ingress and route hosts to approved hostnames "
        "and the ingress controller's allowance label off tenant workloads.",
        "th": "ไซต์ผูกนโยบาย admission ที่จำกัดชื่อโฮสต์ของ Ingress และ route ของผู้เช่าให้อยู่ในชื่อที่อนุมัติ "
        "และห้ามภาระงานของผู้เช่าติดป้ายที่ให้สิทธิ์รับทราฟฟิกจากตัวควบคุมขาเข้า",
    },
    "policy.GC-NET-004.rationale": {
        "en": "Without them a tenant publishes any host, including the portal's, or makes its own pods reachable "
        "from the ingress controller (issue 10).",
        "th": "หากไม่มี ผู้เช่าจะเผยแพร่โฮสต์ใดก็ได้ รวมถึงโฮสต์ของพอร์ทัล หรือทำให้พ็อดของตนรับทราฟฟิกจากตัวควบคุมขาเข้าได้ (issue 10)",
    },
    "policy.GC-TLS-001.description": {
        "en": (
            "Every HTTPS listener of a Gateway or ListenerSet serves a Secret that a declared "
            "cert-manager Certificate writes for exactly that hostname."
        ),
        "th": (
            "ตัวรับฟัง HTTPS ทุกตัวของ Gateway หรือ ListenerSet ใช้ Secret ที่ Certificate ของ "
            "cert-manager ซึ่งประกาศไว้สร้างขึ้นสำหรับชื่อโฮสต์นั้นโดยตรง"
        ),
    },
    "policy.GC-TLS-001.rationale": {
        "en": (
            "A listener without its own certificate falls back to whatever the proxy has, or to none: "
            "clients learn to click through warnings (issue 14)."
        ),
        "th": ("ตัวรับฟังที่ไม่มีใบรับรองของตนเองจะใช้ใบรับรองใดก็ได้ที่พร็อกซีมี หรือไม่มีเลย ผู้ใช้จะเคยชินกับการกดข้ามคำเตือน (issue 14)"),
    },
    "policy.GC-TLS-002.description": {
        "en": (
            "A name on the public Gateway gets its certificate from the site's publicly trusted issuer "
            "(govcloud:certificates.publicIssuer), not the site CA."
        ),
        "th": (
            "ชื่อบน Gateway สาธารณะได้รับใบรับรองจากผู้ออกใบรับรองที่สาธารณะเชื่อถือของศูนย์ "
            "(govcloud:certificates.publicIssuer) ไม่ใช่ CA ของศูนย์"
        ),
    },
    "policy.GC-TLS-002.rationale": {
        "en": (
            "Public clients do not trust the government CA; a portal on it teaches citizens to accept "
            "any certificate. Without a trusted certificate there is no HSTS either (issue 14)."
        ),
        "th": (
            "ผู้ใช้ทั่วไปไม่เชื่อถือ CA ของภาครัฐ พอร์ทัลที่ใช้ CA "
            "นี้จะสอนให้ประชาชนยอมรับใบรับรองใดก็ได้ และเมื่อไม่มีใบรับรองที่เชื่อถือได้ก็จะไม่มี HSTS "
            "ด้วย (issue 14)"
        ),
    },
    "policy.GC-IAM-001.description": {
        "en": "No binding to cluster-admin, admin or edit, and no cluster-wide bindings for tenants.",
        "th": "ไม่มีการผูกสิทธิ์กับ cluster-admin, admin หรือ edit และไม่มีการผูกสิทธิ์ระดับทั้งคลัสเตอร์ให้หน่วยงาน",
    },
    "policy.GC-IAM-001.rationale": {
        "en": "Least privilege: tenant roles are namespaced and cannot change their own isolation.",
        "th": "ให้สิทธิ์น้อยที่สุดเท่าที่จำเป็น บทบาทของหน่วยงานจำกัดอยู่ในเนมสเปซ และเปลี่ยนการแยกสภาพแวดล้อมของตนเองไม่ได้",
    },
    "policy.GC-IAM-002.description": {
        "en": "No Role in a tenant namespace writes Ingresses, routes, NetworkPolicies, quotas, RBAC, namespaces or "
        "admission policies.",
        "th": "ไม่มี Role ใดใน namespace ของผู้เช่าที่เขียน Ingress, route, NetworkPolicy, โควตา, RBAC, namespace "
        "หรือนโยบาย admission ได้",
    },
    "policy.GC-IAM-002.rationale": {
        "en": "What publishes a tenant and what bounds it belong to the platform; a tenant that could write them "
        "could serve any host or widen its own isolation.",
        "th": "สิ่งที่เผยแพร่และสิ่งที่กำหนดขอบเขตของผู้เช่าเป็นของแพลตฟอร์ม ผู้เช่าที่เขียนสิ่งเหล่านี้ได้จะให้บริการโฮสต์ใดก็ได้ "
        "หรือขยายขอบเขตการแยกตัวของตนเองได้",
    },
    "policy.GC-SEC-001.description": {
        "en": "No credential appears as a literal in any resource's inputs.",
        "th": "ไม่มีข้อมูลรับรอง (credential) ปรากฏเป็นค่าตรงในอินพุตของทรัพยากรใด",
    },
    "policy.GC-SEC-001.rationale": {
        "en": "Secrets stay Pulumi secrets: encrypted in state, masked in plans, never in manifests or logs.",
        "th": "ความลับยังคงเป็นความลับของ Pulumi คือเข้ารหัสในสถานะ (state) ปิดบังในแผน และไม่ปรากฏในแมนิเฟสต์หรือบันทึก (log)",
    },
}


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields a message expects; both languages of a message must expect the same."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


class Translator:
    """Words, dates and quantities in one language; templates call it as ``t("key", name=value)``."""

    def __init__(self, lang: Lang) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown report language {lang!r}; use one of {', '.join(LANGUAGES)}")
        self.lang: Lang = lang

    def __call__(self, key: str, **params: Any) -> str:
        return MESSAGES[key][self.lang].format(**params)

    def has(self, key: str) -> bool:
        return key in MESSAGES

    def term(self, group: str, value: str) -> str:
        """A vocabulary word (classification, ministry, ...); an unknown value is shown as written."""
        entry = MESSAGES.get(f"{group}.{value}")
        return entry[self.lang] if entry else value

    def kind(self, kind: str) -> str:
        """An audited tenant kind's name, as its row of the kind table (``govcloud.audit.kinds``) gives it."""
        row = next((r for r in kinds.TENANT_KINDS if r.kind == kind), None)
        if row is None:
            return kind
        return row.th if self.lang == "th" else row.en

    def policy_text(self, policy_id: str, field: str, english: str) -> str:
        """A policy's description or rationale; the Thai only while it still translates the current English."""
        entry = MESSAGES.get(f"policy.{policy_id}.{field}")
        return entry[self.lang] if entry is not None and entry["en"] == english else english

    def date(self, day: dt.date) -> str:
        if self.lang == "th":
            return f"{day.day} {_THAI_MONTHS[day.month - 1]} {day.year + BUDDHIST_ERA_OFFSET}"
        return day.isoformat()

    def datetime(self, moment: dt.datetime) -> str:
        local = moment.astimezone(ICT) if moment.tzinfo is not None else moment
        clock = local.strftime("%H:%M")
        if self.lang == "th":
            return f"{self.date(local.date())} เวลา {clock} น. (UTC+7)"
        return f"{local.date().isoformat()} {clock} (UTC+7)"

    def number(self, value: Decimal | int | float) -> str:
        """Whole numbers without decimals, others with at most two; thousands separated."""
        number = Decimal(str(value))
        if number == number.to_integral_value():
            return f"{int(number):,}"
        return f"{number:,.2f}".rstrip("0").rstrip(".")

    def bytes(self, value: Decimal) -> str:
        """Binary units, as Kubernetes quotas are written (``192 GiB``, ``11 TiB``)."""
        for unit, size in (("PiB", 2**50), ("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
            if value >= size:
                return f"{self.number(value / size)} {unit}"
        return f"{self.number(value)} B"

    def retention(self, policy: str) -> str:
        """CloudNativePG's ``30d`` as ``30 days``; any other form is shown as written."""
        match = re.fullmatch(r"([0-9]+)d", policy)
        return self("unit.days", value=match[1]) if match else policy

    def yes_no(self, value: bool) -> str:
        return self("yes" if value else "no")
