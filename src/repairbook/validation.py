"""Checks shared by every domain; each failure names the field at fault."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from repairbook.errors import InvalidInput


def clean_text(value: str, field: str, max_length: int) -> str:
    """Trimmed, inner runs of white space folded, required, at most `max_length`."""
    value = " ".join(value.split())
    if not value:
        raise InvalidInput("This field is required", field=field)
    if len(value) > max_length:
        raise InvalidInput(f"At most {max_length} characters", field=field)
    return value


def optional_text(value: str | None, field: str, max_length: int) -> str | None:
    """Like `clean_text`, but missing or blank means none."""
    if value is None or not value.strip():
        return None
    return clean_text(value, field, max_length)


def positive_decimal(value: Decimal, field: str, *, places: int = 2, limit: int = 10**9) -> Decimal:
    """A positive number with at most `places` decimal places, below `limit`."""
    try:
        exponent = value.as_tuple().exponent
        if not value.is_finite() or not isinstance(exponent, int):
            raise InvalidOperation
    except (InvalidOperation, AttributeError):
        raise InvalidInput("Must be a number", field=field) from None
    if value <= 0:
        raise InvalidInput("Must be greater than zero", field=field)
    if value >= limit:
        raise InvalidInput(f"Must be less than {limit}", field=field)
    if -exponent > places and value != value.quantize(Decimal(1).scaleb(-places)):
        raise InvalidInput(f"At most {places} decimal places", field=field)
    return value.quantize(Decimal(1).scaleb(-places))
