"""Registration, sign-in, token rotation, profile and roles."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.accounts import repository, tokens
from repairbook.accounts import validation as v
from repairbook.accounts.passwords import PasswordHasher
from repairbook.accounts.ratelimit import LoginThrottle
from repairbook.cars.validation import plate_fragment
from repairbook.config import Settings
from repairbook.db import Page, flush
from repairbook.errors import InvalidInput, NotFound, Unauthenticated
from repairbook.models.accounts import Role, User

_TAKEN = {
    "uq_users_nick_lower": lambda: InvalidInput("This nick is taken", field="nick"),
    "uq_users_email_lower": lambda: InvalidInput("This email is already registered", field="email"),
}


@dataclass(frozen=True, slots=True)
class Registration:
    nick: str
    password: str
    email: str
    first_name: str
    last_name: str
    patronymic: str | None = None
    locale: str = "ru"
    marketing_opt_in: bool = False


@dataclass(frozen=True, slots=True)
class ProfileChanges:
    first_name: str | None = None
    last_name: str | None = None
    patronymic: str | None = None
    clear_patronymic: bool = False
    email: str | None = None
    locale: str | None = None
    marketing_opt_in: bool | None = None


@dataclass(frozen=True, slots=True)
class Session:
    """What a client holds after signing in."""

    user: User
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str


async def register(
    db: AsyncSession,
    data: Registration,
    *,
    hasher: PasswordHasher,
    settings: Settings,
    now: datetime,
) -> Session:
    user = await create_user(db, data, role=Role.CLIENT, hasher=hasher)
    return await start_session(db, user, settings, now=now)


async def create_user(
    db: AsyncSession, data: Registration, *, role: Role, hasher: PasswordHasher
) -> User:
    nick = v.clean_nick(data.nick)
    email = v.clean_email(data.email)
    v.check_password(data.password, nick=nick, email=email)
    user = User(
        nick=nick,
        email=email,
        password_hash=await hasher.hash(data.password),
        first_name=v.clean_name(data.first_name, "firstName"),
        last_name=v.clean_name(data.last_name, "lastName"),
        patronymic=v.clean_patronymic(data.patronymic),
        locale=v.clean_locale(data.locale),
        marketing_opt_in=data.marketing_opt_in,
        role=role,
    )
    db.add(user)
    await flush(db, _TAKEN)
    return user


async def login(
    db: AsyncSession,
    login_name: str,
    password: str,
    *,
    address: str,
    throttle: LoginThrottle,
    hasher: PasswordHasher,
    settings: Settings,
    now: datetime,
) -> Session:
    user = await repository.find_by_login(db, login_name)
    # Counted per account (not per spelling: nick and email share one budget) and per address.
    account = _account_key(user.id) if user else f"login:{login_name.strip().lower()}"
    await throttle.check(account, address)
    # A password no account can have is wrong without asking the hasher (argon2 refuses
    # very long input, and hashing it would cost the server, not the guesser).
    possible = len(password) <= v.PASSWORD_MAX
    if user is None or not possible or not await hasher.verify(password, user.password_hash):
        if user is None and possible:
            await hasher.verify(password, None)  # as slow as a wrong password
        await throttle.record_failure(account, address)
        raise Unauthenticated("Wrong login or password")
    await throttle.record_success(account, address)
    return await start_session(db, user, settings, now=now)


async def start_session(
    db: AsyncSession,
    user: User,
    settings: Settings,
    *,
    now: datetime,
    family_id: uuid.UUID | None = None,
) -> Session:
    """A new pair of tokens; the refresh token starts a family unless it continues one."""
    ttl = timedelta(minutes=settings.access_token_minutes)
    refresh = tokens.new_refresh_token()
    await repository.add_refresh_token(
        db,
        user.id,
        tokens.hash_refresh_token(refresh),
        family_id=family_id or uuid.uuid4(),
        expires_at=now + timedelta(days=settings.refresh_token_days),
    )
    access = tokens.issue_access_token(
        user.id, secret=settings.secret_key.get_secret_value(), now=now, ttl=ttl
    )
    return Session(user, access, now + ttl, refresh)


async def refresh(
    db: AsyncSession, refresh_token: str, *, settings: Settings, now: datetime
) -> Session | None:
    """Trade a refresh token for a new pair; the old refresh token stops working.

    `None` when the token is no good. A token that was already used (or revoked) is taken
    as stolen: the whole family it belongs to is revoked, the newest token included, so
    whoever holds it must sign in again. The caller commits that before refusing.
    """
    token_hash = tokens.hash_refresh_token(refresh_token)
    old = await repository.revoke_refresh_token(db, token_hash, now)
    if old is None:
        await repository.revoke_family_of(db, token_hash, now)
        return None
    user = await repository.get(db, old.user_id)
    if user is None:
        return None
    return await start_session(db, user, settings, now=now, family_id=old.family_id)


async def logout(db: AsyncSession, refresh_token: str, *, now: datetime) -> bool:
    """Revoke the token; `False` when it was already unusable (logging out twice is fine)."""
    revoked = await repository.revoke_refresh_token(
        db, tokens.hash_refresh_token(refresh_token), now
    )
    return revoked is not None


async def update_profile(db: AsyncSession, user_id: int, changes: ProfileChanges) -> User:
    user = await own_account(db, user_id)
    if changes.first_name is not None:
        user.first_name = v.clean_name(changes.first_name, "firstName")
    if changes.last_name is not None:
        user.last_name = v.clean_name(changes.last_name, "lastName")
    if changes.clear_patronymic or changes.patronymic is not None:
        user.patronymic = v.clean_patronymic(changes.patronymic)
    if changes.email is not None:
        user.email = v.clean_email(changes.email)
    if changes.locale is not None:
        user.locale = v.clean_locale(changes.locale)
    if changes.marketing_opt_in is not None:
        user.marketing_opt_in = changes.marketing_opt_in
    await flush(db, _TAKEN)
    return user


async def change_password(
    db: AsyncSession,
    user_id: int,
    current: str,
    new: str,
    *,
    address: str,
    throttle: LoginThrottle,
    hasher: PasswordHasher,
    settings: Settings,
    now: datetime,
) -> Session:
    """Set a new password, sign out everywhere, and sign in again here.

    The current password is guessed against the same budgets as a sign-in: a stolen access
    token must not become an unthrottled password oracle.
    """
    user = await own_account(db, user_id)
    account = _account_key(user.id)
    await throttle.check(account, address)
    if len(current) > v.PASSWORD_MAX or not await hasher.verify(current, user.password_hash):
        await throttle.record_failure(account, address)
        raise InvalidInput("The current password is wrong", field="currentPassword")
    await throttle.record_success(account, address)
    v.check_password(new, nick=user.nick, email=user.email, field="newPassword")
    if await hasher.verify(new, user.password_hash):
        raise InvalidInput("The new password is the current one", field="newPassword")
    user.password_hash = await hasher.hash(new)
    await repository.revoke_all_refresh_tokens(db, user.id, now)
    await db.flush()
    return await start_session(db, user, settings, now=now)


def _account_key(user_id: int) -> str:
    return f"user:{user_id}"


async def get_user(db: AsyncSession, user_id: int, *, field: str = "id") -> User:
    user = await repository.get(db, user_id)
    if user is None:
        raise NotFound("No such user", field=field)
    return user


async def users_by_id(db: AsyncSession, user_ids: Sequence[int]) -> Sequence[User]:
    return await repository.get_many(db, user_ids)


async def own_account(db: AsyncSession, user_id: int) -> User:
    """The signed-in user's own row (it may have been deleted since the token was issued)."""
    user = await repository.get(db, user_id)
    if user is None:
        raise NotFound("Your account no longer exists")
    return user


async def set_role(db: AsyncSession, user_id: int, role: Role) -> User:
    user = await get_user(db, user_id, field="userId")
    user.role = role
    await db.flush()
    return user


async def set_role_by_nick(db: AsyncSession, nick: str, role: Role) -> User:
    user = await repository.find_by_nick(db, nick)
    if user is None:
        raise NotFound(f"No user with nick {nick!r}", field="nick")
    return await set_role(db, user.id, role)


async def find_users(
    db: AsyncSession, search: str | None, *, role: Role | None, after_id: int, limit: int
) -> Page[User]:
    """Staff's client look-up: by nick, name, email, or a plate in any spelling."""
    term = " ".join(search.split()) if search else None
    plate = plate_fragment(term) if term else None
    rows = await repository.search(db, term, plate, role=role, after_id=after_id, limit=limit + 1)
    return Page.of(rows, limit, await repository.count_matching(db, term, plate, role=role))
