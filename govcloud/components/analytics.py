"""``govcloud:tenant:Analytics`` — the analytics workspaces one tenant asked for, and nothing else.

JupyterHub and Trino are Helm releases whose values (built by ``govcloud.manifests.analytics``) appear in
the plan; Superset is the operator's custom resource plus its metadata database; Spark is the driver's
RBAC and a Kyverno cap. The operators themselves are site-wide (Site component).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from govcloud.charts import CHARTS, Chart
from govcloud.components.helm import helm_release
from govcloud.components.kubernetes import declare
from govcloud.components.random_secret import RandomSecret
from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests.analytics import (
    SharedCatalog,
    jupyterhub_values,
    release_name,
    spark_cap_policy,
    spark_manifests,
    superset_database,
    superset_resource,
    trino_certificate,
    trino_internal_secret_manifest,
    trino_values,
)

TYPE_TOKEN = "govcloud:tenant:Analytics"


@dataclass(frozen=True)
class AnalyticsArgs:
    """The tenant's request and site, the namespace to install into, and the shares it consumes."""

    request: TenantRequest
    site: SiteConfig
    namespace: pulumi.Input[str]
    shared_catalogs: Sequence[SharedCatalog] = ()
    waits_for: Sequence[pulumi.Resource] = ()
    """Platform releases the services need first (the gateway controller, the operators)."""


def _in_namespace(manifest: Mapping[str, Any], namespace: pulumi.Input[str]) -> dict[str, Any]:
    """``manifest`` with its namespace taken from the Namespace resource, so it waits for it."""
    return {**manifest, "metadata": {**manifest["metadata"], "namespace": namespace}}


class Analytics(pulumi.ComponentResource):
    """One tenant's analytics; every child is parented here and named ``<tenant>-...``."""

    services: list[str]

    def __init__(self, name: str, args: AnalyticsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        request, site = args.request, args.site
        analytics = request.spec.analytics
        tenant = request.name
        child = pulumi.ResourceOptions(parent=self, depends_on=list(args.waits_for))
        self.services = []
        if analytics.jupyterhub.enabled:
            self._release("jupyterhub", CHARTS["jupyterhub"], jupyterhub_values(request, site), args, child)
        if analytics.trino.enabled:
            values = trino_values(request, site, args.shared_catalogs)
            # Generated once by the engine, held only as a Pulumi secret: Trino's internal shared secret.
            shared_secret = RandomSecret(f"{tenant}-trino-shared-secret", opts=pulumi.ResourceOptions(parent=self))
            trino_first = [
                declare(
                    f"{tenant}-trino-internal",
                    _in_namespace(trino_internal_secret_manifest(request, shared_secret.value), args.namespace),
                    child,
                ),
                declare(f"{tenant}-trino-tls", _in_namespace(trino_certificate(request), args.namespace), child),
            ]
            trino_opts = pulumi.ResourceOptions(parent=self, depends_on=[*args.waits_for, *trino_first])
            self._release("trino", CHARTS["trino"], values, args, trino_opts)
        if analytics.superset.enabled:
            database = declare(
                f"{tenant}-superset-database", _in_namespace(superset_database(request), args.namespace), child
            )
            declare(
                f"{tenant}-superset",
                _in_namespace(superset_resource(request, site), args.namespace),
                pulumi.ResourceOptions(parent=self, depends_on=[*args.waits_for, database]),
            )
            self.services.append("superset")
        if analytics.spark.enabled:
            for obj in spark_manifests(request, site):
                declare(
                    f"{tenant}-spark-{obj['kind'].lower()}-{obj['metadata']['name']}",
                    _in_namespace(obj, args.namespace),
                    child,
                )
            declare(f"{tenant}-spark-executor-cap", spark_cap_policy(request), child)
            self.services.append("spark")
        self.register_outputs({"services": list(self.services)})

    def _release(
        self,
        service: str,
        chart: Chart,
        values: Mapping[str, Any],
        args: AnalyticsArgs,
        opts: pulumi.ResourceOptions,
    ) -> pulumi.Resource:
        """A Helm release whose chart, version and values are all visible in the plan."""
        name = release_name(args.request, service)
        release = helm_release(name, name, args.namespace, chart, args.site, values, opts)
        self.services.append(service)
        return release
