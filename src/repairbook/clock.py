"""Where "now" comes from. Services take `now` as an argument; the outer layer reads it
from the one clock the process holds, so tests can fix or move time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that stands still until moved: for tests."""

    moment: datetime

    def now(self) -> datetime:
        return self.moment

    def advance(self, by: timedelta) -> None:
        self.moment += by


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The date where the shop is, which is what every calendar rule is about."""
    return moment.astimezone(zone).date()
