"""Delivering due outbox messages: claim a batch, send it over one SMTP connection, record
each outcome as soon as it is known.

- A message is marked SENT in its own commit right after the server accepted it, so a
  worker that dies mid-batch leaves only unsent messages behind; they are due again when
  its lease runs out. (The one window left: the server said 250 and the worker died before
  that commit. The message then goes out again with the same Message-ID.)
- A 4xx, a refused or dropped connection: PENDING again after a growing delay, FAILED after
  `mail_max_attempts`. A 5xx or a broken template: FAILED at once, with the reason.
- A reminder whose booking was cancelled or moved since: SKIPPED, not sent.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from jinja2 import TemplateError
from sqlalchemy.ext.asyncio import AsyncConnection

from repairbook.clock import Clock
from repairbook.config import Settings
from repairbook.db import Database, read_only, unit_of_work
from repairbook.models.campaigns import Campaign, CampaignStatus
from repairbook.models.notifications import MessageKind, MessageStatus, OutboxMessage
from repairbook.notifications import mailer, repository
from repairbook.notifications.messages import Rendered, Renderer, retry_delay

log = logging.getLogger(__name__)


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0


@dataclass
class Delivery:
    database: Database
    settings: Settings
    clock: Clock

    def __post_init__(self) -> None:
        self.renderer = Renderer(self.settings)
        self._records: AsyncConnection
        self._recording: asyncio.Future[None] | None = None

    async def deliver_due(self, *, only: int | None = None) -> Report:
        """Deliver batches until nothing is due (or just message `only`)."""
        report = Report()
        while True:
            # The lease is taken from here on; the batch must be done well within it, or
            # another worker would take the rest while this one still sends it.
            deadline = time.monotonic() + self.settings.mail_lease_seconds
            rows = await self._claim(only)
            if not rows:
                return report
            await self._send_batch(rows, report, deadline)
            if only is not None:
                return report

    async def _claim(self, only: int | None) -> list[OutboxMessage]:
        lease = timedelta(seconds=self.settings.mail_lease_seconds)
        async with unit_of_work(self.database) as db:
            rows = await repository.claim(
                db,
                lease=lease,
                limit=self.settings.mail_batch_size,
                max_attempts=self.settings.mail_max_attempts,
                only=only,
            )
        return list(rows)

    def _time_for_one_more(self, deadline: float) -> bool:
        # One send is a few SMTP commands, each bounded by the timeout.
        return time.monotonic() + 3 * self.settings.smtp_timeout_seconds < deadline

    async def _send_batch(self, rows: list[OutboxMessage], report: Report, deadline: float) -> None:
        campaign_ids = [row.campaign_id for row in rows if row.campaign_id is not None]
        async with read_only(self.database) as db:
            campaigns = await repository.campaigns_by_id(db, campaign_ids)
        # Each outcome is committed the moment it is known, on one connection for the batch.
        async with self.database.engine.connect() as connection:
            self._records = await connection.execution_options(isolation_level="AUTOCOMMIT")
            try:
                await self._send_over_one_connection(rows, report, campaigns, deadline)
            finally:
                await self._recorded()

    async def _send_over_one_connection(
        self,
        rows: list[OutboxMessage],
        report: Report,
        campaigns: dict[int, Campaign],
        deadline: float,
    ) -> None:
        left = list(rows)
        try:
            async with mailer.connect(self.settings) as smtp:
                while left and self._time_for_one_more(deadline):
                    row = left.pop(0)
                    campaign = campaigns.get(row.campaign_id) if row.campaign_id else None
                    if not await self._attempt(smtp, row, report, campaign):
                        break  # the connection is in doubt: the rest wait for the next round
        except mailer.TryLater as error:
            if left == rows:  # could not connect at all: every row tried and failed
                for row in left:
                    await self._retry(row, str(error), report)
                left = []
        for row in left:
            await self._release(row)

    async def _record(self, write: Coroutine[Any, Any, None]) -> None:
        """Send a record to the database now, and go on with the next message while it
        commits: records still go one at a time, in order (each waits for the one before)."""
        await self._recorded()
        self._recording = asyncio.ensure_future(write)

    async def _recorded(self) -> None:
        recording, self._recording = self._recording, None
        if recording is not None:
            await recording

    async def _attempt(
        self, smtp: mailer.Mailer, row: OutboxMessage, report: Report, campaign: Campaign | None
    ) -> bool:
        """Try one message; False when the connection should not be used again."""
        if row.kind is MessageKind.VISIT_REMINDER and not await self._still_wanted(row):
            await self._finish(row, MessageStatus.SKIPPED, report, "booking cancelled or moved")
            return True
        if campaign is not None and campaign.status is CampaignStatus.CANCELLED:
            await self._finish(row, MessageStatus.SKIPPED, report, "campaign cancelled")
            return True
        try:
            return await self._send(smtp, row, report, campaign)
        except Exception as error:  # whatever it is, it is this message's alone
            log.exception("outbox message %s: unexpected error", row.id)
            await self._retry(row, f"unexpected error: {type(error).__name__}: {error}", report)
            return False  # the connection is in doubt too

    async def _send(
        self, smtp: mailer.Mailer, row: OutboxMessage, report: Report, campaign: Campaign | None
    ) -> bool:
        try:
            rendered = self._rendered(row, campaign)
        except (TemplateError, KeyError, ValueError, TypeError) as error:
            log.exception("outbox message %s: cannot render", row.id)
            await self._finish(row, MessageStatus.FAILED, report, f"template error: {error}")
            return True
        now = self.clock.now()
        try:
            to = mailer.address(row.recipient)
            await smtp.send(self.renderer.email(row, rendered, now=now, to=to.header), to)
        except mailer.Undeliverable as error:
            await self._finish(row, MessageStatus.FAILED, report, str(error), rendered)
            return True
        except mailer.TryLater as error:
            await self._retry(row, str(error), report, rendered)
            return False
        await self._finish(row, MessageStatus.SENT, report, None, rendered, sent_at=now)
        return True

    def _rendered(self, row: OutboxMessage, campaign: Campaign | None) -> Rendered:
        if row.subject is not None and row.text_body is not None and row.html_body is not None:
            return Rendered(row.subject, row.text_body, row.html_body, row.attachments)
        return self.renderer.render(row, campaign)

    async def _still_wanted(self, row: OutboxMessage) -> bool:
        if row.booking_id is None:
            return False
        async with unit_of_work(self.database) as db:
            starts_at = datetime.fromisoformat(row.data["starts_at"])
            return await repository.booking_still_at(db, row.booking_id, starts_at)

    async def _retry(
        self, row: OutboxMessage, error: str, report: Report, rendered: Rendered | None = None
    ) -> None:
        attempts = row.attempts  # this claim was the attempt
        if attempts >= self.settings.mail_max_attempts:
            await self._finish(row, MessageStatus.FAILED, report, f"gave up: {error}", rendered)
            return
        later = self.clock.now() + retry_delay(attempts, self.settings)
        await self._finish(
            row, MessageStatus.PENDING, report, error, rendered, next_attempt_at=later
        )

    async def _finish(
        self,
        row: OutboxMessage,
        status: MessageStatus,
        report: Report,
        error: str | None,
        rendered: Rendered | None = None,
        **values: Any,
    ) -> None:
        if rendered is not None and row.kind is not MessageKind.CAMPAIGN:
            # Kept for staff to read and for retries to send the very same message.
            values.update(
                subject=rendered.subject,
                text_body=rendered.text,
                html_body=rendered.html,
                attachments=rendered.attachments,
            )
        await self._record(
            repository.finish(
                self._records, row.id, status, attempts=row.attempts, last_error=error, **values
            )
        )
        counter = {
            MessageStatus.SENT: "sent",
            MessageStatus.PENDING: "retried",
            MessageStatus.FAILED: "failed",
            MessageStatus.SKIPPED: "skipped",
        }[status]
        setattr(report, counter, getattr(report, counter) + 1)
        if status is MessageStatus.FAILED:
            log.warning("outbox message %s failed: %s", row.id, error)

    async def _release(self, row: OutboxMessage) -> None:
        """Not tried this round: due again at once, its claim not counted."""
        await self._record(
            repository.finish(
                self._records, row.id, MessageStatus.PENDING, attempts=row.attempts - 1
            )
        )
