"""Issue 10, class 2: derived names are injective, and the platform's live where no tenant can enter.

The property runs over tenant names built from the very words that collided (``backup``, ``dev``,
``opendata``, ``portal``, zone names...), keeps those the contract admits, and checks that no two
(site, environment, tenant, purpose) tuples, platform included, give one bucket or one IAM user name.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import tenant_name_problem
from govcloud.contract.vocabulary import ENVIRONMENTS, RESERVED_NAMES, Zone
from govcloud.manifests.platform import PLATFORM_NAMESPACES
from govcloud.naming import (
    BACKUP_ZONE,
    DerivedName,
    backup_identity_name,
    bucket_name,
    duplicated_names,
    platform_bucket_name,
    platform_derived_names,
    portal_backup_bucket_name,
    portal_backup_identity_name,
    portal_identity_name,
    shared_catalog_name,
    storage_identity_name,
)
from tests.unit.contract_helpers import SITE

WORDS = (
    "nso", "revenue", "dev", "staging", "prod", "backup", "raw", "curated", "published", "archive",
    "ckan", "portal", "opendata", "govcloud", "pg", "x", "a1", "kube", "system",
)  # fmt: skip
SITES = ("national", "TH-76", "TH-10")
PURPOSES = (*(z.value for z in Zone), BACKUP_ZONE)


def _site(site: str, environment: str) -> SiteConfig:
    return SITE.model_copy(update={"site": site, "environment": environment})


def _names(site: SiteConfig, tenant: str) -> list[DerivedName]:
    owner = f"{site.site}/{site.environment}/{tenant}"
    out = [DerivedName("bucket", bucket_name(site, tenant, p), owner, p) for p in PURPOSES]
    out.append(DerivedName("iam-user", storage_identity_name(site, tenant), owner, "workload"))
    out.append(DerivedName("iam-user", backup_identity_name(site, tenant), owner, "backup"))
    return out


def _platform(site: SiteConfig) -> list[DerivedName]:
    owner = f"{site.site}/{site.environment}/platform"
    return [
        DerivedName("iam-user", portal_identity_name(site), owner, "portal"),
        DerivedName("iam-user", portal_backup_identity_name(site), owner, "portal backup"),
        DerivedName("bucket", portal_backup_bucket_name(site), owner, "portal backup"),
        DerivedName("bucket", platform_bucket_name(site, "audit-log"), owner, "audit log"),
    ]


tenant_names = (
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3)
    .map("-".join)
    .filter(lambda name: tenant_name_problem(name) is None)
)


@settings(max_examples=300, deadline=None)
@given(st.sets(tenant_names, min_size=1, max_size=8))
def test_no_two_tuples_derive_one_name_on_a_shared_store(tenants: set[str]) -> None:
    """Every site and environment share one store here: the strictest case."""
    names: list[DerivedName] = []
    for site_code, environment in itertools.product(SITES, ENVIRONMENTS):
        site = _site(site_code, environment)
        names += _platform(site)
        for tenant in tenants:
            names += _names(site, tenant)
    assert duplicated_names(names) == []
    assert all(len(n.name) <= (63 if n.space == "bucket" else 64) for n in names)


def test_the_names_that_collided_are_refused_and_would_collide() -> None:
    """Without the name rules the property fails: these are the issue's collisions."""
    prod, dev = _site("national", "prod"), _site("national", "dev")
    assert storage_identity_name(prod, "revenue-backup") == backup_identity_name(prod, "revenue")
    assert storage_identity_name(prod, "opendata-portal") == portal_identity_name(prod)
    assert bucket_name(prod, "dev-nso", "raw") == bucket_name(dev, "nso", "raw")
    for name in ("revenue-backup", "opendata-portal", "opendata", "dev-nso", "staging-nso", "dev", "prod"):
        assert tenant_name_problem(name) is not None, name
    for name in ("nso", "revenue", "pbi-po", "tmd", "dga", "doae", "dopa", "moph"):
        assert tenant_name_problem(name) is None, name


def test_every_platform_namespace_and_platform_name_is_reserved() -> None:
    for namespace in PLATFORM_NAMESPACES:
        problem = tenant_name_problem(namespace.name)
        assert problem is not None and "reserved" in problem, namespace.name
    for item in platform_derived_names(SITE):
        assert item.owner is None
    assert {"rook-ceph", "velero", "vault", "keycloak", "argocd", "istio-system", "calico-system"} <= RESERVED_NAMES


def test_catalog_names_are_injective_and_fit() -> None:
    assert shared_catalog_name("moph-to-nso-health-stats") == "shared_moph_to_nso_health_stats"
    assert len(shared_catalog_name("a" * 56)) == 63


def test_duplicates_are_reported_with_both_owners() -> None:
    first = DerivedName("iam-user", "govcloud-national-prod-revenue-backup", "revenue", "backup identity")
    later = DerivedName("iam-user", "govcloud-national-prod-revenue-backup", "revenue-backup", "workload identity")
    assert duplicated_names([first, later]) == [(first, later)]
