"""Engine, session factory and the unit of work.

Only the outer layer (a resolver, a task, a CLI command) opens a unit of work and so
decides when to commit; services and repositories at most `flush()`. Services record
events on the session (`record`); the unit of work hands them to the consumers only after
its transaction commits, and drops them when it rolls back.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    SQLColumnExpression,
    any_,
    func,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

T = TypeVar("T")
U = TypeVar("U")
log = logging.getLogger(__name__)
SessionFactory = async_sessionmaker[AsyncSession]
_EVENTS = "repairbook.events"


class Event:
    """Something that happened inside a transaction and matters outside it once committed.

    Domain packages subclass it with frozen dataclasses of plain values.
    """


Consumer = Callable[[Sequence[Event]], Awaitable[None]]


@dataclass
class Database:
    engine: AsyncEngine
    sessions: SessionFactory
    # Called in order after every commit that recorded events.
    after_commit: list[Consumer] = field(default_factory=list)

    @classmethod
    def connect(cls, url: str, *, pool_size: int = 10, max_overflow: int = 20) -> Database:
        engine = create_async_engine(
            url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True
        )
        return cls(engine, async_sessionmaker(engine, expire_on_commit=False, autoflush=False))

    async def dispose(self) -> None:
        await self.engine.dispose()


def record(session: AsyncSession, event: Event) -> None:
    """Note an event to be handed on if, and only if, this transaction commits."""
    session.info.setdefault(_EVENTS, []).append(event)


@asynccontextmanager
async def unit_of_work(database: Database) -> AsyncIterator[AsyncSession]:
    """A transaction that commits when the block ends normally and rolls back otherwise;
    the events recorded in it reach the consumers after the commit."""
    async with database.sessions() as session:
        async with session.begin():
            yield session
        events: list[Event] = session.info.pop(_EVENTS, [])
    if events:
        await deliver(events, database.after_commit)


async def deliver(events: Sequence[Event], consumers: Sequence[Consumer]) -> None:
    """Hand committed events on. A consumer that fails (Redis down) is logged, not raised:
    the change is committed and the caller must hear so."""
    for consume in consumers:
        try:
            await consume(events)
        except Exception:
            log.exception("after-commit consumer %s failed", getattr(consume, "__name__", consume))


@asynccontextmanager
async def read_only(database: Database) -> AsyncIterator[AsyncSession]:
    """A session for reads; whatever it did is rolled back when it closes."""
    async with database.sessions() as session:
        yield session


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its rows, whether more follow, how many there are in all, and
    (for lists read by position rather than id) where the page starts."""

    items: Sequence[T]
    has_next: bool
    total: int = 0
    offset: int | None = None  # None: read in id order, after a given id

    @classmethod
    def of(cls, rows: Sequence[T], limit: int, total: int = 0) -> Page[T]:
        """From `limit + 1` rows read: the extra row only says another page exists."""
        return cls(rows[:limit], len(rows) > limit, total)

    def map(self, convert: Callable[[Sequence[T]], Sequence[U]]) -> Page[U]:
        return Page(convert(self.items), self.has_next, self.total, self.offset)


async def offset_page(
    session: AsyncSession, query: Select[T], *, offset: int, limit: int
) -> Page[T]:
    """A page of an ordered query by position, with the count of every row it matches:
    for lists ordered by time, where an id says nothing of the order."""
    counted = select(func.count()).select_from(query.order_by(None).subquery())
    total = int(await session.scalar(counted) or 0)
    rows = (await session.scalars(query.offset(offset).limit(limit + 1))).all()
    return Page(rows[:limit], len(rows) > limit, total, offset)


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
