"""The slot grid and the day board: plain values in, slots out. No database.

Times are built in the shop's zone (so 08:00 is 08:00 on both sides of a DST change) and
compared as aware datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class SlotState(StrEnum):
    FREE = "FREE"
    BOOKED = "BOOKED"
    CANCELLED = "CANCELLED"
    PAST = "PAST"
    CLOSED = "CLOSED"


BOOKABLE = frozenset({SlotState.FREE, SlotState.CANCELLED})


@dataclass(frozen=True, slots=True)
class Calendar:
    """The shop's opening hours and booking window."""

    zone: ZoneInfo
    opens_at: time
    closes_at: time
    slot: timedelta
    window_days: int

    def grid(self, day: date) -> list[datetime]:
        """Start times of the day's slots; the last one ends at closing time."""
        start = datetime.combine(day, self.opens_at, tzinfo=self.zone)
        end = datetime.combine(day, self.closes_at, tzinfo=self.zone)
        starts = []
        while start + self.slot <= end:
            starts.append(start)
            start += self.slot  # wall-clock arithmetic: stays in the shop's local time
        return starts

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def on_grid(self, moment: datetime) -> bool:
        return any(moment == start for start in self.grid(self.local_day(moment)))

    def last_bookable_day(self, now: datetime) -> date:
        return self.local_day(now) + timedelta(days=self.window_days)


@dataclass(frozen=True, slots=True)
class Taken:
    """A booking as the board needs it."""

    booking_id: int
    receptionist_id: int
    starts_at: datetime
    active: bool


@dataclass(frozen=True, slots=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    receptionist_id: int
    state: SlotState
    booking_id: int | None  # the active booking here, else the latest cancelled one

    @property
    def bookable(self) -> bool:
        return self.state in BOOKABLE


def board(
    calendar: Calendar,
    day: date,
    *,
    now: datetime,
    receptionist_ids: Sequence[int],
    closed: bool,
    bookings: Iterable[Taken],
) -> list[Slot]:
    """Every receptionist × every slot of the day, receptionist by receptionist."""
    active: dict[tuple[int, datetime], int] = {}
    cancelled: dict[tuple[int, datetime], int] = {}
    for booking in bookings:
        key = (booking.receptionist_id, booking.starts_at)
        if booking.active:
            active[key] = booking.booking_id
        else:
            cancelled[key] = max(booking.booking_id, cancelled.get(key, 0))
    shut = closed or day > calendar.last_bookable_day(now)
    grid = [(start, start + calendar.slot) for start in calendar.grid(day)]
    slots = []
    for receptionist_id in receptionist_ids:
        for start, end in grid:
            key = (receptionist_id, start)
            booking_id = active.get(key)
            if start <= now:
                state = SlotState.PAST
            elif booking_id is not None:
                state = SlotState.BOOKED
            elif shut:
                state = SlotState.CLOSED
            elif key in cancelled:
                state = SlotState.CANCELLED
            else:
                state = SlotState.FREE
            if booking_id is None:
                booking_id = cancelled.get(key)
            slots.append(Slot(start, end, receptionist_id, state, booking_id))
    return slots
