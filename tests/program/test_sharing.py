"""Data sharing: exactly the grants the active agreements allow, nothing more, and revoked on expiry."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from govcloud.access import active_grants
from govcloud.analysis.netpol import Cluster, Pod
from govcloud.contract.rules import AgreementStatus
from govcloud.contract.stack import StackDefinition, load_stack
from govcloud.manifests.common import STORAGE_CREDENTIALS_SECRET
from govcloud.naming import bucket_name, storage_identity_name
from govcloud.storage.tenant import backup_identity_name, portal_user_name, user_arn
from govcloud.synth.engine import synthesize
from govcloud.synth.plan import plan_document
from tests.access_matrix import Access, access_matrix
from tests.program.conftest import EXAMPLE_STACKS, REPO_ROOT, TODAY, resources_of, synthesized

AFTER_MOPH_EXPIRY = "2028-01-01"
RELEASE_TYPE = "kubernetes:helm.sh/v3:Release"


def expected_matrix(definition: StackDefinition) -> set[Access]:
    """Computed independently from the requests: own buckets, active agreements, the portal's published reads."""
    site = definition.site
    expected: set[Access] = set()
    for tenant in definition.tenants:
        zones = [z.value for z in tenant.spec.storage.zones] if tenant.spec.storage else []
        for zone in zones:
            expected.add(
                Access(storage_identity_name(site, tenant.name), bucket_name(site, tenant.name, zone), "", "read-write")
            )
            if zone == "published":
                expected.add(
                    Access(user_arn(site, portal_user_name(site)), bucket_name(site, tenant.name, zone), "", "read")
                )
        if tenant.spec.database:
            expected.add(
                Access(
                    backup_identity_name(site, tenant.name), bucket_name(site, tenant.name, "backup"), "", "read-write"
                )
            )
    published = [a.bucket for a in expected if a.bucket.endswith("-published")]
    portal = portal_user_name(site)
    expected |= {Access(portal, bucket, "", "read") for bucket in published}
    expected.add(Access(f"{portal}-backup", bucket_name(site, "govcloud", "ckan-backup"), "", "read-write"))
    for agreement in definition.agreements:
        if agreement.status is AgreementStatus.ACTIVE:
            spec = agreement.agreement.spec
            expected.add(
                Access(
                    storage_identity_name(site, spec.consumer.tenant),
                    bucket_name(site, spec.provider.tenant, spec.provider.zone.value),
                    spec.provider.prefix,
                    "read",
                )
            )
    return expected


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_access_matrix_is_exactly_what_agreements_and_ownership_allow(stack: str) -> None:
    plan = synthesized(stack)[1]
    assert access_matrix(plan) == expected_matrix(load_stack(REPO_ROOT / "stacks", stack, TODAY))


def test_after_an_agreement_expires_its_grant_is_gone() -> None:
    later = plan_document(synthesize(REPO_ROOT, "national-prod", AFTER_MOPH_EXPIRY))
    definition = load_stack(REPO_ROOT / "stacks", "national-prod", AFTER_MOPH_EXPIRY)
    assert {(s["name"], s["status"]) for s in later["sharing"]} == {
        ("doae-to-nso-farmer-registry", "active"),
        ("moph-to-nso-health-stats", "expired"),
        ("tmd-to-nso-rainfall-2023", "expired"),
    }
    matrix = access_matrix(later)
    assert matrix == expected_matrix(definition)
    assert not any(a.bucket == "national-moph-curated" and a.principal.endswith("-nso") for a in matrix)
    assert resources_of(later, "NetworkPolicy", "moph") == [
        p for p in resources_of(later, "NetworkPolicy", "moph") if "sharing" not in p["name"]
    ]
    trino = [
        r
        for r in later["resources"]
        if r["type"] == "kubernetes:helm.sh/v3:Release" and r["inputs"]["name"] == "nso-trino"
    ]
    catalogs = trino[0]["inputs"]["values"]["catalogs"]
    assert not any("moph" in name for name in catalogs), "the expired agreement's Trino catalog is gone"


def _cluster(plan: dict[str, Any]) -> Cluster:
    namespaces = {
        r["inputs"]["metadata"]["name"]: r["inputs"]["metadata"].get("labels", {})
        for r in resources_of(plan, "Namespace")
    }
    return Cluster(namespaces, [r["inputs"] for r in resources_of(plan, "NetworkPolicy")])


def _trino(tenant: str, component: str) -> Pod:
    return Pod(
        tenant,
        {
            "app.kubernetes.io/name": "trino",
            "app.kubernetes.io/instance": f"{tenant}-trino",
            "app.kubernetes.io/component": component,
        },
        name=f"{tenant}-trino-{component}",
    )


def test_an_active_agreement_opens_no_network_path_between_the_tenants() -> None:
    """The consumer reads with its own identity through its own Trino; the provider's Trino stays unreachable."""
    plan = synthesized("national-prod")[1]
    now = _cluster(plan)
    for src in (_trino("nso", "coordinator"), _trino("nso", "worker"), Pod("nso", {"app": "notebook"})):
        for port in (8080, 8443, 5432):
            assert not now.can_connect(src, _trino("moph", "coordinator"), port), now.explain(
                src, _trino("moph", "coordinator"), port
            )
    assert not now.can_connect(_trino("moph", "coordinator"), _trino("nso", "coordinator"), 8080)
    assert not [p for p in resources_of(plan, "NetworkPolicy") if "sharing" in p["name"]]
    trino = next(
        r
        for r in plan["resources"]
        if r["type"] == "kubernetes:helm.sh/v3:Release" and r["inputs"]["name"] == "nso-trino"
    )
    shared = trino["inputs"]["values"]["catalogs"]["shared_moph_to_nso_health_stats"]
    assert "hive.security=read-only" in shared and "s3://national-moph-curated/" in shared
    env = {e["name"]: e for e in trino["inputs"]["values"]["env"]}
    assert trino["inputs"]["namespace"] == "nso", "the consumer's own Trino, in its own namespace"
    assert env["AWS_ACCESS_KEY_ID"]["valueFrom"]["secretKeyRef"]["name"] == STORAGE_CREDENTIALS_SECRET
    definition = load_stack(REPO_ROOT / "stacks", "national-prod", TODAY)
    releases = {r["inputs"]["name"]: r["inputs"]["values"] for r in plan["resources"] if r["type"] == RELEASE_TYPE}
    for grant in active_grants(definition):
        consumer_trino = releases.get(f"{grant.consumer}-trino")
        if consumer_trino is not None:  # the share is a catalog of the consumer's own Trino, read-only
            assert "hive.security=read-only" in consumer_trino["catalogs"][grant.catalog]
            rules = json.loads(consumer_trino["accessControl"]["rules"]["rules.json"])
            assert not any(
                rule.get("allow") == "all" and re.fullmatch(rule.get("catalog", ".*"), grant.catalog)
                for rule in rules["catalogs"]
            ), "nobody may write a share"


def test_pending_and_expired_agreements_are_only_a_line_in_the_plan() -> None:
    plan = plan_document(synthesize(REPO_ROOT, "national-prod", "2022-06-01"))
    assert {s["status"] for s in plan["sharing"]} == {"pending"}
    assert [r for r in plan["resources"] if r["type"] == "govcloud:sharing:Sharing"] == []
    assert {a.mode for a in access_matrix(plan) if a.prefix} == set()
