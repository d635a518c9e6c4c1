"""The emails accounts cause: verification and reset links, and the notices that go with
them. Written to the outbox in the transaction of the change, like every other message."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.config import Settings
from repairbook.models.accounts import User
from repairbook.models.notifications import MessageKind
from repairbook.notifications import outbox


def link(settings: Settings, path: str, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}{path}?{urlencode({'token': token})}"


async def verification(
    db: AsyncSession, user: User, address: str, url: str, *, settings: Settings, now: datetime
) -> None:
    """The link proving `address`; each one sent is its own event."""
    data = {"name": _name(user), "url": url, "hours": settings.email_verification_hours,
            "change": address != user.email}  # fmt: skip
    key = f"user:{user.id}:verify:{now.isoformat()}"
    mail = outbox.Mail(MessageKind.EMAIL_VERIFICATION, key, user.id, address, user.locale, data)
    await outbox.queue(db, [mail])


async def change_notice(db: AsyncSession, user: User, new_address: str, *, now: datetime) -> None:
    """To the address in use: another one was given, and takes over once verified."""
    key = f"user:{user.id}:email-change:{now.isoformat()}"
    await outbox.queue(
        db,
        [
            outbox.Mail.to_user(
                user, MessageKind.EMAIL_CHANGE_NOTICE, key, name=_name(user), new=new_address
            )
        ],
    )


async def password_reset(
    db: AsyncSession, user: User, url: str, *, settings: Settings, now: datetime
) -> None:
    key = f"user:{user.id}:reset:{now.isoformat()}"
    mail = outbox.Mail.to_user(
        user, MessageKind.PASSWORD_RESET, key,
        name=_name(user), url=url, minutes=settings.password_reset_minutes,
    )  # fmt: skip
    await outbox.queue(db, [mail])


async def password_changed(db: AsyncSession, user: User, *, now: datetime) -> None:
    key = f"user:{user.id}:password-changed:{now.isoformat()}"
    mail = outbox.Mail.to_user(
        user, MessageKind.PASSWORD_CHANGED, key, name=_name(user), at=now.isoformat()
    )
    await outbox.queue(db, [mail])


def _name(user: User) -> str:
    return " ".join(part for part in (user.first_name, user.patronymic) if part)
