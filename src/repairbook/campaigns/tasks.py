"""The worker's campaign jobs: queueing recipients batch by batch, and noticing when a
campaign is done. Safe on two workers at once (the campaign row is locked per batch) and
after a crash (the next run goes on from the last committed batch)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from arq.connections import ArqRedis

from repairbook.campaigns import repository, service
from repairbook.db import Consumer, Event, read_only, unit_of_work
from repairbook.resources import Resources
from repairbook.telemetry import trace_carrier

log = logging.getLogger(__name__)
BATCH = 1000


def campaign_requester(redis: ArqRedis) -> Consumer:
    """After a campaign is created, a job starts queueing its recipients."""

    async def request_sending(events: Sequence[Event]) -> None:
        for event in events:
            if isinstance(event, service.CampaignStarted):
                await redis.enqueue_job(
                    send_campaign.__name__,
                    event.campaign_id,
                    _job_id=f"campaign:{event.campaign_id}",
                    **trace_carrier(),
                )

    return request_sending


async def send_campaign(ctx: dict[str, Any], campaign_id: int) -> None:
    await _queue_all(ctx["resources"], campaign_id)


async def advance_campaigns(ctx: dict[str, Any]) -> None:
    """Every few seconds: go on with campaigns whose queueing stopped (a worker died, Redis
    was down when one was created) and settle those whose every message is done."""
    resources: Resources = ctx["resources"]
    async with read_only(resources.database) as db:
        ids = await repository.sending(db)
    for campaign_id in ids:
        await _queue_all(resources, campaign_id)
        async with unit_of_work(resources.database) as db:
            campaign = await service.settle(db, campaign_id, now=resources.clock.now())
        if campaign is not None and campaign.finished_at is not None:
            log.info("campaign %d: %s", campaign_id, campaign.status.value)


async def _queue_all(resources: Resources, campaign_id: int) -> None:
    more = True
    while more:
        async with unit_of_work(resources.database) as db:
            more = await service.queue_batch(
                db, campaign_id, settings=resources.settings, now=resources.clock.now(), limit=BATCH
            )
