"""`/metrics`: the counters of `repairbook.telemetry` and what is read at scrape time (the
outbox, campaigns, the board cache and the live hub of this process).

Served on the API's own port: open in development, and in production only to a scraper
that presents REPAIRBOOK_METRICS_TOKEN as a bearer token (without one set, 404). The worker
serves its own on REPAIRBOOK_WORKER_METRICS_PORT.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Sequence
from typing import Any
from wsgiref.simple_server import WSGIServer

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Gauge, generate_latest
from prometheus_client import start_http_server as _start_http_server
from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import Response

from repairbook import telemetry
from repairbook.config import Settings
from repairbook.db import Database, Event, read_only
from repairbook.models.campaigns import Campaign, CampaignStatus
from repairbook.models.notifications import MessageStatus, OutboxMessage

log = logging.getLogger(__name__)
NS = telemetry.NAMESPACE

OUTBOX_ROWS = Gauge("outbox_messages", "Outbox rows by status", ["status"], namespace=NS)
OUTBOX_OLDEST_PENDING = Gauge(
    "outbox_oldest_pending_age_seconds",
    "Age of the oldest message not yet sent (pending or being sent); 0 when there is none",
    namespace=NS,
)
CAMPAIGN_RECIPIENTS = Gauge(
    "campaign_recipients", "Recipients of each campaign still sending", ["campaign"], namespace=NS
)
CAMPAIGN_MESSAGES = Gauge(
    "campaign_messages",
    "Messages of each campaign still sending, by status",
    ["campaign", "status"],
    namespace=NS,
)
BOARD_CACHE_ENTRIES = Gauge("board_cache_entries", "Day boards held in memory", namespace=NS)
BOARD_CACHE_BYTES = Gauge("board_cache_bytes", "Bytes of day boards held", namespace=NS)
SUBSCRIPTIONS = Gauge(
    "live_subscriptions", "Live board subscriptions open in this process", namespace=NS
)
DATABASE_UP = Gauge(
    "database_up", "1 when this scrape could read the database, else 0", namespace=NS
)
REDIS_UP = Gauge("redis_up", "1 when Redis answered this scrape's PING, else 0", namespace=NS)


async def read_database(database: Database) -> None:
    """Set the outbox and campaign gauges from the database: four small indexed queries."""
    not_sent = OutboxMessage.status.in_([MessageStatus.PENDING, MessageStatus.SENDING])
    sending = Campaign.status == CampaignStatus.SENDING
    async with read_only(database) as db:
        by_status = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        counts = dict((await db.execute(by_status)).all())
        age = func.extract("epoch", func.now() - func.min(OutboxMessage.created_at))
        oldest = await db.scalar(select(age).where(not_sent))
        campaigns = list(
            await db.execute(select(Campaign.id, Campaign.recipient_count).where(sending))
        )
        progress = list(
            await db.execute(
                select(OutboxMessage.campaign_id, OutboxMessage.status, func.count())
                .join(Campaign, Campaign.id == OutboxMessage.campaign_id)
                .where(sending)
                .group_by(OutboxMessage.campaign_id, OutboxMessage.status)
            )
        )
    for status in MessageStatus:
        OUTBOX_ROWS.labels(status.value).set(counts.get(status, 0))
    OUTBOX_OLDEST_PENDING.set(float(oldest or 0))
    CAMPAIGN_RECIPIENTS.clear()
    CAMPAIGN_MESSAGES.clear()
    for campaign_id, recipients in campaigns:
        CAMPAIGN_RECIPIENTS.labels(str(campaign_id)).set(recipients)
    for campaign, status, count in progress:
        CAMPAIGN_MESSAGES.labels(str(campaign), status.value).set(count)


async def count_events(events: Sequence[Event]) -> None:
    """An after-commit consumer: the events committed, by kind."""
    for event in events:
        telemetry.EVENTS_PUBLISHED.labels(type(event).__name__).inc()


def read_process(state: Any) -> None:
    """This API process's board cache and live hub (app.state)."""
    board = getattr(state, "board", None)
    BOARD_CACHE_ENTRIES.set(board.entry_count if board is not None else 0)
    BOARD_CACHE_BYTES.set(board.size_bytes if board is not None else 0)
    hub = getattr(state, "hub", None)
    SUBSCRIPTIONS.set(hub.subscriber_count if hub is not None else 0)


def allowed(request: Request, settings: Settings) -> bool:
    if not settings.is_production:
        return True
    if settings.metrics_token is None:
        return False
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    expected = settings.metrics_token.get_secret_value()
    return scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), expected.encode())


async def endpoint(request: Request) -> Response:
    resources = request.app.state.resources
    if not allowed(request, resources.settings):
        return Response(status_code=404)
    read_process(request.app.state)
    try:
        async with asyncio.timeout(5):
            await read_database(resources.database)
        DATABASE_UP.set(1)
    except Exception:
        log.warning("metrics: could not read the outbox and campaigns", exc_info=True)
        DATABASE_UP.set(0)
    try:
        async with asyncio.timeout(2):
            REDIS_UP.set(1 if await resources.redis.ping() else 0)
    except Exception:
        REDIS_UP.set(0)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def serve_worker_metrics(settings: Settings) -> WSGIServer | None:
    """The worker's own `/metrics` (a thread of prometheus_client's), when a port is set.
    It lives as long as the process; `shutdown()` stops it sooner."""
    if not settings.worker_metrics_port:
        return None
    server, _ = _start_http_server(settings.worker_metrics_port, addr=settings.worker_metrics_host)
    log.info(
        "worker metrics at http://%s:%d/metrics",
        settings.worker_metrics_host,
        settings.worker_metrics_port,
    )
    return server
