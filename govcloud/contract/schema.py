"""The published JSON Schemas of the contract, generated from the models (one source of truth)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from govcloud.contract.sharing import DataSharingAgreement
from govcloud.contract.tenant import TenantRequest

SCHEMA_FILES: dict[str, type[BaseModel]] = {
    "tenant-request.schema.json": TenantRequest,
    "data-sharing-agreement.schema.json": DataSharingAgreement,
}
SCHEMA_BASE_URI = "https://schemas.govcloud.go.th/v1/"


def json_schema(model: type[BaseModel], file_name: str) -> dict[str, Any]:
    """Draft 2020-12 schema with an id, title and description editors show on hover."""
    schema = model.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_BASE_URI + file_name,
        **schema,
    }


def render(model: type[BaseModel], file_name: str) -> str:
    return json.dumps(json_schema(model, file_name), indent=2, ensure_ascii=False) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, model in SCHEMA_FILES.items():
        path = out_dir / file_name
        path.write_text(render(model, file_name), "utf-8")
        written.append(path)
    return written
