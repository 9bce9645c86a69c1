"""Load and validate everything a stack declares: its site config, tenant requests and agreements.

Validation is all-or-nothing: ``load_stack`` either returns a fully valid StackDefinition or raises a
ContractError listing every problem of every file, so no resource is declared from bad input.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from govcloud.contract.errors import problems_from_validation_error, render_path
from govcloud.contract.loader import SourceDocument, load_document
from govcloud.contract.problems import WHOLE_DOCUMENT, ContractError, Problem, UsageError
from govcloud.contract.rules import (
    AgreementStatus,
    Violation,
    agreement_rules,
    agreement_status,
    tenant_rules,
)
from govcloud.contract.sharing import DataSharingAgreement
from govcloud.contract.site import CONFIG_NAMESPACE, SECRET_SETTINGS, SiteConfig
from govcloud.contract.sizing import analytics_violations
from govcloud.contract.tenant import TenantRequest

TODAY_ENV = "GOVCLOUD_TODAY"
YAML_SUFFIXES = (".yaml", ".yml")
Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class Agreement:
    """A validated agreement and whether it is in force on the run's date."""

    agreement: DataSharingAgreement
    status: AgreementStatus

    @property
    def name(self) -> str:
        return self.agreement.name


@dataclass(frozen=True)
class StackDefinition:
    """Everything one stack declares, validated; the only input the Pulumi program needs."""

    name: str
    site: SiteConfig
    tenants: tuple[TenantRequest, ...]
    agreements: tuple[Agreement, ...]
    today: dt.date

    def tenant(self, name: str) -> TenantRequest:
        for tenant in self.tenants:
            if tenant.name == name:
                return tenant
        raise KeyError(name)

    @property
    def active_agreements(self) -> tuple[Agreement, ...]:
        return tuple(a for a in self.agreements if a.status is AgreementStatus.ACTIVE)


@dataclass(frozen=True)
class StackPaths:
    config: Path
    tenants: Path
    sharing: Path

    @classmethod
    def of(cls, stacks_dir: Path, stack: str) -> StackPaths:
        return cls(
            stacks_dir / f"Pulumi.{stack}.yaml",
            stacks_dir / stack / "tenants",
            stacks_dir / stack / "sharing",
        )


def resolve_today(value: str | dt.date | None = None) -> dt.date:
    """The run's "today": an explicit value, else GOVCLOUD_TODAY, else the calendar date."""
    if isinstance(value, dt.date):
        return value
    text = value or os.environ.get(TODAY_ENV)
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"'{text}' is not a date in the form YYYY-MM-DD") from None


def display_name(path: Path) -> str:
    """Paths in messages are relative to the working directory when they can be."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in YAML_SUFFIXES and not p.name.startswith("."))


def _validate_model(model: type[Model], doc: SourceDocument) -> tuple[Model | None, list[Problem]]:
    try:
        return model.model_validate(doc.data), []
    except ValidationError as error:
        return None, problems_from_validation_error(model, error, doc.display_name, doc.line_of)


def _problems(doc: SourceDocument, violations: Iterable[Violation]) -> list[Problem]:
    return [Problem(doc.display_name, doc.line_of(loc), render_path(loc), message) for loc, message in violations]


def site_config_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The ``govcloud:`` keys of a stack config file, without their namespace."""
    config = raw.get("config") or {}
    prefix = CONFIG_NAMESPACE + ":"
    return {
        key[len(prefix) :]: value
        for key, value in config.items()
        if str(key).startswith(prefix) and key[len(prefix) :] not in SECRET_SETTINGS
    }


def _plain_secrets(value: Any, path: tuple[str | int, ...]) -> Iterable[tuple[str | int, ...]]:
    """Where a secret setting holds a value that Pulumi did not encrypt (anything not under ``secure:``)."""
    if isinstance(value, Mapping) and set(value) == {"secure"}:
        return
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _plain_secrets(inner, (*path, str(key)))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _plain_secrets(inner, (*path, index))
    else:
        yield path


def secret_setting_problems(doc: SourceDocument) -> list[Problem]:
    """Secret settings (``govcloud:storageKeys``, ``govcloud:s3AccessKeyId``...) must be Pulumi secrets."""
    config = doc.data.get("config") if isinstance(doc.data, dict) else None
    problems = []
    for setting in SECRET_SETTINGS:
        key = f"{CONFIG_NAMESPACE}:{setting}"
        if not isinstance(config, dict) or key not in config:
            continue
        for path in _plain_secrets(config[key], ()):
            problems.append(
                Problem(
                    doc.display_name,
                    doc.line_of(("config", key, *path)),
                    render_path((key, *path)),
                    "a secret in plain text; set it with `pulumi config set --secret` (docs/storage.md)",
                )
            )
    return problems


def read_stack_config(config_file: Path) -> tuple[SourceDocument, dict[str, Any]]:
    """Load ``Pulumi.<stack>.yaml`` safely and return it with its ``config:`` mapping."""
    doc = load_document(config_file, display_name(config_file))
    config = doc.data.get("config") if isinstance(doc.data, dict) else None
    if not isinstance(config, dict):
        raise ContractError([Problem(doc.display_name, 1, "config", "the stack config has no `config:` mapping")])
    return doc, config


def load_site_config(config_file: Path) -> SiteConfig:
    """Read ``Pulumi.<stack>.yaml``; problems point at the lines of its ``govcloud:`` keys."""
    doc, _ = read_stack_config(config_file)
    values = site_config_values(doc.data)
    plain = secret_setting_problems(doc)
    if plain:
        raise ContractError(plain)

    def line_of(loc: Sequence[str | int]) -> int:
        if not loc:
            return doc.line_of(("config",))
        return doc.line_of(("config", f"{CONFIG_NAMESPACE}:{loc[0]}", *loc[1:]))

    try:
        return SiteConfig.model_validate(values)
    except ValidationError as error:
        problems = problems_from_validation_error(SiteConfig, error, doc.display_name, line_of)
        raise ContractError(
            [Problem(p.file, p.line, f"{CONFIG_NAMESPACE}:{p.field}", p.message) for p in problems]
        ) from None


_FOLDERS = {"TenantRequest": "tenants/", "DataSharingAgreement": "sharing/"}


@dataclass(frozen=True)
class _Parsed:
    tenants: list[tuple[TenantRequest, SourceDocument]]
    agreements: list[tuple[DataSharingAgreement, SourceDocument]]
    problems: list[Problem]
    invalid_tenants: set[str]
    """Names of tenant files that exist but failed validation."""


def _parse(paths: Iterable[Path], expected_kinds: Mapping[Path, str]) -> _Parsed:
    parsed = _Parsed([], [], [], set())
    for path in paths:
        try:
            doc = load_document(path, display_name(path))
        except ContractError as error:
            parsed.problems.extend(error.problems)
            parsed.invalid_tenants.add(path.name.rsplit(".", 1)[0])
            continue
        kind = doc.data.get("kind") if isinstance(doc.data, dict) else None
        if kind == "TenantRequest":
            tenant, problems = _validate_model(TenantRequest, doc)
            if tenant is not None:
                parsed.tenants.append((tenant, doc))
            else:
                parsed.invalid_tenants.add(path.name.rsplit(".", 1)[0])
                parsed.invalid_tenants.add(_metadata_name(doc) or path.name.rsplit(".", 1)[0])
                problems += _problems(doc, raw_tenant_rules(doc.data))
        elif kind == "DataSharingAgreement":
            agreement, problems = _validate_model(DataSharingAgreement, doc)
            if agreement is not None:
                parsed.agreements.append((agreement, doc))
        else:
            shown = "missing" if kind is None else f"{kind!r}"
            problems = [
                Problem(
                    doc.display_name,
                    doc.line_of(("kind",)),
                    "kind",
                    f"must be TenantRequest or DataSharingAgreement (got {shown})",
                )
            ]
        expected = expected_kinds.get(path)
        if expected is not None and kind in _FOLDERS and kind != expected:
            problems.append(
                Problem(
                    doc.display_name,
                    doc.line_of(("kind",)),
                    "kind",
                    f"a {kind} belongs in {_FOLDERS[kind]}, not {_FOLDERS[expected]}; move the file",
                )
            )
        parsed.problems.extend(problems)
        name = _metadata_name(doc)
        stem = path.name.rsplit(".", 1)[0]
        if name is not None and name != stem:
            parsed.problems.append(
                Problem(
                    doc.display_name,
                    doc.line_of(("metadata", "name")),
                    "metadata.name",
                    f"is {name!r} but the file is named '{path.name}'; they must match",
                )
            )
    return parsed


def raw_tenant_rules(data: Any) -> list[Violation]:
    """Cross-field rules that can be judged on a request that failed validation, so the first run reports
    them together with the field errors instead of after those are fixed (``rules.tenant_rules`` judges the
    same rule on a valid request; the two never both run on one file)."""
    from govcloud.contract.vocabulary import PersonalData

    spec = data.get("spec") if isinstance(data, dict) else None
    if not isinstance(spec, dict):
        return []
    personal, contacts = spec.get("personalData"), spec.get("contacts")
    holds_personal = personal in {p.value for p in PersonalData} and personal != PersonalData.NONE.value
    if holds_personal and isinstance(contacts, dict) and contacts.get("dpo") is None:
        return [(("spec", "contacts", "dpo"), "is required when the tenant holds personal data (PDPA)")]
    return []


def _metadata_name(doc: SourceDocument) -> str | None:
    metadata = doc.data.get("metadata") if isinstance(doc.data, dict) else None
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return name if isinstance(name, str) else None


def _unique(
    items: Iterable[tuple[Any, SourceDocument]],
    key: Callable[[Any], Iterable[tuple[Any, tuple[str | int, ...]]]],
    what: str,
) -> list[Problem]:
    """Report every value that appears in more than one place, pointing at each later occurrence."""
    seen: dict[Any, list[tuple[SourceDocument, tuple[str | int, ...]]]] = defaultdict(list)
    for item, doc in items:
        for value, loc in key(item):
            seen[value].append((doc, loc))
    problems = []
    for value, places in seen.items():
        first_doc, first_loc = places[0]
        for doc, loc in places[1:]:
            problems.append(
                Problem(
                    doc.display_name,
                    doc.line_of(loc),
                    render_path(loc),
                    f"{what} '{value}' is already used in {first_doc.display_name}:{first_doc.line_of(first_loc)}",
                )
            )
    return problems


def _groups(tenant: TenantRequest) -> list[tuple[str, tuple[str | int, ...]]]:
    """Each access group once per tenant (a tenant may give one group two roles; two tenants never share one).

    A group shared by two tenants would give one agency's people the other's roles.
    """
    seen: set[str] = set()
    out: list[tuple[str, tuple[str | int, ...]]] = []
    access = tenant.spec.access
    for role in ("admins", "engineers", "analysts", "viewers"):
        for index, group in enumerate(getattr(access, role)):
            if group not in seen:
                seen.add(group)
                out.append((group, ("spec", "access", role, index)))
    return out


_CHECKED_ELSEWHERE = {"hostname", "ckan-organization"}
"""Spaces whose tenant-to-tenant clashes have their own, more precise message (``_unique`` above)."""


def _derived_name_problems(tenants: Sequence[tuple[TenantRequest, SourceDocument]], site: SiteConfig) -> list[Problem]:
    """No two tenants, and no tenant and the platform, may derive the same name (defence in depth).

    The tenant-name rules already make this impossible (``govcloud.naming`` has the argument); this check
    keeps it true if a rule or a naming function ever changes, and turns an overflow into a located error.
    """
    from govcloud.naming import DerivedName, duplicated_names, platform_derived_names, tenant_derived_names

    problems: list[Problem] = []
    names: list[DerivedName] = list(platform_derived_names(site))
    docs: dict[str, SourceDocument] = {}
    for tenant, doc in tenants:
        docs[tenant.name] = doc
        try:
            names.extend(tenant_derived_names(site, tenant))
        except ValueError as error:
            problems.append(Problem(doc.display_name, doc.line_of(("metadata", "name")), "metadata.name", str(error)))
    for first, later in duplicated_names(names):
        if first.space in _CHECKED_ELSEWHERE and first.owner is not None and later.owner is not None:
            continue
        owner = later.owner if later.owner in docs else first.owner
        if owner not in docs:
            continue
        doc = docs[owner]
        other = (
            "the platform"
            if first.owner is None or later.owner is None
            else "tenant '" + str(first.owner if owner == later.owner else later.owner) + "'"
        )
        problems.append(
            Problem(
                doc.display_name,
                doc.line_of(("metadata", "name")),
                "metadata.name",
                f"derives the {later.kind} '{later.name}', which {other} already has as its {first.kind}; "
                "choose another tenant name",
            )
        )
    return problems


def analytics_rules(tenant: TenantRequest) -> list[Violation]:
    """Whether the analytics services the tenant enables fit its quota (``govcloud.contract.sizing``)."""
    return analytics_violations(tenant)


def validate_documents(
    paths: Iterable[Path],
    site: SiteConfig | None,
    today: dt.date,
    expected_kinds: Mapping[Path, str] | None = None,
) -> tuple[list[TenantRequest], list[Agreement], list[Problem]]:
    """Validate files of any kind, each alone and all together; returns what is valid and every problem.

    ``expected_kinds`` names the kind each path must hold (a tenant file dropped into sharing/ is a mistake).
    """
    parsed = _parse(paths, expected_kinds or {})
    problems = list(parsed.problems)
    for tenant, doc in parsed.tenants:
        problems.extend(_problems(doc, [*tenant_rules(tenant, site), *analytics_rules(tenant)]))
    problems += _unique(parsed.tenants, lambda t: [(t.name, ("metadata", "name"))], "tenant name")
    problems += _unique(parsed.tenants, lambda t: [(t.spec.agency.code, ("spec", "agency", "code"))], "agency code")
    problems += _unique(
        parsed.tenants,
        lambda t: [
            (h, ("spec", "network", "ingress", "hostnames", i)) for i, h in enumerate(t.spec.network.ingress.hostnames)
        ],
        "hostname",
    )
    problems += _unique(
        parsed.tenants,
        lambda t: (
            [(t.spec.open_data.ckan_organization, ("spec", "openData", "ckanOrganization"))]
            if t.spec.open_data.ckan_organization
            else []
        ),
        "CKAN organization",
    )
    problems += _unique(parsed.tenants, _groups, "access group")
    problems += _unique(parsed.agreements, lambda a: [(a.name, ("metadata", "name"))], "agreement name")
    if site is not None:
        problems += _derived_name_problems(parsed.tenants, site)
    by_name = {tenant.name: tenant for tenant, _ in parsed.tenants}
    agreements = []
    for agreement, doc in parsed.agreements:
        problems.extend(_problems(doc, agreement_rules(agreement, by_name, parsed.invalid_tenants)))
        agreements.append(Agreement(agreement, agreement_status(agreement, today)))
    tenants = sorted((t for t, _ in parsed.tenants), key=lambda t: t.name)
    return tenants, sorted(agreements, key=lambda a: a.name), problems


def load_requests(
    stacks_dir: Path, stack: str, site: SiteConfig, today: str | dt.date | None = None
) -> StackDefinition:
    """Validate a stack's tenant and sharing files against an already valid site config."""
    definition, problems = _load(stacks_dir, stack, site, [], today)
    if definition is None:
        raise ContractError(problems)
    return definition


def load_stack(stacks_dir: Path, stack: str, today: str | dt.date | None = None) -> StackDefinition:
    """Load and validate a whole stack; raise ContractError with every problem if anything is wrong."""
    paths = StackPaths.of(stacks_dir, stack)
    if not paths.config.is_file():
        raise ContractError(
            [Problem(display_name(paths.config), 1, WHOLE_DOCUMENT, f"no stack config for stack '{stack}'")]
        )
    site_problems: list[Problem] = []
    site: SiteConfig | None = None
    try:
        site = load_site_config(paths.config)
    except ContractError as error:
        site_problems = list(error.problems)
    definition, problems = _load(stacks_dir, stack, site, site_problems, today)
    if definition is None:
        raise ContractError(problems)
    return definition


UPSERT_KEYS = ("kubernetes:upsertExistingObjects", "kubernetes:upsert_existing_objects")
"""pulumi-kubernetes >= 4.29 creates with a plain create, so an object that already exists fails with
AlreadyExists instead of being adopted; this provider setting would bring adoption back (pulumi/pulumi-kubernetes
release v4.29.0, #2926). A tenant namespace named like an existing one must never be taken over."""


UPSERT_ENV = "PULUMI_K8S_UPSERT_EXISTING_OBJECTS"


def adoption_problems(config_file: Path, environ: Mapping[str, str] | None = None) -> list[Problem]:
    """Refuse stack config (or a provider environment variable) that would adopt existing cluster objects."""
    env = os.environ if environ is None else environ
    found = []
    if env.get(UPSERT_ENV, "").lower() in ("true", "1", "yes"):
        found.append(
            Problem(
                "(environment)",
                1,
                UPSERT_ENV,
                "would let `pulumi up` adopt existing cluster objects (a tenant namespace named like an existing "
                "one would take it over); unset it",
            )
        )
    try:
        doc, config = read_stack_config(config_file)
    except (ContractError, OSError):
        return found  # a missing or broken stack file is reported where the site config is read
    return found + [
        Problem(
            doc.display_name,
            doc.line_of(("config", key)),
            key,
            "would let `pulumi up` adopt existing cluster objects (a tenant namespace named like an existing "
            "one would take it over); remove it",
        )
        for key in UPSERT_KEYS
        if str(config.get(key, "")).lower() in ("true", "1", "yes")
    ]


def _load(
    stacks_dir: Path,
    stack: str,
    site: SiteConfig | None,
    problems: list[Problem],
    today: str | dt.date | None,
) -> tuple[StackDefinition | None, list[Problem]]:
    paths = StackPaths.of(stacks_dir, stack)
    day = resolve_today(today)
    problems = problems + adoption_problems(paths.config)
    expected = {p: "TenantRequest" for p in yaml_files(paths.tenants)}
    expected |= {p: "DataSharingAgreement" for p in yaml_files(paths.sharing)}
    tenants, agreements, found = validate_documents(expected, site, day, expected)
    problems = problems + found
    if problems or site is None:
        return None, problems
    return StackDefinition(stack, site, tuple(tenants), tuple(agreements), day), []
