"""Long-lived connections that the API and the worker hold for their whole run."""

from __future__ import annotations

from dataclasses import dataclass

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from sqlalchemy.ext.asyncio import AsyncEngine

from repairbook.accounts.passwords import PasswordHasher
from repairbook.accounts.ratelimit import LoginThrottle
from repairbook.config import Settings
from repairbook.db import SessionFactory, create_engine, create_session_factory


@dataclass
class Resources:
    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory
    redis: ArqRedis
    hasher: PasswordHasher
    throttle: LoginThrottle

    @classmethod
    async def open(cls, settings: Settings) -> Resources:
        if not settings.database_url or not settings.redis_url:
            raise RuntimeError("database_url and redis_url must be set (or use `repairbook dev`)")
        engine = create_engine(settings.database_url, pool_size=settings.db_pool_size)
        redis = await create_pool(RedisSettings.from_dsn(settings.redis_url))
        return cls(
            settings=settings,
            engine=engine,
            sessions=create_session_factory(engine),
            redis=redis,
            hasher=PasswordHasher(settings.argon2_memory_kib, settings.argon2_rounds),
            throttle=LoginThrottle(
                redis,
                per_account=settings.login_failures_per_account,
                per_address=settings.login_failures_per_address,
                window_seconds=settings.login_failure_window_seconds,
            ),
        )

    async def close(self) -> None:
        await self.redis.aclose()
        await self.engine.dispose()
