"""The Pulumi program. ``__main__.py`` calls ``main()``; ``govcloud synth`` calls the very same function.

It reads the stack's config from Pulumi, validates every tenant and sharing file of the stack, and only
then declares the site. Any problem stops the run before a single resource is declared.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import typing
from pathlib import Path
from typing import Any

import pulumi
from pydantic import BaseModel, ValidationError

from govcloud.components.opendata import portal_backup_identity
from govcloud.components.site import PLATFORM_EXPORT, Site, SiteArgs, platform_exports
from govcloud.components.storage import StorageKeys
from govcloud.contract.errors import problems_from_validation_error
from govcloud.contract.loader import load_document
from govcloud.contract.problems import ContractError, Problem
from govcloud.contract.site import CONFIG_NAMESPACE, STORAGE_KEYS_SETTING, SiteConfig
from govcloud.contract.stack import StackDefinition, StackPaths, display_name, load_requests, resolve_today
from govcloud.naming import storage_identity_name
from govcloud.storage.tenant import backup_identity_name, portal_user_name


class InvalidStackError(pulumi.RunError):
    """Raised instead of declaring anything when the stack's files break the contract.

    ``pulumi.RunError`` makes the CLI print the message alone, without a Python traceback.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        super().__init__(f"the stack's files break the tenant contract ({len(problems)} problems):\n{lines}")


def _is_structured(annotation: Any) -> bool:
    """Objects and maps arrive from the engine as JSON text; scalars as plain text."""
    options = typing.get_args(annotation) or (annotation,)
    return any(
        typing.get_origin(option) is dict or (isinstance(option, type) and issubclass(option, BaseModel))
        for option in options
    )


def site_config_from_pulumi(stacks_dir: Path) -> SiteConfig:
    """Read the ``govcloud:`` config the engine passes in; errors point at the stack file's lines."""
    config = pulumi.Config(CONFIG_NAMESPACE)
    values: dict[str, Any] = {}
    for name, info in SiteConfig.model_fields.items():
        key = info.alias or name
        raw = config.get(key)
        if raw is None:
            continue
        values[key] = json.loads(raw) if _is_structured(info.annotation) else raw
    try:
        return SiteConfig.model_validate(values)
    except ValidationError as error:
        stack_file = StackPaths.of(stacks_dir, pulumi.get_stack()).config
        try:
            doc = load_document(stack_file, display_name(stack_file))

            def line_of(loc: Any) -> int:
                return doc.line_of(("config", f"{CONFIG_NAMESPACE}:{loc[0]}", *loc[1:]) if loc else ("config",))
        except ContractError:

            def line_of(loc: Any) -> int:
                return 1

        problems = problems_from_validation_error(SiteConfig, error, display_name(stack_file), line_of)
        raise InvalidStackError(
            [Problem(p.file, p.line, f"{CONFIG_NAMESPACE}:{p.field}", p.message) for p in problems]
        ) from None


def run_today() -> dt.date:
    """The date agreements are judged by. A deployment (``pulumi up``) uses the calendar: a ``GOVCLOUD_TODAY``
    left exported from a review would silently start or end agreements on the wrong day, so it is refused;
    only ``govcloud synth``/``diff`` (which set ``GOVCLOUD_OFFLINE_SYNTH``) may move the date."""
    day = resolve_today()
    if os.environ.get("GOVCLOUD_OFFLINE_SYNTH") or day == dt.date.today():
        return day
    raise pulumi.RunError(
        f"GOVCLOUD_TODAY={day.isoformat()} is set, but a deployment uses today's date ({dt.date.today()}): "
        "agreements would start and end on the wrong day. Unset GOVCLOUD_TODAY and run again."
    )


def load_definition(project_dir: Path | None = None) -> StackDefinition:
    """The stack's validated definition; ``pulumi up`` runs in the project folder, so that is the default.

    A sharded site's tenant stack validates the whole site's files (cross-file rules need them all),
    which live in the platform stack's folder.
    """
    stacks_dir = (project_dir or Path.cwd()) / "stacks"
    site = site_config_from_pulumi(stacks_dir)
    try:
        return load_requests(stacks_dir, site.site_stack or pulumi.get_stack(), site, run_today())
    except ContractError as error:
        raise InvalidStackError(list(error.problems)) from None


PRECREATED_KEYS = STORAGE_KEYS_SETTING


def precreated_keys(definition: StackDefinition) -> dict[str, StorageKeys] | None:
    """Keys of stores without an IAM API, from the secret config object ``govcloud:storageKeys``.

    Its shape is ``{"<identity name>": {"accessKeyId": ..., "secretAccessKey": ...}}``; the values stay
    Pulumi secrets end to end and only ever reach Kubernetes Secrets.
    """
    if definition.site.object_store.identities != "precreated":
        return None
    raw = pulumi.Config(CONFIG_NAMESPACE).require_secret_object(PRECREATED_KEYS)
    names = [storage_identity_name(definition.site, t.name) for t in definition.tenants]
    names += [backup_identity_name(definition.site, t.name) for t in definition.tenants if t.spec.database]
    names += [portal_user_name(definition.site), portal_backup_identity(definition)]

    def pick(name: str, field: str) -> pulumi.Output[str]:
        def extract(keys: Any) -> str:
            try:
                return str(keys[name][field])
            except (KeyError, TypeError):
                raise InvalidStackError(
                    [
                        Problem(
                            f"config {CONFIG_NAMESPACE}:{PRECREATED_KEYS}",
                            1,
                            f"{name}.{field}",
                            "is missing; set it with `pulumi config set --secret --path`",
                        )
                    ]
                ) from None

        return pulumi.Output.secret(raw.apply(extract))

    return {name: StorageKeys(pick(name, "accessKeyId"), pick(name, "secretAccessKey")) for name in names}


def main(project_dir: Path | None = None) -> Site:
    """Validate, then declare the site; exports the tenant names and the sharing status."""
    definition = load_definition(project_dir)
    config = definition.site
    sharded_tenant = config.layout == "sharded" and config.tenant is not None
    if sharded_tenant and config.tenant not in {t.name for t in definition.tenants}:
        raise InvalidStackError(
            [Problem(f"config {CONFIG_NAMESPACE}:tenant", 1, "tenant", f"no tenant '{config.tenant}' in this site")]
        )
    platform_stack = None
    if sharded_tenant:
        platform_stack = pulumi.StackReference(
            f"{pulumi.get_organization()}/{pulumi.get_project()}/{config.site_stack}"
        )
    args = SiteArgs(
        definition=definition,
        precreated_keys=precreated_keys(definition),
        declare_platform=not sharded_tenant,
        tenants=[config.tenant] if sharded_tenant and config.tenant else ([] if config.layout == "sharded" else None),
        platform_stack=platform_stack,
    )
    site = Site(config.site.lower(), args)
    if not sharded_tenant:
        pulumi.export(PLATFORM_EXPORT, platform_exports())
    pulumi.export("tenants", [t.name for t in definition.tenants])
    pulumi.export("sharing", {a.name: a.status.value for a in definition.agreements})
    return site
