"""The baseline policies of the platform, each mapped to the controls it serves."""

from __future__ import annotations

from collections.abc import Iterable

from govcloud.naming import MANAGED_BY, label
from govcloud.policy.framework import Enforcement, Policy, ResourceView
from govcloud.safety import is_data_bearing

REQUIRED_NAMESPACE_LABELS = (
    label("tenant"),
    label("agency"),
    label("classification"),
    label("cost-center"),
    MANAGED_BY[0],
)


def _data_protected(resource: ResourceView) -> Iterable[str]:
    if not is_data_bearing(resource.type):
        return
    if not resource.protect:
        yield "data-bearing resource is not protected"
    if resource.retain_on_delete is False:
        yield "data-bearing resource is not retained on delete"


def _tenant_namespace(resource: ResourceView) -> bool:
    return resource.kind == "Namespace" and label("tenant") in (resource.metadata.get("labels") or {})


def _required_labels(resource: ResourceView) -> Iterable[str]:
    if resource.kind != "Namespace" or resource.metadata.get("labels", {}).get(MANAGED_BY[0]) != MANAGED_BY[1]:
        return
    labels = resource.metadata.get("labels") or {}
    missing = [key for key in REQUIRED_NAMESPACE_LABELS if not labels.get(key)]
    if missing:
        yield f"namespace lacks the labels {', '.join(missing)}"


DATA_PROTECTED = Policy(
    id="GC-DATA-001",
    name="data-resources-protected",
    description="Databases, buckets, volumes and tenant namespaces are protected and retained on delete.",
    rationale="A lost database or bucket is the one failure the platform cannot survive; removing a tenant file "
    "must never delete its data.",
    controls=("ISO 27001 A.8.13", "Thai Cybersecurity Act baseline: backup and recovery", "PDPA s.37(1)"),
    enforcement=Enforcement.MANDATORY,
    resource_check=_data_protected,
)

REQUIRED_LABELS = Policy(
    id="GC-GOV-001",
    name="tenant-labels-required",
    description="Every govcloud namespace carries tenant, agency, classification, cost-centre and managed-by labels.",
    rationale="Auditors, cost reports and cluster policies select tenants by these labels.",
    controls=("ISO 27001 A.5.9", "ISO 27001 A.5.12"),
    enforcement=Enforcement.MANDATORY,
    resource_check=_required_labels,
)

BASELINE: tuple[Policy, ...] = (DATA_PROTECTED, REQUIRED_LABELS)
