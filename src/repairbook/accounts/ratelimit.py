"""Failed-login counters in Redis, shared by every API instance."""

from __future__ import annotations

from redis.asyncio import Redis

from repairbook.config import Settings
from repairbook.errors import RateLimited


class LoginThrottle:
    def __init__(
        self, redis: Redis, *, per_account: int, per_address: int, window_seconds: int
    ) -> None:
        self._redis = redis
        self._limits = {"account": per_account, "address": per_address}
        self._window = window_seconds

    @classmethod
    def for_settings(cls, redis: Redis, settings: Settings) -> LoginThrottle:
        return cls(
            redis,
            per_account=settings.login_failures_per_account,
            per_address=settings.login_failures_per_address,
            window_seconds=settings.login_failure_window_seconds,
        )

    @staticmethod
    def _keys(account: str, address: str) -> dict[str, str]:
        return {
            "account": f"repairbook:login-failures:account:{account}",
            "address": f"repairbook:login-failures:address:{address}",
        }

    async def check(self, account: str, address: str) -> None:
        """Refuse before the password is even looked at once a limit is reached."""
        keys = self._keys(account, address)
        counts = await self._redis.mget(list(keys.values()))
        for (scope, _), count in zip(keys.items(), counts, strict=True):
            if count is not None and int(count) >= self._limits[scope]:
                ttl = await self._redis.ttl(keys[scope])
                raise RateLimited(
                    f"Too many failed sign-in attempts; try again in {max(ttl, 1)} seconds"
                )

    async def record_failure(self, account: str, address: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            for key in self._keys(account, address).values():
                # The window starts at the first failure and is not extended by later ones
                # (SET NX rather than EXPIRE NX, which Redis 6 lacks).
                pipe.set(key, 0, ex=self._window, nx=True)
                pipe.incr(key)
            await pipe.execute()

    async def record_success(self, account: str, address: str) -> None:
        await self._redis.delete(self._keys(account, address)["account"])
