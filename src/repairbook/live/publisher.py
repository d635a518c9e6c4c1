"""The after-commit consumer that tells every API process which slots changed."""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis

from repairbook.clock import Clock
from repairbook.db import Consumer, Event
from repairbook.live.signals import CHANNEL, encode, signals_of


def slot_publisher(redis: Redis, clock: Clock) -> Consumer:
    """One PUBLISH per commit that changed a board. When Redis is down the change is still
    committed and the caller still told so; live subscribers miss this one event."""

    async def publish_slot_changes(events: Sequence[Event]) -> None:
        signals = signals_of(events)
        if signals:
            await redis.publish(CHANNEL, encode(signals, clock.now()))

    return publish_slot_changes
