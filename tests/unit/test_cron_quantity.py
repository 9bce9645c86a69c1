"""The small parsers under the contract: cron schedules and Kubernetes quantities."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govcloud.contract.cron import CronError, to_six_field, validate_cron
from govcloud.contract.quantity import QuantityError, format_bytes, parse_quantity


@pytest.mark.parametrize(
    ("five", "six"),
    [
        ("0 2 * * *", "0 0 2 * * *"),
        ("30 1 * * *", "0 30 1 * * *"),
        ("*/15 * * * mon-fri", "0 */15 * * * mon-fri"),
        ("0  3 1,15 * *", "0 0 3 1,15 * *"),
    ],
)
def test_five_field_cron_becomes_the_operators_six_fields(five: str, six: str) -> None:
    assert to_six_field(five) == six


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("0 2 * *", "has 4 fields"),
        ("0 0 2 * * *", "has 6 fields"),
        ("60 2 * * *", "minute 60 is outside 0-59"),
        ("0 2 32 * *", "day of month 32 is outside 1-31"),
        ("0 2 * 13 *", "month 13 is outside 1-12"),
        ("0 2 * * 8", "day of week 8 is outside 0-6"),
        # robfig/cron v1.2.0 spec.go (CloudNativePG v1.30.0's parser): dow = bounds{0, 6}, so no 7 for Sunday.
        ("0 2 * * 7", "day of week 7 is outside 0-6"),
        ("0 2 * * 1-7", "day of week 7 is outside 0-6"),
        ("0 5-1 * * *", "runs backwards"),
        ("*/0 * * * *", "step 0"),
        ("@daily", "has 1 fields"),
        ("0 2 * * funday", "'funday' is not a valid day of week"),
    ],
)
def test_invalid_cron_is_refused_with_a_reason(expression: str, reason: str) -> None:
    with pytest.raises(CronError, match=reason):
        validate_cron(expression)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("200Gi", Decimal(200 * 2**30)),
        ("2Ti", Decimal(2 * 2**40)),
        ("500m", Decimal("0.5")),
        ("48", Decimal(48)),
        (48, Decimal(48)),
        ("1.5", Decimal("1.5")),
        ("1e3", Decimal(1000)),
        ("2k", Decimal(2000)),
        ("128M", Decimal(128_000_000)),
    ],
)
def test_quantities_parse_exactly(text: str | int, value: Decimal) -> None:
    assert parse_quantity(text) == value


@pytest.mark.parametrize("text", ["200GB", "-1", "Gi", "", "1.2.3Gi", "ten", True])
def test_bad_quantities_are_refused(text: str) -> None:
    with pytest.raises(QuantityError):
        parse_quantity(text)


@given(st.integers(min_value=1, max_value=2**20), st.sampled_from(["Ki", "Mi", "Gi", "Ti"]))
def test_binary_sizes_round_trip_through_format(number: int, suffix: str) -> None:
    assert parse_quantity(format_bytes(parse_quantity(f"{number}{suffix}"))) == parse_quantity(f"{number}{suffix}")
