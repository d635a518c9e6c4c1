"""The day board, booking, cancelling, moving, and booking look-ups."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from repairbook.booking import service as booking
from repairbook.clock import utcnow
from repairbook.db import read_only, unit_of_work
from repairbook.schema.booking import Booking, BookSlotInput, DaySchedule, present
from repairbook.schema.context import Info
from repairbook.schema.ids import parse_id
from repairbook.schema.loaders import ClientBookings
from repairbook.schema.permissions import SIGNED_IN, STAFF

MAX_BOOKINGS = 2000


@strawberry.type
class BookingQuery:
    @strawberry.field(
        description="Every receptionist's slots on a day, with states; anyone may look."
    )
    async def availability(self, info: Info, date: date) -> DaySchedule:
        context = info.context
        calendar = booking.calendar_of(context.settings)
        async with read_only(context.sessions) as db:
            board = await booking.day_board(db, date, calendar=calendar, now=utcnow())
            # Details only of bookings on the board that this caller may see: none for
            # anonymous callers, their own for clients, all for staff.
            shown = {slot.booking_id for slot in board.slots if slot.booking_id is not None}
            visible = [i for i in shown if booking.may_see(context.viewer, board.client_of[i])]
            rows = await booking.many(db, visible) if visible else []
        return DaySchedule.from_board(board, await present(context, rows), context.settings)

    @strawberry.field(
        permission_classes=SIGNED_IN,
        description="Your bookings: upcoming (soonest first), or with the past (latest first).",
    )
    async def my_bookings(self, info: Info, include_past: bool = False) -> list[Booking]:
        viewer = info.context.require_user()
        rows = await info.context.loaders.bookings_of.load(ClientBookings(viewer.id, include_past))
        return await present(info.context, rows)

    @strawberry.field(permission_classes=SIGNED_IN, description="Your booking, or any for staff.")
    async def booking(self, info: Info, id: strawberry.ID) -> Booking:
        viewer = info.context.require_user()
        async with read_only(info.context.sessions) as db:
            row = await booking.visible(db, viewer, parse_id(id, "id"))
        return (await present(info.context, [row]))[0]

    @strawberry.field(
        permission_classes=STAFF,
        description="Bookings between two dates (at most 31 days), active and cancelled.",
    )
    async def bookings(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        receptionist_id: strawberry.ID | None = None,
    ) -> list[Booking]:
        receptionist = parse_id(receptionist_id, "receptionistId") if receptionist_id else None
        async with read_only(info.context.sessions) as db:
            rows = await booking.in_range(db, from_, to, receptionist, limit=MAX_BOOKINGS)
        return await present(info.context, rows)


@strawberry.type
class BookingMutation:
    @strawberry.mutation(
        permission_classes=SIGNED_IN,
        description="Book a free slot for a car; staff may book any client's car.",
    )
    async def book_slot(self, info: Info, input: BookSlotInput) -> Booking:
        viewer = info.context.require_user()
        calendar = booking.calendar_of(info.context.settings)
        async with unit_of_work(info.context.sessions) as db:
            row = await booking.book(
                db, viewer, input.to_request(), calendar=calendar, now=utcnow()
            )
        return (await present(info.context, [row]))[0]

    @strawberry.mutation(
        permission_classes=SIGNED_IN,
        description="Cancel a future booking: your own, or any for staff (with a reason).",
    )
    async def cancel_booking(
        self, info: Info, id: strawberry.ID, reason: str | None = None
    ) -> Booking:
        viewer = info.context.require_user()
        async with unit_of_work(info.context.sessions) as db:
            row = await booking.cancel(db, viewer, parse_id(id, "id"), reason, now=utcnow())
        return (await present(info.context, [row]))[0]

    @strawberry.mutation(
        permission_classes=SIGNED_IN,
        description="Move a future booking to another free slot, atomically.",
    )
    async def reschedule_booking(
        self, info: Info, id: strawberry.ID, receptionist_id: strawberry.ID, starts_at: datetime
    ) -> Booking:
        viewer = info.context.require_user()
        calendar = booking.calendar_of(info.context.settings)
        async with unit_of_work(info.context.sessions) as db:
            row = await booking.reschedule(
                db,
                viewer,
                parse_id(id, "id"),
                parse_id(receptionist_id, "receptionistId"),
                starts_at,
                calendar=calendar,
                now=utcnow(),
            )
        return (await present(info.context, [row]))[0]
