"""A forgotten password: a mailed link, valid for a short while and only once, sets a new one.

Asking for the link answers the same whatever was typed (see the resolver, which also pads
the answer to one duration): an address's budget refuses openly, since it says nothing
about any account; an account's budget, once spent, just sends nothing more.
The link is bound to a fingerprint of the current password hash: setting a password (by
this link or any other way) makes every link sent before it dead.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.accounts import mail, repository, tokens
from repairbook.accounts import validation as v
from repairbook.accounts.passwords import PasswordHasher
from repairbook.accounts.ratelimit import Budget, LoginThrottle
from repairbook.config import Settings
from repairbook.errors import LinkRefused
from repairbook.models.accounts import User

RESET_PATH = "/reset-password"


async def request_reset(
    db: AsyncSession,
    login: str,
    *,
    address: str,
    per_address: Budget,
    per_account: Budget,
    settings: Settings,
    now: datetime,
) -> None:
    await per_address.take(address)
    user = await repository.find_by_login(db, login) if len(login) <= 254 else None
    if user is None or not await per_account.try_take(f"user:{user.id}"):
        return
    secret = settings.secret_key.get_secret_value()
    token = tokens.issue_link_token(
        user.id,
        tokens.RESET_PASSWORD,
        tokens.password_fingerprint(user.password_hash, secret=secret),
        secret=secret,
        now=now,
        ttl=timedelta(minutes=settings.password_reset_minutes),
    )
    url = mail.link(settings, RESET_PATH, token)
    await mail.password_reset(db, user, url, settings=settings, now=now)


async def check_link(db: AsyncSession, token: str, *, settings: Settings, now: datetime) -> User:
    """The user a live, unused reset link is for; LinkRefused otherwise."""
    secret = settings.secret_key.get_secret_value()
    claims = tokens.read_link_token(token, tokens.RESET_PASSWORD, secret=secret, now=now)
    user = await repository.get(db, claims.user_id, for_update=True)
    if user is None or user.deleted_at is not None:
        raise LinkRefused("This link is for an account that no longer exists", "INVALID")
    if claims.bound_to != tokens.password_fingerprint(user.password_hash, secret=secret):
        raise LinkRefused(
            "This link was already used, or the password was changed since it was sent", "USED"
        )
    return user


async def reset(
    db: AsyncSession,
    token: str,
    new_password: str,
    *,
    address: str,
    throttle: LoginThrottle,
    hasher: PasswordHasher,
    settings: Settings,
    now: datetime,
) -> User:
    """Set the password, sign out everywhere (as changePassword does), tell the user."""
    user = await check_link(db, token, settings=settings, now=now)
    v.check_password(new_password, nick=user.nick, email=user.email, field="newPassword")
    user.password_hash = await hasher.hash(new_password)
    # The link reached the address: that proves it, as a verification link would.
    if user.email_verified_at is None:
        user.email_verified_at = now
    await repository.revoke_all_refresh_tokens(db, user.id, now)
    await db.flush()
    await mail.password_changed(db, user, now=now)
    # Whoever had locked this address out of the account by guessing no longer does.
    await throttle.record_success(f"user:{user.id}", address)
    return user
