from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(UTC)


def shop_today(zone: ZoneInfo) -> date:
    """Today's date where the shop is, which is what every calendar rule is about."""
    return datetime.now(zone).date()
