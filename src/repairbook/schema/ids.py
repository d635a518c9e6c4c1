from __future__ import annotations

from repairbook.errors import InvalidInput

_MAX_ID = 2**63 - 1


def parse_id(value: str, field: str) -> int:
    """A database id from a GraphQL ID; anything else is the caller's mistake."""
    text = str(value).strip()
    if not text.isdigit() or not 0 < int(text) <= _MAX_ID:
        raise InvalidInput("Not a valid id", field=field)
    return int(text)
