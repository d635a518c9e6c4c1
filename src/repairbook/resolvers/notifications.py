"""Staff's view of the email outbox, and retrying a failed message."""

from __future__ import annotations

import strawberry

from repairbook.db import read_only, unit_of_work
from repairbook.notifications import service as outbox
from repairbook.schema.context import Info
from repairbook.schema.ids import parse_id
from repairbook.schema.notifications import MailOutbox, OutboxMessage
from repairbook.schema.permissions import STAFF


@strawberry.type
class NotificationQuery:
    @strawberry.field(
        permission_classes=STAFF,
        description="Email delivery at a glance: counts by state and the failed messages.",
    )
    async def mail_outbox(self, info: Info, first: int = 50) -> MailOutbox:
        async with read_only(info.context.database) as db:
            return MailOutbox.from_state(await outbox.state(db, failed_limit=first))


@strawberry.type
class NotificationMutation:
    @strawberry.mutation(
        permission_classes=STAFF, description="Send a failed message again (rendered afresh)."
    )
    async def retry_message(self, info: Info, id: strawberry.ID) -> OutboxMessage:
        async with unit_of_work(info.context.database) as db:
            row = await outbox.retry(db, parse_id(id, "id"), now=info.context.now())
        return OutboxMessage.from_model(row)
