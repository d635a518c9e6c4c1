"""The slot grid and a day's schedule: plain values in, slots out. No database.

Times are built in the shop's zone (so 08:00 is 08:00 on both sides of a DST change) and
compared as aware datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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


class ClosedReason(StrEnum):
    """Why a slot cannot be booked whoever asks: the receptionist does not work then (off
    duty, or a break), the shop is closed that day, the slot is past or beyond the window."""

    OFF_DUTY = "OFF_DUTY"
    BREAK = "BREAK"
    SHOP_CLOSED = "SHOP_CLOSED"
    PAST = "PAST"
    BEYOND_WINDOW = "BEYOND_WINDOW"


def minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


@dataclass(frozen=True, slots=True)
class WorkDay:
    """A receptionist's working time on one day, shop time: from, to, and breaks (sorted,
    apart, inside the hours)."""

    starts: time
    ends: time
    breaks: tuple[tuple[time, time], ...] = ()

    def reason(self, start: time, length: timedelta) -> ClosedReason | None:
        """Why a slot starting at `start` (shop time) is not worked: None when it is."""
        begin = minutes(start)
        end = begin + int(length.total_seconds()) // 60
        if begin < minutes(self.starts) or end > minutes(self.ends):
            return ClosedReason.OFF_DUTY
        for break_start, break_end in self.breaks:
            if begin < minutes(break_end) and minutes(break_start) < end:
                return ClosedReason.BREAK
        return None

    def as_json(self) -> list[list[str]]:
        return [[f"{a:%H:%M}", f"{b:%H:%M}"] for a, b in self.breaks]


def work_reason(
    work: WorkDay | None, starts_at: datetime, calendar: Calendar
) -> ClosedReason | None:
    """Why a receptionist with this working time (None: off that day) takes no booking at
    `starts_at`; None when they work then."""
    if work is None:
        return ClosedReason.OFF_DUTY
    return work.reason(starts_at.astimezone(calendar.zone).time(), calendar.slot)


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

    def full_day(self) -> WorkDay:
        """The working time of a receptionist without a plan: the whole shop day."""
        return WorkDay(self.opens_at, self.closes_at)

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
    closed_reason: ClosedReason | None = None  # for PAST and CLOSED slots

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
    work: Mapping[int, WorkDay | None] | None = None,
) -> list[Slot]:
    """Every receptionist × every slot of the day, receptionist by receptionist.

    PAST wins over everything; an active booking shows as BOOKED even on a closed day or
    outside working time, so staff see the conflict; then CLOSED (the shop's calendar,
    then the receptionist's working time: `work`, the whole day for one not in it),
    CANCELLED, FREE.
    """
    work = work or {}
    full_day = calendar.full_day()
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
        hours = work.get(receptionist_id, full_day)
        for start, end, rule in grid:
            key = (receptionist_id, start)
            booking_id = active.get(key)
            reason = _RULE_REASONS[rule] if rule is not None else None
            if rule is TimeRule.PAST:
                state = SlotState.PAST
            elif booking_id is not None:
                state, reason = SlotState.BOOKED, None
            elif rule is not None or (reason := work_reason(hours, start, calendar)) is not None:
                state = SlotState.CLOSED
            elif key in cancelled:
                state = SlotState.CANCELLED
            else:
                state = SlotState.FREE
            if booking_id is None:
                booking_id = cancelled.get(key)
            slots.append(Slot(start, end, receptionist_id, state, booking_id, reason))
    return slots


_RULE_REASONS = {
    TimeRule.PAST: ClosedReason.PAST,
    TimeRule.BEYOND_WINDOW: ClosedReason.BEYOND_WINDOW,
    TimeRule.CLOSED_DAY: ClosedReason.SHOP_CLOSED,
}


@dataclass(frozen=True, slots=True)
class TimeSlot:
    """One start of the day for a client's time picker: how many receptionists are free."""

    starts_at: datetime
    ends_at: datetime
    free: int  # receptionists with a bookable slot then
    closed_reason: ClosedReason | None  # when none is free and the time itself is closed


def times_of(calendar: Calendar, day: date, slots: Iterable[Slot]) -> list[TimeSlot]:
    """The board per time rather than per receptionist. A time with nobody free is
    closed for the calendar's reason (past, beyond the window, shop closed), or OFF_DUTY
    when nobody works then; taken times have no reason (every worker is booked)."""
    by_start: dict[datetime, list[Slot]] = {start: [] for start in calendar.grid(day)}
    for slot in slots:
        by_start.setdefault(slot.starts_at, []).append(slot)
    times = []
    for start, here in by_start.items():
        free = sum(1 for slot in here if slot.bookable)
        reason: ClosedReason | None = None
        if not free:
            reasons = {slot.closed_reason for slot in here}
            for candidate in (
                ClosedReason.PAST,
                ClosedReason.BEYOND_WINDOW,
                ClosedReason.SHOP_CLOSED,
            ):
                if candidate in reasons:
                    reason = candidate
                    break
            else:
                if not any(slot.state is SlotState.BOOKED for slot in here):
                    reason = (
                        ClosedReason.BREAK
                        if ClosedReason.BREAK in reasons
                        else ClosedReason.OFF_DUTY
                    )
        times.append(TimeSlot(start, start + calendar.slot, free, reason))
    return times
