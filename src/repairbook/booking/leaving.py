"""Leaving the shop, and one's own data: what 152-FZ and the GDPR let a person ask for.

Here because only bookings know which visits are still to come (accounts, cars and mail sit
below and never import booking). Deleting an account cancels its upcoming bookings the usual
way (events, mail, live board), then erases the person: names, addresses, nick, the cars'
VIN, plate and СТС. The rows stay, anonymised, so that the shop's history and statistics
(past visits, prices, repairs per model) remain right.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.accounts import repository as accounts_repository
from repairbook.accounts import service as accounts
from repairbook.booking import repository as bookings
from repairbook.booking import service
from repairbook.cars import service as cars
from repairbook.errors import InvalidInput, NotFound
from repairbook.models.accounts import User
from repairbook.notifications import service as notifications


async def delete_account(db: AsyncSession, user: User, *, by: User, now: datetime) -> None:
    """`by` is the user (who confirmed the password) or an admin."""
    if user.deleted_at is not None:
        raise NotFound("No such user", field="userId")
    reason = None if by.id == user.id else "The account was closed by the shop"
    for booking_id in await bookings.future_active_of_client(db, user.id, now):
        await service.cancel(db, by, booking_id, reason, now=now)
    await cars.erase_of_owner(db, user.id, now=now)
    await accounts.erase(db, user, now=now)
    await notifications.forget_user(db, user.id)


async def delete_by_admin(db: AsyncSession, admin: User, user_id: int, *, now: datetime) -> None:
    if user_id == admin.id:
        raise InvalidInput("Delete your own account with deleteAccount", field="userId")
    user = await accounts.get_user(db, user_id, field="userId")
    await delete_account(db, user, by=admin, now=now)


async def my_data(db: AsyncSession, user: User) -> dict[str, Any]:
    """Everything held about the user, as one JSON-ready document."""
    own_cars = await cars.all_of_owner(db, user.id)
    visits = await bookings.all_of_client(db, user.id)
    consent = await accounts_repository.consent_history(db, user.id)
    mail = await notifications.mail_of_user(db, user.id)
    return {
        "profile": {
            "id": str(user.id), "nick": user.nick, "email": user.email,
            "pendingEmail": user.pending_email, "emailVerified": user.email_verified,
            "emailVerifiedAt": _iso(user.email_verified_at), "firstName": user.first_name,
            "lastName": user.last_name, "patronymic": user.patronymic,
            "role": user.role.value, "locale": user.locale,
            "marketingOptIn": user.marketing_opt_in, "createdAt": _iso(user.created_at),
        },
        "cars": [
            {
                "id": str(car.id), "vin": car.vin, "plate": car.plate, "stsNumber": car.sts_number,
                "soldOn": car.sold_on.isoformat(), "mileageKm": car.mileage_km,
                "model": car.model.name, "addedAt": _iso(car.created_at),
                "removedAt": _iso(car.removed_at),
            }
            for car in own_cars
        ],
        "bookings": [
            {
                "id": str(b.id), "startsAt": _iso(b.starts_at), "status": b.status.value,
                "carId": str(b.car_id), "repairType": repair, "receptionist": receptionist,
                "price": str(b.price_total), "createdAt": _iso(b.created_at),
                "cancelledAt": _iso(b.cancelled_at), "cancelReason": b.cancel_reason,
            }
            for b, repair, receptionist in visits
        ],
        "consentHistory": [
            {"given": c.given, "source": c.source, "at": _iso(c.at)} for c in consent
        ],
        # What was sent, to where and when; not the bodies (they held links that sign in).
        "mail": [
            {
                "kind": m.kind.value, "recipient": m.recipient, "subject": m.subject,
                "status": m.status.value, "writtenAt": _iso(m.created_at),
                "sentAt": _iso(m.sent_at),
            }
            for m in mail
        ],
    }  # fmt: skip


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
