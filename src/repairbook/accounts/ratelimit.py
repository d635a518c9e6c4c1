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
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from repairbook.config import Settings
from repairbook.errors import RateLimited

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


class LoginThrottle:
    def __init__(self, redis: Redis, settings: Settings) -> None:
        self._redis = redis
        self._pair_limit = settings.login_failures_per_account_address
        self._account_free = settings.login_failures_per_account
        self._address_free = settings.login_failures_per_address
        self._window = settings.login_failure_window_seconds
        self._account_cap = settings.login_delay_max_account_seconds
        self._address_cap = settings.login_delay_max_address_seconds

    async def check(self, account: str, address: str) -> None:
        """Refuse, before the password is looked at, while a lock or a delay holds."""
        keys = _Keys.of(account, address)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.get(keys.pair)
            pipe.ttl(keys.pair)
            pipe.exists(keys.known)
            pipe.pttl(keys.account_delay)
            pipe.pttl(keys.address_delay)
            pair_count, pair_ttl, known, account_wait, address_wait = await pipe.execute()
        if pair_count is not None and int(pair_count) >= self._pair_limit:
            raise _refusal(max(pair_ttl, 1))
        if known:
            return
        wait_ms = max(account_wait, address_wait)  # PTTL is negative for a missing key
        if wait_ms > 0:
            raise _refusal(-(-wait_ms // 1000))

    async def record_failure(self, account: str, address: str) -> None:
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

    async def record_success(self, account: str, address: str) -> None:
        keys = _Keys.of(account, address)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(keys.pair)
            pipe.set(keys.known, 1, ex=KNOWN_FOR_SECONDS)
            await pipe.execute()


def _refusal(seconds: int) -> RateLimited:
    unit = "second" if seconds == 1 else "seconds"
    return RateLimited(
        f"Too many failed sign-in attempts; try again in {seconds} {unit}", retry_after=seconds
    )


def _delay_ms(excess: int, cap_seconds: int) -> int:
    """1 s after the first failure past the budget, doubling each time, up to the cap."""
    doubled: int = 1000 << min(excess - 1, 30)
    return min(doubled, 1000 * cap_seconds)
