"""The open-data portal: CKAN for the site, one organization per publishing tenant, GD Catalog metadata."""

from __future__ import annotations

import json
from typing import Any

from tests.access_matrix import access_matrix
from tests.program.conftest import resources_of


def test_one_organization_job_per_tenant_that_publishes(national_plan: dict[str, Any]) -> None:
    jobs = {r["inputs"]["metadata"]["name"]: r["inputs"] for r in resources_of(national_plan, "Job", "ckan")}
    assert set(jobs) == {"ckan-organization-tmd", "ckan-organization-doae", "ckan-organization-dga"}
    env = {e["name"]: e for e in jobs["ckan-organization-tmd"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    fields = json.loads(env["FIELDS"]["value"])
    assert fields["name"] == "tmd" and fields["title"] == "กรมอุตุนิยมวิทยา"
    assert {"key": "data_classification", "value": "เปิดเผย"} in fields["extras"]
    assert "secretKeyRef" in env["CKAN_SYSADMIN_PASSWORD"]["valueFrom"], "the sysadmin password is never a literal"


def test_the_portal_reads_published_zones_and_nothing_else(national_plan: dict[str, Any]) -> None:
    portal = "govcloud-national-prod-opendata-portal"
    reads = {(a.bucket, a.prefix, a.mode) for a in access_matrix(national_plan) if a.principal == portal}
    assert reads == {(f"national-{t}-published", "", "read") for t in ("tmd", "doae", "dga")}


def test_the_portal_has_its_own_backed_up_database(national_plan: dict[str, Any]) -> None:
    (cluster,) = resources_of(national_plan, "Cluster", "ckan")
    assert cluster["protect"] and cluster["retainOnDelete"]
    assert cluster["inputs"]["spec"]["instances"] == 3
    (store,) = resources_of(national_plan, "ObjectStore", "ckan")
    assert (
        cluster["inputs"]["spec"]["plugins"][0]["parameters"]["barmanObjectName"] == store["inputs"]["metadata"]["name"]
    )
    assert store["inputs"]["spec"]["configuration"]["destinationPath"].startswith("s3://national-govcloud-ckan-backup/")
    assert [s["inputs"]["spec"]["cluster"]["name"] for s in resources_of(national_plan, "ScheduledBackup", "ckan")] == [
        "ckan-pg"
    ]


# The GD Catalog fields, written out (never produced by ``dataset_schema()``). The presets are ckanext-scheming's
# own (ckan/ckanext-scheming, ckanext/scheming/presets.json: dataset_slug, dataset_organization, select,
# resource_url_upload, resource_format_autocomplete; checked at commit 004409dd62d9).
CLASSIFICATION_CHOICES = ["เปิดเผย", "ชั้นเผยแพร่ภายในองค์กร", "ลับ", "ลับมาก", "ลับที่สุด"]
CATEGORY_CHOICES = ["ข้อมูลสาธารณะ", "ข้อมูลส่วนบุคคล", "ข้อมูลความมั่นคง", "ข้อมูลความลับทางราชการ"]
FREQUENCY_CHOICES = [
    "รายวัน",
    "รายสัปดาห์",
    "รายเดือน",
    "รายไตรมาส",
    "รายครึ่งปี",
    "รายปี",
    "ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล",
]
LICENCE_CHOICES = [
    "Open Data Common",
    "Creative Commons Attributions",
    "Creative Commons Attribution Share-Alike",
    "Creative Commons Non-Commercial (Any)",
    "License not specified",
]


def _choices(values: list[str]) -> list[dict[str, str]]:
    return [{"value": v, "label": v} for v in values]


def test_dataset_schema_carries_the_thai_government_data_catalog_fields(national_plan: dict[str, Any]) -> None:
    (config_map,) = [r for r in resources_of(national_plan, "ConfigMap", "ckan")]
    schema = json.loads(config_map["inputs"]["data"]["dataset.json"])
    assert schema == {
        "scheming_version": 2,
        "dataset_type": "dataset",
        "about": "Thai Government Data Catalog (GD Catalog) metadata for govcloud open data",
        "dataset_fields": [
            {"field_name": "title", "label": "ชื่อชุดข้อมูล", "required": True},
            {"field_name": "name", "label": "URL", "preset": "dataset_slug"},
            {"field_name": "notes", "label": "รายละเอียด", "form_snippet": "markdown.html"},
            {"field_name": "owner_org", "label": "หน่วยงาน", "preset": "dataset_organization"},
            {
                "field_name": "data_category",
                "label": "หมวดหมู่ข้อมูล",
                "preset": "select",
                "required": True,
                "choices": _choices(CATEGORY_CHOICES),
            },
            {
                "field_name": "data_classification",
                "label": "ระดับชั้นข้อมูล",
                "preset": "select",
                "required": True,
                "choices": _choices(CLASSIFICATION_CHOICES),
            },
            {
                "field_name": "update_frequency_unit",
                "label": "ความถี่ในการปรับปรุงข้อมูล",
                "preset": "select",
                "required": True,
                "choices": _choices(FREQUENCY_CHOICES),
            },
            {
                "field_name": "license_id",
                "label": "สัญญาอนุญาต",
                "form_snippet": "license.html",
                "choices": _choices(LICENCE_CHOICES),
            },
        ],
        "resource_fields": [
            {"field_name": "url", "label": "URL", "preset": "resource_url_upload"},
            {"field_name": "name", "label": "ชื่อทรัพยากร"},
            {"field_name": "format", "label": "รูปแบบ", "preset": "resource_format_autocomplete"},
        ],
    }


def test_each_organization_carries_its_tenants_classification_in_thai(national_plan: dict[str, Any]) -> None:
    """tmd is public, doae internal (stacks/national-prod/tenants): the GD Catalog words for those levels."""
    jobs = {r["inputs"]["metadata"]["name"]: r["inputs"] for r in resources_of(national_plan, "Job", "ckan")}
    shown = {}
    for name in ("ckan-organization-tmd", "ckan-organization-doae"):
        env = {e["name"]: e for e in jobs[name]["spec"]["template"]["spec"]["containers"][0]["env"]}
        extras = json.loads(env["FIELDS"]["value"])["extras"]
        shown[name] = [e["value"] for e in extras if e["key"] == "data_classification"]
    assert shown == {"ckan-organization-tmd": ["เปิดเผย"], "ckan-organization-doae": ["ชั้นเผยแพร่ภายในองค์กร"]}


def test_the_portal_is_published_through_the_public_gateway_only(national_plan: dict[str, Any]) -> None:
    assert resources_of(national_plan, "Ingress", "ckan") == []
    (listeners,) = resources_of(national_plan, "ListenerSet", "ckan")
    assert listeners["inputs"]["spec"]["parentRef"]["name"] == "public"
    assert {li["hostname"] for li in listeners["inputs"]["spec"]["listeners"]} == {"data.go.th"}
    (certificate,) = resources_of(national_plan, "Certificate", "ckan")
    assert certificate["inputs"]["spec"]["issuerRef"]["name"] == "govcloud-public-issuer", "publicly trusted"
    for service in resources_of(national_plan, "Service", "ckan"):
        assert service["inputs"]["spec"]["type"] == "ClusterIP"
