"""Prices, a day's schedule, booking, cancelling, moving, and booking look-ups."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

import strawberry

from repairbook.booking import estimates
from repairbook.booking import service as booking
from repairbook.db import read_only, unit_of_work
from repairbook.schema.booking import (
    Booking,
    BookSlotInput,
    DaySchedule,
    Quote,
    RepairOption,
    booking_connection,
    client_bookings_connection,
)
from repairbook.schema.catalog import RepairType
from repairbook.schema.context import Info
from repairbook.schema.ids import parse_id
from repairbook.schema.loaders import ClientBookings
from repairbook.schema.pagination import Connection, decode_position, page_size
from repairbook.schema.permissions import SIGNED_IN, STAFF
from repairbook.schema.selection import selects

MAX_BOOKINGS = 2000


@strawberry.type
class BookingQuery:
    @strawberry.field(
        permission_classes=SIGNED_IN,
        description="Every repair type that applies to the car's model, priced for this car.",
    )
    async def repair_options(self, info: Info, car_id: strawberry.ID) -> list[RepairOption]:
        viewer = info.context.require_user()
        async with read_only(info.context.database) as db:
            car = parse_id(car_id, "carId")
            options = await estimates.repair_options(db, viewer, car)
        return [RepairOption.of(car, RepairType.from_model(r), e) for r, e in options]

    @strawberry.field(
        description="Every receptionist's slots on a day, with states; anyone may look."
    )
    async def availability(self, info: Info, date: date) -> DaySchedule:
        c = info.context
        calendar = booking.calendar_of(c.settings)
        async with read_only(c.database) as db:
            schedule = await booking.day_schedule(
                db,
                date,
                c.viewer,
                calendar=calendar,
                now=c.now(),
                with_details=selects(info.selected_fields, "availability", "slots", "booking"),
            )
        return await DaySchedule.from_domain(c, schedule)

    @strawberry.field(
        permission_classes=SIGNED_IN,
        description="Your bookings: upcoming (soonest first), or with the past (latest first).",
    )
    async def my_bookings(self, info: Info, include_past: bool = False) -> list[Booking]:
        viewer = info.context.require_user()
        rows = await info.context.loaders.bookings_of.load(ClientBookings(viewer.id, include_past))
        return await Booking.from_rows(info.context.loaders, rows)

    @strawberry.field(
        permission_classes=SIGNED_IN,
        description=(
            "Your bookings a page at a time, in myBookings' order (upcoming soonest first; "
            "with `includePast`, every one latest first), with totalCount. Signed-in only."
        ),
    )
    async def my_bookings_connection(
        self, info: Info, include_past: bool = False, first: int = 20, after: str | None = None
    ) -> Connection[Booking]:
        c = info.context
        viewer = c.require_user()
        return await client_bookings_connection(c, viewer.id, include_past, first, after)

    @strawberry.field(permission_classes=SIGNED_IN, description="Your booking, or any for staff.")
    async def booking(self, info: Info, id: strawberry.ID) -> Booking:
        viewer = info.context.require_user()
        async with read_only(info.context.database) as db:
            row = await booking.visible(db, viewer, parse_id(id, "id"))
        return await Booking.from_row(info.context.loaders, row)

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
        async with read_only(info.context.database) as db:
            rows = await booking.in_range(db, from_, to, receptionist, limit=MAX_BOOKINGS)
        return await Booking.from_rows(info.context.loaders, rows)

    @strawberry.field(
        permission_classes=STAFF,
        description=(
            "Bookings between two dates (at most 31 days apart), active and cancelled, in "
            "start order, a page at a time with totalCount: `bookings` without its cut."
        ),
    )
    async def bookings_connection(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        receptionist_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Booking]:
        receptionist = parse_id(receptionist_id, "receptionistId") if receptionist_id else None
        async with read_only(info.context.database) as db:
            page = await booking.range_page(
                db,
                from_,
                to,
                receptionist,
                offset=decode_position(after),
                limit=page_size(first),
            )
        return await booking_connection(info.context, page)


@strawberry.type
class BookingMutation:
    @strawberry.mutation(
        permission_classes=SIGNED_IN,
        description="Hold today's price for this car and repair type (24 hours by default).",
    )
    async def request_quote(
        self, info: Info, car_id: strawberry.ID, repair_type_id: strawberry.ID
    ) -> Quote:
        c = info.context
        viewer = c.require_user()
        async with unit_of_work(c.database) as db:
            quote = await estimates.request_quote(
                db,
                viewer,
                parse_id(car_id, "carId"),
                parse_id(repair_type_id, "repairTypeId"),
                valid_for=timedelta(hours=c.settings.quote_valid_hours),
                now=c.now(),
            )
        return Quote.from_model(quote)

    @strawberry.mutation(
        permission_classes=SIGNED_IN,
        description="Book a free slot for a car; staff may book any client's car.",
    )
    async def book_slot(self, info: Info, input: BookSlotInput) -> Booking:
        c = info.context
        viewer = c.require_user()
        calendar = booking.calendar_of(c.settings)
        async with unit_of_work(c.database) as db:
            row = await booking.book(db, viewer, input.to_domain(), calendar=calendar, now=c.now())
        return await Booking.from_row(c.loaders, row)

    @strawberry.mutation(
        permission_classes=SIGNED_IN,
        description="Cancel a future booking: your own, or any for staff (with a reason).",
    )
    async def cancel_booking(
        self, info: Info, id: strawberry.ID, reason: str | None = None
    ) -> Booking:
        c = info.context
        viewer = c.require_user()
        async with unit_of_work(c.database) as db:
            row = await booking.cancel(db, viewer, parse_id(id, "id"), reason, now=c.now())
        return await Booking.from_row(c.loaders, row)

    @strawberry.mutation(
        permission_classes=SIGNED_IN,
        description="Move a future booking to another free slot, atomically.",
    )
    async def reschedule_booking(
        self, info: Info, id: strawberry.ID, receptionist_id: strawberry.ID, starts_at: datetime
    ) -> Booking:
        c = info.context
        viewer = c.require_user()
        async with unit_of_work(c.database) as db:
            row = await booking.reschedule(
                db,
                viewer,
                parse_id(id, "id"),
                parse_id(receptionist_id, "receptionistId"),
                starts_at,
                calendar=booking.calendar_of(c.settings),
                now=c.now(),
            )
        return await Booking.from_row(c.loaders, row)
