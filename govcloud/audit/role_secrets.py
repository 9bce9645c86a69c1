"""Are the password Secrets of every declared CloudNativePG managed role there, in the shape CNPG reads?

CloudNativePG reads a managed role's password only from a ``kubernetes.io/basic-auth`` Secret holding
``username`` and ``password``, and refuses it unless ``username`` is the role's name (cloudnative-pg v1.30.0
internal/management/utils/secrets.go, internal/management/controller/roles/runnable.go). govcloud generates
these Secrets (``TenantDatabase``); this check finds one deleted, retyped or hand-edited on the cluster.

Only the Secret's type, its key names and its ``username`` are ever looked at: a Secret is reduced to a
:class:`SecretShape` as soon as it is read, and no password is decoded, compared, kept or reported.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from govcloud.audit.findings import Severity

BASIC_AUTH: Final = "kubernetes.io/basic-auth"
REQUIRED_KEYS: Final = frozenset({"username", "password"})
CODE_MISSING: Final = "AUD-DB-010"
CODE_SHAPE: Final = "AUD-DB-011"


@dataclass(frozen=True)
class ExpectedRoleSecret:
    """A managed role's ``passwordSecret`` as the declared Cluster names it."""

    namespace: str
    name: str
    role: str
    cluster: str


@dataclass(frozen=True)
class SecretShape:
    """What the audit may know of a live Secret: never a password."""

    name: str
    type: str
    keys: frozenset[str]
    username: str | None


def expected_role_secrets(namespace: str, cluster: Mapping[str, Any]) -> list[ExpectedRoleSecret]:
    """The password Secrets a declared CNPG ``Cluster`` manifest's managed roles name."""
    name = str((cluster.get("metadata") or {}).get("name", ""))
    roles = ((cluster.get("spec") or {}).get("managed") or {}).get("roles") or []
    return [
        ExpectedRoleSecret(namespace, str(role["passwordSecret"]["name"]), str(role.get("name", "")), name)
        for role in roles
        if isinstance(role, Mapping) and isinstance(role.get("passwordSecret"), Mapping)
    ]


def secret_shape(obj: Mapping[str, Any]) -> SecretShape:
    """Reduce a Secret as the API returns it to its shape; only ``username`` is decoded."""
    data = obj.get("data") or {}
    username: str | None = None
    raw = data.get("username")
    if isinstance(raw, str):
        try:
            username = base64.b64decode(raw, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            username = None
    return SecretShape(
        name=str((obj.get("metadata") or {}).get("name", "")),
        type=str(obj.get("type") or "Opaque"),
        keys=frozenset(str(key) for key in data),
        username=username,
    )


def role_secret_problems(expected: ExpectedRoleSecret, observed: SecretShape | None) -> list[str]:
    """Why CloudNativePG would refuse this Secret for the role; [] when it would accept it."""
    if observed is None:
        return [f"Secret {expected.name} does not exist: role {expected.role} gets no password"]
    problems = []
    if observed.type != BASIC_AUTH:
        problems.append(f"type is {observed.type}, CloudNativePG reads only {BASIC_AUTH}")
    missing = sorted(REQUIRED_KEYS - observed.keys)
    if missing:
        problems.append(f"missing key(s) {', '.join(missing)}")
    if "username" in observed.keys and (observed.username or "").strip() != expected.role:
        problems.append(f"username is not the role's name {expected.role!r}")
    return problems


Add = Callable[..., None]
"""``add(code, severity, resource, message, **evidence)``, as the namespace audit records a finding."""


def audit_role_secrets(expected: Iterable[ExpectedRoleSecret], live: Mapping[str, SecretShape], add: Add) -> None:
    """One finding per declared role Secret that is missing (critical) or that CNPG would refuse (high)."""
    for secret in expected:
        resource = f"Secret {secret.namespace}/{secret.name}"
        observed = live.get(secret.name)
        problems = role_secret_problems(secret, observed)
        if not problems:
            continue
        evidence = {"cluster": secret.cluster, "role": secret.role, "expected_type": BASIC_AUTH}
        if observed is None:
            add(CODE_MISSING, Severity.CRITICAL, resource, problems[0], **evidence)
        else:
            add(
                CODE_SHAPE,
                Severity.HIGH,
                resource,
                f"CloudNativePG would refuse the password Secret of role {secret.role}: " + "; ".join(problems),
                observed_type=observed.type,
                observed_keys=sorted(observed.keys),
                **evidence,
            )
