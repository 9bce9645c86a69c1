"""The effective object-storage access matrix of a plan: which identity may read or write which prefix.

Computed from what the plan would provision (identity policies' inputs, published buckets' portal
grant), not from the requests, so it shows what is granted rather than what was meant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from govcloud.analysis.isolation import cross_tenant_paths
from govcloud.naming import TENANT_LABEL
from govcloud.storage.specs import BUCKET_TYPE as BUCKET
from govcloud.storage.specs import STORAGE_IDENTITY_TYPE as IDENTITY


@dataclass(frozen=True, order=True)
class Access:
    principal: str
    """An identity's user name, or the ARN a bucket policy names."""
    bucket: str
    prefix: str
    """``""`` for the whole bucket."""
    mode: str
    """``read-write`` or ``read``."""


def access_matrix(plan: Mapping[str, Any]) -> set[Access]:
    found: set[Access] = set()
    for resource in plan["resources"]:
        inputs = resource["inputs"]
        if resource["type"] == IDENTITY:
            user = str(inputs["user_name"])
            found |= {Access(user, str(bucket), "", "read-write") for bucket in inputs.get("bucket_names") or []}
            found |= {Access(user, str(g["bucket"]), str(g["prefix"]), "read") for g in inputs.get("read_grants") or []}
        elif resource["type"] == BUCKET and inputs.get("public_read_principal_arn"):
            found.add(Access(str(inputs["public_read_principal_arn"]), str(inputs["name"]), "", "read"))
    return found


@dataclass(frozen=True, order=True)
class NetworkPath:
    """A connection one tenant's pod may open to another tenant's pod: there should be none."""

    source: str
    destination: str
    port: int
    protocol: str
    why: str


def network_matrix(plan: Mapping[str, Any]) -> set[NetworkPath]:
    """Every tenant-to-tenant connection the plan's NetworkPolicies allow (issue 10: empty by design).

    Sharing is a storage grant, not a network path, so this is the network half of the access matrix: an
    auditor reads both, and a non-empty set is a finding.
    """
    resources = plan["resources"]
    namespaces = {
        str(r["inputs"]["metadata"]["name"]): dict(r["inputs"]["metadata"].get("labels") or {})
        for r in resources
        if r["inputs"].get("kind") == "Namespace"
    }
    tenants = [name for name, labels in namespaces.items() if TENANT_LABEL in labels]
    policies = [r["inputs"] for r in resources if r["inputs"].get("kind") == "NetworkPolicy"]
    return {
        NetworkPath(str(v.src.namespace), str(v.dst.namespace), v.port, v.protocol, str(v))  # type: ignore[union-attr]
        for v in cross_tenant_paths(policies, namespaces, tenants)
    }
