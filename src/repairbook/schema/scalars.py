"""Date and DateTime as this API reads and writes them.

- Read: ISO 8601, within years 1900–2199. Anything beyond would overflow the arithmetic a
  booking does (a slot's end, a conversion between offsets) long before it meant anything.
- Written: every DateTime in the shop's own offset (+03:00 for Moscow), whether it came from
  the caller or from the database, so one convention holds everywhere.
- Refused: with a message that says what is expected and never repeats what was sent
  (strawberry's own parsers quote the value and the parser's error, which quotes it too).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from functools import cache
from typing import TypeVar
from zoneinfo import ZoneInfo

import dateutil.parser
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

EARLIEST, LATEST = 1900, 2199
T = TypeVar("T")


class _Refused(ValueError):
    """A reason of our own, safe to show: it never contains the value."""


def _date(value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise _Refused("expected an ISO 8601 date, YYYY-MM-DD") from None
    if not EARLIEST <= day.year <= LATEST:
        raise _Refused(f"years {EARLIEST} to {LATEST} only")
    return day


def _datetime(value: str) -> dt.datetime:
    try:
        moment = dateutil.parser.isoparse(value)
    except (ValueError, OverflowError):
        raise _Refused("expected an ISO 8601 date and time, YYYY-MM-DDTHH:MM:SS+03:00") from None
    if not EARLIEST <= moment.year <= LATEST:
        raise _Refused(f"years {EARLIEST} to {LATEST} only")
    return moment


def _decimal(value: str) -> decimal.Decimal:
    try:
        return decimal.Decimal(value)
    except (decimal.DecimalException, ValueError):
        raise _Refused("expected a decimal number such as 1250.50") from None


def _parser(
    parse: Callable[[str], T], name: str, *, numbers: bool = False
) -> Callable[[object], T]:
    """A scalar's parse_value: strings (and numbers where `numbers`) in, our reason out."""

    def inner(value: object) -> T:
        if numbers and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise StrawberryInputCoercionError(f"{name} must be a string")
        try:
            return parse(value)
        except _Refused as reason:
            raise StrawberryInputCoercionError(f"Not a valid {name}: {reason}") from None

    return inner


@cache
def scalars(timezone: str) -> dict[object, ScalarDefinition]:
    zone = ZoneInfo(timezone)

    def in_the_shops_offset(value: dt.datetime) -> str:
        return (value.astimezone(zone) if value.tzinfo else value).isoformat()

    return {
        dt.date: ScalarDefinition(
            name="Date",
            description="Date (isoformat)",
            specified_by_url=None,
            serialize=dt.date.isoformat,
            parse_value=_parser(_date, "Date"),
            parse_literal=None,
            origin=dt.date,
        ),
        dt.datetime: ScalarDefinition(
            name="DateTime",
            description="Date with time (isoformat)",
            specified_by_url=None,
            serialize=in_the_shops_offset,
            parse_value=_parser(_datetime, "DateTime"),
            parse_literal=None,
            origin=dt.datetime,
        ),
        decimal.Decimal: ScalarDefinition(
            name="Decimal",
            description="Decimal (fixed-point)",
            specified_by_url=None,
            serialize=str,
            parse_value=_parser(_decimal, "Decimal", numbers=True),
            parse_literal=None,
            origin=decimal.Decimal,
        ),
    }
