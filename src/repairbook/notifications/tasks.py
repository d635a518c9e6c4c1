"""The worker's email jobs, and the after-commit consumer that asks for them. Every job is
safe to run twice or on two workers at once: rows are claimed with SKIP LOCKED."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from arq.connections import ArqRedis

from repairbook.db import Consumer, Event
from repairbook.notifications.delivery import Delivery
from repairbook.notifications.outbox import MailQueued
from repairbook.telemetry import trace_carrier

log = logging.getLogger(__name__)


def delivery_requester(redis: ArqRedis) -> Consumer:
    """After a commit that wrote messages, one job delivers them (and anything else due).
    When Redis is down the rows wait in the outbox for the minutely sweep."""

    async def request_delivery(events: Sequence[Event]) -> None:
        queued = [event.first_id for event in events if isinstance(event, MailQueued)]
        if queued:
            await redis.enqueue_job(
                deliver_outbox.__name__, _job_id=f"outbox:{min(queued)}", **trace_carrier()
            )

    return request_delivery


async def deliver_outbox(ctx: dict[str, Any]) -> dict[str, int]:
    """Deliver everything due; the sweep and the after-commit job are this. One delivery at
    a time per worker process (`delivery_lock`): a process killed mid-send can then have
    sent at most one message it had not recorded yet."""
    resources = ctx["resources"]
    delivery = Delivery(
        resources.database, resources.settings, resources.clock, stopping=ctx.get("stopping")
    )
    lock: asyncio.Lock | None = ctx.get("delivery_lock")
    async with lock or contextlib.nullcontext():
        report = await delivery.deliver_due()
    if any(asdict(report).values()):
        log.info("outbox: %s", asdict(report))
    return asdict(report)
