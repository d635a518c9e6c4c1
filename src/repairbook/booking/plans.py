"""Changing receptionists' working time: weekly plans and dated exceptions.

Every change, in one transaction:
1. locks the receptionist's row for update (a booking holds it for share while it checks
   their working time: one of the two waits for the other and then sees what it did);
2. works out the days whose working time changes, and the active future bookings that
   would fall outside it: refused with BOOKINGS_IN_THE_WAY listing them, unless staff ask
   to cancel them (each client is emailed the reason, as for any staff cancellation);
3. writes the rows, restamps exactly the days that changed (and `plans` for a weekly
   plan, which the month calendar reads for days no board keeps), and records a
   WorkingTimeChanged per changed day from today to the end of the booking window, for
   the live board.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.booking import service, worktime
from repairbook.booking.availability import Calendar, WorkDay, work_reason
from repairbook.booking.events import WorkingTimeChanged
from repairbook.booking.month import PLANS
from repairbook.booking.worktime import HoursEntry, Rota, check_hours
from repairbook.db import record
from repairbook.errors import BookingsInTheWay, InvalidInput
from repairbook.models.accounts import User
from repairbook.models.booking import Booking, BookingStatus
from repairbook.models.catalog import WorkException, WorkPlanDay
from repairbook.validation import optional_text

MAX_SPAN = 366  # days one exception request may cover
DEFAULT_REASON = "The receptionist's working time changed"


@dataclass(frozen=True, slots=True)
class Change:
    """What a change did: the days whose working time changed, and the bookings cancelled."""

    days: list[date]
    cancelled: list[int]


async def set_plan(
    db: AsyncSession,
    viewer: User,
    receptionist_id: int,
    days: Mapping[int, HoursEntry | None],
    *,
    cancel_bookings: bool,
    reason: str | None,
    calendar: Calendar,
    now: datetime,
) -> Change:
    """Replace the weekly plan: `days` maps ISO weekdays (1 Monday … 7 Sunday) to hours;
    a weekday not in it is a day off."""
    for weekday in days:
        if not 1 <= weekday <= 7:
            raise InvalidInput("A weekday is 1 (Monday) to 7 (Sunday)", field="days")
    checked = {
        weekday: None if entry is None else check_hours(calendar, entry, f"days[{n}]")
        for n, (weekday, entry) in enumerate(days.items())
    }
    await worktime.lock_one(db, receptionist_id, "update")
    today, last = calendar.local_day(now), calendar.last_bookable_day(now)
    before = await worktime.rota(db, calendar, today, last, [receptionist_id])
    after = Rota(
        before.full_day,
        {receptionist_id: {d: checked.get(d) for d in range(1, 8)}},
        before.exceptions,
    )
    changed = _changed(before, after, receptionist_id, _dates(today, last))
    cancelled = await _clear_the_way(
        db, viewer, receptionist_id, after, changed, cancel_bookings, reason, calendar, now
    )
    await db.execute(delete(WorkPlanDay).where(WorkPlanDay.receptionist_id == receptionist_id))
    week = after.plans[receptionist_id]
    db.add_all(  # all seven days: a weekday off is a row without hours
        WorkPlanDay(
            receptionist_id=receptionist_id,
            weekday=weekday,
            starts_at=hours.starts if hours else None,
            ends_at=hours.ends if hours else None,
            breaks=hours.as_json() if hours else [],
        )
        for weekday, hours in sorted(week.items())
    )
    await db.flush()
    await _restamp(db, [*[d.isoformat() for d in changed], PLANS])
    _announce(db, receptionist_id, changed, calendar, now)
    return Change(changed, cancelled)


async def set_exception(
    db: AsyncSession,
    viewer: User,
    receptionist_id: int,
    start: date,
    end: date,
    hours: HoursEntry | None,
    note: str | None,
    *,
    cancel_bookings: bool,
    reason: str | None,
    calendar: Calendar,
    now: datetime,
) -> Change:
    """From `start` to `end`, the receptionist is off (`hours` None: a day off, a holiday)
    or works these hours (other hours, an extra working day), whatever the plan says."""
    span = _span(start, end)
    checked = None if hours is None else check_hours(calendar, hours, "hours")
    saved_note = optional_text(note, "note", 200)
    await worktime.lock_one(db, receptionist_id, "update")
    before = await worktime.rota(db, calendar, start, end, [receptionist_id])
    after = Rota(
        before.full_day,
        before.plans,
        {**before.exceptions, **{(receptionist_id, d): checked for d in span}},
    )
    changed = _changed(before, after, receptionist_id, span)
    cancelled = await _clear_the_way(
        db, viewer, receptionist_id, after, changed, cancel_bookings, reason, calendar, now
    )
    await _delete_exceptions(db, receptionist_id, start, end)
    db.add_all(
        WorkException(
            receptionist_id=receptionist_id,
            day=day,
            starts_at=checked.starts if checked else None,
            ends_at=checked.ends if checked else None,
            breaks=checked.as_json() if checked else [],
            note=saved_note,
        )
        for day in span
    )
    await db.flush()
    await _restamp(db, [d.isoformat() for d in changed])
    _announce(db, receptionist_id, changed, calendar, now)
    return Change(changed, cancelled)


async def clear_exceptions(
    db: AsyncSession,
    viewer: User,
    receptionist_id: int,
    start: date,
    end: date,
    *,
    cancel_bookings: bool,
    reason: str | None,
    calendar: Calendar,
    now: datetime,
) -> Change:
    """Remove the exceptions from `start` to `end`: the weekly plan holds there again."""
    span = _span(start, end)
    await worktime.lock_one(db, receptionist_id, "update")
    before = await worktime.rota(db, calendar, start, end, [receptionist_id])
    after = Rota(before.full_day, before.plans, {})
    changed = _changed(before, after, receptionist_id, span)
    cancelled = await _clear_the_way(
        db, viewer, receptionist_id, after, changed, cancel_bookings, reason, calendar, now
    )
    await _delete_exceptions(db, receptionist_id, start, end)
    await _restamp(db, [d.isoformat() for d in changed])
    _announce(db, receptionist_id, changed, calendar, now)
    return Change(changed, cancelled)


def _span(start: date, end: date) -> list[date]:
    if not 0 <= (end - start).days < MAX_SPAN:
        raise InvalidInput(
            f"`to` must be on or after `from`, at most {MAX_SPAN} days in all", field="to"
        )
    return _dates(start, end)


def _dates(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _changed(before: Rota, after: Rota, receptionist_id: int, days: Sequence[date]) -> list[date]:
    return [d for d in days if before.on(receptionist_id, d) != after.on(receptionist_id, d)]


async def _clear_the_way(
    db: AsyncSession,
    viewer: User,
    receptionist_id: int,
    after: Rota,
    changed: Sequence[date],
    cancel_bookings: bool,
    reason: str | None,
    calendar: Calendar,
    now: datetime,
) -> list[int]:
    """The active future bookings on the changed days that the new working time leaves
    out: refused, or (asked to) cancelled with the reason, each client emailed."""
    if not changed:
        return []
    query = (
        select(Booking.id, Booking.starts_at, Booking.day)
        .where(
            Booking.receptionist_id == receptionist_id,
            Booking.status == BookingStatus.ACTIVE,
            Booking.starts_at > now,
            Booking.day.in_(changed),
        )
        .order_by(Booking.starts_at)
    )
    stranded = [
        (row.id, row.starts_at)
        for row in await db.execute(query)
        if _outside(after.on(receptionist_id, row.day), row.starts_at, calendar)
    ]
    if not stranded:
        return []
    if not cancel_bookings:
        raise BookingsInTheWay([(id_, at.isoformat()) for id_, at in stranded])
    why = optional_text(reason, "reason", 500) or DEFAULT_REASON
    for booking_id, _ in stranded:
        await service.cancel(db, viewer, booking_id, why, now=now)
    return [booking_id for booking_id, _ in stranded]


def _outside(work: WorkDay | None, starts_at: datetime, calendar: Calendar) -> bool:
    return work_reason(work, starts_at, calendar) is not None


async def _delete_exceptions(
    db: AsyncSession, receptionist_id: int, start: date, end: date
) -> None:
    await db.execute(
        delete(WorkException).where(
            WorkException.receptionist_id == receptionist_id,
            WorkException.day.between(start, end),
        )
    )


async def _restamp(db: AsyncSession, scopes: Sequence[str]) -> None:
    """New stamps for these days (in order, as the booking triggers lock them)."""
    for scope in sorted(scopes):
        await db.execute(text("SELECT restamp_board(:scope)"), {"scope": scope})


def _announce(
    db: AsyncSession,
    receptionist_id: int,
    changed: Sequence[date],
    calendar: Calendar,
    now: datetime,
) -> None:
    today, last = calendar.local_day(now), calendar.last_bookable_day(now)
    for day in changed:
        if today <= day <= last:
            record(db, WorkingTimeChanged(day, receptionist_id))
