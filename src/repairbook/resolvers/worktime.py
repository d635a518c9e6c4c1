"""Receptionists' working time: read by staff, changed by staff."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.booking import plans, worktime
from repairbook.booking import service as booking
from repairbook.booking.plans import Change
from repairbook.catalog import service as catalog
from repairbook.db import read_only, unit_of_work
from repairbook.errors import InvalidInput, NotFound
from repairbook.schema.context import Context, Info
from repairbook.schema.ids import parse_id
from repairbook.schema.permissions import STAFF
from repairbook.schema.worktime import (
    PlanDayInput,
    WorkHoursInput,
    WorkingTime,
    WorkingTimeChange,
    plan_days,
)

SHOWN_DAYS = 62  # exceptions shown by default: from today on


async def _working_time(
    c: Context, db: AsyncSession, receptionist_id: int, start: date, end: date
) -> WorkingTime:
    person = await catalog.receptionist(db, receptionist_id)
    if person is None:
        raise NotFound("No such receptionist", field="receptionistId")
    plan = await worktime.plan_rows(db, receptionist_id)
    exceptions = await worktime.exception_rows(db, receptionist_id, start, end)
    settings = c.settings
    return WorkingTime.of(person, plan, exceptions, (settings.day_opens_at, settings.day_closes_at))


async def _changed(
    c: Context, db: AsyncSession, receptionist_id: int, change: Change, start: date, end: date
) -> WorkingTimeChange:
    return WorkingTimeChange.of(await _working_time(c, db, receptionist_id, start, end), change)


@strawberry.type
class WorkingTimeQuery:
    @strawberry.field(
        permission_classes=STAFF,
        description="A receptionist's weekly plan and the exceptions from `from` to `to` "
        "(default: today and the next 61 days; at most 366 days). Staff only "
        "(UNAUTHENTICATED, FORBIDDEN); NOT_FOUND for an unknown receptionist.",
    )
    async def working_time(
        self,
        info: Info,
        receptionist_id: Annotated[strawberry.ID, strawberry.argument(description="Whose.")],
        from_: Annotated[
            date | None, strawberry.argument(name="from", description="First date, shop time.")
        ] = None,
        to: Annotated[date | None, strawberry.argument(description="Last date, included.")] = None,
    ) -> WorkingTime:
        c = info.context
        today = booking.calendar_of(c.settings).local_day(c.now())
        start = from_ or today
        end = to or start + timedelta(days=SHOWN_DAYS - 1)
        if not 0 <= (end - start).days < plans.MAX_SPAN:
            raise InvalidInput(
                "`to` must be on or after `from`, at most 366 days in all", field="to"
            )
        async with read_only(c.database) as db:
            return await _working_time(
                c, db, parse_id(receptionist_id, "receptionistId"), start, end
            )


CANCEL = (
    "True: cancel the active bookings the change leaves outside working time (each client "
    "is emailed `reason`); false (default): refuse with BOOKINGS_IN_THE_WAY listing them "
    "in extensions.bookings."
)
REASON = "Why, for the cancelled bookings' emails (up to 500 characters)."


@strawberry.type
class WorkingTimeMutation:
    @strawberry.mutation(
        permission_classes=STAFF,
        description="Replace a receptionist's weekly plan: the weekdays listed are worked "
        "with those hours and breaks, the others are days off. Hours sit inside the shop day "
        "on its slot grid; breaks inside the hours, apart (BAD_USER_INPUT names the field, "
        "e.g. `days[1].breaks[0].from`). Staff only; NOT_FOUND for an unknown receptionist; "
        "BOOKINGS_IN_THE_WAY when active bookings would fall outside the new plan.",
    )
    async def set_work_plan(
        self,
        info: Info,
        receptionist_id: Annotated[strawberry.ID, strawberry.argument(description="Whose plan.")],
        days: Annotated[
            list[PlanDayInput], strawberry.argument(description="The working weekdays.")
        ],
        cancel_bookings: Annotated[bool, strawberry.argument(description=CANCEL)] = False,
        reason: Annotated[str | None, strawberry.argument(description=REASON)] = None,
    ) -> WorkingTimeChange:
        c = info.context
        viewer = c.require_user()
        calendar = booking.calendar_of(c.settings)
        person = parse_id(receptionist_id, "receptionistId")
        wanted = plan_days(days)
        now = c.now()
        async with unit_of_work(c.database) as db:
            change = await plans.set_plan(
                db,
                viewer,
                person,
                wanted,
                cancel_bookings=cancel_bookings,
                reason=reason,
                calendar=calendar,
                now=now,
            )
            today = calendar.local_day(now)
            return await _changed(c, db, person, change, today, today + timedelta(SHOWN_DAYS - 1))

    @strawberry.mutation(
        permission_classes=STAFF,
        description="From `from` to `to` (at most 366 days), a receptionist is off "
        "(`hours` null: a day off, a holiday) or works `hours` instead of the plan (other "
        "hours, an extra working day). Replaces the exceptions on those dates. Errors as "
        "setWorkPlan (fields `hours.from`, `hours.breaks[0].to`, …).",
    )
    async def set_work_exception(
        self,
        info: Info,
        receptionist_id: Annotated[strawberry.ID, strawberry.argument(description="Whose.")],
        from_: Annotated[date, strawberry.argument(name="from", description="First date.")],
        to: Annotated[date, strawberry.argument(description="Last date, included.")],
        hours: Annotated[
            WorkHoursInput | None,
            strawberry.argument(description="The hours worked those days; null: days off."),
        ] = None,
        note: Annotated[
            str | None, strawberry.argument(description="For staff, up to 200 characters.")
        ] = None,
        cancel_bookings: Annotated[bool, strawberry.argument(description=CANCEL)] = False,
        reason: Annotated[str | None, strawberry.argument(description=REASON)] = None,
    ) -> WorkingTimeChange:
        c = info.context
        viewer = c.require_user()
        person = parse_id(receptionist_id, "receptionistId")
        async with unit_of_work(c.database) as db:
            change = await plans.set_exception(
                db,
                viewer,
                person,
                from_,
                to,
                hours.to_domain() if hours else None,
                note,
                cancel_bookings=cancel_bookings,
                reason=reason,
                calendar=booking.calendar_of(c.settings),
                now=c.now(),
            )
            return await _changed(c, db, person, change, from_, to)

    @strawberry.mutation(
        permission_classes=STAFF,
        description="Remove a receptionist's exceptions from `from` to `to` (at most 366 "
        "days): the weekly plan holds there again. Errors as setWorkPlan.",
    )
    async def clear_work_exceptions(
        self,
        info: Info,
        receptionist_id: Annotated[strawberry.ID, strawberry.argument(description="Whose.")],
        from_: Annotated[date, strawberry.argument(name="from", description="First date.")],
        to: Annotated[date, strawberry.argument(description="Last date, included.")],
        cancel_bookings: Annotated[bool, strawberry.argument(description=CANCEL)] = False,
        reason: Annotated[str | None, strawberry.argument(description=REASON)] = None,
    ) -> WorkingTimeChange:
        c = info.context
        viewer = c.require_user()
        person = parse_id(receptionist_id, "receptionistId")
        async with unit_of_work(c.database) as db:
            change = await plans.clear_exceptions(
                db,
                viewer,
                person,
                from_,
                to,
                cancel_bookings=cancel_bookings,
                reason=reason,
                calendar=booking.calendar_of(c.settings),
                now=c.now(),
            )
            return await _changed(c, db, person, change, from_, to)
