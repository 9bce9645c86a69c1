"""Issue 10, class 1 inside and across tenants: Trino authenticates every client and enforces the roles.

The access rules are judged by behaviour with a small evaluator of Trino's documented file-based access
control semantics (trinodb/trino docs/src/main/sphinx/security/file-system-access-control.md): sections are
read top to bottom, the first rule whose ``user``/``group``/``catalog`` regexes fully match decides, a rule
with no match denies, and a section that is absent allows everything (hence every section is present).

The upstream facts this relies on, each checked, are in ``FACTS`` below.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from govcloud.access import grants_to
from govcloud.contract.stack import StackDefinition, load_stack
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests import analytics
from govcloud.manifests.analytics import (
    TRINO_HTTPS_PORT,
    trino_access_rules,
    trino_certificate,
    trino_values,
)
from govcloud.manifests.network import OIDC_CLIENT_LABEL

REPO_ROOT = Path(__file__).resolve().parents[2]
_DOCS = "trinodb/trino docs/src/main/sphinx/security/"
_CHART = "trinodb/charts tag trino-1.42.2 charts/trino/"
FACTS: tuple[tuple[str, str], ...] = (
    ("http-server.authentication.type takes a comma list, tried in order", _DOCS + "authentication-types.md"),
    (
        "JWT: http-server.authentication.jwt.key-file (a JWKS URL), required-issuer, required-audience, "
        "principal-field",
        _DOCS + "jwt.md",
    ),
    (
        "OAuth2: issuer, client-id, client-secret, principal-field; web-ui.authentication.type=oauth2",
        _DOCS + "oauth2.md",
    ),
    (
        "oauth2.groups-field was renamed deprecated.* in 408 and then removed: groups need a group provider",
        "trinodb/trino PR 15669 and PR 28646; " + _DOCS + "file-system-access-control.md",
    ),
    (
        "file group provider: group-provider.name=file, file.group-file, file.refresh-period; group:u1,u2 lines",
        _DOCS + "group-file.md",
    ),
    ("a shared secret is required with any client authentication", _DOCS + "internal-communication.md"),
    ("a PEM keystore needs no password; HTTP is closed to clients once HTTPS and auth are on", _DOCS + "tls.md"),
    (
        "server.config.authenticationType, server.config.https.*, auth.groupsAuthSecret, auth.refreshPeriod, "
        "coordinator.secretMounts[{name,secretName,path}]; the Ingress targets the HTTPS port when HTTPS is on",
        _CHART + "templates/configmap-coordinator.yaml, deployment-coordinator.yaml, ingress.yaml, values.yaml",
    ),
    (
        "rules: first match wins, no match denies, an absent section allows, a present empty one denies; "
        "catalog 'all' defers to schema and table rules; system_information rules have no group field",
        _DOCS + "file-system-access-control.md",
    ),
)


@pytest.fixture(scope="module")
def national() -> StackDefinition:
    return load_stack(REPO_ROOT / "stacks", "national-prod", "2026-11-25")


def _tenant(definition: StackDefinition, name: str) -> TenantRequest:
    return definition.tenant(name)


# ------------------------------------------------------------------------------- a rules evaluator


def _matches(pattern: str | None, value: str) -> bool:
    return pattern is None or re.fullmatch(pattern, value) is not None


def _applies(rule: dict[str, Any], user: str, groups: list[str], catalog: str | None = None) -> bool:
    if not _matches(rule.get("user"), user):
        return False
    if "group" in rule and not any(_matches(rule["group"], g) for g in groups):
        return False
    return catalog is None or _matches(rule.get("catalog"), catalog)


def _first(section: list[dict[str, Any]], user: str, groups: list[str], catalog: str | None = None) -> Any:
    return next((rule for rule in section if _applies(rule, user, groups, catalog)), None)


def catalog_access(rules: dict[str, Any], user: str, groups: list[str], catalog: str) -> str:
    rule = _first(rules["catalogs"], user, groups, catalog)
    return "none" if rule is None else str(rule["allow"])


def table_privileges(rules: dict[str, Any], user: str, groups: list[str], catalog: str) -> set[str]:
    if catalog_access(rules, user, groups, catalog) == "none":
        return set()
    rule = _first(rules["tables"], user, groups, catalog)
    privileges = set() if rule is None else set(rule["privileges"])
    if catalog_access(rules, user, groups, catalog) == "read-only":
        privileges &= {"SELECT"}
    return privileges


def schema_owner(rules: dict[str, Any], user: str, groups: list[str], catalog: str) -> bool:
    rule = _first(rules["schemas"], user, groups, catalog)
    return bool(rule and rule["owner"]) and catalog_access(rules, user, groups, catalog) != "none"


def query_rights(rules: dict[str, Any], user: str, groups: list[str]) -> set[str]:
    rule = _first(rules["queries"], user, groups)
    return set() if rule is None else set(rule["allow"])


def _rules(definition: StackDefinition, tenant: str) -> dict[str, Any]:
    values = trino_values(_tenant(definition, tenant), definition.site, _shares(definition, tenant))
    return dict(json.loads(values["accessControl"]["rules"]["rules.json"]))


def _shares(definition: StackDefinition, tenant: str) -> list[analytics.SharedCatalog]:
    return [
        analytics.shared_catalog(g.agreement, g.provider, g.bucket, g.prefix) for g in grants_to(definition, tenant)
    ]


# -------------------------------------------------------------------------------------- the roles


def test_roles_of_the_statistics_office(national: StackDefinition) -> None:
    rules = _rules(national, "nso")
    admin, engineer, analyst, viewer = (
        ["nso-platform-admins"],
        ["nso-data-engineers"],
        ["nso-statisticians"],
        ["nso-executives"],
    )
    for zone in ("raw", "curated"):
        assert catalog_access(rules, "a", admin, zone) == "all" and schema_owner(rules, "a", admin, zone)
        assert table_privileges(rules, "a", admin, zone) >= {"SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP"}
        assert table_privileges(rules, "e", engineer, zone) == {"SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP"}
        assert not schema_owner(rules, "e", engineer, zone), "engineers write tables, admins administer schemas"
        assert catalog_access(rules, "n", analyst, zone) == "read-only"
        assert table_privileges(rules, "n", analyst, zone) == {"SELECT"}
        assert table_privileges(rules, "v", viewer, zone) == set(), "viewers get no data"
    for read_only in ("postgresql", "shared_moph_to_nso_health_stats", "shared_doae_to_nso_farmer_registry"):
        for groups in (admin, engineer, analyst):
            assert catalog_access(rules, "u", groups, read_only) == "read-only", (read_only, groups)
            assert table_privileges(rules, "u", groups, read_only) == {"SELECT"}
        assert catalog_access(rules, "v", viewer, read_only) == "none"
    assert query_rights(rules, "a", admin) == {"execute", "kill", "view"}
    assert query_rights(rules, "n", analyst) == {"execute"}
    assert query_rights(rules, "v", viewer) == set()


@pytest.mark.parametrize("tenant", ["dga", "dopa", "moph", "nso", "revenue"])
def test_strangers_and_other_tenants_get_nothing(national: StackDefinition, tenant: str) -> None:
    """A valid token of any other agency's user authenticates, and then meets only denials."""
    rules = _rules(national, tenant)
    own = _tenant(national, tenant).spec.access
    own_groups = {*own.admins, *own.engineers, *own.analysts, *own.viewers}
    catalogs = {c for c in trino_values(_tenant(national, tenant), national.site)["catalogs"]} | {"system"}
    for other in national.tenants:
        access = other.spec.access
        groups = [g for g in (*access.admins, *access.engineers, *access.analysts) if g not in own_groups]
        for stranger in ([], groups, ["system:masters"], [".*"], ["admins"]):
            for catalog in catalogs:
                assert catalog_access(rules, "mallory", stranger, catalog) == "none", (tenant, stranger, catalog)
            assert query_rights(rules, "mallory", stranger) == set()


def test_no_rule_grants_anything_to_everyone(national: StackDefinition) -> None:
    for request in national.tenants:
        if not request.spec.analytics.trino.enabled:
            continue
        rules = trino_access_rules(request)
        for section in ("catalogs", "schemas", "tables", "queries", "system_session_properties"):
            for rule in rules[section]:
                grants = (
                    rule.get("allow") not in (None, "none", False, []) or rule.get("owner") or rule.get("privileges")
                )
                if grants:
                    assert "group" in rule and rule["group"].startswith("^("), (request.name, section, rule)
        assert rules["catalogs"][-1] == {"allow": "none"} and rules["tables"][-1] == {"privileges": []}
        assert {"allow": "all"} not in rules["catalogs"]
        for empty in ("impersonation", "authorization", "system_information", "functions", "procedures"):
            assert rules[empty] == [], f"{empty}: a present, empty section denies"


def test_group_names_are_matched_literally(national: StackDefinition) -> None:
    """A group name full of regex syntax matches itself only."""
    hostile = national.tenant("nso").model_copy(deep=True)
    hostile.spec.access.admins[:] = ["nso.admins+x"]
    rules = trino_access_rules(hostile)
    assert catalog_access(rules, "u", ["nso.admins+x"], "raw") == "all"
    assert catalog_access(rules, "u", ["nsoXadminsx"], "raw") == "none"
    assert catalog_access(rules, "u", ["nso.admins+x", "other"], "raw") == "all"


# ----------------------------------------------------------------------------------- authentication


def _properties(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line)


@pytest.mark.parametrize("tenant", ["nso", "dopa"])
def test_every_client_authenticates_with_a_token_for_this_tenants_trino(national: StackDefinition, tenant: str) -> None:
    request = _tenant(national, tenant)
    values = trino_values(request, national.site)
    config = _properties(values["server"]["coordinatorExtraConfig"])
    idp = national.site.identity_provider
    assert config["http-server.authentication.jwt.key-file"] == idp.issuer_url.rstrip("/") + (
        "/protocol/openid-connect/certs"
    )
    assert config["http-server.authentication.jwt.required-issuer"] == idp.issuer_url
    assert config["http-server.authentication.jwt.required-audience"] == f"{idp.client_id}-{tenant}-trino"
    assert config["http-server.authentication.jwt.principal-field"] == "preferred_username"
    assert not any("groups-field" in key for key in config), "removed from Trino; groups come from the group file"
    assert values["server"]["config"]["https"] == {
        "enabled": True,
        "port": TRINO_HTTPS_PORT,
        "keystore": {"path": "/etc/trino/tls/tls-combined.pem"},
    }
    assert values["coordinator"]["secretMounts"] == [
        {"name": "trino-tls", "secretName": f"{tenant}-trino-tls", "path": "/etc/trino/tls"}
    ]
    assert values["auth"] == {"groupsAuthSecret": f"{tenant}-trino-groups", "refreshPeriod": "1m"}
    assert values["additionalConfigProperties"] == ["internal-communication.shared-secret=${ENV:TRINO_SHARED_SECRET}"]
    shared = next(e for e in values["env"] if e["name"] == "TRINO_SHARED_SECRET")
    assert shared["valueFrom"]["secretKeyRef"] == {"name": f"{tenant}-trino-internal", "key": "shared-secret"}
    assert values["coordinator"]["labels"][OIDC_CLIENT_LABEL] == "true", "the coordinator fetches the IdP's keys"


def test_the_coordinator_certificate_names_only_in_namespace_hosts(national: StackDefinition) -> None:
    certificate = trino_certificate(_tenant(national, "nso"))
    assert certificate["metadata"]["namespace"] == "nso"
    assert certificate["spec"]["dnsNames"] == ["nso-trino", "nso-trino.nso.svc", "nso-trino.nso.svc.cluster.local"]
    assert certificate["spec"]["issuerRef"]["kind"] == "ClusterIssuer"
    assert certificate["spec"]["additionalOutputFormats"] == [{"type": "CombinedPEM"}]


def test_jupyterhub_hands_each_user_their_own_token(national: StackDefinition) -> None:
    nso = _tenant(national, "nso")
    values = analytics.jupyterhub_values(nso, national.site)
    assert values["hub"]["config"]["Authenticator"] == {"enable_auth_state": True, "refresh_pre_spawn": True}
    hook = values["hub"]["extraConfig"]["govcloud-trino-passthrough"]
    assert "c.Spawner.auth_state_hook" in hook and '"access_token"' in hook
    compile(hook, "govcloud-trino-passthrough", "exec")  # valid Python for the hub's config loader
    assert values["singleuser"]["extraEnv"] == {"TRINO_URL": "https://nso-trino.nso.svc:8443"}
    data = nso.model_dump(by_alias=True, mode="json")
    data["spec"]["analytics"]["trino"]["enabled"] = False
    values = analytics.jupyterhub_values(TenantRequest.model_validate(data), national.site)
    assert values["hub"]["config"]["Authenticator"] == {} and values["hub"]["extraConfig"] == {}
