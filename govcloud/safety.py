"""The data-safety rule in one place: which resources hold data, and the options they always get."""

from __future__ import annotations

import pulumi

from govcloud.storage.specs import BUCKET_TYPE

#: Resource types whose deletion or replacement loses an agency's data.
DATA_BEARING_TYPES: frozenset[str] = frozenset(
    {
        "kubernetes:core/v1:Namespace",  # deleting a namespace deletes every volume claim in it
        "kubernetes:core/v1:PersistentVolumeClaim",
        "kubernetes:postgresql.cnpg.io/v1:Cluster",
        BUCKET_TYPE,
    }
)


def is_data_bearing(resource_type: str) -> bool:
    return resource_type in DATA_BEARING_TYPES


def data_options(opts: pulumi.ResourceOptions | None = None) -> pulumi.ResourceOptions:
    """Protected (``pulumi up`` stops before deleting it) and retained (a forced delete leaves the data)."""
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=True, retain_on_delete=True))
