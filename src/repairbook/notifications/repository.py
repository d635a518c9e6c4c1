"""SQL for the outbox: claiming due messages, recording what came of each."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, and_, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from repairbook.models.accounts import User
from repairbook.models.booking import Booking, BookingStatus
from repairbook.models.campaigns import Campaign, CampaignStatus
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

_ABANDONED = and_(
    # A worker that died while sending: its lease has run out, the rows are due again.
    OutboxMessage.status == MessageStatus.SENDING,
    OutboxMessage.lease_until <= func.now(),
)
_DUE = and_(
    OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.next_attempt_at <= func.now()
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
    db: AsyncSession, *, lease: timedelta, limit: int, max_attempts: int, only: int | None = None
) -> Sequence[OutboxMessage]:
    """Take due messages for this worker until the lease runs out, oldest first; SKIP
    LOCKED: two workers never take the same row. Every claim counts as an attempt.

    Rows a dead worker left claimed come back one at a time: any of them may be what killed
    it, and alone it cannot take others down with it again. One claimed as often as
    attempts allow is given up instead of being taken again."""
    await _give_up_abandoned(db, max_attempts)
    for where, count in ((_ABANDONED, 1), (_DUE, limit)):
        due = select(OutboxMessage.id).where(where).order_by(OutboxMessage.id).limit(count)
        if only is not None:
            due = due.where(OutboxMessage.id == only)
        statement = (
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(due.with_for_update(skip_locked=True).scalar_subquery()))
            .values(
                status=MessageStatus.SENDING,
                lease_until=func.now() + lease,
                attempts=OutboxMessage.attempts + 1,
            )
            .returning(OutboxMessage)
            .execution_options(synchronize_session=False)
        )
        rows = (await db.scalars(statement)).all()
        if rows:
            return sorted(rows, key=lambda row: row.id)
    return []


async def _give_up_abandoned(db: AsyncSession, max_attempts: int) -> None:
    hopeless = (
        select(OutboxMessage.id)
        .where(_ABANDONED, OutboxMessage.attempts >= max_attempts)
        .with_for_update(skip_locked=True)
    )
    await db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(hopeless.scalar_subquery()))
        .values(
            status=MessageStatus.FAILED,
            lease_until=None,
            last_error=func.concat(
                "gave up: its worker stopped while sending it, ", OutboxMessage.attempts, " times"
            ),
        )
        .execution_options(synchronize_session=False)
    )


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


# Advisory lock keys of campaigns: a delivery holds one shared for each campaign message it
# sends, `cancelCampaign` takes it exclusively. PostgreSQL queues lock requests in order, so
# a cancel waits for the message in flight only, never for a stream of them (a row lock
# would let each next message's FOR SHARE slip in ahead of the waiting cancel).
_CAMPAIGN_LOCKS = 0x4D41494C << 32


async def hold_campaign(db: AsyncSession, campaign_id: int) -> None:
    """Wait for the campaign message being sent right now, and keep the next one from
    starting until this transaction ends."""
    await db.execute(select(func.pg_advisory_xact_lock(_CAMPAIGN_LOCKS + campaign_id)))


async def campaign_unwanted(
    db: AsyncConnection, campaign_id: int, user_id: int | None
) -> str | None:
    """Why a campaign message must not go out now, or None. Holds the campaign's lock
    shared and the client's row FOR SHARE until this message is recorded: a cancel or an
    unsubscribe waits for it, and every later message sees them."""
    await db.execute(select(func.pg_advisory_xact_lock_shared(_CAMPAIGN_LOCKS + campaign_id)))
    query = (
        select(Campaign.status, User.marketing_opt_in)
        .select_from(Campaign)
        .join(User, User.id == user_id)
        .where(Campaign.id == campaign_id)
        .with_for_update(read=True, of=User)
    )
    found = (await db.execute(query)).first()
    if found is None:
        return "the client's account is gone"
    status, opted_in = found
    if status is CampaignStatus.CANCELLED:
        return "campaign cancelled"
    if not opted_in:
        return "the client unsubscribed"
    return None


async def reminder_unwanted(
    db: AsyncConnection, booking_id: int | None, data: dict[str, Any], *, now: datetime
) -> str | None:
    """Why a reminder must not go out now, or None: the booking (locked FOR SHARE until the
    reminder is recorded) must still be active, be the version it was written from, and
    its visit must not have begun."""
    if booking_id is None:
        return "booking cancelled"
    query = (
        select(Booking.status, Booking.starts_at, Booking.version)
        .where(Booking.id == booking_id)
        .with_for_update(read=True)
    )
    found = (await db.execute(query)).first()
    if found is None or found.status is not BookingStatus.ACTIVE:
        return "booking cancelled"
    if found.starts_at <= now:
        return "the visit has begun"
    written_from = data.get("version")
    if (
        found.version != written_from
        if written_from is not None
        else found.starts_at != datetime.fromisoformat(data["starts_at"])
    ):
        return "booking changed since: the next scan writes one from it as it is"
    return None


async def still_claimed(db: AsyncConnection, message_id: int, lease_until: datetime | None) -> bool:
    """Lock the row; is it still SENDING under this worker's lease (not skipped by a cancel
    or an unsubscribe, not taken by another worker after the lease ran out)?"""
    query = (
        select(OutboxMessage.status, OutboxMessage.lease_until)
        .where(OutboxMessage.id == message_id)
        .with_for_update()
    )
    found = (await db.execute(query)).first()
    return (
        found is not None
        and found.status is MessageStatus.SENDING
        and found.lease_until == lease_until
    )


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


async def of_user(db: AsyncSession, user_id: int) -> Sequence[OutboxMessage]:
    """Every message written for the user, oldest first."""
    query = select(OutboxMessage).where(OutboxMessage.user_id == user_id)
    return (await db.scalars(query.order_by(OutboxMessage.id))).all()


async def erase_done_of_deleted_users(db: AsyncSession) -> int:
    """Messages to deleted accounts that are done with (sent, failed, skipped) keep no
    address and no content; the cancellations written as an account was deleted keep
    theirs until they have gone out."""
    result = await db.execute(
        text("""
            UPDATE outbox_messages o SET recipient = 'erased', data = '{}'::jsonb,
                   subject = NULL, text_body = NULL, html_body = NULL,
                   attachments = '[]'::jsonb, headers = '{}'::jsonb
            FROM users u
            WHERE o.user_id = u.id AND u.deleted_at IS NOT NULL
              AND o.status IN ('SENT', 'FAILED', 'SKIPPED') AND o.recipient <> 'erased'
        """)
    )
    return int(getattr(result, "rowcount", 0) or 0)
