"""Failed sign-in attempts, counted in Redis so that every API instance sees them.

Three budgets, each over a window that starts at the first failure:

- per (account, address): a tight budget, then that address is locked out of that account
  until the window ends. This is what stops one guesser.
- per account, from any address: past a looser budget every further failure makes the next
  attempt wait longer (1 s, 2 s, 4 s ... up to a cap), but never locks: a stranger trying
  from many addresses slows guessing down without keeping the owner out. An address that
  signed in to the account recently skips this delay altogether.
- per address, over any account: the same growing delay with a lower cap, so many people
  behind one NAT are slowed for seconds, not locked out, when one of them guesses.

An attempt refused by a delay or a lock does not count as a failure: the password was never
looked at.

While Redis cannot be reached, the same budgets are counted in this process's memory
(`LocalCounters`): sign-in keeps working, each process counts only what it sees, and what
was counted in Redis before counts again once it is back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

from repairbook.config import Settings
from repairbook.errors import RateLimited
from repairbook.telemetry import SIGN_IN_REFUSALS

log = logging.getLogger(__name__)
T = TypeVar("T")
_PREFIX = "repairbook:login"
KNOWN_FOR_SECONDS = 30 * 24 * 3600  # an address that signed in is trusted this long


@dataclass(frozen=True, slots=True)
class _Keys:
    pair: str
    account: str
    address: str
    account_delay: str
    address_delay: str
    known: str

    @classmethod
    def of(cls, account: str, address: str) -> _Keys:
        return cls(
            pair=f"{_PREFIX}:failures:pair:{account}:{address}",
            account=f"{_PREFIX}:failures:account:{account}",
            address=f"{_PREFIX}:failures:address:{address}",
            account_delay=f"{_PREFIX}:delay:account:{account}",
            address_delay=f"{_PREFIX}:delay:address:{address}",
            known=f"{_PREFIX}:known:{account}:{address}",
        )


class LocalCounters:
    """The few Redis commands the throttle uses, kept in this process's memory: where the
    budgets are counted while Redis is unreachable."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[int, float | None]] = {}  # value, monotonic expiry

    def pipeline(self, transaction: bool = True) -> _LocalPipeline:
        return _LocalPipeline(self)

    def _live(self, key: str) -> tuple[int, float | None] | None:
        found = self._values.get(key)
        if found is not None and found[1] is not None and found[1] <= time.monotonic():
            del self._values[key]
            return None
        return found

    def get(self, key: str) -> bytes | None:
        found = self._live(key)
        return None if found is None else str(found[0]).encode()

    def pttl(self, key: str) -> int:
        found = self._live(key)
        if found is None:
            return -2
        return -1 if found[1] is None else int((found[1] - time.monotonic()) * 1000)

    def ttl(self, key: str) -> int:
        left = self.pttl(key)
        return left if left < 0 else -(-left // 1000)

    def exists(self, key: str) -> int:
        return int(self._live(key) is not None)

    def set(
        self, key: str, value: int, ex: int | None = None, px: int | None = None, nx: bool = False
    ) -> bool | None:
        if nx and self._live(key) is not None:
            return None
        seconds = ex if ex is not None else (px / 1000 if px is not None else None)
        self._values[key] = (value, None if seconds is None else time.monotonic() + seconds)
        if len(self._values) > 100_000:  # a flood of addresses: drop what has expired
            for stale in [
                k for k, (_, at) in self._values.items() if at and at <= time.monotonic()
            ]:
                del self._values[stale]
        return True

    def incr(self, key: str) -> int:
        found = self._live(key)
        value, expires = (0, None) if found is None else found
        self._values[key] = (value + 1, expires)
        return value + 1

    def decr(self, key: str) -> int:
        found = self._live(key)
        value, expires = (0, None) if found is None else found
        self._values[key] = (value - 1, expires)
        return value - 1

    def delete(self, key: str) -> int:
        return int(self._values.pop(key, None) is not None)


class _LocalPipeline:
    """Commands queued as on a Redis pipeline, run at once by `execute`."""

    def __init__(self, store: LocalCounters) -> None:
        self._store = store
        self._calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    async def __aenter__(self) -> _LocalPipeline:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._calls.clear()

    def __getattr__(self, name: str) -> Callable[..., None]:
        def queue(*args: Any, **kwargs: Any) -> None:
            self._calls.append((name, args, kwargs))

        return queue

    async def execute(self) -> list[Any]:
        calls, self._calls = self._calls, []
        return [getattr(self._store, name)(*args, **kwargs) for name, args, kwargs in calls]


# One per process: the fallback's counts outlive each request's throttle.
LOCAL_COUNTERS = LocalCounters()


class LoginThrottle:
    def __init__(self, redis: Redis, settings: Settings) -> None:
        self._shared = redis
        self._redis: Redis | LocalCounters = redis
        self._pair_limit = settings.login_failures_per_account_address
        self._account_free = settings.login_failures_per_account
        self._address_free = settings.login_failures_per_address
        self._window = settings.login_failure_window_seconds
        self._account_cap = settings.login_delay_max_account_seconds
        self._address_cap = settings.login_delay_max_address_seconds

    async def _counted(self, work: Callable[[], Awaitable[T]]) -> T:
        """`work` against Redis, or against this process's counters while Redis is down."""
        self._redis = self._shared
        try:
            return await work()
        except (RedisError, OSError) as error:
            log.warning("sign-in throttle: Redis unreachable (%s); counting in this process", error)
        self._redis = LOCAL_COUNTERS
        return await work()

    async def check(self, account: str, address: str) -> None:
        """Refuse, before the password is looked at, while a lock or a delay holds."""
        await self._counted(lambda: self._check(account, address))

    async def record_failure(self, account: str, address: str) -> None:
        await self._counted(lambda: self._record_failure(account, address))

    async def record_success(self, account: str, address: str) -> None:
        await self._counted(lambda: self._record_success(account, address))

    async def _check(self, account: str, address: str) -> None:
        keys = _Keys.of(account, address)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.get(keys.pair)
            pipe.ttl(keys.pair)
            pipe.exists(keys.known)
            pipe.pttl(keys.account_delay)
            pipe.pttl(keys.address_delay)
            pair_count, pair_ttl, known, account_wait, address_wait = await pipe.execute()
        if pair_count is not None and int(pair_count) >= self._pair_limit:
            raise _refusal(max(pair_ttl, 1), reason="account_address_locked")
        if known:
            return
        wait_ms = max(account_wait, address_wait)  # PTTL is negative for a missing key
        if wait_ms > 0:
            raise _refusal(-(-wait_ms // 1000), reason="delayed")

    async def _record_failure(self, account: str, address: str) -> None:
        keys = _Keys.of(account, address)
        async with self._redis.pipeline(transaction=True) as pipe:
            for key in (keys.pair, keys.account, keys.address):
                # The window starts at the first failure and is not extended by later ones
                # (SET NX rather than EXPIRE NX, which Redis 6 lacks).
                pipe.set(key, 0, ex=self._window, nx=True)
                pipe.incr(key)
            results = await pipe.execute()
        account_failures, address_failures = int(results[3]), int(results[5])
        async with self._redis.pipeline(transaction=False) as pipe:
            for key, failures, free, cap in (
                (keys.account_delay, account_failures, self._account_free, self._account_cap),
                (keys.address_delay, address_failures, self._address_free, self._address_cap),
            ):
                if failures > free:
                    pipe.set(key, 1, px=_delay_ms(failures - free, cap))
            await pipe.execute()

    async def _record_success(self, account: str, address: str) -> None:
        keys = _Keys.of(account, address)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(keys.pair)
            pipe.set(keys.known, 1, ex=KNOWN_FOR_SECONDS)
            await pipe.execute()


def _refusal(seconds: int, *, reason: str) -> RateLimited:
    SIGN_IN_REFUSALS.labels(reason).inc()
    unit = "second" if seconds == 1 else "seconds"
    return RateLimited(
        f"Too many failed sign-in attempts; try again in {seconds} {unit}", retry_after=seconds
    )


def _delay_ms(excess: int, cap_seconds: int) -> int:
    """1 s after the first failure past the budget, doubling each time, up to the cap."""
    doubled: int = 1000 << min(excess - 1, 30)
    return min(doubled, 1000 * cap_seconds)


class Budget:
    """So many of one thing per key per window (from the first), counted in Redis like the
    sign-in failures. Past `free` of them each next one must wait longer (1 s, 2 s, 4 s … up
    to `delay_cap`); past `limit` none until the window ends. Refusals carry `retryAfter`.

    A unit is taken before the work and given back if the work fails, so concurrent
    requests can never go past the limit together.
    """

    def __init__(
        self,
        redis: Redis,
        name: str,
        *,
        limit: int,
        window: int,
        free: int | None = None,
        delay_cap: int = 60,
        refusal: str = "Too many requests; try again in {wait}",
    ) -> None:
        self._shared = redis
        self._redis: Redis | LocalCounters = redis
        self._prefix = f"repairbook:budget:{name}"
        self._limit, self._window = limit, window
        self._free, self._cap = (limit if free is None else min(free, limit)), delay_cap
        self._refusal = refusal

    async def _counted(self, work: Callable[[], Awaitable[T]]) -> T:
        """`work` against Redis, or against this process's counters while Redis is down
        (as the sign-in throttle does)."""
        self._redis = self._shared
        try:
            return await work()
        except (RedisError, OSError) as error:
            log.warning(
                "%s budget: Redis unreachable (%s); counting in this process", self._prefix, error
            )
        self._redis = LOCAL_COUNTERS
        return await work()

    async def take(self, key: str) -> None:
        """Count one, or raise RateLimited (counting nothing)."""
        wait = await self._counted(lambda: self._take(key))
        if wait is not None:
            unit = "second" if wait == 1 else "seconds"
            raise RateLimited(self._refusal.format(wait=f"{wait} {unit}"), retry_after=wait)

    async def try_take(self, key: str) -> bool:
        """Count one if the budget allows; False (counting nothing) if not."""
        return await self._counted(lambda: self._take(key)) is None

    async def give_back(self, key: str) -> None:
        await self._counted(lambda: self._run(("decr", f"{self._prefix}:count:{key}")))

    async def _run(self, *commands: tuple[Any, ...]) -> list[Any]:
        """Commands in one pipeline: the one form both Redis and LocalCounters take."""
        async with self._redis.pipeline(transaction=True) as pipe:
            for name, *args in commands:
                getattr(pipe, name)(*args)
            return list(await pipe.execute())

    async def _take(self, key: str) -> int | None:
        count_key, delay_key = f"{self._prefix}:count:{key}", f"{self._prefix}:delay:{key}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(count_key, 0, ex=self._window, nx=True)
            pipe.incr(count_key)
            pipe.ttl(count_key)
            pipe.pttl(delay_key)
            _, counted, ttl_left, delay_left = await pipe.execute()
        count, ttl, delay_ms = int(counted), int(ttl_left), int(delay_left)
        if count > self._limit or delay_ms > 0:
            await self._run(("decr", count_key))
            return max(ttl, 1) if count > self._limit else -(-delay_ms // 1000)
        if count > self._free:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(delay_key, 1, px=_delay_ms(count - self._free, self._cap))
                await pipe.execute()
        return None


def registrations(redis: Redis, settings: Settings) -> Budget:
    """Accounts made from one address: a script cannot hoard slots with many of them."""
    return Budget(
        redis,
        "register",
        limit=settings.registrations_per_address,
        free=settings.registrations_free_per_address,
        window=settings.registration_window_seconds,
        delay_cap=settings.registration_delay_max_seconds,
        refusal="Too many accounts were made from your address; try again in {wait}",
    )


def mail_requests(redis: Redis, settings: Settings, what: str, limit: int) -> Budget:
    """Mail that a caller can make us send (verification, reset links), per key."""
    return Budget(
        redis,
        what,
        limit=limit,
        window=settings.mail_request_window_seconds,
        refusal="Too many emails were asked for; try again in {wait}",
    )
