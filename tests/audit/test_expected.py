"""The expected state the audit derives from a plan (pure), and backup schedule periods."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from govcloud.audit.expected import ExpectedState, expected_state
from govcloud.contract.cron import schedule_period
from govcloud.storage import ReadGrant

REPO_ROOT = Path(__file__).resolve().parents[2]
DAY = dt.timedelta(days=1)


def test_each_tenant_namespace_with_its_declared_objects(recorded_expected: ExpectedState) -> None:
    assert recorded_expected.stack == "national-prod"
    tenants = {"dga", "doae", "dopa", "moph", "nso", "revenue", "tmd"}
    assert {n for n, ns in recorded_expected.namespaces.items() if ns.tenant} == tenants
    platform = recorded_expected.namespaces["cnpg-system"]
    assert platform.declared and platform.tenant is None and platform.network_policies
    assert recorded_expected.declared_namespaces > tenants
    nso = recorded_expected.namespaces["nso"]
    assert nso.tenant == "nso" and nso.declared
    assert {"default-deny-all", "allow-dns", "allow-same-namespace", "allow-object-store"} <= set(nso.network_policies)
    assert set(nso.resource_quotas) == {"tenant-quota"} and set(nso.limit_ranges) == {"tenant-limits"}
    tenant_roles = {f"govcloud-tenant-{r}" for r in ("admin", "engineer", "analyst", "viewer")}
    assert tenant_roles <= set(nso.roles)
    assert tenant_roles <= set(nso.role_bindings)  # nso has a group for every role
    assert {"nso-jupyterhub", "nso-trino"} <= nso.helm_releases
    assert nso.pod_security_labels["pod-security.kubernetes.io/enforce"] == "restricted"
    assert nso.identity_labels["app.kubernetes.io/managed-by"] == "govcloud"
    assert not any(k.startswith("pod-security") for k in nso.identity_labels)


def test_databases_with_their_backup_periods(recorded_expected: ExpectedState) -> None:
    databases = {db.name: db for ns in recorded_expected.namespaces.values() for db in ns.databases}
    # The six tenant files with a ``database:`` section, and the open-data portal's CKAN database.
    assert set(databases) == {f"{t}-pg" for t in ("doae", "dopa", "moph", "nso", "revenue", "tmd", "ckan")}
    # The portal's schedule is the platform's (CloudNativePG's six fields of "0 1 * * *"), nso's its tenant file's.
    assert [(b.name, b.schedule) for b in databases["ckan-pg"].backups] == [("ckan-pg-backup", "0 0 1 * * *")]
    assert databases["ckan-pg"].namespace == "ckan"
    nso = databases["nso-pg"]
    assert nso.namespace == "nso"
    assert [(b.name, b.schedule) for b in nso.backups] == [("nso-pg-backup", "0 0 2 * * *")]
    assert nso.backup_period == DAY
    assert recorded_expected.namespaces["dga"].databases == ()


def test_buckets_and_identities_with_the_grants_of_active_agreements(recorded_expected: ExpectedState) -> None:
    buckets = {b.spec.name: b for b in recorded_expected.buckets}
    # 25 of the tenants (19 storage zones of the tenant files, a backup bucket per tenant database: 6), and the
    # platform's two: the site's audit log and the portal's CKAN database backup.
    assert len(buckets) == 27
    # Only the audit log is object-locked (govcloud:auditLog.retentionDays: 2557 in Pulumi.national-prod.yaml).
    platform = {
        name: (b.spec.object_lock, b.spec.object_lock_days)
        for name, b in buckets.items()
        if b.tenant == "govcloud-platform"
    }
    assert platform == {"national-govcloud-audit-log": (True, 2557), "national-govcloud-ckan-backup": (False, None)}
    assert buckets["national-nso-raw"].tenant == "nso"
    assert buckets["national-nso-raw"].spec.lock_versioning  # confidential data keeps every version
    assert buckets["national-tmd-published"].spec.public_read_principal_arn is not None
    identities = {i.user_name: i for i in recorded_expected.identities}
    nso = identities["govcloud-national-prod-nso"]
    assert nso.tenant == "nso"
    assert nso.bucket_names == ("national-nso-curated", "national-nso-raw")
    # Two agreements are active on 2026-11-25; tmd's rainfall agreement expired in 2025 and grants nothing.
    assert nso.read_grants == (
        ReadGrant("national-doae-curated", "farmer-registry/aggregates/"),
        ReadGrant("national-moph-curated", "health-statistics/"),
    )
    assert recorded_expected.active_agreements == ("doae-to-nso-farmer-registry", "moph-to-nso-health-stats")
    assert identities["govcloud-national-prod-nso-backup"].bucket_names == ("national-nso-backup",)
    # 7 tenants, 6 tenant database backups, and the portal's two: its catalogue reads the published zones of the
    # tenants that publish open data (dga, doae and tmd set ``openData.enabled``), its backup writes its bucket.
    assert len(identities) == 15
    assert identities["govcloud-national-prod-opendata-portal"].read_grants == (
        ReadGrant("national-dga-published", ""),
        ReadGrant("national-doae-published", ""),
        ReadGrant("national-tmd-published", ""),
    )
    assert identities["govcloud-national-prod-opendata-portal-backup"].bucket_names == (
        "national-govcloud-ckan-backup",
    )
    # The portal's identities belong to whoever owns its buckets: the platform, by the owner tag both carry.
    portal = {i.tenant for name, i in identities.items() if name.startswith("govcloud-national-prod-opendata-portal")}
    assert portal == {"govcloud-platform"} and None not in {i.tenant for i in identities.values()}


def test_the_audit_reads_what_the_program_declares_today() -> None:
    """A fresh synth (not the recording): every declared bucket, identity and database is understood."""
    from govcloud.synth.engine import synthesize
    from govcloud.synth.plan import plan_document

    plan = plan_document(synthesize(REPO_ROOT, "dev", "2026-11-25"))
    expected = expected_state(plan)
    types = [str(r["type"]) for r in plan["resources"]]
    assert len(expected.buckets) == sum(t.endswith(":Bucket") for t in types)
    assert len(expected.identities) == sum(t.endswith(":StorageIdentity") for t in types)
    databases = [db for ns in expected.namespaces.values() for db in ns.databases]
    assert len(databases) == types.count("kubernetes:postgresql.cnpg.io/v1:Cluster")
    assert all(db.backup_period is not None for db in databases)
    tenant_namespaces = {n for n, ns in expected.namespaces.items() if ns.tenant is not None}
    assert tenant_namespaces == set(expected.tenants) <= expected.declared_namespaces
    releases = [r for r in plan["resources"] if r["type"] == "kubernetes:helm.sh/v3:Release"]
    assert sum(len(ns.helm_releases) for ns in expected.namespaces.values()) == len(releases)


def test_a_document_that_is_not_a_plan_is_refused() -> None:
    with pytest.raises(ValueError, match=r"not a govcloud plan\.json"):
        expected_state({"resources": []})
    empty: dict[str, Any] = {"stack": "s", "site": "national", "resources": []}
    assert expected_state(empty).namespaces == {}


@pytest.mark.parametrize(
    ("schedule", "period"),
    [
        ("0 0 2 * * *", DAY),
        ("0 30 1 * * *", DAY),
        ("0 2 * * *", DAY),  # 5-field: seconds assumed 0
        ("0 0 0,12 * * *", dt.timedelta(hours=12)),
        ("0 0 2 * * mon-fri", 3 * DAY),  # Friday night to Monday night
        ("0 0 3 * * 0", 7 * DAY),
        ("0 0 0 1,15 * *", 17 * DAY),
        ("0 0 0 31 * *", 61 * DAY),  # months without a 31st are skipped
        ("0 0 0 29 2 *", 1461 * DAY),  # leap days only
        ("0 0 4 1 * mon", 7 * DAY),  # both restricted: either matches (robfig/cron)
        ("*/30 * * * * *", dt.timedelta(seconds=30)),
        ("@daily", DAY),
        ("@weekly", 7 * DAY),
        ("@every 6h30m", dt.timedelta(hours=6, minutes=30)),
    ],
)
def test_schedule_period(schedule: str, period: dt.timedelta) -> None:
    assert schedule_period(schedule) == period


# "0 0 3 * * 7": robfig/cron v1.2.0 bounds day of week to 0-6 (spec.go), so the operator never runs it; the
# audit reads schedules with the contract's one parser (govcloud.contract.cron), which says so.
@pytest.mark.parametrize(
    "schedule", ["", "0 0 25 * * *", "0 0 2 * *  * *", "0 0 2 30 2 *", "@every 0s", "x", "0 0 3 * * 7"]
)
def test_unreadable_schedules_are_refused(schedule: str) -> None:
    with pytest.raises(ValueError):
        schedule_period(schedule)


def test_chart_object_names_come_from_the_plan_releases_and_their_charts() -> None:
    """z2jh names its objects without a prefix unless fullnameOverride says otherwise (_helpers-names.tpl)."""
    from govcloud.audit.expected import chart_name_prefixes

    default = chart_name_prefixes("nso-jupyterhub", "jupyterhub", {"hub": {}})
    assert default[0] == "nso-jupyterhub" and {"hub", "proxy", "singleuser", "user-scheduler"} <= set(default)
    named = chart_name_prefixes("nso-jupyterhub", "jupyterhub", {"fullnameOverride": "nso-jh"})
    assert "nso-jh-hub" in named and "hub" not in named
    unset = chart_name_prefixes("nso-notebooks", "jupyterhub", {"fullnameOverride": None})
    assert "nso-notebooks-jupyterhub-hub" in unset
    assert chart_name_prefixes("nso-trino", "trino", {}) == ("nso-trino",)
