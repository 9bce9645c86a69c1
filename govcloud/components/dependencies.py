"""What tenant resources need from the site platform, in either layout.

In one stack, tenants ``depend_on`` the platform's releases. In a sharded site the platform lives in
another stack: tenants read its outputs through a ``StackReference`` instead, and carry the operator
release they were planned against as an annotation, so a missing platform fails the plan loudly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

OPERATOR_ANNOTATION = "govcloud.go.th/database-operator"


@dataclass(frozen=True)
class PlatformDependencies:
    database_operator_release: pulumi.Input[str]
    """``<chart>-<version>`` of the CloudNativePG operator release."""
    gateway_controller_release: pulumi.Input[str]
    """``<chart>-<version>`` of the Envoy Gateway release (the Gateway API CRDs tenants' routes use)."""
    waits_for: tuple[pulumi.Resource, ...] = field(default_factory=tuple)
    """Platform resources in the same stack to wait for (empty in a sharded tenant stack)."""
    open_data_portal: tuple[pulumi.Resource, ...] = field(default_factory=tuple)
    """The CKAN Deployment a tenant's organization Job calls (same stack only; empty when sharded)."""
