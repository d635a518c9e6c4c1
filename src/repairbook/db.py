"""Engine, session factory and the unit of work.

Only the outer layer (a resolver, a task, a CLI command) opens a unit of work and so
decides when to commit; services and repositories at most `flush()`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager

from sqlalchemy import BigInteger, ColumnElement, SQLColumnExpression, any_, literal
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SessionFactory = async_sessionmaker[AsyncSession]


def create_engine(url: str, *, pool_size: int = 10, max_overflow: int = 20) -> AsyncEngine:
    return create_async_engine(
        url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True
    )


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def unit_of_work(sessions: SessionFactory) -> AsyncIterator[AsyncSession]:
    """A transaction that commits when the block ends normally and rolls back otherwise."""
    async with sessions() as session, session.begin():
        yield session


@asynccontextmanager
async def read_only(sessions: SessionFactory) -> AsyncIterator[AsyncSession]:
    """A session for reads; whatever it did is rolled back when it closes."""
    async with sessions() as session:
        yield session


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the constraint or unique index PostgreSQL reported, if any."""
    diag = getattr(error.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    return name if isinstance(name, str) else None


def any_of(column: SQLColumnExpression[int], ids: Sequence[int]) -> ColumnElement[bool]:
    """`column = ANY(:ids)`: one array parameter, so the statement text (and PostgreSQL's
    and psycopg's caches) stay the same whatever the number of ids, unlike `IN (…)`."""
    return column == any_(literal(list(ids), type_=ARRAY(BigInteger)))


async def flush(session: AsyncSession, violations: Mapping[str, Callable[[], Exception]]) -> None:
    """Flush; a violated constraint named in `violations` becomes that domain error."""
    try:
        await session.flush()
    except IntegrityError as error:
        make = violations.get(violated_constraint(error) or "")
        if make is None:
            raise
        raise make() from error
