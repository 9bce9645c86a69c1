"""The data-risk classifier: one case per risk, the safe counterpart of each, and the review renderings."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from govcloud.contract.vocabulary import Classification
from govcloud.storage.specs import STORAGE_IDENTITY_TYPE as IDENTITY
from govcloud.synth.diff import Action, as_json, as_markdown, companion_of, diff_plans, review_subjects
from govcloud.synth.effective import identity_policies
from govcloud.synth.risk import (
    BUCKET,
    CLUSTER,
    MIN_INSTANCES,
    OBJECT_STORE,
    PVC,
    RISK_CODES,
    classify,
    postgres_major,
    retention_days,
    version_destroying_actions,
)


def _resource(kind: str, name: str, inputs: dict[str, Any], *, protected: bool = True) -> dict[str, Any]:
    return {
        "urn": f"urn:pulumi:national-prod::govcloud::{kind}::{name}",
        "type": kind,
        "name": name,
        "parent": None,
        "custom": True,
        "protect": protected,
        "retainOnDelete": protected,
        "dependsOn": [],
        "inputs": inputs,
    }


def bucket(**inputs: Any) -> dict[str, Any]:
    return _resource(BUCKET, "nso-storage-national-nso-raw", {"name": "national-nso-raw", "versioning": True, **inputs})


def cluster(
    *,
    instances: int = 3,
    retention: str | None = "30d",
    image: str = "ghcr.io/cloudnative-pg/postgresql:16",
    size: str = "200Gi",
    classification: str = "confidential",
) -> dict[str, Any]:
    spec: dict[str, Any] = {"instances": instances, "imageName": image, "storage": {"size": size}}
    if retention is not None:
        spec["backup"] = {"barmanObjectStore": {}, "retentionPolicy": retention}
    labels = {"govcloud.go.th/classification": classification}
    return _resource(CLUSTER, "nso-database-cluster", {"metadata": {"name": "nso-pg", "labels": labels}, "spec": spec})


def codes(old: dict[str, Any] | None, new: dict[str, Any] | None, **kwargs: Any) -> list[str]:
    return [risk.code for risk in classify(old, new, **kwargs)]


# ------------------------------------------------------------------------------------ one test per risk


def test_removing_a_data_bearing_resource_is_at_risk() -> None:
    assert codes(bucket(), None) == ["DATA-REMOVE"]
    assert codes(_resource("kubernetes:core/v1:ConfigMap", "x", {}, protected=False), None) == []


def test_removing_or_replacing_a_protected_isolation_object_stops_pulumi_up() -> None:
    """A tenant's default-deny policy is protected (govcloud.components.protection): the engine refuses it."""
    deny = _resource("kubernetes:networking.k8s.io/v1:NetworkPolicy", "nso-default-deny-all", {})
    assert codes(deny, None) == ["PROTECTED-REMOVE"]
    assert codes(deny, deny, replacing=True) == ["PROTECTED-REMOVE"]
    assert codes(deny, deny) == []


def test_replacing_a_data_bearing_resource_is_at_risk() -> None:
    assert codes(bucket(), bucket(name="national-nso-raw2"), replacing=True) == ["DATA-REPLACE"]


def test_dropping_protection_is_at_risk() -> None:
    assert codes(bucket(), _resource(BUCKET, "b", bucket()["inputs"], protected=False)) == [
        "DATA-UNPROTECT",
        "DATA-UNPROTECT",
    ]


@pytest.mark.parametrize(
    ("old", "new", "at_risk"),
    [
        (365, 1, True),  # a zone's retention drops to one day
        (None, 30, True),  # objects kept forever now expire
        (30, 365, False),
        (30, None, False),
    ],
)
def test_shorter_bucket_expiry_is_at_risk(old: int | None, new: int | None, at_risk: bool) -> None:
    assert codes(bucket(expire_after_days=old), bucket(expire_after_days=new)) == (["DATA-EXPIRY"] if at_risk else [])


def test_shorter_noncurrent_version_expiry_is_at_risk() -> None:
    assert codes(bucket(noncurrent_expire_days=30), bucket(noncurrent_expire_days=7)) == ["DATA-EXPIRY"]


def test_switching_versioning_off_is_at_risk() -> None:
    assert codes(bucket(versioning=True), bucket(versioning=False)) == ["DATA-VERSIONING"]


@pytest.mark.parametrize(
    ("old", "new", "at_risk"),
    [("30d", "7d", True), ("4w", "14d", True), ("1m", "30d", False), ("7d", "30d", False), ("30d", None, True)],
)
def test_fewer_backup_days_are_at_risk(old: str, new: str | None, at_risk: bool) -> None:
    assert codes(cluster(retention=old), cluster(retention=new)) == (["DATA-BACKUP-RETENTION"] if at_risk else [])


@pytest.mark.parametrize(
    ("old", "new", "at_risk"),
    [
        ("ghcr.io/cloudnative-pg/postgresql:16", "ghcr.io/cloudnative-pg/postgresql:15", True),
        ("registry.local:5000/pg/postgresql:16.4-bookworm", "registry.local:5000/pg/postgresql:14.9", True),
        ("ghcr.io/cloudnative-pg/postgresql:16.2", "ghcr.io/cloudnative-pg/postgresql:16.1", False),
        ("ghcr.io/cloudnative-pg/postgresql:15", "ghcr.io/cloudnative-pg/postgresql:16", False),
    ],
)
def test_a_postgres_major_downgrade_is_at_risk(old: str, new: str, at_risk: bool) -> None:
    assert codes(cluster(image=old), cluster(image=new)) == (["DATA-PG-DOWNGRADE"] if at_risk else [])


def test_fewer_backup_days_in_the_barman_cloud_object_store_are_at_risk() -> None:
    def store(retention: str) -> dict[str, Any]:
        return _resource(OBJECT_STORE, "nso-database-object-store", {"spec": {"retentionPolicy": retention}})

    assert codes(store("30d"), store("7d")) == ["DATA-BACKUP-RETENTION"]
    assert codes(store("30d"), store("60d")) == []
    assert codes(store("30d"), None) == ["DATA-BACKUP-RETENTION"]  # the backup store itself goes


def test_a_cluster_that_stops_archiving_wal_is_at_risk() -> None:
    archiving = cluster(retention=None)
    archiving["inputs"]["spec"]["plugins"] = [{"name": "barman-cloud.cloudnative-pg.io", "isWALArchiver": True}]
    assert codes(archiving, cluster(retention=None)) == ["DATA-BACKUP-RETENTION"]
    assert codes(archiving, archiving) == []


def test_shrinking_database_storage_is_at_risk() -> None:
    assert codes(cluster(size="200Gi"), cluster(size="100Gi")) == ["DATA-STORAGE-SHRINK"]
    assert codes(cluster(size="200Gi"), cluster(size="1Ti")) == []


def test_shrinking_a_volume_claim_is_at_risk() -> None:
    def claim(size: str) -> dict[str, Any]:
        return _resource(PVC, "v", {"spec": {"resources": {"requests": {"storage": size}}}})

    assert codes(claim("10Gi"), claim("5Gi")) == ["DATA-STORAGE-SHRINK"]


@pytest.mark.parametrize(
    ("classification", "old", "new", "at_risk"),
    [("confidential", 3, 1, True), ("confidential", 3, 2, False), ("secret", 4, 2, True), ("public", 2, 1, False)],
)
def test_fewer_instances_below_the_classification_minimum_are_at_risk(
    classification: str, old: int, new: int, at_risk: bool
) -> None:
    before = cluster(instances=old, classification=classification)
    after = cluster(instances=new, classification=classification)
    assert codes(before, after) == (["DATA-INSTANCES"] if at_risk else [])


def test_an_identity_that_may_delete_versions_is_at_risk() -> None:
    safe = {"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]}]}
    for granted in ("s3:DeleteObjectVersion", "s3:*", "s3:Delete*", "*", "s3:PutLifecycleConfiguration"):
        dangerous = copy.deepcopy(safe)
        dangerous["Statement"].append({"Effect": "Allow", "Action": granted, "Resource": "*"})
        identity = _resource(IDENTITY, "govcloud-national-prod-nso", {})
        assert codes(identity, identity, old_policy=safe, new_policy=dangerous) == ["DATA-VERSION-DELETE"], granted
    denied = {"Statement": [*safe["Statement"], {"Effect": "Deny", "Action": "s3:*"}]}
    assert version_destroying_actions(denied) == []


def test_every_risk_code_has_a_case_here() -> None:
    tested = {
        "DATA-REMOVE", "DATA-REPLACE", "DATA-UNPROTECT", "DATA-EXPIRY", "DATA-VERSIONING", "DATA-BACKUP-RETENTION",
        "DATA-PG-DOWNGRADE", "DATA-STORAGE-SHRINK", "DATA-INSTANCES", "DATA-VERSION-DELETE", "PROTECTED-REMOVE",
    }  # fmt: skip
    assert set(RISK_CODES) == tested


def test_the_minimum_instances_match_the_contract_rule() -> None:
    """The classifier's minimum and the contract's tenant rule must never disagree."""
    from govcloud.contract.rules import tenant_rules
    from govcloud.contract.tenant import TenantRequest
    from tests.unit.contract_helpers import tenant as make_tenant

    for classification in Classification:
        minimum = MIN_INSTANCES[classification.value]
        for count in (minimum - 1, minimum):
            if count < 1:
                continue
            document = make_tenant(
                classification=classification.value, database={"version": 16, "instances": count, "storage": "50Gi"}
            )
            request = TenantRequest.model_validate(document)
            messages = [message for _, message in tenant_rules(request, None) if "database instances" in message]
            assert bool(messages) == (count < minimum), (classification, count, messages)


def test_value_parsers() -> None:
    assert retention_days("30d") == 30 and retention_days("2w") == 14 and retention_days("6m") == 180
    assert retention_days("0d") is None and retention_days(None) is None
    assert postgres_major("postgresql:17.2@sha256:abc") == 17 and postgres_major("postgresql") is None


# ----------------------------------------------------------------------------- companions and renderings


def _plan(tenants: list[str], resources: list[dict[str, Any]], sharing: list[dict[str, str]] | None = None) -> dict:
    return {"stack": "national-prod", "tenants": tenants, "resources": resources, "sharing": sharing or []}


def _portal(grants: list[str]) -> dict[str, Any]:
    inputs = {
        "user_name": "govcloud-national-prod-opendata-portal",
        "region": "th-bkk-1",
        "bucket_names": [],
        "read_grants": [{"bucket": b, "prefix": ""} for b in grants],
    }
    return _resource(IDENTITY, "govcloud-national-prod-opendata-portal", inputs)


def test_onboarding_an_open_data_tenant_names_the_portal_grant_as_its_companion() -> None:
    before = _plan(["dga"], [_portal(["national-dga-published"])])
    after = _plan(
        ["dga", "tmd"],
        [_portal(["national-dga-published", "national-tmd-published"]), bucket(name="national-tmd-published")],
    )
    result = diff_plans(
        before,
        after,
        old_policies=identity_policies(before["resources"]),
        new_policies=identity_policies(after["resources"]),
    )
    (portal,) = [c for c in result.changes if c.action is Action.CHANGE]
    assert portal.companion == "onboarding tmd"
    assert portal.risks == ()
    markdown = as_markdown(result, "review")
    assert "expected with onboarding tmd" in markdown
    assert '+{"bucket": "national-tmd-published", "prefix": ""}' in markdown


def test_a_change_that_names_another_tenant_is_not_a_companion() -> None:
    subjects = review_subjects(_plan(["dga"], []), _plan(["dga", "tmd"], []))
    from govcloud.synth.diff import ValueChange

    grant = ValueChange("inputs.read_grants", [], [{"bucket": "national-moph-curated", "prefix": ""}])
    assert companion_of([grant], subjects) is None
    changed = ValueChange("inputs.version", "1.42.2", "1.43.0")
    assert companion_of([changed], subjects) is None


def test_an_agreement_starting_names_the_consumer_grant_as_its_companion() -> None:
    consumer = _resource(
        IDENTITY, "govcloud-national-prod-nso", {"bucket_names": ["national-nso-raw"], "read_grants": []}
    )
    granted = copy.deepcopy(consumer)
    granted["inputs"]["read_grants"] = [{"bucket": "national-moph-curated", "prefix": "health-statistics/"}]
    before = _plan(["moph", "nso"], [consumer], [{"name": "moph-to-nso-health-stats", "status": "pending"}])
    after = _plan(["moph", "nso"], [granted], [{"name": "moph-to-nso-health-stats", "status": "active"}])
    subjects = review_subjects(before, after, {"moph-to-nso-health-stats": ["moph"]})
    (change,) = diff_plans(before, after, subjects=subjects).changes
    assert change.companion == "agreement moph-to-nso-health-stats starting"


def test_json_review_lists_values_risks_and_codes() -> None:
    result = diff_plans(_plan(["nso"], [cluster()]), _plan(["nso"], [cluster(retention="7d")]))
    document = json.loads(json.dumps(as_json(result, {"stack": "national-prod"})))
    (change,) = document["changes"]
    assert change["values"] == [{"path": "inputs.spec.backup.retentionPolicy", "old": "30d", "new": "7d"}]
    assert change["risks"][0]["code"] == "DATA-BACKUP-RETENTION"
    assert document["dataAtRisk"] == [change["urn"]] and document["riskCodes"] == dict(RISK_CODES)
    markdown = as_markdown(result, "national-prod")
    assert "DATA AT RISK" in markdown and "| DATA-BACKUP-RETENTION |" in markdown and "30d → 7d" in markdown


def test_rendered_text_that_gains_only_the_subject_is_a_companion() -> None:
    from govcloud.synth.diff import ValueChange

    subjects = {"agreement doae-to-nso-farmer-registry starting": ["doae_to_nso_farmer_registry", "doae"]}
    old = '{\n  "catalog": "^(raw|curated|shared_moph_to_nso)$",\n  "allow": true\n}'
    new = '{\n  "catalog": "^(raw|curated|shared_doae_to_nso_farmer_registry|shared_moph_to_nso)$",\n  "allow": true\n}'
    rules = ValueChange("inputs.values.accessControl.rules.rules.json", old, new)
    assert companion_of([rules], subjects) == "agreement doae-to-nso-farmer-registry starting"
    widened = ValueChange(
        "inputs.values.accessControl.rules.rules.json", old, new.replace('"allow": true', '"allow": "all"')
    )
    assert companion_of([widened], subjects) is None


def test_the_retention_parser_accepts_exactly_the_upstream_pattern() -> None:
    import re

    from tests.upstream_facts import BARMAN_OBJECT_STORE_RETENTION_PATTERN, CNPG_RETENTION_POLICY_PATTERN

    assert CNPG_RETENTION_POLICY_PATTERN.value == BARMAN_OBJECT_STORE_RETENTION_PATTERN.value
    for sample in ("30d", "4w", "6m", "0d", "30", "1y", "d", "007d", "12m"):
        valid = re.fullmatch(CNPG_RETENTION_POLICY_PATTERN.value.strip("^$"), sample) is not None
        assert (retention_days(sample) is not None) == valid, sample
