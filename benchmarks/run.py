"""Scale benchmark of govcloud: validate, synth, the Pulumi SDK floor and a sharded tenant stack.

    python -m benchmarks.run [--sizes 50,100,200,400] [--out benchmarks/RESULTS.md]

Every measurement runs in a fresh child process (``python -m benchmarks.run --child MODE ...``), so its
peak RSS is its own: the parent reads it, with the child's CPU time, from ``os.wait4``. Children print one
``BENCH-RESULT {json}`` line with their in-process timings. Each timing is repeated ``--reps`` times and
the median reported; a measurement whose first run exceeds ``--slow-seconds`` runs once (said so in the
table). See benchmarks/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
STACK = "national-prod"
TODAY = "2026-11-25"
RESULT_PREFIX = "BENCH-RESULT "
MIB = 1024.0

VALIDATE_TARGET_S = 2.0
VALIDATE_N = 1000
SCALE_FROM, SCALE_TO, SCALE_TARGET = 100, 400, 4.4
SHARDED_N = 400
SHARDED_TENANT = "agency-0007"
SHARDED_TARGET_S = 2.0
PROFILE_N = 200
ANALYSIS_BEGIN = "<!-- analysis:begin (kept by benchmarks/run.py when it rewrites this file) -->"
ANALYSIS_END = "<!-- analysis:end -->"


# ---------------------------------------------------------------------------------------------------------
# Children: each prints one BENCH-RESULT line. Heavy imports happen here, timed, never in the parent.
# ---------------------------------------------------------------------------------------------------------


def _rss_now_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / MIB
    return 0.0


def _emit(result: dict[str, Any]) -> None:
    import resource

    result["child_maxrss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / MIB
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def child_validate(args: argparse.Namespace) -> None:
    """``load_stack`` in-process: the same call ``govcloud validate --stack`` makes."""
    start = time.perf_counter()
    from govcloud.contract.stack import load_stack

    imported = time.perf_counter()
    rss = _rss_now_mib()
    cpu = time.process_time()
    definition = load_stack(Path(args.project) / "stacks", args.stack, args.today)
    done = time.perf_counter()
    _emit(
        {
            "import_s": imported - start,
            "seconds": done - imported,
            "cpu_s": time.process_time() - cpu,
            "tenants": len(definition.tenants),
            "agreements": len(definition.agreements),
            "rss_after_import_mib": rss,
        }
    )


def _time_monitor() -> dict[str, float]:
    """Count the CPU time of the mock monitor's RegisterResource calls, which the SDK makes from worker threads.

    ``capture`` is our ``CapturingMonitor.RegisterResource`` in all; ``sdk`` the SDK's ``MockMonitor`` part of
    it (deserialize the request, call ``EchoMocks``, serialize the state back). Two clock reads per call.
    """
    from pulumi.runtime import mocks

    from govcloud.synth import capture

    spent = {"capture": 0.0, "sdk": 0.0, "calls": 0.0}

    def timed(method: Callable[..., Any], key: str) -> Callable[..., Any]:
        def wrapper(self: Any, request: Any) -> Any:
            start = time.thread_time()
            try:
                return method(self, request)
            finally:
                spent[key] += time.thread_time() - start
                spent["calls"] += key == "capture"

        return wrapper

    capture.CapturingMonitor.RegisterResource = timed(  # type: ignore[method-assign]
        capture.CapturingMonitor.RegisterResource, "capture"
    )
    mocks.MockMonitor.RegisterResource = timed(mocks.MockMonitor.RegisterResource, "sdk")  # type: ignore[method-assign]
    return spent


def _time_gc() -> dict[str, float]:
    """Count the time Python's cyclic garbage collector spends, per generation (``gc.callbacks``)."""
    import gc

    spent = {"gen0_s": 0.0, "gen1_s": 0.0, "gen2_s": 0.0, "gen2_count": 0.0}
    started: list[float] = [0.0]

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            spent[f"gen{info['generation']}_s"] += time.perf_counter() - started[0]
            spent["gen2_count"] += info["generation"] == 2

    gc.callbacks.append(callback)
    return spent


def _synth_phases(project: Path, stack: str, today: str, out: Path, time_monitor: bool = True) -> dict[str, Any]:
    """What ``govcloud synth`` does, phase by phase (without printing the summary tables)."""
    from govcloud.synth.engine import synthesize
    from govcloud.synth.plan import plan_document, write_plan
    from govcloud.synth.policy import mandatory_failures, run_policies

    monitor = _time_monitor() if time_monitor else {"capture": 0.0, "sdk": 0.0, "calls": 0.0}
    collector = _time_gc()

    c0, t0 = time.process_time(), time.perf_counter()
    result = synthesize(project, stack, today)
    c1, t1 = time.process_time(), time.perf_counter()
    document = plan_document(result)
    t2 = time.perf_counter()
    violations = run_policies(document)
    t3 = time.perf_counter()
    document = plan_document(result, violations)
    t4 = time.perf_counter()
    written = write_plan(document, out)
    c5, t5 = time.process_time(), time.perf_counter()
    custom = sum(1 for r in result.registrations if r.custom)
    return {
        "program_s": t1 - t0,
        "plan_s": (t2 - t1) + (t4 - t3),
        "policies_s": t3 - t2,
        "write_s": t5 - t4,
        "seconds": t5 - t0,
        "program_cpu_s": c1 - c0,
        "monitor_cpu_s": monitor["capture"],
        "mock_monitor_cpu_s": monitor["sdk"],
        "monitor_calls": monitor["calls"],
        "gc_s": collector["gen0_s"] + collector["gen1_s"] + collector["gen2_s"],
        "gc_gen2_s": collector["gen2_s"],
        "gc_gen2_count": collector["gen2_count"],
        "cpu_s": c5 - c0,
        "resources": len(result.registrations),
        "custom": custom,
        "components": len(result.registrations) - custom,
        "tenants": len(result.tenants),
        "mandatory_violations": len(mandatory_failures(violations)),
        "violations": len(violations),
        "files_written": len(written),
    }


def child_synth(args: argparse.Namespace) -> None:
    start = time.perf_counter()
    import govcloud.synth.engine  # the import cost, timed apart from the run
    import govcloud.synth.plan
    import govcloud.synth.policy  # noqa: F401

    imported = time.perf_counter()
    rss = _rss_now_mib()
    phases = _synth_phases(Path(args.project), args.stack, args.today, Path(args.synth_out))
    _emit({"import_s": imported - start, "rss_after_import_mib": rss, **phases})


def _emit_mocked_run(program: Callable[[], None], stack: str, import_s: float, rss: float) -> None:
    """Time ``program`` under the mock monitor and report it the way every floor measurement is reported."""
    c0, t0 = time.process_time(), time.perf_counter()
    registered = _run_under_mocks(program, stack)
    cpu, done = time.process_time() - c0, time.perf_counter()
    _emit(
        {"import_s": import_s, "rss_after_import_mib": rss, "seconds": done - t0, "cpu_s": cpu, "resources": registered}
    )


def _run_under_mocks(program: Callable[[], None], stack: str) -> int:
    """Run ``program`` exactly as ``govcloud.synth.engine.run_program`` runs ours; returns registrations."""
    from pulumi.runtime import set_mocks, settings
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    from govcloud.synth.capture import CapturingMonitor, EchoMocks

    settings.ROOT.set(None)
    mocks = EchoMocks()
    monitor = CapturingMonitor(mocks)
    set_mocks(mocks, project="govcloud", stack=stack, preview=False, monitor=monitor)
    _sync_await(run_pulumi_func(program))
    return len(monitor.registrations)


def child_floor(args: argparse.Namespace) -> None:
    """The SDK floor: ``components`` ComponentResources and ``custom`` ConfigMaps with tiny inputs.

    ConfigMaps are spread round-robin over the components (each its parent), so the resource count, the
    component/custom split and the tree depth below the stack match a synth run; only the inputs differ.
    """
    start = time.perf_counter()
    import pulumi
    import pulumi_kubernetes as k8s

    import govcloud.synth.capture  # noqa: F401

    imported = time.perf_counter()
    rss = _rss_now_mib()
    components, custom = int(args.components), int(args.custom)

    def program() -> None:
        groups = [pulumi.ComponentResource("bench:floor:Group", f"group-{i}") for i in range(components)]
        for j in range(custom):
            k8s.core.v1.ConfigMap(
                f"cm-{j}",
                metadata={"name": f"cm-{j}", "namespace": f"ns-{j % components}"},
                data={"key": "value"},
                opts=pulumi.ResourceOptions(parent=groups[j % components]),
            )
        for group in groups:
            group.register_outputs({})

    _emit_mocked_run(program, "floor", imported - start, rss)


def child_replay(args: argparse.Namespace) -> None:
    """A second, stricter floor: re-register exactly the resources of a plan.json, with their inputs.

    Same types, names, parents (so the same URNs) and the same input payloads, as bare
    ``pulumi.CustomResource``/``ComponentResource`` objects: what the SDK costs for *our* plan, with none
    of our code (validation, manifest building, Helm rendering) in front of it.
    """
    start = time.perf_counter()
    import pulumi

    import govcloud.synth.capture  # noqa: F401

    imported = time.perf_counter()
    plan = json.loads(Path(args.plan).read_text("utf-8"))
    resources = [r for r in plan["resources"] if r["type"] != "pulumi:pulumi:StackReference"]
    by_urn = {r["urn"]: r for r in resources}
    rss = _rss_now_mib()

    def program() -> None:
        made: dict[str, pulumi.Resource] = {}

        def make(resource: dict[str, Any]) -> pulumi.Resource:
            urn = resource["urn"]
            if urn not in made:
                parent_urn = resource["parent"]
                parent = make(by_urn[parent_urn]) if parent_urn in by_urn else None
                opts = pulumi.ResourceOptions(parent=parent)
                if resource["custom"]:
                    made[urn] = pulumi.CustomResource(
                        resource["type"], resource["name"], dict(resource["inputs"]), opts
                    )
                else:
                    made[urn] = pulumi.ComponentResource(resource["type"], resource["name"], None, opts)
            return made[urn]

        for resource in resources:
            make(resource)
        for resource in resources:
            if not resource["custom"]:
                component = made[resource["urn"]]
                assert isinstance(component, pulumi.ComponentResource)
                component.register_outputs({})

    _emit_mocked_run(program, "replay", imported - start, rss)


def _origin(filename: str) -> str:
    path = filename.replace("\\", "/")
    if path == "~" or path.startswith("<"):
        return "builtins (C)"
    if "/site-packages/" not in path and "/govcloud/" in path:
        return "govcloud (ours)"
    if "/benchmarks/" in path and "/site-packages/" not in path:
        return "benchmark harness"
    for marker, name in (
        ("/site-packages/pulumi_kubernetes/", "pulumi-kubernetes SDK"),
        ("/site-packages/pulumi/", "pulumi SDK"),
        ("/site-packages/grpc/", "grpc/protobuf"),
        ("/site-packages/google/protobuf/", "grpc/protobuf"),
        ("/site-packages/yaml/", "PyYAML"),
        ("/site-packages/pydantic", "pydantic"),
        ("/site-packages/jinja2/", "jinja2"),
        ("/asyncio/", "asyncio (stdlib)"),
        ("/site-packages/", "other third-party"),
    ):
        if marker in path:
            return name
    return "other stdlib"


def _label(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    if filename == "~":
        return name
    path = filename.replace("\\", "/")
    for marker in ("/site-packages/", str(REPO_ROOT) + "/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    else:
        if "/lib/python" in path:
            path = "stdlib/" + path.split("/lib/python", 1)[1].split("/", 1)[1]
    return f"{path}:{line}({name})"


IDLE = frozenset({"<method 'poll' of 'select.epoll' objects>"})
"""Waiting, not working: the event loop waiting for the executor threads."""


def child_profile(args: argparse.Namespace) -> None:
    """One synth under cProfile: top functions, own time by origin, and what our code spends where.

    Only the main thread is profiled: the SDK makes its monitor calls (RegisterResource, ...) from worker
    threads of asyncio's executor, and a wall-clock profile of those threads is mostly time spent waiting for
    the GIL. Their CPU time is measured instead, without a profiler, by the synth runs (``monitor_cpu_s``).
    The event loop's idle waits in epoll (for those threads) are left out of the totals.
    """
    import cProfile
    import pstats

    import govcloud.synth.engine
    import govcloud.synth.plan
    import govcloud.synth.policy  # noqa: F401

    profiler = cProfile.Profile()
    profiler.enable()
    phases = _synth_phases(Path(args.project), args.stack, args.today, Path(args.synth_out), time_monitor=False)
    profiler.disable()
    profiler.dump_stats(args.pstats)
    stats = pstats.Stats(profiler)
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, dict[Any, Any]]] = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for func, entry in raw.items() if func[2] not in IDLE)
    idle = sum(entry[2] for func, entry in raw.items() if func[2] in IDLE)

    def row(func: tuple[str, int, str]) -> dict[str, Any]:
        _cc, nc, tt, ct, _ = raw[func]
        return {"function": _label(func), "origin": _origin(func[0]), "ncalls": nc, "tottime": tt, "cumtime": ct}

    by_cum = sorted(raw, key=lambda f: raw[f][3], reverse=True)
    wrappers = {
        "run_until_complete",
        "run_forever",
        "_run_once",
        "_run",
        "run",
        "_worker",
        "_bootstrap",
        "_bootstrap_inner",
        "select",
        *IDLE,
        "<method 'run' of '_contextvars.Context' objects>",
    }
    plumbing = ("asyncio (stdlib)", "builtins (C)", "other stdlib")

    def is_wrapper(func: tuple[str, int, str]) -> bool:
        origin = _origin(func[0])
        return (
            origin == "benchmark harness"
            or (origin in plumbing and func[2] in wrappers)
            or func[2] in ("_sync_await", "synthesize", "run_program")
        )

    top = [f for f in by_cum if not is_wrapper(f)]
    own: dict[str, float] = {}
    for func, (_, _, tt, _, _) in raw.items():
        if func[2] in IDLE:
            continue
        own[_origin(func[0])] = own.get(_origin(func[0]), 0.0) + tt
    # Edges from our code into a library: where our functions hand time to PyYAML, pydantic, the SDK ...
    edges: dict[tuple[str, str], float] = {}
    for callee, (_, _, _, _, callers) in raw.items():
        callee_origin = _origin(callee[0])
        if callee_origin in ("govcloud (ours)", "builtins (C)"):
            continue
        for caller, edge in callers.items():
            if _origin(caller[0]) == "govcloud (ours)" and caller[2] not in ("run_program", "synthesize"):
                key = (_label(caller), callee_origin)
                edges[key] = edges.get(key, 0.0) + edge[3]
    ours = [f for f in by_cum if _origin(f[0]) == "govcloud (ours)" and not is_wrapper(f)]
    _emit(
        {
            **phases,
            "profiled_total_s": total,
            "profiled_idle_s": idle,
            "top_cumulative": [row(f) for f in top[:15]],
            "top_ours": [row(f) for f in ours[:20]],
            "own_time_by_origin": dict(sorted(own.items(), key=lambda kv: kv[1], reverse=True)),
            "ours_into_libraries": [
                {"caller": c, "library": lib, "cumtime": t}
                for (c, lib), t in sorted(edges.items(), key=lambda kv: kv[1], reverse=True)[:15]
            ],
        }
    )


def child_imports(args: argparse.Namespace) -> None:
    """What ``import govcloud.cli`` costs, by the modules it imports directly (``python -X importtime``)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import govcloud.cli"], capture_output=True, text=True, check=True
    )
    entries: list[tuple[str, float]] = []
    total = 0.0
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        _, cumulative, name = line[len("import time:") :].split("|")
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        if name.strip() == "govcloud.cli":
            total = int(cumulative) / 1e6
        elif depth == 1:
            entries.append((name.strip(), int(cumulative) / 1e6))
    entries.sort(key=lambda e: e[1], reverse=True)
    _emit({"seconds": total, "direct_imports": [{"module": m, "seconds": t} for m, t in entries[:8]]})


CHILDREN: dict[str, Callable[[argparse.Namespace], None]] = {
    "imports": child_imports,
    "validate": child_validate,
    "synth": child_synth,
    "floor": child_floor,
    "replay": child_replay,
    "profile": child_profile,
}


# ---------------------------------------------------------------------------------------------------------
# Parent: runs children, one at a time, and measures each from the outside.
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Run:
    """One child process: wall time, CPU time and peak RSS as the kernel reports them, plus its report."""

    wall_s: float
    cpu_s: float
    maxrss_mib: float
    report: dict[str, Any] = field(default_factory=dict)


@dataclass
class Measurement:
    runs: list[Run]
    note: str = ""

    def median(self, key: Callable[[Run], float]) -> float:
        return statistics.median(key(r) for r in self.runs)

    def spread(self, key: Callable[[Run], float]) -> str:
        values = [key(r) for r in self.runs]
        return f"{min(values):.2f}–{max(values):.2f}" if len(values) > 1 else "—"

    def value(self, name: str) -> float:
        return self.median(lambda r: float(r.report[name]))

    @property
    def reps(self) -> str:
        return f"{len(self.runs)}{' (' + self.note + ')' if self.note else ''}"


def fixed(command: list[str]) -> Callable[[int], list[str]]:
    """The same command for every repetition."""
    return lambda _rep: command


def cli_command() -> list[str]:
    """The installed ``govcloud`` script next to this interpreter (no pyenv shim), else ``python -m``."""
    script = Path(sys.executable).parent / "govcloud"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "govcloud"]


def run_child(command: Sequence[str], work: Path, label: str) -> Run:
    """Run ``command`` to completion; its own rusage comes from wait4 (not the sum over all children)."""
    out_path, err_path = work / f"{label}.stdout", work / f"{label}.stderr"
    with out_path.open("w") as out, err_path.open("w") as err:
        start = time.perf_counter()
        process = subprocess.Popen(list(command), stdout=out, stderr=err, cwd=REPO_ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = err_path.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{label}: {' '.join(command)} exited {process.returncode}:\n{tail}")
    report: dict[str, Any] = {}
    for line in out_path.read_text(errors="replace").splitlines():
        if line.startswith(RESULT_PREFIX):
            report = json.loads(line[len(RESULT_PREFIX) :])
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / MIB, report)


class Bench:
    def __init__(self, work: Path, reps: int, slow_s: float, log: Callable[[str], None]) -> None:
        self.work, self.reps, self.slow_s, self.log = work, reps, slow_s, log
        self.counter = 0

    def child(self, mode: str, **options: str | int | Path) -> list[str]:
        command = [sys.executable, "-m", "benchmarks.run", "--child", mode]
        for key, value in options.items():
            command += [f"--{key.replace('_', '-')}", str(value)]
        return command

    def measure(
        self, name: str, command: Callable[[int], list[str]], reps: int | None = None, single_note: str = ""
    ) -> Measurement:
        """Run ``command(rep)`` up to ``reps`` times; a first run slower than ``slow_s`` is the only one."""
        wanted = self.reps if reps is None else reps
        runs: list[Run] = []
        note = single_note if reps == 1 else ""
        for rep in range(wanted):
            self.counter += 1
            run = run_child(command(rep), self.work, f"{self.counter:03d}-{name}")
            runs.append(run)
            shown = run.report.get("seconds")
            inner = f", in-process {shown:.2f} s" if isinstance(shown, float) else ""
            self.log(f"  {name} run {rep + 1}/{wanted}: {run.wall_s:.2f} s wall{inner}, {run.maxrss_mib:.0f} MiB")
            if rep == 0 and wanted > 1 and run.wall_s > self.slow_s:
                note = f"the first took {run.wall_s:.0f} s > {self.slow_s:.0f} s"
                break
        return Measurement(runs, note)


# ---------------------------------------------------------------------------------------------------------
# The report.
# ---------------------------------------------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine() -> dict[str, str]:
    cpuinfo = _read("/proc/cpuinfo")
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), "")
    mhz = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("cpu MHz")), "")
    meminfo = _read("/proc/meminfo")
    total_kib = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal")), 0)

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    import yaml

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO_ROOT, capture_output=True, text=True)
    return {
        "CPU": f"{model or platform.processor() or 'unknown'}" + (f" ({mhz} MHz)" if mhz else ""),
        "cores": f"{os.cpu_count()} logical ({len(os.sched_getaffinity(0))} usable)",
        "memory": f"{total_kib / MIB / MIB:.1f} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": f"{platform.python_version()} ({platform.python_implementation()})",
        "pulumi SDK": version("pulumi"),
        "pulumi-kubernetes": version("pulumi-kubernetes"),
        "pydantic": version("pydantic"),
        "PyYAML": f"{version('PyYAML')} (libyaml {'available' if yaml.__with_libyaml__ else 'absent'})",
        "govcloud commit": (commit.stdout.strip() or "unknown") + (" + uncommitted changes" if dirty.stdout else ""),
    }


def _status(ok: bool) -> str:
    return "**PASS**" if ok else "**MISS**"


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _existing_analysis(path: Path) -> str:
    if not path.is_file():
        return ""
    text = path.read_text("utf-8")
    if ANALYSIS_BEGIN in text and ANALYSIS_END in text:
        return text.split(ANALYSIS_BEGIN, 1)[1].split(ANALYSIS_END, 1)[0].strip("\n")
    return ""


@dataclass
class Results:
    started: str
    duration_s: float
    load_before: str
    load_after: str
    machine: dict[str, str]
    sizes: list[int]
    validate: dict[int, tuple[Measurement, Measurement]]
    synth: dict[int, Measurement]
    floor: dict[int, Measurement]
    replay: Measurement | None
    replay_n: int
    sharded_stacks: Measurement | None
    sharded: Measurement | None
    sharded_validate: Measurement | None
    profile: dict[str, Any] | None
    cli_startup: Measurement | None = None
    imports: dict[str, Any] | None = None
    validate_n: int = VALIDATE_N
    sharded_n: int = SHARDED_N
    profile_n: int = PROFILE_N


def _s(value: float) -> str:
    return f"{value:.2f}"


def _validate_section(r: Results) -> list[str]:
    """Section 1: validate at each N, in-process and through the CLI."""
    lines: list[str] = []
    lines += ["## 1. validate (N tenant files)", ""]
    rows = []
    for n in sorted(r.validate):
        inproc, cli = r.validate[n]
        rows.append(
            [
                n,
                int(inproc.value("agreements")),
                inproc.reps,
                f"{_s(inproc.value('seconds'))} ({inproc.spread(lambda x: float(x.report['seconds']))})",
                _s(inproc.value("cpu_s")),
                f"{1000 * inproc.value('seconds') / n:.2f}",
                f"{_s(inproc.value('import_s'))}",
                _s(inproc.median(lambda x: x.wall_s)),
                f"{_s(cli.median(lambda x: x.wall_s))} ({cli.spread(lambda x: x.wall_s)})",
                _s(cli.median(lambda x: x.cpu_s)),
                f"{cli.median(lambda x: x.maxrss_mib):.0f}",
            ]
        )
    lines += _table(
        [
            "N",
            "agreements",
            "runs",
            "`load_stack` in-process wall (s, range)",
            "in-process CPU (s)",
            "ms / file",
            "import (s)",
            "whole child: python + imports + `load_stack` (s)",
            "`govcloud validate --stack` wall (s, range)",
            "CLI CPU (s)",
            "CLI peak RSS (MiB)",
        ],
        rows,
    )
    return lines


def _large_validate_section(r: Results) -> list[str]:
    """Section 2: the large validate-only site, CLI start-up and import costs."""
    lines: list[str] = []
    lines += [f"## 2. Validating {r.validate_n:,} tenant files", ""]
    if r.validate_n in r.validate:
        inproc, cli = r.validate[r.validate_n]
        checks = [
            ("`load_stack` in-process, wall", inproc.value("seconds")),
            ("`load_stack` in-process, CPU", inproc.value("cpu_s")),
            ("`govcloud validate --stack` end to end, wall", cli.median(lambda x: x.wall_s)),
            ("`govcloud validate --stack` end to end, CPU", cli.median(lambda x: x.cpu_s)),
        ]
        lines += _table(
            ["measure", "seconds", "target", "result"],
            [
                [name, _s(value), f"< {VALIDATE_TARGET_S:.0f} s", _status(value < VALIDATE_TARGET_S)]
                for name, value in checks
            ],
        )
    lines += [
        "The in-process number is `load_stack` alone (parse, per-file models, cross-field and cross-file "
        "rules); the CLI number adds interpreter start-up, imports and printing — what a user actually waits.",
        "",
    ]
    if r.cli_startup is not None:
        lines += [
            f"**CLI start-up**: `govcloud --help`, which validates nothing, takes "
            f"**{_s(r.cli_startup.median(lambda x: x.wall_s))} s** wall (median of {len(r.cli_startup.runs)}, peak RSS "
            f"{r.cli_startup.median(lambda x: x.maxrss_mib):.0f} MiB): that much of every CLI number above is "
            "interpreter start-up and imports.",
            "",
        ]
    if r.imports is not None:
        lines += [
            f"`import govcloud.cli` alone takes {_s(r.imports['seconds'])} s (`python -X importtime`, one run); "
            "the modules it imports directly, by cumulative import time:",
            "",
        ]
        lines += _table(
            ["module", "cumulative import (s)"],
            [[f"`{e['module']}`", _s(e["seconds"])] for e in r.imports["direct_imports"]],
        )
    return lines


def _synth_section(r: Results) -> list[str]:
    """Section 3: synth at each N, by phase."""
    lines: list[str] = []
    lines += [
        "## 3. synth (in-process `synthesize` + `plan_document` + `run_policies` + `write_plan`)",
        "",
    ]
    rows = []
    for n in r.sizes:
        m = r.synth[n]
        rows.append(
            [
                n,
                int(m.value("resources")),
                f"{int(m.value('custom'))} / {int(m.value('components'))}",
                m.reps,
                f"**{_s(m.value('seconds'))}** ({m.spread(lambda x: float(x.report['seconds']))})",
                _s(m.value("program_s")),
                _s(m.value("plan_s") + m.value("policies_s")),
                _s(m.value("write_s")),
                f"{1000 * m.value('seconds') / m.value('resources'):.2f}",
                _s(m.value("cpu_s")),
                _s(m.median(lambda x: x.wall_s)),
                f"{m.median(lambda x: x.maxrss_mib):.0f}",
                f"{m.value('rss_after_import_mib'):.0f}",
            ]
        )
    lines += _table(
        [
            "N",
            "resources",
            "custom / components",
            "runs",
            "synth total (s, range)",
            "program (s)",
            "plan + policies (s)",
            "write_plan (s)",
            "ms / resource",
            "synth CPU (s)",
            "process wall (s)",
            "peak RSS (MiB)",
            "RSS after imports (MiB)",
        ],
        rows,
    )
    lines += [
        "`program` is `synthesize()`: the real Pulumi program under the SDK's mock monitor, including the "
        "stack's validation. `process wall` adds interpreter start-up and imports.",
        "",
        "**Where the CPU time of synth goes** (measured without a profiler: the mock monitor's calls are timed "
        "with the thread's CPU clock; validation is `load_stack` from section 1):",
        "",
    ]
    rows = []
    for n in r.sizes:
        m = r.synth[n]
        cpu = m.value("cpu_s")
        program = m.value("program_cpu_s")
        monitor, sdk_monitor = m.value("monitor_cpu_s"), m.value("mock_monitor_cpu_s")
        validation = r.validate[n][0].value("cpu_s") if n in r.validate else 0.0
        rest = program - monitor - validation
        after = cpu - program

        def pct(value: float, total: float = cpu) -> str:
            return f"{_s(value)} ({100 * value / total:.0f} %)"

        rows.append(
            [
                n,
                _s(cpu),
                pct(validation),
                pct(rest),
                pct(sdk_monitor),
                pct(monitor - sdk_monitor),
                pct(after),
                f"{_s(m.value('gc_s'))} ({100 * m.value('gc_s') / m.value('seconds'):.0f} %), "
                f"{int(m.value('gc_gen2_count'))} full",
            ]
        )
    lines += _table(
        [
            "N",
            "synth CPU (s)",
            "validation",
            "program, main thread: our components + SDK constructors and registration",
            "SDK mock monitor (worker threads)",
            "our CapturingMonitor (worker threads)",
            "plan + policies + write_plan",
            "of all that: cyclic GC (s, % of synth wall, full collections)",
        ],
        rows,
    )
    return lines


def _floor_section(r: Results) -> list[str]:
    """Section 4: the Pulumi SDK floor (and the replay floor)."""
    lines: list[str] = []
    lines += ["## 4. Pulumi SDK floor (same resource count, tiny inputs)", ""]
    rows = []
    for n in r.sizes:
        floor, synth = r.floor[n], r.synth[n]
        rows.append(
            [
                n,
                int(floor.value("resources")),
                floor.reps,
                f"**{_s(floor.value('seconds'))}** ({floor.spread(lambda x: float(x.report['seconds']))})",
                f"{1000 * floor.value('seconds') / floor.value('resources'):.2f}",
                _s(floor.value("cpu_s")),
                f"{floor.median(lambda x: x.maxrss_mib):.0f}",
                f"{synth.value('program_s') / floor.value('seconds'):.2f}",
                f"{synth.value('seconds') / floor.value('seconds'):.2f}",
                f"{synth.value('cpu_s') / floor.value('cpu_s'):.2f}",
            ]
        )
    lines += _table(
        [
            "N",
            "resources",
            "runs",
            "floor (s, range)",
            "ms / resource",
            "floor CPU (s)",
            "peak RSS (MiB)",
            "program / floor",
            "**synth total / floor**",
            "synth CPU / floor CPU",
        ],
        rows,
    )
    if r.replay is not None:
        synth = r.synth[r.replay_n]
        replay_s, replay_cpu = r.replay.value("seconds"), r.replay.value("cpu_s")
        replay_rss = r.replay.median(lambda x: x.maxrss_mib)
        lines += [
            f"**Replay floor (N = {r.replay_n})**: re-registering exactly the {int(r.replay.value('resources'))} "
            "captured resources — same types, names, parents and input payloads, as bare "
            "`pulumi.CustomResource`/`ComponentResource` objects under the same monitor — takes "
            f"**{_s(replay_s)} s** wall, {_s(replay_cpu)} s CPU (1 run, peak RSS {replay_rss:.0f} MiB). That is "
            f"the SDK's cost for *our* plan. `program` − replay = {_s(synth.value('program_s') - replay_s)} s wall "
            f"({_s(synth.value('program_cpu_s') - replay_cpu)} s CPU) is our code in front of the SDK (validation, "
            "manifest building, Helm rendering, component wiring); plan + policies + write_plan "
            f"({_s(synth.value('seconds') - synth.value('program_s'))} s) is ours too.",
            "",
        ]
    return lines


def _scaling_section(r: Results) -> list[str]:
    """Section 5: how synth and the floor scale per doubling of N."""
    lines: list[str] = []
    lines += ["## 5. Scaling (synth total, and the floor, per doubling)", ""]
    rows = []
    sizes = r.sizes
    for a, b in itertools.pairwise(sizes):
        sa, sb, fa, fb = r.synth[a], r.synth[b], r.floor[a], r.floor[b]
        rows.append(
            [
                f"{a} → {b}",
                f"{sb.value('resources') / sa.value('resources'):.2f}",
                f"{sb.value('seconds') / sa.value('seconds'):.2f}",
                f"{sb.value('program_s') / sa.value('program_s'):.2f}",
                f"{sb.value('cpu_s') / sa.value('cpu_s'):.2f}",
                f"{fb.value('seconds') / fa.value('seconds'):.2f}",
                f"{sb.median(lambda x: x.maxrss_mib) / sa.median(lambda x: x.maxrss_mib):.2f}",
            ]
        )
    lines += _table(
        [
            "step",
            "resources ×",
            "synth total ×",
            "program ×",
            "synth CPU ×",
            "floor ×",
            "peak RSS ×",
        ],
        rows,
    )
    if SCALE_FROM in r.synth and SCALE_TO in r.synth:
        ratio = r.synth[SCALE_TO].value("seconds") / r.synth[SCALE_FROM].value("seconds")
        floor_ratio = r.floor[SCALE_TO].value("seconds") / r.floor[SCALE_FROM].value("seconds")
        cpu_ratio = r.synth[SCALE_TO].value("cpu_s") / r.synth[SCALE_FROM].value("cpu_s")
        lines += _table(
            ["measure", "value", "target", "result"],
            [
                [
                    f"T({SCALE_TO}) / T({SCALE_FROM}), synth total",
                    f"{ratio:.2f}",
                    f"≤ {SCALE_TARGET} (linear = 4.0)",
                    _status(ratio <= SCALE_TARGET),
                ],
                [
                    "same, in CPU seconds (less sensitive to other load)",
                    f"{cpu_ratio:.2f}",
                    f"≤ {SCALE_TARGET}",
                    _status(cpu_ratio <= SCALE_TARGET),
                ],
                ["same for the SDK floor (reference)", f"{floor_ratio:.2f}", "—", ""],
            ],
        )
    return lines


def _sharded_section(r: Results) -> list[str]:
    """Section 6: one tenant stack of a sharded site."""
    lines: list[str] = []
    lines += [f"## 6. Sharded layout: one tenant stack of a {r.sharded_n}-tenant site", ""]
    if r.sharded is not None and r.sharded_stacks is not None:
        m = r.sharded
        program_s = m.value("program_s")
        rows = [
            [
                f"`govcloud stacks --stack {STACK} --write` ({r.sharded_n} tenant stacks)",
                r.sharded_stacks.reps,
                _s(r.sharded_stacks.median(lambda x: x.wall_s)),
                "—",
                "",
            ],
            [
                f"program time: `synthesize(project, '{STACK}.{SHARDED_TENANT}')`",
                m.reps,
                f"**{_s(program_s)}** ({m.spread(lambda x: float(x.report['program_s']))})",
                f"< {SHARDED_TARGET_S:.0f} s",
                _status(program_s < SHARDED_TARGET_S),
            ],
            [
                "… the same, CPU seconds",
                m.reps,
                _s(m.value("program_cpu_s")),
                f"< {SHARDED_TARGET_S:.0f} s",
                _status(m.value("program_cpu_s") < SHARDED_TARGET_S),
            ],
            [
                f"… of which validating the whole site (`load_stack`, {r.sharded_n} files; measured apart)",
                r.sharded_validate.reps if r.sharded_validate else "",
                _s(r.sharded_validate.value("seconds")) if r.sharded_validate else "",
                "",
                "",
            ],
            ["plan + policies + write_plan", m.reps, _s(m.value("seconds") - program_s), "", ""],
            [
                "whole child process (start-up, imports, all of the above)",
                m.reps,
                _s(m.median(lambda x: x.wall_s)),
                "",
                "",
            ],
        ]
        lines += _table(["measure", "runs", "seconds", "target", "result"], rows)
        lines += [
            f"The tenant stack declared {int(m.value('resources'))} resources (peak RSS "
            f"{m.median(lambda x: x.maxrss_mib):.0f} MiB). Its program still validates every file of the site "
            "(cross-file rules need them all), so its time grows with the site's size even though it declares "
            "one tenant.",
            "",
        ]
    return lines


def _profile_section(r: Results) -> list[str]:
    """What dominates the time: the cProfile summary."""
    lines: list[str] = []
    lines += ["## What dominates the time", ""]
    if r.profile is not None:
        p = r.profile
        lines += [
            f"cProfile of one N = {r.profile_n} synth ({int(p['resources'])} resources). Under the profiler the "
            f"run took {_s(p['seconds'])} s (program {_s(p['program_s'])}, plan + policies "
            f"{_s(p['plan_s'] + p['policies_s'])}, write_plan {_s(p['write_s'])}); profiling inflates "
            "call-heavy code, so read these as shares, not as timings. Only the main thread is profiled: the "
            "SDK sends its monitor calls from executor threads, whose CPU time is measured without a profiler "
            "in section 3 (the *mock monitor* columns), and whose GIL time is charged to whatever the main "
            f"thread was doing. The event loop's idle waits for them ({_s(p['profiled_idle_s'])} s) are left "
            "out. The raw profile is kept in "
            f"`benchmarks/out/profile-{r.profile_n}.pstats` (`python -m pstats`).",
            "",
            "**Top 15 functions by cumulative time** (the harness, `synthesize`/`run_program` and the event "
            "loop's and threads' own frames left out: they wrap everything):",
            "",
        ]
        lines += _table(
            ["function", "origin", "calls", "own (s)", "cumulative (s)"],
            [
                [f"`{row['function']}`", row["origin"], row["ncalls"], _s(row["tottime"]), _s(row["cumtime"])]
                for row in p["top_cumulative"]
            ],
        )
        total = p["profiled_total_s"]
        lines += ["**Own time by origin** (time spent *in* each package's functions, not in what they call):", ""]
        lines += _table(
            ["origin", "own time (s)", "share"],
            [[name, _s(t), f"{100 * t / total:.0f} %"] for name, t in p["own_time_by_origin"].items()],
        )
        lines += ["**Where our code hands time to a library** (cumulative time of calls from our functions):", ""]
        lines += _table(
            ["our function", "into", "cumulative (s)"],
            [[f"`{e['caller']}`", e["library"], _s(e["cumtime"])] for e in p["ours_into_libraries"]],
        )
        lines += ["**Our own functions by cumulative time** (top 20; nested, so they overlap):", ""]
        lines += _table(
            ["function", "calls", "own (s)", "cumulative (s)"],
            [[f"`{row['function']}`", row["ncalls"], _s(row["tottime"]), _s(row["cumtime"])] for row in p["top_ours"]],
        )
    return lines


def _analysis_section(previous_analysis: str) -> list[str]:
    """The analysis a person wrote, kept across runs between its markers."""
    lines: list[str] = []
    lines += [
        "## Analysis",
        "",
        ANALYSIS_BEGIN,
        previous_analysis or "_(Write the analysis of this run here; benchmarks/run.py keeps this section.)_",
        ANALYSIS_END,
        "",
    ]
    return lines


def render(results: Results, previous_analysis: str) -> str:
    """The RESULTS.md of one run: the header, then one function per section."""
    r = results
    lines = [
        "# govcloud scale benchmark",
        "",
        "Generated by `python -m benchmarks.run` (see [README.md](README.md) for what each number means).",
        f"Run started {r.started}, took {r.duration_s / 60:.1f} min. Load average (1/5/15 min) before: "
        f"{r.load_before}; after: {r.load_after}.",
        "",
        "## Machine",
        "",
        *_table(["", ""], list(r.machine.items())),
        "Every number below is the **median** over the runs shown (a fresh process per run); `wall` is what a "
        "user waits, `CPU` is user+system time of that process (less sensitive to other load on the machine), "
        "`peak RSS` is the process's `ru_maxrss` from `wait4`.",
        "",
    ]
    for section in (
        _validate_section,
        _large_validate_section,
        _synth_section,
        _floor_section,
        _scaling_section,
        _sharded_section,
        _profile_section,
    ):
        lines += section(r)
    lines += _analysis_section(previous_analysis)
    return "\n".join(lines)


def _loadavg() -> str:
    return " / ".join(_read("/proc/loadavg").split()[:3]) or "unknown"


def main_parent(args: argparse.Namespace) -> None:
    from benchmarks.generate import STACK as GEN_STACK
    from benchmarks.generate import make_site, tenant_name

    assert GEN_STACK == STACK
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    out_path = Path(args.out)
    keep_dir = REPO_ROOT / "benchmarks" / "out"
    keep_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="govcloud-bench-", dir=args.work))
    started_clock = time.perf_counter()
    started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    load_before = _loadavg()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started_clock:6.1f}s] {message}", flush=True)

    bench = Bench(work, args.reps, args.slow_seconds, log)
    cli = cli_command()
    log(f"work folder {work}; sizes {sizes}; reps {args.reps}")
    try:
        sites = {n: make_site(work, n, "single", TODAY) for n in sorted({*sizes, args.validate_n, args.profile_n})}
        log("generated and validated the synthetic sites")

        validate: dict[int, tuple[Measurement, Measurement]] = {}
        for n in sorted(sites):
            project = sites[n]
            log(f"validate N={n}")
            inproc = bench.measure(
                f"validate-{n}",
                fixed(bench.child("validate", project=project, stack=STACK, today=TODAY)),
            )
            cli_run = bench.measure(
                f"validate-cli-{n}",
                fixed([*cli, "validate", "--stack", STACK, "--project", str(project), "--today", TODAY]),
            )
            validate[n] = (inproc, cli_run)

        log("CLI start-up")
        cli_startup = bench.measure("cli-help", fixed([*cli, "--help"]))
        imports = bench.measure("imports", fixed(bench.child("imports")), 1).runs[0].report

        synth: dict[int, Measurement] = {}
        floor: dict[int, Measurement] = {}
        for n in sizes:
            project = sites[n]
            log(f"synth N={n}")
            plan_dir = work / f"synth-{n}"

            def synth_command(rep: int, p: Path = project, n: int = n) -> list[str]:
                target = work / f"synth-{n}" if rep == 0 else work / f"synth-{n}-{rep}"
                shutil.rmtree(target, ignore_errors=True)
                return bench.child("synth", project=p, stack=STACK, today=TODAY, synth_out=target)

            reps = 1 if n >= SCALE_TO and args.single_run_400 else None
            synth[n] = bench.measure(f"synth-{n}", synth_command, reps, single_note="by design for N ≥ 400")
            for rep in range(1, len(synth[n].runs)):
                shutil.rmtree(work / f"synth-{n}-{rep}", ignore_errors=True)
            components, custom = int(synth[n].value("components")), int(synth[n].value("custom"))
            log(f"floor N={n}: {components} components, {custom} custom resources")
            floor[n] = bench.measure(
                f"floor-{n}",
                fixed(bench.child("floor", components=components, custom=custom)),
                1 if len(synth[n].runs) == 1 else None,
                single_note="as its synth",
            )
            if n != args.replay_n:
                shutil.rmtree(plan_dir, ignore_errors=True)

        replay = None
        if args.replay_n in sizes:
            log(f"replay floor N={args.replay_n}")
            replay = bench.measure(
                f"replay-{args.replay_n}",
                lambda _rep: bench.child("replay", plan=work / f"synth-{args.replay_n}" / "plan.json"),
                1,
            )

        log(f"sharded N={args.sharded_n}")
        sharded_project = make_site(work, args.sharded_n, "sharded", TODAY)
        stacks_run = bench.measure(
            f"stacks-write-{args.sharded_n}",
            lambda _rep: [
                *cli,
                "stacks",
                "--stack",
                STACK,
                "--project",
                str(sharded_project),
                "--write",
                "--today",
                TODAY,
            ],
            1,
        )
        tenant_stack = f"{STACK}.{tenant_name(7)}"
        assert tenant_stack == f"{STACK}.{SHARDED_TENANT}"
        if not (sharded_project / "stacks" / f"Pulumi.{tenant_stack}.yaml").is_file():
            raise RuntimeError(f"`govcloud stacks --write` did not write Pulumi.{tenant_stack}.yaml")
        sharded = bench.measure(
            f"sharded-{args.sharded_n}",
            lambda rep: bench.child(
                "synth", project=sharded_project, stack=tenant_stack, today=TODAY, synth_out=work / f"sharded-{rep}"
            ),
        )
        sharded_validate = validate[args.sharded_n][0] if args.sharded_n in validate else None

        log(f"profile N={args.profile_n}")
        pstats_path = keep_dir / f"profile-{args.profile_n}.pstats"
        profiled = bench.measure(
            f"profile-{args.profile_n}",
            lambda _rep: bench.child(
                "profile",
                project=sites[args.profile_n],
                stack=STACK,
                today=TODAY,
                synth_out=work / "profile-out",
                pstats=pstats_path,
            ),
            1,
        )
        profile = profiled.runs[0].report

        results = Results(
            started=started,
            duration_s=time.perf_counter() - started_clock,
            load_before=load_before,
            load_after=_loadavg(),
            machine=machine(),
            sizes=sizes,
            validate=validate,
            synth=synth,
            floor=floor,
            replay=replay,
            replay_n=args.replay_n,
            sharded_stacks=stacks_run,
            sharded=sharded,
            sharded_validate=sharded_validate,
            profile=profile,
            cli_startup=cli_startup,
            imports=imports,
            validate_n=args.validate_n,
            sharded_n=args.sharded_n,
            profile_n=args.profile_n,
        )
        raw = {
            "validate": {n: [[r.__dict__ for r in m.runs] for m in pair] for n, pair in validate.items()},
            "synth": {n: [r.__dict__ for r in m.runs] for n, m in synth.items()},
            "floor": {n: [r.__dict__ for r in m.runs] for n, m in floor.items()},
            "replay": [r.__dict__ for r in replay.runs] if replay else None,
            "sharded": [r.__dict__ for r in sharded.runs],
            "stacks_write": [r.__dict__ for r in stacks_run.runs],
            "profile": profile,
            "cli_startup": [r.__dict__ for r in cli_startup.runs],
            "imports": imports,
        }
        (keep_dir / "results.json").write_text(json.dumps(raw, indent=1, default=str), "utf-8")
        from benchmarks.engine import keep_engine_section  # the real engine's section (benchmarks/engine.py)

        out_path.write_text(keep_engine_section(render(results, _existing_analysis(out_path)), out_path), "utf-8")
        log(f"wrote {out_path} and {keep_dir / 'results.json'}")
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50,100,200,400", help="tenant counts for validate, synth and floor")
    parser.add_argument("--out", default=str(REPO_ROOT / "benchmarks" / "RESULTS.md"))
    parser.add_argument("--reps", type=int, default=3, help="runs per measurement (the median is reported)")
    parser.add_argument(
        "--slow-seconds", type=float, default=30.0, help="a measurement whose first run is slower runs once"
    )
    parser.add_argument(
        "--single-run-400",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="synth and floor for N ≥ 400 run once (default on)",
    )
    parser.add_argument("--replay-n", type=int, default=PROFILE_N, help="N whose plan the replay floor re-registers")
    parser.add_argument("--validate-n", type=int, default=VALIDATE_N, help="the large validate-only site")
    parser.add_argument("--sharded-n", type=int, default=SHARDED_N, help="the sharded site (at least 7 tenants)")
    parser.add_argument("--profile-n", type=int, default=PROFILE_N, help="the site profiled with cProfile")
    parser.add_argument("--work", default=None, help="parent folder for the temporary sites (default: $TMPDIR)")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites and child logs")
    # Child mode (internal).
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    for option in ("project", "stack", "today", "synth-out", "components", "custom", "plan", "pstats"):
        parser.add_argument(f"--{option}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        CHILDREN[args.child](args)
    else:
        main_parent(args)


if __name__ == "__main__":
    main()
