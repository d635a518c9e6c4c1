"""Delivering due outbox messages: claim a batch, send it over one SMTP connection, record
each outcome as soon as it is known.

- Each message is one transaction: re-check that it is still wanted (its campaign not
  cancelled, its client not unsubscribed, its booking neither cancelled nor moved), hand it
  to the server, record what came of it, commit. The rows the check reads stay locked
  (FOR SHARE) until that commit, so `cancelCampaign`, an unsubscribe or a booking's
  cancellation waits for the one message in flight and is then seen by every later one:
  what went out is SENT, what was held back SKIPPED, never the one recorded as the other.
- A worker that dies leaves only unsent messages behind, plus at most the one between the
  server's 250 and its commit (which then goes out again with the same Message-ID).
- A 4xx, a refused or dropped connection, anything unexpected: PENDING again after a
  growing delay, FAILED after `mail_max_attempts` (each claim is an attempt). A 5xx, an
  address no server can take or a broken template: FAILED at once, with the reason.
- A stopping worker (`stopping` set) finishes the message it is sending and releases the
  rest of its claim.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from jinja2 import TemplateError
from sqlalchemy.ext.asyncio import AsyncConnection

from repairbook.clock import Clock
from repairbook.config import Settings
from repairbook.db import Database, read_only, unit_of_work
from repairbook.models.campaigns import Campaign
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
    stopping: asyncio.Event | None = None

    def __post_init__(self) -> None:
        self.renderer = Renderer(self.settings)
        self._records: AsyncConnection

    def _stopped(self) -> bool:
        return self.stopping is not None and self.stopping.is_set()

    async def deliver_due(self, *, only: int | None = None) -> Report:
        """Deliver batches until nothing is due (or just message `only`)."""
        report = Report()
        while not self._stopped():
            # The lease is taken from here on; the batch must be done well within it, or
            # another worker would take the rest while this one still sends it.
            deadline = time.monotonic() + self.settings.mail_lease_seconds
            rows = await self._claim(only)
            if not rows:
                return report
            await self._send_batch(rows, report, deadline)
            if only is not None:
                return report
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
        async with self.database.engine.connect() as connection:
            self._records = connection
            await self._send_over_one_connection(rows, report, campaigns, deadline)

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
                while left and self._time_for_one_more(deadline) and not self._stopped():
                    row = left.pop(0)
                    campaign = campaigns.get(row.campaign_id) if row.campaign_id else None
                    if not await self._attempt(smtp, row, report, campaign):
                        break  # the connection is in doubt: the rest wait for the next round
        except mailer.TryLater as error:
            if left == rows:  # could not connect at all: every row tried and failed
                for row in left:
                    async with self._records.begin():
                        await self._retry(row, str(error), report)
                left = []
        for row in left:
            await self._release(row)

    async def _attempt(
        self, smtp: mailer.Mailer, row: OutboxMessage, report: Report, campaign: Campaign | None
    ) -> bool:
        """Try one message in its own transaction; False when the connection should not be
        used again."""
        async with self._records.begin():
            skip = await self._unwanted(row)
            if skip is _GONE:
                report.skipped += 1  # skipped meanwhile (a cancel, an unsubscribe): so recorded
                return True
            if skip is not None:
                await self._finish(row, MessageStatus.SKIPPED, report, skip)
                return True
            try:
                return await self._send(smtp, row, report, campaign)
            except Exception as error:  # whatever it is, it is this message's alone
                log.exception("outbox message %s: unexpected error", row.id)
                await self._retry(row, f"unexpected error: {type(error).__name__}: {error}", report)
                return False  # the connection is in doubt too

    async def _unwanted(self, row: OutboxMessage) -> str | None:
        """Why the message is no longer to be sent, or None. Reads (and locks until this
        message's commit) first what a cancel or an unsubscribe changes first, then the
        row itself: the order they take their locks in, so neither waits for the other."""
        reason: str | None = None
        if row.campaign_id is not None:
            reason = await repository.campaign_unwanted(self._records, row.campaign_id, row.user_id)
        elif row.kind is MessageKind.VISIT_REMINDER:
            reason = await repository.reminder_unwanted(
                self._records, row.booking_id, row.data, now=self.clock.now()
            )
        if not await repository.still_claimed(self._records, row.id, row.lease_until):
            return _GONE
        return reason

    async def _send(
        self, smtp: mailer.Mailer, row: OutboxMessage, report: Report, campaign: Campaign | None
    ) -> bool:
        now = self.clock.now()
        try:
            rendered = self._rendered(row, campaign, now)
        except (TemplateError, KeyError, ValueError, TypeError) as error:
            log.exception("outbox message %s: cannot render", row.id)
            await self._finish(row, MessageStatus.FAILED, report, f"template error: {error}")
            return True
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

    def _rendered(self, row: OutboxMessage, campaign: Campaign | None, now: datetime) -> Rendered:
        """A retry sends what the first attempt wrote; a reminder is written afresh each
        time (its «сегодня»/«завтра» is about the moment it is sent)."""
        subject, text, html = row.subject, row.text_body, row.html_body
        kept = subject is not None and text is not None and html is not None
        if kept and row.kind is not MessageKind.VISIT_REMINDER:
            return Rendered(subject or "", text or "", html or "", row.attachments)
        return self.renderer.render(row, campaign, now=now)

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
        await repository.finish(
            self._records, row.id, status, attempts=row.attempts, last_error=error, **values
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
        async with self._records.begin():
            await repository.finish(
                self._records, row.id, MessageStatus.PENDING, attempts=row.attempts - 1
            )


_GONE = "no longer this worker's"  # SKIPPED (or taken by another worker) meanwhile
