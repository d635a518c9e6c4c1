"""Checks shared by every domain; each failure names the field at fault."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation

from repairbook.errors import InvalidInput


def _without_format_characters(value: str) -> str:
    if value.isascii():
        return value
    return "".join(c for c in value if unicodedata.category(c) != "Cf")


def clean_text(value: str, field: str, max_length: int) -> str:
    """Trimmed, inner runs of white space folded, required, at most `max_length`.

    Invisible format characters (bidi overrides, zero-width spaces and joiners, soft
    hyphens) are dropped: in a name they only serve to make two names look alike or to
    turn the text around it backwards. Control characters never get this far (every string
    input is checked for them before any resolver runs).
    """
    value = " ".join(_without_format_characters(value).split())
    if not value:
        raise InvalidInput("This field is required", field=field)
    if len(value) > max_length:
        raise InvalidInput(f"At most {max_length} characters", field=field)
    return value


def optional_text(value: str | None, field: str, max_length: int) -> str | None:
    """Like `clean_text`, but missing or blank means none."""
    if value is None or not _without_format_characters(value).strip():
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
