"""The object-store half of the audit: tenant buckets and storage identities, through plain boto3.

Buckets are read with the storage layer's own ``read_bucket`` and compared with ``diff_bucket``, so the
audit and ``pulumi up`` agree on what "converged" means; the audit only adds severities. Identities are
judged by what their policies *grant*: every bucket or prefix an Allow statement reaches must be the
tenant's own or be covered by a read grant of an active agreement, whatever policy it sits in.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from botocore.exceptions import ClientError

from govcloud.audit.expected import ExpectedBucket, ExpectedIdentity, ExpectedState, ScanReport
from govcloud.audit.findings import Finding, Severity
from govcloud.naming import BACKUP_ZONE, label
from govcloud.storage.buckets import (
    IDENTITY_POLICY_NAME,
    PUBLIC_ACCESS_BLOCK_KEYS,
    SSE_ALGORITHM,
    BucketState,
    IamClient,
    S3Client,
    bucket_policy,
    canonical_statement,
    diff_bucket,
    grants_anonymous_access,
    has_tls_only_statement,
    identity_policy,
    read_bucket,
    read_storage_identity,
    stored_bytes,
)
from govcloud.storage.specs import partition_for_region

Progress = Callable[[str], None]

READ_ACTIONS: Final = frozenset(
    {
        "s3:getobject",
        "s3:getobjectversion",
        "s3:getobjecttagging",
        "s3:listbucket",
        "s3:listbucketversions",
        "s3:getbucketlocation",
    }
)
"""What a read grant of an agreement may allow; anything else on a shared bucket is more than reading."""
PUBLIC_GRANTEES: Final = ("/global/AllUsers", "/global/AuthenticatedUsers")
_PREFIX_CONDITION_OPERATORS: Final = ("StringLike", "StringEquals")


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _statements(policy: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return [dict(s) for s in _list((policy or {}).get("Statement"))]


def _document(raw: Any) -> dict[str, Any]:
    """A policy document as boto3 returns it: already decoded, or (from some stores) a JSON string."""
    if isinstance(raw, str):
        parsed: dict[str, Any] = json.loads(raw)
        return parsed
    return dict(raw or {})


# --------------------------------------------------------------------------------------------- buckets


def _public_acl_grants(s3: S3Client, name: str) -> list[dict[str, Any]]:
    try:
        grants = s3.get_bucket_acl(Bucket=name).get("Grants", [])
    except ClientError as error:  # stores without ACL support (MinIO answers NotImplemented)
        if error.response.get("Error", {}).get("Code") in ("NotImplemented", "AccessDenied"):
            return []
        raise
    return [
        {"grantee": g["Grantee"].get("URI"), "permission": g.get("Permission")}
        for g in grants
        if str(g.get("Grantee", {}).get("URI", "")).endswith(PUBLIC_GRANTEES)
    ]


def audit_bucket(s3: S3Client, bucket: ExpectedBucket, partition: str) -> list[Finding]:
    """Every finding about one bucket; the checks mirror the settings ``ensure_bucket`` puts in place."""
    spec = bucket.spec
    resource = f"bucket {spec.name}"
    found: list[Finding] = []

    def add(code: str, severity: Severity, message: str, **evidence: Any) -> None:
        found.append(Finding(code, severity, bucket.tenant, resource, message, evidence))

    state = read_bucket(s3, spec.name)
    if state is None:
        add("AUD-S3-001", Severity.CRITICAL, f"bucket {spec.name} is declared but does not exist")
        return found
    block_off = [k for k in PUBLIC_ACCESS_BLOCK_KEYS if not state.public_access_block.get(k, False)]
    if block_off:
        add(
            "AUD-S3-002",
            Severity.CRITICAL,
            f"the public access block of {spec.name} was removed or weakened: a public policy or ACL would work",
            off=block_off,
            publicAccessBlock=dict(state.public_access_block),
        )
    statements = _statements(state.policy)
    anonymous = [s for s in statements if s.get("Effect") == "Allow" and grants_anonymous_access({"Statement": [s]})]
    if anonymous:
        add(
            "AUD-S3-003",
            Severity.CRITICAL,
            f"the bucket policy of {spec.name} lets anyone (Principal *) in",
            statements=anonymous,
        )
    public_acl = _public_acl_grants(s3, spec.name)
    if public_acl:
        add("AUD-S3-004", Severity.CRITICAL, f"the ACL of {spec.name} grants access to everyone", grants=public_acl)
    declared = {
        canonical_statement(s)
        for s in bucket_policy(spec.name, spec.public_read_principal_arn, partition=partition)["Statement"]
    }
    undeclared = [
        s
        for s in statements
        if s.get("Effect") == "Allow" and s not in anonymous and canonical_statement(s) not in declared
    ]
    if undeclared:
        add(
            "AUD-S3-009",
            Severity.CRITICAL,
            f"the bucket policy of {spec.name} grants access the stack does not declare (sharing outside an agreement)",
            statements=undeclared,
        )
    if state.encryption is None:
        add(
            "AUD-S3-005",
            Severity.HIGH,
            f"default encryption of {spec.name} was removed",
            expected=SSE_ALGORITHM,
            observed=None,
        )
    versioning_off = spec.versioning and state.versioning != "Enabled"
    if versioning_off:
        add(
            "AUD-S3-006",
            Severity.HIGH,
            f"versioning of {spec.name} is {state.versioning or 'not enabled'}: overwritten and deleted objects "
            "are lost",
            expected="Enabled",
            observed=state.versioning,
        )
    tls_only = has_tls_only_statement(state.policy, spec.name, partition=partition)
    if not tls_only:
        add(
            "AUD-S3-007",
            Severity.HIGH,
            f"the TLS-only statement is missing from the policy of {spec.name}: plain-HTTP requests are allowed",
            policy=state.policy,
        )
    remainder = diff_bucket(
        spec,
        _with_reported_aspects_fixed(
            state, statements, anonymous + undeclared, tls_only, versioning_off, spec.name, partition
        ),
    )
    if remainder:
        add("AUD-S3-008", Severity.MEDIUM, f"bucket {spec.name} has drifted from its spec", drift=remainder)
    return found


def _with_reported_aspects_fixed(
    state: BucketState,
    statements: list[dict[str, Any]],
    reported: list[dict[str, Any]],
    tls_only: bool,
    versioning_off: bool,
    name: str,
    partition: str,
) -> BucketState:
    """The state as if every aspect already reported were converged, so ``diff_bucket`` shows the rest."""
    kept = [s for s in statements if s not in reported]
    if not tls_only:
        kept.append(bucket_policy(name, partition=partition)["Statement"][0])
    return dataclasses.replace(
        state,
        encryption=state.encryption or SSE_ALGORITHM,
        versioning="Enabled" if versioning_off else state.versioning,
        public_access_block=dict.fromkeys(PUBLIC_ACCESS_BLOCK_KEYS, True),
        policy={"Version": "2012-10-17", "Statement": kept},
    )


# ------------------------------------------------------------------------------------------ identities


def _policy_sources(iam: IamClient, user: str) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    """Every policy document that applies to the user (inline, managed, through groups), and its groups."""
    sources: list[tuple[str, dict[str, Any]]] = []
    for name in iam.list_user_policies(UserName=user).get("PolicyNames", []):
        document = iam.get_user_policy(UserName=user, PolicyName=name)["PolicyDocument"]
        sources.append((f"inline policy {name}", _document(document)))
    for attached in iam.list_attached_user_policies(UserName=user).get("AttachedPolicies", []):
        sources.append((f"managed policy {attached['PolicyArn']}", _managed_document(iam, attached["PolicyArn"])))
    groups = [g["GroupName"] for g in iam.list_groups_for_user(UserName=user).get("Groups", [])]
    for group in groups:
        for name in iam.list_group_policies(GroupName=group).get("PolicyNames", []):
            document = iam.get_group_policy(GroupName=group, PolicyName=name)["PolicyDocument"]
            sources.append((f"group {group} inline policy {name}", _document(document)))
        for attached in iam.list_attached_group_policies(GroupName=group).get("AttachedPolicies", []):
            arn = attached["PolicyArn"]
            sources.append((f"group {group} managed policy {arn}", _managed_document(iam, arn)))
    return sources, groups


def _managed_document(iam: IamClient, arn: str) -> dict[str, Any]:
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    return _document(iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"])


def _s3_arn(resource: str) -> tuple[str, str | None] | None:
    """``arn:<partition>:s3:::bucket[/key-pattern]`` as (bucket, key pattern); None for anything else."""
    parts = resource.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "s3" or parts[3] or parts[4]:
        return None
    bucket, slash, key = parts[5].partition("/")
    return bucket, (key if slash else None)


def _prefix_conditions(statement: Mapping[str, Any]) -> list[str] | None:
    condition = statement.get("Condition") or {}
    values: list[str] = []
    for operator in _PREFIX_CONDITION_OPERATORS:
        values += [str(v) for v in _list((condition.get(operator) or {}).get("s3:prefix"))]
    return values or None


def unexplained_resources(statement: Mapping[str, Any], identity: ExpectedIdentity) -> list[str] | None:
    """The resources of an Allow statement that neither the identity's buckets nor its grants explain.

    None when the statement grants no S3 action at all (then it cannot share data, only be extra).
    """
    actions = ["*"] if "NotAction" in statement else [str(a).lower() for a in _list(statement.get("Action"))]
    s3_actions = [a for a in actions if a == "*" or a.startswith("s3:")]
    if not s3_actions:
        return None
    if "NotResource" in statement:
        return [f"every resource except {_list(statement['NotResource'])}"]
    read_only = all(a in READ_ACTIONS for a in s3_actions)
    own = set(identity.bucket_names)
    unexplained: list[str] = []
    for resource in (str(r) for r in _list(statement.get("Resource"))):
        parsed = _s3_arn(resource)
        if parsed is None or set("*?") & set(parsed[0]):
            unexplained.append(resource)
            continue
        bucket, key = parsed
        if bucket in own:
            continue
        grants = [g for g in identity.read_grants if g.bucket == bucket]
        if not grants or not read_only:
            unexplained.append(resource)
        elif key is None:
            prefixes = _prefix_conditions(statement)
            if prefixes is None or not all(any(p.startswith(g.prefix) for g in grants) for p in prefixes):
                unexplained.append(resource)
        elif not any(key.startswith(g.prefix) for g in grants):
            unexplained.append(resource)
    return unexplained


def audit_identity(
    iam: IamClient,
    identity: ExpectedIdentity,
    partition: str,
    *,
    bucket_owners: Mapping[str, str | None],
    active_agreements: Iterable[str] = (),
) -> list[Finding]:
    """Every finding about one storage identity."""
    user = identity.user_name
    resource = f"storage identity {user}"
    found: list[Finding] = []

    def add(code: str, severity: Severity, message: str, **evidence: Any) -> None:
        found.append(Finding(code, severity, identity.tenant, resource, message, evidence))

    if read_storage_identity(iam, user) is None:
        add("AUD-IAM-001", Severity.MEDIUM, f"storage identity {user} is declared but does not exist")
        return found
    expected: list[dict[str, Any]] = []
    if identity.bucket_names or identity.read_grants:
        expected = identity_policy(identity.bucket_names, identity.read_grants, partition=partition)["Statement"]
    expected_keys = {canonical_statement(s) for s in expected}
    sources, groups = _policy_sources(iam, user)
    managed_source = f"inline policy {IDENTITY_POLICY_NAME}"
    extra: list[dict[str, Any]] = []
    for source, document in sources:
        for statement in _statements(document):
            if statement.get("Effect") != "Allow":
                continue
            unexplained = unexplained_resources(statement, identity)
            if unexplained:
                add(
                    "AUD-IAM-002",
                    Severity.CRITICAL,
                    f"sharing grant without an active agreement: {user} may reach "
                    f"{', '.join(unexplained)} through {source} (statement {statement.get('Sid') or '(no Sid)'})",
                    policy=source,
                    sid=statement.get("Sid"),
                    statement=statement,
                    unexplained=unexplained,
                    bucketOwners={r: _owner(r, bucket_owners) for r in unexplained},
                    ownBuckets=list(identity.bucket_names),
                    agreementGrants=[{"bucket": g.bucket, "prefix": g.prefix} for g in identity.read_grants],
                    activeAgreements=list(active_agreements),
                )
            elif source != managed_source or canonical_statement(statement) not in expected_keys:
                extra.append({"policy": source, "sid": statement.get("Sid"), "statement": statement})
    if extra or groups:
        add(
            "AUD-IAM-003",
            Severity.HIGH,
            f"storage identity {user} holds permissions beyond its declared policy",
            extra=extra,
            groups=groups,
        )
    managed = next((d for s, d in sources if s == managed_source), {})
    present = {canonical_statement(s) for s in _statements(managed)}
    missing = [s for s in expected if canonical_statement(s) not in present]
    if missing:
        add(
            "AUD-IAM-004",
            Severity.LOW,
            f"storage identity {user} lacks declared access (the tenant or a consumer cannot work as agreed)",
            missing=missing,
        )
    return found


def _owner(resource: str, bucket_owners: Mapping[str, str | None]) -> str | None:
    parsed = _s3_arn(resource)
    return bucket_owners.get(parsed[0]) if parsed else None


# ------------------------------------------------------------------------------------------- the audit


def audit_storage(
    expected: ExpectedState,
    s3: S3Client,
    iam: IamClient | None,
    *,
    progress: Progress | None = None,
) -> ScanReport:
    """Check every declared bucket and (with an IAM client) storage identity; reads only."""
    report = ScanReport()
    partition = partition_for_region(str(getattr(s3.meta, "region_name", None) or "us-east-1"))
    owners = {b.spec.name: b.tenant for b in expected.buckets}
    for owner in storage_owners(expected, identities=iam is not None):
        for bucket in (b for b in expected.buckets if b.tenant == owner):
            report.findings += audit_bucket(s3, bucket, partition)
            report.count("buckets")
        if owner is not None and owner in expected.storage_quotas:
            report.findings += audit_quota(s3, expected, owner)
        if iam is not None:
            for identity in (i for i in expected.identities if i.tenant == owner):
                report.findings += audit_identity(
                    iam, identity, partition, bucket_owners=owners, active_agreements=expected.active_agreements
                )
                report.count("storageIdentities")
        if progress is not None:
            progress(f"storage {owner or 'site'}")
    return report


def audit_quota(s3: S3Client, expected: ExpectedState, tenant: str) -> list[Finding]:
    """A tenant's stored bytes against its approved quota (``spec.storage.quota``), measured, not enforced:
    no S3-compatible store limits a tenant through the S3 API.

    Every bucket the plan gives the tenant counts, every version: its zones' and its database's backup bucket
    (``<site>-<tenant>-backup``, which the plan parents under the tenant). Backups are the tenant's data in
    the same store, sized by the retention the agency asks for, and no other approval covers them; the
    contract says so (docs/tenant-contract.md, ``spec.storage.quota``) and the finding shows their share.
    """
    buckets = sorted(b.spec.name for b in expected.buckets if b.tenant == tenant)
    by_bucket = {name: stored_bytes(s3, name) for name in buckets}
    used = sum(by_bucket.values())
    quota = expected.storage_quotas[tenant]
    if used <= quota:
        return []
    backups = sum(n for name, n in by_bucket.items() if name in _backup_buckets(expected, tenant))
    return [
        Finding(
            "AUD-S3-010",
            Severity.MEDIUM,
            tenant,
            f"tenant {tenant}'s buckets",
            f"tenant {tenant} stores {used:,} bytes (all versions, database backups {backups:,} of them) against an "
            f"approved quota of {quota:,} bytes; the store does not enforce the quota: ask the agency to delete "
            "data, shorten its backup retention or request a larger quota",
            {
                "storedBytes": used,
                "quotaBytes": quota,
                "backupBytes": backups,
                "buckets": buckets,
                "bytesByBucket": by_bucket,
            },
        )
    ]


def _backup_buckets(expected: ExpectedState, tenant: str) -> set[str]:
    """The tenant's database backup buckets: tagged with the backup zone (``naming.BACKUP_ZONE``)."""
    return {
        b.spec.name for b in expected.buckets if b.tenant == tenant and b.spec.tags.get(label("zone")) == BACKUP_ZONE
    }


def storage_owners(expected: ExpectedState, *, identities: bool = True) -> list[str | None]:
    """The tenants that own something in the store, in plan order, then the platform (``govcloud-platform``: its
    buckets and the open-data portal's identities carry that owner tag), and ``None`` for anything a plan
    declares with neither an owning tenant nor an owner tag."""
    owning = {b.tenant for b in expected.buckets}
    if identities:
        owning |= {i.tenant for i in expected.identities}
    ordered: list[str | None] = [t for t in expected.tenants if t in owning]
    ordered += sorted((t for t in owning if t is not None and t not in ordered), key=str)
    return ordered + ([None] if None in owning else [])
