"""Issue 17: every derived name, label and tag pinned to a literal, per tenant shape and environment.

Names are the data-safety contract (a renamed bucket is a new, empty bucket), so the expectations here are
written out by hand, never computed by ``govcloud.naming``: a mutant that changes a separator, a suffix, a
kind or an owner in any derived name fails one of these tests.
"""

from __future__ import annotations

from typing import Any

import pytest

from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest
from govcloud.naming import (
    DerivedName,
    agreement_derived_names,
    bucket_name,
    database_cluster_name,
    duplicated_names,
    namespace_name,
    owner_tags,
    platform_derived_names,
    shared_catalog_name,
    site_slug,
    state_bucket_name,
    storage_identity_name,
    tenant_annotations,
    tenant_derived_names,
    tenant_labels,
)
from tests.unit.contract_helpers import SITE, tenant

STAGING_TH76 = SITE.model_copy(update={"site": "TH-76", "environment": "staging"})


def _request(**spec: Any) -> TenantRequest:
    return TenantRequest.model_validate(tenant(**spec))


def test_names_of_a_full_tenant_in_production() -> None:
    """Storage, database, CKAN organization and a hostname: every name, space, owner and kind."""
    request = _request(
        classification="internal",
        personalData="none",
        dpo=None,
        openData={"enabled": True, "ckanOrganization": "nso-org"},
    )
    assert tenant_derived_names(SITE, request) == [
        DerivedName("namespace", "nso", "nso", "namespace"),
        DerivedName("bucket", "national-nso-raw", "nso", "raw bucket"),
        DerivedName("bucket", "national-nso-curated", "nso", "curated bucket"),
        DerivedName("iam-user", "govcloud-national-prod-nso", "nso", "workload identity"),
        DerivedName("secret/nso", "storage-credentials", "nso", "storage Secret"),
        DerivedName("bucket", "national-nso-backup", "nso", "backup bucket"),
        DerivedName("iam-user", "govcloud-national-prod-nso-backup", "nso", "backup identity"),
        DerivedName("secret/nso", "nso-pg-backup-credentials", "nso", "backup Secret"),
        DerivedName("ckan-organization", "nso-org", "nso", "CKAN organization"),
        DerivedName("hostname", "nso.data.go.th", "nso", "hostname"),
    ]


def test_names_of_a_database_only_tenant_in_staging() -> None:
    """No storage zones: no zone bucket, but the backup bucket and identity (with the environment in both)."""
    request = _request(storage=None, network=None)
    assert tenant_derived_names(STAGING_TH76, request) == [
        DerivedName("namespace", "nso", "nso", "namespace"),
        DerivedName("iam-user", "govcloud-th76-staging-nso", "nso", "workload identity"),
        DerivedName("secret/nso", "storage-credentials", "nso", "storage Secret"),
        DerivedName("bucket", "th76-staging-nso-backup", "nso", "backup bucket"),
        DerivedName("iam-user", "govcloud-th76-staging-nso-backup", "nso", "backup identity"),
        DerivedName("secret/nso", "nso-pg-backup-credentials", "nso", "backup Secret"),
    ]


def test_names_of_a_storage_only_tenant_have_no_backup() -> None:
    """Storage but no database: zone buckets, no backup bucket, identity or Secret."""
    request = _request(database=None, network=None)
    assert tenant_derived_names(SITE, request) == [
        DerivedName("namespace", "nso", "nso", "namespace"),
        DerivedName("bucket", "national-nso-raw", "nso", "raw bucket"),
        DerivedName("bucket", "national-nso-curated", "nso", "curated bucket"),
        DerivedName("iam-user", "govcloud-national-prod-nso", "nso", "workload identity"),
        DerivedName("secret/nso", "storage-credentials", "nso", "storage Secret"),
    ]


def test_platform_names_in_production_and_staging() -> None:
    assert platform_derived_names(SITE, ("kube-system",)) == [
        DerivedName("iam-user", "govcloud-national-prod-opendata-portal", None, "portal identity"),
        DerivedName("iam-user", "govcloud-national-prod-opendata-portal-backup", None, "portal backup identity"),
        DerivedName("bucket", "national-govcloud-ckan-backup", None, "portal backup bucket"),
        DerivedName("hostname", "data.go.th", None, "portal hostname"),
        DerivedName("namespace", "kube-system", None, "platform namespace"),
    ]
    assert [n.name for n in platform_derived_names(STAGING_TH76)] == [
        "govcloud-th76-staging-opendata-portal",
        "govcloud-th76-staging-opendata-portal-backup",
        "th76-staging-govcloud-ckan-backup",
        "data.go.th",
    ]


def test_agreement_names_a_catalog_of_the_consumer() -> None:
    assert agreement_derived_names("nso", "moph-to-nso") == [
        DerivedName("trino-catalog/nso", "shared_moph_to_nso", "moph-to-nso", "Trino catalog")
    ]


def test_labels_annotations_and_owner_tags() -> None:
    request = _request()
    assert tenant_labels(request) == {
        "govcloud.go.th/tenant": "nso",
        "govcloud.go.th/agency": "NSO",
        "govcloud.go.th/classification": "confidential",
        "govcloud.go.th/cost-center": "MDES-NSO-2569-001",
        "app.kubernetes.io/managed-by": "govcloud",
    }
    assert tenant_annotations(request) == {
        "govcloud.go.th/agency-name-th": "สำนักงานสถิติแห่งชาติ",
        "govcloud.go.th/agency-name-en": "National Statistical Office",
        "govcloud.go.th/ministry": "MDES",
    }
    assert owner_tags(STAGING_TH76, "nso") == {
        "govcloud.go.th/site": "th76",
        "govcloud.go.th/environment": "staging",
        "govcloud.go.th/tenant": "nso",
    }
    assert owner_tags(SITE, None)["govcloud.go.th/tenant"] == "govcloud-platform"


def test_single_names() -> None:
    request = _request()
    assert site_slug("TH-76") == "th76"
    assert namespace_name(request) == "nso"
    assert database_cluster_name(request) == "nso-pg"
    assert state_bucket_name(SITE) == "govcloud-state-national-prod"
    assert state_bucket_name(STAGING_TH76) == "govcloud-state-th76-staging"
    assert storage_identity_name(SITE, "nso") == "govcloud-national-prod-nso"


@pytest.mark.parametrize(
    ("site", "tenant_name", "zone", "reason"),
    [
        (SITE, "a--b", "raw", "a double hyphen is refused even though the pattern admits it"),
        (SITE, "x" * 60, "raw", "64 characters: one more than S3 allows"),
        (SITE, "nso", "raw-", "a trailing hyphen"),
    ],
)
def test_bucket_name_guards(site: SiteConfig, tenant_name: str, zone: str, reason: str) -> None:
    with pytest.raises(ValueError, match="breaks S3 naming rules"):
        bucket_name(site, tenant_name, zone)


def test_bucket_name_limits_are_exact() -> None:
    """63 characters pass and 3 pass (the S3 bounds), so a tightened pattern is caught too."""
    assert len(bucket_name(SITE, "x" * 50, "ab")) == 62  # national- + 50 + -ab
    assert len(bucket_name(SITE, "x" * 51, "ab")) == 63
    assert bucket_name(SITE.model_copy(update={"site": "a"}), "b", "c") == "a-b-c"


def test_iam_user_limit_is_64() -> None:
    assert len(storage_identity_name(SITE, "x" * 41)) == 64
    with pytest.raises(ValueError, match="IAM naming rules"):
        storage_identity_name(SITE, "x" * 42)


def test_catalog_name_limit_is_63() -> None:
    assert len(shared_catalog_name("a" * 56)) == 63
    with pytest.raises(ValueError, match="longer than 63 characters"):
        shared_catalog_name("a" * 57)


def test_duplicates_report_first_and_later_in_order() -> None:
    first = DerivedName("bucket", "n", "a", "raw bucket")
    later = DerivedName("bucket", "n", "b", "raw bucket")
    other_space = DerivedName("iam-user", "n", "c", "workload identity")
    assert duplicated_names([first, other_space, later]) == [(first, later)]
    assert duplicated_names([first, other_space]) == []
