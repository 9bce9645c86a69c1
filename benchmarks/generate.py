"""Write a synthetic but valid govcloud site with N agencies, derived from the national-prod examples.

Tenant ``i`` (1-based, ``agency-0001`` ...) copies the national-prod tenant ``TEMPLATES[(i - 1) % 7]``
(sorted by file name: dga, doae, dopa, moph, nso, revenue, tmd) and keeps everything the contract rules
look at — tier, classification, personal data, quota override, database, zones, analytics, egress — so
each tenant is exactly as valid as its template. What must be unique per tenant is renamed: the tenant
name, agency code ``AG0001``, contact and group names, cost centre, hostnames (under the same domain as
the template's: public, or internal for the secret tenant) and the CKAN organization.

``max(1, N // 20)`` sharing agreements link tenants whose classifications allow it (the consumer is
classified at least as high as the provider), mostly active on ``today`` with some pending and expired.

With ``settings="local"`` the site takes its settings from ``stacks/Pulumi.local.yaml`` instead (environment
dev, Helm releases and readiness waits off, the placeholder moto endpoint): a site the real engine can deploy
on a bare control plane (``benchmarks/engine.py``). Validation refuses those settings for production, so
the national-prod settings cannot be used there.

    python -m benchmarks.generate --n 200 --layout single --root /tmp/sites [--settings local]
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import yaml

from govcloud.contract.problems import ContractError
from govcloud.contract.stack import load_site_config, load_stack
from govcloud.contract.vocabulary import Classification

REPO_ROOT = Path(__file__).resolve().parent.parent
STACK = "national-prod"
TODAY = "2026-11-25"
"""The run's fixed date (the tests' date): decides which agreements are pending, active or expired."""
LAYOUTS = ("single", "sharded")
SETTINGS = ("national-prod", "local")
"""Whose site settings a generated site copies: the national production stack's, or the local test stack's."""
_TEMPLATE_DIR = REPO_ROOT / "stacks" / STACK / "tenants"
_LAYOUT_LINE = "govcloud:layout: single"
_LOCAL_CONFIG_LINE = "  govcloud:readinessWaits: false\n"


def site_config_text(layout: str, settings: str = "national-prod") -> str:
    """The text of a generated site's ``Pulumi.national-prod.yaml``: ``settings``' stack file in ``layout``."""
    if settings not in SETTINGS:
        raise ValueError(f"settings must be one of {SETTINGS}, not {settings!r}")
    text = (REPO_ROOT / "stacks" / f"Pulumi.{settings}.yaml").read_text("utf-8")
    if settings == "local":  # the local stack states no layout (single by default): add the line
        if "govcloud:layout" in text or _LOCAL_CONFIG_LINE not in text:
            raise RuntimeError("Pulumi.local.yaml changed its layout or readiness lines; update the generator")
        return text.replace(_LOCAL_CONFIG_LINE, f"{_LOCAL_CONFIG_LINE}  govcloud:layout: {layout}\n")
    if _LAYOUT_LINE not in text:
        raise RuntimeError(f"Pulumi.{STACK}.yaml no longer says `{_LAYOUT_LINE}`; update the generator")
    return text.replace(_LAYOUT_LINE, f"govcloud:layout: {layout}")


def tenant_name(index: int) -> str:
    """The name of synthetic tenant ``index`` (1-based): ``agency-0042``."""
    return f"agency-{index:04d}"


def templates() -> list[dict[str, Any]]:
    """The national-prod tenant requests, sorted by file name."""
    return [yaml.safe_load(path.read_text("utf-8")) for path in sorted(_TEMPLATE_DIR.glob("*.yaml"))]


def _email(address: str, domain: str) -> str:
    return f"{address.split('@', 1)[0]}@{domain}"


def _group(group: str, old: str, new: str) -> str:
    return new + group[len(old) :] if group.startswith(old + "-") else f"{new}-{group}"


def synthetic_tenant(
    template: dict[str, Any], index: int, domain: str, internal_domain: str, template_internal_domain: str | None = None
) -> dict[str, Any]:
    """Tenant ``index`` as a copy of ``template`` with every unique field renamed.

    A template hostname under ``template_internal_domain`` (the templates' site's; default ``internal_domain``)
    becomes one under ``internal_domain``, any other one under ``domain``.
    """
    doc = copy.deepcopy(template)
    old = str(doc["metadata"]["name"])
    new = tenant_name(index)
    mail_domain = f"{new}.go.th"
    doc["metadata"]["name"] = new
    spec = doc["spec"]
    agency = spec["agency"]
    agency["code"] = f"AG{index:04d}"
    agency["nameTh"] = f"{agency['nameTh']} หน่วยที่ {index}"
    agency["nameEn"] = f"{agency['nameEn']} (synthetic unit {index})"
    for contact in spec["contacts"].values():
        if contact is not None:
            contact["email"] = _email(contact["email"], mail_domain)
    spec["costCenter"] = f"{agency['ministry']}-AG{index:04d}-2569-{index % 1000:03d}"
    for role, groups in spec["access"].items():
        spec["access"][role] = [_group(g, old, new) for g in groups]
    ingress = spec.get("network", {}).get("ingress", {})
    hostnames = ingress.get("hostnames") or []
    if hostnames:
        internal = all(h.endswith("." + (template_internal_domain or internal_domain)) for h in hostnames)
        ingress["hostnames"] = [f"{new}.{internal_domain if internal else domain}"]
    open_data = spec.get("openData")
    if open_data and open_data.get("ckanOrganization"):
        open_data["ckanOrganization"] = new
    return doc


def _rank(doc: dict[str, Any]) -> int:
    return Classification(doc["spec"]["classification"]).rank


def agreement_count(n: int) -> int:
    """How many sharing agreements a site of ``n`` tenants gets: N/20, at least one when two tenants exist."""
    return max(1, n // 20) if n >= 2 else 0


def synthetic_agreements(tenants: list[dict[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    """``agreement_count(len(tenants))`` valid agreements between the given tenants."""
    n = len(tenants)
    agreements = []
    for k in range(agreement_count(n)):
        provider = tenants[(k * 20 + 3) % n]
        consumer = next(
            (
                tenants[(k * 20 + 3 + step) % n]
                for step in range(1, n)
                if _rank(tenants[(k * 20 + 3 + step) % n]) >= _rank(provider)
            ),
            None,
        )
        if consumer is None:
            raise RuntimeError(f"no tenant may consume from {provider['metadata']['name']}")
        if k % 10 == 7:  # pending
            valid_from, valid_until = today + dt.timedelta(days=30), today + dt.timedelta(days=395)
        elif k % 10 == 9:  # expired
            valid_from, valid_until = today - dt.timedelta(days=3 * 365), today - dt.timedelta(days=30)
        else:  # active
            valid_from, valid_until = today - dt.timedelta(days=180), today + dt.timedelta(days=550)
        owner = provider["spec"]["contacts"]["owner"]
        p_name, c_name = provider["metadata"]["name"], consumer["metadata"]["name"]
        agreements.append(
            {
                "apiVersion": "govcloud/v1",
                "kind": "DataSharingAgreement",
                "metadata": {"name": f"share-{k:04d}-{p_name}-to-{c_name}"},
                "spec": {
                    "provider": {"tenant": p_name, "zone": "curated", "prefix": f"dataset-{k:04d}/"},
                    "consumer": {"tenant": c_name},
                    "access": "read",
                    "purpose": f"Synthetic benchmark exchange {k}: aggregate statistics for national reporting",
                    "legalBasis": "PDPA section 24(4): public task",
                    "validFrom": valid_from,
                    "validUntil": valid_until,
                    "approvedBy": {"name": owner["name"], "email": owner["email"], "reference": f"BM {k:04d}/2569"},
                },
            }
        )
    return agreements


def _write(path: Path, header: str, doc: dict[str, Any]) -> None:
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(f"# {header}\n{text}", "utf-8")


def make_site(root: Path, n: int, layout: str, today: str = TODAY, settings: str = "national-prod") -> Path:
    """Write a valid site of ``n`` synthetic tenants under ``root``; returns the project dir.

    The project holds ``Pulumi.yaml`` and ``stacks/Pulumi.national-prod.yaml`` (the real stack config of
    ``settings``, national-prod or local, with ``govcloud:layout`` set to ``layout``),
    ``stacks/national-prod/tenants/agency-*.yaml`` and ``stacks/national-prod/sharing/share-*.yaml``.
    Raises RuntimeError if the site does not validate. For ``sharded``, tenant stacks are not written: run
    ``govcloud stacks --stack national-prod --write``. A local-settings site goes to ``site-<layout>-<n>-local``.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, not {layout!r}")
    if n < 1:
        raise ValueError("a site needs at least one tenant")
    config_text = site_config_text(layout, settings)
    project = root / f"site-{layout}-{n}{'-local' if settings == 'local' else ''}"
    if project.exists():
        shutil.rmtree(project)
    stacks = project / "stacks"
    tenants_dir, sharing_dir = stacks / STACK / "tenants", stacks / STACK / "sharing"
    tenants_dir.mkdir(parents=True)
    sharing_dir.mkdir(parents=True)
    shutil.copy(REPO_ROOT / "Pulumi.yaml", project / "Pulumi.yaml")
    config = stacks / f"Pulumi.{STACK}.yaml"
    config.write_text(config_text, "utf-8")
    site = load_site_config(config)
    template_site = load_site_config(REPO_ROOT / "stacks" / f"Pulumi.{STACK}.yaml")

    bases = templates()
    tenants = []
    for index in range(1, n + 1):
        template = bases[(index - 1) % len(bases)]
        doc = synthetic_tenant(template, index, site.domain, site.internal_domain, template_site.internal_domain)
        tenants.append(doc)
        _write(
            tenants_dir / f"{doc['metadata']['name']}.yaml",
            f"Synthetic benchmark tenant, derived from national-prod/{template['metadata']['name']}",
            doc,
        )
    day = dt.date.fromisoformat(today)
    agreements = synthetic_agreements(tenants, day)
    for agreement in agreements:
        _write(sharing_dir / f"{agreement['metadata']['name']}.yaml", "Synthetic benchmark agreement", agreement)

    try:
        definition = load_stack(stacks, STACK, today)
    except ContractError as error:
        shown = "\n".join(str(p) for p in error.problems[:20])
        raise RuntimeError(f"the generated site is invalid ({len(error.problems)} problems):\n{shown}") from None
    if len(definition.tenants) != n or len(definition.agreements) != len(agreements):
        raise RuntimeError("the generated site lost tenants or agreements on loading")
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, required=True, help="number of tenants")
    parser.add_argument("--layout", choices=LAYOUTS, default="single")
    parser.add_argument("--root", type=Path, default=REPO_ROOT / "benchmarks" / "out" / "sites")
    parser.add_argument("--today", default=TODAY)
    parser.add_argument("--settings", choices=SETTINGS, default="national-prod", help="whose site settings")
    args = parser.parse_args()
    print(make_site(args.root, args.n, args.layout, args.today, args.settings))


if __name__ == "__main__":
    main()
