"""The audit's check of managed-role password Secrets: shape only, never a password."""

from __future__ import annotations

import base64
from typing import Any

from govcloud.audit.findings import Severity
from govcloud.audit.role_secrets import (
    CODE_MISSING,
    CODE_SHAPE,
    ExpectedRoleSecret,
    audit_role_secrets,
    expected_role_secrets,
    role_secret_problems,
    secret_shape,
)
from tests.upstream_facts import CNPG_ROLE_SECRET_TYPE

CLUSTER = {
    "metadata": {"name": "nso-pg"},
    "spec": {
        "managed": {
            "roles": [
                {"name": "superset", "passwordSecret": {"name": "nso-superset-db"}},
                {"name": "readonly", "passwordSecret": {"name": "nso-pg-readonly"}},
                {"name": "nologin"},
            ]
        }
    },
}


def _secret(name: str, type_: str = CNPG_ROLE_SECRET_TYPE.value, **data: str) -> dict[str, Any]:
    encoded = {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}
    return {"metadata": {"name": name}, "type": type_, "data": encoded}


def test_expected_secrets_come_from_the_declared_managed_roles() -> None:
    assert expected_role_secrets("nso", CLUSTER) == [
        ExpectedRoleSecret("nso", "nso-superset-db", "superset", "nso-pg"),
        ExpectedRoleSecret("nso", "nso-pg-readonly", "readonly", "nso-pg"),
    ]


def test_a_secret_is_reduced_to_its_shape_without_the_password() -> None:
    shape = secret_shape(_secret("s", username="superset", password="hunter2-very-secret"))
    assert shape.username == "superset" and shape.keys == {"username", "password"}
    assert "hunter2" not in repr(shape)


def test_what_cloudnative_pg_would_refuse_is_named() -> None:
    expected = ExpectedRoleSecret("nso", "nso-superset-db", "superset", "nso-pg")
    good = secret_shape(_secret("nso-superset-db", username="superset", password="p"))
    assert role_secret_problems(expected, good) == []
    opaque = secret_shape(_secret("nso-superset-db", "Opaque", password="p"))
    problems = role_secret_problems(expected, opaque)
    assert any("type is Opaque" in p for p in problems) and any("username" in p for p in problems)
    wrong_user = secret_shape(_secret("nso-superset-db", username="postgres", password="p"))
    assert role_secret_problems(expected, wrong_user) == ["username is not the role's name 'superset'"]
    assert "does not exist" in role_secret_problems(expected, None)[0]


def test_findings_are_critical_when_missing_and_high_when_refused() -> None:
    found: list[tuple[Any, ...]] = []
    live = {"nso-pg-readonly": secret_shape(_secret("nso-pg-readonly", "Opaque", password="p"))}

    def add(code: str, severity: Severity, resource: str, message: str, **evidence: Any) -> None:
        found.append((code, severity, resource, evidence))

    audit_role_secrets(expected_role_secrets("nso", CLUSTER), live, add)
    assert [(c, s, r) for c, s, r, _ in found] == [
        (CODE_MISSING, Severity.CRITICAL, "Secret nso/nso-superset-db"),
        (CODE_SHAPE, Severity.HIGH, "Secret nso/nso-pg-readonly"),
    ]
    assert found[1][3]["observed_keys"] == ["password"], "key names are evidence; values never are"
