"""Verified addresses: a mailed, signed, expiring link proves that an address reaches the
person. Registration and every change of address send one; a new address replaces the old
only once its link is followed (mail goes to the old one until then, and it is told).

A link is bound to the address it was sent to, so it works once: after it is followed the
address is verified (or in use), and following it again is refused as used.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.accounts import mail, repository, tokens
from repairbook.accounts import validation as v
from repairbook.accounts.ratelimit import Budget
from repairbook.config import Settings
from repairbook.db import flush
from repairbook.errors import InvalidInput, LinkRefused
from repairbook.models.accounts import User

VERIFY_PATH = "/verify"
_TAKEN = {
    "uq_users_email_lower": lambda: InvalidInput(
        "This address has been registered by another account since", field="token"
    )
}


async def send_link(
    db: AsyncSession, user: User, address: str, *, settings: Settings, now: datetime
) -> None:
    secret = settings.secret_key.get_secret_value()
    ttl = timedelta(hours=settings.email_verification_hours)
    token = tokens.issue_link_token(
        user.id, tokens.VERIFY_EMAIL, address.lower(), secret=secret, now=now, ttl=ttl
    )
    url = mail.link(settings, VERIFY_PATH, token)
    await mail.verification(db, user, address, url, settings=settings, now=now)


async def change_email(
    db: AsyncSession, user: User, new_email: str, *, settings: Settings, now: datetime
) -> None:
    """A verified address stays in use until the new one is verified; an unverified one
    (a typo, most likely) is simply replaced."""
    new = v.clean_email(new_email)
    if new.lower() == user.email.lower():
        user.pending_email = None  # changed one's mind: nothing waits any more
        return
    if await repository.email_taken(db, new, but=user.id):
        raise InvalidInput("This email is already registered", field="email")
    if user.email_verified:
        user.pending_email = new
        await mail.change_notice(db, user, new, now=now)
    else:
        user.email = new
    await send_link(db, user, new, settings=settings, now=now)


async def resend(
    db: AsyncSession, user_id: int, *, budget: Budget, settings: Settings, now: datetime
) -> User:
    user = await repository.get(db, user_id)
    if user is None or user.deleted_at is not None:
        raise InvalidInput("Your account no longer exists")
    address = user.pending_email or (None if user.email_verified else user.email)
    if address is None:
        raise InvalidInput("Your address is verified already")
    await budget.take(f"user:{user.id}")
    await send_link(db, user, address, settings=settings, now=now)
    return user


async def verify(db: AsyncSession, token: str, *, settings: Settings, now: datetime) -> User:
    """Follow a verification link: the address it names is the user's, verified."""
    secret = settings.secret_key.get_secret_value()
    claims = tokens.read_link_token(token, tokens.VERIFY_EMAIL, secret=secret, now=now)
    user = await repository.get(db, claims.user_id, for_update=True)
    if user is None or user.deleted_at is not None:
        raise LinkRefused("This link is for an account that no longer exists", "INVALID")
    address = claims.bound_to
    if user.pending_email is not None and user.pending_email.lower() == address:
        user.email, user.pending_email = user.pending_email, None
        user.email_verified_at = now
        await flush(db, _TAKEN)
    elif user.email.lower() == address and not user.email_verified:
        user.email_verified_at = now
        await db.flush()
    elif user.email.lower() == address:
        raise LinkRefused("This link was already used: the address is verified", "USED")
    else:
        raise LinkRefused("This link is no longer valid: another address was given since", "USED")
    return user
