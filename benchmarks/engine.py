"""Benchmark of govcloud with the real Pulumi engine: ``pulumi up`` from empty, a no-op ``pulumi preview`` and,
for a sharded site, one tenant's change end to end — next to synth of the same stacks; and where the time goes.

    python -m benchmarks.engine [--sites local,single-10,sharded-10,single-50,sharded-50] [--out benchmarks/RESULTS.md]

Each site gets an environment of its own in a temporary folder: a fresh control plane with the upstream CRDs
(``tests/cluster/controlplane.py``), a fresh moto S3/IAM server and an empty ``file://`` backend with the
passphrase secrets provider (``tests/cluster/engine/conftest.py``'s ``engine_env``). In it, one after the other:
synth of every stack of the site (in-process, one child), ``pulumi up`` of every stack from empty (platform
first), a ``pulumi preview`` of every stack (which must find nothing to do), and for a sharded site a change
to one tenant's file followed by ``pulumi preview`` and ``pulumi up`` of that tenant's stack only.

Every engine operation runs in a child process (``--child up|preview``) that drives the real CLI through the
Automation API's inline mode exactly as the engine tests do (``tests/cluster/engine/driver.py``), and reports
its timeline: imports, stack selection, each CLI command, when our program started and returned, and the
engine's event stream (each resource step's start and end, as received). The parent samples the CPU time of
every process below the child (the CLI, the provider plugins, the dynamic providers' Python processes) and of
the servers (kube-apiserver, etcd, kube-controller-manager, moto) — see benchmarks/README.md.

The results go to RESULTS.md between the ``engine:begin/end`` markers (benchmarks/run.py keeps that section
when it rewrites the file); the hand-written analysis inside it, between ``engine-analysis:begin/end``, is
kept when this harness rewrites the section. Raw numbers: ``benchmarks/out/engine.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULT_PREFIX = "ENGINE-RESULT "
EVENT_PREFIX = "ENGINE-EVENT "
"""Each event record (and timeline mark) is also printed as it comes, so a run stopped at its time limit still
tells how far it got."""
SECTION_BEGIN = "<!-- engine:begin (written by benchmarks/engine.py; kept by benchmarks/run.py) -->"
SECTION_END = "<!-- engine:end -->"
ANALYSIS_BEGIN = "<!-- engine-analysis:begin (kept by benchmarks/engine.py when it rewrites this section) -->"
ANALYSIS_END = "<!-- engine-analysis:end -->"
DEFAULT_SITES = "local,single-10,sharded-10,single-50,sharded-50"
CHANGED_TENANT = "agency-0007"
"""The tenant whose file the one-tenant change edits (a tmd-like medium tenant, as in benchmarks/run.py)."""
CHANGE_GROUP_SUFFIX = "-benchmark-analysts"
CHILD_TIMEOUT = 3600
SAMPLE_SECONDS = 0.5
SERVERS = ("etcd", "kube-apiserver", "kube-controller-manager", "moto")

# Process categories of the CPU table, in display order.
CAT_PROGRAM = "Python: our program + SDK + Automation API (the child)"
CAT_CLI = "pulumi CLI (engine)"
CAT_KUBERNETES = "pulumi-resource-kubernetes"
CAT_DYNAMIC = "dynamic providers (pulumi-resource-pulumi-python)"
CAT_OTHER = "other processes below the child"

# Resource step groups of the steps table.
GROUP_KUBERNETES = "Kubernetes objects"
GROUP_DYNAMIC = "dynamic providers (buckets, IAM, …)"
GROUP_PROVIDER = "provider resources (plugin start + configure)"
GROUP_COMPONENT = "components"
GROUP_OTHER = "other (stack, StackReference)"
GROUP_ORDER = (GROUP_PROVIDER, GROUP_KUBERNETES, GROUP_DYNAMIC, GROUP_COMPONENT, GROUP_OTHER)
DYNAMIC_PREFIX = "pulumi-python:dynamic"
"""Dynamic resources' types: ``pulumi-python:dynamic:Resource``, or ``pulumi-python:dynamic/<module>:<name>`` when
the resource names its own type (as govcloud's Bucket, StorageIdentity, RandomSecret do)."""
TOP_TYPES = 8
PARALLEL_NOTE = "4 × GOMAXPROCS (8 on 2 cores)"


# ---------------------------------------------------------------------------------------------------------
# Pure parts: the engine's events, the CPU categories, the section of RESULTS.md (unit-tested without engine)
# ---------------------------------------------------------------------------------------------------------


def event_record(event: Any) -> dict[str, Any] | None:
    """The part of one Automation API ``EngineEvent`` the timeline needs, or None for events it ignores.

    ``resourcePreEvent`` starts a resource's step and ``resOutputsEvent`` (or ``resOpFailedEvent``) ends it
    (pulumi sdk/python/lib/pulumi/automation/events.py: ``StepEventMetadata`` has ``op``, ``urn``, ``type``
    and the ``new``/``old`` states, whose ``custom`` tells a custom resource from a component).
    """
    for name, kind in (
        ("resource_pre_event", "pre"),
        ("res_outputs_event", "outputs"),
        ("res_op_failed_event", "failed"),
    ):
        payload = getattr(event, name, None)
        if payload is not None:
            meta = payload.metadata
            state = meta.new or meta.old
            op = getattr(meta.op, "value", meta.op)
            return {
                "kind": kind,
                "urn": meta.urn,
                "type": meta.type,
                "op": str(op),
                "custom": bool(state and state.custom),
            }
    if getattr(event, "prelude_event", None) is not None:
        return {"kind": "prelude"}
    summary = getattr(event, "summary_event", None)
    if summary is not None:
        changes = {str(getattr(k, "value", k)): v for k, v in (summary.resource_changes or {}).items()}
        return {"kind": "summary", "duration_s": summary.duration_seconds, "changes": changes}
    diagnostic = getattr(event, "diagnostic_event", None)
    if diagnostic is not None:
        return {"kind": "diagnostic", "severity": diagnostic.severity, "urn": diagnostic.urn or ""}
    return None


def step_group(record: Mapping[str, Any]) -> str:
    """Which row of the steps table a resource step belongs to."""
    kind = str(record.get("type", ""))
    if kind.startswith("pulumi:providers:"):
        return GROUP_PROVIDER
    if kind.startswith(DYNAMIC_PREFIX):
        return GROUP_DYNAMIC
    if kind.startswith("kubernetes:") and record.get("custom"):
        return GROUP_KUBERNETES
    if kind.startswith("pulumi:pulumi:") or not kind.startswith("govcloud:"):
        return GROUP_OTHER
    return GROUP_COMPONENT


def summarize_steps(events: Sequence[tuple[float, Mapping[str, Any]]]) -> dict[str, Any]:
    """Pair each resource's ``pre`` with its ``outputs``/``failed`` event: steps per group, their durations.

    ``events`` are ``(seconds since the child started, event_record)`` in the order received. A step's
    duration is from the engine announcing it to the engine reporting its outputs: for a custom resource
    that is the provider's work (check, diff, create/update/read) plus the engine's queueing.
    """
    started: dict[str, tuple[float, Mapping[str, Any]]] = {}
    groups: dict[str, list[float]] = {}
    by_type: dict[str, list[float]] = {}
    ops: dict[str, int] = {}
    first = last = None
    failed = 0
    for at, record in events:
        kind = record.get("kind")
        if kind == "pre":
            started[str(record["urn"])] = (at, record)
            first = at if first is None else min(first, at)
        elif kind in ("outputs", "failed"):
            begin = started.pop(str(record["urn"]), None)
            if begin is None:
                continue
            last = at if last is None else max(last, at)
            failed += kind == "failed"
            pre = begin[1]
            groups.setdefault(step_group(pre), []).append(at - begin[0])
            by_type.setdefault(str(pre["type"]), []).append(at - begin[0])
            ops[str(pre["op"])] = ops.get(str(pre["op"]), 0) + 1
    summary = next((r for _, r in events if r.get("kind") == "summary"), None)
    prelude = next((at for at, r in events if r.get("kind") == "prelude"), None)
    warnings = sum(1 for _, r in events if r.get("kind") == "diagnostic" and r.get("severity") == "warning")
    return {
        "steps": sum(len(v) for v in groups.values()),
        "unfinished": len(started),
        "failed": failed,
        "ops": dict(sorted(ops.items())),
        "first_step_s": first,
        "last_step_s": last,
        "prelude_s": prelude,
        "warnings": warnings,
        "engine_duration_s": summary.get("duration_s") if summary else None,
        "changes": summary.get("changes", {}) if summary else {},
        "groups": {
            name: {
                "count": len(durations),
                "sum_s": sum(durations),
                "median_s": statistics.median(durations),
                "max_s": max(durations),
            }
            for name, durations in sorted(groups.items())
        },
        "by_type": {name: [len(durations), sum(durations)] for name, durations in sorted(by_type.items())},
    }


def process_category(cmdline: Sequence[str], child_pid: int, pid: int) -> str:
    """Which row of the CPU table a process below the child belongs to, from its command line."""
    if pid == child_pid:
        return CAT_PROGRAM
    names = [Path(part).name for part in cmdline[:3]]
    text = " ".join(cmdline)
    if names and names[0] == "pulumi":
        return CAT_CLI
    if "pulumi-resource-kubernetes" in names:
        return CAT_KUBERNETES
    if "pulumi-resource-pulumi-python" in text or "pulumi.dynamic" in text or "pulumi/dynamic" in text:
        return CAT_DYNAMIC
    return CAT_OTHER


def replace_section(text: str, section: str, begin: str = SECTION_BEGIN, end: str = SECTION_END) -> str:
    """``text`` with the part between ``begin`` and ``end`` (markers included) replaced by ``section``
    (which carries its own markers); appended at the end when ``text`` has no such part."""
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        return head + section + rest.split(end, 1)[1]
    return text.rstrip("\n") + "\n\n" + section + "\n"


def existing_section(text: str, begin: str = SECTION_BEGIN, end: str = SECTION_END) -> str:
    """The part of ``text`` between ``begin`` and ``end``, markers included; empty when absent."""
    if begin in text and end in text:
        return begin + text.split(begin, 1)[1].split(end, 1)[0] + end
    return ""


def keep_engine_section(new_text: str, path: Path) -> str:
    """What benchmarks/run.py writes: its regenerated ``new_text`` with the engine section of ``path`` kept."""
    old = path.read_text("utf-8") if path.is_file() else ""
    section = existing_section(old)
    return replace_section(new_text, section) if section else new_text


def _s(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _phase_rows(op: Mapping[str, Any]) -> list[tuple[str, float | None]]:
    """The child's timeline cut into phases that add up to its wall time."""
    t = op["timeline"]
    steps = op["steps"]
    program_start, program_end = t.get("program_start_s"), t.get("program_end_s")
    last = steps.get("last_step_s") or program_end
    main = next((c for c in op.get("commands", []) if c["command"].split(" ")[0] == op.get("operation")), None)
    cli_end = main["end_s"] if main else t["op_end_s"]
    return [
        ("Python start-up and imports (SDK, Automation API, govcloud)", t["imported_s"]),
        ("workspace and stack selection (`pulumi stack select` etc.)", t["selected_s"] - t["imported_s"]),
        (
            "CLI start until our program runs (backend, state, plugins)",
            None if program_start is None else program_start - t["selected_s"],
        ),
        (
            "our program function (validation, declaring: the SDK registers asynchronously)",
            None if program_start is None or program_end is None else program_end - program_start,
        ),
        (
            "after it returned: the SDK's registrations and the engine's steps",
            None if program_end is None or last is None else max(0.0, last - program_end),
        ),
        (
            "after the last step until the CLI exits (final checkpoint, summary)",
            None if last is None else cli_end - max(last, program_end or last),
        ),
        ("Automation API's follow-up CLI commands (`stack output`, `stack history`)", t["op_end_s"] - cli_end),
        ("child exit", op["wall_s"] - t["op_end_s"]),
    ]


def aggregate(ops: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Several stacks' runs of one operation (a sharded site) as one: sums of walls, CPU, steps."""
    cpu: dict[str, float] = {}
    servers: dict[str, float] = {}
    groups: dict[str, dict[str, Any]] = {}
    phases: dict[str, float] = {}
    by_type: dict[str, list[float]] = {}
    others: dict[str, float] = {}
    for op in ops:
        for name, value in op.get("other_processes", {}).items():
            others[name] = others.get(name, 0.0) + value
        for name, value in op["cpu"].items():
            cpu[name] = cpu.get(name, 0.0) + value
        for name, value in op["servers_cpu"].items():
            servers[name] = servers.get(name, 0.0) + value
        for name, g in op["steps"]["groups"].items():
            row = groups.setdefault(name, {"count": 0, "sum_s": 0.0, "max_s": 0.0})
            row["count"] += g["count"]
            row["sum_s"] += g["sum_s"]
            row["max_s"] = max(row["max_s"], g["max_s"])
        for label, value in _phase_rows(op):
            phases[label] = phases.get(label, 0.0) + (value or 0.0)
        for name, (count, total) in op["steps"].get("by_type", {}).items():
            totals = by_type.setdefault(name, [0, 0.0])
            totals[0] += count
            totals[1] += total
    return {
        "stacks": len(ops),
        "wall_s": sum(op["wall_s"] for op in ops),
        "cpu_total_s": sum(_cpu_total(op) for op in ops),
        "cpu": cpu,
        "servers_cpu": servers,
        "groups": groups,
        "by_type": by_type,
        "other_processes": others,
        "phases": phases,
        "steps": sum(op["steps"]["steps"] for op in ops),
        "resources": sum(op["resources"] for op in ops),
        "changes": _merge_changes(op["steps"]["changes"] for op in ops),
        "ok": all(op["ok"] for op in ops),
        "stopped": any(op.get("stopped") for op in ops),
    }


def _cpu_total(op: Mapping[str, Any]) -> float:
    """The tree's CPU: exact from ``wait4`` — except for a run stopped at its limit, whose killed CLI is never
    reaped by the child, so its CPU is missing there: then the sampled sum, which has it."""
    if op.get("stopped"):
        return max(float(op["cpu_total_s"]), float(sum(op["cpu"].values())))
    return float(op["cpu_total_s"])


def _merge_changes(changes: Iterable[Mapping[str, int]]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for change in changes:
        for name, count in change.items():
            merged[name] = merged.get(name, 0) + int(count)
    return dict(sorted(merged.items()))


def _changes_text(changes: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in changes.items()) or "–"


OPERATIONS = (("up", "`pulumi up` from empty"), ("preview", "no-op `pulumi preview`"), ("change", "one-tenant change"))


def render_section(results: Mapping[str, Any], analysis: str) -> str:
    """The engine section of RESULTS.md, markers included, with ``analysis`` (hand-written) inside it."""
    lines = [
        SECTION_BEGIN,
        "## The real Pulumi engine",
        "",
        f"Generated by `python -m benchmarks.engine` (see [README.md](README.md#the-real-engine)). Last run "
        f"started {results['started']}, took {results['duration_s'] / 60:.1f} min. Load average (1/5/15 min) "
        f"before: {results['load_before']}; after: {results['load_after']} (each site's own is in its "
        f"details). Pulumi CLI {results['versions']['cli']}, "
        f"Kubernetes provider {results['versions']['kubernetes']}, Python SDK {results['versions']['sdk']}. Every "
        "figure is **one run** (no repetitions: a 50-tenant sharded site alone takes many minutes on this "
        "machine); other engineers ran tests on the same 2 cores meanwhile, so compare CPU seconds rather than "
        "wall seconds across rows."
        + (
            " Extra CLI environment of this run: " + ", ".join(f"`{k}={v}`" for k, v in results["engine_env"].items())
            if results.get("engine_env")
            else ""
        ),
        "",
        *_table(["", ""], list(results["machine"].items())),
        "### Wall seconds per site",
        "",
        "A sharded site's figure is the sum over its stacks, run one after the other (platform first); *synth* "
        "is `synthesize` + plan + policies + `write_plan` in-process for each stack (one process for all, "
        "imports counted once).",
        "",
    ]
    rows = []
    for site in results["sites"]:
        up, preview = site["aggregate"]["up"], site["aggregate"].get("preview")
        change = site["aggregate"].get("change")
        up_wall = _s(up["wall_s"])
        if up.get("stopped"):
            up_wall = f"> {up_wall} (stopped: {up['steps']} resource steps done)"
        rows.append(
            [
                site["name"],
                site["stacks"],
                site["synth"]["resources"],
                _s(site["synth"]["total_s"]),
                up_wall,
                f"{_s(up['cpu_total_s'])}",
                "–" if preview is None else _s(preview["wall_s"]),
                "–" if preview is None else f"{_s(preview['cpu_total_s'])}",
                "–" if preview is None else _changes_text(preview["changes"]),
                "–" if change is None else f"{_s(change['wall_s'])} ({_s(change['cpu_total_s'])} CPU)",
                _s(site["setup_s"]),
            ]
        )
    lines += _table(
        [
            "site",
            "stacks",
            "resources",
            "synth (s)",
            "up from empty (s)",
            "up CPU (s)",
            "no-op preview (s)",
            "preview CPU (s)",
            "preview's changes",
            "one-tenant change: preview + up of its stack (s)",
            "fresh plane + CRDs + moto (s)",
        ],
        rows,
    )
    lines += [
        "*CPU* is user + system time of the child and every process below it (the CLI, provider plugins, dynamic "
        "providers), exact from `wait4`; the servers' CPU is apart (below).",
        "",
    ]
    for site in results["sites"]:
        lines += _site_detail(site)
    lines += [
        "### Analysis",
        "",
        ANALYSIS_BEGIN,
        analysis or "_(Write the analysis of this run here; benchmarks/engine.py keeps this part.)_",
        ANALYSIS_END,
        "",
        SECTION_END,
    ]
    return "\n".join(lines)


def _site_detail(site: Mapping[str, Any]) -> list[str]:
    """Where the time of one site's operations went: phases, CPU per process, steps per resource group."""
    ops = [(key, title, site["aggregate"][key]) for key, title in OPERATIONS if site["aggregate"].get(key)]
    lines = [f"### {site['name']}: where the time goes", ""]
    if site["aggregate"]["up"].get("stopped"):
        lines += [
            f"**`pulumi up` was stopped at the time limit** after {_s(site['aggregate']['up']['wall_s'], 0)} s, with "
            f"{site['aggregate']['up']['steps']} resource steps done; nothing after it was measured, and its phases "
            "after the last finished step mean nothing.",
            "",
        ]
    if site.get("load_before"):
        lines += [f"Load average before this site: {site['load_before']}; after: {site['load_after']}.", ""]
    synth = site["synth"]
    lines += [
        f"{site['description']}. Synth: {_s(synth['total_s'], 2)} s for {len(synth['stacks'])} stack(s) "
        f"(program under the mock monitor {_s(synth['program_s'], 2)} s, of which validation is part; process "
        f"with imports {_s(synth['process_wall_s'])} s), {synth['resources']} resources.",
        "",
    ]
    if site.get("openapi"):
        api = site["openapi"]
        lines += [
            f"The API server's OpenAPI v2 document, which the Kubernetes provider fetches and parses whole when "
            f"it is configured, once per stack: {api['bytes'] / 1e6:.1f} MB as protobuf, fetched in "
            + " s, then ".join(_s(t, 2) for t in api["seconds"])
            + " s by the harness.",
            "",
        ]
    lines += _table(
        ["phase (wall s)", *[title for _, title, _ in ops]],
        [[label, *[_s(agg["phases"].get(label)) for _, _, agg in ops]] for label in ops[0][2]["phases"]],
    )
    categories = [CAT_PROGRAM, CAT_CLI, CAT_KUBERNETES, CAT_DYNAMIC, CAT_OTHER]
    cpu_rows = [[c, *[_s(agg["cpu"].get(c, 0.0)) for _, _, agg in ops]] for c in categories]
    cpu_rows.append(
        [
            "**child tree total (exact, wait4; sampled for a stopped run)**",
            *[_s(agg["cpu_total_s"]) for _, _, agg in ops],
        ]
    )
    cpu_rows += [[f"server: {s}", *[_s(agg["servers_cpu"].get(s, 0.0)) for _, _, agg in ops]] for s in SERVERS]
    lines += _table(["CPU seconds by process", *[title for _, title, _ in ops]], cpu_rows)
    others = sorted({name for _, _, agg in ops for name in agg.get("other_processes", {})})
    if others or any(agg["cpu"].get(CAT_OTHER) for _, _, agg in ops):
        lines += [
            "*Other* is sampled per process while it runs; an exited, not yet reaped process has no command line "
            "left, so before the harness kept each process's first name, the CLI's last samples (after its "
            "exit) were counted there"
            + (f" (here: {', '.join(repr(n) if n else 'an exited process' for n in others)})" if others else "")
            + ". The tree's total is exact either way.",
            "",
        ]
    group_names = [g for g in GROUP_ORDER if any(g in agg["groups"] for _, _, agg in ops)]
    step_rows = []
    for name in group_names:
        cells = []
        for _, _, agg in ops:
            g = agg["groups"].get(name)
            cells.append(
                "–" if g is None else f"{g['count']} × {_s(g['sum_s'] / g['count'], 2)} (max {_s(g['max_s'])})"
            )
        step_rows.append([name, *cells])
    lines += _table(["resource steps: count × mean s (max)", *[title for _, title, _ in ops]], step_rows)
    up = site["aggregate"]["up"]
    custom = [(name, row) for name, row in up["by_type"].items() if not name.startswith(("govcloud:", "pulumi:pulumi"))]
    top = sorted(custom, key=lambda item: -item[1][1])[:TOP_TYPES]
    lines += [
        "A component's step spans from its registration until its children are registered (waiting, not work), "
        "so its time overlaps theirs; a custom resource's step is the provider's work plus the engine's queueing "
        f"(at most {PARALLEL_NOTE} steps run at once). The custom resource types that took longest in `pulumi up`:",
        "",
    ]
    lines += _table(
        ["resource type", "steps", "step seconds in all", "mean"],
        [[f"`{name}`", int(row[0]), _s(row[1]), _s(row[1] / row[0], 2)] for name, row in top],
    )
    return lines


# ---------------------------------------------------------------------------------------------------------
# Children
# ---------------------------------------------------------------------------------------------------------


def _emit(result: Mapping[str, Any]) -> None:
    print(RESULT_PREFIX + json.dumps(result, default=str), flush=True)


def child_operation(operation: str, project: Path, stack_name: str) -> None:
    """``pulumi up`` or ``pulumi preview`` of one stack through the engine tests' driver, with its timeline."""
    start = time.perf_counter()

    def now() -> float:
        return time.perf_counter() - start

    from pulumi import automation as auto

    from tests.cluster.engine import driver

    timeline: dict[str, Any] = {}

    def mark(name: str) -> None:
        timeline[name] = now()
        print(EVENT_PREFIX + json.dumps([timeline[name], {"kind": "mark", "name": name}]), flush=True)

    mark("imported_s")
    commands: list[dict[str, Any]] = []
    original_run = auto.PulumiCommand.run

    def timed_run(self: Any, args: list[str], *rest: Any, **kwargs: Any) -> Any:
        begin = now()
        try:
            return original_run(self, args, *rest, **kwargs)
        finally:
            words = [a for a in args if not a.startswith("-")][:2]
            commands.append({"command": " ".join(words), "start_s": begin, "end_s": now()})

    auto.PulumiCommand.run = timed_run  # type: ignore[method-assign]
    original_program = driver._program

    def timed_program(project_dir: Path) -> None:
        mark("program_start_s")
        try:
            original_program(project_dir)
        finally:
            mark("program_end_s")

    driver._program = timed_program
    stack = driver._stack(project, stack_name)
    mark("selected_s")
    events: list[tuple[float, dict[str, Any]]] = []

    def on_event(event: Any) -> None:
        record = event_record(event)
        if record is not None:
            events.append((now(), record))
            print(EVENT_PREFIX + json.dumps(events[-1]), flush=True)

    error = ""
    try:
        if operation == "up":
            stack.up(on_event=on_event, color="never")
        elif operation == "preview":
            stack.preview(on_event=on_event, color="never")
        else:
            raise SystemExit(f"unknown operation {operation}")
    except auto.CommandError as failure:
        error = str(failure)[-6000:]
    mark("op_end_s")
    _emit({"ok": not error, "error": error, "timeline": timeline, "commands": commands, "events": events})


def child_synth(project: Path, stacks: Sequence[str], today: str, out: Path) -> None:
    """Synth of each stack in one process (imports once), phase by phase as benchmarks/run.py measures it."""
    start = time.perf_counter()
    from benchmarks.run import _synth_phases

    imported = time.perf_counter()
    per_stack = {}
    for stack in stacks:
        per_stack[stack] = _synth_phases(project, stack, today, out / stack, time_monitor=False)
    _emit({"import_s": imported - start, "stacks": per_stack, "process_s": time.perf_counter() - start})


# ---------------------------------------------------------------------------------------------------------
# Parent: environments, the CPU sampler, the runs
# ---------------------------------------------------------------------------------------------------------


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """A process's parent and its user + system CPU seconds, from ``/proc/<pid>/stat`` (proc(5))."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks


def _cmdline(pid: int) -> list[str]:
    try:
        return [part for part in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0") if part]
    except OSError:
        return []


class CpuSampler:
    """The CPU seconds of each process below ``root`` at its last sample (the parent samples every
    ``SAMPLE_SECONDS`` while it waits, so a process's last half second may be missed)."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.seen: dict[int, tuple[str, float]] = {}
        self.commands: dict[int, str] = {}

    def sample(self) -> None:
        parents: dict[int, list[int]] = {}
        cpu: dict[int, float] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                stat = _proc_stat(int(entry.name))
                if stat is not None:
                    parents.setdefault(stat[0], []).append(int(entry.name))
                    cpu[int(entry.name)] = stat[1]
        todo = [self.root]
        while todo:
            pid = todo.pop()
            if pid in cpu:
                cmdline = _cmdline(pid)
                if cmdline or pid not in self.seen:  # an exited process (zombie) has no command line left
                    self.seen[pid] = (process_category(cmdline, self.root, pid), cpu[pid])
                    self.commands[pid] = " ".join(Path(part).name for part in cmdline[:4])
                else:
                    self.seen[pid] = (self.seen[pid][0], cpu[pid])
            todo += parents.get(pid, [])

    def others(self) -> dict[str, float]:
        """The processes counted as other, by the start of their command line (to name them later)."""
        found: dict[str, float] = {}
        for pid, (category, seconds) in self.seen.items():
            if category == CAT_OTHER:
                found[self.commands.get(pid, "?")] = found.get(self.commands.get(pid, "?"), 0.0) + seconds
        return found

    def by_category(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for category, seconds in self.seen.values():
            totals[category] = totals.get(category, 0.0) + seconds
        return totals


OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
"""What the Kubernetes provider's Configure asks the API server for: ``client.OpenAPISchema()`` (pulumi-kubernetes
provider/v4 pkg/provider/provider.go ``getResources`` → pkg/openapi ``GetResourceSchemasForClient``; client-go
v0.33.3 discovery/discovery_client.go ``OpenAPISchema``: GET /openapi/v2 as protobuf, then parsed whole)."""


def openapi_probe(plane: Any, times: int = 2) -> dict[str, Any]:
    """Fetch the API server's OpenAPI v2 document the way the Kubernetes provider does: its size and the
    seconds per fetch (the first one after the CRDs were installed may build the server's cache)."""
    kube = plane.kube()
    seconds = []
    size = 0
    for _ in range(times):
        start = time.perf_counter()
        response = kube.pool.request(
            "GET", plane.server_url + "/openapi/v2", headers={"Accept": OPENAPI_V2_PROTOBUF}, timeout=120.0
        )
        seconds.append(time.perf_counter() - start)
        if response.status != 200:
            raise RuntimeError(f"GET /openapi/v2: {response.status}")
        size = len(response.data)
    return {"bytes": size, "seconds": seconds}


@dataclass
class Environment:
    """A fresh control plane, moto server and file backend for one site."""

    root: Path
    plane: Any
    store: Any
    env: dict[str, str]
    setup_s: float
    server_pids: dict[str, int] = field(default_factory=dict)
    openapi: dict[str, Any] = field(default_factory=dict)

    def servers_cpu(self) -> dict[str, float]:
        return {name: (_proc_stat(pid) or (0, 0.0))[1] for name, pid in self.server_pids.items()}

    def stop(self) -> None:
        from tests.storage.conftest import _stop_moto

        self.plane.stop()
        _stop_moto(self.store)


def start_environment(root: Path) -> Environment:
    """What the engine tests' fixtures start (``engine_plane``, ``engine_store``, ``LocalSite.env``), for a site."""
    from tests.cluster.controlplane import install_crds, start_control_plane

    try:  # ../shared's CRDs and those the tools step caches (EnvoyProxy, BackendTLSPolicy)
        from tests.cluster.controlplane import upstream_crd_documents as crd_documents
    except ImportError:  # a checkout from before the CRD cache
        from tests.cluster.controlplane import crd_documents
    from tests.cluster.engine.conftest import EngineTools, engine_env
    from tests.conftest import shared_root
    from tests.prerequisites import tool
    from tests.storage.conftest import NO_AUTH_YET, _start_moto

    started = time.perf_counter()
    binaries = {name: tool(name) for name in ("etcd", "kube-apiserver", "kube-controller-manager")}
    pulumi = tool("pulumi")
    crd_root = shared_root() / "schemas" / "crds"
    if not crd_root.is_dir():
        raise SystemExit(f"../shared is absent ({crd_root}): the upstream CRDs are needed")
    (root / "plane").mkdir(parents=True)
    plane = start_control_plane(root / "plane", binaries)
    try:
        install_crds(plane.kube(), crd_documents(crd_root))
        store = _start_moto(root / "moto.log", {"INITIAL_NO_AUTH_ACTION_COUNT": NO_AUTH_YET})
    except BaseException:
        plane.stop()
        raise
    (root / "state").mkdir()
    (root / "home").mkdir()
    env = engine_env(root, EngineTools(pulumi, pulumi.parent), plane.kubeconfig, store)
    pids = {name: process.pid for name, process in plane.processes.items()}
    pids["moto"] = store.process.pid
    setup_s = time.perf_counter() - started
    return Environment(root, plane, store, env, setup_s, pids, openapi_probe(plane))


@dataclass(frozen=True)
class SiteSpec:
    name: str
    layout: str
    tenants: int | None
    """None: the local stack (``stacks/local``)."""

    @property
    def stack(self) -> str:
        return "local" if self.tenants is None else "national-prod"

    @property
    def description(self) -> str:
        if self.tenants is None:
            return "The local test stack (`stacks/Pulumi.local.yaml`: 3 tenants, 2 agreements), single layout"
        return f"A generated site of {self.tenants} tenants with the local stack's settings, {self.layout} layout"


def parse_site(text: str) -> SiteSpec:
    """``local``, ``single-10``, ``sharded-50`` …"""
    if text == "local":
        return SiteSpec("local", "single", None)
    layout, _, n = text.partition("-")
    if layout not in ("single", "sharded") or not n.isdigit() or int(n) < 7:
        raise argparse.ArgumentTypeError(f"{text!r}: want local, single-N or sharded-N (N ≥ 7)")
    return SiteSpec(text, layout, int(n))


def prepare_project(spec: SiteSpec, root: Path, endpoint: str, today: str) -> tuple[Path, list[str]]:
    """The site's project folder pointed at ``endpoint``, and its stacks in deployment order."""
    import yaml

    from benchmarks.generate import make_site
    from govcloud.contract.stack import StackPaths, load_stack, read_stack_config
    from govcloud.layout import site_stacks, tenant_stack_config
    from tests.cluster.engine.conftest import LOCAL_ENDPOINT

    if spec.tenants is None:
        project = root / "project"
        (project / "stacks").mkdir(parents=True)
        shutil.copy(REPO_ROOT / "Pulumi.yaml", project / "Pulumi.yaml")
        shutil.copy(REPO_ROOT / "stacks" / "Pulumi.local.yaml", project / "stacks" / "Pulumi.local.yaml")
        shutil.copytree(REPO_ROOT / "stacks" / "local", project / "stacks" / "local")
    else:
        project = make_site(root, spec.tenants, spec.layout, today, settings="local")
    stacks_dir = project / "stacks"
    config = StackPaths.of(stacks_dir, spec.stack).config
    port = endpoint.rsplit(":", 1)[1]
    text = config.read_text("utf-8")
    if LOCAL_ENDPOINT not in text:
        raise RuntimeError(f"{config.name} lost the placeholder endpoint {LOCAL_ENDPOINT}")
    config.write_text(text.replace(LOCAL_ENDPOINT, endpoint).replace("port: 9000", f"port: {port}"), "utf-8")
    definition = load_stack(stacks_dir, spec.stack, today)
    plans = site_stacks(definition)
    _, raw = read_stack_config(config)
    for plan in plans:  # what `govcloud stacks --write` writes
        if plan.role == "tenant" and plan.tenant is not None:
            document = tenant_stack_config(raw, spec.stack, plan.tenant)
            StackPaths.of(stacks_dir, plan.name).config.write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    return project, [plan.name for plan in plans]


def change_tenant(project: Path, stack: str, tenant: str) -> None:
    """One agency's merge request: a new analysts group in its tenant file (a RoleBinding's subjects change)."""
    import yaml

    path = project / "stacks" / stack / "tenants" / f"{tenant}.yaml"
    document = yaml.safe_load(path.read_text("utf-8"))
    document["spec"]["access"].setdefault("analysts", []).append(f"{tenant}{CHANGE_GROUP_SUFFIX}")
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")


class Runner:
    """Runs children in one environment and collects their reports."""

    def __init__(self, environment: Environment, log: Callable[[str], None], max_seconds: float | None = None) -> None:
        self.environment = environment
        self.log = log
        self.max_seconds = max_seconds

    def operation(self, operation: str, project: Path, stack: str) -> dict[str, Any]:
        """One ``up``/``preview`` child: its report, exact CPU (wait4), sampled CPU per process and servers."""
        from tests.storage.conftest import NO_AUTH_YET

        self.environment.store.set_unauthenticated_budget(NO_AUTH_YET)  # the admin key is no IAM user of moto's
        label = f"{operation}-{stack}"
        out_path = self.environment.root / f"{label}.out"
        err_path = self.environment.root / f"{label}.err"
        servers_before = self.environment.servers_cpu()
        started = time.perf_counter()
        with out_path.open("w") as out, err_path.open("w") as err:
            process = subprocess.Popen(
                [sys.executable, "-m", "benchmarks.engine", "--child", operation, str(project), stack],
                cwd=REPO_ROOT,
                env=self.environment.env,
                stdout=out,
                stderr=err,
                start_new_session=True,  # its own process group: a stopped run takes the CLI and plugins along
            )
            sampler = CpuSampler(process.pid)
            deadline = time.monotonic() + (self.max_seconds or CHILD_TIMEOUT)
            stopped = False
            while True:
                sampler.sample()
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() > deadline and not stopped:
                    stopped = True
                    _stop_tree(process.pid, list(sampler.seen))
                time.sleep(SAMPLE_SECONDS)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        servers_after = self.environment.servers_cpu()
        report = _partial_report(out_path, wall) if stopped else _report(out_path, err_path, label)
        steps = summarize_steps([(at, record) for at, record in report["events"]])
        result = {
            "operation": operation,
            "stack": stack,
            "ok": report["ok"],
            "error": report["error"],
            "wall_s": wall,
            "cpu_total_s": usage.ru_utime + usage.ru_stime,
            "maxrss_mib": usage.ru_maxrss / 1024,
            "cpu": sampler.by_category(),
            "other_processes": sampler.others(),
            "servers_cpu": {k: servers_after[k] - servers_before.get(k, 0.0) for k in servers_after},
            "timeline": report["timeline"],
            "commands": report["commands"],
            "steps": steps,
            "resources": sum(1 for _, r in report["events"] if r.get("kind") == "pre"),
            "stopped": stopped,
        }
        self.log(
            f"  {label}: {wall:.1f} s wall, {result['cpu_total_s']:.1f} s CPU, {steps['steps']} steps, "
            f"changes {_changes_text(steps['changes'])}{'' if report['ok'] else ' FAILED'}"
        )
        if not report["ok"] and not stopped:
            raise RuntimeError(f"{label} failed:\n{report['error']}")
        return result

    def synth(self, project: Path, stacks: Sequence[str], today: str) -> dict[str, Any]:
        label = "synth"
        out_path, err_path = self.environment.root / "synth.out", self.environment.root / "synth.err"
        started = time.perf_counter()
        with out_path.open("w") as out, err_path.open("w") as err:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.engine",
                    "--child",
                    "synth",
                    str(project),
                    ",".join(stacks),
                    "--today",
                    today,
                    "--synth-out",
                    str(self.environment.root / "synth"),
                ],
                cwd=REPO_ROOT,
                stdout=out,
                stderr=err,
                check=False,
                timeout=CHILD_TIMEOUT,
            )
        wall = time.perf_counter() - started
        report = _report(out_path, err_path, label)
        per_stack = report["stacks"]
        result = {
            "stacks": list(per_stack),
            "total_s": sum(s["seconds"] for s in per_stack.values()),
            "program_s": sum(s["program_s"] for s in per_stack.values()),
            "cpu_s": sum(s["cpu_s"] for s in per_stack.values()),
            "resources": sum(int(s["resources"]) for s in per_stack.values()),
            "import_s": report["import_s"],
            "process_wall_s": wall,
            "per_stack_s": {k: s["seconds"] for k, s in per_stack.items()},
        }
        self.log(f"  synth: {result['total_s']:.1f} s for {len(per_stack)} stack(s), {result['resources']} resources")
        return result


def _stop_tree(group: int, pids: Sequence[int]) -> None:
    """Stop a child at its time limit: its process group, then any process of its tree still alive (by PID)."""
    with suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)
    for pid in pids:
        if pid != group:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _partial_report(out_path: Path, wall: float) -> dict[str, Any]:
    """What a child stopped at its time limit had printed: its timeline marks and the events so far."""
    timeline: dict[str, Any] = {"imported_s": 0.0, "selected_s": 0.0}
    events = []
    for line in out_path.read_text("utf-8", errors="replace").splitlines():
        if line.startswith(EVENT_PREFIX):
            at, record = json.loads(line[len(EVENT_PREFIX) :])
            if record.get("kind") == "mark":
                timeline[record["name"]] = at
            else:
                events.append((at, record))
    timeline["op_end_s"] = wall
    return {
        "ok": False,
        "error": f"stopped at the time limit after {wall:.0f} s",
        "timeline": timeline,
        "commands": [],
        "events": events,
    }


def _report(out_path: Path, err_path: Path, label: str) -> dict[str, Any]:
    for line in out_path.read_text("utf-8", errors="replace").splitlines():
        if line.startswith(RESULT_PREFIX):
            report: dict[str, Any] = json.loads(line[len(RESULT_PREFIX) :])
            return report
    raise RuntimeError(f"{label} printed no result:\n{err_path.read_text('utf-8', errors='replace')[-6000:]}")


def run_site(
    spec: SiteSpec,
    work: Path,
    today: str,
    log: Callable[[str], None],
    engine_vars: Mapping[str, str] | None = None,
    max_seconds: float | None = None,
) -> dict[str, Any]:
    """Everything measured for one site, in an environment of its own (stopped at the end).

    ``engine_vars`` are added to the CLI's environment (an experiment, e.g. ``PULUMI_SKIP_CHECKPOINTS=true``).
    An operation still running after ``max_seconds`` is stopped and reported as far as it got; the site's
    later measurements are then skipped (a half-deployed stack has no no-op preview).
    """
    root = work / spec.name
    root.mkdir(parents=True)
    log(f"{spec.name}: starting a fresh control plane, CRDs and moto")
    environment = start_environment(root)
    environment.env.update(engine_vars or {})
    try:
        log(f"  environment ready in {environment.setup_s:.1f} s")
        runner = Runner(environment, log, max_seconds)
        project, stacks = prepare_project(spec, root, environment.store.endpoint, today)
        synth = runner.synth(project, stacks, today)
        ops: dict[str, list[dict[str, Any]]] = {"up": [], "preview": [], "change": []}
        for stack in stacks:
            ops["up"].append(runner.operation("up", project, stack))
            if ops["up"][-1]["stopped"]:
                break
        stopped = any(op["stopped"] for op in ops["up"])
        for stack in [] if stopped else stacks:
            ops["preview"].append(runner.operation("preview", project, stack))
        bad = [op["stack"] for op in ops["preview"] if set(op["steps"]["changes"]) - {"same"}]
        if bad:
            raise RuntimeError(f"the preview after up is not a no-op for {bad}")
        if spec.layout == "sharded" and not stopped:
            change_tenant(project, spec.stack, CHANGED_TENANT)
            tenant_stack = f"{spec.stack}.{CHANGED_TENANT}"
            ops["change"].append(runner.operation("preview", project, tenant_stack))
            ops["change"].append(runner.operation("up", project, tenant_stack))
    finally:
        environment.stop()
    aggregates = {key: aggregate(value) for key, value in ops.items() if value}
    return {
        "name": spec.name,
        "description": spec.description,
        "layout": spec.layout,
        "stacks": len(stacks),
        "setup_s": environment.setup_s,
        "openapi": environment.openapi,
        "synth": synth,
        "operations": ops,
        "aggregate": aggregates,
    }


def _versions() -> dict[str, str]:
    """The CLI's own version, the provider's from its folder in the tools cache, the Python SDK's."""
    from importlib import metadata

    from tests.prerequisites import tool, tools_dir

    cli = subprocess.run([str(tool("pulumi")), "version"], capture_output=True, text=True, check=False).stdout.strip()
    provider = sorted(p.name.removeprefix("pulumi-kubernetes-") for p in tools_dir().glob("pulumi-kubernetes-*"))
    return {"cli": cli, "kubernetes": ", ".join(provider) or "unknown", "sdk": metadata.version("pulumi")}


def write_section(results: Mapping[str, Any], out_path: Path) -> None:
    """Put the engine section of ``results`` into ``out_path``, keeping its hand-written analysis."""
    text = out_path.read_text("utf-8") if out_path.is_file() else "# govcloud benchmarks\n"
    analysis = existing_section(text, ANALYSIS_BEGIN, ANALYSIS_END)
    analysis = analysis.removeprefix(ANALYSIS_BEGIN).removesuffix(ANALYSIS_END).strip("\n")
    out_path.write_text(replace_section(text, render_section(results, analysis)), "utf-8")


def render_raw(raw_path: Path, out_path: Path) -> None:
    """``--render``: the section again from the raw JSON of earlier runs (after a change to the rendering)."""
    results = json.loads(raw_path.read_text("utf-8"))
    for site in results["sites"]:  # aggregated again: the aggregation may have changed since the run
        site["aggregate"] = {key: aggregate(ops) for key, ops in site["operations"].items() if ops}
    write_section({**results, "sites": _in_order(results["sites"])}, out_path)


def _in_order(sites: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sites in the default order (local, then by size, single before sharded), others after."""
    order = DEFAULT_SITES.split(",")
    return sorted(sites, key=lambda site: order.index(site["name"]) if site["name"] in order else len(order))


def main_parent(args: argparse.Namespace) -> None:
    from benchmarks.run import _loadavg, machine

    specs = [parse_site(s.strip()) for s in args.sites.split(",") if s.strip()]
    out_path = Path(args.out)
    raw_path = Path(args.raw)
    raw_path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="govcloud-engine-bench-", dir=args.work))
    clock = time.perf_counter()
    started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    load_before = _loadavg()
    today = dt.date.today().isoformat()  # a deployment refuses GOVCLOUD_TODAY: the calendar decides agreements
    engine_vars = dict(item.split("=", 1) for item in args.engine_env)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers (the finally blocks) on kill

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - clock:7.1f}s] {message}", flush=True)

    sites: list[dict[str, Any]] = []
    names = {spec.name for spec in specs}
    kept = []
    if args.add and raw_path.is_file():
        kept = [site for site in json.loads(raw_path.read_text("utf-8"))["sites"] if site["name"] not in names]

    def write() -> None:
        """RESULTS.md and engine.json with the sites measured so far (a later failure keeps them)."""
        results = {
            "started": started,
            "duration_s": time.perf_counter() - clock,
            "load_before": load_before,
            "load_after": _loadavg(),
            "machine": machine(),
            "versions": _versions(),
            "engine_env": engine_vars,
            "sites": _in_order([*kept, *sites]),
        }
        raw_path.write_text(json.dumps(results, indent=1, default=str), "utf-8")
        write_section(results, out_path)
        log(f"wrote {out_path} and {raw_path}")

    try:
        for spec in specs:
            load = _loadavg()
            limit = args.max_minutes * 60 if args.max_minutes else None
            site = run_site(spec, work, today, log, engine_vars, limit)
            sites.append({**site, "load_before": load, "load_after": _loadavg()})
            write()
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", default=DEFAULT_SITES, help="local, single-N, sharded-N (comma-separated)")
    parser.add_argument("--out", default=str(REPO_ROOT / "benchmarks" / "RESULTS.md"))
    parser.add_argument("--work", default=None, help="parent folder of the temporary environments")
    parser.add_argument("--keep", action="store_true", help="keep the environments' folders and logs")
    parser.add_argument(
        "--engine-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an extra variable for the CLI (an experiment, e.g. PULUMI_SKIP_CHECKPOINTS=true); repeatable",
    )
    parser.add_argument(
        "--max-minutes",
        type=float,
        default=None,
        help="stop an operation still running after this long and report how far it got (default: no limit)",
    )
    parser.add_argument("--raw", default=str(REPO_ROOT / "benchmarks" / "out" / "engine.json"), help="raw JSON")
    parser.add_argument(
        "--render", action="store_true", help="measure nothing: rewrite the section from the raw JSON (--raw)"
    )
    parser.add_argument(
        "--add",
        action="store_true",
        help="keep the sites of the raw JSON that this run does not measure (each site shows its own load)",
    )
    parser.add_argument("--child", choices=("up", "preview", "synth"), help=argparse.SUPPRESS)
    parser.add_argument("child_args", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--today", help=argparse.SUPPRESS)
    parser.add_argument("--synth-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.render:
        render_raw(Path(args.raw), Path(args.out))
    elif args.child == "synth":
        child_synth(Path(args.child_args[0]), args.child_args[1].split(","), args.today, Path(args.synth_out))
    elif args.child:
        child_operation(args.child, Path(args.child_args[0]).resolve(), args.child_args[1])
    else:
        main_parent(args)


if __name__ == "__main__":
    main()
