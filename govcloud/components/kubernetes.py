"""Declare a plain Kubernetes manifest as the matching typed pulumi-kubernetes resource.

Manifests are built as plain dicts by ``govcloud.manifests`` (pure, testable, reused by the audit);
this module is the one bridge from such a dict to a Pulumi resource, so the plan shows exactly the
object the builders produced.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

_GROUP_MODULES = {
    "": "core",
    "networking.k8s.io": "networking",
    "rbac.authorization.k8s.io": "rbac",
    "policy": "policy",
    "apps": "apps",
    "batch": "batch",
    "storage.k8s.io": "storage",
    "admissionregistration.k8s.io": "admissionregistration",
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def declare(
    name: str, manifest: Mapping[str, Any], opts: pulumi.ResourceOptions | None = None, *, patch: bool = False
) -> pulumi.CustomResource:
    """Register ``manifest`` under the logical ``name``; custom resources go through CustomResource.

    ``patch`` declares a server-side-apply patch (``<Kind>Patch``) of an object that already exists,
    such as a namespace's ``default`` ServiceAccount, instead of creating it.
    """
    api_version = str(manifest["apiVersion"])
    kind = str(manifest["kind"])
    group, _, version = api_version.rpartition("/")
    fields = {k: v for k, v in manifest.items() if k not in ("apiVersion", "kind")}
    module_name = _GROUP_MODULES.get(group)
    if module_name is None:
        return k8s.apiextensions.CustomResource(
            name,
            api_version=api_version,
            kind=kind,
            metadata=fields.pop("metadata", None),
            spec=fields.pop("spec", None),
            opts=opts,
            **fields,
        )
    resource_class = getattr(getattr(getattr(k8s, module_name), version), kind + ("Patch" if patch else ""))
    kwargs = {_snake(key): value for key, value in fields.items()}
    resource: pulumi.CustomResource = resource_class(name, opts=opts, **kwargs)
    return resource
