"""Policy types shared by both callers (synth over captured resources, CrossGuard over engine resources)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any


class Enforcement(str, Enum):
    MANDATORY = "mandatory"
    ADVISORY = "advisory"


@dataclass(frozen=True)
class ResourceView:
    """What a policy may look at, the same whichever caller supplies it.

    ``retain_on_delete`` is None under CrossGuard, whose API does not expose that option.
    """

    urn: str
    type: str
    name: str
    inputs: Mapping[str, Any]
    protect: bool
    retain_on_delete: bool | None = None
    secrets_masked: bool = True
    """True when Pulumi secrets show as ``[secret]`` (synth). CrossGuard hands policies plaintext."""

    @property
    def kind(self) -> str | None:
        kind = self.inputs.get("kind")
        return kind if isinstance(kind, str) else None

    @property
    def metadata(self) -> Mapping[str, Any]:
        metadata = self.inputs.get("metadata")
        return metadata if isinstance(metadata, dict) else {}


ResourceCheck = Callable[[ResourceView], Iterable[str]]
StackCheck = Callable[[Sequence[ResourceView]], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class Policy:
    """One rule with the evidence auditors need: an ID, why it exists, and the controls it serves."""

    id: str
    name: str
    description: str
    rationale: str
    controls: tuple[str, ...]
    enforcement: Enforcement
    resource_check: ResourceCheck | None = None
    stack_check: StackCheck | None = None


@dataclass(frozen=True)
class Violation:
    policy: str
    urn: str
    message: str
    enforcement: str

    def as_json(self) -> dict[str, str]:
        return {
            "policy": self.policy,
            "urn": self.urn,
            "message": self.message,
            "enforcement": self.enforcement,
        }


def evaluate(policies: Iterable[Policy], resources: Sequence[ResourceView]) -> list[Violation]:
    """Run every policy over the resources; violations sorted for stable output."""
    found: list[Violation] = []
    for policy in policies:
        label = f"{policy.id} {policy.name}"
        if policy.resource_check is not None:
            for resource in resources:
                for message in policy.resource_check(resource):
                    found.append(Violation(label, resource.urn, message, policy.enforcement.value))
        if policy.stack_check is not None:
            for urn, message in policy.stack_check(resources):
                found.append(Violation(label, urn, message, policy.enforcement.value))
    return sorted(found, key=lambda v: (v.policy, v.urn, v.message))
