"""GraphQL types for bookings, a day's schedule, and prices (estimates and quotes)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, TypeVar

import strawberry

from repairbook.booking import availability, pricing
from repairbook.booking import service as booking_service
from repairbook.booking.service import BookingRequest
from repairbook.db import Page, read_only
from repairbook.errors import InvalidInput, NotFound
from repairbook.models import booking as m
from repairbook.schema.cars import Car
from repairbook.schema.catalog import CarModel, Receptionist, RepairType, gid
from repairbook.schema.context import Context
from repairbook.schema.ids import parse_id
from repairbook.schema.loaders import Loaders
from repairbook.schema.pagination import Connection, decode_position, page_size

if TYPE_CHECKING:
    from repairbook.schema.accounts import User

T = TypeVar("T")
SlotState = strawberry.enum(availability.SlotState, name="SlotState")
BookingStatus = strawberry.enum(m.BookingStatus, name="BookingStatus")
PriceLineKind = strawberry.enum(pricing.LineKind, name="PriceLineKind")


def slot_id(receptionist_id: int, starts_at: datetime) -> strawberry.ID:
    """`<receptionistId>@<start in UTC>`, e.g. `3@2026-12-01T07:00:00Z`: the same slot has the
    same id on every board, in every event and across days' DST changes."""
    return strawberry.ID(f"{receptionist_id}@{starts_at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}")


@strawberry.type(
    description=(
        "One line of a price: labor, a part or the oil. Amounts in RUB, rounded half-up to 0.01."
    )
)
class PriceLine:
    id: strawberry.ID = strawberry.field(
        description=(
            "`<owner>:<n>`, n counting lines from 1; the owner is `booking:<bookingId>`, "
            "`quote:<quoteId>` or `estimate:<carId>:<repairTypeId>`."
        )
    )
    kind: PriceLineKind  # type: ignore[valid-type]
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal

    @classmethod
    def from_line(cls, line: pricing.PriceLine, owner: str, number: int) -> PriceLine:
        return cls(
            id=strawberry.ID(f"{owner}:{number}"),
            kind=line.kind,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.amount,
        )

    @classmethod
    def from_stored(cls, lines: Sequence[dict[str, str]], owner: str) -> list[PriceLine]:
        return [
            cls.from_line(pricing.PriceLine.from_json(line), owner, n)
            for n, line in enumerate(lines, 1)
        ]


@strawberry.type(description="A price in RUB, line by line.")
class Estimate:
    id: strawberry.ID = strawberry.field(
        description="`estimate:<carId>:<repairTypeId>`: today's price of that repair for that car."
    )
    lines: list[PriceLine]
    total: Decimal

    @classmethod
    def from_estimate(
        cls, estimate: pricing.Estimate, car_id: int, repair_type_id: int
    ) -> Estimate:
        owner = f"estimate:{car_id}:{repair_type_id}"
        return cls(
            id=strawberry.ID(owner),
            lines=[PriceLine.from_line(x, owner, n) for n, x in enumerate(estimate.lines, 1)],
            total=estimate.total,
        )


@strawberry.type(description="A repair type that applies to a car, priced for that car.")
class RepairOption:
    id: strawberry.ID = strawberry.field(description="`<carId>:<repairTypeId>`.")
    repair_type: RepairType
    estimate: Estimate

    @classmethod
    def of(cls, car_id: int, repair: RepairType, estimate: pricing.Estimate) -> RepairOption:
        repair_type_id = int(repair.id)
        return cls(
            id=strawberry.ID(f"{car_id}:{repair_type_id}"),
            repair_type=repair,
            estimate=Estimate.from_estimate(estimate, car_id, repair_type_id),
        )


@strawberry.type(description="A price held for a car and a repair type until validUntil.")
class Quote:
    id: strawberry.ID
    car_id: strawberry.ID
    repair_type_id: strawberry.ID
    lines: list[PriceLine]
    total: Decimal
    valid_until: datetime

    @classmethod
    def from_model(cls, row: m.Quote) -> Quote:
        return cls(
            id=strawberry.ID(str(row.id)),
            car_id=gid(row.car_id),
            repair_type_id=gid(row.repair_type_id),
            lines=PriceLine.from_stored(row.lines, f"quote:{row.id}"),
            total=row.total,
            valid_until=row.valid_until,
        )


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

    @classmethod
    async def from_rows(cls, loaders: Loaders, rows: Sequence[m.Booking]) -> list[Booking]:
        """Bookings with everything they refer to, fetched in one batch per kind.

        Resolving these per booking (an async field each) costs far more on a full day's
        schedule than four batched queries up front.
        """
        from repairbook.schema.accounts import User

        receptionist_rows, car_rows, client_rows, repair_rows = await asyncio.gather(
            loaders.receptionists.load_many([row.receptionist_id for row in rows]),
            loaders.cars.load_many([row.car_id for row in rows]),
            loaders.users.load_many([row.client_id for row in rows]),
            loaders.repair_types.load_many([row.repair_type_id for row in rows]),
        )
        # A day's bookings share a few receptionists, models and repair types: convert once.
        receptionists = {r.id: Receptionist.from_model(r) for r in filter(None, receptionist_rows)}
        repairs = {r.id: RepairType.from_model(r) for r in filter(None, repair_rows)}
        models = {c.car_model_id: CarModel.from_model(c.model) for c in filter(None, car_rows)}
        cars = {
            c.id: Car.from_model(c, model=models[c.car_model_id]) for c in filter(None, car_rows)
        }
        clients = {c.id: User.from_model(c) for c in filter(None, client_rows)}
        return [
            cls(
                id=gid(row.id),
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                status=row.status,
                receptionist=_exists(receptionists.get(row.receptionist_id)),
                car=_exists(cars.get(row.car_id)),
                client=_exists(clients.get(row.client_id)),
                repair_type=_exists(repairs.get(row.repair_type_id)),
                price=row.price_total,
                price_lines=PriceLine.from_stored(row.price_lines, f"booking:{row.id}"),
                created_at=row.created_at,
                cancelled_at=row.cancelled_at,
                cancel_reason=row.cancel_reason,
            )
            for row in rows
        ]

    @classmethod
    async def from_row(cls, loaders: Loaders, row: m.Booking) -> Booking:
        return (await cls.from_rows(loaders, [row]))[0]


def _exists(row: T | None) -> T:
    if row is None:
        raise NotFound("A record this booking refers to is gone")
    return row


@strawberry.type
class Slot:
    id: strawberry.ID = strawberry.field(
        description=(
            "`<receptionistId>@<start in UTC>`, e.g. `3@2026-12-01T07:00:00Z`: stable, the same "
            "on the board and in slotChanged events, so a normalised cache updates itself."
        )
    )
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
    id: strawberry.ID = strawberry.field(description="The day, `YYYY-MM-DD`.")
    date: date
    slot_minutes: int
    receptionists: list[Receptionist]
    slots: list[Slot]

    @classmethod
    async def from_domain(
        cls, context: Context, schedule: booking_service.DaySchedule
    ) -> DaySchedule:
        details = {int(b.id): b for b in await Booking.from_rows(context.loaders, schedule.details)}
        receptionists = {r.id: Receptionist.from_model(r) for r in schedule.receptionists}
        return cls(
            id=strawberry.ID(schedule.day.isoformat()),
            date=schedule.day,
            slot_minutes=context.settings.slot_minutes,
            receptionists=list(receptionists.values()),
            slots=[
                Slot(
                    id=slot_id(slot.receptionist_id, slot.starts_at),
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    receptionist=receptionists[slot.receptionist_id],
                    state=slot.state,
                    bookable=slot.bookable,
                    booking=details.get(slot.booking_id) if slot.booking_id else None,
                )
                for slot in schedule.slots
            ],
        )


async def client_bookings_connection(
    c: Context, client_id: int, include_past: bool, first: int, after: str | None
) -> Connection[Booking]:
    since = None if include_past else c.now()
    async with read_only(c.database) as db:
        page = await booking_service.client_page(
            db, client_id, since=since, offset=decode_position(after), limit=page_size(first)
        )
    return await booking_connection(c, page)


async def booking_connection(c: Context, page: Page[m.Booking]) -> Connection[Booking]:
    nodes = await Booking.from_rows(c.loaders, page.items)
    return Connection.of_nodes(page.map(lambda _: nodes))


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

    def to_domain(self) -> BookingRequest:
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
