"""The govcloud command as scripts and people use it: exit codes, one line per problem, no tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govcloud.cli import app
from govcloud.contract.schema import SCHEMA_FILES, render
from govcloud.contract.stack import display_name

REPO_ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_validate_a_valid_stack() -> None:
    result = runner.invoke(app, ["validate", "--stack", "national-prod", "--project", str(REPO_ROOT)])
    assert result.exit_code == 0, result.output
    assert "7 tenants and 3 sharing agreements are valid" in result.output


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "stacks", project / "stacks")
    return project


def test_every_problem_of_every_file_is_one_line_and_exit_1(tmp_path: Path) -> None:
    project = _project(tmp_path)
    tenants = project / "stacks" / "national-prod" / "tenants"
    nso = tenants / "nso.yaml"
    nso.write_text(nso.read_text("utf-8").replace("classification: confidential", "clasification: confidential"))
    tmd = tenants / "tmd.yaml"
    tmd.write_text(tmd.read_text("utf-8").replace("ministry: MDES", "ministry: MICT"), "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "govcloud", "validate", "--stack", "national-prod", "--today", "2026-11-25"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert (
        "stacks/national-prod/tenants/nso.yaml:19: spec.clasification: unknown field `clasification`; did you "
        "mean `classification`?" in lines
    )
    assert "stacks/national-prod/tenants/nso.yaml:6: spec.classification: is required" in lines
    assert any(
        line.startswith("stacks/national-prod/tenants/tmd.yaml:11: spec.agency.ministry: must be") for line in lines
    )
    assert lines[-1] == "3 problems in 2 files"
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"name: caf\xe9\n", "UTF-8"),
        (b"a: [unclosed", "(document)"),
        (b"apiVersion: govcloud/v1\napiVersion: govcloud/v1\n", "appears twice"),
        (b"- just\n- a list\n", "(document)"),
        (b"", "empty"),
        (b"a: &x 1\nb: *x\n", "anchors"),
    ],
)
def test_broken_files_never_produce_a_traceback(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "govcloud", "validate", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0].startswith(f"{display_name(path)}:"), "paths shown as the user would type them"


@pytest.mark.parametrize(
    "arguments",
    [
        ["validate"],
        ["validate", "/nonexistent/file.yaml"],
        ["synth"],
        ["diff", "a.json"],
        ["bogus"],
        ["validate", "--stack", "national-prod", "--today", "yesterday"],
    ],
)
def test_usage_errors_exit_2(arguments: list[str]) -> None:
    result = runner.invoke(app, [*arguments, "--project", str(REPO_ROOT)] if arguments[0] == "validate" else arguments)
    assert result.exit_code == 2, result.output


def test_synth_writes_plan_and_manifests(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["synth", "--stack", "dev", "--today", "2026-11-25", "--out", str(out), "--project", str(REPO_ROOT)]
    )
    assert result.exit_code == 0, result.output
    plan = json.loads((out / "plan.json").read_text("utf-8"))
    assert plan["stack"] == "dev" and plan["tenants"] == ["nso", "tmd"]
    assert (out / "manifests" / "nso" / "namespace-nso.yaml").is_file()
    assert "policy pack: 0 mandatory," in result.output
    buckets = [r for r in plan["resources"] if r["type"] == "pulumi-python:dynamic/govcloud:Bucket"]
    # dev: a plain-HTTP object store, and public names on the site CA (no publicIssuer: no HSTS either).
    assert {v["policy"].split()[0] for v in plan["policyViolations"]} == {"GC-DATA-003", "GC-TLS-002"}
    plain_http = [v for v in plan["policyViolations"] if v["policy"].startswith("GC-DATA-003")]
    assert len(plain_http) == len(buckets), "every bucket of dev's plain-HTTP store is advised on"
    assert "GC-DATA-003" in result.output, "dev's plain-HTTP object store is advised on"
    assert "Namespace nso 🔒 protected, retained" in result.output


def test_synth_of_an_invalid_stack_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    project = _project(tmp_path)
    nso = project / "stacks" / "dev" / "tenants" / "nso.yaml"
    nso.write_text(nso.read_text("utf-8").replace("tier: small", "tier: tiny"), "utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["synth", "--stack", "dev", "--out", str(out), "--project", str(project)])
    assert result.exit_code == 1
    assert not out.exists()


def test_diff_of_identical_plans_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner.invoke(app, ["synth", "-s", "dev", "--today", "2026-11-25", "-o", str(out), "--project", str(REPO_ROOT)])
    result = runner.invoke(app, ["diff", str(out), str(out / "plan.json")])
    assert result.exit_code == 0
    assert "0 to add 0 to change 0 to replace 0 to remove" in result.output


def test_published_schemas_match_the_models() -> None:
    for file_name, model in SCHEMA_FILES.items():
        committed = (REPO_ROOT / "schemas" / file_name).read_text("utf-8")
        assert committed == render(model, file_name), f"run `govcloud schema` to refresh {file_name}"


def test_examples_point_editors_at_the_schema() -> None:
    for path in (REPO_ROOT / "stacks").glob("*/tenants/*.yaml"):
        first = path.read_text("utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../../schemas/tenant-request.schema.json", path
        assert (path.parent / "../../../schemas/tenant-request.schema.json").resolve().is_file()


def test_the_schema_accepts_every_example_and_refuses_a_typo() -> None:
    import jsonschema
    import yaml

    schema = json.loads((REPO_ROOT / "schemas" / "tenant-request.schema.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for path in (REPO_ROOT / "stacks").glob("*/tenants/*.yaml"):
        validator.validate(yaml.safe_load(path.read_text("utf-8")))
    document = yaml.safe_load((REPO_ROOT / "stacks/dev/tenants/nso.yaml").read_text("utf-8"))
    document["spec"]["clasification"] = "internal"
    assert not validator.is_valid(document)


def test_the_readme_example_request_is_valid(tmp_path: Path) -> None:
    text = (REPO_ROOT / "README.md").read_text("utf-8")
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "tenants" / "tmd.yaml"
    path.parent.mkdir()
    path.write_text(block, "utf-8")
    result = runner.invoke(app, ["validate", "--stack", "national-prod", "--project", str(REPO_ROOT), str(path)])
    assert result.exit_code == 0, result.output


def test_pulumi_project_file_is_valid(shared_dir: Path) -> None:
    import jsonschema
    import yaml

    schema = json.loads((shared_dir / "schemas" / "pulumi" / "project.json").read_text("utf-8"))
    project = yaml.safe_load((REPO_ROOT / "Pulumi.yaml").read_text("utf-8"))
    jsonschema.validate(project, schema, cls=jsonschema.Draft202012Validator)
    assert project["stackConfigDir"] == "stacks" and project["runtime"]["name"] == "python"


def test_the_contract_documentation_examples_are_valid(tmp_path: Path) -> None:
    """Every TenantRequest and DataSharingAgreement shown in docs/ validates in the national stack."""
    import yaml

    from govcloud.contract.stack import load_stack

    project = _project(tmp_path)
    blocks = []
    for doc in sorted((REPO_ROOT / "docs").glob("*.md")):
        for block in doc.read_text("utf-8").split("```yaml\n")[1:]:
            blocks.append(block.split("```", 1)[0])
    examples = [yaml.safe_load(b) for b in blocks if "kind: TenantRequest" in b or "kind: DataSharingAgreement" in b]
    assert len(examples) >= 2
    for text, example in zip([b for b in blocks if "kind:" in b], examples, strict=True):
        folder = "tenants" if example["kind"] == "TenantRequest" else "sharing"
        (project / "stacks" / "national-prod" / folder / f"{example['metadata']['name']}.yaml").write_text(text)
    definition = load_stack(project / "stacks", "national-prod", "2026-11-25")
    assert {e["metadata"]["name"] for e in examples} <= {t.name for t in definition.tenants} | {
        a.name for a in definition.agreements
    }
