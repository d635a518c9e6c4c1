"""Date and DateTime as this API reads and writes them.

- Read: ISO 8601, within years 1900–2199. Anything beyond would overflow the arithmetic a
  booking does (a slot's end, a conversion between offsets) long before it meant anything.
- Written: every DateTime in the shop's own offset (+03:00 for Moscow), whether it came from
  the caller or from the database, so one convention holds everywhere.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

import dateutil.parser
from strawberry.schema.types.base_scalars import wrap_parser
from strawberry.types.scalar import ScalarDefinition

EARLIEST, LATEST = 1900, 2199


def _date(value: str) -> dt.date:
    day = dt.date.fromisoformat(value)
    if not EARLIEST <= day.year <= LATEST:
        raise ValueError(f"years {EARLIEST} to {LATEST} only")
    return day


def _datetime(value: str) -> dt.datetime:
    moment = dateutil.parser.isoparse(value)
    if not EARLIEST <= moment.year <= LATEST:
        raise ValueError(f"years {EARLIEST} to {LATEST} only")
    return moment


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
            parse_value=wrap_parser(_date, "Date"),
            parse_literal=None,
            origin=dt.date,
        ),
        dt.datetime: ScalarDefinition(
            name="DateTime",
            description="Date with time (isoformat)",
            specified_by_url=None,
            serialize=in_the_shops_offset,
            parse_value=wrap_parser(_datetime, "DateTime"),
            parse_literal=None,
            origin=dt.datetime,
        ),
    }
