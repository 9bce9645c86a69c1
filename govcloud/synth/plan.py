"""The offline plan: ``plan.json`` (the shape other tools read) and one manifest file per Kubernetes object."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from govcloud.components.tenant import TYPE_TOKEN as TENANT_TYPE
from govcloud.policy.framework import Violation
from govcloud.synth.capture import Registration
from govcloud.synth.engine import SynthResult

SITE_FOLDER = "_site"
_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: 10x faster


def resource_json(registration: Registration) -> dict[str, Any]:
    aliases = {"aliases": registration.aliases} if registration.aliases else {}
    return {
        "urn": registration.urn,
        "type": registration.type,
        "name": registration.name,
        "parent": registration.parent,
        "custom": registration.custom,
        "protect": registration.protect,
        "retainOnDelete": registration.retain_on_delete,
        "dependsOn": registration.depends_on,
        "inputs": registration.inputs,
        **aliases,
    }


def plan_document(result: SynthResult, violations: Iterable[Violation] = ()) -> dict[str, Any]:
    """``plan.json`` exactly as the architecture note gives it; resources sorted by URN for stable diffs."""
    return {
        "stack": result.stack,
        "site": result.site,
        "tenants": list(result.tenants),
        "resources": [resource_json(r) for r in sorted(result.registrations, key=lambda r: r.urn)],
        "policyViolations": [v.as_json() for v in violations],
        "sharing": [{"name": name, "status": status} for name, status in result.sharing],
        "storageQuotas": dict(result.storage_quotas),
    }


def is_kubernetes_object(resource: Mapping[str, Any]) -> bool:
    inputs = resource.get("inputs", {})
    return str(resource.get("type", "")).startswith("kubernetes:") and "apiVersion" in inputs and "kind" in inputs


def kubernetes_objects(resources: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The Kubernetes objects of a plan, as they would be applied."""
    return [dict(r["inputs"]) for r in resources if is_kubernetes_object(r)]


def owning_tenant(resource: Mapping[str, Any], by_urn: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The tenant whose component (transitively) parents ``resource``; None for site-level objects."""
    parent = resource.get("parent")
    while parent:
        owner = by_urn.get(parent)
        if owner is None:
            return None
        if owner["type"] == TENANT_TYPE:
            return str(owner["name"])
        parent = owner.get("parent")
    return None


def tenant_of(
    resource: Mapping[str, Any], by_urn: Mapping[str, Mapping[str, Any]], tenants: Sequence[str]
) -> str | None:
    """The tenant a resource belongs to: its component's, else the tenant namespace it lives in."""
    owner = owning_tenant(resource, by_urn)
    if owner is not None:
        return owner
    namespace = resource.get("inputs", {}).get("metadata", {}).get("namespace")
    return namespace if namespace in tenants else None


def _file_name(obj: Mapping[str, Any], taken: set[str]) -> str:
    metadata = obj.get("metadata", {})
    stem = f"{str(obj['kind']).lower()}-{metadata.get('name', 'unnamed')}"
    stem = re.sub(r"[^a-z0-9._-]", "-", stem.lower())
    name, counter = f"{stem}.yaml", 2
    while name in taken:
        name, counter = f"{stem}-{counter}.yaml", counter + 1
    taken.add(name)
    return name


_FIRST_KEYS = ("apiVersion", "kind", "metadata")
_FIRST_METADATA_KEYS = ("name", "namespace")


def conventional_order(obj: Mapping[str, Any]) -> dict[str, Any]:
    """``obj`` with its keys in the order people write manifests: apiVersion, kind, metadata (name and namespace
    first), then the rest (spec, data...) as built. Only the order changes, never a value."""
    ordered = {key: obj[key] for key in _FIRST_KEYS if key in obj}
    metadata = ordered.get("metadata")
    if isinstance(metadata, Mapping):
        ordered["metadata"] = {
            **{key: metadata[key] for key in _FIRST_METADATA_KEYS if key in metadata},
            **{key: value for key, value in metadata.items() if key not in _FIRST_METADATA_KEYS},
        }
    ordered.update((key, value) for key, value in obj.items() if key not in _FIRST_KEYS)
    return ordered


def write_plan(document: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Write ``plan.json`` and ``manifests/<tenant>/<kind>-<name>.yaml``; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    manifests = out_dir / "manifests"
    if manifests.exists():
        for old in sorted(manifests.rglob("*.yaml")):
            old.unlink()
    written = [out_dir / "plan.json"]
    written[0].write_text(json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n", "utf-8")
    resources: Sequence[Mapping[str, Any]] = document["resources"]
    by_urn = {r["urn"]: r for r in resources}
    taken: dict[str, set[str]] = {}
    for resource in resources:
        if not is_kubernetes_object(resource):
            continue
        folder = tenant_of(resource, by_urn, document["tenants"]) or SITE_FOLDER
        path = manifests / folder / _file_name(resource["inputs"], taken.setdefault(folder, set()))
        path.parent.mkdir(parents=True, exist_ok=True)
        manifest = conventional_order(resource["inputs"])
        path.write_text(yaml.dump(manifest, Dumper=_DUMPER, allow_unicode=True, sort_keys=False), "utf-8")
        written.append(path)
    return written


def plan_digest(document: Mapping[str, Any]) -> str:
    """A fingerprint of what a plan declares (stack, resources, agreements), independent of formatting.

    The audit records the digest of the plan it compared the site with; the report refuses findings whose
    digest is not the one of its own plan, so findings about an older plan never describe a newer one.
    """
    import hashlib

    declared = {k: document.get(k) for k in ("stack", "resources", "sharing")}
    text = json.dumps(declared, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_plan(path: Path) -> dict[str, Any]:
    """Read a plan file (or a synth output folder holding ``plan.json``)."""
    if path.is_dir():
        path = path / "plan.json"
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data
