"""What staff see of the outbox, and putting a failed message back in line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.db import Page, offset_page, record
from repairbook.errors import InvalidInput, NotFound
from repairbook.models.notifications import MessageStatus, OutboxMessage
from repairbook.notifications import repository
from repairbook.notifications.outbox import MailQueued

MAX_LISTED = 200


@dataclass(frozen=True, slots=True)
class OutboxState:
    counts: dict[MessageStatus, int]
    failed: Sequence[OutboxMessage]


async def state(db: AsyncSession, *, failed_limit: int) -> OutboxState:
    if not 1 <= failed_limit <= MAX_LISTED:
        raise InvalidInput(f"first must be 1 to {MAX_LISTED}", field="first")
    return OutboxState(await repository.counts(db), await repository.failed(db, limit=failed_limit))


async def failed_page(db: AsyncSession, *, offset: int, limit: int) -> Page[OutboxMessage]:
    """Failed messages, latest first, a page at a time."""
    return await offset_page(db, repository.failed_latest_first(), offset=offset, limit=limit)


async def retry(db: AsyncSession, message_id: int, *, now: datetime) -> OutboxMessage:
    """A failed message goes out again as soon as a worker gets to it, rendered afresh
    (the failure may have been a template since fixed)."""
    message = await repository.get(db, message_id, for_update=True)
    if message is None:
        raise NotFound("No such message", field="id")
    if message.status is not MessageStatus.FAILED:
        raise InvalidInput("Only a failed message can be retried", field="id")
    message.status = MessageStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = now
    message.subject = message.text_body = message.html_body = None
    message.attachments = []
    await db.flush()
    record(db, MailQueued(message.id))
    return message
