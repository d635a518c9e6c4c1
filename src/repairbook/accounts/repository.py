"""SQL for users and refresh tokens."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from repairbook.db import any_of
from repairbook.models.accounts import RefreshToken, Role, User
from repairbook.models.cars import Car


async def get(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def get_many(session: AsyncSession, user_ids: Sequence[int]) -> Sequence[User]:
    result = await session.scalars(select(User).where(any_of(User.id, user_ids)))
    return result.all()


async def find_by_login(session: AsyncSession, login: str) -> User | None:
    """A user whose nick or email matches, ignoring case."""
    lowered = login.strip().lower()
    query = select(User).where(
        or_(func.lower(User.nick) == lowered, func.lower(User.email) == lowered)
    )
    return (await session.scalars(query.limit(1))).first()


async def find_by_nick(session: AsyncSession, nick: str) -> User | None:
    query = select(User).where(func.lower(User.nick) == nick.strip().lower())
    return (await session.scalars(query)).first()


async def add_refresh_token(
    session: AsyncSession,
    user_id: int,
    token_hash: str,
    *,
    family_id: uuid.UUID,
    expires_at: datetime,
) -> None:
    session.add(
        RefreshToken(
            user_id=user_id, token_hash=token_hash, family_id=family_id, expires_at=expires_at
        )
    )
    await session.flush()


async def revoke_refresh_token(
    session: AsyncSession, token_hash: str, now: datetime
) -> RefreshToken | None:
    """Revoke a live token atomically; `None` when it was unknown, expired or already revoked.

    Done as one UPDATE so that two concurrent refreshes with the same token cannot both win.
    """
    query = (
        update(RefreshToken)
        .where(
            RefreshToken.token_hash == token_hash,
            RefreshToken.revoked_at.is_(None),
            RefreshToken.expires_at > now,
        )
        .values(revoked_at=now)
        .returning(RefreshToken)
    )
    return (await session.scalars(query)).first()


async def revoke_family_of(session: AsyncSession, token_hash: str, now: datetime) -> int:
    """Revoke every live token of the family this (dead) token belongs to."""
    family = select(RefreshToken.family_id).where(RefreshToken.token_hash == token_hash)
    result = await session.execute(
        update(RefreshToken)
        .where(
            RefreshToken.family_id == family.scalar_subquery(), RefreshToken.revoked_at.is_(None)
        )
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def revoke_all_refresh_tokens(session: AsyncSession, user_id: int, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def purge_dead_refresh_tokens(
    session: AsyncSession, *, expired_before: datetime, revoked_before: datetime
) -> int:
    result = await session.execute(
        delete(RefreshToken).where(
            or_(RefreshToken.expires_at < expired_before, RefreshToken.revoked_at < revoked_before)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def search(
    session: AsyncSession,
    term: str | None,
    plate: str | None,
    *,
    role: Role | None,
    after_id: int,
    limit: int,
) -> Sequence[User]:
    """Users by id order, matching a term in nick, names or email, or a car's plate, and
    holding `role` (any role when None)."""
    query = select(User).where(User.id > after_id, *_matching(term, plate, role))
    return (await session.scalars(query.order_by(User.id).limit(limit))).all()


async def count_matching(
    session: AsyncSession, term: str | None, plate: str | None, *, role: Role | None
) -> int:
    query = select(func.count()).select_from(User).where(*_matching(term, plate, role))
    return int(await session.scalar(query) or 0)


def _matching(term: str | None, plate: str | None, role: Role | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if role is not None:
        conditions.append(User.role == role)
    if term:
        pattern = f"%{_escape_like(term.lower())}%"
        matches: list[ColumnElement[bool]] = [
            func.lower(column).like(pattern, escape="\\")
            for column in (User.nick, User.email, User.first_name, User.last_name, User.patronymic)
        ]
        if plate:
            matches.append(
                exists().where(
                    Car.owner_id == User.id,
                    Car.removed_at.is_(None),
                    Car.plate.like(f"%{_escape_like(plate)}%", escape="\\"),
                )
            )
        conditions.append(or_(*matches))
    return conditions


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
