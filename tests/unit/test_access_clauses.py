"""Issue 17: the grants active agreements imply (``govcloud.access``), written out per date and consumer.

The example national stack has three agreements, all to nso: tmd's (2023-2025), moph's (2026-2027) and
doae's (from 2026-03-01). Each grant is pinned field by field, bucket and catalog included, so a mutant that
grants a pending or expired agreement, swaps provider and consumer, or reads another zone fails here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from govcloud.access import SharingGrant, active_grants, grants_to
from govcloud.contract.stack import StackDefinition, load_stack
from govcloud.storage.buckets import ReadGrant

STACKS = Path(__file__).resolve().parents[2] / "stacks"

MOPH = SharingGrant(
    agreement="moph-to-nso-health-stats",
    provider="moph",
    consumer="nso",
    zone="curated",
    bucket="national-moph-curated",
    prefix="health-statistics/",
)
DOAE = SharingGrant(
    agreement="doae-to-nso-farmer-registry",
    provider="doae",
    consumer="nso",
    zone="curated",
    bucket="national-doae-curated",
    prefix="farmer-registry/aggregates/",
)
TMD = SharingGrant(
    agreement="tmd-to-nso-rainfall-2023",
    provider="tmd",
    consumer="nso",
    zone="curated",
    bucket="national-tmd-curated",
    prefix="rainfall/daily/",
)


def _stack(today: dt.date) -> StackDefinition:
    return load_stack(STACKS, "national-prod", today)


@pytest.mark.parametrize(
    ("today", "grants"),
    [
        (dt.date(2022, 12, 31), []),
        (dt.date(2023, 1, 1), [TMD]),
        (dt.date(2025, 12, 31), [TMD]),
        (dt.date(2026, 1, 1), [MOPH]),
        (dt.date(2026, 3, 1), [DOAE, MOPH]),
        (dt.date(2028, 1, 1), [DOAE]),
        (dt.date(2029, 3, 1), []),
    ],
)
def test_exactly_the_agreements_in_force_grant(today: dt.date, grants: list[SharingGrant]) -> None:
    assert active_grants(_stack(today)) == grants


def test_grants_go_to_their_consumer_only() -> None:
    definition = _stack(dt.date(2026, 11, 25))
    assert grants_to(definition, "nso") == [DOAE, MOPH]
    for provider in ("moph", "doae", "tmd"):
        assert grants_to(definition, provider) == []


def test_a_grant_is_one_read_statement_and_one_catalog() -> None:
    assert MOPH.read_grant == ReadGrant("national-moph-curated", "health-statistics/")
    assert MOPH.catalog == "shared_moph_to_nso_health_stats"
