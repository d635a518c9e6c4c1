"""Booking a slot, cancelling, moving; a day's schedule. Rules per SPEC §3 "Booking"."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.booking import estimates, mail
from repairbook.booking import repository as bookings
from repairbook.booking.availability import Calendar, Slot, SlotBooking, TimeRule, slots_of_day
from repairbook.booking.events import SlotChanged, SlotEvent
from repairbook.cars import service as cars
from repairbook.catalog import service as catalog
from repairbook.config import Settings
from repairbook.db import Page, offset_page, record, violated_constraint
from repairbook.errors import (
    IdempotencyKeyReused,
    InvalidInput,
    NoCar,
    NotFound,
    OneBookingPerDay,
    RepairbookError,
    SlotTaken,
    SlotUnavailable,
)
from repairbook.models.accounts import User
from repairbook.models.booking import Booking, BookingStatus
from repairbook.models.cars import Car
from repairbook.models.catalog import Receptionist
from repairbook.validation import optional_text

MAX_RANGE = timedelta(days=31)
BOOKINGS_PER_CLIENT = 100  # a client's list, and User.bookings, show at most this many


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

    def digest(self) -> str:
        """What the request asks for, whatever offset `startsAt` was written with."""
        fields = (
            self.receptionist_id,
            self.starts_at.astimezone(UTC).isoformat() if self.starts_at.tzinfo else "",
            self.car_id,
            self.repair_type_id,
            self.quote_id or "",
        )
        return hashlib.sha256(repr(fields).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class DayStates:
    """Every active receptionist's slots on a day, and who each booking shown belongs to."""

    day: date
    receptionists: Sequence[Receptionist]
    slots: list[Slot]
    client_of: dict[int, int]  # booking id → client id


@dataclass(frozen=True, slots=True)
class DaySchedule:
    """A day's slots, and the bookings on it whose details the reader may see (none for
    anonymous readers, own for clients, all for staff)."""

    day: date
    receptionists: Sequence[Receptionist]
    slots: list[Slot]
    details: Sequence[Booking]


async def book(
    db: AsyncSession, viewer: User, request: BookingRequest, *, calendar: Calendar, now: datetime
) -> Booking:
    key = _idempotency_key(request.idempotency_key)
    digest = request.digest() if key else None
    if key and (earlier := await bookings.by_idempotency_key(db, viewer.id, key)):
        return _same_request(earlier, digest)
    car = await _car_for(db, viewer, request.car_id)
    day = await check_slot(db, calendar, request.receptionist_id, request.starts_at, now)
    repair = await estimates.applicable_repair(db, car, request.repair_type_id)
    lines, total = await estimates.price(db, car, repair, request.quote_id, now=now)
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
        idempotency_input=digest,
        created_by_id=viewer.id,
    )
    try:
        async with db.begin_nested():
            db.add(booking)
    except IntegrityError as error:
        # The same request retried concurrently may have got there first; PostgreSQL made
        # us wait for it, so its booking is visible now (whichever index reported it).
        if key and (earlier := await bookings.by_idempotency_key(db, viewer.id, key)):
            return _same_request(earlier, digest)
        raise _conflict(error) from error
    _record(db, booking, SlotEvent.BOOKED)
    await mail.confirmed(db, booking, now=now)
    return booking


async def cancel(
    db: AsyncSession, viewer: User, booking_id: int, reason: str | None, *, now: datetime
) -> Booking:
    booking = await _changeable(db, viewer, booking_id, now)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by_id = viewer.id
    booking.cancel_reason = optional_text(reason, "reason", 500)
    await db.flush()
    _record(db, booking, SlotEvent.CANCELLED)
    await mail.cancelled(db, booking, viewer, now=now)
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
    _record(db, booking, SlotEvent.MOVED_AWAY)
    previous_starts_at = booking.starts_at
    booking.receptionist_id = receptionist_id
    booking.starts_at = starts_at
    booking.ends_at = starts_at + calendar.slot
    booking.day = day
    try:
        async with db.begin_nested():
            await db.flush()
    except IntegrityError as error:
        raise _conflict(error) from error
    _record(db, booking, SlotEvent.MOVED_HERE)
    await mail.moved(db, booking, previous_starts_at, now=now)
    return booking


def _record(db: AsyncSession, booking: Booking, change: SlotEvent) -> None:
    record(
        db,
        SlotChanged(
            booking.day,
            booking.receptionist_id,
            booking.starts_at,
            change,
            booking_id=booking.id,
            client_id=booking.client_id,
        ),
    )


async def remove_car(db: AsyncSession, viewer: User, car_id: int, *, now: datetime) -> Car:
    """Remove an own car unless an upcoming booking holds it.

    The car row is locked for update here and for share by `book`, so no booking can slip
    in between this check and the removal.
    """
    car = await cars.owned(db, viewer, car_id, lock="update")
    if await bookings.car_has_future_booking(db, car.id, now):
        raise InvalidInput("Cancel this car's upcoming booking before removing it", field="id")
    return await cars.retire(db, car, now=now)


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
    day = calendar.local_day(starts_at)
    rule = calendar.time_rule(starts_at, now, closed=await catalog.is_closed(db, day))
    if rule is TimeRule.PAST:
        raise SlotUnavailable("This slot is in the past", field="startsAt")
    if rule is TimeRule.BEYOND_WINDOW:
        raise SlotUnavailable(f"Bookings open {calendar.window_days} days ahead", field="startsAt")
    if rule is TimeRule.CLOSED_DAY:
        raise SlotUnavailable(f"The shop is closed on {day:%d.%m.%Y}", field="startsAt")
    receptionist = await catalog.receptionist(db, receptionist_id)
    if receptionist is None:
        raise NotFound("No such receptionist", field="receptionistId")
    if not receptionist.active:
        raise SlotUnavailable("This receptionist takes no bookings", field="receptionistId")
    return day


async def day_states(
    db: AsyncSession, day: date, *, calendar: Calendar, now: datetime
) -> DayStates:
    """Three queries whatever the number of receptionists and bookings."""
    receptionists = await catalog.receptionists(db, include_inactive=False)
    closed = await catalog.is_closed(db, day)
    on_day: list[SlotBooking] = await bookings.of_day(db, day)
    slots = slots_of_day(
        calendar,
        day,
        now=now,
        receptionist_ids=[r.id for r in receptionists],
        closed=closed,
        bookings=on_day,
    )
    shown = {slot.booking_id for slot in slots if slot.booking_id is not None}
    client_of = {b.booking_id: b.client_id for b in on_day if b.booking_id in shown}
    return DayStates(day, receptionists, slots, client_of)


async def day_schedule(
    db: AsyncSession,
    day: date,
    viewer: User | None,
    *,
    calendar: Calendar,
    now: datetime,
    with_details: bool = True,
) -> DaySchedule:
    """The day's states, and (`with_details`) one more query for the bookings the viewer
    may see."""
    states = await day_states(db, day, calendar=calendar, now=now)
    visible = [
        booking_id
        for booking_id, client_id in states.client_of.items()
        if with_details and viewer is not None and viewer.may_see(client_id)
    ]
    details = await bookings_by_id(db, visible)
    return DaySchedule(day, states.receptionists, states.slots, details)


async def bookings_by_id(db: AsyncSession, booking_ids: Sequence[int]) -> Sequence[Booking]:
    return await bookings.get_many(db, booking_ids) if booking_ids else []


async def visible(db: AsyncSession, viewer: User, booking_id: int) -> Booking:
    """A booking the viewer may see: own, or any for staff. Others are not there."""
    booking = await bookings.get(db, booking_id)
    if booking is None or not viewer.may_see(booking.client_id):
        raise NotFound("No such booking", field="id")
    return booking


async def in_range(
    db: AsyncSession, start: date, end: date, receptionist_id: int | None, *, limit: int
) -> Sequence[Booking]:
    if not timedelta(0) <= end - start <= MAX_RANGE:
        raise InvalidInput("`to` must be on or after `from`, at most 31 days later", field="to")
    return await bookings.between(db, start, end, receptionist_id, limit=limit)


async def client_page(
    db: AsyncSession, client_id: int, *, since: datetime | None, offset: int, limit: int
) -> Page[Booking]:
    """A client's bookings a page at a time: upcoming (from `since`), or all."""
    return await offset_page(
        db, bookings.of_client_in_order(client_id, since), offset=offset, limit=limit
    )


async def range_page(
    db: AsyncSession,
    start: date,
    end: date,
    receptionist_id: int | None,
    *,
    offset: int,
    limit: int,
) -> Page[Booking]:
    if not timedelta(0) <= end - start <= MAX_RANGE:
        raise InvalidInput("`to` must be on or after `from`, at most 31 days later", field="to")
    query = bookings.in_range_in_order(start, end, receptionist_id)
    return await offset_page(db, query, offset=offset, limit=limit)


async def of_clients(
    db: AsyncSession, client_ids: Sequence[int], *, since: datetime | None
) -> Sequence[Booking]:
    """Clients' bookings for their own lists: upcoming (from `since`), or all."""
    return await bookings.of_clients(db, client_ids, since=since, per_client=BOOKINGS_PER_CLIENT)


async def _car_for(db: AsyncSession, viewer: User, car_id: int) -> Car:
    """A client books only own cars (and must have one); staff book any client's car."""
    if not viewer.is_staff and not await cars.has_any(db, viewer.id):
        raise NoCar()
    return await cars.visible(db, viewer, car_id, lock="share")


async def _changeable(db: AsyncSession, viewer: User, booking_id: int, now: datetime) -> Booking:
    booking = await bookings.get(db, booking_id, for_update=True)
    if booking is None or not viewer.may_see(booking.client_id):
        raise NotFound("No such booking", field="id")
    if booking.status is BookingStatus.CANCELLED:
        raise InvalidInput("This booking is already cancelled", field="id")
    if booking.starts_at <= now:
        raise InvalidInput("This booking has already started", field="id")
    return booking


def _same_request(earlier: Booking, digest: str | None) -> Booking:
    """The booking a key made, if this is that request again (keys live as long as the
    booking, which is never deleted: a key is used once per user, for good)."""
    if earlier.idempotency_input is not None and earlier.idempotency_input != digest:
        raise IdempotencyKeyReused(field="idempotencyKey")
    return earlier


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
