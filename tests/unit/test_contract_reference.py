"""The contract documents itself: every field has a description, the published schemas and the document's
generated tables say what the models say."""

from __future__ import annotations

import json
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from govcloud.contract import reference
from govcloud.contract.schema import SCHEMA_FILES, render
from govcloud.contract.sharing import DataSharingAgreement
from govcloud.contract.site import SiteConfig
from govcloud.contract.tenant import TenantRequest

REPO_ROOT = Path(__file__).resolve().parents[2]


def _properties(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for owner in [schema, *schema.get("$defs", {}).values()]:
        for name, prop in owner.get("properties", {}).items():
            yield f"{owner['title']}.{name}", prop


@pytest.mark.parametrize("model", [TenantRequest, DataSharingAgreement])
def test_every_contract_field_has_a_description(model: type) -> None:
    undocumented = [f.path for f in reference.fields_of(model) if len(f.description) < 5]
    assert undocumented == []


@pytest.mark.parametrize("file_name", sorted(SCHEMA_FILES))
def test_published_schemas_describe_every_property_with_a_title(file_name: str) -> None:
    schema = json.loads((REPO_ROOT / "schemas" / file_name).read_text("utf-8"))
    definitions = schema.get("$defs", {})

    def described(prop: dict[str, Any]) -> bool:  # pydantic leaves out a description equal to the definition's
        return bool(
            prop.get("description") or definitions.get(prop.get("$ref", "").rpartition("/")[2], {}).get("description")
        )

    missing = [name for name, prop in _properties(schema) if not described(prop)]
    assert missing == []
    # A property that refers to a definition shows the definition's title.
    untitled = [name for name, prop in _properties(schema) if not prop.get("title") and "$ref" not in prop]
    assert untitled == []
    assert all(definition.get("title") for definition in schema.get("$defs", {}).values())
    titles = {prop.get("title") for _, prop in _properties(schema)}
    expected = (
        {"Valid until", "Legal basis"} if file_name.startswith("data-sharing") else {"CKAN organization", "Name (Thai)"}
    )
    assert expected <= titles


@pytest.mark.parametrize("file_name", sorted(SCHEMA_FILES))
def test_published_schemas_are_generated_from_the_models(file_name: str) -> None:
    committed = (REPO_ROOT / "schemas" / file_name).read_text("utf-8")
    assert committed == render(SCHEMA_FILES[file_name], file_name), "run: govcloud schema --out schemas"


def test_the_contract_document_tables_are_generated_from_the_models() -> None:
    committed = (REPO_ROOT / reference.DOC).read_text("utf-8")
    assert committed == reference.regenerate(committed), "run: python -m govcloud.contract.reference --write"


def test_the_tier_table_reads_the_presets() -> None:
    assert "| `medium` | 32 | 128Gi | 2Ti | 300 |" in reference.tier_table()


def test_a_field_without_description_shows_in_the_table_as_empty() -> None:
    """The generator reads descriptions and defaults from the model itself, nothing kept by hand."""
    rows = {f.path: f for f in reference.fields_of(TenantRequest)}
    assert rows["spec.database.backup.schedule"].required == "default `0 2 * * *`"
    assert rows["spec.storage.zones"].type == "list of one of `raw`, `curated`, `published`, `archive`"
    assert rows["spec.network.egress[].ports"].leaf
    assert not rows["spec.network.egress"].leaf


def test_site_settings_with_a_docstring_carry_it_as_their_description() -> None:
    assert SiteConfig.model_fields["domain"].description == (
        "Public domain under which tenants' web UIs are published, e.g. data.go.th."
    )


def test_regenerate_refuses_a_document_without_markers() -> None:
    with pytest.raises(ValueError, match="markers"):
        reference.regenerate("# no markers here\n")


def test_every_site_setting_is_described_in_the_model() -> None:
    """The site guide reads these; a setting documented nowhere in the model would be a blank row."""

    def undocumented(model: type[BaseModel], prefix: str) -> list[str]:
        missing = []
        for name, info in model.model_fields.items():
            path = prefix + (info.alias or name)
            nested = next(
                (
                    a
                    for a in (info.annotation, *typing.get_args(info.annotation))
                    if isinstance(a, type) and issubclass(a, BaseModel)
                ),
                None,
            )
            if not info.description and not (nested is not None and nested.__doc__):
                missing.append(path)
            if nested is not None:
                missing += undocumented(nested, path + ".")
        return missing

    assert undocumented(SiteConfig, "") == []


def test_the_report_and_the_contract_say_the_storage_quota_is_not_enforced() -> None:
    """No store enforces spec.storage.quota (the contract-reach test lists it as informational): say so."""
    from govcloud.report.i18n import MESSAGES

    assert "not enforced" in MESSAGES["object_storage.value"]["en"]
    assert "ไม่ได้บังคับใช้" in MESSAGES["object_storage.value"]["th"]
    rows = {f.path: f for f in reference.fields_of(TenantRequest)}
    assert "does not enforce" in rows["spec.storage.quota"].description
