"""Which changes between two plans can lose or corrupt data: the reviewer's "DATA AT RISK" list.

A pure function of the old and new resource (plus the identities' effective policies), one rule per risk,
so each rule has its own test and the review never depends on someone remembering what a field means.
Facts about upstream formats the rules rely on:

* CloudNativePG ``spec.backup.retentionPolicy`` is ``^[1-9][0-9]*[dwm]$`` (days, weeks, months) and
  ``spec.imageName`` is ``<image>:<tag>[@sha256:...]`` — cloudnative-pg/cloudnative-pg
  ``api/v1/cluster_types.go`` (commit 78b3ecc2, ``BackupConfiguration.RetentionPolicy``, ``ImageName``).
  With the Barman Cloud plugin the retention moves to the ``ObjectStore``'s ``spec.retentionPolicy``, same
  pattern — cloudnative-pg/plugin-barman-cloud ``api/v1/objectstore_types.go`` (commit 009a66e7), and the
  Cluster names the plugin in ``spec.plugins`` with ``isWALArchiver``.
* Deleting a specific object version needs ``s3:DeleteObjectVersion``; ``s3:PutLifecycleConfiguration``
  can expire versions and ``s3:PutBucketVersioning`` can suspend versioning — AWS S3 User Guide,
  "Actions, resources and condition keys for Amazon S3" (the store speaks the same IAM vocabulary).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from govcloud.naming import label
from govcloud.safety import is_data_bearing
from govcloud.storage.specs import BUCKET_TYPE as BUCKET

CLUSTER = "kubernetes:postgresql.cnpg.io/v1:Cluster"
OBJECT_STORE = "kubernetes:barmancloud.cnpg.io/v1:ObjectStore"
PVC = "kubernetes:core/v1:PersistentVolumeClaim"
CLASSIFICATION_LABEL = label("classification")

#: Database instances each classification needs; the same numbers as the contract's tenant rule
#: (``govcloud.contract.rules.tenant_rules``), which a test keeps equal.
MIN_INSTANCES: Mapping[str, int] = {"public": 1, "internal": 1, "confidential": 2, "secret": 3}

#: IAM actions that let a holder destroy prior object versions (directly, by lifecycle, or by suspending versioning).
VERSION_DESTROYING_ACTIONS = (
    "s3:DeleteObjectVersion",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketVersioning",
    "s3:PutBucketObjectLockConfiguration",
    "s3:BypassGovernanceRetention",
)

#: Bucket inputs that expire objects after that many days (absent: kept forever).
EXPIRY_FIELDS = ("expire_after_days", "noncurrent_expire_days")
#: Bucket inputs that, once switched off, stop protecting prior versions.
PROTECTION_FIELDS = ("versioning", "lock_versioning", "object_lock")


@dataclass(frozen=True)
class Risk:
    """One reason a change can lose or corrupt data, with the value before and after."""

    code: str
    field: str
    old: Any
    new: Any
    reason: str


#: Every risk code with its meaning: the review, the docs and the tests read this one table.
RISK_CODES: Mapping[str, str] = {
    "DATA-REMOVE": "a data-bearing resource (namespace, database, bucket, volume) is removed",
    "DATA-REPLACE": "a data-bearing resource is replaced: the old one and its data are deleted",
    "DATA-UNPROTECT": "protect or retainOnDelete is dropped from a data-bearing resource",
    "DATA-EXPIRY": "a bucket expires objects (or old versions) sooner than before",
    "DATA-VERSIONING": "a bucket stops keeping prior versions or its object lock",
    "DATA-BACKUP-RETENTION": "database backups are kept for fewer days, or no longer taken",
    "DATA-PG-DOWNGRADE": "the PostgreSQL major version goes down (its data files cannot be read)",
    "DATA-STORAGE-SHRINK": "a database or volume gets less storage than it has",
    "DATA-INSTANCES": "fewer database instances than the tenant's classification requires",
    "DATA-VERSION-DELETE": "an identity becomes able to delete object versions (or expire/suspend them)",
    "PROTECTED-REMOVE": "a protected resource that keeps a tenant isolated or holds its credentials is removed "
    "or replaced: `pulumi up` stops at it (after deleting what is not protected)",
}


def _get(value: Any, *path: str) -> Any:
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _inputs(resource: Mapping[str, Any] | None) -> dict[str, Any]:
    inputs = (resource or {}).get("inputs")
    return inputs if isinstance(inputs, dict) else {}


_RETENTION = re.compile(r"^([1-9][0-9]*)([dwm])$")
_RETENTION_DAYS = {"d": 1, "w": 7, "m": 30}


def retention_days(policy: Any) -> int | None:
    """Days of a CloudNativePG retention policy (``30d``, ``4w``, ``6m``); None when absent or unreadable."""
    match = _RETENTION.match(policy) if isinstance(policy, str) else None
    return int(match.group(1)) * _RETENTION_DAYS[match.group(2)] if match else None


def postgres_major(image: Any) -> int | None:
    """The PostgreSQL major version in an image reference such as ``ghcr.io/cloudnative-pg/postgresql:16.4``."""
    if not isinstance(image, str):
        return None
    tag = image.split("@", 1)[0].rsplit("/", 1)[-1].partition(":")[2]
    match = re.match(r"^([0-9]+)", tag)
    return int(match.group(1)) if match else None


def _bytes(quantity: Any) -> int | None:
    from govcloud.contract.quantity import parse_quantity

    try:
        return int(parse_quantity(str(quantity))) if quantity is not None else None
    except (ValueError, TypeError):
        return None


def _days(value: Any) -> float:
    """Expiry days, with "never expires" as infinity so that adding an expiry counts as shortening it."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else float("inf")


def _bucket_risks(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Risk]:
    for key in EXPIRY_FIELDS:
        if _days(new.get(key)) < _days(old.get(key)):
            shown = "never" if old.get(key) is None else f"{old.get(key)} days"
            yield Risk(
                "DATA-EXPIRY",
                f"inputs.{key}",
                old.get(key),
                new.get(key),
                f"objects expire after {new.get(key)} days instead of {shown}",
            )
    for key in PROTECTION_FIELDS:
        if old.get(key) is True and new.get(key) is not True:
            yield Risk("DATA-VERSIONING", f"inputs.{key}", True, new.get(key), f"{key} is switched off")


def _retention_risks(field: str, old_policy: Any, new_policy: Any) -> Iterator[Risk]:
    before, after = retention_days(old_policy), retention_days(new_policy)
    if before is not None and (after is None or after < before):
        kept = after if after is not None else "an unknown number of"
        yield Risk(
            "DATA-BACKUP-RETENTION", field, old_policy, new_policy, f"backups are kept {kept} days instead of {before}"
        )


def _archives_wal(spec: Any) -> bool:
    """Backups are configured in the Cluster itself, or through a WAL-archiving plugin (Barman Cloud)."""
    plugins = _get(spec, "plugins")
    return bool(_get(spec, "backup")) or any(
        isinstance(p, dict) and p.get("isWALArchiver") for p in (plugins if isinstance(plugins, list) else [])
    )


def _cluster_risks(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Risk]:
    old_backup, new_backup = _get(old, "spec", "backup"), _get(new, "spec", "backup")
    if _archives_wal(_get(old, "spec")) and not _archives_wal(_get(new, "spec")):
        yield Risk("DATA-BACKUP-RETENTION", "inputs.spec", "backups configured", None, "backups are no longer taken")
    if new_backup:
        yield from _retention_risks(
            "inputs.spec.backup.retentionPolicy",
            _get(old_backup, "retentionPolicy"),
            _get(new_backup, "retentionPolicy"),
        )
    old_major, new_major = (
        postgres_major(_get(old, "spec", "imageName")),
        postgres_major(_get(new, "spec", "imageName")),
    )
    if old_major is not None and new_major is not None and new_major < old_major:
        yield Risk(
            "DATA-PG-DOWNGRADE",
            "inputs.spec.imageName",
            _get(old, "spec", "imageName"),
            _get(new, "spec", "imageName"),
            f"PostgreSQL {old_major} → {new_major}: a major downgrade",
        )
    for part in ("storage", "walStorage"):
        size_old, size_new = _get(old, "spec", part, "size"), _get(new, "spec", part, "size")
        old_bytes, new_bytes = _bytes(size_old), _bytes(size_new)
        if old_bytes is not None and new_bytes is not None and new_bytes < old_bytes:
            yield Risk(
                "DATA-STORAGE-SHRINK",
                f"inputs.spec.{part}.size",
                size_old,
                size_new,
                f"{part} shrinks from {size_old} to {size_new}",
            )
    count_old, count_new = _get(old, "spec", "instances"), _get(new, "spec", "instances")
    classification = _get(new, "metadata", "labels", CLASSIFICATION_LABEL) or "public"
    minimum = MIN_INSTANCES.get(str(classification), max(MIN_INSTANCES.values()))
    if isinstance(count_old, int) and isinstance(count_new, int) and count_new < count_old and count_new < minimum:
        yield Risk(
            "DATA-INSTANCES",
            "inputs.spec.instances",
            count_old,
            count_new,
            f"{classification} data needs at least {minimum} instances; {count_new} leave it without a copy",
        )


def _volume_risks(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Risk]:
    size_old = _get(old, "spec", "resources", "requests", "storage")
    size_new = _get(new, "spec", "resources", "requests", "storage")
    old_bytes, new_bytes = _bytes(size_old), _bytes(size_new)
    if old_bytes is not None and new_bytes is not None and new_bytes < old_bytes:
        yield Risk(
            "DATA-STORAGE-SHRINK",
            "inputs.spec.resources.requests.storage",
            size_old,
            size_new,
            f"the volume shrinks from {size_old} to {size_new}",
        )


def _object_store_risks(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Risk]:
    yield from _retention_risks(
        "inputs.spec.retentionPolicy", _get(old, "spec", "retentionPolicy"), _get(new, "spec", "retentionPolicy")
    )


_RULES: Mapping[str, Callable[[dict[str, Any], dict[str, Any]], Iterator[Risk]]] = {
    BUCKET: _bucket_risks,
    CLUSTER: _cluster_risks,
    OBJECT_STORE: _object_store_risks,
    PVC: _volume_risks,
}


def _allowed_actions(policy: Any) -> set[str]:
    actions: set[str] = set()
    statements = policy.get("Statement", []) if isinstance(policy, dict) else []
    for statement in [statements] if isinstance(statements, dict) else statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        listed = statement.get("Action", [])
        actions.update([listed] if isinstance(listed, str) else [str(a) for a in listed])
    return actions


def version_destroying_actions(policy: Any) -> list[str]:
    """The dangerous actions a policy allows, matching IAM wildcards (``s3:*``, ``s3:Delete*``, ``*``)."""
    allowed = _allowed_actions(policy)
    return sorted(
        action
        for action in VERSION_DESTROYING_ACTIONS
        if any(fnmatch.fnmatchcase(action.lower(), pattern.lower()) for pattern in allowed)
    )


def _policy_risks(old_policy: Any, new_policy: Any) -> Iterator[Risk]:
    gained = sorted(set(version_destroying_actions(new_policy)) - set(version_destroying_actions(old_policy)))
    if gained:
        yield Risk(
            "DATA-VERSION-DELETE",
            "policy",
            version_destroying_actions(old_policy),
            gained,
            f"the identity may now {', '.join(gained)}: prior versions are no longer out of its reach",
        )


def _protected_remove(resource: Mapping[str, Any], verb: str) -> Risk:
    """A protected resource that holds no data (``govcloud.components.protection``: a tenant's isolation or
    credentials): the engine refuses to delete or replace it, so ``pulumi up`` stops there."""
    reason = (
        f"{verb} a protected resource (isolation or credentials); it is protected, so `pulumi up` will stop here "
        "after deleting the unprotected ones"
    )
    return Risk("PROTECTED-REMOVE", "(resource)", resource.get("name"), None, reason)


def classify(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    *,
    replacing: bool = False,
    old_policy: Any = None,
    new_policy: Any = None,
) -> list[Risk]:
    """Every way the change from ``old`` to ``new`` (either may be None) can lose or corrupt data.

    ``replacing`` says the engine would delete and recreate the resource; the policies are the effective
    IAM policies of a storage identity before and after (see ``govcloud.synth.effective``).
    """
    resource = new or old
    if resource is None:
        return []
    data = is_data_bearing(str(resource.get("type")))
    risks: list[Risk] = []
    if new is None:
        if data:
            risks.append(
                Risk(
                    "DATA-REMOVE",
                    "(resource)",
                    resource.get("name"),
                    None,
                    "removes a data-bearing resource; it is protected, so `pulumi up` will stop here",
                )
            )
        elif resource.get("type") == OBJECT_STORE:
            reason = "removes a database's backup store: its backups are no longer taken"
            risks.append(Risk("DATA-BACKUP-RETENTION", "(resource)", resource.get("name"), None, reason))
        elif resource.get("protect"):
            risks.append(_protected_remove(resource, "removes"))
        return risks
    if new_policy is not None:
        risks.extend(_policy_risks(old_policy, new_policy))
    if old is None:
        return risks
    if data and replacing:
        risks.append(
            Risk(
                "DATA-REPLACE",
                "(resource)",
                old.get("name"),
                new.get("name"),
                "replaces a data-bearing resource: the old one and its data would be deleted",
            )
        )
    if replacing and not data and old.get("protect"):
        risks.append(_protected_remove(old, "replaces"))
    if data:
        for key in ("protect", "retainOnDelete"):
            if not new.get(key):
                risks.append(
                    Risk("DATA-UNPROTECT", key, old.get(key), new.get(key), f"drops {key} from a data-bearing resource")
                )
    rule = _RULES.get(str(resource.get("type")))
    if rule is not None:
        risks.extend(rule(_inputs(old), _inputs(new)))
    return risks
