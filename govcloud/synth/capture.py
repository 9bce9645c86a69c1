"""A MockMonitor that records every resource registration with its inputs *and* options.

The SDK's own ``MockMonitor`` answers the program exactly as in unit tests; we only watch the
RegisterResource requests go by, because the ``Mocks.new_resource`` callback never sees options such as
``protect``, ``retainOnDelete``, ``parent`` or ``dependsOn`` — the very things reviewers must check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime import mocks

from govcloud.contract.vocabulary import UNKNOWN_VALUE
from govcloud.synth.urns import engine_urn

SECRET = "[secret]"
UNKNOWN = UNKNOWN_VALUE
_SIG = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
DYNAMIC_PROVIDER_KEY = "__provider"


def _urn_parts(urn: str) -> tuple[str, str]:
    """``(stack, project)`` of a URN."""
    stack, project = urn.removeprefix("urn:pulumi:").split("::")[:2]
    return stack, project


def scrub(value: Any) -> Any:
    """Plain JSON from a serialized property value: secrets masked, integers restored, refs as URNs."""
    if isinstance(value, dict):
        signature = value.get(_SIG)
        if signature == _SECRET_SIG:
            # A secret mapping keeps its keys (names are not secret) so manifests keep their shape.
            inner = value.get("value")
            return {key: SECRET for key in inner} if isinstance(inner, dict) else SECRET
        if signature == _RESOURCE_REF_SIG:
            return value.get("urn", UNKNOWN)
        return {key: scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value == _UNKNOWN_VALUE:
        return UNKNOWN
    return value


@dataclass
class Registration:
    """One resource as the program declared it."""

    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    protect: bool
    retain_on_delete: bool
    depends_on: list[str]
    inputs: dict[str, Any]
    outputs: dict[str, Any] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    """URNs this resource was known by before (``aliases`` option, and those it inherits from its parent's, as
    the engine derives them): ``govcloud diff`` matches an old URN to the resource that now claims it."""


class CapturingMonitor(mocks.MockMonitor):
    """The SDK's mock monitor, plus a record of what was registered."""

    def __init__(self, mock: pulumi.runtime.Mocks, on_register: Callable[[Registration], None] | None = None) -> None:
        super().__init__(mock)
        self.registrations: dict[str, Registration] = {}
        self.duplicates: list[tuple[Registration, Registration]] = []
        """(first, later) registrations that share a URN. The real engine refuses the second one; the SDK's
        mock would let it silently replace the first, so synth reports them instead."""
        self._on_register = on_register

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """URNs as the engine makes them (see :func:`engine_urn`), not as the SDK's mock does."""
        return engine_urn(pulumi.get_stack(), pulumi.get_project(), parent or None, type_, name)

    def _aliases(self, request: Any, urn: str) -> list[str]:
        """The old URNs of a resource: its own ``aliases`` (URNs or specs) and its parent's, carried down."""
        stack, project = _urn_parts(urn)
        found: set[str] = set()
        for alias in request.aliases:
            if alias.urn:
                found.add(alias.urn)
                continue
            spec = alias.spec
            parent = None if spec.noParent else (spec.parentUrn or request.parent or None)
            found.add(
                engine_urn(
                    spec.stack or stack,
                    spec.project or project,
                    parent,
                    spec.type or request.type,
                    spec.name or request.name,
                )
            )
        inherited = self.registrations.get(request.parent)
        for parent_alias in inherited.aliases if inherited is not None else []:
            found.add(engine_urn(stack, project, parent_alias, request.type, request.name))
        found.discard(urn)
        return sorted(found)

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != "pulumi:pulumi:Stack":
            inputs = scrub(json_format.MessageToDict(request.object))
            provider = inputs.pop(DYNAMIC_PROVIDER_KEY, None)
            if provider is not None:
                inputs[DYNAMIC_PROVIDER_KEY] = "<serialized dynamic provider>"
            registration = Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent=request.parent or None,
                custom=bool(request.custom),
                protect=bool(request.protect),
                retain_on_delete=bool(request.retainOnDelete),
                depends_on=sorted(set(request.dependencies)),
                inputs=inputs,
                aliases=self._aliases(request, response.urn),
            )
            first = self.registrations.get(response.urn)
            if first is not None:
                self.duplicates.append((first, registration))
                return response
            self.registrations[response.urn] = registration
            if self._on_register is not None:
                self._on_register(registration)
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        registration = self.registrations.get(request.urn)
        if registration is not None:
            registration.outputs = scrub(json_format.MessageToDict(request.outputs))
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]


STACK_REFERENCE = "pulumi:pulumi:StackReference"


class EchoMocks(pulumi.runtime.Mocks):
    """Every resource "creates" with its inputs as its state, the way a preview would show them.

    A ``StackReference`` answers with ``stack_outputs[<stack name>]``: what that stack exports.
    """

    def __init__(self, stack_outputs: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.stack_outputs = dict(stack_outputs or {})

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if args.typ == STACK_REFERENCE:
            name = str(args.inputs.get("name", args.name))
            outputs = dict(self.stack_outputs.get(name.rsplit("/", 1)[-1], {}))
            return name, {"name": name, "outputs": outputs, "secretOutputNames": []}
        state = dict(args.inputs)
        state.pop(DYNAMIC_PROVIDER_KEY, None)
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None
