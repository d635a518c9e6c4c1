"""GraphQL types for staff's view of the email outbox."""

from __future__ import annotations

from datetime import datetime

import strawberry

from repairbook.db import read_only
from repairbook.models import notifications as m
from repairbook.notifications import service as outbox_service
from repairbook.notifications.service import OutboxState
from repairbook.schema.catalog import gid
from repairbook.schema.context import Info
from repairbook.schema.pagination import Connection, decode_position, page_size

MessageKind = strawberry.enum(m.MessageKind, name="MessageKind")
MessageStatus = strawberry.enum(m.MessageStatus, name="MessageStatus")


@strawberry.type(description="An email in the outbox.")
class OutboxMessage:
    id: strawberry.ID
    kind: MessageKind  # type: ignore[valid-type]
    recipient: str
    subject: str | None = strawberry.field(description="Known once the worker rendered it.")
    status: MessageStatus  # type: ignore[valid-type]
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None

    @classmethod
    def from_model(cls, row: m.OutboxMessage) -> OutboxMessage:
        return cls(
            id=gid(row.id),
            kind=row.kind,
            recipient=row.recipient,
            subject=row.subject,
            status=row.status,
            attempts=row.attempts,
            last_error=row.last_error,
            created_at=row.created_at,
            next_attempt_at=row.next_attempt_at,
            sent_at=row.sent_at,
        )


@strawberry.type(description="How many messages are in each state.")
class OutboxCounts:
    pending: int
    sending: int
    sent: int
    failed: int
    skipped: int = strawberry.field(description="Not sent: no longer wanted (a reminder for "
                                    "a booking cancelled or moved since).")  # fmt: skip


@strawberry.type(description="The email outbox: counts, and the messages that failed.")
class MailOutbox:
    counts: OutboxCounts
    failed: list[OutboxMessage] = strawberry.field(
        description="Failed messages with their last error, latest first."
    )

    @strawberry.field(
        description=(
            "Failed messages, latest first, a page at a time with totalCount: `failed` "
            "without its cut at `mailOutbox(first)`."
        )
    )
    async def failed_connection(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[OutboxMessage]:
        async with read_only(info.context.database) as db:
            page = await outbox_service.failed_page(
                db, offset=decode_position(after), limit=page_size(first)
            )
        return Connection.of_nodes(
            page.map(lambda rows: [OutboxMessage.from_model(r) for r in rows])
        )

    @classmethod
    def from_state(cls, state: OutboxState) -> MailOutbox:
        c = state.counts
        return cls(
            counts=OutboxCounts(
                pending=c[m.MessageStatus.PENDING],
                sending=c[m.MessageStatus.SENDING],
                sent=c[m.MessageStatus.SENT],
                failed=c[m.MessageStatus.FAILED],
                skipped=c[m.MessageStatus.SKIPPED],
            ),
            failed=[OutboxMessage.from_model(row) for row in state.failed],
        )
