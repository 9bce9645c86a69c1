"""The real Pulumi engine deploys, updates and protects the local test stack.

One deployment per module, and the tests run in file order on it: ``pulumi up`` from empty, a no-op
``pulumi preview``, the state holds no plaintext credential, drift is repaired by refresh and up, an
agreement past its end date is revoked (and a new one grants again), and removing a tenant's file stops at
its protected resources without deleting anything.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from govcloud.components.kubernetes import PATCH_FORCE
from govcloud.components.storage import STORAGE_SECRET
from govcloud.storage import Credentials, S3Connection, s3_client
from govcloud.synth.engine import synthesize
from govcloud.synth.plan import plan_document
from govcloud.synth.policy import run_policies
from tests.cluster.controlplane import Kube
from tests.cluster.engine.conftest import LocalSite
from tests.conftest import REPO_ROOT
from tests.storage.conftest import ADMIN_KEY_ID, ADMIN_SECRET

BUCKET = "pulumi-python:dynamic/govcloud:Bucket"
IDENTITY = "pulumi-python:dynamic/govcloud:StorageIdentity"
CONSUMER_TENANT = "doae"
EXPIRING = "tmd-to-doae-drought"
PLAIN_SETTINGS = {"AWS_REGION", "AWS_ENDPOINT_URL"}
"""Keys of the storage-credentials Secret that are settings, not credentials (govcloud/components/storage.py)."""


@pytest.fixture(scope="module")
def deployed(local_site: LocalSite) -> Iterator[tuple[LocalSite, dict[str, Any]]]:
    """``pulumi up`` of the local stack from empty: the answer of the run."""
    yield local_site, local_site.ok("up")


def _resources(site: LocalSite) -> list[dict[str, Any]]:
    deployment = site.ok("export")["deployment"]
    resources: list[dict[str, Any]] = deployment["resources"]
    return resources


def _kubernetes_objects(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The live objects the state says exist: every ``kubernetes:`` custom resource but the provider."""
    return [
        r["outputs"]
        for r in resources
        if r["type"].startswith("kubernetes:") and not r["type"].startswith("pulumi:providers:") and r.get("custom")
    ]


def _identity(obj: dict[str, Any]) -> str:
    return f"{obj['kind']} {obj['metadata'].get('namespace', '')}/{obj['metadata']['name']}"


def _admin(site: LocalSite, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=site.store.endpoint,
        region_name="us-east-1",
        aws_access_key_id=ADMIN_KEY_ID,
        aws_secret_access_key=ADMIN_SECRET,
    )


def _denied(call: Callable[[], object]) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    return str(caught.value.response["Error"]["Code"])


def test_up_creates_every_resource_on_the_server_and_the_store(deployed: tuple[LocalSite, dict[str, Any]]) -> None:
    site, up = deployed
    assert up["result"] == "succeeded"
    assert up["changes"].get("create", 0) > 100, up["changes"]
    assert set(up["outputs"]["tenants"]) == {"doae", "nso", "tmd"}
    resources = _resources(site)
    kube = site.plane.kube()
    objects = _kubernetes_objects(resources)
    assert len(objects) > 80
    missing = []
    for obj in objects:
        metadata = obj["metadata"]
        live = kube.get(obj["apiVersion"], obj["kind"], metadata["name"], metadata.get("namespace"))
        if live is None:
            missing.append(f"{obj['kind']} {metadata.get('namespace', '')}/{metadata['name']}")
    assert not missing, missing
    s3, iam = _admin(site, "s3"), _admin(site, "iam")
    buckets = [r["outputs"]["name"] for r in resources if r["type"] == BUCKET]
    identities = [r["outputs"]["user_name"] for r in resources if r["type"] == IDENTITY]
    assert buckets and identities
    live_buckets = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert set(buckets) <= live_buckets
    for user in identities:
        iam.get_user(UserName=user)
    data = [r for r in resources if r["type"] in (BUCKET, "kubernetes:core/v1:Namespace")]
    assert data and all(r.get("protect") and r.get("retainOnDelete") for r in data), "data-bearing: protected"


def test_a_following_preview_shows_no_change(deployed: tuple[LocalSite, dict[str, Any]]) -> None:
    site, _ = deployed
    changes = site.ok("preview")["changes"]
    assert set(changes) == {"same"}, changes


def test_the_policy_pack_in_a_real_preview_reports_what_synth_reports(
    deployed: tuple[LocalSite, dict[str, Any]], tmp_path: Path
) -> None:
    """``pulumi preview --policy-pack``: the pack in ``policies/`` judges the engine's own resource graph.

    Without the Python language host the engine cannot start a Python pack from its folder; it launches an
    executable file given as ``--policy-pack`` as a binary analyzer plugin instead (pkg/resource/plugin/
    analyzer_plugin.go, ``NewPolicyAnalyzer``, v3.274.0): the file runs the same ``policies/__main__.py``,
    whose ``PolicyPack`` serves the analyzer protocol and prints its port, as under the language host. Python
    runs unbuffered (``-u``, as the language host runs it): pulumi_policy writes the port without a flush, and
    through a pipe a buffered line never reaches the engine, which then waits forever.
    """
    site, _ = deployed
    pack = tmp_path / "govcloud-policy-pack"
    pack.write_text(f'#!/bin/sh\nexec "{sys.executable}" -u "{REPO_ROOT / "policies" / "__main__.py"}" "$@"\n')
    pack.chmod(0o755)
    preview = site.run("preview", policy_pack=pack)
    assert "Policy Packs run" in preview["output"] + preview.get("error", "")
    engine = {(p["policy"], p["urn"].rsplit("::", 1)[-1]) for p in preview["policies"]}
    document = plan_document(synthesize(site.project, "local", dt.date.today().isoformat()))
    synth = {(v.policy.split()[-1], v.urn.rsplit("::", 1)[-1]) for v in run_policies(document)}
    seeded = {(policy, name) for policy, name in synth if policy == "object-store-over-tls"}
    assert len(seeded) >= 10, "the local stack's plain-HTTP store is a seeded violation on every bucket"
    messages = {(p["policy"], p["urn"].rsplit("::", 1)[-1]): p["message"] for p in preview["policies"]}
    extra = {key: messages[key] for key in sorted(engine - synth)}
    assert engine == synth, f"engine only: {extra}; synth only: {sorted(synth - engine)}"


def audit(site: LocalSite) -> tuple[int, list[dict[str, Any]]]:
    """``govcloud audit`` of the deployed copy against the control plane and the store: exit code, findings."""
    done = subprocess.run(
        [
            *(str(Path(sys.executable).parent / "govcloud"), "audit", "--stack", "local"),
            *("--project", str(site.project), "--kubeconfig", str(site.plane.kubeconfig), "--format", "json"),
        ],
        env=site.env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr[-4000:]
    report = json.loads(done.stdout)
    findings: list[dict[str, Any]] = report["findings"] if isinstance(report, dict) else report
    return done.returncode, findings


def test_audit_of_the_deployed_stack_finds_nothing_high(deployed: tuple[LocalSite, dict[str, Any]]) -> None:
    site, _ = deployed
    site.store.set_unauthenticated_budget(1_000_000)
    code, findings = audit(site)
    high = [f for f in findings if f["severity"] in ("high", "critical")]
    assert not high, json.dumps(high, indent=1)[:4000]
    assert code == 0


def _secret_values(kube: Kube) -> list[str]:
    """Every value of every Secret the deployment made, decoded (keys, passwords)."""
    values = []
    namespaces = [str(n["metadata"]["name"]) for n in kube.list("v1", "Namespace")]
    secrets = [s for ns in namespaces if not ns.startswith("kube-") for s in kube.list("v1", "Secret", ns)]
    for secret in secrets:
        for key, encoded in (secret.get("data") or {}).items():
            if key in PLAIN_SETTINGS:
                continue
            value = base64.b64decode(encoded).decode("utf-8", errors="replace")
            if len(value) >= 8:
                values.append(value)
    return values


def _where(deployment: dict[str, Any], value: str) -> str:
    """The resource and property path where ``value`` appears in plain text."""

    def walk(node: Any, path: str) -> str | None:
        if isinstance(node, dict):
            return next((p for k, v in node.items() if (p := walk(v, f"{path}.{k}"))), None)
        if isinstance(node, list):
            return next((p for i, v in enumerate(node) if (p := walk(v, f"{path}[{i}]"))), None)
        return path if isinstance(node, str) and value in node else None

    for resource in deployment["resources"]:
        found = walk(resource, "")
        if found:
            return f"{value[:4]}… in {resource['urn'].rsplit('::', 1)[-1]} {found}"
    return f"{value[:4]}…"


def test_stack_export_holds_no_plaintext_credential(deployed: tuple[LocalSite, dict[str, Any]]) -> None:
    site, _ = deployed
    # The CLI's own export, as at rest: the Automation API's export_stack adds --show-secrets.
    exported = subprocess.run(
        [str(site.env["PATH"].split(os.pathsep)[0] + "/pulumi"), "stack", "export", "--stack", "local"],
        cwd=site.project,
        env=site.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    state = exported.stdout
    secrets = _secret_values(site.plane.kube())
    assert secrets, "the deployment made Secrets with keys in them"
    leaked = [_where(json.loads(state)["deployment"], value) for value in secrets if value in state]
    assert not leaked, f"plaintext in the state: {leaked}"
    for value in secrets:
        assert base64.b64encode(value.encode()).decode() not in state
    assert ADMIN_SECRET not in state
    assert "ciphertext" in state, "secret outputs are encrypted with the passphrase provider"


def test_drift_is_found_by_refresh_and_repaired_by_up(deployed: tuple[LocalSite, dict[str, Any]]) -> None:
    site, _ = deployed
    kube = site.plane.kube()
    policies = kube.list("networking.k8s.io/v1", "NetworkPolicy", "nso")
    deny = next(p for p in policies if "deny" in p["metadata"]["name"])
    kube.delete("networking.k8s.io/v1", "NetworkPolicy", deny["metadata"]["name"], "nso")
    s3 = _admin(site, "s3")
    s3.put_bucket_versioning(Bucket="national-dev-nso-raw", VersioningConfiguration={"Status": "Suspended"})
    code, findings = audit(site)
    found = {(f["code"], f["resource"]) for f in findings}
    assert code == 1, "a deleted default-deny policy is a high finding"
    assert any(deny["metadata"]["name"] in resource for _, resource in found), found
    assert any("national-dev-nso-raw" in resource for _, resource in found), found

    refreshed = site.ok("refresh")
    assert refreshed["changes"].get("update", 0) >= 1, refreshed["changes"]  # the bucket's versioning
    assert refreshed["changes"].get("delete", 0) >= 1, refreshed["changes"]  # the deleted policy left the state
    repaired = site.ok("up")
    assert repaired["changes"].get("create", 0) >= 1 and repaired["changes"].get("update", 0) >= 1, repaired

    assert kube.get("networking.k8s.io/v1", "NetworkPolicy", deny["metadata"]["name"], "nso") is not None
    assert s3.get_bucket_versioning(Bucket="national-dev-nso-raw")["Status"] == "Enabled"
    assert set(site.ok("preview")["changes"]) == {"same"}


OTHER_MANAGER = "capacity-tuner"
"""A field manager that is neither govcloud's nor one the provider adopts."""


def test_a_field_another_manager_changed_is_restored_by_refresh_and_up(
    deployed: tuple[LocalSite, dict[str, Any]],
) -> None:
    """A quota raised by another tool (a capacity script's PATCH): its field manager now owns ``spec.hard.pods``.

    The provider applies with server-side apply; without ``pulumi.com/patchForce`` on the object its apply is
    not forced and the API server answers 409 Conflict, so ``pulumi up`` stopped instead of repairing the drift.
    Not a ``kubectl...`` manager: the provider adopts the fields of managers whose name starts with ``kubectl``
    before it applies (pulumi/pulumi-kubernetes provider/pkg/await/await.go, ``fixCSAFieldManagers``, v4.25.0),
    so ``kubectl edit`` drift never conflicted; any other tool's does.
    """
    site, _ = deployed
    kube = site.plane.kube()
    quota = kube.get("v1", "ResourceQuota", "tenant-quota", "nso") or {}
    declared = quota["spec"]["hard"]["pods"]
    assert quota["metadata"]["annotations"].get(PATCH_FORCE) == "true"
    raised = str(int(declared) + 7)  # a canonical quantity: the API server keeps it as written
    status, body = kube.request(
        "PATCH",
        kube.path("v1", "ResourceQuota", "tenant-quota", "nso"),
        params={"fieldManager": OTHER_MANAGER},
        body={"spec": {"hard": {"pods": raised}}},
        content_type="application/merge-patch+json",
    )
    assert status == 200, body
    drifted = kube.get("v1", "ResourceQuota", "tenant-quota", "nso") or {}
    assert drifted["spec"]["hard"]["pods"] == raised
    assert OTHER_MANAGER in {m["manager"] for m in drifted["metadata"]["managedFields"]}

    refreshed = site.ok("refresh")
    assert refreshed["changes"].get("update", 0) >= 1, refreshed["changes"]
    repaired = site.ok("up")
    assert repaired["changes"].get("update", 0) >= 1, repaired["changes"]
    restored = kube.get("v1", "ResourceQuota", "tenant-quota", "nso") or {}
    assert restored["spec"]["hard"]["pods"] == declared
    assert set(site.ok("preview")["changes"]) == {"same"}


def _consumer_keys(kube: Kube) -> Credentials:
    secret = kube.get("v1", "Secret", "storage-credentials", CONSUMER_TENANT) or {}
    data = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    return Credentials(data["AWS_ACCESS_KEY_ID"], data["AWS_SECRET_ACCESS_KEY"])


def _consumer_read(site: LocalSite, keys: Credentials, bucket: str, key: str) -> str:
    """``ok`` or the store's error code for the consumer's read, with IAM enforced.

    moto applies the buckets' TLS-only deny to every request (it ignores the ``Bool`` condition, see
    tests/storage/conftest.py): the policy is lifted for the read, so the identity policy decides.
    """
    admin = _admin(site, "s3")
    policy = admin.get_bucket_policy(Bucket=bucket)["Policy"]
    admin.delete_bucket_policy(Bucket=bucket)
    site.store.set_unauthenticated_budget(0)
    try:
        consumer = s3_client(S3Connection(endpoint_url=site.store.endpoint), keys)
        try:
            consumer.get_object(Bucket=bucket, Key=key)["Body"].read()
            return "ok"
        except ClientError as error:
            return str(error.response["Error"]["Code"])
    finally:
        site.store.set_unauthenticated_budget(1_000_000)
        admin.put_bucket_policy(Bucket=bucket, Policy=policy)


def _as_admin(site: LocalSite, bucket: str, call: Callable[[Any], Any]) -> Any:
    """An object call as the admin, the bucket's TLS-only policy lifted (moto applies it to every request)."""
    admin = _admin(site, "s3")
    policy = admin.get_bucket_policy(Bucket=bucket)["Policy"]
    admin.delete_bucket_policy(Bucket=bucket)
    try:
        return call(admin)
    finally:
        admin.put_bucket_policy(Bucket=bucket, Policy=policy)


def _put(site: LocalSite, bucket: str, key: str, body: bytes) -> None:
    _as_admin(site, bucket, lambda s3: s3.put_object(Bucket=bucket, Key=key, Body=body))


def _write_agreement(site: LocalSite, name: str, valid_from: dt.date, valid_until: dt.date) -> None:
    original = (REPO_ROOT / "stacks" / "local" / "sharing" / f"{EXPIRING}.yaml").read_text("utf-8")
    text = original.replace(f"name: {EXPIRING}", f"name: {name}")
    text = text.replace("validFrom: 2026-01-01", f"validFrom: {valid_from.isoformat()}")
    text = text.replace("validUntil: 2026-12-31", f"validUntil: {valid_until.isoformat()}")
    (site.stacks / "local" / "sharing" / f"{name}.yaml").write_text(text, "utf-8")


def test_an_agreement_past_its_end_is_revoked_and_a_new_one_grants_again(
    deployed: tuple[LocalSite, dict[str, Any]],
) -> None:
    site, _ = deployed
    bucket, key = "national-dev-tmd-curated", "drought/2026/provinces.csv"
    _put(site, bucket, key, b"province,index\n")
    keys = _consumer_keys(site.plane.kube())
    assert _consumer_read(site, keys, bucket, key) == "ok"

    today = dt.date.today()
    _write_agreement(site, EXPIRING, dt.date(2026, 1, 1), today - dt.timedelta(days=1))
    expired = site.ok("up")
    assert EXPIRING not in expired["outputs"]["sharing"] or expired["outputs"]["sharing"][EXPIRING] == "expired"
    assert _consumer_keys(site.plane.kube()) == keys, "revocation changes the policy, not the key"
    assert _consumer_read(site, keys, bucket, key) == "AccessDenied"

    _write_agreement(site, f"{EXPIRING}-renewed", today, today + dt.timedelta(days=365))
    renewed = site.ok("up")
    assert renewed["outputs"]["sharing"][f"{EXPIRING}-renewed"] == "active"
    assert _consumer_read(site, keys, bucket, key) == "ok"


ISOLATION_OBJECTS = {
    "NetworkPolicy": {"default-deny-all", "allow-dns", "allow-same-namespace", "allow-object-store"},
    "ResourceQuota": {"tenant-quota"},
    "LimitRange": {"tenant-limits"},
    "Role": {f"govcloud-tenant-{role}" for role in ("admin", "engineer", "analyst", "viewer")},
    "RoleBinding": {"govcloud-tenant-admin"},
    "Secret": {STORAGE_SECRET},
}
"""What keeps the consumer tenant isolated and holds its credentials: protected, so never deleted by a run."""


def _tenant_objects(resources: list[dict[str, Any]], namespace: str) -> dict[str, dict[str, Any]]:
    """The Kubernetes objects of the state in ``namespace``, by identity, with their ``protect`` flag."""
    return {
        _identity(r["outputs"]): r
        for r in resources
        if r["type"].startswith("kubernetes:")
        and r.get("custom")
        and r["outputs"].get("metadata", {}).get("namespace") == namespace
    }


def test_removing_a_tenant_file_stops_at_its_protected_resources_and_deletes_nothing(
    deployed: tuple[LocalSite, dict[str, Any]],
) -> None:
    """Breaking the tenant's file declares nothing; removing it stops at the tenant's protected guard before any
    delete of the tenant, so every object (isolation, credentials, data, and features too) is still there."""
    site, _ = deployed
    kube = site.plane.kube()
    before_resources = _resources(site)
    before = _tenant_objects(before_resources, CONSUMER_TENANT)
    isolation = {f"{kind} {CONSUMER_TENANT}/{name}" for kind, names in ISOLATION_OBJECTS.items() for name in names}
    assert isolation <= set(before), sorted(isolation - set(before))
    unprotected = sorted(identity for identity in isolation if not before[identity].get("protect"))
    assert not unprotected, f"isolation objects without protect: {unprotected}"
    _put(site, "national-dev-doae-raw", "keep/this.csv", b"data")
    request = site.stacks / "local" / "tenants" / f"{CONSUMER_TENANT}.yaml"
    original = request.read_text("utf-8")
    request.write_text(original.replace("tier: small", "tier: enormous"), "utf-8")
    broken = site.run("up")
    assert not broken["ok"]
    assert f"{CONSUMER_TENANT}.yaml:" in broken["error"] and "tier" in broken["error"], broken["error"][-3000:]
    assert {r["urn"] for r in _resources(site)} == {r["urn"] for r in before_resources}, "nothing deleted"
    request.unlink()
    for agreement in (site.stacks / "local" / "sharing").glob(f"*-to-{CONSUMER_TENANT}-*.yaml"):
        agreement.unlink()

    refused = site.run("up")
    assert not refused["ok"]
    assert "protected" in refused["error"], refused["error"][-3000:]
    assert kube.get("v1", "Namespace", CONSUMER_TENANT) is not None
    resources = _resources(site)
    kept_in_state = {r["outputs"].get("name") for r in resources if r["type"] == BUCKET}
    doae_buckets = {r["outputs"]["name"] for r in before_resources if r["type"] == BUCKET and "-doae-" in r["urn"]}
    assert doae_buckets and doae_buckets <= kept_in_state, "the tenant's buckets stay in the state"
    live = {b["Name"] for b in _admin(site, "s3").list_buckets()["Buckets"]}
    assert doae_buckets <= live
    assert any(_identity(o) == f"Namespace /{CONSUMER_TENANT}" for o in _kubernetes_objects(resources))
    # The tenant's guard depends on every other resource of the tenant and is protected: the engine deletes it
    # first, is refused, and skips everything it depends on (govcloud.manifests.namespace.tenant_guard). So not
    # even the unprotected feature objects (routes, analytics, revocable bindings) go.
    after = _tenant_objects(resources, CONSUMER_TENANT)
    assert set(before) <= set(after), f"deleted from the state: {sorted(set(before) - set(after))}"
    assert f"ConfigMap {CONSUMER_TENANT}/govcloud-tenant-guard" in before
    protected_before = {identity for identity, r in before.items() if r.get("protect")}
    gone = []
    for identity in sorted(before):
        obj = before[identity]["outputs"]
        metadata = obj["metadata"]
        if kube.get(obj["apiVersion"], obj["kind"], metadata["name"], metadata.get("namespace")) is None:
            gone.append(identity)
    assert not gone, f"protected objects deleted from the server: {gone}"
    assert isolation <= protected_before
    raw = "national-dev-doae-raw"
    kept = _as_admin(site, raw, lambda s3: s3.get_object(Bucket=raw, Key="keep/this.csv")["Body"].read())
    assert kept == b"data"
