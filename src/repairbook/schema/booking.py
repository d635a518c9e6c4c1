"""GraphQL types for bookings and the day board."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, TypeVar

import strawberry

from repairbook.booking import availability
from repairbook.booking.pricing import PriceLine as PriceLineValue
from repairbook.booking.service import BookingRequest
from repairbook.errors import InvalidInput, NotFound
from repairbook.models import booking as m
from repairbook.schema.cars import Car, PriceLine
from repairbook.schema.catalog import Receptionist, RepairType, gid
from repairbook.schema.context import Info
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
    price: Decimal = strawberry.field(description="Total in RUB, fixed when booked.")
    price_lines: list[PriceLine]
    created_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str | None
    receptionist_id: strawberry.Private[int]
    car_id: strawberry.Private[int]
    client_id: strawberry.Private[int]
    repair_type_id: strawberry.Private[int]

    @strawberry.field
    async def receptionist(self, info: Info) -> Receptionist:
        row = await info.context.loaders.receptionists.load(self.receptionist_id)
        return Receptionist.from_model(_exists(row))

    @strawberry.field
    async def car(self, info: Info) -> Car:
        row = await info.context.loaders.cars.load(self.car_id)
        return Car.from_model(_exists(row), info.context.settings.public_url)

    @strawberry.field
    async def client(
        self, info: Info
    ) -> Annotated[User, strawberry.lazy("repairbook.schema.accounts")]:
        from repairbook.schema.accounts import User

        return User.from_model(_exists(await info.context.loaders.users.load(self.client_id)))

    @strawberry.field
    async def repair_type(self, info: Info) -> RepairType:
        row = await info.context.loaders.repair_types.load(self.repair_type_id)
        return RepairType.from_model(_exists(row))

    @classmethod
    def from_model(cls, row: m.Booking) -> Booking:
        return cls(
            id=gid(row.id),
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            status=row.status,
            price=row.price_total,
            price_lines=[PriceLine.from_line(PriceLineValue.from_json(x)) for x in row.price_lines],
            created_at=row.created_at,
            cancelled_at=row.cancelled_at,
            cancel_reason=row.cancel_reason,
            receptionist_id=row.receptionist_id,
            car_id=row.car_id,
            client_id=row.client_id,
            repair_type_id=row.repair_type_id,
        )


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
    booking_id: strawberry.Private[int | None]
    visible: strawberry.Private[bool]

    @strawberry.field(description="Details for your own booking here, or any for staff.")
    async def booking(self, info: Info) -> Booking | None:
        if self.booking_id is None or not self.visible:
            return None
        row = await info.context.loaders.bookings.load(self.booking_id)
        return Booking.from_model(row) if row else None


@strawberry.type
class DaySchedule:
    date: date
    slot_minutes: int
    receptionists: list[Receptionist]
    slots: list[Slot]


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
