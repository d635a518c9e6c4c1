"""GraphQL types for the shop itself and the client's month calendar."""

from __future__ import annotations

from datetime import date

import strawberry

from repairbook.booking.availability import TimeRule
from repairbook.booking.month import DaySummary

DayClosedReason = strawberry.enum(
    TimeRule,
    name="DayClosedReason",
    description="Why a day (or a slot) cannot be booked, whoever asks.",
)


@strawberry.type(
    description=(
        "The shop: everything a date picker needs instead of hard-coding it. Set by "
        "REPAIRBOOK_* settings; anyone may read it."
    )
)
class Shop:
    id: strawberry.ID = strawberry.field(description="Always `shop`: there is one.")
    name: str = strawberry.field(description="The shop's name, as emails sign it.")
    address: str = strawberry.field(description="Where visits take place.")
    phone: str = strawberry.field(description="The number for changes by phone.")
    time_zone: str = strawberry.field(
        description="IANA time zone of every slot and date, e.g. `Europe/Moscow`."
    )
    opens_at: str = strawberry.field(description="Start of the first slot, `HH:MM` shop time.")
    closes_at: str = strawberry.field(description="End of the last slot, `HH:MM` shop time.")
    slot_minutes: int = strawberry.field(description="Length of one slot, in minutes (5–240).")
    booking_window_days: int = strawberry.field(
        description="Bookings may be made from now up to this many days after today."
    )
    today: date = strawberry.field(description="Today's date in the shop's time zone.")
    last_bookable_day: date = strawberry.field(
        description="The last day bookings may be made for: today + bookingWindowDays."
    )


@strawberry.type(description="One day of the month calendar: can it be booked, and how full.")
class CalendarDay:
    id: strawberry.ID = strawberry.field(description="The day, `YYYY-MM-DD`.")
    date: date = strawberry.field(description="The day, shop time.")
    open: bool = strawberry.field(
        description="True when some slot of the day may still be booked or already is: "
        "not past, not closed, inside the booking window."
    )
    closed_reason: DayClosedReason | None = strawberry.field(  # type: ignore[valid-type]
        description="Why the day is closed (null when open): PAST once its last slot has "
        "started, CLOSED_DAY for a holiday or other closed date, BEYOND_WINDOW past the "
        "booking window."
    )
    free_slots: int = strawberry.field(
        description="Slots that can be booked now (FREE or CANCELLED on the day's board)."
    )
    total_slots: int = strawberry.field(
        description="Every active receptionist's slots that day, whatever their state."
    )

    @classmethod
    def from_domain(cls, summary: DaySummary) -> CalendarDay:
        return cls(
            id=strawberry.ID(summary.day.isoformat()),
            date=summary.day,
            open=summary.closed_reason is None,
            closed_reason=summary.closed_reason,
            free_slots=summary.free_slots,
            total_slots=summary.total_slots,
        )
