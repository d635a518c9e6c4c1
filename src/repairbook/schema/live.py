"""GraphQL types for the live board: one changed slot at a time."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from repairbook.live.hub import BookingUpdate, SlotUpdate
from repairbook.live.signals import Change
from repairbook.schema.booking import Booking, Slot, slot_id
from repairbook.schema.catalog import Receptionist
from repairbook.schema.loaders import Loaders

SlotChangeKind = strawberry.enum(Change, name="SlotChangeKind")


@strawberry.enum(description="What happened to one of your bookings.")
class BookingChangeKind(Enum):
    BOOKED = strawberry.enum_value("BOOKED", description="It was made (by you or by staff).")
    CANCELLED = strawberry.enum_value(
        "CANCELLED", description="It was cancelled (by you or by staff, see cancelReason)."
    )
    MOVED = strawberry.enum_value(
        "MOVED", description="It was moved to another slot: startsAt and receptionist are new."
    )


_BOOKING_CHANGES = {
    Change.BOOKED: BookingChangeKind.BOOKED,
    Change.CANCELLED: BookingChangeKind.CANCELLED,
    Change.MOVED_HERE: BookingChangeKind.MOVED,
}


@strawberry.type(description="One of your bookings as it is now, what happened to it, and when.")
class BookingChange:
    booking: Booking = strawberry.field(description="The booking after the change.")
    change: BookingChangeKind = strawberry.field(description="What happened.")
    at: datetime = strawberry.field(description="When the change was committed.")

    @classmethod
    async def of(cls, update: BookingUpdate, loaders: Loaders) -> BookingChange:
        return cls(
            booking=await Booking.from_row(loaders, update.booking),
            change=_BOOKING_CHANGES[update.change],
            at=update.at,
        )


@strawberry.type(description="A slot as the board shows it now, what happened to it, and when.")
class SlotChange:
    slot: Slot
    change: SlotChangeKind  # type: ignore[valid-type]
    at: datetime = strawberry.field(description="When the change was committed.")
    # Results per (document, variables), shared by every subscriber given this very object.
    rendered: strawberry.Private[dict[Any, Any]] = dataclasses.field(default_factory=dict)


async def render(
    update: SlotUpdate, *, detailed: bool, new_loaders: Callable[[], Loaders]
) -> SlotChange:
    """The update as one kind of viewer sees it: built once per update for all subscribers
    who see the same thing (with the booking's details, or states only)."""
    key = detailed and update.booking is not None
    view: asyncio.Future[SlotChange] | None = update.views.get(key)
    if view is None:
        view = asyncio.ensure_future(_build(update, key, new_loaders))
        update.views[key] = view
    # Shielded: a subscriber that goes away must not cancel the others' rendering.
    return await asyncio.shield(view)


async def _build(
    update: SlotUpdate, detailed: bool, new_loaders: Callable[[], Loaders]
) -> SlotChange:
    slot = update.slot
    booking = None
    if detailed and update.booking is not None:
        booking = await Booking.from_row(new_loaders(), update.booking)
    return SlotChange(
        slot=Slot(
            id=slot_id(slot.receptionist_id, slot.starts_at),
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            receptionist=Receptionist.from_model(update.receptionist),
            state=slot.state,
            bookable=slot.bookable,
            booking=booking,
        ),
        change=update.change,
        at=update.at,
    )
