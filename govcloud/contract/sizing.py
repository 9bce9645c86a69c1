"""How big the analytics services are, and whether a tenant's request lets them fit its quota.

These are contract rules (the stack loader reports a violation at the line of ``maxUsers`` or ``workers``)
and builder inputs (``govcloud.manifests.analytics`` sizes the pods with them): one definition for both.
Sizes are fixed, not shares of the quota, so a tier change never resizes a running service.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from govcloud.contract.quantity import parse_quantity
from govcloud.contract.rules import Violation, effective_quota
from govcloud.contract.tenant import TenantRequest

_MIB = 2**20
_GIB = 2**30


@dataclass(frozen=True, order=True)
class Resources:
    """A container's CPU and memory, requested and limited alike."""

    cpu_millis: int
    memory_mib: int

    @property
    def cpu(self) -> str:
        return f"{self.cpu_millis}m"

    @property
    def memory(self) -> str:
        return f"{self.memory_mib}Mi"

    def requirements(self) -> dict[str, dict[str, str]]:
        """A Kubernetes ResourceRequirements with requests equal to limits."""
        both = {"cpu": self.cpu, "memory": self.memory}
        return {"requests": dict(both), "limits": dict(both)}


HUB = Resources(500, 1024)
PROXY = Resources(200, 256)
SUPERSET_WEB = Resources(1000, 2048)
SUPERSET_TASK = Resources(500, 1024)
SEAT = Resources(500, 2048)
"""One JupyterHub user's server. Sizes are fixed, not shares of the quota, so a tier change never
resizes a running service; validation checks that they fit the quota instead."""
TRINO_POD = Resources(2000, 8192)
HUB_DB_STORAGE_GIB = 1
SEAT_STORAGE_GIB = 10


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def quota_resources(request: TenantRequest) -> Resources:
    """The tenant's effective CPU and memory quota, in millicores and MiB (rounded down)."""
    quota = effective_quota(request)
    return Resources(_floor(quota.cpu * 1000), _floor(quota.memory / _MIB))


def analytics_violations(request: TenantRequest) -> list[Violation]:
    """Requests whose analytics can't fit the tenant's quota, as contract violations (loc, message).

    The builders refuse these too; the stack loader reports them first, pointing at the line.
    """
    analytics = request.spec.analytics
    quota = effective_quota(request)
    limit = quota_resources(request)
    out: list[Violation] = []
    if analytics.jupyterhub.enabled:
        loc = ("spec", "analytics", "jupyterhub", "maxUsers")
        users = analytics.jupyterhub.max_users
        cpu = HUB.cpu_millis + PROXY.cpu_millis + users * SEAT.cpu_millis
        memory = HUB.memory_mib + PROXY.memory_mib + users * SEAT.memory_mib
        if cpu > limit.cpu_millis or memory > limit.memory_mib:
            out.append(
                (
                    loc,
                    f"{users} users of {SEAT.cpu} CPU and {SEAT.memory} each, plus the hub, need "
                    f"{cpu}m CPU and {memory}Mi; the tenant quota is {quota.cpu} CPU and "
                    f"{limit.memory_mib}Mi: lower maxUsers or raise the quota",
                )
            )
        volumes = Decimal((HUB_DB_STORAGE_GIB + users * SEAT_STORAGE_GIB) * _GIB)
        database = request.spec.database
        if database is not None:
            volumes += database.instances * parse_quantity(database.storage)
        if volumes > quota.storage:
            out.append(
                (
                    loc,
                    f"{users} home volumes of {SEAT_STORAGE_GIB}Gi and the database volumes exceed the "
                    "tenant's storage quota",
                )
            )
        if users + 2 > quota.pods:
            out.append((loc, f"needs {users + 2} pods; the tenant quota allows {quota.pods}"))
    if analytics.trino.enabled:
        pods = analytics.trino.workers + 1
        if pods * TRINO_POD.cpu_millis > limit.cpu_millis or pods * TRINO_POD.memory_mib > limit.memory_mib:
            out.append(
                (
                    ("spec", "analytics", "trino", "workers"),
                    f"{analytics.trino.workers} workers and a coordinator of {TRINO_POD.cpu} CPU and "
                    f"{TRINO_POD.memory} each do not fit the tenant quota",
                )
            )
    return out
