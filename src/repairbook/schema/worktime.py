"""GraphQL types for receptionists' working time: weekly plans and dated exceptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import Enum

import strawberry

from repairbook.booking.plans import Change
from repairbook.booking.worktime import HoursEntry, hours_of
from repairbook.errors import InvalidInput
from repairbook.models import catalog as m
from repairbook.schema.catalog import Receptionist, gid


@strawberry.enum(description="A day of the week (ISO order: Monday first).")
class Weekday(Enum):
    """Values described in descriptions.py."""

    MONDAY = 1
    TUESDAY = 2
    WEDNESDAY = 3
    THURSDAY = 4
    FRIDAY = 5
    SATURDAY = 6
    SUNDAY = 7


@strawberry.type(description="A break inside working hours, shop time.")
class Break:
    from_: dt.time = strawberry.field(name="from", description="When the break starts.")
    to: dt.time = strawberry.field(description="When it ends (slots from here are worked).")


def _breaks(rows: Sequence[Sequence[str]]) -> list[Break]:
    return [Break(from_=dt.time.fromisoformat(a), to=dt.time.fromisoformat(b)) for a, b in rows]


@strawberry.type(description="One weekday of a weekly plan.")
class PlanDay:
    weekday: Weekday = strawberry.field(description="The weekday.")
    working: bool = strawberry.field(description="False: a day off every such weekday.")
    from_: dt.time | None = strawberry.field(
        name="from", description="First working minute, shop time; null on a day off."
    )
    to: dt.time | None = strawberry.field(description="End of work, shop time; null on a day off.")
    breaks: list[Break] = strawberry.field(description="Breaks, in order.")


@strawberry.type(description="One date on which the weekly plan does not hold.")
class WorkException:
    id: strawberry.ID = strawberry.field(description="`<receptionistId>:<YYYY-MM-DD>`.")
    date: dt.date = strawberry.field(description="The date, shop time.")
    working: bool = strawberry.field(
        description="False: a day off (a holiday is one per day); true: these hours instead."
    )
    from_: dt.time | None = strawberry.field(
        name="from", description="First working minute, shop time; null on a day off."
    )
    to: dt.time | None = strawberry.field(description="End of work, shop time; null on a day off.")
    breaks: list[Break] = strawberry.field(description="Breaks, in order.")
    note: str | None = strawberry.field(description="What staff wrote (e.g. «отпуск»).")

    @classmethod
    def from_model(cls, row: m.WorkException) -> WorkException:
        return cls(
            id=strawberry.ID(f"{row.receptionist_id}:{row.day.isoformat()}"),
            date=row.day,
            working=row.starts_at is not None,
            from_=row.starts_at,
            to=row.ends_at,
            breaks=_breaks(row.breaks),
            note=row.note,
        )


@strawberry.type(description="A receptionist's working time: the weekly plan and exceptions.")
class WorkingTime:
    id: strawberry.ID = strawberry.field(description="The receptionist's id.")
    receptionist: Receptionist = strawberry.field(description="Whose working time this is.")
    planned: bool = strawberry.field(
        description="False: no plan yet, so they work every open day from opening to closing."
    )
    days: list[PlanDay] = strawberry.field(
        description="Monday to Sunday, seven entries (with no plan: the whole shop day each)."
    )
    exceptions: list[WorkException] = strawberry.field(
        description="The exceptions in the range asked for, by date."
    )

    @classmethod
    def of(
        cls,
        person: m.Receptionist,
        plan: Sequence[m.WorkPlanDay],
        exceptions: Sequence[m.WorkException],
        full_day: tuple[dt.time, dt.time],
    ) -> WorkingTime:
        rows = {row.weekday: row for row in plan}
        days = []
        for weekday in Weekday:
            row = rows.get(weekday.value)
            if not plan:
                days.append(
                    PlanDay(
                        weekday=weekday, working=True, from_=full_day[0], to=full_day[1], breaks=[]
                    )
                )
            elif row is None or hours_of(row.starts_at, row.ends_at, row.breaks) is None:
                days.append(PlanDay(weekday=weekday, working=False, from_=None, to=None, breaks=[]))
            else:
                days.append(
                    PlanDay(
                        weekday=weekday,
                        working=True,
                        from_=row.starts_at,
                        to=row.ends_at,
                        breaks=_breaks(row.breaks),
                    )
                )
        return cls(
            id=gid(person.id),
            receptionist=Receptionist.from_model(person),
            planned=bool(plan),
            days=days,
            exceptions=[WorkException.from_model(row) for row in exceptions],
        )


@strawberry.type(description="What a change of working time did.")
class WorkingTimeChange:
    working_time: WorkingTime = strawberry.field(
        description="The receptionist's working time now (exceptions of the dates changed)."
    )
    changed_days: list[dt.date] = strawberry.field(
        description="Dates whose working time changed, from today to the end of the booking "
        "window for a weekly plan; their boards were restamped and live boards told."
    )
    cancelled_booking_ids: list[strawberry.ID] = strawberry.field(
        description="Bookings cancelled with the change (cancelBookings: true), each client "
        "emailed the reason."
    )

    @classmethod
    def of(cls, working_time: WorkingTime, change: Change) -> WorkingTimeChange:
        return cls(
            working_time=working_time,
            changed_days=change.days,
            cancelled_booking_ids=[gid(n) for n in change.cancelled],
        )


@strawberry.input(description="A break, shop time, on the slot grid.")
class BreakInput:
    from_: dt.time = strawberry.field(name="from", description="When the break starts.")
    to: dt.time = strawberry.field(description="When it ends, after `from`.")


@strawberry.input(description="Working hours, shop time, on the slot grid inside the shop day.")
class WorkHoursInput:
    from_: dt.time = strawberry.field(name="from", description="First working minute.")
    to: dt.time = strawberry.field(description="End of work, after `from`.")
    breaks: list[BreakInput] = strawberry.field(
        default_factory=list, description="Breaks inside the hours, not overlapping."
    )

    def to_domain(self) -> HoursEntry:
        return HoursEntry(self.from_, self.to, [(b.from_, b.to) for b in self.breaks])


@strawberry.input(description="One working weekday of a weekly plan.")
class PlanDayInput:
    weekday: Weekday = strawberry.field(description="The weekday; each at most once.")
    from_: dt.time = strawberry.field(name="from", description="First working minute.")
    to: dt.time = strawberry.field(description="End of work, after `from`.")
    breaks: list[BreakInput] = strawberry.field(
        default_factory=list, description="Breaks inside the hours, not overlapping."
    )


def plan_days(days: Sequence[PlanDayInput]) -> dict[int, HoursEntry | None]:
    """ISO weekday → hours, in the order given (so errors name `days[n]`)."""
    plan: dict[int, HoursEntry | None] = {}
    for n, day in enumerate(days):
        if day.weekday.value in plan:
            raise InvalidInput("Each weekday at most once", field=f"days[{n}].weekday")
        plan[day.weekday.value] = HoursEntry(
            day.from_, day.to, [(b.from_, b.to) for b in day.breaks]
        )
    return plan
