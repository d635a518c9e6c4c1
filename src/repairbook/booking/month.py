"""The client's month view: per day, open or closed (and why), free and total slots.

Three queries for any range (receptionists, closed days, active bookings), then the same
slot rules as a day's board (`availability.slots_of_day`), so the two never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.booking import repository as bookings
from repairbook.booking.availability import Calendar, SlotBooking, TimeRule, slots_of_day
from repairbook.catalog import service as catalog
from repairbook.errors import InvalidInput

MAX_DAYS = 62  # two months in one request: a calendar page and the next


@dataclass(frozen=True, slots=True)
class DaySummary:
    day: date
    closed_reason: TimeRule | None  # None: open (some slot can still be booked or be booked)
    free_slots: int  # slots that can be booked now
    total_slots: int  # every active receptionist's slots that day


def closed_reason(calendar: Calendar, day: date, now: datetime, *, closed: bool) -> TimeRule | None:
    """Why a whole day is closed to booking: past (its last slot has started), beyond the
    window, or a closed date; None when it is open."""
    grid = calendar.grid(day)
    if not grid:
        return TimeRule.CLOSED_DAY
    return calendar.time_rule(grid[-1], now, closed=closed)


async def calendar_days(
    db: AsyncSession, start: date, end: date, *, calendar: Calendar, now: datetime
) -> list[DaySummary]:
    days = (end - start).days + 1
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(
            f"`to` must be on or after `from`, at most {MAX_DAYS} days in all", field="to"
        )
    receptionist_ids = [r.id for r in await catalog.receptionists(db, include_inactive=False)]
    closed = {row.day for row in await catalog.closed_days(db, start, end)}
    taken: dict[date, list[SlotBooking]] = defaultdict(list)
    for day, receptionist_id, starts_at in await bookings.active_slots_between(db, start, end):
        taken[day].append(SlotBooking(0, receptionist_id, starts_at, active=True, client_id=0))
    summaries = []
    for n in range(days):
        day = start + timedelta(days=n)
        slots = slots_of_day(
            calendar,
            day,
            now=now,
            receptionist_ids=receptionist_ids,
            closed=day in closed,
            bookings=taken[day],
        )
        summaries.append(
            DaySummary(
                day=day,
                closed_reason=closed_reason(calendar, day, now, closed=day in closed),
                free_slots=sum(1 for slot in slots if slot.bookable),
                total_slots=len(slots),
            )
        )
    return summaries
