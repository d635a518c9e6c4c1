"""What a repair will cost for a given car: the options next to each choice, and quotes
that hold a price for a while (a booking that names one keeps its price)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.booking import pricing
from repairbook.booking import repository as bookings
from repairbook.cars import service as cars
from repairbook.catalog import service as catalog
from repairbook.errors import NotFound, QuoteExpired, RepairTypeNotApplicable
from repairbook.models.accounts import User
from repairbook.models.booking import Quote
from repairbook.models.cars import Car
from repairbook.models.catalog import RepairType


def applies(repair: RepairType, car: Car) -> bool:
    return repair.active and repair.car_model_id in (None, car.car_model_id)


def estimate_for(car: Car, repair: RepairType) -> pricing.Estimate:
    engine = car.model.engine
    oil = None
    if repair.includes_oil_change:
        oil = pricing.OilChange(
            f"{engine.oil.brand} {engine.oil.viscosity}",
            engine.oil_volume_l,
            engine.oil.price_per_litre,
        )
    return pricing.estimate(
        labor_name=f"{repair.name}: {repair.labor_rate.name}",
        labor_hours=repair.labor_hours,
        rate_per_hour=repair.labor_rate.price_per_hour,
        coefficient=car.model.price_coefficient,
        parts=[
            pricing.Part(part.consumable.name, part.consumable.price, part.quantity)
            for part in repair.parts
        ],
        oil=oil,
    )


async def repair_options(
    db: AsyncSession, viewer: User, car_id: int
) -> list[tuple[RepairType, pricing.Estimate]]:
    """Every active repair type for the car's model, priced: a fixed number of queries."""
    car = await cars.visible(db, viewer, car_id)
    repairs = await catalog.active_repair_types_for(db, car.car_model_id)
    return [(repair, estimate_for(car, repair)) for repair in repairs]


async def applicable_repair(db: AsyncSession, car: Car, repair_type_id: int) -> RepairType:
    repair = await catalog.repair_type(db, repair_type_id)
    if repair is None:
        raise NotFound("No such repair type", field="repairTypeId")
    if not applies(repair, car):
        raise RepairTypeNotApplicable(
            f"{repair.name} is not done on {car.model.name}", field="repairTypeId"
        )
    return repair


async def request_quote(
    db: AsyncSession,
    viewer: User,
    car_id: int,
    repair_type_id: int,
    *,
    valid_for: timedelta,
    now: datetime,
) -> Quote:
    car = await cars.visible(db, viewer, car_id)
    repair = await applicable_repair(db, car, repair_type_id)
    estimate = estimate_for(car, repair)
    quote = Quote(
        id=uuid.uuid4(),
        user_id=car.owner_id,
        car_id=car.id,
        repair_type_id=repair.id,
        lines=[line.as_json() for line in estimate.lines],
        total=estimate.total,
        valid_until=now + valid_for,
    )
    db.add(quote)
    await db.flush()
    return quote


async def valid_quote(
    db: AsyncSession, quote_id: uuid.UUID, car: Car, repair: RepairType, *, now: datetime
) -> Quote:
    """A live quote for exactly this car and repair; an expired one says so."""
    quote = await bookings.get_quote(db, quote_id)
    if quote is None or quote.car_id != car.id or quote.repair_type_id != repair.id:
        raise NotFound("No such quote for this car and repair type", field="quoteId")
    if quote.valid_until <= now:
        raise QuoteExpired(field="quoteId")
    return quote


async def price(
    db: AsyncSession, car: Car, repair: RepairType, quote_id: uuid.UUID | None, *, now: datetime
) -> tuple[list[dict[str, str]], Decimal]:
    """The price lines and total a new booking stores: the quote's, or today's."""
    if quote_id is not None:
        quote = await valid_quote(db, quote_id, car, repair, now=now)
        return quote.lines, quote.total
    estimate = estimate_for(car, repair)
    return [line.as_json() for line in estimate.lines], estimate.total
