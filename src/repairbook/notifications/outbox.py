"""Writing messages to the outbox, in the caller's transaction.

A message is a row: who it is for, what it is about (a snapshot of plain values), and a
dedupe key that makes a second row for the same event impossible. Once the transaction
commits, `MailQueued` asks a worker to deliver (see `tasks.queue_delivery`); until then
nothing leaves, and if it rolls back nothing ever does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.db import Event, record
from repairbook.models.accounts import User
from repairbook.models.notifications import MessageKind
from repairbook.notifications import repository


@dataclass(frozen=True, slots=True)
class MailQueued(Event):
    first_id: int  # the lowest new row id, which names the delivery job


@dataclass(frozen=True, slots=True)
class Mail:
    kind: MessageKind
    dedupe_key: str
    user_id: int | None
    recipient: str
    locale: str
    data: dict[str, Any]
    booking_id: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    campaign_id: int | None = None

    @classmethod
    def to_user(cls, user: User, kind: MessageKind, dedupe_key: str, **data: Any) -> Mail:
        booking_id = data.get("booking_id")
        return cls(kind, dedupe_key, user.id, user.email, user.locale, data, booking_id)


async def queue(db: AsyncSession, mails: Sequence[Mail]) -> list[int]:
    """Write the messages not written before (by dedupe key); the new rows' ids."""
    if not mails:
        return []
    ids = await repository.insert_new(db, mails)
    if ids:
        record(db, MailQueued(ids[0]))
    return ids
