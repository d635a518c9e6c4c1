"""SQL for the outbox: claiming due messages, recording what came of each."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, and_, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from repairbook.models.booking import Booking, BookingStatus
from repairbook.models.campaigns import Campaign
from repairbook.models.notifications import MessageStatus, OutboxMessage

if TYPE_CHECKING:
    from repairbook.notifications.outbox import Mail

# One short statement whatever the number of rows: the batch goes as one JSON document,
# unpacked by PostgreSQL. (A multi-row VALUES clause is compiled and parsed afresh for every
# batch, and arrays are quoted element by element on the way: both were the scans' cost.)
_INSERT_NEW = text("""
    INSERT INTO outbox_messages
        (kind, dedupe_key, user_id, recipient, locale, data, booking_id, headers, campaign_id)
    SELECT kind, dedupe_key, user_id, recipient, locale, data, booking_id, headers, campaign_id
    FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(
        kind message_kind, dedupe_key text, user_id bigint, recipient text, locale text,
        data jsonb, booking_id bigint, headers jsonb, campaign_id bigint)
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id
""")

_DUE = or_(
    and_(
        OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.next_attempt_at <= func.now()
    ),
    # A worker that died while sending: its lease has run out, the rows are due again.
    and_(OutboxMessage.status == MessageStatus.SENDING, OutboxMessage.lease_until <= func.now()),
)


async def insert_new(db: AsyncSession, mails: Sequence[Mail]) -> list[int]:
    """Insert the messages whose dedupe key is new; their ids, lowest first."""
    rows = [
        {
            "kind": mail.kind.value,
            "dedupe_key": mail.dedupe_key,
            "user_id": mail.user_id,
            "recipient": mail.recipient,
            "locale": mail.locale,
            "data": mail.data,
            "booking_id": mail.booking_id,
            "headers": mail.headers,
            "campaign_id": mail.campaign_id,
        }
        for mail in mails
    ]
    result = await db.execute(_INSERT_NEW, {"rows": json.dumps(rows)})
    return sorted(row[0] for row in result)


async def claim(
    db: AsyncSession, *, lease: timedelta, limit: int, only: int | None = None
) -> Sequence[OutboxMessage]:
    """Take up to `limit` due messages for this worker until the lease runs out, oldest
    first. SKIP LOCKED: two workers never take the same row."""
    due = select(OutboxMessage.id).where(_DUE).order_by(OutboxMessage.id).limit(limit)
    if only is not None:
        due = due.where(OutboxMessage.id == only)
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.with_for_update(skip_locked=True).scalar_subquery()))
        .values(status=MessageStatus.SENDING, lease_until=func.now() + lease)
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False)
    )
    rows = (await db.scalars(statement)).all()
    return sorted(rows, key=lambda row: row.id)


# One constant statement for every outcome (built and cached once: constructing a new
# UPDATE per message cost more than running it). What an outcome does not set, it keeps.
_FINISH = text("""
    UPDATE outbox_messages SET
        status = CAST(:status AS message_status), lease_until = NULL, updated_at = now(),
        attempts = COALESCE(:attempts, attempts),
        last_error = COALESCE(:last_error, last_error),
        next_attempt_at = COALESCE(:next_attempt_at, next_attempt_at),
        sent_at = COALESCE(:sent_at, sent_at),
        subject = COALESCE(:subject, subject),
        text_body = COALESCE(:text_body, text_body),
        html_body = COALESCE(:html_body, html_body),
        attachments = COALESCE(CAST(:attachments AS jsonb), attachments)
    WHERE id = :id AND status = 'SENDING'
""")
_FINISH_DEFAULTS: dict[str, Any] = dict.fromkeys(
    ["attempts", "last_error", "next_attempt_at", "sent_at", "subject", "text_body",
     "html_body", "attachments"]
)  # fmt: skip


async def finish(
    db: AsyncSession | AsyncConnection, message_id: int, status: MessageStatus, **values: Any
) -> None:
    """Record the outcome of an attempt; the lease ends with it."""
    if "attachments" in values:
        values["attachments"] = json.dumps(values["attachments"])
    params = {**_FINISH_DEFAULTS, **values, "id": message_id, "status": status.value}
    await db.execute(_FINISH, params)


async def booking_still_at(db: AsyncSession, booking_id: int, starts_at: datetime) -> bool:
    """Is the booking still active and still at this time (a reminder is about both)?"""
    query = select(Booking.id).where(
        Booking.id == booking_id,
        Booking.status == BookingStatus.ACTIVE,
        Booking.starts_at == starts_at,
    )
    return (await db.scalar(query)) is not None


async def counts(db: AsyncSession) -> dict[MessageStatus, int]:
    rows = await db.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    found = {status: int(count) for status, count in rows.all()}
    return {status: found.get(status, 0) for status in MessageStatus}


def failed_latest_first() -> Select[OutboxMessage]:
    return (
        select(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.FAILED)
        .order_by(OutboxMessage.updated_at.desc(), OutboxMessage.id.desc())
    )


async def failed(db: AsyncSession, *, limit: int) -> Sequence[OutboxMessage]:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.FAILED)
        .order_by(OutboxMessage.updated_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    return (await db.scalars(query)).all()


async def get(
    db: AsyncSession, message_id: int, *, for_update: bool = False
) -> OutboxMessage | None:
    query = select(OutboxMessage).where(OutboxMessage.id == message_id)
    if for_update:
        query = query.with_for_update()
    return (await db.scalars(query)).first()


async def campaigns_by_id(db: AsyncSession, ids: Sequence[int]) -> dict[int, Campaign]:
    """The campaigns a batch of messages belongs to: their text is not copied into every row."""
    if not ids:
        return {}
    rows = await db.scalars(select(Campaign).where(Campaign.id.in_(set(ids))))
    return {row.id: row for row in rows}


async def campaign_counts(
    db: AsyncSession, campaign_ids: Sequence[int]
) -> dict[int, dict[MessageStatus, int]]:
    query = (
        select(OutboxMessage.campaign_id, OutboxMessage.status, func.count())
        .where(OutboxMessage.campaign_id.in_(set(campaign_ids)))
        .group_by(OutboxMessage.campaign_id, OutboxMessage.status)
    )
    counts: dict[int, dict[MessageStatus, int]] = {
        i: dict.fromkeys(MessageStatus, 0) for i in campaign_ids
    }
    for campaign_id, status, count in (await db.execute(query)).all():
        if campaign_id is not None:
            counts[campaign_id][status] = int(count)
    return counts


async def skip_unsent(
    db: AsyncSession, *, campaign_id: int | None = None, user_id: int | None = None
) -> int:
    """Campaign messages not sent yet, of one campaign or to one user, will not be."""
    query = (
        update(OutboxMessage)
        .where(
            OutboxMessage.campaign_id.is_not(None),
            OutboxMessage.status.in_([MessageStatus.PENDING, MessageStatus.SENDING]),
        )
        .values(status=MessageStatus.SKIPPED, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    if campaign_id is not None:
        query = query.where(OutboxMessage.campaign_id == campaign_id)
    if user_id is not None:
        query = query.where(OutboxMessage.user_id == user_id)
    result = await db.execute(query)
    return int(getattr(result, "rowcount", 0) or 0)
