"""Run the real program in-process under the SDK's mock monitor, with the stack's config as Pulumi config."""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pulumi.runtime import config as pulumi_config
from pulumi.runtime import set_mocks, settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from govcloud import program
from govcloud.components.site import PLATFORM_EXPORT, Site, platform_exports
from govcloud.components.tenant import TYPE_TOKEN as TENANT_TYPE
from govcloud.contract.problems import ContractError, Problem
from govcloud.contract.quantity import parse_quantity
from govcloud.contract.site import CONFIG_NAMESPACE
from govcloud.contract.stack import TODAY_ENV, StackPaths, display_name, read_stack_config, resolve_today
from govcloud.synth.capture import SECRET, CapturingMonitor, EchoMocks, Registration

PROJECT_NAME = "govcloud"
#: Set while synth runs the program: only then may GOVCLOUD_TODAY move the date (see program.run_today).
OFFLINE_ENV = "GOVCLOUD_OFFLINE_SYNTH"


@dataclass(frozen=True)
class SynthResult:
    """What the program declared for one stack, captured offline."""

    stack: str
    site: str
    tenants: tuple[str, ...]
    sharing: tuple[tuple[str, str], ...]
    registrations: tuple[Registration, ...]
    storage_quotas: tuple[tuple[str, int], ...] = ()
    """Each tenant's approved object-storage quota in bytes (``spec.storage.quota``): the audit measures it."""


def stack_config(stacks_dir: Path, stack: str) -> tuple[dict[str, str], list[str]]:
    """The stack file's config as the engine would hand it over: string values, plus the secret keys.

    Encrypted (``secure:``) values can't be decrypted offline; they become ``[secret]`` and stay secret.
    """
    path = StackPaths.of(stacks_dir, stack).config
    if not path.is_file():
        raise ContractError([Problem(display_name(path), 1, "(document)", f"no stack config for stack '{stack}'")])
    _, raw = read_stack_config(path)
    values: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in raw.items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            values[key] = SECRET
            secret_keys.append(key)
        elif isinstance(value, dict | list):
            values[key] = json.dumps(value, default=str)
        else:
            values[key] = value if isinstance(value, str) else json.dumps(value, default=str)
    return values, secret_keys


@contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


def run_program(
    project_dir: Path,
    stack: str,
    config: Mapping[str, str],
    secret_keys: list[str],
    today: str,
    on_register: Callable[[Registration], None] | None = None,
) -> tuple[Site, CapturingMonitor]:
    """Run ``govcloud.program.main`` exactly as ``pulumi up`` would, but against the mock monitor.

    The run is not a dry run: outputs that a provider would compute resolve to empty values instead of
    unknowns, so an object built from them (a Secret from an identity's keys) keeps its shape in the plan.
    Nothing is created either way: the monitor is the SDK's mock.
    """
    settings.ROOT.set(None)
    mocks = EchoMocks(_platform_outputs(config))
    monitor = CapturingMonitor(mocks, on_register)
    set_mocks(mocks, project=PROJECT_NAME, stack=stack, preview=False, monitor=monitor)
    pulumi_config.set_all_config(dict(config), secret_keys)
    declared: list[Site] = []
    # The SDK allocates many short-lived objects per resource; Python's cyclic GC took 35-40% of synth time
    # (benchmarks/RESULTS.md). Pause it for the run (memory grows ~10%) and collect once after.
    gc.freeze()
    gc.disable()
    try:
        with _environment(TODAY_ENV, today), _environment(OFFLINE_ENV, "1"):
            _sync_await(run_pulumi_func(lambda: declared.append(program.main(project_dir))))
    finally:
        gc.enable()
        gc.unfreeze()
    return declared[0], monitor


def _platform_outputs(config: Mapping[str, str]) -> dict[str, dict[str, object]]:
    """A sharded tenant stack's StackReference is answered with what its platform stack exports.

    The platform's exports are a pure function of the pinned charts, so this code version's own
    ``platform_exports()`` is exactly what the referenced stack holds once it is deployed.
    """
    site_stack = config.get(f"{CONFIG_NAMESPACE}:siteStack")
    if not site_stack:
        return {}
    return {site_stack: {PLATFORM_EXPORT: platform_exports()}}


def duplicate_urn_problems(
    stacks_dir: Path, stack: str, duplicates: list[tuple[Registration, Registration]]
) -> list[Problem]:
    """One problem per URN registered twice: ``pulumi up`` would fail on it, and a plan must not hide it."""
    shown = display_name(StackPaths.of(stacks_dir, stack).config)
    return [
        Problem(
            shown,
            1,
            "(plan)",
            f"two resources would have the same URN {later.urn} (parents {first.parent or '-'} and "
            f"{later.parent or '-'}); one would silently take the other's place. Two requests derive the "
            "same resource name: nothing is declared",
        )
        for first, later in duplicates
    ]


def synthesize(
    project_dir: Path, stack: str, today: str | None = None, on_tenant: Callable[[], None] | None = None
) -> SynthResult:
    """Validate and run the program for ``stack``; raises ContractError when any file is invalid.

    ``on_tenant`` is called as each Tenant component registers (the CLI's progress bar).
    """
    day = resolve_today(today).isoformat()
    config, secret_keys = stack_config(project_dir / "stacks", stack)

    def registered(registration: Registration) -> None:
        if on_tenant is not None and registration.type == TENANT_TYPE:
            on_tenant()

    try:
        site, monitor = run_program(project_dir, stack, config, secret_keys, day, registered)
    except program.InvalidStackError as error:
        raise ContractError(error.problems) from None
    if monitor.duplicates:
        raise ContractError(duplicate_urn_problems(project_dir / "stacks", stack, monitor.duplicates))
    definition = site.definition
    return SynthResult(
        stack=stack,
        site=definition.site.site,
        tenants=tuple(sorted(site.tenants)),
        sharing=tuple((a.name, a.status.value) for a in definition.agreements),
        registrations=tuple(monitor.registrations.values()),
        storage_quotas=tuple(
            (t.name, int(parse_quantity(t.spec.storage.quota))) for t in definition.tenants if t.spec.storage
        ),
    )
