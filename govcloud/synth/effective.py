"""The effective IAM policy of every storage identity in a plan, computed by the code that made the plan.

A storage identity's plan inputs name its buckets and read grants; what it may actually *do* is decided by
``govcloud.storage.buckets.identity_policy`` inside the dynamic provider, whose code the plan shows only as
``<serialized dynamic provider>``. A change to that function would otherwise pass review unseen, so
``govcloud diff --base`` runs this module against the base commit's code too (``python -c`` with the
base worktree first on ``PYTHONPATH``): it imports nothing from ``govcloud`` but ``storage.buckets``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from govcloud.storage.specs import STORAGE_IDENTITY_TYPE as IDENTITY


def identity_policies(resources: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """``{urn: policy}`` for each StorageIdentity, exactly as its provider would write it to the store."""
    from govcloud.storage.buckets import identity_policy
    from govcloud.storage.specs import ReadGrant, partition_for_region

    policies: dict[str, Any] = {}
    for resource in resources:
        if resource.get("type") != IDENTITY:
            continue
        inputs = resource.get("inputs") or {}
        grants = [ReadGrant(str(g["bucket"]), str(g.get("prefix") or "")) for g in inputs.get("read_grants") or []]
        try:
            policies[str(resource["urn"])] = identity_policy(
                [str(b) for b in inputs.get("bucket_names") or []],
                grants,
                partition=partition_for_region(str(inputs.get("region") or "us-east-1")),
            )
        except ValueError as error:  # the provider would refuse it the same way
            policies[str(resource["urn"])] = {"error": str(error)}
    return policies


def main(argv: list[str]) -> int:
    """``python -m govcloud.synth.effective PLAN.json`` prints ``{urn: policy}`` as JSON."""
    document = json.loads(Path(argv[0]).read_text("utf-8"))
    json.dump(identity_policies(document.get("resources", [])), sys.stdout, sort_keys=True)
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a script against another commit's code
    sys.exit(main(sys.argv[1:]))
