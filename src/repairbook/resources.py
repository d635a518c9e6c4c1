"""Long-lived connections that the API and the worker hold for their whole run.

Plumbing only: what a domain builds on top of these (a password hasher, a login throttle,
after-commit consumers) is wired by the outer layer that opens them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from arq.connections import ArqRedis
from redis.asyncio import ConnectionPool

from repairbook.clock import Clock, SystemClock
from repairbook.config import Settings
from repairbook.db import Database, SessionFactory

QUEUE = "repairbook:queue"  # the one arq queue: the API enqueues and the worker listens here
REDIS_TIMEOUT = 2.0  # seconds to connect to Redis: an unreachable one must not hold requests


@dataclass
class Resources:
    settings: Settings
    database: Database
    redis: ArqRedis
    clock: Clock = field(default_factory=SystemClock)

    @classmethod
    async def open(cls, settings: Settings, *, clock: Clock | None = None) -> Resources:
        if not settings.database_url or not settings.redis_url:
            raise RuntimeError("database_url and redis_url must be set (or use `repairbook dev`)")
        database = Database.connect(settings.database_url, pool_size=settings.db_pool_size)
        # Connected on first use, not here: a process starts while Redis is down (sign-in
        # falls back to a per-process throttle, /readyz says so) and uses it once it is up.
        pool = ConnectionPool.from_url(settings.redis_url, socket_connect_timeout=REDIS_TIMEOUT)
        redis = ArqRedis(pool, default_queue_name=QUEUE)
        return cls(settings, database, redis, clock or SystemClock())

    @property
    def sessions(self) -> SessionFactory:
        return self.database.sessions

    async def close(self) -> None:
        await self.redis.aclose()
        await self.database.dispose()
