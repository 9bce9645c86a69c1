"""A tenant's analytics workspaces: JupyterHub, Trino, Superset and Spark, built as plain dicts.

Every builder is pure: it reads the validated request and site and returns Helm values (rendered from
``k8s_manifests/analytics/`` through :func:`govcloud.manifests.helm_values.render_values`) or manifests.
The component in ``govcloud.components.analytics`` only declares what these return.

Shared rules
  * Secrets never appear in values: OIDC client secrets, storage keys and database passwords are read from
    Secrets by reference (``valueFrom.secretKeyRef``, Trino's ``${ENV:...}``). Platform operations create
    those Secrets; their names are the ``*_secret`` functions below and docs/analytics.md lists them.
  * Each web UI is an OIDC client of its own, ``<site clientId>-<tenant>-<service>``, so a token minted for
    one tenant's UI is not accepted by another's.
  * The tenant's NetworkPolicies stay the only network allowances: the charts' own policies are enabled
    but every one of their egress shortcuts (internet, private ranges, cloud metadata) is switched off.
  * All web UIs share the tenant's first hostname, on distinct paths that never overlap:
    Superset ``/``, JupyterHub ``/jupyter/``, Trino's UI ``/ui`` and its OAuth2 callback ``/oauth2``.
    The pods the ingress controller must reach carry ``govcloud.go.th/web: "true"``; pods that call the
    identity provider carry ``govcloud.go.th/oidc-client: "true"`` so a site policy can select them.
  * Sizes come from the tenant's effective quota: JupyterHub (hub, proxy and all seats) gets 40% of it,
    Trino 30%, Superset a fixed 1 CPU / 2 GiB, leaving the rest to the database and the tenant's own jobs.
    Requests equal limits, because the tenant's ResourceQuota caps ``limits.*`` at the same value as
    ``requests.*``: a limit above the guarantee is quota that can't be used once every seat is taken.

Superset: operator CR, not the Helm chart
  Superset's Helm chart was deprecated in 2026 (apache/superset PR 44097, a Superset 7.0 breaking change)
  in favour of the Superset Kubernetes operator, so govcloud declares the operator's ``Superset`` custom
  resource. The chart would give us a dead artifact: no further fixes, and no release whose values,
  schema and Chart.yaml line up (see shared/schemas/SOURCES.md). The operator renders the Superset config
  and runs migrations with drain and retries, and in its default Production mode its CRD refuses inline
  secrets at admission, a second line behind our own rule. The cost: its API is v1alpha1 and has renamed
  fields between 0.x releases, and no CRD copy is in shared/ to validate against. So the operator chart is
  pinned in ``govcloud.charts``, this module is the one place that writes the CR, fields whose names moved
  (``environment``) are left at their defaults, and the operator chart must be bumped together with it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govcloud import naming
from govcloud.contract.site import SiteConfig
from govcloud.contract.sizing import (
    HUB,
    PROXY,
    SEAT,
    SEAT_STORAGE_GIB,
    SUPERSET_TASK,
    SUPERSET_WEB,
    TRINO_POD,
    analytics_violations,
)
from govcloud.contract.tenant import TenantRequest
from govcloud.contract.vocabulary import Zone
from govcloud.manifests.common import STORAGE_CREDENTIALS_SECRET, tenant_metadata
from govcloud.manifests.helm_values import render_values
from govcloud.manifests.network import OIDC_CLIENT_LABEL, POSTGRES_PORT, WEB_LABEL
from govcloud.naming import bucket_name, database_cluster_name, namespace_name, tenant_labels

OIDC_SECRET_KEY = "client-secret"
STORAGE_KEY_ID = "AWS_ACCESS_KEY_ID"
STORAGE_SECRET_KEY = "AWS_SECRET_ACCESS_KEY"
TENANT_DATABASE = "app"
"""The tenant's application database in its CNPG cluster (CNPG's ``initdb`` default)."""
SUPERSET_DATABASE = "superset"
SUPERSET_DB_OWNER = "superset"

JUPYTERHUB_BASE_URL = "/jupyter/"
TRINO_UI_PATHS = ("/ui", "/oauth2")
TRINO_PORT = 8080
"""HTTP: internal communication (shared secret) and probes; the gateway reaches the Web UI on HTTPS."""
TRINO_HTTPS_PORT = 8443
"""Where clients in the namespace (notebooks, Superset) connect: Trino refuses client authentication over
plain HTTP once HTTPS and an authenticator are on (trinodb/trino docs/src/main/sphinx/security/tls.md)."""
TRINO_TLS_DIR = "/etc/trino/tls"
TRINO_KEYSTORE = f"{TRINO_TLS_DIR}/tls-combined.pem"
"""cert-manager's ``CombinedPEM`` output (key and chain in one file), which Trino reads as a PEM keystore."""
TRINO_SHARED_SECRET_KEY = "shared-secret"
TRINO_GROUP_FILE_KEY = "group.db"
TRINO_PRINCIPAL_CLAIM = "preferred_username"
"""The same claim JupyterHub and Superset name users by, so one user is one name everywhere."""
SITE_ISSUER = "govcloud-site-issuer"
"""The site's cert-manager ClusterIssuer (``govcloud.manifests.platform.cluster_issuer``)."""


_SAFE_PREFIX = re.compile(r"^([A-Za-z0-9!_.'()-]+/)+$")
_CATALOG_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")

_RESTRICTED_CONTAINER = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}
"""What Pod Security ``restricted`` requires of every container."""


# --------------------------------------------------------------------------------------------------
# Sizes (the services' sizes and the rule that they fit the quota: govcloud.contract.sizing)


def _check_fits(request: TenantRequest, section: str) -> None:
    problems = [m for loc, m in analytics_violations(request) if loc[2] == section]
    if problems:
        raise ValueError(f"tenant {request.name}: analytics.{section}: " + "; ".join(problems))


# --------------------------------------------------------------------------------------------------
# Names shared with platform operations and the other components


def oidc_client_id(site: SiteConfig, request: TenantRequest, service: str) -> str:
    """The identity provider client of one tenant's web UI; registered by platform operations."""
    return f"{site.identity_provider.client_id}-{request.name}-{service}"


def oidc_secret(request: TenantRequest, service: str) -> str:
    """Secret holding that client's secret under ``client-secret``; created by platform operations."""
    return f"{request.name}-{service}-oidc"


READONLY_ROLE = "readonly"


def database_readonly_secret(request: TenantRequest) -> str:
    """The ``readonly`` role's ``kubernetes.io/basic-auth`` Secret: ``username``, ``password`` and ``uri``.

    Generated by the program (``TenantDatabase``), never by hand; see docs/analytics.md.
    """
    return f"{request.name}-pg-readonly"


def superset_db_secret(request: TenantRequest) -> str:
    """The ``superset`` role's ``kubernetes.io/basic-auth`` Secret (``username``, ``password``), generated too."""
    return f"{request.name}-superset-db"


def superset_key_secret(request: TenantRequest) -> str:
    """Superset's session-signing ``SECRET_KEY`` under ``secret-key``."""
    return f"{request.name}-superset-secret"


def release_name(request: TenantRequest, service: str) -> str:
    return f"{request.name}-{service}"


def trino_internal_secret(request: TenantRequest) -> str:
    """Trino's internal-communication shared secret under ``shared-secret``: generated by the Analytics
    component (a Pulumi secret, never in a plan)."""
    return f"{request.name}-trino-internal"


def trino_tls_secret(request: TenantRequest) -> str:
    """The coordinator's serving certificate, issued by cert-manager from the site's CA."""
    return f"{request.name}-trino-tls"


def trino_groups_secret(request: TenantRequest) -> str:
    """Trino's group file (``group.db``: ``group:user1,user2`` lines), synchronised from the identity
    provider by platform operations: Trino 480 takes groups from a group provider only."""
    return f"{request.name}-trino-groups"


def trino_url(request: TenantRequest) -> str:
    """The coordinator's HTTPS endpoint inside the namespace, for notebooks and Superset."""
    return f"https://{release_name(request, 'trino')}.{namespace_name(request)}.svc:{TRINO_HTTPS_PORT}"


def web_host(request: TenantRequest) -> str | None:
    """The hostname every web UI of the tenant is published on, or None: no ingress at all."""
    hostnames = request.spec.network.ingress.hostnames
    return hostnames[0] if hostnames else None


def _oidc_endpoints(site: SiteConfig) -> dict[str, str]:
    """Keycloak-style endpoints below the issuer URL."""
    base = site.identity_provider.issuer_url.rstrip("/") + "/protocol/openid-connect"
    return {
        "authorize": f"{base}/auth",
        "token": f"{base}/token",
        "userinfo": f"{base}/userinfo",
        "jwks": f"{base}/certs",
    }


def _env_from_secret(name: str, secret: str, key: str) -> dict[str, Any]:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --------------------------------------------------------------------------------------------------
# JupyterHub (z2jh)

TRINO_TOKEN_ENV = "TRINO_ACCESS_TOKEN"
JUPYTERHUB_TRINO_HOOK = f"""
def _govcloud_trino_token(spawner, auth_state):
    # The signed-in user's own access token, for Trino's JWT authentication; never a service credential.
    spawner.environment["{TRINO_TOKEN_ENV}"] = (auth_state or {{}}).get("access_token") or ""


c.Spawner.auth_state_hook = _govcloud_trino_token
"""
"""Token passthrough (docs/analytics.md). ``Spawner.auth_state_hook`` is JupyterHub's documented hook
(jupyterhub/jupyterhub jupyterhub/spawner.py); OAuthenticator keeps ``access_token`` in ``auth_state``
beside ``oauth_user`` (jupyterhub/oauthenticator oauthenticator/oauth2.py ``build_auth_state_dict``)."""


def _jupyterhub_trino(request: TenantRequest) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """(Authenticator config, extraConfig, single-user env): token passthrough when the tenant runs Trino."""
    if not request.spec.analytics.trino.enabled:
        return {}, {}, {}
    return (
        {"enable_auth_state": True, "refresh_pre_spawn": True},
        {"govcloud-trino-passthrough": JUPYTERHUB_TRINO_HOOK},
        {"TRINO_URL": trino_url(request)},
    )


def jupyterhub_groups(request: TenantRequest) -> tuple[list[str], list[str]]:
    """(allowed, admin) groups: admins administer; admins, engineers and analysts may log in."""
    access = request.spec.access
    return _unique([*access.admins, *access.engineers, *access.analysts]), _unique(access.admins)


def jupyterhub_values(request: TenantRequest, site: SiteConfig) -> dict[str, Any]:
    """Values for the z2jh chart: SSO, a seat limit, quota-sized seats, ClusterIP plus ingress, no egress shortcuts.

    ``hub.activeServerLimit`` is the chart's knob for JupyterHub's ``active_server_limit``: the number of
    user servers running at once. It is the real bound on what the seats cost (JupyterHub has no limit on
    registered users, and a stopped server costs nothing), so it is set to ``maxUsers``.
    """
    _check_fits(request, "jupyterhub")
    allowed, admins = jupyterhub_groups(request)
    host = web_host(request)
    seat = SEAT
    labels = tenant_labels(request)
    endpoints = _oidc_endpoints(site)
    api = site.kubernetes_api
    authenticator_config, extra_config, singleuser_env = _jupyterhub_trino(request)
    return render_values(
        "analytics/jupyterhub-values.yaml.j2",
        authenticator_config=authenticator_config,
        extra_config=extra_config,
        singleuser_env=singleuser_env,
        base_url=JUPYTERHUB_BASE_URL,
        callback_url=f"https://{host}{JUPYTERHUB_BASE_URL}hub/oauth_callback" if host else None,
        client_id=oidc_client_id(site, request, "jupyterhub"),
        secret_ref={"name": oidc_secret(request, "jupyterhub"), "key": OIDC_SECRET_KEY},
        authorize_url=endpoints["authorize"],
        token_url=endpoints["token"],
        userdata_url=endpoints["userinfo"],
        groups_key=f"oauth_user.{site.identity_provider.groups_claim}",
        allowed_groups=allowed,
        admin_groups=admins,
        active_server_limit=request.spec.analytics.jupyterhub.max_users,
        cpu=seat.cpu_millis / 1000,
        memory=f"{seat.memory_mib}M",  # KubeSpawner's M is MiB
        capacity=f"{SEAT_STORAGE_GIB}Gi",
        storage_class=site.storage_class,
        hub_resources=HUB.requirements(),
        proxy_resources=PROXY.requirements(),
        hub_labels={**labels, OIDC_CLIENT_LABEL: "true"},
        proxy_labels={**labels, **({WEB_LABEL: "true"} if host else {})},
        singleuser_labels={**labels, "hub.jupyter.org/network-access-hub": "true"},
        kubernetes_api_egress=[
            {
                "to": [{"ipBlock": {"cidr": api.cidr}}],
                "ports": [{"protocol": "TCP", "port": api.port}],
            }
        ],
        container_security_context=_RESTRICTED_CONTAINER,
        pod_security_context={"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}, "fsGroup": 100},
    )


# --------------------------------------------------------------------------------------------------
# Trino


@dataclass(frozen=True)
class SharedCatalog:
    """Read access, under a sharing agreement, to a prefix of another tenant's bucket.

    Becomes one read-only Trino catalog of the consumer. Every field ends up in a properties file that
    the chart passes through Helm's ``tpl``, so only a conservative character set is accepted.
    """

    name: str
    provider_tenant: str
    bucket: str
    prefix: str

    def __post_init__(self) -> None:
        if not _CATALOG_NAME.match(self.name):
            raise ValueError(f"shared catalog name {self.name!r} must be lowercase letters, digits and '_'")
        if not naming.is_s3_bucket_name(self.bucket):
            raise ValueError(f"shared catalog {self.name}: {self.bucket!r} is not an S3 bucket name")
        if not _SAFE_PREFIX.match(self.prefix) or any(p in (".", "..") for p in self.prefix.split("/")):
            raise ValueError(
                f"shared catalog {self.name}: prefix {self.prefix!r} must be path segments of letters, digits "
                "and !_.'()- each ending in '/'"
            )


def shared_catalog(agreement: str, provider: str, bucket: str, prefix: str) -> SharedCatalog:
    """The read-only Trino catalog of one active agreement (grants come from ``govcloud.access``)."""
    name = naming.shared_catalog_name(agreement)
    return SharedCatalog(name=name, provider_tenant=provider, bucket=bucket, prefix=prefix)


def _properties(entries: Mapping[str, str | None]) -> str:
    return "".join(f"{key}={value}\n" for key, value in entries.items() if value is not None)


def _s3_properties(site: SiteConfig) -> dict[str, str | None]:
    store = site.object_store
    return {
        "fs.native-s3.enabled": "true",
        "s3.endpoint": store.endpoint.rstrip("/") if store.endpoint else None,
        "s3.region": store.region,
        "s3.path-style-access": "true" if store.addressing_style == "path" else "false",
        "s3.aws-access-key": f"${{ENV:{STORAGE_KEY_ID}}}",
        "s3.aws-secret-key": f"${{ENV:{STORAGE_SECRET_KEY}}}",
    }


def _hive_catalog(location: str, site: SiteConfig, *, read_only: bool) -> str:
    return _properties(
        {
            "connector.name": "hive",
            "hive.metastore": "file",
            "hive.metastore.catalog.dir": location,
            "hive.security": "read-only" if read_only else None,
            **_s3_properties(site),
        }
    )


def trino_catalogs(request: TenantRequest, site: SiteConfig, shared: Sequence[SharedCatalog] = ()) -> dict[str, str]:
    """Catalog name to properties: one per lake zone, ``postgresql`` when there is a database, one per share.

    Zones use the Hive connector with its file metastore kept in the zone's own bucket, so a tenant needs
    no metastore service; credentials are ``${ENV:...}`` references to the storage Secret, never values.
    """
    spec = request.spec
    catalogs: dict[str, str] = {}
    if spec.storage is not None:
        for zone in spec.storage.zones:
            catalogs[zone.value] = _hive_catalog(
                f"s3://{bucket_name(site, request.name, zone.value)}/", site, read_only=False
            )
    if spec.database is not None:
        host = f"{database_cluster_name(request)}-r.{namespace_name(request)}.svc"
        catalogs["postgresql"] = _properties(
            {
                "connector.name": "postgresql",
                "connection-url": f"jdbc:postgresql://{host}:{POSTGRES_PORT}/{TENANT_DATABASE}",
                "connection-user": "${ENV:PG_READONLY_USER}",
                "connection-password": "${ENV:PG_READONLY_PASSWORD}",
            }
        )
    for catalog in shared:
        if catalog.name in catalogs:
            raise ValueError(f"shared catalog {catalog.name!r} collides with one of the tenant's own catalogs")
        catalogs[catalog.name] = _hive_catalog(f"s3://{catalog.bucket}/{catalog.prefix}", site, read_only=True)
    return catalogs


def _any_of(names: Iterable[str]) -> str | None:
    """A Java regex matching exactly one of ``names`` (Trino matches the whole name), or None for none."""
    unique = _unique(names)
    return "^(" + "|".join(re.escape(name) for name in unique) + ")$" if unique else None


def _rule(group: str | None, **fields: Any) -> list[dict[str, Any]]:
    """One rule for ``group``, or none when the role has no group (an absent ``group`` would match anyone)."""
    return [{"group": group, **fields}] if group is not None else []


TABLE_WRITE = ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP"]


def trino_access_rules(request: TenantRequest, shared: Sequence[SharedCatalog] = ()) -> dict[str, Any]:
    """File-based system access control derived from the request's groups and the contract's roles.

    * admins administer the tenant's own lake catalogs: catalog ``all``, schema owners, every table
      privilege, and they may view and kill anyone's queries in this Trino;
    * engineers write the tenant's own lake zones: catalog ``all`` and every table privilege there, but own
      no schema (they cannot create or drop schemas);
    * analysts read: catalog ``read-only`` and ``SELECT`` on the zones, ``postgresql`` and the shares;
    * viewers, and everyone else the identity provider knows, get no data and may not run queries.

    Nobody gets an unconditional rule: every rule that grants anything names one of the tenant's groups
    and its own catalogs, and each section ends in a deny. ``postgresql`` and ``shared_*`` are read-only for
    all (the connector's role and the share's storage grant are read-only too). Nobody may impersonate,
    change an owner, read system information or call catalog procedures and functions. Rule semantics:
    trinodb/trino docs/src/main/sphinx/security/file-system-access-control.md (first match wins, a present
    but empty section denies, ``all`` on a catalog defers to schema and table rules, groups come from a
    group provider).
    """
    access = request.spec.access
    zones = [z.value for z in request.spec.storage.zones] if request.spec.storage else []
    readable = [*zones, *(["postgresql"] if request.spec.database else []), *(c.name for c in shared)]
    admins, engineers = _any_of(access.admins), _any_of(access.engineers)
    readers = _any_of([*access.admins, *access.engineers, *access.analysts])
    own_zones, own_catalogs = _any_of(zones), _any_of(readable)
    writable = own_zones is not None
    return {
        "catalogs": [
            *(_rule(admins, catalog=own_zones, allow="all") if writable else []),
            *(_rule(engineers, catalog=own_zones, allow="all") if writable else []),
            *(_rule(readers, catalog=own_catalogs, allow="read-only") if own_catalogs else []),
            *_rule(readers, catalog="^system$", allow="read-only"),
            {"allow": "none"},
        ],
        "schemas": [
            *(_rule(admins, catalog=own_zones, owner=True) if writable else []),
            {"owner": False},
        ],
        "tables": [
            *(_rule(admins, catalog=own_zones, privileges=[*TABLE_WRITE, "GRANT_SELECT"]) if writable else []),
            *(_rule(engineers, catalog=own_zones, privileges=TABLE_WRITE) if writable else []),
            *(_rule(readers, catalog=own_catalogs, privileges=["SELECT"]) if own_catalogs else []),
            {"privileges": []},
        ],
        "queries": [
            *_rule(admins, allow=["execute", "kill", "view"]),
            *_rule(readers, allow=["execute"]),
        ],
        "system_session_properties": [*_rule(readers, allow=True), {"allow": False}],
        "catalog_session_properties": [
            *(_rule(readers, catalog=own_catalogs, allow=True) if own_catalogs else []),
            {"allow": False},
        ],
        "functions": [],
        "procedures": [],
        "impersonation": [],
        "authorization": [],
        "system_information": [],
    }


def trino_server_config(request: TenantRequest, site: SiteConfig) -> tuple[str, str]:
    """(authentication types, coordinator properties): JWT for every client, OAuth2 for the Web UI.

    Clients in the namespace (notebooks, Superset) present the signed-in user's access token from the
    site's identity provider; Trino checks its signature against the provider's JWKS, its issuer, and that
    it was minted for this tenant's Trino (``aud``), so a token for another tenant's services is refused.
    With a hostname, the Web UI signs users in with OAuth2. Property names: trinodb/trino
    docs/src/main/sphinx/security/jwt.md, oauth2.md, authentication-types.md, tls.md.
    ``http-server.authentication.oauth2.groups-field`` is gone: renamed to ``deprecated.`` in Trino 408
    (trinodb/trino PR 15669) and removed later (PR 28646); groups come from the group file instead.
    """
    idp = site.identity_provider
    client_id = oidc_client_id(site, request, "trino")
    properties: dict[str, str | None] = {
        "http-server.authentication.jwt.key-file": _oidc_endpoints(site)["jwks"],
        "http-server.authentication.jwt.required-issuer": idp.issuer_url,
        "http-server.authentication.jwt.required-audience": client_id,
        "http-server.authentication.jwt.principal-field": TRINO_PRINCIPAL_CLAIM,
    }
    if web_host(request) is None:
        return "JWT", _properties(properties)
    properties |= {
        "http-server.process-forwarded": "true",
        "web-ui.authentication.type": "oauth2",
        "http-server.authentication.oauth2.issuer": idp.issuer_url,
        "http-server.authentication.oauth2.client-id": client_id,
        "http-server.authentication.oauth2.client-secret": "${ENV:TRINO_OIDC_CLIENT_SECRET}",
        "http-server.authentication.oauth2.principal-field": TRINO_PRINCIPAL_CLAIM,
    }
    return "JWT,OAUTH2", _properties(properties)


def trino_certificate(request: TenantRequest) -> dict[str, Any]:
    """cert-manager ``Certificate`` for the coordinator's in-namespace names, from the site's CA.

    ``additionalOutputFormats: CombinedPEM`` adds ``tls-combined.pem`` (key then chain) to the Secret
    (cert-manager CRD v1.21.1 in shared/schemas; beta feature enabled by default); Trino reads a PEM file
    without a password as its keystore (trinodb/trino docs/src/main/sphinx/security/tls.md).
    """
    service = release_name(request, "trino")
    namespace = namespace_name(request)
    return {
        "apiVersion": "cert-manager.io/v1",
        "kind": "Certificate",
        "metadata": tenant_metadata(request, trino_tls_secret(request)),
        "spec": {
            "secretName": trino_tls_secret(request),
            "dnsNames": [service, f"{service}.{namespace}.svc", f"{service}.{namespace}.svc.cluster.local"],
            "issuerRef": {"group": "cert-manager.io", "kind": "ClusterIssuer", "name": SITE_ISSUER},
            "additionalOutputFormats": [{"type": "CombinedPEM"}],
            "privateKey": {"rotationPolicy": "Always"},
        },
    }


def trino_internal_secret_manifest(request: TenantRequest, value: Any) -> dict[str, Any]:
    """The Secret holding the generated shared secret; ``value`` must be a Pulumi secret Output."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": tenant_metadata(request, trino_internal_secret(request)),
        "type": "Opaque",
        "stringData": {TRINO_SHARED_SECRET_KEY: value},
    }


def _mib(value: int) -> str:
    return f"{value}MB"  # Trino's data sizes are binary: 1MB = 2^20 bytes


def trino_values(request: TenantRequest, site: SiteConfig, shared: Sequence[SharedCatalog] = ()) -> dict[str, Any]:
    """Values for the Trino chart: workers, lake/database/shared catalogs, quota-sized pods, optional UI."""
    _check_fits(request, "trino")
    spec = request.spec
    host = web_host(request)
    pod = TRINO_POD
    heap_mib = pod.memory_mib * 3 // 4
    per_node_mib = heap_mib // 2  # plus the default 30% heap headroom, below the heap
    env: list[dict[str, Any]] = []
    if spec.storage is not None or shared:
        env += [
            _env_from_secret(STORAGE_KEY_ID, STORAGE_CREDENTIALS_SECRET, STORAGE_KEY_ID),
            _env_from_secret(STORAGE_SECRET_KEY, STORAGE_CREDENTIALS_SECRET, STORAGE_SECRET_KEY),
        ]
    if spec.database is not None:
        env += [
            _env_from_secret("PG_READONLY_USER", database_readonly_secret(request), "username"),
            _env_from_secret("PG_READONLY_PASSWORD", database_readonly_secret(request), "password"),
        ]
    # Every node: the generated internal-communication secret (trinodb/trino
    # docs/src/main/sphinx/security/internal-communication.md: required with any client authentication).
    env.append(_env_from_secret("TRINO_SHARED_SECRET", trino_internal_secret(request), TRINO_SHARED_SECRET_KEY))
    if host is not None:
        env.append(_env_from_secret("TRINO_OIDC_CLIENT_SECRET", oidc_secret(request, "trino"), OIDC_SECRET_KEY))
    authentication_type, coordinator_config = trino_server_config(request, site)
    config_properties = ["internal-communication.shared-secret=${ENV:TRINO_SHARED_SECRET}"]
    catalogs = trino_catalogs(request, site, shared)
    for text in [*catalogs.values(), coordinator_config, *config_properties]:
        if "{{" in text or "}}" in text:  # the chart runs these through Helm's tpl
            raise ValueError(f"tenant {request.name}: Trino configuration may not contain '{{{{' or '}}}}'")
    labels = tenant_labels(request)
    web = {WEB_LABEL: "true"} if host else {}
    return render_values(
        "analytics/trino-values.yaml.j2",
        workers=spec.analytics.trino.workers,
        resources=pod.requirements(),
        heap=f"{heap_mib}M",
        max_memory_per_node=_mib(per_node_mib),
        max_memory=_mib(per_node_mib * spec.analytics.trino.workers),
        catalogs=catalogs,
        removed_catalogs=["tpch", "tpcds"],
        env=env,
        coordinator_config=coordinator_config,
        config_properties=config_properties,
        access_rules=json.dumps(trino_access_rules(request, shared), indent=2, sort_keys=True),
        authentication_type=authentication_type,
        https_port=TRINO_HTTPS_PORT,
        keystore=TRINO_KEYSTORE,
        tls_mounts=[{"name": "trino-tls", "secretName": trino_tls_secret(request), "path": TRINO_TLS_DIR}],
        groups_secret=trino_groups_secret(request),
        # The coordinator fetches the identity provider's keys (JWT) and runs the Web UI's OAuth2 login.
        coordinator_labels={**labels, OIDC_CLIENT_LABEL: "true", **web},
        worker_labels=labels,
        pod_security_context={
            "runAsUser": 1000,
            "runAsGroup": 1000,
            "runAsNonRoot": True,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        container_security_context=_RESTRICTED_CONTAINER,
    )


# --------------------------------------------------------------------------------------------------
# Superset (operator CR)

SUPERSET_IMAGE_NAME = "superset"
SUPERSET_IMAGE_TAG = "6.1.0-govcloud.1"
"""govcloud's own image (images/superset: apache/superset 6.1.0 plus Authlib, the Trino driver and psycopg2),
built by the site's image pipeline: upstream's images lack Authlib and the Trino driver (docs/analytics.md)."""
SUPERSET_UID = 1000
"""The uid of upstream's ``superset`` user. Its Dockerfile says ``USER superset``, a name, which the kubelet
cannot check against ``runAsNonRoot`` and so refuses to start; the pod names the number (and our image too)."""


def superset_image(site: SiteConfig) -> dict[str, str]:
    """govcloud's Superset image in the site registry, as the operator's ``image`` (repository and tag)."""
    return {"repository": f"{site.image_registry}/{SUPERSET_IMAGE_NAME}", "tag": SUPERSET_IMAGE_TAG}


SUPERSET_ROLES = {"admins": ["Admin"], "engineers": ["Alpha"], "analysts": ["Gamma", "sql_lab"], "viewers": ["Gamma"]}


def superset_roles_mapping(request: TenantRequest) -> dict[str, list[str]]:
    """Identity-provider group to Superset roles; a group in several roles gets all of them."""
    access = request.spec.access
    mapping: dict[str, list[str]] = {}
    for role, groups in (
        ("admins", access.admins),
        ("engineers", access.engineers),
        ("analysts", access.analysts),
        ("viewers", access.viewers),
    ):
        for group in groups:
            mapping[group] = _unique([*mapping.get(group, []), *SUPERSET_ROLES[role]])
    return mapping


SUPERSET_TRINO_CA_DIR = "/etc/govcloud/trino-ca"
"""Where Superset's pods see the CA that signed Trino's serving certificate: only the ``ca.crt`` key of the
cert-manager Secret is projected (cert-manager writes ``ca.crt`` for CA issuers), never ``tls.key``."""
SUPERSET_DATABASE_OAUTH2_PATH = "/api/v1/database/oauth2/"
"""Superset's callback for per-user database OAuth2 (apache/superset PR 29109 and PR 30081, which made Trino
``supports_oauth2``; the default redirect is ``url_for("DatabaseRestApi.oauth2")``)."""


def _superset_data_source(request: TenantRequest, site: SiteConfig) -> tuple[str, dict[str, Any]]:
    """Superset's one pre-registered connection: the tenant's Trino as each signed-in user, else the read-only role.

    Trino authenticates every client with the user's own JWT (issue 10), so the URI names no user: Superset
    impersonates the signed-in user with that user's OAuth2 token (``impersonate_user``, set by the image's
    ``register_database.py``), and Trino's access rules apply to that user's groups.
    """
    spec = request.spec
    if spec.analytics.trino.enabled:
        zones = [z for z in (spec.storage.zones if spec.storage else []) if z is not Zone.ARCHIVE]
        catalog = (Zone.CURATED.value if Zone.CURATED in zones else zones[0].value) if zones else "postgresql"
        host = f"{release_name(request, 'trino')}.{namespace_name(request)}.svc"
        return "trino", {"name": "GOVCLOUD_DATA_URI", "value": f"trino://{host}:{TRINO_HTTPS_PORT}/{catalog}"}
    return "postgresql", _env_from_secret("GOVCLOUD_DATA_URI", database_readonly_secret(request), "uri")


def _superset_trino_oauth2(request: TenantRequest, site: SiteConfig) -> dict[str, str] | None:
    """Settings for Superset's per-user OAuth2 to Trino (its ``DATABASE_OAUTH2_CLIENTS["Trino"]``), or None.

    Superset's own identity-provider client is reused: its tokens must carry Trino's client as audience, which
    platform operations configure at the identity provider (docs/analytics.md). Without a hostname there is no
    browser to run the OAuth2 dance in, so there is nothing to configure.
    """
    host = web_host(request)
    if not (request.spec.analytics.trino.enabled and host):
        return None
    endpoints = _oidc_endpoints(site)
    return {
        "authorizationRequestUri": endpoints["authorize"],
        "tokenRequestUri": endpoints["token"],
        "redirectUri": f"https://{host}{SUPERSET_DATABASE_OAUTH2_PATH}",
    }


def superset_resource(request: TenantRequest, site: SiteConfig) -> dict[str, Any]:
    """The ``Superset`` custom resource: tenant PostgreSQL metastore, OIDC login, one read-only connection."""
    if request.spec.database is None:
        raise ValueError(f"tenant {request.name}: Superset keeps its metadata in the tenant database; none requested")
    host = web_host(request)
    data_name, data_uri = _superset_data_source(request, site)
    settings = {
        "clientId": oidc_client_id(site, request, "superset"),
        "groupsClaim": site.identity_provider.groups_claim,
        "issuerUrl": site.identity_provider.issuer_url.rstrip("/"),
        "rolesMapping": superset_roles_mapping(request),
        "trinoOAuth2": _superset_trino_oauth2(request, site),
    }
    labels = tenant_labels(request)
    trino = request.spec.analytics.trino.enabled
    ca_only = {"secretName": trino_tls_secret(request), "items": [{"key": "ca.crt", "path": "ca.crt"}]}
    ca_volumes = [{"name": "trino-ca", "secret": ca_only}] if trino else []
    ca_mounts = [{"name": "trino-ca", "mountPath": SUPERSET_TRINO_CA_DIR, "readOnly": True}] if trino else []
    ca_env = [{"name": "GOVCLOUD_TRINO_CA", "value": f"{SUPERSET_TRINO_CA_DIR}/ca.crt"}] if trino else []
    return render_values(
        "analytics/superset.yaml.j2",
        metadata=tenant_metadata(request, release_name(request, "superset")),
        image=superset_image(site),
        secret_key_ref={"name": superset_key_secret(request), "key": "secret-key"},
        metastore={
            "host": f"{database_cluster_name(request)}-rw",
            "port": POSTGRES_PORT,
            "database": SUPERSET_DATABASE,
            "username": SUPERSET_DB_OWNER,
            "passwordFrom": {"name": superset_db_secret(request), "key": "password"},
        },
        env=[
            {"name": "GOVCLOUD_SUPERSET_SETTINGS", "value": json.dumps(settings, sort_keys=True)},
            _env_from_secret("OIDC_CLIENT_SECRET", oidc_secret(request, "superset"), OIDC_SECRET_KEY),
            *ca_env,
        ],
        volumes=ca_volumes,
        volume_mounts=ca_mounts,
        labels={**labels, OIDC_CLIENT_LABEL: "true"},
        web_labels={**labels, OIDC_CLIENT_LABEL: "true", **({WEB_LABEL: "true"} if host else {})},
        pod_security_context={
            "runAsNonRoot": True,
            "runAsUser": SUPERSET_UID,
            "runAsGroup": SUPERSET_UID,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        container_security_context=_RESTRICTED_CONTAINER,
        web_resources=SUPERSET_WEB.requirements(),
        task_resources=SUPERSET_TASK.requirements(),
        init_command=[
            "sh",
            "-c",
            "superset init && python /app/govcloud/register_database.py",
        ],
        task_env=[
            {"name": "GOVCLOUD_DATA_NAME", "value": data_name},
            data_uri,
            {"name": "GOVCLOUD_DATA_PER_USER", "value": "true" if data_name == "trino" else "false"},
        ],
    )


def superset_database(request: TenantRequest) -> dict[str, Any]:
    """CNPG ``Database`` ``superset`` in the tenant's cluster, owned by the ``superset`` role.

    The role itself is a managed role of the Cluster (``spec.managed.roles``) with its password in
    :func:`superset_db_secret`; the reclaim policy keeps the database when this object is deleted.
    """
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Database",
        "metadata": tenant_metadata(request, f"{database_cluster_name(request)}-{SUPERSET_DATABASE}"),
        "spec": {
            "cluster": {"name": database_cluster_name(request)},
            "name": SUPERSET_DATABASE,
            "owner": SUPERSET_DB_OWNER,
            "ensure": "present",
            "databaseReclaimPolicy": "retain",
        },
    }


def managed_roles(request: TenantRequest) -> list[dict[str, Any]]:
    """Database roles the tenant's analytics need, as CNPG managed roles (passwords in Secrets, by name).

    ``superset`` owns Superset's metadata database; ``readonly`` (member of ``pg_read_all_data``) is how
    Superset and Trino read the tenant's data. ``TenantDatabase`` generates each role's password and its
    basic-auth Secret (``username`` = the role's name); nothing here holds a password.
    """
    analytics = request.spec.analytics
    roles: list[dict[str, Any]] = []
    if request.spec.database is None:
        return roles
    if analytics.superset.enabled:
        roles.append(
            {
                "name": SUPERSET_DB_OWNER,
                "ensure": "present",
                "login": True,
                "passwordSecret": {"name": superset_db_secret(request)},
                "comment": "owner of Superset's metadata database",
            }
        )
    if analytics.superset.enabled or analytics.trino.enabled:
        roles.append(
            {
                "name": READONLY_ROLE,
                "ensure": "present",
                "login": True,
                "inRoles": ["pg_read_all_data"],
                "passwordSecret": {"name": database_readonly_secret(request)},
                "comment": "read-only access for the tenant's analytics",
            }
        )
    return roles


# --------------------------------------------------------------------------------------------------
# Spark (the operator is site-wide; each tenant gets the driver's identity and a cap)

SPARK_SERVICE_ACCOUNT = "spark"
SPARK_DRIVER_ROLE = "spark-driver"
SPARK_GROUP_VERSION = "sparkoperator.k8s.io/v1beta2"


def spark_manifests(request: TenantRequest, site: SiteConfig) -> list[dict[str, Any]]:
    """The driver's ServiceAccount, Role and RoleBinding, and its egress to the API server.

    The ``spark`` account is the only one in the namespace that mounts an API token: the driver creates and
    deletes its executors. ``deletecollection`` is there because the driver removes its executors by label
    on shutdown. The NetworkPolicy lets pods Spark labels ``spark-role: driver`` reach the API server;
    without the token that grants nothing.
    """
    api = site.kubernetes_api
    return [
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": tenant_metadata(request, SPARK_SERVICE_ACCOUNT),
            "automountServiceAccountToken": True,
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": tenant_metadata(request, SPARK_DRIVER_ROLE),
            "rules": [
                {
                    "apiGroups": [""],
                    "resources": ["pods", "services", "configmaps", "persistentvolumeclaims"],
                    "verbs": ["create", "get", "list", "watch", "delete", "deletecollection"],
                }
            ],
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": tenant_metadata(request, SPARK_DRIVER_ROLE),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": SPARK_DRIVER_ROLE},
            "subjects": [
                {"kind": "ServiceAccount", "name": SPARK_SERVICE_ACCOUNT, "namespace": namespace_name(request)}
            ],
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": tenant_metadata(request, "allow-spark-driver-kubernetes-api"),
            "spec": {
                "podSelector": {"matchLabels": {"spark-role": "driver"}},
                "policyTypes": ["Egress"],
                "egress": [{"to": [{"ipBlock": {"cidr": api.cidr}}], "ports": [{"protocol": "TCP", "port": api.port}]}],
            },
        },
    ]


def spark_cap_policy_name(request: TenantRequest) -> str:
    return f"govcloud-spark-cap-{request.name}"


def _executor_cap(cap: int) -> dict[str, Any]:
    """Executors explicit and at most ``cap``; no way around it through ``sparkConf``."""
    bound = f"<={cap}"
    return {
        "executor": {"instances": bound},
        "=(dynamicAllocation)": {"maxExecutors": bound},
        "=(sparkConf)": {
            "X(spark.executor.instances)": "null",
            "X(spark.dynamicAllocation.enabled)": "null",
            "X(spark.dynamicAllocation.maxExecutors)": "null",
        },
    }


def spark_cap_policy(request: TenantRequest) -> dict[str, Any]:
    """Kyverno ClusterPolicy capping executors of the tenant's (Scheduled)SparkApplications at maxExecutors.

    Rule-level ``failureAction: Enforce`` is Kyverno 1.19's form of ``validationFailureAction: Enforce``
    (the policy-level field is deprecated since 1.13). ``dynamicAllocation`` must carry ``maxExecutors``
    when present, and the equivalent ``sparkConf`` keys are refused, so the cap has no side door.
    """
    cap = request.spec.analytics.spark.max_executors
    namespace = namespace_name(request)
    message = (
        f"tenant {request.name} may run at most {cap} Spark executors: set spec.executor.instances <= {cap}, "
        f"and spec.dynamicAllocation.maxExecutors <= {cap} whenever dynamicAllocation is set; do not set "
        "executor counts or dynamic allocation through sparkConf"
    )

    def rule(name: str, kind: str, pattern: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": name,
            "match": {
                "any": [
                    {
                        "resources": {
                            "kinds": [f"{SPARK_GROUP_VERSION}/{kind}"],
                            "namespaces": [namespace],
                            "operations": ["CREATE", "UPDATE"],
                        }
                    }
                ]
            },
            "validate": {"failureAction": "Enforce", "message": message, "pattern": {"spec": pattern}},
        }

    return {
        "apiVersion": "kyverno.io/v1",
        "kind": "ClusterPolicy",
        "metadata": {
            "name": spark_cap_policy_name(request),
            "labels": tenant_labels(request),
            "annotations": {
                "policies.kyverno.io/title": f"Spark executor cap for tenant {request.name}",
                "policies.kyverno.io/description": message,
            },
        },
        "spec": {
            "background": True,
            "rules": [
                rule("cap-spark-application-executors", "SparkApplication", _executor_cap(cap)),
                rule(
                    "cap-scheduled-spark-application-executors",
                    "ScheduledSparkApplication",
                    {"template": _executor_cap(cap)},
                ),
            ],
        },
    }
