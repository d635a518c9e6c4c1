"""The day board, answered from memory while nothing it shows has changed.

Every client and every manager's screen reads `availability(date)` over and over, hundreds
of times for each booking written. This keeps each finished response (the bytes) per
process, keyed by what makes it what it is:

- the request: a SHA-256 digest of the document, the operation, the variables the document
  declares (others change nothing and are left out) and the extensions, so a key is small
  whatever was sent;
- the viewer, where it matters: a document that selects `booking` is answered per viewer
  kind (anonymous, staff), and per client for a client with a booking that day (who sees
  it); a client without one sees, and shares, the anonymous answer. Each entry is computed
  *as* its kind: a shared entry as an anonymous caller (no booking details at all), a staff
  one as staff, a client's as that client, so a booking that commits while a shared entry
  is computed can never put one client's details into it. A document that does not select
  `booking` is the same for everyone and is computed as an anonymous caller;
- the data: the day's stamp, the stamp of everything every board shows and the database's
  epoch, read from `board_versions` and `board_epoch()` before the board is computed.
  PostgreSQL restamps them in the very transaction that changes a booking, a closed day, a
  receptionist, the catalog (`all`), or a client or a car (the days their bookings are on)
  (migrations 0007, 0008), so once a change has committed, the next read anywhere sees a
  new stamp and computes the board afresh; a rolled-back change restamps nothing. A missing
  stamp is unknown, never 0: it is created afresh (a new number) and nothing cached
  matches it. The epoch is drawn when the migration runs and by `repairbook
  restamp-boards` (for writes that fired no trigger), so stamps that come back after the
  sequence starts over match nothing;
- the clock: an entry lasts until the next slot of that day starts (it turns PAST) or the
  shop's midnight (the booking window moves), and never longer than MAX_AGE. Only days
  from the shop's today to the last bookable day are kept.

The stamps are read on one connection per process, and concurrent requests share one
read: a request waits for the next read that starts after it arrived, never for one already
under way (which could predate a commit the request must see). Concurrent misses for the
same entry compute it once; a request that joins a computation under way takes its answer
only while that answer still holds at the request's own moment. Only answers without
errors are kept, at most `max_entries` of them and `max_bytes` counted with each entry's
bookkeeping; expired entries are dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import psycopg
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    VariableNode,
    Visitor,
    get_named_type,
    parse,
    visit,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.responses import Response

from repairbook.booking.availability import Calendar
from repairbook.clock import Clock
from repairbook.db import Database
from repairbook.models.accounts import User
from repairbook.schema.scalars import EARLIEST, LATEST

log = logging.getLogger(__name__)

MAX_AGE = timedelta(minutes=5)  # a safety net; stamps and slot times end entries sooner
MAX_DOCUMENT = 10_000  # characters; longer documents are answered without the cache
HEADER = "x-cache"
REQUEST_KEYS = frozenset({"query", "variables", "operationName", "extensions"})
ANONYMOUS = "anonymous"
MAX_DAYS = 400  # days whose clients are remembered (the booking window and then some)
# What an entry holds besides its body (key, stamps, times, the dict's slot), counted
# generously: measured at ~450 bytes with tracemalloc.
ENTRY_OVERHEAD = 1024
SWEEP_EVERY = timedelta(minutes=1)  # how often expired entries are looked for
# Fields under a board whose answer depends on more than the day: never cached.
OTHER_DAYS = frozenset({("User", "bookings")})
Stamps = tuple[int, int, int]  # the epoch, the day's stamp, the stamp of `all`
Produce = Callable[[User | None], Awaitable[tuple[Response, bool]]]  # computes as this viewer
# Creates the stamps a request needs that are missing (a new number each: never one that
# could have been seen before) and reads them, with the epoch, in one statement. Rows are
# created in order, as the triggers lock days, so that the two never wait on each other.
READ_STAMPS = """
WITH wanted AS (SELECT unnest(%(scopes)s::text[]) AS scope),
created AS (
  INSERT INTO board_versions (scope, version)
  SELECT scope, nextval('board_version_stamps') FROM wanted
  WHERE scope NOT IN (SELECT scope FROM board_versions)
  ORDER BY scope
  ON CONFLICT ON CONSTRAINT pk_board_versions DO NOTHING
  RETURNING scope, version
)
SELECT 'epoch', board_epoch()
UNION ALL SELECT scope, version FROM board_versions WHERE scope = ANY(%(scopes)s)
UNION ALL SELECT scope, version FROM created
"""


def epoch_statement(epoch: int) -> str:
    """Sets the epoch every cached board's key holds (as migration 0008 does)."""
    return (
        "CREATE OR REPLACE FUNCTION board_epoch() RETURNS bigint"
        f" LANGUAGE sql STABLE AS $$ SELECT {int(epoch)}::bigint $$"
    )


async def restamp_everything(connection: AsyncConnection, epoch: int) -> int:
    """For writes that fired no trigger (`pg_restore --disable-triggers`,
    `session_replication_role = replica`): a new epoch, so that nothing any process has
    cached matches again, and a new number for every stamp. Returns how many stamps."""
    await connection.exec_driver_sql(epoch_statement(epoch))
    result = await connection.exec_driver_sql(
        "UPDATE board_versions SET version = nextval('board_version_stamps')"
    )
    return int(result.rowcount)


@dataclass(frozen=True, slots=True)
class BoardDocument:
    """A document that asks for one day's board and nothing else."""

    date_literal: str | None
    date_variable: str | None
    private: bool  # it selects `booking`, which differs from viewer to viewer
    declared: frozenset[str]  # the operation's variables; others are left out of the key


@dataclass(frozen=True, slots=True)
class Plan:
    day: date
    key: bytes  # a digest of the request
    private: bool


@dataclass(slots=True)
class _Entry:
    stamps: Stamps
    valid_until: datetime
    body: bytes

    @property
    def cost(self) -> int:
        return len(self.body) + ENTRY_OVERHEAD


@dataclass(slots=True)
class _Flight:
    valid_until: datetime
    done: asyncio.Future[bytes | None]


@dataclass(slots=True)
class _Read:
    days: set[str] = field(default_factory=set)
    done: asyncio.Future[dict[str, int]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class Stamper:
    """Reads day stamps on one connection of its own; concurrent callers share each read."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._connection: AsyncConnection | None = None
        self._driver: psycopg.AsyncConnection[Any] | None = None
        self._next: _Read | None = None
        self._reader: asyncio.Task[None] | None = None

    async def stamps(self, day: date) -> Stamps | None:
        """The epoch and the stamps of `day` and `all`; None when one is unknown."""
        scope = day.isoformat()
        read = self._next
        if read is None:
            read = self._next = _Read()
            if self._reader is None:
                self._reader = asyncio.get_running_loop().create_task(self._read_all())
        read.days.add(scope)
        found = await asyncio.shield(read.done)
        epoch, stamp, everything = found.get("epoch"), found.get(scope), found.get("all")
        if epoch is None or stamp is None or everything is None:
            return None
        return epoch, stamp, everything

    async def _read_all(self) -> None:
        try:
            while (read := self._next) is not None:
                self._next = None  # later callers wait for the read after this one
                try:
                    rows = await self._fetch(READ_STAMPS, {"scopes": [*read.days, "all"]})
                except Exception as error:
                    read.done.set_exception(error)
                    read.done.exception()  # retrieved: every waiter gets it, none may be left
                else:
                    read.done.set_result(
                        {scope: int(version) for scope, version in rows if version is not None}
                    )
        finally:
            self._reader = None

    async def clients_on(self, day: date) -> tuple[tuple[int, int] | None, frozenset[int]]:
        """The epoch and the day's stamp (None when unknown), and every client with a
        booking on that day (cancelled ones too), read in one statement, so that they
        describe the same moment."""
        [(epoch, version, clients)] = await self._fetch(
            "SELECT board_epoch(), (SELECT version FROM board_versions WHERE scope = %s),"
            " ARRAY(SELECT DISTINCT client_id FROM bookings WHERE day = %s)",
            (day.isoformat(), day),
        )
        stamp = None if version is None else (int(epoch), int(version))
        return stamp, frozenset(clients)

    async def _fetch(self, sql: str, parameters: Any) -> list[tuple[Any, ...]]:
        """Rows of one statement, outside any transaction. The connection is the pool's,
        held for good; statements go straight to the driver, as this is on every board
        request's path. A broken connection is dropped and the next call takes a fresh one."""
        try:
            driver = self._driver or await self._connect()
            cursor = await driver.execute(sql, parameters)
            return await cursor.fetchall()
        except Exception:
            broken, self._connection, self._driver = self._connection, None, None
            if broken is not None:
                with contextlib.suppress(Exception):
                    await broken.invalidate()
            raise

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        connection = await self._database.engine.connect()
        self._connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        driver = (await self._connection.get_raw_connection()).driver_connection
        assert isinstance(driver, psycopg.AsyncConnection)
        assert driver.autocommit  # no transaction is left open between reads
        self._driver = driver
        return driver

    async def close(self) -> None:
        connection, self._connection, self._driver = self._connection, None, None
        if connection is not None:
            await connection.close()


class BoardCache:
    def __init__(
        self,
        schema: GraphQLSchema,
        stamper: Stamper,
        calendar: Calendar,
        clock: Clock,
        *,
        max_bytes: int = 64 * 2**20,
        max_entries: int = 20_000,
    ) -> None:
        self._schema = schema
        self._stamper = stamper
        self._calendar = calendar
        self._clock = clock
        self._max_bytes = max_bytes
        self._max_entries = max_entries
        self._bytes = 0
        self._entries: OrderedDict[tuple[bytes, str | None], _Entry] = OrderedDict()
        self._flights: dict[tuple[bytes, str | None, Stamps], _Flight] = {}
        self._clients: dict[date, tuple[tuple[int, int], frozenset[int]]] = {}
        self._documents = lru_cache(maxsize=256)(self._document)
        self._sweep_at: datetime | None = None

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes_held(self) -> int:
        """What the entries hold, as counted against `max_bytes`."""
        return self._bytes

    async def close(self) -> None:
        await self._stamper.close()

    @property
    def entry_count(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def plan(self, payload: object) -> Plan | None:
        """How to cache this request, or None when it is not a board request."""
        if not isinstance(payload, dict) or not payload.keys() <= REQUEST_KEYS:
            return None
        query, name = payload.get("query"), payload.get("operationName")
        variables = payload.get("variables")
        variables = {} if variables is None else variables
        extensions = payload.get("extensions")  # as some clients send; part of the key
        extensions = {} if extensions is None else extensions
        if not isinstance(query, str) or len(query) > MAX_DOCUMENT:
            return None
        if not isinstance(name, str | None) or not isinstance(variables, dict):
            return None
        if not isinstance(extensions, dict):
            return None
        document = self._documents(query, name)
        if document is None:
            return None
        text = document.date_literal
        if document.date_variable is not None:
            text = variables.get(document.date_variable)
        day = _day(text)
        if day is None:
            return None  # the ordinary path says what is wrong with it
        declared = {k: v for k, v in variables.items() if k in document.declared}
        canonical = json.dumps(
            [query, name, declared, extensions], sort_keys=True, separators=(",", ":")
        )
        return Plan(day, hashlib.sha256(canonical.encode()).digest(), document.private)

    async def answer(self, plan: Plan, viewer: User | None, produce: Produce) -> Response:
        now = self._clock.now()
        if not self._calendar.local_day(now) <= plan.day <= self._calendar.last_bookable_day(now):
            # Not kept: the triggers restamp a client's or a car's days from yesterday on.
            response, _ = await produce(viewer if plan.private else None)
            return response
        try:
            stamps = await self._stamper.stamps(plan.day)
        except Exception:
            log.warning("board stamps unavailable; answering without the cache", exc_info=True)
            response, _ = await produce(viewer if plan.private else None)
            return response
        kind = await self._viewer_key(plan, viewer, stamps)
        # Computed as what the entry's kind may see, whoever asked.
        as_viewer = viewer if kind is not None and kind != ANONYMOUS else None
        if stamps is None:  # unknown: nothing cached can match, and nothing is kept
            response, _ = await produce(as_viewer)
            response.headers[HEADER] = "MISS"
            return response
        key = (plan.key, kind)
        entry = self._entries.get(key)
        if entry is not None:
            if entry.stamps == stamps and now < entry.valid_until:
                self._entries.move_to_end(key)
                return _cached(entry.body, "HIT")
            if now >= entry.valid_until:
                self._drop(key)
        flight_key = (*key, stamps)
        flight = self._flights.get(flight_key)
        if flight is not None and now < flight.valid_until:
            # The board under way holds at this request's moment too.
            body = await asyncio.shield(flight.done)
            if body is not None:
                return _cached(body, "HIT")
        valid_until = self._valid_until(plan.day, now)
        leading = flight is None
        if leading:
            flight = self._flights[flight_key] = _Flight(
                valid_until, asyncio.get_running_loop().create_future()
            )
        body = None
        try:
            response, keep = await produce(as_viewer)
            if keep and isinstance(response.body, bytes):
                body = response.body
                self._store(key, _Entry(stamps, valid_until, body), now)
        finally:
            if leading:
                del self._flights[flight_key]
                assert flight is not None
                flight.done.set_result(body)
        response.headers[HEADER] = "MISS"
        return response

    async def _viewer_key(
        self, plan: Plan, viewer: User | None, stamps: Stamps | None
    ) -> str | None:
        """Whose board this is: everyone's, unless the document selects `booking`; then
        staff's (they see every booking), or a client's own when they have a booking that
        day. A client without one sees what an anonymous caller sees, and shares that entry."""
        if not plan.private:
            return None
        if viewer is None:
            return ANONYMOUS
        if viewer.is_staff:
            return "staff"
        clients = None if stamps is None else await self._clients_on(plan.day, stamps)
        if clients is not None and viewer.id not in clients:
            return ANONYMOUS
        return f"client:{viewer.id}"

    async def _clients_on(self, day: date, stamps: Stamps) -> frozenset[int] | None:
        """The clients with a booking on `day` as of `stamps`, read once per change; None
        when the day changed again meanwhile (the caller then assumes the worst)."""
        stamp = stamps[:2]
        known = self._clients.get(day)
        if known is not None and known[0] == stamp:
            return known[1]
        try:
            found, clients = await self._stamper.clients_on(day)
        except Exception:
            log.warning("clients of %s unavailable", day, exc_info=True)
            return None
        if found != stamp or found is None:
            return None
        if len(self._clients) >= MAX_DAYS:
            self._clients.clear()
        self._clients[day] = (found, clients)
        return clients

    def _store(self, key: tuple[bytes, str | None], entry: _Entry, now: datetime) -> None:
        if self._sweep_at is None or now >= self._sweep_at:
            self._sweep_at = now + SWEEP_EVERY
            for expired in [k for k, e in self._entries.items() if now >= e.valid_until]:
                self._drop(expired)
        self._drop(key)
        self._entries[key] = entry
        self._bytes += entry.cost
        while self._entries and (
            self._bytes > self._max_bytes or len(self._entries) > self._max_entries
        ):
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= evicted.cost

    def _drop(self, key: tuple[bytes, str | None]) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old.cost

    def _valid_until(self, day: date, now: datetime) -> datetime:
        """The first moment the board of `day` could look different with no data changed:
        its next slot starting (today), or midnight (the booking window moves)."""
        local = now.astimezone(self._calendar.zone)
        midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time())
        until = min(midnight.replace(tzinfo=self._calendar.zone), now + MAX_AGE)
        if day == local.date():
            upcoming = [start for start in self._calendar.grid(day) if start > now]
            if upcoming:
                until = min(until, upcoming[0])
        return until

    def _document(self, query: str, operation_name: str | None) -> BoardDocument | None:
        try:
            document = parse(query, max_tokens=2_000)
        except GraphQLError:
            return None
        return _board_document(self._schema, document, operation_name)


def _board_document(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> BoardDocument | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1 or operations[0].operation is not OperationType.QUERY:
        return None
    roots = operations[0].selection_set.selections
    if len(roots) != 1 or not isinstance(roots[0], FieldNode):
        return None
    root = roots[0]
    if root.name.value != "availability" or root.directives:
        return None
    argument = next((a for a in root.arguments or () if a.name.value == "date"), None)
    literal = variable = None
    if argument is not None and isinstance(argument.value, StringValueNode):
        literal = argument.value.value
    elif argument is not None and isinstance(argument.value, VariableNode):
        variable = argument.value.name.value
    else:
        return None
    fields = _Fields(TypeInfo(schema))
    visit(document, TypeInfoVisitor(fields.type_info, fields))
    if fields.other_days:
        return None
    declared = frozenset(d.variable.name.value for d in operations[0].variable_definitions or ())
    return BoardDocument(literal, variable, fields.private, declared)


class _Fields(Visitor):
    """Which fields a document selects, by the type they are on."""

    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.private = False
        self.other_days = False

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        parent = self.type_info.get_parent_type()
        if parent is None:
            return
        name = get_named_type(parent).name
        if (name, node.name.value) in OTHER_DAYS:
            self.other_days = True
        if (name, node.name.value) == ("Slot", "booking"):
            self.private = True


def _day(text: object) -> date | None:
    if not isinstance(text, str):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if EARLIEST <= day.year <= LATEST else None


def _cached(body: bytes, state: str) -> Response:
    return Response(body, media_type="application/json", headers={HEADER: state})
