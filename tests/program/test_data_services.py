"""Data services under the mock monitor: PostgreSQL on CNPG, buckets and identities, and no data loss."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from govcloud.cli import app
from govcloud.contract.stack import load_stack
from govcloud.safety import is_data_bearing
from govcloud.synth.diff import Action, diff_plans
from govcloud.synth.engine import synthesize
from govcloud.synth.plan import plan_document, write_plan
from tests.program.conftest import REPO_ROOT, TODAY, resources_of, synthesized
from tests.upstream_facts import (
    BARMAN_BACKUP_METHOD,
    BARMAN_OBJECT_NAME_PARAMETER,
    BARMAN_PLUGIN_NAME,
    POSTGRES_STANDARD_TRIXIE_CATALOG,
)

BUCKET = "pulumi-python:dynamic/govcloud:Bucket"
IDENTITY = "pulumi-python:dynamic/govcloud:StorageIdentity"


def _of_type(plan: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [r for r in plan["resources"] if r["type"] == resource_type]


def test_a_database_per_tenant_that_asks_for_one(national_plan: dict[str, Any]) -> None:
    definition = load_stack(REPO_ROOT / "stacks", "national-prod", TODAY)
    clusters = {
        r["inputs"]["metadata"]["namespace"]: r
        for r in resources_of(national_plan, "Cluster")
        if r["inputs"]["metadata"]["namespace"] != "ckan"
    }
    assert set(clusters) == {t.name for t in definition.tenants if t.spec.database is not None}
    stores = {
        (r["inputs"]["metadata"]["namespace"], r["inputs"]["metadata"]["name"]): r["inputs"]
        for r in resources_of(national_plan, "ObjectStore")
    }
    for tenant in definition.tenants:
        if tenant.spec.database is None:
            continue
        cluster = clusters[tenant.name]
        spec = cluster["inputs"]["spec"]
        assert cluster["protect"] and cluster["retainOnDelete"]
        assert spec["instances"] == tenant.spec.database.instances
        # A supported image family (standard, trixie), pinned per major from CNPG's own image catalog.
        assert spec["imageName"] == POSTGRES_STANDARD_TRIXIE_CATALOG.value[tenant.spec.database.version]
        assert spec["storage"] == {"size": tenant.spec.database.storage, "storageClass": "gdcc-encrypted-ssd"}
        assert spec["postgresql"]["pg_hba"][:2] == [
            "hostnossl all all 0.0.0.0/0 reject",
            "hostnossl all all ::/0 reject",
        ]
        assert "monitoring" not in spec, "enablePodMonitor is deprecated upstream: the PodMonitor is declared"
        assert "backup" not in spec, "the in-tree barmanObjectStore is removed in CloudNativePG 1.31"
        assert "ssl_min_protocol_version" not in spec["postgresql"]["parameters"], "CNPG's TLSv1.3 default stays"
        (plugin,) = spec["plugins"]
        assert plugin["name"] == BARMAN_PLUGIN_NAME.value and plugin["isWALArchiver"] is True
        store = stores[(tenant.name, plugin["parameters"][BARMAN_OBJECT_NAME_PARAMETER.value])]
        assert store["spec"]["retentionPolicy"] == f"{tenant.spec.database.backup.retention_days}d"
        configuration = store["spec"]["configuration"]
        assert configuration["destinationPath"] == f"s3://national-{tenant.name}-backup/{tenant.name}-pg"
        assert spec["resources"]["requests"] == spec["resources"]["limits"]
        replicated = tenant.spec.database.instances >= 2
        assert spec["enablePDB"] is replicated
        assert spec["affinity"]["podAntiAffinityType"] == ("required" if replicated else "preferred")


def test_scheduled_backup_uses_the_six_field_schedule(national_plan: dict[str, Any]) -> None:
    schedules = {
        r["inputs"]["metadata"]["namespace"]: r["inputs"]["spec"]
        for r in resources_of(national_plan, "ScheduledBackup")
    }
    assert {s["method"] for s in schedules.values()} == {BARMAN_BACKUP_METHOD.value}
    assert {s["pluginConfiguration"]["name"] for s in schedules.values()} == {BARMAN_PLUGIN_NAME.value}
    assert schedules["nso"]["schedule"] == "0 0 2 * * *"
    assert schedules["moph"]["schedule"] == "0 30 1 * * *"
    assert schedules["tmd"]["schedule"] == "0 0 2 * * *", "the default schedule is daily at 02:00"
    assert all(s["cluster"]["name"].endswith("-pg") for s in schedules.values())


def test_buckets_per_zone_and_backup_with_their_settings(national_plan: dict[str, Any]) -> None:
    buckets = {r["inputs"]["name"]: r for r in _of_type(national_plan, BUCKET)}
    assert {n for n in buckets if n.startswith("national-nso-")} == {
        "national-nso-raw",
        "national-nso-curated",
        "national-nso-backup",
    }
    assert {n for n in buckets if n.startswith("national-tmd-")} == {
        "national-tmd-raw",
        "national-tmd-curated",
        "national-tmd-published",
        "national-tmd-backup",
    }
    for bucket in buckets.values():
        assert bucket["protect"] and bucket["retainOnDelete"], bucket["name"]
        assert bucket["inputs"]["versioning"] is True
    assert buckets["national-nso-raw"]["inputs"]["lock_versioning"] is True, "confidential keeps every version"
    assert buckets["national-tmd-raw"]["inputs"]["lock_versioning"] is False
    assert buckets["national-nso-raw"]["inputs"]["expire_after_days"] == 365
    published = buckets["national-tmd-published"]["inputs"]
    assert published["public_read_principal_arn"] == "arn:aws:iam:::user/govcloud-national-prod-opendata-portal"
    assert all(b["inputs"].get("public_read_principal_arn") is None for n, b in buckets.items() if "published" not in n)
    assert buckets["national-nso-raw"]["inputs"]["tags"]["govcloud.go.th/cost-center"] == "MDES-NSO-2569-001"


def test_identities_grant_own_buckets_and_active_agreements_only(national_plan: dict[str, Any]) -> None:
    identities = {r["inputs"]["user_name"]: r["inputs"] for r in _of_type(national_plan, IDENTITY)}
    nso = identities["govcloud-national-prod-nso"]
    assert nso["bucket_names"] == ["national-nso-curated", "national-nso-raw"]
    assert nso["read_grants"] == [
        {"bucket": "national-doae-curated", "prefix": "farmer-registry/aggregates/"},
        {"bucket": "national-moph-curated", "prefix": "health-statistics/"},
    ], "the expired tmd agreement grants nothing"
    backup = identities["govcloud-national-prod-nso-backup"]
    assert backup["bucket_names"] == ["national-nso-backup"] and backup["read_grants"] == []
    assert identities["govcloud-national-prod-tmd"]["read_grants"] == []


def test_no_credential_in_the_plan_or_manifests(tmp_path: Path, national_plan: dict[str, Any]) -> None:
    secrets = resources_of(national_plan, "Secret")
    assert {r["inputs"]["metadata"]["name"] for r in secrets} >= {"storage-credentials", "nso-pg-backup-credentials"}
    for secret in secrets:
        data = secret["inputs"]["stringData"]
        assert all(value == "[secret]" for key, value in data.items() if "KEY" in key), secret["name"]
    write_plan(national_plan, tmp_path)
    text = "\n".join(p.read_text("utf-8") for p in tmp_path.rglob("*") if p.is_file())
    assert "secret_access_key" not in text.replace('"secret_access_key"', "")
    for provider in [r["inputs"]["__provider"] for r in national_plan["resources"] if "__provider" in r["inputs"]]:
        assert provider == "<serialized dynamic provider>"


def test_removing_a_tenant_plans_no_deletion_of_its_data(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "stacks", project / "stacks")
    (project / "stacks" / "national-prod" / "tenants" / "doae.yaml").unlink()
    (project / "stacks" / "national-prod" / "sharing" / "doae-to-nso-farmer-registry.yaml").unlink()
    before = synthesized("national-prod")[1]
    after = plan_document(synthesize(project, "national-prod", TODAY))
    result = diff_plans(before, after)
    removed = [c for c in result.changes if c.action is Action.REMOVE]
    data = [c for c in removed if c.data_bearing]
    assert {c.type for c in data} == {
        "kubernetes:core/v1:Namespace",
        "kubernetes:postgresql.cnpg.io/v1:Cluster",
        BUCKET,
    }
    old = {r["urn"]: r for r in before["resources"]}
    for change in data:
        assert old[change.urn]["protect"] and old[change.urn]["retainOnDelete"], change.urn
        assert change.risk is not None
    backup_stores = {c.urn for c in removed if c.type.endswith("barmancloud.cnpg.io/v1:ObjectStore")}
    assert backup_stores, "the tenant's backup store goes too: its backups stop"
    # Its isolation and credentials are protected too (govcloud.components.protection): `pulumi up` stops at them.
    protected = {c.urn for c in removed if any(r.code == "PROTECTED-REMOVE" for r in c.risks)}
    assert all(old[urn]["protect"] for urn in protected)
    assert {old[urn]["inputs"].get("kind") for urn in protected} >= {
        "NetworkPolicy", "ResourceQuota", "LimitRange", "Role", "RoleBinding", "Secret",
    }  # fmt: skip
    assert {c.urn for c in result.risky} == {c.urn for c in data} | backup_stores | protected

    old_file, new_file = tmp_path / "old.json", tmp_path / "new.json"
    old_file.write_text(json.dumps(before), "utf-8")
    new_file.write_text(json.dumps(after), "utf-8")
    runner = CliRunner()
    refused = runner.invoke(app, ["diff", str(old_file), str(new_file)])
    assert refused.exit_code == 1
    assert "DATA AT RISK" in refused.output
    acknowledged = runner.invoke(app, ["diff", str(old_file), str(new_file), "--allow-data-migration"])
    assert acknowledged.exit_code == 0


def test_renaming_a_tenant_is_flagged_as_replacing_data(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "stacks", project / "stacks")
    tenants = project / "stacks" / "national-prod" / "tenants"
    text = (tenants / "dga.yaml").read_text("utf-8").replace("name: dga", "name: dga-opendata")
    (tenants / "dga.yaml").unlink()
    (tenants / "dga-opendata.yaml").write_text(text, "utf-8")
    after = plan_document(synthesize(project, "national-prod", TODAY))
    risky = diff_plans(synthesized("national-prod")[1], after).risky
    assert {c.name for c in risky} >= {"dga", "dga-storage-national-dga-raw"}


def test_every_data_bearing_resource_is_protected_and_retained(example_plan: dict[str, Any]) -> None:
    data = [r for r in example_plan["resources"] if is_data_bearing(r["type"])]
    assert data
    assert all(r["protect"] and r["retainOnDelete"] for r in data)


@pytest.mark.parametrize("stack", ["national-prod", "dev"])
def test_database_resources_fit_the_tenant_quota(stack: str) -> None:
    from govcloud.contract.quantity import parse_quantity
    from govcloud.contract.rules import effective_quota

    plan = synthesized(stack)[1]
    definition = load_stack(REPO_ROOT / "stacks", stack, TODAY)
    for cluster in [c for c in resources_of(plan, "Cluster") if c["inputs"]["metadata"]["namespace"] != "ckan"]:
        tenant = definition.tenant(cluster["inputs"]["metadata"]["namespace"])
        spec = cluster["inputs"]["spec"]
        quota = effective_quota(tenant)
        assert spec["instances"] * parse_quantity(spec["resources"]["limits"]["cpu"]) <= quota.cpu
        assert spec["instances"] * parse_quantity(spec["resources"]["limits"]["memory"]) <= quota.memory


def test_precreated_keys_for_stores_without_an_iam_api(tmp_path: Path) -> None:
    from govcloud.synth.engine import run_program, stack_config

    config, secret_keys = stack_config(REPO_ROOT / "stacks", "dev")
    store = json.loads(config["govcloud:objectStore"]) | {"identities": "precreated"}
    keys = {
        name: {"accessKeyId": f"AK-{name}", "secretAccessKey": f"SK-{name}"}
        for name in (
            "govcloud-national-dev-nso",
            "govcloud-national-dev-nso-backup",
            "govcloud-national-dev-tmd",
            "govcloud-national-dev-opendata-portal",
            "govcloud-national-dev-opendata-portal-backup",
        )
    }
    config = {**config, "govcloud:objectStore": json.dumps(store), "govcloud:storageKeys": json.dumps(keys)}
    _, monitor = run_program(REPO_ROOT, "dev", config, [*secret_keys, "govcloud:storageKeys"], TODAY)
    types = {r.type for r in monitor.registrations.values()}
    assert IDENTITY not in types, "no IAM calls against a store without IAM"
    secrets = [
        r
        for r in monitor.registrations.values()
        if r.type == "kubernetes:core/v1:Secret" and r.inputs["metadata"]["name"].endswith("credentials")
    ]
    assert len(secrets) == 5, "nso storage and backup, tmd storage, the portal's reader and backup"
    dumped = json.dumps([r.inputs for r in monitor.registrations.values()])
    assert "AK-govcloud" not in dumped and "SK-govcloud" not in dumped
    assert all(set(r.inputs["stringData"].values()) <= {"[secret]", "us-east-1", store["endpoint"]} for r in secrets)


def test_analytics_roles_are_managed_roles_of_the_tenant_database(national_plan: dict[str, Any]) -> None:
    definition = load_stack(REPO_ROOT / "stacks", "national-prod", TODAY)
    clusters = {
        r["inputs"]["metadata"]["namespace"]: r["inputs"]["spec"] for r in resources_of(national_plan, "Cluster")
    }
    databases = {
        r["inputs"]["metadata"]["namespace"]: r["inputs"]["spec"] for r in resources_of(national_plan, "Database")
    }
    for tenant in definition.tenants:
        if tenant.spec.database is None:
            continue
        roles = {r["name"]: r for r in clusters[tenant.name].get("managed", {}).get("roles", [])}
        analytics = tenant.spec.analytics
        assert ("superset" in roles) is analytics.superset.enabled
        assert ("readonly" in roles) is (analytics.superset.enabled or analytics.trino.enabled)
        if analytics.superset.enabled:
            assert databases[tenant.name]["owner"] == "superset"
        for role in roles.values():
            assert set(role["passwordSecret"]) == {"name"}, "passwords only by Secret reference"
