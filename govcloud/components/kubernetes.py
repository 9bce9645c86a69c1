"""Declare a plain Kubernetes manifest as a pulumi-kubernetes resource.

Manifests are built as plain dicts by ``govcloud.manifests`` (pure, testable, reused by the audit);
this module is the one bridge from such a dict to a Pulumi resource, so the plan shows exactly the
object the builders produced.

The resource is registered with the kubernetes provider's own type token (``kubernetes:<group>/<version>:
<Kind>``) and the package's default options (provider plugin version), exactly as pulumi-kubernetes'
typed classes register it, but without their per-field input translation: the manifest already has the
API's field names, and skipping the translation halves the per-object cost (measured: 2.4 ms typed,
1.3 ms here, under the SDK's mock monitor).

Every object carries ``pulumi.com/patchForce: "true"``: govcloud owns the fields it declares. The provider applies
with server-side apply under a field manager of its own; a field another manager changed since (``kubectl edit``
of a quota, another controller's apply) is a conflict, and without the annotation ``pulumi up`` stops on it
instead of restoring the declared value. With it the provider sends the apply with ``force: true``
(pulumi/pulumi-kubernetes ``provider/pkg/metadata/annotations.go``, ``AnnotationPatchForce``; used by
``patchForce`` in ``provider/pkg/await/await.go`` for both create and ``ssaUpdate``; v4.25.0 and v4.32.0, the
line of the provider built for the engine tests, 4.25.0-alpha.1768448096). Only the fields govcloud declares are
taken over; fields it does not declare stay with whoever set them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi_kubernetes import _utilities

PATCH_FORCE = "pulumi.com/patchForce"
"""pulumi-kubernetes' annotation that makes its server-side apply take over conflicting fields (see above)."""

#: Fields the provider treats as secret outputs, as pulumi-kubernetes' typed classes declare them.
_SECRET_OUTPUTS = {"Secret": ["data", "stringData"]}


def type_token(api_version: str, kind: str, *, patch: bool = False) -> str:
    """``v1``/``Namespace`` is ``kubernetes:core/v1:Namespace``; ``<Kind>Patch`` for server-side-apply patches."""
    group, _, version = api_version.rpartition("/")
    return f"kubernetes:{group or 'core'}/{version}:{kind}{'Patch' if patch else ''}"


def with_patch_force(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """``manifest`` with :data:`PATCH_FORCE` among its annotations (the builders' other annotations kept)."""
    metadata = manifest.get("metadata")
    metadata = dict(metadata) if isinstance(metadata, Mapping) else {}
    annotations = metadata.get("annotations")
    metadata["annotations"] = {**(annotations if isinstance(annotations, Mapping) else {}), PATCH_FORCE: "true"}
    return {**manifest, "metadata": metadata}


def declare(
    name: str, manifest: Mapping[str, Any], opts: pulumi.ResourceOptions | None = None, *, patch: bool = False
) -> pulumi.CustomResource:
    """Register ``manifest`` under the logical ``name``, with :data:`PATCH_FORCE` added.

    ``patch`` declares a server-side-apply patch (``<Kind>Patch``) of an object that already exists,
    such as a namespace's ``default`` ServiceAccount, instead of creating it.
    """
    kind = str(manifest["kind"])
    defaults = pulumi.ResourceOptions.merge(
        _utilities.get_resource_opts_defaults(),
        pulumi.ResourceOptions(additional_secret_outputs=_SECRET_OUTPUTS.get(kind, [])),
    )
    return pulumi.CustomResource(
        type_token(str(manifest["apiVersion"]), kind, patch=patch),
        name,
        with_patch_force(manifest),
        pulumi.ResourceOptions.merge(defaults, opts),
    )
