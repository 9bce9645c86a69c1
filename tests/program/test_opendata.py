"""The open-data portal: CKAN for the site, one organization per publishing tenant, GD Catalog metadata."""

from __future__ import annotations

import json
from typing import Any

from govcloud.analysis.access import access_matrix
from govcloud.manifests.opendata import CLASSIFICATIONS, dataset_schema
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


def test_dataset_schema_carries_the_thai_government_data_catalog_fields(national_plan: dict[str, Any]) -> None:
    (config_map,) = [r for r in resources_of(national_plan, "ConfigMap", "ckan")]
    schema = json.loads(config_map["inputs"]["data"]["dataset.json"])
    assert schema == dataset_schema()
    fields = {f["field_name"]: f for f in schema["dataset_fields"]}
    assert {"data_category", "data_classification", "update_frequency_unit", "license_id"} <= set(fields)
    assert [c["value"] for c in fields["data_classification"]["choices"]] == [
        "เปิดเผย",
        "ชั้นเผยแพร่ภายในองค์กร",
        "ลับ",
        "ลับมาก",
        "ลับที่สุด",
    ]
    assert list(CLASSIFICATIONS.values()) == [c["value"] for c in fields["data_classification"]["choices"]]


def test_the_portal_is_published_through_the_public_gateway_only(national_plan: dict[str, Any]) -> None:
    assert resources_of(national_plan, "Ingress", "ckan") == []
    (listeners,) = resources_of(national_plan, "ListenerSet", "ckan")
    assert listeners["inputs"]["spec"]["parentRef"]["name"] == "public"
    assert {li["hostname"] for li in listeners["inputs"]["spec"]["listeners"]} == {"data.go.th"}
    (certificate,) = resources_of(national_plan, "Certificate", "ckan")
    assert certificate["inputs"]["spec"]["issuerRef"]["name"] == "govcloud-public-issuer", "publicly trusted"
    for service in resources_of(national_plan, "Service", "ckan"):
        assert service["inputs"]["spec"]["type"] == "ClusterIP"
