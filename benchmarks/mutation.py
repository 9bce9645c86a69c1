"""Mutation testing of the security-critical modules, one target at a time (issue 17).

Why a wrapper around ``mutmut run``: mutmut reads one ``[tool.mutmut]`` table from the working directory's
``pyproject.toml``, and its first step runs every selected test once to learn which tests reach which
function. On this project's two shared cores that must stay narrow, so each target names the modules it
mutates and the fast unit tests that guard them. The wrapper snapshots the working tree into
``build/mutation/<target>/`` (so concurrent edits in the checkout cannot change a run half-way), writes
that target's ``[tool.mutmut]`` there (the base table of the repository's ``pyproject.toml`` plus
``only_mutate`` and the test selection below), runs mutmut, and prints and saves the score.

    python benchmarks/mutation.py naming            # one target
    python benchmarks/mutation.py naming --max-children 1 --mutants 'govcloud.naming.x_bucket_name*'
    python benchmarks/mutation.py --list

Results: ``build/mutation/<target>/summary.json`` (counts, score, survivors, run time); the recorded
figures are in ``docs/mutation-testing.md``. Not part of CI: a full pass takes far longer than a CI job.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutation"
# What the tests read besides govcloud/ and tests/ (templates, example stacks, schemas, docs, runbooks).
DATA_DIRS = ("stacks", "schemas", "k8s_manifests", "policies", "docs", "runbooks", "images", "benchmarks", "tools")
DATA_FILES = ("README.md", "Pulumi.yaml", "__main__.py", "CODEOWNERS", "requirements.txt")


@dataclass(frozen=True)
class Target:
    """What one run mutates and which (fast) tests may kill its mutants."""

    mutate: tuple[str, ...]
    tests: tuple[str, ...]
    names: tuple[str, ...] = ()
    """Mutant-name globs run by default (all mutants of ``mutate`` when empty); ``--mutants`` overrides."""
    deselect: tuple[str, ...] = ()
    """Tests left out: wall-clock limits, which fail on the loaded machine whatever the mutant (a false kill)."""


UNIT = "tests/unit/"
TIMED = (UNIT + "test_schemas.py::test_validators_are_cached_and_fast",)
"""A wall-clock limit (2,000 validations in 4 s): on two shared cores it fails under load with no mutant at all."""
STORAGE_POLICY_FUNCTIONS = (
    "x_bucket_policy",
    "x_identity_policy",
    "x_canonical_statement",
    "x__as_sorted_list",
    "x__statements",
    "x__is_anonymous",
    "x_has_tls_only_statement",
    "x_grants_anonymous_access",
    "x_portal_principal",
    "x_valid_principal_arn",
    "x__check_principal_arn",
    "x__bucket_arn",
    "x__check_bucket_name",
    "x_partition_for_region",
    "xǁReadGrantǁ",
    "xǁBucketSpecǁ",
)
"""mutmut's names (``x_<function>``, ``xǁ<Class>ǁ<method>``) of the pure grant and policy code in buckets.py."""
TARGETS: dict[str, Target] = {
    "naming": Target(
        mutate=("govcloud/naming.py",),
        tests=(UNIT + "test_naming.py", UNIT + "test_tenant_contract_boundaries.py", UNIT + "test_naming_clauses.py"),
    ),
    "contract": Target(
        mutate=("govcloud/contract/*",),
        tests=(
            UNIT + "test_contract_rules.py",
            UNIT + "test_rules_clauses.py",
            UNIT + "test_field_clauses.py",
            UNIT + "test_stack_clauses.py",
            UNIT + "test_access_clauses.py",
            UNIT + "test_loader.py",
            UNIT + "test_cron_quantity.py",
            UNIT + "test_first_run_problems.py",
            UNIT + "test_tenant_contract_boundaries.py",
            UNIT + "test_schemas.py",
            UNIT + "test_secret_settings.py",
            UNIT + "test_site_networks.py",
            UNIT + "test_stack_defence.py",
            UNIT + "test_sizing_clauses.py",
            UNIT + "test_gateway.py",
            # contract.cron's schedule_period and _go_duration (moved there from audit.expected by issue 15).
            "tests/audit/test_expected.py",
            UNIT + "test_settings_and_schedule_clauses.py",
        ),
        deselect=TIMED,
    ),
    # The YAML loader and the problem messages of contract/ as a target of their own: the contract target's
    # folder stays free for re-runs of its rules and models while this one runs.
    "contract-loader": Target(
        mutate=(
            "govcloud/contract/loader.py",
            "govcloud/contract/errors.py",
            "govcloud/contract/problems.py",
            "govcloud/contract/schema.py",
            "govcloud/contract/reference.py",
            "govcloud/contract/sizing.py",
        ),
        tests=(
            UNIT + "test_error_clauses.py",
            UNIT + "test_loader.py",
            UNIT + "test_contract_rules.py",
            UNIT + "test_first_run_problems.py",
            UNIT + "test_schemas.py",
            UNIT + "test_stack_clauses.py",
            UNIT + "test_tenant_contract_boundaries.py",
            UNIT + "test_contract_reference.py",
            UNIT + "test_analytics.py",
            UNIT + "test_sizing_clauses.py",
            UNIT + "test_contract_commands.py",
            UNIT + "test_loader_messages.py",
            UNIT + "test_site_networks.py",
            UNIT + "test_secret_settings.py",
        ),
        deselect=TIMED,
    ),
    "access": Target(
        mutate=("govcloud/access.py",),
        tests=(UNIT + "test_access_clauses.py", UNIT + "test_analytics.py", UNIT + "test_trino_security.py"),
    ),
    "policy": Target(
        mutate=("govcloud/policy/*",),
        tests=(UNIT + "test_policies.py", UNIT + "test_policy_clauses.py", UNIT + "test_crossguard_proxies.py"),
    ),
    "network": Target(
        mutate=("govcloud/manifests/network.py",),
        tests=(UNIT + "test_netpol.py", UNIT + "test_isolation_analysis.py", UNIT + "test_network_layers.py"),
    ),
    "rbac": Target(
        mutate=("govcloud/manifests/rbac.py",),
        tests=(UNIT + "test_rbac.py", UNIT + "test_admission_policies.py", UNIT + "test_rbac_clauses.py"),
    ),
    # Grants and identity policies only: the boto3 calls are exercised by tests/storage on a moto server,
    # far too slow to run once per mutant on two cores.
    "storage": Target(
        mutate=("govcloud/storage/buckets.py", "govcloud/storage/tenant.py"),
        tests=(UNIT + "test_storage_policies.py",),
        names=(*(f"govcloud.storage.buckets.{n}*" for n in STORAGE_POLICY_FUNCTIONS), "govcloud.storage.tenant.*"),
    ),
    # Each audit test runs the whole audit against a recorded API server: every mutant of the audit takes
    # tens of seconds. The default run covers the checks issue 17 found unguarded (backups, schedules) and
    # the pure comparisons; ``--mutants 'govcloud.audit.*'`` runs everything (hours on two cores).
    "audit": Target(
        mutate=("govcloud/audit/kubernetes_side.py", "govcloud/audit/expected.py"),
        tests=(
            "tests/audit/test_backup_clauses.py",
            "tests/audit/test_kubernetes_side.py",
            "tests/audit/test_expected.py",
        ),
        names=(
            "govcloud.audit.kubernetes_side.xǁ_NamespaceAuditǁbackup_age*",
            "govcloud.audit.kubernetes_side.xǁ_NamespaceAuditǁschedules*",
            "govcloud.audit.kubernetes_side.x_last_backup_time*",
            "govcloud.audit.kubernetes_side.x_parse_time*",
            "govcloud.audit.kubernetes_side.x_open_rules*",
            "govcloud.audit.kubernetes_side.x_allows_traffic*",
        ),
    ),
}


def base_mutmut_table() -> dict[str, object]:
    """The ``[tool.mutmut]`` table of the repository (shared settings: source path, pytest flags)."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    table: dict[str, object] = data.get("tool", {}).get("mutmut", {})
    return dict(table)


def toml_value(value: object) -> str:
    """A TOML literal for the flat values the table holds (strings, numbers, booleans, string lists)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"unsupported value in [tool.mutmut]: {value!r}")


def snapshot(name: str, target: Target) -> Path:
    """A fresh copy of the working tree for one target, with that target's mutmut table."""
    work = WORK / name
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "out", ".hypothesis")
    for folder in ("govcloud", "tests", *DATA_DIRS):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, work / folder, ignore=ignore)
    for file in DATA_FILES:
        if (ROOT / file).is_file():
            shutil.copy2(ROOT / file, work / file)
    table = base_mutmut_table()
    table["only_mutate"] = list(target.mutate)
    copied = table.get("also_copy", [])
    assert isinstance(copied, list)
    table["also_copy"] = [*copied, *(folder for folder in DATA_DIRS if folder not in copied)]
    present = [t for t in target.tests if (work / t).exists()]
    table["pytest_add_cli_args_test_selection"] = present
    base_args = table.get("pytest_add_cli_args", [])
    assert isinstance(base_args, list)
    table["pytest_add_cli_args"] = [*base_args, *(arg for test in target.deselect for arg in ("--deselect", test))]
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", text)
    text += "\n[tool.mutmut]\n" + "".join(f"{key} = {toml_value(value)}\n" for key, value in table.items())
    (work / "pyproject.toml").write_text(text, encoding="utf-8")
    return work


STATUS = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    36: "timeout",
    37: "type check",
    -24: "timeout",
    24: "timeout",
    152: "timeout",
    255: "timeout",
    -9: "signal",
    -11: "signal",
}
"""mutmut 3.8.1's exit codes (mutmut/stats.py ``status_by_exit_code``; it calls -9 and -11 "segfault"): a test run
ended by a signal did not pass, so the mutant was caught, like a timeout."""


def summarize(work: Path, seconds: float) -> dict[str, object]:
    """Count the verdicts mutmut left in ``mutants/**/*.meta``; timeouts count as killed, as mutmut does."""
    counts: dict[str, int] = {}
    survivors: list[str] = []
    per_file: dict[str, dict[str, int]] = {}
    for meta in sorted((work / "mutants").rglob("*.py.meta")):
        data = json.loads(meta.read_text(encoding="utf-8"))
        rel = str(meta.relative_to(work / "mutants"))[: -len(".meta")]
        for key, code in data["exit_code_by_key"].items():
            status = STATUS.get(code, "not checked" if code is None else "suspicious")
            counts[status] = counts.get(status, 0) + 1
            per_file.setdefault(rel, {}).setdefault(status, 0)
            per_file[rel][status] += 1
            if status in ("survived", "no tests", "suspicious"):
                survivors.append(f"{key}: {status}")
    killed = sum(counts.get(status, 0) for status in ("killed", "timeout", "type check", "signal"))
    judged = killed + counts.get("survived", 0) + counts.get("no tests", 0) + counts.get("suspicious", 0)
    return {
        "counts": counts,
        "per_file": per_file,
        "score": round(100.0 * killed / judged, 1) if judged else None,
        "seconds": round(seconds),
        "survivors": survivors,
    }


def main(argv: list[str] | None = None) -> int:
    """Run one target; exit 0 when mutmut ran (the score is information, not a gate)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("target", nargs="?", choices=sorted(TARGETS))
    parser.add_argument("--list", action="store_true", help="print the targets, their modules and tests")
    parser.add_argument("--max-children", type=int, default=2, help="parallel workers (default 2: two cores)")
    parser.add_argument("--mutants", nargs="*", default=[], help="mutant name globs, e.g. 'govcloud.naming.x_*'")
    args = parser.parse_args(argv)
    if args.list or not args.target:
        for name, target in TARGETS.items():
            print(f"{name:9} mutates {' '.join(target.mutate)}\n{'':9} tests   {' '.join(target.tests)}")
        return 0
    target = TARGETS[args.target]
    work = snapshot(args.target, target)
    env = dict(os.environ)
    env.setdefault("GOVCLOUD_SHARED", str(ROOT.parent / "shared"))
    mutmut = shutil.which("mutmut") or str(Path(sys.executable).parent / "mutmut")
    started = time.monotonic()
    names = args.mutants or list(target.names)
    run = subprocess.run(
        [mutmut, "run", "--max-children", str(args.max_children), *names], cwd=work, env=env, check=False
    )
    summary = summarize(work, time.monotonic() - started)
    summary["target"] = args.target
    summary["mutate"] = list(target.mutate)
    summary["tests"] = list(target.tests)
    summary["mutants_filter"] = names
    text = json.dumps(summary, indent=2) + "\n"
    (work / "summary.json").write_text(text, encoding="utf-8")
    # Kept across runs (the target's folder is replaced by the next run): one file per run, by UTC time.
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    (WORK / "results").mkdir(parents=True, exist_ok=True)
    (WORK / "results" / f"{args.target}-{stamp}.json").write_text(text, encoding="utf-8")
    print(json.dumps({k: summary[k] for k in ("target", "counts", "score", "seconds")}))
    for line in summary["survivors"]:  # type: ignore[attr-defined]
        print("  ", line)
    return run.returncode


if __name__ == "__main__":
    raise SystemExit(main())
