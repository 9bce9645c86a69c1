"""The engine benchmark's pure parts, without an engine: reading the engine's events, pairing resource steps,
naming processes, and keeping the engine section of RESULTS.md across both harnesses' rewrites."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pulumi.automation import EngineEvent

from benchmarks import engine
from benchmarks.engine import (
    ANALYSIS_BEGIN,
    ANALYSIS_END,
    SECTION_BEGIN,
    SECTION_END,
    event_record,
    existing_section,
    keep_engine_section,
    process_category,
    render_section,
    replace_section,
    summarize_steps,
)

STACK_URN = "urn:pulumi:local::govcloud::pulumi:pulumi:Stack::govcloud-local"
NS_URN = "urn:pulumi:local::govcloud::govcloud:site:Site$kubernetes:core/v1:Namespace::tmd"
BUCKET_URN = "urn:pulumi:local::govcloud::govcloud:site:Site$pulumi-python:dynamic/govcloud:Bucket::tmd-raw"
PROVIDER_URN = "urn:pulumi:local::govcloud::pulumi:providers:kubernetes::default_4_25_0"


def _step(kind: str, urn: str, type_: str, op: str = "create", custom: bool = True) -> dict[str, Any]:
    """One engine event as the CLI writes it to its event log (the JSON the Automation API parses)."""
    state = {"type": type_, "urn": urn, "custom": custom}
    name = {"pre": "resourcePreEvent", "outputs": "resOutputsEvent", "failed": "resOpFailedEvent"}[kind]
    payload: dict[str, Any] = {"metadata": {"op": op, "urn": urn, "type": type_, "provider": "", "new": state}}
    if kind == "failed":
        payload.update(status=1, steps=1)
    return {"sequence": 1, "timestamp": 1764500000, name: payload}


def test_engine_events_become_records() -> None:
    pre = event_record(EngineEvent.from_json(_step("pre", NS_URN, "kubernetes:core/v1:Namespace")))
    assert pre == {"kind": "pre", "urn": NS_URN, "type": "kubernetes:core/v1:Namespace", "op": "create", "custom": True}
    summary = event_record(
        EngineEvent.from_json(
            {"sequence": 9, "timestamp": 1, "summaryEvent": {"durationSeconds": 12, "resourceChanges": {"same": 3}}}
        )
    )
    assert summary == {"kind": "summary", "duration_s": 12, "changes": {"same": 3}}
    assert event_record(EngineEvent.from_json({"sequence": 2, "timestamp": 1, "preludeEvent": {"config": {}}})) == {
        "kind": "prelude"
    }
    warning = {
        "sequence": 3,
        "timestamp": 1,
        "diagnosticEvent": {"message": "m", "color": "never", "severity": "warning"},
    }
    assert event_record(EngineEvent.from_json(warning)) == {"kind": "diagnostic", "severity": "warning", "urn": ""}
    assert (
        event_record(
            EngineEvent.from_json({"sequence": 4, "timestamp": 1, "stdoutEvent": {"message": "x", "color": "never"}})
        )
        is None
    )


def test_steps_are_paired_grouped_and_timed() -> None:
    def record(kind: str, urn: str, type_: str, custom: bool = True, op: str = "create") -> dict[str, Any]:
        result = event_record(EngineEvent.from_json(_step(kind, urn, type_, op, custom)))
        assert result is not None
        return result

    events = [
        (1.0, {"kind": "prelude"}),
        (2.0, record("pre", STACK_URN, "pulumi:pulumi:Stack", custom=False)),
        (2.5, record("pre", PROVIDER_URN, "pulumi:providers:kubernetes")),
        (3.5, record("outputs", PROVIDER_URN, "pulumi:providers:kubernetes")),
        (4.0, record("pre", NS_URN, "kubernetes:core/v1:Namespace")),
        (4.0, record("pre", BUCKET_URN, "pulumi-python:dynamic/govcloud:Bucket")),
        (4.5, record("outputs", NS_URN, "kubernetes:core/v1:Namespace")),
        (7.0, record("failed", BUCKET_URN, "pulumi-python:dynamic/govcloud:Bucket")),
        (7.5, {"kind": "diagnostic", "severity": "warning", "urn": ""}),
        (8.0, {"kind": "summary", "duration_s": 6, "changes": {"create": 3}}),
    ]
    steps = summarize_steps(events)
    assert steps["steps"] == 3 and steps["unfinished"] == 1 and steps["failed"] == 1  # the stack never ended
    assert steps["first_step_s"] == 2.0 and steps["last_step_s"] == 7.0 and steps["prelude_s"] == 1.0
    assert steps["ops"] == {"create": 3} and steps["warnings"] == 1
    assert steps["changes"] == {"create": 3} and steps["engine_duration_s"] == 6
    groups = steps["groups"]
    assert groups[engine.GROUP_PROVIDER] == {"count": 1, "sum_s": 1.0, "median_s": 1.0, "max_s": 1.0}
    assert groups[engine.GROUP_KUBERNETES]["sum_s"] == 0.5
    assert groups[engine.GROUP_DYNAMIC]["max_s"] == 3.0
    assert steps["by_type"]["pulumi-python:dynamic/govcloud:Bucket"] == [1, 3.0]
    assert engine.step_group({"type": "pulumi-python:dynamic:Resource", "custom": True}) == engine.GROUP_DYNAMIC


def test_component_and_stack_steps_are_told_apart() -> None:
    assert engine.step_group({"type": "govcloud:tenant:Tenant", "custom": False}) == engine.GROUP_COMPONENT
    assert engine.step_group({"type": "pulumi:pulumi:Stack", "custom": False}) == engine.GROUP_OTHER
    assert engine.step_group({"type": "pulumi:pulumi:StackReference", "custom": True}) == engine.GROUP_OTHER


def test_processes_are_named_by_their_command_line() -> None:
    assert process_category(["/venv/bin/python", "-m", "benchmarks.engine"], 10, 10) == engine.CAT_PROGRAM
    assert process_category(["/cache/bin/pulumi", "up", "--client=127.0.0.1:1"], 10, 11) == engine.CAT_CLI
    assert process_category(["/cache/bin/pulumi-resource-kubernetes", "127.0.0.1:2"], 10, 12) == engine.CAT_KUBERNETES
    dynamic = ["/bin/sh", "/cache/bin/pulumi-resource-pulumi-python", "127.0.0.1:3"]
    assert process_category(dynamic, 10, 13) == engine.CAT_DYNAMIC
    python_dynamic = ["/venv/bin/python", "-u", "-m", "pulumi.dynamic", "127.0.0.1:3"]
    assert process_category(python_dynamic, 10, 14) == engine.CAT_DYNAMIC
    assert process_category(["/usr/bin/git", "status"], 10, 15) == engine.CAT_OTHER


def _operation(stack: str, wall: float, changes: dict[str, int]) -> dict[str, Any]:
    steps = summarize_steps(
        [
            (2.0, {"kind": "pre", "urn": NS_URN, "type": "kubernetes:core/v1:Namespace", "op": "same", "custom": True}),
            (2.5, {"kind": "outputs", "urn": NS_URN, "type": "kubernetes:core/v1:Namespace", "op": "same"}),
            (3.0, {"kind": "summary", "duration_s": 2, "changes": changes}),
        ]
    )
    return {
        "stack": stack,
        "ok": True,
        "wall_s": wall,
        "cpu_total_s": wall / 2,
        "cpu": {engine.CAT_CLI: 1.0},
        "servers_cpu": {"etcd": 0.25},
        "timeline": {
            "imported_s": 0.5,
            "selected_s": 1.0,
            "program_start_s": 1.5,
            "program_end_s": 2.2,
            "op_end_s": 3.5,
        },
        "steps": steps,
        "resources": 1,
    }


def _results(analysis_marker: str = "") -> dict[str, Any]:
    ops = [_operation("national-prod", 4.0, {"same": 1}), _operation("national-prod.agency-0001", 6.0, {"same": 1})]
    site = {
        "name": "sharded-10",
        "description": "A generated site",
        "stacks": 2,
        "setup_s": 20.0,
        "synth": {"stacks": ["a", "b"], "total_s": 1.5, "program_s": 1.0, "process_wall_s": 3.0, "resources": 2},
        "operations": {"up": ops, "preview": ops, "change": ops[1:]},
        "aggregate": {
            "up": engine.aggregate(ops),
            "preview": engine.aggregate(ops),
            "change": engine.aggregate(ops[1:]),
        },
    }
    return {
        "started": "2026-11-30T10:00:00+00:00",
        "duration_s": 120.0,
        "load_before": "1 / 2 / 3",
        "load_after": "4 / 5 / 6",
        "machine": {"CPU": "test"},
        "versions": {"cli": "v3.274.0", "kubernetes": "4.25.0", "sdk": "3.272.0"},
        "sites": [site],
    }


def test_aggregate_sums_the_stacks_of_a_site() -> None:
    ops = [_operation("a", 4.0, {"same": 1}), _operation("b", 6.0, {"same": 1})]
    total = engine.aggregate(ops)
    assert total["wall_s"] == 10.0 and total["cpu_total_s"] == 5.0 and total["stacks"] == 2
    assert total["changes"] == {"same": 2} and total["cpu"] == {engine.CAT_CLI: 2.0}
    phases = dict(engine._phase_rows(ops[0]))
    assert abs(sum(v for v in phases.values() if v is not None) - 4.0) < 1e-9  # the phases add up to the wall


def test_rendered_section_has_its_markers_figures_and_kept_analysis() -> None:
    text = render_section(_results(), "The engine spends its time waiting.")
    assert text.startswith(SECTION_BEGIN) and text.endswith(SECTION_END)
    assert "| sharded-10 | 2 | 2 | 1.5 | 10.0 | 5.0 | 10.0 | 5.0 | same 2 | 6.0 (3.0 CPU) | 20.0 |" in text
    assert f"{ANALYSIS_BEGIN}\nThe engine spends its time waiting.\n{ANALYSIS_END}" in text
    assert "1 / 2 / 3" in text and "4 / 5 / 6" in text


def test_the_section_is_replaced_in_place_or_appended() -> None:
    section = f"{SECTION_BEGIN}\nnew\n{SECTION_END}"
    document = f"# Title\n\nbefore\n\n{SECTION_BEGIN}\nold\n{SECTION_END}\n\nafter\n"
    assert replace_section(document, section) == f"# Title\n\nbefore\n\n{section}\n\nafter\n"
    assert replace_section("# Title\n", section) == f"# Title\n\n{section}\n"
    assert existing_section(document) == f"{SECTION_BEGIN}\nold\n{SECTION_END}"
    assert existing_section("# Title\n") == ""


def test_run_py_regeneration_keeps_the_engine_section(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    section = render_section(_results(), "hand-written")
    results.write_text(f"# old synth results\n\n{section}\n", "utf-8")
    regenerated = keep_engine_section("# new synth results\n", results)
    assert regenerated == f"# new synth results\n\n{section}\n"
    assert keep_engine_section("# fresh\n", tmp_path / "absent.md") == "# fresh\n"


def test_a_run_stopped_at_its_limit_is_reported_as_far_as_it_got(tmp_path: Path) -> None:
    out = tmp_path / "up.out"
    lines = [
        [0.5, {"kind": "mark", "name": "imported_s"}],
        [1.0, {"kind": "mark", "name": "selected_s"}],
        [2.0, {"kind": "pre", "urn": NS_URN, "type": "kubernetes:core/v1:Namespace", "op": "create", "custom": True}],
        [2.5, {"kind": "outputs", "urn": NS_URN, "type": "kubernetes:core/v1:Namespace", "op": "create"}],
    ]
    out.write_text("".join(engine.EVENT_PREFIX + json.dumps(line) + "\n" for line in lines) + "ENGINE-EVE", "utf-8")
    report = engine._partial_report(out, 60.0)
    assert not report["ok"] and "60 s" in report["error"]
    assert report["timeline"] == {"imported_s": 0.5, "selected_s": 1.0, "op_end_s": 60.0}
    assert summarize_steps(report["events"])["steps"] == 1

    results = _results()
    site = results["sites"][0]
    stopped = {**engine.aggregate([_operation("national-prod", 60.0, {})]), "stopped": True}
    site["aggregate"] = {"up": stopped}
    text = render_section(results, "")
    assert "> 60.0 (stopped: 1 resource steps done)" in text


def test_render_only_rewrites_the_section_from_the_raw_json_and_keeps_the_analysis(tmp_path: Path) -> None:
    raw, out = tmp_path / "engine.json", tmp_path / "RESULTS.md"
    raw.write_text(json.dumps(_results()), "utf-8")
    out.write_text(f"# synth results\n\n{render_section(_results(), 'kept words')}\n", "utf-8")
    engine.main(["--render", "--raw", str(raw), "--out", str(out)])
    text = out.read_text("utf-8")
    assert text.startswith("# synth results\n") and text.count(SECTION_BEGIN) == 1
    assert f"{ANALYSIS_BEGIN}\nkept words\n{ANALYSIS_END}" in text


def test_a_generated_site_can_take_the_local_stack_settings(tmp_path: Path) -> None:
    """What the engine benchmark deploys: the generator's tenants with Helm releases and readiness waits off."""
    from benchmarks.generate import STACK, make_site
    from govcloud.contract.stack import load_stack

    project = make_site(tmp_path, 8, "sharded", "2026-11-25", settings="local")
    definition = load_stack(project / "stacks", STACK, "2026-11-25")
    assert project.name == "site-sharded-8-local" and len(definition.tenants) == 8
    assert definition.site.layout == "sharded" and definition.site.environment == "dev"
    assert not definition.site.helm_releases and not definition.site.readiness_waits
    hostnames = [h for t in definition.tenants if t.spec.network for h in t.spec.network.ingress.hostnames]
    assert hostnames and all(h.endswith((".local.data.go.th", ".local.intra.gdcc.go.th")) for h in hostnames)
