"""Declare a pinned chart as a ``helm.v3.Release``: chart, version and values all visible in the plan."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from govcloud.charts import Chart, repository_for
from govcloud.contract.site import SiteConfig

RELEASE_TIMEOUT_SECONDS = 900


def helm_release(
    resource_name: str,
    release: str,
    namespace: pulumi.Input[str],
    chart: Chart,
    site: SiteConfig,
    values: Mapping[str, Any],
    opts: pulumi.ResourceOptions,
) -> k8s.helm.v3.Release:
    """Atomic install/upgrade of ``chart`` from its (possibly mirrored, possibly OCI) repository."""
    repository = repository_for(chart, site)
    source: dict[str, Any]
    if chart.is_oci or repository.startswith("oci://"):
        source = {"chart": f"{repository.rstrip('/')}/{chart.name}"}
    else:
        source = {"chart": chart.name, "repository_opts": k8s.helm.v3.RepositoryOptsArgs(repo=repository)}
    return k8s.helm.v3.Release(
        resource_name,
        k8s.helm.v3.ReleaseArgs(
            name=release,
            namespace=namespace,
            version=chart.version,
            values=dict(values),
            skip_await=False,
            atomic=True,
            cleanup_on_fail=True,
            timeout=RELEASE_TIMEOUT_SECONDS,
            **source,
        ),
        opts,
    )
