"""SQL for bookings."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import TypeAlias

from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.booking.availability import SlotBooking
from repairbook.db import any_of
from repairbook.models.accounts import User
from repairbook.models.booking import BoardVersion, Booking, BookingStatus, Quote
from repairbook.models.cars import Car
from repairbook.models.catalog import CarModel, Receptionist, RepairKind, RepairType

# A booking with what its emails say: client, car model, plate, repair, receptionist's names.
BookingFacts: TypeAlias = "Row[Booking, User, str, str, str, str, str]"
# A car with its owner, model name, last past maintenance visit (or None), booked ahead.
CarFacts: TypeAlias = "Row[Car, User, str, date | None, bool]"


async def get(db: AsyncSession, booking_id: int, *, for_update: bool = False) -> Booking | None:
    query = select(Booking).where(Booking.id == booking_id)
    if for_update:
        query = query.with_for_update()
    return (await db.scalars(query)).first()


async def get_many(db: AsyncSession, ids: Sequence[int]) -> Sequence[Booking]:
    return (await db.scalars(select(Booking).where(any_of(Booking.id, ids)))).all()


async def by_idempotency_key(db: AsyncSession, user_id: int, key: str) -> Booking | None:
    query = select(Booking).where(Booking.created_by_id == user_id, Booking.idempotency_key == key)
    return (await db.scalars(query)).first()


async def of_day(db: AsyncSession, day: date) -> list[SlotBooking]:
    """Every booking on a day, active or cancelled, as the day's schedule needs it."""
    query = select(
        Booking.id, Booking.receptionist_id, Booking.starts_at, Booking.status, Booking.client_id
    ).where(Booking.day == day)
    return [
        SlotBooking(
            booking_id=row.id,
            receptionist_id=row.receptionist_id,
            starts_at=row.starts_at,
            active=row.status is BookingStatus.ACTIVE,
            client_id=row.client_id,
        )
        for row in (await db.execute(query)).all()
    ]


async def active_slots_between(
    db: AsyncSession, start: date, end: date
) -> list[tuple[date, int, datetime]]:
    """(day, receptionist, start) of every active booking from `start` to `end`: one query
    for a month's calendar."""
    query = select(Booking.day, Booking.receptionist_id, Booking.starts_at).where(
        Booking.day.between(start, end), Booking.status == BookingStatus.ACTIVE
    )
    return [(row.day, row.receptionist_id, row.starts_at) for row in (await db.execute(query))]


async def between(
    db: AsyncSession, start: date, end: date, receptionist_id: int | None, *, limit: int
) -> Sequence[Booking]:
    query = select(Booking).where(Booking.day.between(start, end))
    if receptionist_id is not None:
        query = query.where(Booking.receptionist_id == receptionist_id)
    query = query.order_by(Booking.starts_at, Booking.receptionist_id, Booking.id).limit(limit)
    return (await db.scalars(query)).all()


async def car_has_future_booking(db: AsyncSession, car_id: int, now: datetime) -> bool:
    query = select(Booking.id).where(
        Booking.car_id == car_id, Booking.status == BookingStatus.ACTIVE, Booking.starts_at > now
    )
    return (await db.scalar(query.limit(1))) is not None


async def of_clients(
    db: AsyncSession, client_ids: Sequence[int], *, since: datetime | None, per_client: int
) -> Sequence[Booking]:
    """Each client's bookings, at most `per_client` each: upcoming ones soonest first, or
    (without `since`) all of them latest first."""
    order = Booking.starts_at.asc() if since is not None else Booking.starts_at.desc()
    rank = func.row_number().over(partition_by=Booking.client_id, order_by=order).label("rank")
    ranked = select(Booking.id, rank).where(any_of(Booking.client_id, client_ids))
    if since is not None:
        ranked = ranked.where(Booking.starts_at >= since)
    first = ranked.subquery()
    query = (
        select(Booking)
        .join(first, first.c.id == Booking.id)
        .where(first.c.rank <= per_client)
        .order_by(Booking.client_id, order)
    )
    return (await db.scalars(query)).all()


async def stamps(db: AsyncSession, scopes: Sequence[str]) -> dict[str, int]:
    """The board stamps of these scopes (a day's ISO date, or `all`); 0 where none yet."""
    query = select(BoardVersion.scope, BoardVersion.version).where(BoardVersion.scope.in_(scopes))
    return {row.scope: row.version for row in await db.execute(query)}


def of_client_in_order(client_id: int, since: datetime | None) -> Select[Booking]:
    """A client's bookings: upcoming ones (from `since`) soonest first, or all latest first."""
    query = select(Booking).where(Booking.client_id == client_id)
    if since is not None:
        return query.where(Booking.starts_at >= since).order_by(Booking.starts_at, Booking.id)
    return query.order_by(Booking.starts_at.desc(), Booking.id.desc())


def in_range_in_order(start: date, end: date, receptionist_id: int | None) -> Select[Booking]:
    query = select(Booking).where(Booking.day.between(start, end))
    if receptionist_id is not None:
        query = query.where(Booking.receptionist_id == receptionist_id)
    return query.order_by(Booking.starts_at, Booking.receptionist_id, Booking.id)


async def get_quote(db: AsyncSession, quote_id: uuid.UUID) -> Quote | None:
    return await db.get(Quote, quote_id)


def _booking_facts() -> Select[Booking, User, str, str, str, str, str]:
    return (
        select(
            Booking,
            User,
            CarModel.name.label("model"),
            Car.plate,
            RepairType.name.label("repair"),
            Receptionist.last_name.label("receptionist_last"),
            Receptionist.first_name.label("receptionist_first"),
        )
        .join(User, User.id == Booking.client_id)
        .join(Car, Car.id == Booking.car_id)
        .join(CarModel, CarModel.id == Car.car_model_id)
        .join(RepairType, RepairType.id == Booking.repair_type_id)
        .join(Receptionist, Receptionist.id == Booking.receptionist_id)
    )


async def mail_facts(db: AsyncSession, booking_id: int) -> BookingFacts:
    """Everything a booking's emails say, in one query: who, what car, which work, with whom."""
    return (await db.execute(_booking_facts().where(Booking.id == booking_id))).one()


async def reminder_batch(
    db: AsyncSession, day: date, *, after_id: int, limit: int
) -> Sequence[BookingFacts]:
    """The next `limit` active bookings on `day` (by id, after `after_id`), with their facts."""
    query = (
        _booking_facts()
        .where(Booking.day == day, Booking.status == BookingStatus.ACTIVE, Booking.id > after_id)
        .order_by(Booking.id)
        .limit(limit)
    )
    return (await db.execute(query)).all()


async def maintenance_batch(
    db: AsyncSession, now: datetime, *, after_id: int, limit: int
) -> Sequence[CarFacts]:
    """The next `limit` cars on the road (by id), each with its owner, its last past visit
    for maintenance and whether one is booked ahead."""
    maintenance = (
        select(Booking.day)
        .join(RepairType, RepairType.id == Booking.repair_type_id)
        .where(
            Booking.car_id == Car.id,
            Booking.status == BookingStatus.ACTIVE,
            RepairType.kind == RepairKind.MAINTENANCE,
        )
    )
    last_visit = (
        maintenance.where(Booking.starts_at < now)
        .order_by(Booking.day.desc())
        .limit(1)
        .scalar_subquery()
        .label("last_visit")
    )
    booked_ahead = maintenance.where(Booking.starts_at >= now).exists().label("booked_ahead")
    query = (
        select(Car, User, CarModel.name.label("model"), last_visit, booked_ahead)
        .join(User, User.id == Car.owner_id)
        .join(CarModel, CarModel.id == Car.car_model_id)
        .where(Car.removed_at.is_(None), Car.id > after_id)
        .order_by(Car.id)
        .limit(limit)
    )
    return (await db.execute(query)).all()
