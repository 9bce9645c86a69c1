"""Issue 10: whatever an agency writes, `validate` and `synth` answer with located problems and exit 1.

Each hostile request below used to pass `govcloud validate` and then crash `synth` (exit 2 or 3), or pass
both and take another tenant's names. Now each is one ``FILE:LINE: field: message`` line, exit 1, and
nothing is declared. Then the invariants, over every example stack and generated ones: no derived name
is taken twice, no ``system:`` subject, and every stack that validates synthesizes, today and on each
agreement's first and last day.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from benchmarks.generate import STACK, make_site
from benchmarks.generate import TODAY as GENERATED_TODAY
from govcloud.cli import app
from govcloud.contract.problems import ContractError
from govcloud.contract.stack import StackDefinition, load_stack
from govcloud.contract.tenant import tenant_name_problem
from govcloud.naming import (
    agreement_derived_names,
    duplicated_names,
    platform_derived_names,
    tenant_derived_names,
)
from govcloud.synth.engine import synthesize
from govcloud.synth.plan import plan_document
from tests.program.conftest import EXAMPLE_STACKS, REPO_ROOT, TODAY

runner = CliRunner()
LOCATED = re.compile(r"^stacks/[^:\n]+\.yaml:\d+: [^:\n]+: .+$")
NATIONAL = "stacks/national-prod"
MOPH_NSO = "sharing/moph-to-nso-health-stats.yaml"
UUID = "0d6f7f0b-6bb4-4d2b-8d2c-3c6f0f6b1a2e"


def _project(root: Path) -> Path:
    project = root / "project"
    shutil.copytree(REPO_ROOT / "stacks", project / "stacks")
    shutil.copy(REPO_ROOT / "Pulumi.yaml", project / "Pulumi.yaml")
    return project


def _edit(project: Path, relative: str, old: str, new: str) -> None:
    path = project / NATIONAL / relative
    text = path.read_text("utf-8")
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def _copy(project: Path, source: str, target: str, *replacements: tuple[str, str]) -> None:
    text = (project / NATIONAL / source).read_text("utf-8")
    for old, new in replacements:
        assert old in text, (source, old)
        text = text.replace(old, new)
    (project / NATIONAL / target).write_text(text, "utf-8")


def _tenant_copy(name: str, code: str) -> Callable[[Path], None]:
    """A new tenant file cloned from tmd, renamed (the collision cases)."""

    def apply(project: Path) -> None:
        _copy(
            project,
            "tenants/tmd.yaml",
            f"tenants/{name}.yaml",
            ("name: tmd\n", f"name: {name}\n"),
            ("code: TMD", f"code: {code}"),
            ("ckanOrganization: tmd", f"ckanOrganization: {code.lower()}"),
            ("weather.data.go.th", f"{code.lower()}.data.go.th"),
            ("tmd-", f"{code.lower()}-"),
        )

    return apply


HOSTILE: dict[str, tuple[Callable[[Path], None], str]] = {
    "prefix-with-space": (
        lambda p: _edit(p, MOPH_NSO, "prefix: health-statistics/", 'prefix: "a b/"'),
        "sharing/moph-to-nso-health-stats.yaml:7: spec.provider.prefix: 'a b/' must be a relative path",
    ),
    "agreement-name-of-60": (
        lambda p: _copy(
            p,
            "sharing/moph-to-nso-health-stats.yaml",
            "sharing/moph-to-nso-" + "a" * 48 + ".yaml",
            ("name: moph-to-nso-health-stats", "name: moph-to-nso-" + "a" * 48),
        ),
        "metadata.name: 'moph-to-nso-" + "a" * 48 + "' must be at most 56",
    ),
    "double-hyphen-name": (
        _tenant_copy("evil--agency", "EVIL"),
        "tenants/evil--agency.yaml:5: metadata.name: 'evil--agency' must be 3-20 lowercase letters, digits or single",
    ),
    "pending-agreement-breaking-synth-later": (
        lambda p: _copy(
            p,
            "sharing/moph-to-nso-health-stats.yaml",
            "sharing/moph-to-nso-later.yaml",
            ("name: moph-to-nso-health-stats", "name: moph-to-nso-later"),
            ("prefix: health-statistics/", 'prefix: "health statistics/"'),
            ("validFrom: 2026-01-01", "validFrom: 2027-06-01"),
        ),
        "sharing/moph-to-nso-later.yaml:7: spec.provider.prefix:",
    ),
    "cpu-nan": (
        lambda p: _edit(p, "tenants/tmd.yaml", "  tier: medium\n", "  tier: medium\n  quota: {cpu: .nan}\n"),
        "tenants/tmd.yaml:17: spec.quota.cpu: nan is not a finite number",
    ),
    "cpu-huge-exponent": (
        lambda p: _edit(p, "tenants/tmd.yaml", "  tier: medium\n", '  tier: medium\n  quota: {cpu: "1e999999999"}\n'),
        "tenants/tmd.yaml:17: spec.quota.cpu: '1e999999999' is out of range",
    ),
    "name-with-trailing-newline": (
        lambda p: _edit(p, "tenants/tmd.yaml", "name: tmd\n", 'name: "tmd\\n"\n'),
        "tenants/tmd.yaml:5: metadata.name: 'tmd\\n' must be 3-20",
    ),
    "revenue-backup": (
        _tenant_copy("revenue-backup", "RB"),
        "tenants/revenue-backup.yaml:5: metadata.name: 'revenue-backup' ends with '-backup'",
    ),
    "opendata-portal": (
        _tenant_copy("opendata-portal", "ODP"),
        "tenants/opendata-portal.yaml:5: metadata.name: 'opendata-portal' is reserved",
    ),
    "other-environment-prefix": (
        _tenant_copy("dev-nso", "DEVNSO"),
        "tenants/dev-nso.yaml:5: metadata.name: 'dev-nso' is reserved",
    ),
    "operator-namespace": (
        _tenant_copy("rook-ceph", "ROOK"),
        "tenants/rook-ceph.yaml:5: metadata.name: 'rook-ceph' is reserved",
    ),
    "system-masters": (
        lambda p: _edit(p, "tenants/tmd.yaml", "tmd-platform-admins", "system:masters"),
        "tenants/tmd.yaml:21: spec.access.admins[0]: 'system:masters' is a Kubernetes system group",
    ),
    "metadata-address": (
        lambda p: _edit(
            p, "tenants/tmd.yaml", "cidr: 198.51.100.0/24, ports: [443, 8443]", "cidr: 169.254.169.254/32, ports: [80]"
        ),
        "tenants/tmd.yaml:38: spec.network.egress[0].cidr: '169.254.169.254/32' overlaps 169.254.0.0/16",
    ),
    "self-approved-agreement": (
        lambda p: _edit(p, MOPH_NSO, "email: director@moph.go.th", "email: somchai.j@nso.go.th"),
        f"{MOPH_NSO}:14: spec.approvedBy.email: 'somchai.j@nso.go.th' is not a declared approver",
    ),
    "backup-every-minute": (
        lambda p: _edit(p, "tenants/nso.yaml", '"0 2 * * *", retentionDays: 30', '"* * * * *", retentionDays: 3650'),
        "tenants/nso.yaml:32: spec.database.backup.schedule: '* * * * *' runs more than once an hour",
    ),
    "ckan-organization-by-id": (
        lambda p: _edit(p, "tenants/tmd.yaml", "ckanOrganization: tmd", f"ckanOrganization: {UUID}"),
        f"tenants/tmd.yaml:42: spec.openData.ckanOrganization: '{UUID}' looks like a CKAN id",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_request_is_one_located_problem_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    apply, expected = HOSTILE[case]
    project = _project(tmp_path)
    apply(project)
    monkeypatch.chdir(project)
    for command in (["validate"], ["synth", "--out", str(tmp_path / "out")]):
        result = runner.invoke(
            app, [*command, "--stack", "national-prod", "--project", str(project), "--today", TODAY], env={}
        )
        lines = [line for line in result.output.splitlines() if line.startswith("stacks/")]
        assert result.exit_code == 1, (command, result.output)
        assert lines and all(LOCATED.match(line) for line in lines), result.output
        assert any(expected in line for line in lines), (expected, result.output)
        assert "internal error" not in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out" / "plan.json").exists(), "nothing is declared"


def test_a_duplicate_urn_is_refused_by_synth_not_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Were two requests ever to derive one resource name, synth says so instead of keeping one of them."""
    import govcloud.components.storage as storage

    monkeypatch.setattr(storage, "storage_identity_name", lambda site, tenant: "govcloud-national-prod-shared")
    with pytest.raises(ContractError) as caught:
        synthesize(REPO_ROOT, "national-prod", TODAY)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line, problem.field) == ("stacks/Pulumi.national-prod.yaml", 1, "(plan)")
    assert "same URN" in problem.message and "govcloud-national-prod-shared" in problem.message


# --- invariants ----------------------------------------------------------------------------------------------


def _dates(definition: StackDefinition) -> list[dt.date]:
    days = {definition.today}
    for agreement in definition.agreements:
        days |= {agreement.agreement.spec.valid_from, agreement.agreement.spec.valid_until}
    return sorted(days)


def _assert_invariants(project: Path, stack: str, today: str) -> int:
    """Validate, then synthesize on every date that changes an agreement's status; returns the runs made."""
    definition = load_stack(project / "stacks", stack, today)
    names = [*platform_derived_names(definition.site)]
    for tenant in definition.tenants:
        names += tenant_derived_names(definition.site, tenant)
    for agreement in definition.agreements:
        names += agreement_derived_names(agreement.agreement.spec.consumer.tenant, agreement.name)
    assert duplicated_names(names) == []
    runs = 0
    for day in _dates(definition):
        plan = plan_document(synthesize(project, stack, day.isoformat()))
        runs += 1
        declared = Counter(
            (r["type"], str(r["inputs"].get("user_name") or r["inputs"].get("name") or r["name"]))
            for r in plan["resources"]
            if r["type"].endswith(("govcloud:Bucket", "govcloud:StorageIdentity"))
        )
        assert [key for key, count in declared.items() if count > 1] == [], day
        for resource in plan["resources"]:
            for subject in resource["inputs"].get("subjects") or []:
                assert not str(subject.get("name", "")).lower().startswith("system:"), (resource["name"], subject)
    return runs


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_every_example_stack_holds_the_invariants_on_every_agreement_date(stack: str) -> None:
    assert _assert_invariants(REPO_ROOT, stack, TODAY) >= 1


def test_a_generated_stack_holds_the_invariants_on_every_agreement_date(tmp_path: Path) -> None:
    project = make_site(tmp_path, 12, "single")
    assert _assert_invariants(project, STACK, GENERATED_TODAY) >= 3


# --- property: whatever validates, synthesizes -----------------------------------------------------------

WORDS = ("nso", "tax", "dev", "backup", "raw", "portal", "opendata", "kube", "x1", "system", "rook", "stats")
SCHEDULES = ("* * * * *", "5 */2 * * 1-5", "0 2 * * 7", "60 2 * * *", "0 2 * * sun", "0 2 31 2 *")
QUANTITIES = ("1e3", ".5", "1e999999999", "nan", "9Ei", "1e-9", "0", "16 ")
PREFIXES = ("a b/", "x/../y/", "ok.v1/(2024)/", "/abs/", "tab\t/", "é/")
CIDRS = ("169.254.169.254/32", "10.20.0.0/24", "64:ff9b::/96", "2001:db8::/48", "10.96.0.1/32", "0.0.0.0/8")
NAMES = ("x" * 57, "share--two", "s" * 56, "Share", "share-")


def _knob(draw: Any, valid: Any, hostile: tuple[Any, ...]) -> Any:
    """Mostly the valid value, sometimes a hostile one: stacks that validate must still come up often."""
    # Hypothesis shrinks towards 0: the valid value is the simple one, a hostile value the rarer.
    return draw(st.sampled_from(hostile)) if draw(st.integers(0, 3)) == 3 else valid


def _tenant_doc(template: dict[str, Any], name: str, code: str, draw: Any) -> dict[str, Any]:
    doc = copy.deepcopy(template)
    doc["metadata"]["name"] = name
    spec = doc["spec"]
    spec["agency"]["code"] = code
    for contact in spec["contacts"].values():
        contact["email"] = contact["email"].split("@")[0] + f"@{code.lower()}.go.th"
    spec["access"] = {"admins": [_knob(draw, f"{name}-admins", ("system:masters", "nso-admins", "tax-admins"))]}
    spec["network"] = {"ingress": {"hostnames": [f"{code.lower()}.data.go.th"]}}
    spec["network"]["egress"] = [{"cidr": _knob(draw, "203.0.113.0/24", CIDRS), "ports": [443]}]
    cpu = _knob(draw, None, QUANTITIES)
    if cpu is not None:
        spec["quota"] = {**spec.get("quota", {}), "cpu": cpu}
    if spec.get("database"):
        spec["database"]["backup"] = {"schedule": _knob(draw, "0 2 * * *", SCHEDULES)}
    if spec.get("openData", {}).get("ckanOrganization"):
        spec["openData"]["ckanOrganization"] = _knob(draw, code.lower(), ("0d6f7f0b6bb44d2b8d2c3c6f0f6b1a2e",))
    return doc


@st.composite
def small_stacks(draw: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    folder = REPO_ROOT / NATIONAL / "tenants"
    templates = {p.stem: yaml.safe_load(p.read_text("utf-8")) for p in folder.glob("*.yaml")}
    names = draw(
        st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=2).map("-".join), min_size=2, max_size=3,
                 unique=True).filter(lambda found: sum(tenant_name_problem(n) is None for n in found) >= 2)
    )  # fmt: skip
    # nso reads from tmd in the examples: a confidential consumer of a public provider, always allowed.
    kinds = ["tmd", "nso", *(["dga"] if len(names) > 2 else [])]
    pairs = enumerate(zip(kinds, names, strict=False))
    tenants = [_tenant_doc(templates[kind], name, f"AG{i}", draw) for i, (kind, name) in pairs]
    provider, consumer = tenants[0], tenants[1]
    start = dt.date(2026, 11, 25) + dt.timedelta(days=draw(st.integers(min_value=-400, max_value=400)))
    approver = provider["spec"]["contacts"]["owner"]["email"]
    agreement = {
        "apiVersion": "govcloud/v1",
        "kind": "DataSharingAgreement",
        "metadata": {"name": _knob(draw, "share-one", NAMES)},
        "spec": {
            "provider": {"tenant": provider["metadata"]["name"], "zone": "curated",
                         "prefix": _knob(draw, "rainfall/daily/", PREFIXES)},
            "consumer": {"tenant": consumer["metadata"]["name"]},
            "access": "read",
            "purpose": "Generated exchange for the property test",
            "validFrom": start,
            "validUntil": start + dt.timedelta(days=draw(st.integers(min_value=0, max_value=800))),
            "approvedBy": {"name": "Owner", "reference": "GEN 1/2569",
                           "email": _knob(draw, approver, (consumer["spec"]["contacts"]["owner"]["email"],))},
        },
    }  # fmt: skip
    return tenants, [agreement]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_stacks())
def test_every_stack_that_validates_also_synthesizes_on_every_agreement_date(
    stack: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    tenants, agreements = stack
    with tempfile.TemporaryDirectory() as root:
        project = Path(root)
        shutil.copy(REPO_ROOT / "Pulumi.yaml", project / "Pulumi.yaml")
        for folder in ("tenants", "sharing"):
            (project / "stacks" / STACK / folder).mkdir(parents=True)
        shutil.copy(REPO_ROOT / "stacks" / f"Pulumi.{STACK}.yaml", project / "stacks" / f"Pulumi.{STACK}.yaml")
        for doc in [*tenants, *agreements]:
            folder = "tenants" if doc["kind"] == "TenantRequest" else "sharing"
            path = project / "stacks" / STACK / folder / f"{doc['metadata']['name']}.yaml"
            path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
        try:
            load_stack(project / "stacks", STACK, TODAY)
        except ContractError as error:
            event("refused with located problems")
            shown = [str(p).replace(f"{project}/", "") for p in error.problems]
            assert shown and all(LOCATED.match(line) for line in shown), shown
            return
        event("valid: synthesized on every date")
        assert _assert_invariants(project, STACK, TODAY) >= 1
