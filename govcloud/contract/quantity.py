"""Kubernetes quantity syntax (``200Gi``, ``2Ti``, ``500m``, ``48``), parsed exactly with Decimal."""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": Decimal(1),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
}
_QUANTITY = re.compile(
    r"(?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][-+]?[0-9]+)?"
)
MAX_QUANTITY = Decimal(2**63 - 1)
"""Kubernetes keeps quantities in 64-bit integers (of milli-units at best); nothing larger is meaningful."""
_MAX_EXPONENT = 30
_MAX_DIGITS = 40


class QuantityError(ValueError):
    """A string that is not a Kubernetes quantity."""


def parse_quantity(value: str | int | float) -> Decimal:
    """Return the quantity's value in base units (bytes, cores); refuses negatives and garbage.

    Also refuses NaN, infinities and magnitudes no cluster could hold, so comparing or formatting the
    result can never raise (``1e999999999`` would overflow Decimal; ``.nan`` compares with nothing).
    """
    if isinstance(value, bool):
        raise QuantityError(f"{value!r} is not a quantity")
    if isinstance(value, float) and not math.isfinite(value):
        raise QuantityError(f"{value} is not a finite number (write a quantity like 200Gi, 2Ti or 500m)")
    if isinstance(value, int | float):
        if value < 0:
            raise QuantityError(f"{value} must not be negative")
        return _bounded(Decimal(str(value)), str(value))
    match = _QUANTITY.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise QuantityError(f"{value!r} is not a Kubernetes quantity (write it like 200Gi, 2Ti or 500m)")
    if len(match["number"]) > _MAX_DIGITS:
        raise QuantityError(f"'{value}' has too many digits to be a quantity")
    try:
        number = Decimal(match["number"])
    except InvalidOperation as error:  # pragma: no cover - the regex only admits valid decimals
        raise QuantityError(f"'{value}' is not a number") from error
    suffix = match["suffix"] or ""
    if suffix in _BINARY:
        return _bounded(number * _BINARY[suffix], value)
    # A lone "E" is the exa suffix (10^18); only "e"/"E" followed by digits is an exponent
    # (k8s.io/apimachinery pkg/api/resource/suffix.go: newSuffixer, interpret's len(suffix) > 1).
    if len(suffix) > 1 and suffix[:1] in ("e", "E"):
        exponent = int(suffix[1:]) if len(suffix) <= 6 else _MAX_EXPONENT + 1
        if abs(exponent) > _MAX_EXPONENT:
            raise QuantityError(f"'{value}' is out of range: the exponent may be at most {_MAX_EXPONENT}")
        return _bounded(number * (Decimal(10) ** exponent), value)
    return _bounded(number * _DECIMAL[suffix], value)


def _bounded(result: Decimal, shown: str) -> Decimal:
    if not result.is_finite() or result > MAX_QUANTITY:
        raise QuantityError(f"'{shown}' is out of range: no quantity in a cluster is that large")
    return result


def format_bytes(value: Decimal) -> str:
    """Render a byte count in the largest binary unit that keeps it whole (``2Ti``, ``1536Gi``)."""
    for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
        unit = _BINARY[suffix]
        if value >= unit and value % unit == 0:
            return f"{int(value // unit)}{suffix}"
    return str(int(value)) if value == value.to_integral_value() else str(value)
