"""The client's month view: per day, open or closed (and why), free and total slots.

Three queries for any range (receptionists, closed days, active bookings), then the same
slot rules as a day's board (`availability.slots_of_day`), so the two never disagree.

Answers are kept per process as the day boards are (board_cache.py): with the board stamps
of every day in the range and of `all`, read first, in one more query. PostgreSQL restamps
them in the transaction of any change a calendar shows, so an answer is used again only
while none of its days changed; it also ends when today's next slot starts (it turns
PAST) or at the shop's midnight.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.booking import repository as bookings
from repairbook.booking.availability import Calendar, SlotBooking, TimeRule, slots_of_day
from repairbook.catalog import service as catalog
from repairbook.errors import InvalidInput

MAX_DAYS = 62  # two months in one request: a calendar page and the next
KEPT = 256  # answers kept per process, least recently used first out


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


@dataclass(frozen=True, slots=True)
class _Kept:
    stamps: dict[str, int]
    valid_until: datetime
    days: list[DaySummary]


_kept: OrderedDict[tuple[date, date], _Kept] = OrderedDict()


async def calendar_days(
    db: AsyncSession, start: date, end: date, *, calendar: Calendar, now: datetime
) -> list[DaySummary]:
    days = (end - start).days + 1
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(
            f"`to` must be on or after `from`, at most {MAX_DAYS} days in all", field="to"
        )
    scopes = [(start + timedelta(days=n)).isoformat() for n in range(days)] + ["all"]
    stamps = await bookings.stamps(db, scopes)  # first: what is read next is as new
    kept = _kept.get((start, end))
    if kept is not None and kept.stamps == stamps and now < kept.valid_until:
        _kept.move_to_end((start, end))
        return kept.days
    summaries = await _summaries(db, start, days, calendar=calendar, now=now)
    _kept[(start, end)] = _Kept(stamps, _next_change(calendar, now), summaries)
    while len(_kept) > KEPT:
        _kept.popitem(last=False)
    return summaries


def _next_change(calendar: Calendar, now: datetime) -> datetime:
    """When time alone changes a calendar: today's next slot start, or the shop's midnight."""
    today = calendar.local_day(now)
    later = [start for start in calendar.grid(today) if start > now]
    midnight = datetime.combine(today + timedelta(days=1), time(0), tzinfo=calendar.zone)
    return min([*later, midnight])


async def _summaries(
    db: AsyncSession, start: date, days: int, *, calendar: Calendar, now: datetime
) -> list[DaySummary]:
    end = start + timedelta(days=days - 1)
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
