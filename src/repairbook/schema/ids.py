from __future__ import annotations

import re

from repairbook.errors import InvalidInput

MAX_ID = 2**63 - 1  # PostgreSQL's bigint
_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII only: str.isdigit() also takes "²" and "١"


def parse_id(value: str, field: str) -> int:
    """A database id from a GraphQL ID; anything else is the caller's mistake."""
    number = as_id(str(value).strip())
    if number is None:
        raise InvalidInput("Not a valid id", field=field)
    return number


def as_id(text: str) -> int | None:
    """The id `text` spells in ASCII digits, within bigint; None otherwise."""
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
