"""One Redis subscription per API process, fanned out in memory to its subscribers.

Each subscriber watches one date and has a bounded queue. For every message the hub reads
the affected slots once (as the board shows them now, with every detail) and offers them
to each subscriber of that date; a subscriber whose queue is full is dropped and told so,
and never slows the others. If Redis goes away the hub reconnects with backoff; what is
published meanwhile is lost (the README says so), bookings go on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

from repairbook.booking import service as booking
from repairbook.booking.availability import Calendar, Slot, SlotState
from repairbook.catalog import service as catalog
from repairbook.clock import Clock
from repairbook.db import Database, read_only
from repairbook.errors import InvalidInput
from repairbook.live.signals import CHANNEL, Change, Signal, decode
from repairbook.models.booking import Booking
from repairbook.models.catalog import Receptionist

log = logging.getLogger(__name__)
Overflow = Callable[[], Coroutine[Any, Any, None]]
U = TypeVar("U")


@dataclass(eq=False)
class SlotUpdate:
    """One slot as the board shows it now, with everything any viewer may be shown."""

    change: Change
    at: datetime
    slot: Slot
    receptionist: Receptionist
    booking: Booking | None  # the booking the slot shows, for viewers who may see it
    client_id: int | None
    # Renderings shared by every subscriber who sees the same thing (filled by the API).
    views: dict[Any, Any] = field(default_factory=dict)


@dataclass(eq=False)
class BookingUpdate:
    """A client's own booking made, cancelled or moved: what myBookingChanged delivers."""

    change: Change
    at: datetime
    booking: Booking


class Feed(Generic[U]):
    """One subscriber's bounded queue of updates for one date (or one client's bookings)."""

    def __init__(self, day: date, size: int, on_overflow: Overflow) -> None:
        self.day = day
        self._queue: asyncio.Queue[U] = asyncio.Queue(size)
        self.on_overflow = on_overflow

    def offer(self, update: U) -> bool:
        try:
            self._queue.put_nowait(update)
        except asyncio.QueueFull:
            return False
        return True

    async def next(self) -> U:
        return await self._queue.get()


class SlotHub:
    def __init__(
        self,
        redis_url: str,
        database: Database,
        calendar: Calendar,
        clock: Clock,
        *,
        queue_size: int = 256,
        max_backoff: float = 5.0,
    ) -> None:
        self._redis_url = redis_url
        self._database = database
        self._calendar = calendar
        self._clock = clock
        self._queue_size = queue_size
        self._max_backoff = max_backoff
        self._feeds: dict[date, set[Feed[SlotUpdate]]] = defaultdict(set)
        self._clients: dict[int, set[Feed[BookingUpdate]]] = defaultdict(set)
        self._listener: asyncio.Task[None] | None = None
        self._closing: set[asyncio.Task[None]] = set()
        self.listening = asyncio.Event()  # set while subscribed to Redis

    async def start(self) -> None:
        self._listener = asyncio.create_task(self._listen(), name="slot hub")

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        for task in list(self._closing):
            task.cancel()

    @contextlib.asynccontextmanager
    async def subscribe(self, day: date, on_overflow: Overflow) -> AsyncIterator[Feed[SlotUpdate]]:
        feed: Feed[SlotUpdate] = Feed(day, self._queue_size, on_overflow)
        self._feeds[day].add(feed)
        try:
            yield feed
        finally:
            self._drop(feed)

    @contextlib.asynccontextmanager
    async def subscribe_client(
        self, client_id: int, on_overflow: Overflow
    ) -> AsyncIterator[Feed[BookingUpdate]]:
        """One client's own bookings, made, cancelled or moved by anyone."""
        feed: Feed[BookingUpdate] = Feed(date.min, self._queue_size, on_overflow)
        self._clients[client_id].add(feed)
        try:
            yield feed
        finally:
            feeds = self._clients.get(client_id)
            if feeds is not None:
                feeds.discard(feed)
                if not feeds:
                    del self._clients[client_id]

    @property
    def subscriber_count(self) -> int:
        boards = sum(len(feeds) for feeds in self._feeds.values())
        return boards + sum(len(feeds) for feeds in self._clients.values())

    def _drop(self, feed: Feed[SlotUpdate]) -> None:
        feeds = self._feeds.get(feed.day)
        if feeds is not None:
            feeds.discard(feed)
            if not feeds:
                del self._feeds[feed.day]

    async def _listen(self) -> None:
        delay = 0.1
        while True:
            redis = Redis.from_url(self._redis_url, socket_connect_timeout=2)
            try:
                async with redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self.listening.set()
                    delay = 0.1
                    log.info("listening for slot changes")
                    async for message in pubsub.listen():
                        if message["type"] == "message":
                            await self._dispatch(message["data"])
            except (RedisError, OSError) as error:
                log.warning("slot changes: Redis unavailable (%s); retrying in %.1fs", error, delay)
            except Exception:
                log.exception("slot changes: listener failed; retrying in %.1fs", delay)
            finally:
                self.listening.clear()
                with contextlib.suppress(Exception):
                    await redis.aclose()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._max_backoff)

    async def _dispatch(self, raw: bytes) -> None:
        try:
            at, signals = decode(raw)
        except ValueError:
            log.warning("ignored a malformed slot message")
            return
        wanted: dict[date, list[Signal]] = defaultdict(list)
        for signal in signals:
            for day in [signal.day] if signal.day else list(self._feeds):
                if day in self._feeds:
                    wanted[day].append(signal)
        for day, day_signals in wanted.items():
            updates = await self._updates(day, day_signals, at)
            for feed in list(self._feeds.get(day, ())):
                if not all(feed.offer(update) for update in updates):
                    self._drop(feed)
                    self._overflow(feed)
        await self._dispatch_to_clients(signals, at)

    async def _dispatch_to_clients(self, signals: Sequence[Signal], at: datetime) -> None:
        """Each client's own bookings that changed, read once in one query."""
        mine = [
            s
            for s in signals
            if s.client_id in self._clients
            and s.booking_id is not None
            and s.change is not Change.MOVED_AWAY  # a move is told once, as MOVED_HERE
        ]
        if not mine:
            return
        async with read_only(self._database) as db:
            ids = list({s.booking_id for s in mine if s.booking_id is not None})
            rows = {b.id: b for b in await booking.bookings_by_id(db, ids)}
        for signal in mine:
            row = rows.get(signal.booking_id or 0)
            feeds = self._clients.get(signal.client_id or 0, set())
            if row is None:
                continue
            for feed in list(feeds):
                if not feed.offer(BookingUpdate(signal.change, at, row)):
                    feeds.discard(feed)
                    self._overflow(feed)

    def _overflow(self, feed: Feed[Any]) -> None:
        log.warning("dropped a live subscriber that fell behind (%s)", feed.day)
        task = asyncio.create_task(feed.on_overflow())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _updates(
        self, day: date, signals: Sequence[Signal], at: datetime
    ) -> list[SlotUpdate]:
        """The affected slots of one day, read once for every subscriber of that day."""
        async with read_only(self._database) as db:
            states = await booking.day_states(
                db, day, calendar=self._calendar, now=self._clock.now()
            )
            people = {r.id: r for r in states.receptionists}
            picked: list[tuple[Change, Slot]] = []
            for signal in signals:
                slots = [s for s in states.slots if _matches(signal, s)]
                gone = signal.receptionist_id is not None and signal.receptionist_id not in people
                if gone and signal.starts_at is None and signal.receptionist_id is not None:
                    # Left off the board: every slot of the column shown closed, once more.
                    person = await catalog.receptionist(db, signal.receptionist_id)
                    if person is None:
                        continue
                    people[person.id] = person
                    slots = self._closed_column(day, person.id)
                picked.extend((signal.change, slot) for slot in slots)
            shown = {s.booking_id for _, s in picked if s.booking_id in states.client_of}
            rows = {b.id: b for b in await booking.bookings_by_id(db, list(shown))}
        return [
            SlotUpdate(
                change=change,
                at=at,
                slot=slot,
                receptionist=people[slot.receptionist_id],
                booking=rows.get(slot.booking_id) if slot.booking_id else None,
                client_id=states.client_of.get(slot.booking_id) if slot.booking_id else None,
            )
            for change, slot in picked
        ]

    def _closed_column(self, day: date, receptionist_id: int) -> list[Slot]:
        step = self._calendar.slot
        return [
            Slot(start, start + step, receptionist_id, SlotState.CLOSED, None)
            for start in self._calendar.grid(day)
        ]


def check_day(day: date, calendar: Calendar, now: datetime) -> None:
    """Boards change from today to the end of the booking window; other days never do."""
    if not calendar.local_day(now) <= day <= calendar.last_bookable_day(now):
        raise InvalidInput(
            f"Watch a day from today to {calendar.window_days} days ahead", field="date"
        )


def _matches(signal: Signal, slot: Slot) -> bool:
    if signal.receptionist_id is not None and slot.receptionist_id != signal.receptionist_id:
        return False
    return signal.starts_at is None or slot.starts_at == signal.starts_at
