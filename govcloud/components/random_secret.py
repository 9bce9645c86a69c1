"""``RandomSecret``: a value generated once, by the engine, and only ever held as a Pulumi secret.

Why a dynamic provider rather than pulumi-random: the value must be generated where no plan, manifest or
log sees it, and building and shipping the random provider's plugin for the real-engine tests costs more
than these few lines. The rules it keeps:

* The value is **never an input**. ``create`` generates it inside the provider process with ``secrets``
  (the CSPRNG) and returns it as the output ``value``, which is listed in ``additional_secret_outputs``:
  the engine encrypts it in state with the stack's secrets provider and shows it as ``[secret]`` in
  previews and plans. The inputs hold only the length and the alphabet's name.
* It is generated **once**: ``diff`` reports no change unless the length or alphabet changes (then a new
  value replaces the old one); ``read`` keeps the stored value. A ``pulumi refresh`` never rotates it.
* The provider class lives in this installed module, so dill pickles it by reference (module path and class
  name) and its instances carry no attribute: nothing secret is pickled into state (as in bucket_provider).

Reuse: ``RandomSecret(name, opts=...).value`` is an ``Output[str]`` secret to put into a Secret's
``stringData`` (see :func:`basic_auth_secret` for the CloudNativePG role shape); any component that needs a
generated password, token or shared secret declares one the same way.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Mapping
from typing import Any, Final

import pulumi
import pulumi.dynamic as dyn

from govcloud.storage.specs import DYNAMIC_MODULE

ALPHABETS: Final[Mapping[str, str]] = {
    "alphanumeric": string.ascii_letters + string.digits,
    "hex": "0123456789abcdef",
}
"""Alphabets by name. ``alphanumeric`` needs no escaping in URIs, connection strings or properties files."""
DEFAULT_LENGTH: Final = 32
MIN_LENGTH: Final = 16
INPUT_KEYS: Final = ("length", "alphabet")
SECRET_OUTPUT: Final = "value"


def generate(length: int, alphabet: str) -> str:
    """``length`` characters drawn uniformly from the named alphabet by the operating system's CSPRNG."""
    if alphabet not in ALPHABETS:
        raise ValueError(f"unknown alphabet {alphabet!r}; one of {sorted(ALPHABETS)}")
    if length < MIN_LENGTH:
        raise ValueError(f"a generated secret needs at least {MIN_LENGTH} characters, not {length}")
    characters = ALPHABETS[alphabet]
    return "".join(secrets.choice(characters) for _ in range(length))


def _inputs(props: Mapping[str, Any]) -> tuple[int, str]:
    # The engine ships numbers as floats (protobuf Struct).
    return int(props.get("length") or DEFAULT_LENGTH), str(props.get("alphabet") or "alphanumeric")


class RandomSecretProvider(dyn.ResourceProvider):
    """Generates on create; keeps the value for ever after, unless the length or alphabet changes."""

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        length, alphabet = _inputs(props)
        return dyn.CreateResult(
            secrets.token_hex(8),
            {"length": length, "alphabet": alphabet, SECRET_OUTPUT: generate(length, alphabet)},
        )

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        changed = [key for key, old, new in zip(INPUT_KEYS, _inputs(olds), _inputs(news), strict=True) if old != new]
        return dyn.DiffResult(changes=bool(changed), replaces=changed, delete_before_replace=False)

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        outs = {key: value for key, value in props.items() if key != "__provider"}
        return dyn.ReadResult(id_, outs)


class RandomSecret(dyn.Resource, module=DYNAMIC_MODULE, name="RandomSecret"):
    """A generated secret value; ``value`` is an ``Output[str]`` marked secret."""

    value: pulumi.Output[str]
    length: pulumi.Output[int]

    def __init__(
        self,
        resource_name: str,
        length: int = DEFAULT_LENGTH,
        alphabet: str = "alphanumeric",
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        generate(length, alphabet)  # refuse a bad length or alphabet at plan time, not at create
        props = {"length": length, "alphabet": alphabet, SECRET_OUTPUT: None}
        super().__init__(
            RandomSecretProvider(),
            resource_name,
            props,
            pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=[SECRET_OUTPUT])),
        )


BASIC_AUTH: Final = "kubernetes.io/basic-auth"


def basic_auth_secret(
    metadata: dict[str, Any],
    username: str,
    password: pulumi.Input[str],
    extra: Mapping[str, pulumi.Input[str]] | None = None,
) -> dict[str, Any]:
    """A ``kubernetes.io/basic-auth`` Secret whose ``username`` is the role name, for a CloudNativePG role.

    CloudNativePG reads a managed role's password only from a basic-auth Secret with ``username`` and
    ``password``, and refuses it unless ``username`` equals the role's name (cloudnative-pg v1.30.0
    internal/management/utils/secrets.go, internal/management/controller/roles/runnable.go,
    docs/src/declarative_role_management.md); the ``cnpg.io/reload`` label applies a new password at once.
    ``password`` and every ``extra`` value are wrapped as Pulumi secrets.
    """
    labels = {**metadata.get("labels", {}), "cnpg.io/reload": "true"}
    data: dict[str, pulumi.Input[str]] = {"username": username, "password": pulumi.Output.secret(password)}
    for key, value in (extra or {}).items():
        data[key] = pulumi.Output.secret(value)
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {**metadata, "labels": labels},
        "type": BASIC_AUTH,
        "stringData": data,
    }
