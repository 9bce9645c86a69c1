"""Declare a pinned chart as a ``helm.v3.Release``: chart, version and values all visible in the plan."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from govcloud.charts import Chart, repository_for
from govcloud.contract.site import SiteConfig

RELEASE_TIMEOUT_SECONDS = 900
SKIPPED_TYPE_TOKEN = "govcloud:helm:SkippedRelease"


class SkippedRelease(pulumi.ComponentResource):
    """Stands in for a release a test stack does not deploy (``govcloud:helmReleases: false``): what waits for
    the release waits for this (nothing), and the state still names the chart and version it would install."""

    def __init__(self, name: str, release: str, chart: Chart, opts: pulumi.ResourceOptions) -> None:
        super().__init__(SKIPPED_TYPE_TOKEN, name, None, opts)
        self.register_outputs({"release": release, "chart": f"{chart.name}-{chart.version}"})


def helm_release(
    resource_name: str,
    release: str,
    namespace: pulumi.Input[str],
    chart: Chart,
    site: SiteConfig,
    values: Mapping[str, Any],
    opts: pulumi.ResourceOptions,
) -> pulumi.Resource:
    """Atomic install/upgrade of ``chart`` from its (possibly mirrored, possibly OCI) repository."""
    if not site.helm_releases:
        return SkippedRelease(resource_name, release, chart, opts)
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
            skip_await=not site.readiness_waits,
            atomic=True,
            cleanup_on_fail=True,
            timeout=RELEASE_TIMEOUT_SECONDS,
            **source,
        ),
        opts,
    )
