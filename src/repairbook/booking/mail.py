"""The emails bookings cause: what each one says, and its one-per-event dedupe key.

Written to the outbox in the transaction of the change itself (`notifications.outbox`), as
snapshots of plain values; the worker renders and sends them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.booking import repository as bookings
from repairbook.booking.repository import BookingFacts, CarFacts
from repairbook.models.accounts import User
from repairbook.models.booking import Booking
from repairbook.models.notifications import MessageKind
from repairbook.notifications import outbox

ANNIVERSARY_GRACE = timedelta(days=30)  # a due date missed by longer waits for the next one


async def confirmed(db: AsyncSession, booking: Booking, *, now: datetime) -> None:
    facts = await bookings.mail_facts(db, booking.id)
    await _queue(db, facts, MessageKind.BOOKING_CONFIRMED, "confirmed", now)


async def cancelled(db: AsyncSession, booking: Booking, viewer: User, *, now: datetime) -> None:
    facts = await bookings.mail_facts(db, booking.id)
    by_staff = viewer.id != booking.client_id
    await _queue(
        db, facts, MessageKind.BOOKING_CANCELLED, "cancelled", now,
        by_staff=by_staff, reason=booking.cancel_reason if by_staff else None,
    )  # fmt: skip


async def moved(
    db: AsyncSession, booking: Booking, previous_starts_at: datetime, *, now: datetime
) -> None:
    facts = await bookings.mail_facts(db, booking.id)
    # Each move is its own event (its own version), even back to a slot it had before.
    await _queue(
        db, facts, MessageKind.BOOKING_MOVED, f"moved:v{booking.version}", now,
        previous_starts_at=previous_starts_at.isoformat(),
    )  # fmt: skip


def reminder(facts: BookingFacts) -> outbox.Mail:
    """The reminder of a visit, written from the booking as it is now (its version): the
    delivery sends it only if the booking is still that version and the visit has not
    begun. Which bookings are due one is the scan's business (`tasks.queue_reminders`)."""
    booking = facts[0]
    key = f"booking:{booking.id}:reminder:v{booking.version}"
    return outbox.Mail.to_user(
        facts[1], MessageKind.VISIT_REMINDER, key, **_visit(facts), version=booking.version
    )


def maintenance_due(facts: CarFacts, today: date) -> outbox.Mail | None:
    """Once a year per car, counted from its last past maintenance visit (or its sale), once
    per due date; nothing when a maintenance visit is already booked."""
    car, owner, model, last_visit, booked_ahead = facts
    due = latest_anniversary(last_visit or car.sold_on, today)
    if booked_ahead or due is None or today - due > ANNIVERSARY_GRACE:
        return None
    return outbox.Mail.to_user(
        owner,
        MessageKind.MAINTENANCE_DUE,
        f"car:{car.id}:maintenance:{due.isoformat()}",
        name=_name(owner),
        car=f"{model}, {car.plate}",
        last_visit=last_visit.isoformat() if last_visit else None,
        sold_on=car.sold_on.isoformat(),
        due=due.isoformat(),
    )


def latest_anniversary(start: date, today: date) -> date | None:
    """The last date on or before `today` that is a whole number (≥ 1) of years after
    `start` (29 February falls on 28 February in other years)."""
    years = today.year - start.year
    for count in (years, years - 1):
        if count < 1:
            return None
        try:
            anniversary = start.replace(year=start.year + count)
        except ValueError:
            anniversary = start.replace(year=start.year + count, day=28)
        if anniversary <= today:
            return anniversary
    return None


async def _queue(
    db: AsyncSession, facts: BookingFacts, kind: MessageKind, event: str, now: datetime,
    **extra: Any,
) -> None:  # fmt: skip
    key = f"booking:{facts[0].id}:{event}"
    data = _visit(facts) | {"sequence": facts[0].version} | extra
    await outbox.queue(db, [outbox.Mail.to_user(facts[1], kind, key, **data)])


def _visit(facts: BookingFacts) -> dict[str, Any]:
    booking, client, model, plate, repair, receptionist_last, receptionist_first = facts
    return {
        "booking_id": booking.id,
        "starts_at": booking.starts_at.isoformat(),
        "ends_at": booking.ends_at.isoformat(),
        "name": _name(client),
        "car": f"{model}, {plate}",
        "repair": repair,
        "receptionist": f"{receptionist_last} {receptionist_first}",
        "price": f"{booking.price_total:.2f}",
    }


def _name(user: User) -> str:
    """How a letter addresses a person: first name and patronymic when there is one."""
    return f"{user.first_name} {user.patronymic}" if user.patronymic else user.first_name
