"""Issue 17: each branch of the one-line problem messages (``govcloud.contract.errors``), written out.

An agency reads only these lines, so each kind of pydantic error gets a request that triggers it and the
exact message and field path it must produce ("did you mean", the allowed keys, the expected values).
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from govcloud.contract.errors import known_keys, problems_from_validation_error, render_path
from govcloud.contract.problems import Problem
from govcloud.contract.tenant import TenantRequest
from tests.unit.contract_helpers import tenant, with_path

BASE = tenant()


@pytest.mark.parametrize(
    ("path", "value", "field", "message"),
    [
        ("spec.agency.nameEn", ..., "spec.agency.nameEn", "is required"),
        (
            "spec.clasification",
            "internal",
            "spec.clasification",
            "unknown field `clasification`; did you mean `classification`?",
        ),
        (
            "spec.agency.zzz",
            "x",
            "spec.agency.zzz",
            "unknown field `zzz`; allowed here: code, nameTh, nameEn, ministry, province",
        ),
        (
            "spec.network",
            {"egress": [{"cidr": "203.0.113.0/24", "ports": [443], "zzz": 1}]},
            "spec.network.egress[0].zzz",
            "unknown field `zzz`; allowed here: cidr, ports",
        ),
        ("apiVersion", "govcloud/v2", "apiVersion", "must be 'govcloud/v1' (got 'govcloud/v2')"),
        (
            "spec.classification",
            "topsecret",
            "spec.classification",
            "must be 'public', 'internal', 'confidential' or 'secret' (got 'topsecret')",
        ),
        ("spec.agency", "x", "spec.agency", "must be a mapping of fields (got str)"),
        (
            "spec.storage",
            {"zones": ["raw"], "quota": "1Ti", "retentionDays": [1]},
            "spec.storage.retentionDays",
            "must be a mapping of fields (got list)",
        ),
        ("spec.storage", {"zones": "raw", "quota": "1Ti"}, "spec.storage.zones", "must be a list (got str)"),
        (
            "spec.network",
            {"egress": [{"cidr": "203.0.113.0/24", "ports": []}]},
            "spec.network.egress[0].ports",
            "must have at least 1 entry",
        ),
        (
            "spec.database",
            {"version": 16, "instances": "two", "storage": "200Gi"},
            "spec.database.instances",
            "input should be a valid integer",
        ),
        (
            "spec.storage",
            {"zones": ["raw"], "quota": "1Ti", "retentionDays": {"bogus": 3}},
            "spec.storage.retentionDays.bogus",
            "must be 'raw', 'curated', 'published' or 'archive' (got 'bogus')",
        ),
        (
            "spec.agency.code",
            "nso",
            "spec.agency.code",
            "'nso' must be 2-16 capital letters, digits or hyphens, e.g. NSO",
        ),
    ],
)
def test_each_kind_of_error_reads_as_one_line(path: str, value: Any, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as error:
        TenantRequest.model_validate(with_path(BASE, path, value))
    lines: dict[tuple[str | int, ...], int] = {}

    def line_of(loc: tuple[str | int, ...]) -> int:
        return lines.setdefault(loc, len(lines) + 7)

    assert problems_from_validation_error(TenantRequest, error.value, "nso.yaml", line_of) == [
        Problem("nso.yaml", 7, field, message)
    ]


def test_render_path() -> None:
    assert render_path(("spec", "access", "admins", 0)) == "spec.access.admins[0]"
    assert render_path((0, "a")) == "[0].a"
    assert render_path(()) == "(document)"


def test_known_keys_walk_references_lists_and_maps() -> None:
    assert known_keys(TenantRequest, ("spec", "database")) == ["version", "instances", "storage", "backup"]
    assert known_keys(TenantRequest, ("spec", "network", "egress", 0)) == ["cidr", "ports"]
    assert known_keys(TenantRequest, ("spec", "storage", "retentionDays", "raw")) == []
    assert known_keys(TenantRequest, ("spec", "nothing")) == []
    assert "classification" in known_keys(TenantRequest, ("spec",))
