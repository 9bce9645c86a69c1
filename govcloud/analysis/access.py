"""The effective object-storage access matrix of a plan: which identity may read or write which prefix.

Computed from what the plan would provision (identity policies' inputs, published buckets' portal
grant), not from the requests, so it shows what is granted rather than what was meant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

BUCKET = "pulumi-python:dynamic/govcloud:Bucket"
IDENTITY = "pulumi-python:dynamic/govcloud:StorageIdentity"


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
