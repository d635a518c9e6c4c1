"""The shop's settings and the client's month calendar: public, read-only."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from repairbook.booking import month
from repairbook.booking import service as booking
from repairbook.db import read_only
from repairbook.schema.context import Info
from repairbook.schema.shop import CalendarDay, Shop


@strawberry.type
class ShopQuery:
    @strawberry.field(description="The shop's name, address, hours, slot length and window.")
    def shop(self, info: Info) -> Shop:
        c = info.context
        settings = c.settings
        calendar = booking.calendar_of(settings)
        now = c.now()
        return Shop(
            id=strawberry.ID("shop"),
            name=settings.shop_name,
            address=settings.shop_address,
            phone=settings.shop_phone,
            time_zone=settings.timezone,
            opens_at=f"{settings.day_opens_at:%H:%M}",
            closes_at=f"{settings.day_closes_at:%H:%M}",
            slot_minutes=settings.slot_minutes,
            booking_window_days=settings.booking_window_days,
            today=calendar.local_day(now),
            last_bookable_day=calendar.last_bookable_day(now),
        )

    @strawberry.field(
        description=(
            f"Per day from `from` to `to` (both included, at most {month.MAX_DAYS} days, else "
            "BAD_USER_INPUT on `to`): open or closed and why, free and total slots. Anyone "
            "may look; answered from the board stamps while nothing in the range changed."
        )
    )
    async def availability_calendar(
        self,
        info: Info,
        from_: Annotated[
            date, strawberry.argument(name="from", description="First day, shop time.")
        ],
        to: Annotated[date, strawberry.argument(description="Last day, included.")],
    ) -> list[CalendarDay]:
        c = info.context
        async with read_only(c.database) as db:
            days = await month.calendar_days(
                db, from_, to, calendar=booking.calendar_of(c.settings), now=c.now()
            )
        return [CalendarDay.from_domain(day) for day in days]
