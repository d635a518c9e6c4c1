"""Receptionists' working time: weekly plans and dated exceptions, read as a `Rota`, and
the rules a plan must follow. Changing them (which may strand bookings) is `plans.py`.

A receptionist without a single plan row works every open day from opening to closing,
as before plans existed. With a plan, a weekday it does not list is a day off. A dated
exception (a day off, other hours, an extra working day) wins over the plan on its date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Literal

from sqlalchemy import Date, SmallInteger, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.booking.availability import Calendar, WorkDay, minutes
from repairbook.errors import InvalidInput, NotFound
from repairbook.models.catalog import Receptionist, WorkException, WorkPlanDay


@dataclass(frozen=True, slots=True)
class HoursEntry:
    """Working hours as staff enter them: from, to, and breaks (from, to)."""

    starts: time
    ends: time
    breaks: Sequence[tuple[time, time]] = ()


@dataclass(frozen=True, slots=True)
class Rota:
    """Who works when, for some receptionists and dates."""

    full_day: WorkDay
    plans: Mapping[int, Mapping[int, WorkDay | None]]  # receptionist → ISO weekday → hours
    exceptions: Mapping[tuple[int, date], WorkDay | None] = field(default_factory=dict)

    def on(self, receptionist_id: int, day: date) -> WorkDay | None:
        """The receptionist's working time that day; None: not working."""
        key = (receptionist_id, day)
        if key in self.exceptions:
            return self.exceptions[key]
        plan = self.plans.get(receptionist_id)
        if plan is None:
            return self.full_day
        return plan.get(day.isoweekday())


def hours_of(
    starts: time | None, ends: time | None, breaks: Iterable[Sequence[str]]
) -> WorkDay | None:
    if starts is None or ends is None:
        return None
    return WorkDay(
        starts, ends, tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in breaks)
    )


async def rota(
    db: AsyncSession,
    calendar: Calendar,
    start: date,
    end: date,
    receptionist_ids: Sequence[int] | None = None,
) -> Rota:
    """Plans and the exceptions from `start` to `end`, in one query."""
    plan_query = select(
        WorkPlanDay.receptionist_id,
        WorkPlanDay.weekday,
        literal(None, Date).label("day"),
        WorkPlanDay.starts_at,
        WorkPlanDay.ends_at,
        WorkPlanDay.breaks,
    )
    exception_query = select(
        WorkException.receptionist_id,
        literal(None, SmallInteger).label("weekday"),
        WorkException.day,
        WorkException.starts_at,
        WorkException.ends_at,
        WorkException.breaks,
    ).where(WorkException.day.between(start, end))
    if receptionist_ids is not None:
        plan_query = plan_query.where(WorkPlanDay.receptionist_id.in_(receptionist_ids))
        exception_query = exception_query.where(WorkException.receptionist_id.in_(receptionist_ids))
    plans: dict[int, dict[int, WorkDay | None]] = {}
    exceptions: dict[tuple[int, date], WorkDay | None] = {}
    for row in await db.execute(union_all(plan_query, exception_query)):
        hours = hours_of(row.starts_at, row.ends_at, row.breaks)
        if row.day is None:
            plans.setdefault(row.receptionist_id, {})[row.weekday] = hours
        else:
            exceptions[(row.receptionist_id, row.day)] = hours
    return Rota(calendar.full_day(), plans, exceptions)


async def plan_rows(db: AsyncSession, receptionist_id: int) -> Sequence[WorkPlanDay]:
    query = select(WorkPlanDay).where(WorkPlanDay.receptionist_id == receptionist_id)
    return (await db.scalars(query.order_by(WorkPlanDay.weekday))).all()


async def exception_rows(
    db: AsyncSession, receptionist_id: int, start: date, end: date
) -> Sequence[WorkException]:
    query = select(WorkException).where(
        WorkException.receptionist_id == receptionist_id, WorkException.day.between(start, end)
    )
    return (await db.scalars(query.order_by(WorkException.day))).all()


async def lock(
    db: AsyncSession, receptionist_ids: Sequence[int], mode: Literal["share", "update"]
) -> dict[int, Receptionist]:
    """The receptionists' rows, locked (in id order): a booking holds them for share while
    it checks their working time and inserts, a change of working time for update while
    it checks their bookings and writes, so one always sees what the other committed."""
    query = (
        select(Receptionist)
        .where(Receptionist.id.in_(receptionist_ids))
        .order_by(Receptionist.id)
        .with_for_update(read=mode == "share")
    )
    return {row.id: row for row in await db.scalars(query)}


async def lock_one(
    db: AsyncSession, receptionist_id: int, mode: Literal["share", "update"]
) -> Receptionist:
    found = await lock(db, [receptionist_id], mode)
    if receptionist_id not in found:
        raise NotFound("No such receptionist", field="receptionistId")
    return found[receptionist_id]


def check_hours(calendar: Calendar, entry: HoursEntry, where: str) -> WorkDay:
    """Hours inside the shop day, on its slot grid; breaks inside the hours, on the grid,
    apart from each other. BAD_USER_INPUT names the field (`<where>.from`,
    `<where>.breaks[1].to`)."""
    opens, closes = minutes(calendar.opens_at), minutes(calendar.closes_at)
    step = int(calendar.slot.total_seconds()) // 60

    def on_grid(moment: time, name: str) -> int:
        if moment.tzinfo is not None:
            raise InvalidInput("Times are shop time, without an offset", field=name)
        value = minutes(moment)
        if moment.second or moment.microsecond or (value - opens) % step:
            raise InvalidInput(
                f"Times are on the slot grid: every {step} minutes from {calendar.opens_at:%H:%M}",
                field=name,
            )
        return value

    starts = on_grid(entry.starts, f"{where}.from")
    ends = on_grid(entry.ends, f"{where}.to")
    if starts < opens:
        raise InvalidInput(f"The shop opens at {calendar.opens_at:%H:%M}", field=f"{where}.from")
    if ends > closes:
        raise InvalidInput(f"The shop closes at {calendar.closes_at:%H:%M}", field=f"{where}.to")
    if ends <= starts:
        raise InvalidInput("`to` must be after `from`", field=f"{where}.to")
    breaks = sorted(entry.breaks)
    order = sorted(range(len(entry.breaks)), key=lambda n: entry.breaks[n])
    previous_end = starts
    for n, (break_start, break_end) in zip(order, breaks, strict=True):
        name = f"{where}.breaks[{n}]"
        a, b = on_grid(break_start, f"{name}.from"), on_grid(break_end, f"{name}.to")
        if b <= a:
            raise InvalidInput("`to` must be after `from`", field=f"{name}.to")
        if a < starts or b > ends:
            raise InvalidInput("A break is inside the working hours", field=f"{name}.from")
        if a < previous_end:
            raise InvalidInput("Breaks may not overlap", field=f"{name}.from")
        previous_end = b
    return WorkDay(entry.starts, entry.ends, tuple(breaks))
