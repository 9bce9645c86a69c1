"""Issue 17: each clause of ``govcloud.contract.sizing.analytics_violations``, on both sides of its bound.

JupyterHub needs the hub (500m, 1024Mi), its proxy (200m, 256Mi) and one seat per user (500m, 2048Mi, a 10Gi
home volume) plus a 1Gi hub database volume and two pods beyond the users'; Trino needs one pod of 2000m and
8192Mi per worker plus a coordinator. Each case sets the tenant's quota to exactly what the services need
(fits) and one unit less (refused), with the exact message an agency reads, computed by hand here.
"""

from __future__ import annotations

from typing import Any

import pytest

from govcloud.contract.sizing import Resources as Sizes
from govcloud.contract.sizing import analytics_violations, quota_resources
from govcloud.contract.tenant import TenantRequest
from tests.unit.contract_helpers import tenant

HUB_LOC = ("spec", "analytics", "jupyterhub", "maxUsers")
TRINO_LOC = ("spec", "analytics", "trino", "workers")
# Two users: 700m + 2 x 500m = 1700m CPU, 1280Mi + 2 x 2048Mi = 5376Mi, 1Gi + 2 x 10Gi = 21Gi of volumes, 4 pods.
ROOMY = {"cpu": "8", "memory": "32Gi", "storage": "500Gi", "pods": 100}


def _request(quota: dict[str, Any], database: bool = False, **analytics: Any) -> TenantRequest:
    document = tenant(tier="small", quota=quota, analytics=analytics, database=None)
    if database:
        document["spec"]["database"] = {"version": 16, "instances": 2, "storage": "100Gi"}
    return TenantRequest.model_validate(document)


def _hub(users: int = 2, database: bool = False, **quota: Any) -> list[tuple[tuple[str, ...], str]]:
    request = _request({**ROOMY, **quota}, database, jupyterhub={"enabled": True, "maxUsers": users})
    return [(tuple(loc), message) for loc, message in analytics_violations(request)]


def _cpu_or_memory(users: int, cpu: str, memory: str, quota_cpu: str, quota_mib: int) -> tuple[tuple[str, ...], str]:
    return (
        HUB_LOC,
        f"{users} users of 500m CPU and 2048Mi each, plus the hub, need {cpu} CPU and {memory}; the tenant quota "
        f"is {quota_cpu} CPU and {quota_mib}Mi: lower maxUsers or raise the quota",
    )


def test_nothing_enabled_needs_nothing() -> None:
    assert analytics_violations(_request({"cpu": "1m", "memory": "1Mi", "pods": 1})) == []


def test_jupyterhub_cpu_at_and_over_the_quota() -> None:
    assert _hub(cpu="1700m") == []
    assert _hub(cpu="1699m") == [_cpu_or_memory(2, "1700m", "5376Mi", "1.699", 32768)]


def test_jupyterhub_memory_at_and_over_the_quota() -> None:
    assert _hub(memory="5376Mi") == []
    assert _hub(memory="5375Mi") == [_cpu_or_memory(2, "1700m", "5376Mi", "8", 5375)]


def test_a_quota_with_a_fraction_of_a_millicore_or_mebibyte_is_rounded_down() -> None:
    """1700.9m is 1700 whole millicores, 5376Mi + 1023 bytes is 5376 whole MiB: both fit exactly."""
    assert quota_resources(_request({"cpu": "1.7009", "memory": str(5376 * 2**20 + 1023)})) == Sizes(1700, 5376)
    assert _hub(cpu="1.7009", memory=str(5376 * 2**20 + 1023)) == []
    assert quota_resources(_request({"cpu": "1.6999", "memory": str(5376 * 2**20 - 1)})) == Sizes(1699, 5375)


def test_jupyterhub_volumes_at_and_over_the_storage_quota() -> None:
    message = "2 home volumes of 10Gi and the database volumes exceed the tenant's storage quota"
    assert _hub(storage="21Gi") == []
    assert _hub(storage=str(21 * 2**30 - 1)) == [(HUB_LOC, message)]
    # A database adds instances x storage: 2 x 100Gi.
    assert _hub(database=True, storage="221Gi") == []
    assert _hub(database=True, storage=str(221 * 2**30 - 1)) == [(HUB_LOC, message)]


def test_jupyterhub_pods_at_and_over_the_quota() -> None:
    assert _hub(pods=4) == []
    assert _hub(pods=3) == [(HUB_LOC, "needs 4 pods; the tenant quota allows 3")]
    assert _hub(users=5, pods=6) == [(HUB_LOC, "needs 7 pods; the tenant quota allows 6")]


def test_every_jupyterhub_problem_at_once() -> None:
    assert _hub(cpu="1699m", storage="20Gi", pods=3) == [
        _cpu_or_memory(2, "1700m", "5376Mi", "1.699", 32768),
        (HUB_LOC, "2 home volumes of 10Gi and the database volumes exceed the tenant's storage quota"),
        (HUB_LOC, "needs 4 pods; the tenant quota allows 3"),
    ]


def test_a_disabled_jupyterhub_is_not_sized() -> None:
    request = _request({"cpu": "1m", "memory": "1Mi", "storage": "1Gi", "pods": 1}, jupyterhub={"maxUsers": 50})
    assert analytics_violations(request) == []


@pytest.mark.parametrize(
    ("workers", "quota", "fits"),
    [
        (1, {"cpu": "4", "memory": "16Gi"}, True),
        (1, {"cpu": "3999m", "memory": "16Gi"}, False),
        (1, {"cpu": "4", "memory": "16383Mi"}, False),
        (3, {"cpu": "8", "memory": "32Gi"}, True),
        (3, {"cpu": "7999m", "memory": "32Gi"}, False),
        (3, {"cpu": "8", "memory": "32767Mi"}, False),
    ],
)
def test_trino_workers_and_coordinator_at_and_over_the_quota(workers: int, quota: dict[str, str], fits: bool) -> None:
    request = _request({**ROOMY, **quota}, trino={"enabled": True, "workers": workers})
    expected = f"{workers} workers and a coordinator of 2000m CPU and 8192Mi each do not fit the tenant quota"
    assert analytics_violations(request) == ([] if fits else [(TRINO_LOC, expected)])


def test_a_disabled_trino_is_not_sized() -> None:
    assert analytics_violations(_request({"cpu": "1m", "memory": "1Mi"}, trino={"workers": 100})) == []


def test_both_services_report_in_order() -> None:
    request = _request(
        {**ROOMY, "cpu": "1m"},
        jupyterhub={"enabled": True, "maxUsers": 1},
        trino={"enabled": True, "workers": 1},
    )
    assert [loc for loc, _ in analytics_violations(request)] == [HUB_LOC, TRINO_LOC]
