"""Validation reports every problem of a file in the first run: a missing DPO together with field errors."""

from __future__ import annotations

from pathlib import Path

import yaml

from govcloud.contract.stack import validate_documents
from tests.unit.contract_helpers import SITE, TODAY, tenant


def _problems(tmp_path: Path, document: dict) -> list[str]:
    path = tmp_path / f"{document['metadata']['name']}.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    _, _, problems = validate_documents([path], SITE, TODAY)
    return [f"{p.field}: {p.message}" for p in problems]


def test_a_missing_dpo_is_reported_with_the_field_errors(tmp_path: Path) -> None:
    document = tenant()
    del document["spec"]["contacts"]["dpo"]
    document["spec"]["clasification"] = document["spec"].pop("classification")  # a typo breaks the model
    problems = _problems(tmp_path, document)
    assert any(p.startswith("spec.clasification: unknown field") for p in problems), problems
    assert "spec.contacts.dpo: is required when the tenant holds personal data (PDPA)" in problems


def test_the_dpo_rule_is_reported_once_on_a_valid_model(tmp_path: Path) -> None:
    document = tenant()
    del document["spec"]["contacts"]["dpo"]
    problems = _problems(tmp_path, document)
    assert problems.count("spec.contacts.dpo: is required when the tenant holds personal data (PDPA)") == 1


def test_no_dpo_is_needed_without_personal_data_even_when_the_file_is_broken(tmp_path: Path) -> None:
    document = tenant(personalData="none")
    del document["spec"]["contacts"]["dpo"]
    document["spec"]["tier"] = "gigantic"
    problems = _problems(tmp_path, document)
    assert problems and not any("dpo" in p for p in problems)
