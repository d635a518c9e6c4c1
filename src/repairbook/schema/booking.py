"""GraphQL types for bookings and the day board."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, TypeVar

import strawberry

from repairbook.booking import availability
from repairbook.booking.pricing import PriceLine as PriceLineValue
from repairbook.booking.service import BookingRequest, DayBoard
from repairbook.config import Settings
from repairbook.errors import InvalidInput, NotFound
from repairbook.models import booking as m
from repairbook.schema.cars import Car, PriceLine
from repairbook.schema.catalog import CarModel, Receptionist, RepairType, gid
from repairbook.schema.context import Context
from repairbook.schema.ids import parse_id

if TYPE_CHECKING:
    from repairbook.schema.accounts import User

T = TypeVar("T")
SlotState = strawberry.enum(availability.SlotState, name="SlotState")
BookingStatus = strawberry.enum(m.BookingStatus, name="BookingStatus")


@strawberry.type
class Booking:
    id: strawberry.ID
    starts_at: datetime
    ends_at: datetime
    status: BookingStatus  # type: ignore[valid-type]
    receptionist: Receptionist
    car: Car
    client: Annotated[User, strawberry.lazy("repairbook.schema.accounts")]
    repair_type: RepairType
    price: Decimal = strawberry.field(description="Total in RUB, fixed when booked.")
    price_lines: list[PriceLine]
    created_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str | None


async def present(context: Context, rows: Sequence[m.Booking]) -> list[Booking]:
    """Bookings with everything they refer to, fetched in one batch per kind.

    Resolving these per booking (an async field each) costs far more on a full day board
    than four batched queries up front.
    """
    from repairbook.schema.accounts import User

    loaders, url = context.loaders, context.settings.public_url
    receptionist_rows, car_rows, client_rows, repair_rows = await asyncio.gather(
        loaders.receptionists.load_many([row.receptionist_id for row in rows]),
        loaders.cars.load_many([row.car_id for row in rows]),
        loaders.users.load_many([row.client_id for row in rows]),
        loaders.repair_types.load_many([row.repair_type_id for row in rows]),
    )
    # A day's bookings share a few receptionists, models and repair types: convert each once.
    receptionists = {r.id: Receptionist.from_model(r) for r in filter(None, receptionist_rows)}
    repairs = {r.id: RepairType.from_model(r) for r in filter(None, repair_rows)}
    models = {c.car_model_id: CarModel.from_model(c.model, url) for c in filter(None, car_rows)}
    cars = {
        c.id: Car.from_model(c, url, model=models[c.car_model_id]) for c in filter(None, car_rows)
    }
    clients = {c.id: User.from_model(c) for c in filter(None, client_rows)}
    return [
        Booking(
            id=gid(row.id),
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            status=row.status,
            receptionist=_exists(receptionists.get(row.receptionist_id)),
            car=_exists(cars.get(row.car_id)),
            client=_exists(clients.get(row.client_id)),
            repair_type=_exists(repairs.get(row.repair_type_id)),
            price=row.price_total,
            price_lines=[PriceLine.from_line(PriceLineValue.from_json(x)) for x in row.price_lines],
            created_at=row.created_at,
            cancelled_at=row.cancelled_at,
            cancel_reason=row.cancel_reason,
        )
        for row in rows
    ]


def _exists(row: T | None) -> T:
    if row is None:
        raise NotFound("A record this booking refers to is gone")
    return row


@strawberry.type
class Slot:
    starts_at: datetime
    ends_at: datetime
    receptionist: Receptionist
    state: SlotState  # type: ignore[valid-type]
    bookable: bool = strawberry.field(description="FREE or CANCELLED: can be booked now.")
    booking: Booking | None = strawberry.field(
        description="Your own booking here, or any booking for staff; otherwise null."
    )


@strawberry.type
class DaySchedule:
    date: date
    slot_minutes: int
    receptionists: list[Receptionist]
    slots: list[Slot]

    @classmethod
    def from_board(cls, board: DayBoard, details: list[Booking], settings: Settings) -> DaySchedule:
        bookings = {int(b.id): b for b in details}
        receptionists = {r.id: Receptionist.from_model(r) for r in board.receptionists}
        return cls(
            date=board.day,
            slot_minutes=settings.slot_minutes,
            receptionists=list(receptionists.values()),
            slots=[
                Slot(
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    receptionist=receptionists[slot.receptionist_id],
                    state=slot.state,
                    bookable=slot.bookable,
                    booking=bookings.get(slot.booking_id) if slot.booking_id else None,
                )
                for slot in board.slots
            ],
        )


@strawberry.input
class BookSlotInput:
    receptionist_id: strawberry.ID
    starts_at: datetime = strawberry.field(description="A slot start, with offset.")
    car_id: strawberry.ID
    repair_type_id: strawberry.ID
    quote_id: strawberry.ID | None = strawberry.field(
        default=None, description="Keep the price of this quote (valid 24 hours)."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key returns the first booking."
    )

    def to_request(self) -> BookingRequest:
        return BookingRequest(
            receptionist_id=parse_id(self.receptionist_id, "receptionistId"),
            starts_at=self.starts_at,
            car_id=parse_id(self.car_id, "carId"),
            repair_type_id=parse_id(self.repair_type_id, "repairTypeId"),
            quote_id=_uuid(self.quote_id) if self.quote_id is not None else None,
            idempotency_key=self.idempotency_key,
        )


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise InvalidInput("Not a quote id", field="quoteId") from None
