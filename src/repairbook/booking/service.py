"""Booking a slot, cancelling, moving; the day board. Rules per SPEC §3 "Booking"."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.booking import estimates
from repairbook.booking import repository as bookings
from repairbook.booking.availability import Calendar, Slot, Taken, board
from repairbook.cars import repository as cars_repository
from repairbook.cars import service as cars
from repairbook.catalog import repository as catalog
from repairbook.config import Settings
from repairbook.db import violated_constraint
from repairbook.errors import (
    InvalidInput,
    NoCar,
    NotFound,
    OneBookingPerDay,
    RepairbookError,
    SlotTaken,
    SlotUnavailable,
)
from repairbook.models.accounts import STAFF_ROLES, User
from repairbook.models.booking import Booking, BookingStatus
from repairbook.models.cars import Car
from repairbook.models.catalog import Receptionist, RepairType
from repairbook.validation import clean_text

MAX_RANGE = timedelta(days=31)


def calendar_of(settings: Settings) -> Calendar:
    return Calendar(
        zone=settings.zone,
        opens_at=settings.day_opens_at,
        closes_at=settings.day_closes_at,
        slot=timedelta(minutes=settings.slot_minutes),
        window_days=settings.booking_window_days,
    )


@dataclass(frozen=True, slots=True)
class BookingRequest:
    receptionist_id: int
    starts_at: datetime
    car_id: int
    repair_type_id: int
    quote_id: uuid.UUID | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class DayBoard:
    day: date
    receptionists: Sequence[Receptionist]
    slots: list[Slot]
    client_of: dict[int, int]  # booking id → client id, to decide who sees details


async def book(
    db: AsyncSession, viewer: User, request: BookingRequest, *, calendar: Calendar, now: datetime
) -> Booking:
    key = _idempotency_key(request.idempotency_key)
    if key and (earlier := await bookings.by_idempotency_key(db, viewer.id, key)):
        return earlier
    car = await _car_for(db, viewer, request.car_id)
    day = await check_slot(db, calendar, request.receptionist_id, request.starts_at, now)
    repair = await estimates.applicable_repair(db, car, request.repair_type_id)
    lines, total = await _price(db, car, repair, request.quote_id)
    booking = Booking(
        receptionist_id=request.receptionist_id,
        starts_at=request.starts_at,
        ends_at=request.starts_at + calendar.slot,
        day=day,
        car_id=car.id,
        client_id=car.owner_id,
        repair_type_id=repair.id,
        status=BookingStatus.ACTIVE,
        price_lines=lines,
        price_total=total,
        quote_id=request.quote_id,
        idempotency_key=key,
        created_by_id=viewer.id,
    )
    try:
        async with db.begin_nested():
            db.add(booking)
    except IntegrityError as error:
        # The same request retried concurrently may have got there first; PostgreSQL made
        # us wait for it, so its booking is visible now (whichever index reported it).
        if key and (earlier := await bookings.by_idempotency_key(db, viewer.id, key)):
            return earlier
        raise _conflict(error) from error
    return booking


async def cancel(
    db: AsyncSession, viewer: User, booking_id: int, reason: str | None, *, now: datetime
) -> Booking:
    booking = await _changeable(db, viewer, booking_id, now)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by_id = viewer.id
    booking.cancel_reason = clean_text(reason, "reason", 500) if reason and reason.strip() else None
    await db.flush()
    return booking


async def reschedule(
    db: AsyncSession,
    viewer: User,
    booking_id: int,
    receptionist_id: int,
    starts_at: datetime,
    *,
    calendar: Calendar,
    now: datetime,
) -> Booking:
    """Move a booking in one UPDATE: the new slot is taken and the old one freed, or
    (when the constraints refuse) nothing changes."""
    booking = await _changeable(db, viewer, booking_id, now)
    day = await check_slot(db, calendar, receptionist_id, starts_at, now)
    booking.receptionist_id = receptionist_id
    booking.starts_at = starts_at
    booking.ends_at = starts_at + calendar.slot
    booking.day = day
    try:
        async with db.begin_nested():
            await db.flush()
    except IntegrityError as error:
        raise _conflict(error) from error
    return booking


async def check_slot(
    db: AsyncSession, calendar: Calendar, receptionist_id: int, starts_at: datetime, now: datetime
) -> date:
    """The slot's shop-local day, if a booking may start there now."""
    if starts_at.tzinfo is None:
        raise InvalidInput(
            "startsAt needs a UTC offset, e.g. 2027-03-01T10:00:00+03:00", field="startsAt"
        )
    if not calendar.on_grid(starts_at):
        raise SlotUnavailable(
            f"Slots start every {calendar.slot.seconds // 60} minutes from "
            f"{calendar.opens_at:%H:%M} to the last one ending at {calendar.closes_at:%H:%M}",
            field="startsAt",
        )
    if starts_at <= now:
        raise SlotUnavailable("This slot is in the past", field="startsAt")
    day = calendar.local_day(starts_at)
    if day > calendar.last_bookable_day(now):
        raise SlotUnavailable(f"Bookings open {calendar.window_days} days ahead", field="startsAt")
    if await bookings.is_closed(db, day):
        raise SlotUnavailable(f"The shop is closed on {day:%d.%m.%Y}", field="startsAt")
    receptionist = await catalog.get(db, Receptionist, receptionist_id)
    if receptionist is None:
        raise NotFound("No such receptionist", field="receptionistId")
    if not receptionist.active:
        raise SlotUnavailable("This receptionist takes no bookings", field="receptionistId")
    return day


async def day_board(db: AsyncSession, day: date, *, calendar: Calendar, now: datetime) -> DayBoard:
    """Three queries whatever the number of receptionists and bookings."""
    receptionists = await catalog.receptionists(db)
    closed = await bookings.is_closed(db, day)
    rows = await bookings.of_day(db, day)
    taken = [Taken(i, r, s, status is BookingStatus.ACTIVE) for i, r, s, status, _ in rows]
    slots = board(
        calendar,
        day,
        now=now,
        receptionist_ids=[r.id for r in receptionists],
        closed=closed,
        bookings=taken,
    )
    return DayBoard(day, receptionists, slots, {row[0]: row[4] for row in rows})


async def many(db: AsyncSession, booking_ids: Sequence[int]) -> Sequence[Booking]:
    return await bookings.get_many(db, booking_ids)


async def visible(db: AsyncSession, viewer: User, booking_id: int) -> Booking:
    booking = await bookings.get(db, booking_id)
    if booking is None or not may_see(viewer, booking.client_id):
        raise NotFound("No such booking", field="id")
    return booking


async def in_range(
    db: AsyncSession, start: date, end: date, receptionist_id: int | None, *, limit: int
) -> Sequence[Booking]:
    if not timedelta(0) <= end - start <= MAX_RANGE:
        raise InvalidInput("`to` must be on or after `from`, at most 31 days later", field="to")
    return await bookings.between(db, start, end, receptionist_id, limit=limit)


def may_see(viewer: User | None, client_id: int) -> bool:
    return viewer is not None and (viewer.id == client_id or viewer.role in STAFF_ROLES)


async def _car_for(db: AsyncSession, viewer: User, car_id: int) -> Car:
    """A client books only own cars (and must have one); staff book any client's car."""
    if viewer.role not in STAFF_ROLES and not await cars_repository.has_any(db, viewer.id):
        raise NoCar()
    return await cars.visible(db, viewer, car_id, lock="share")


async def _price(
    db: AsyncSession, car: Car, repair: RepairType, quote_id: uuid.UUID | None
) -> tuple[list[dict[str, str]], Decimal]:
    if quote_id is not None:
        quote = await estimates.valid_quote(db, quote_id, car, repair)
        return quote.lines, quote.total
    estimate = estimates.estimate_for(car, repair)
    return [line.as_json() for line in estimate.lines], estimate.total


async def _changeable(db: AsyncSession, viewer: User, booking_id: int, now: datetime) -> Booking:
    booking = await bookings.get(db, booking_id, for_update=True)
    if booking is None or not may_see(viewer, booking.client_id):
        raise NotFound("No such booking", field="id")
    if booking.status is BookingStatus.CANCELLED:
        raise InvalidInput("This booking is already cancelled", field="id")
    if booking.starts_at <= now:
        raise InvalidInput("This booking has already started", field="id")
    return booking


def _idempotency_key(key: str | None) -> str | None:
    if key is None:
        return None
    key = key.strip()
    if not 1 <= len(key) <= 100:
        raise InvalidInput("idempotencyKey is 1 to 100 characters", field="idempotencyKey")
    return key


_CONFLICTS: dict[str, type[RepairbookError]] = {
    "uq_bookings_active_slot": SlotTaken,
    "uq_bookings_active_client_day": OneBookingPerDay,
}


def _conflict(error: IntegrityError) -> Exception:
    kind = _CONFLICTS.get(violated_constraint(error) or "")
    return kind(field="startsAt") if kind else error
