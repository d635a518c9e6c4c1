"""The slot grid and a day's schedule: plain values in, slots out. No database.

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


class TimeRule(StrEnum):
    """Why the calendar alone rules a slot out, whoever holds it."""

    PAST = "PAST"
    BEYOND_WINDOW = "BEYOND_WINDOW"
    CLOSED_DAY = "CLOSED_DAY"


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

    def time_rule(self, starts_at: datetime, now: datetime, *, closed: bool) -> TimeRule | None:
        """The one place that decides past, beyond the booking window, or a closed day:
        both the schedule's states and the check before booking ask it."""
        if starts_at <= now:
            return TimeRule.PAST
        if self.local_day(starts_at) > self.last_bookable_day(now):
            return TimeRule.BEYOND_WINDOW
        if closed:
            return TimeRule.CLOSED_DAY
        return None


@dataclass(frozen=True, slots=True)
class SlotBooking:
    """A booking, active or cancelled, as a day's schedule needs it."""

    booking_id: int
    receptionist_id: int
    starts_at: datetime
    active: bool
    client_id: int


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


def slots_of_day(
    calendar: Calendar,
    day: date,
    *,
    now: datetime,
    receptionist_ids: Sequence[int],
    closed: bool,
    bookings: Iterable[SlotBooking],
) -> list[Slot]:
    """Every receptionist × every slot of the day, receptionist by receptionist.

    PAST wins over everything; an active booking shows as BOOKED even on a closed day,
    so staff see the conflict; then CLOSED, CANCELLED, FREE.
    """
    active: dict[tuple[int, datetime], int] = {}
    cancelled: dict[tuple[int, datetime], int] = {}
    for booking in bookings:
        key = (booking.receptionist_id, booking.starts_at)
        if booking.active:
            active[key] = booking.booking_id
        else:
            cancelled[key] = max(booking.booking_id, cancelled.get(key, 0))
    grid = [
        (start, start + calendar.slot, calendar.time_rule(start, now, closed=closed))
        for start in calendar.grid(day)
    ]
    slots = []
    for receptionist_id in receptionist_ids:
        for start, end, rule in grid:
            key = (receptionist_id, start)
            booking_id = active.get(key)
            if rule is TimeRule.PAST:
                state = SlotState.PAST
            elif booking_id is not None:
                state = SlotState.BOOKED
            elif rule is not None:
                state = SlotState.CLOSED
            elif key in cancelled:
                state = SlotState.CANCELLED
            else:
                state = SlotState.FREE
            if booking_id is None:
                booking_id = cancelled.get(key)
            slots.append(Slot(start, end, receptionist_id, state, booking_id))
    return slots
