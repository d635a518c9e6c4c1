"""Argon2id password hashing (passlib, provided by the maintained `libpass` fork).

Hashing is deliberately slow, so callers run it in a worker thread to keep the event
loop responsive.
"""

from __future__ import annotations

import asyncio
from functools import cache

from passlib.context import CryptContext

from repairbook.config import Settings


@cache
def _context(memory_kib: int, rounds: int) -> CryptContext:
    return CryptContext(
        schemes=["argon2"],
        argon2__type="ID",
        argon2__memory_cost=memory_kib,
        argon2__rounds=rounds,
    )


def hasher_for(settings: Settings) -> PasswordHasher:
    """One hasher per cost setting for the whole process (making one hashes a decoy)."""
    return _hasher(settings.argon2_memory_kib, settings.argon2_rounds)


@cache
def _hasher(memory_kib: int, rounds: int) -> PasswordHasher:
    return PasswordHasher(memory_kib, rounds)


class PasswordHasher:
    def __init__(self, memory_kib: int = 65536, rounds: int = 3) -> None:
        self._context = _context(memory_kib, rounds)
        # Verified when the login names nobody, so that a missing account costs the same time.
        self._decoy = self._context.hash("decoy password that matches nothing")

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._context.hash, password)

    async def verify(self, password: str, password_hash: str | None) -> bool:
        target = password_hash or self._decoy
        ok = await asyncio.to_thread(self._context.verify, password, target)
        return bool(ok) and password_hash is not None
