"""The arq worker: every domain's jobs and cron jobs, sharing the API's connections code."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from arq import cron
from arq.connections import RedisSettings
from arq.worker import Worker
from redis.exceptions import RedisError

from repairbook.accounts import tasks as account_tasks
from repairbook.booking import tasks as booking_tasks
from repairbook.campaigns import tasks as campaign_tasks
from repairbook.config import Settings
from repairbook.notifications import tasks as mail_tasks
from repairbook.observability.jobs import observed
from repairbook.observability.metrics import count_events
from repairbook.resources import QUEUE, Resources
from repairbook.telemetry import configure_tracing

log = logging.getLogger(__name__)
EVERY_TEN_SECONDS = set(range(0, 60, 10))


async def _startup(ctx: dict[str, Any]) -> None:
    resources = ctx["resources"] = await Resources.open(ctx["settings"])
    # Jobs that write mail (scans, campaigns, retries) ask for its delivery after commit.
    resources.database.after_commit += [
        count_events,
        mail_tasks.delivery_requester(resources.redis),
        campaign_tasks.campaign_requester(resources.redis),
    ]


async def _shutdown(ctx: dict[str, Any]) -> None:
    resources: Resources | None = ctx.get("resources")
    if resources is not None:
        await resources.close()


def create_worker(settings: Settings, *, handle_signals: bool = True) -> Worker:
    if not settings.redis_url:
        raise RuntimeError("redis_url must be set (or use `repairbook dev`)")
    configure_tracing("repairbook-worker")
    # Every job measured and traced (observability/jobs.py), under its own name.
    deliver_outbox = observed(mail_tasks.deliver_outbox)
    return Worker(
        functions=[deliver_outbox, observed(campaign_tasks.send_campaign)],
        cron_jobs=[
            # The sweep (one indexed query when nothing is due): mail written while Redis was
            # down, retries that fell due, batches a dead worker left behind.
            cron(deliver_outbox, second=EVERY_TEN_SECONDS, run_at_startup=True),
            cron(
                observed(campaign_tasks.advance_campaigns),
                second=EVERY_TEN_SECONDS,
                run_at_startup=True,
            ),
            cron(
                observed(booking_tasks.scan_reminders), minute={0, 15, 30, 45}, run_at_startup=True
            ),
            cron(
                observed(booking_tasks.scan_maintenance), hour={6}, minute={5}, run_at_startup=True
            ),
            cron(
                observed(account_tasks.purge_refresh_tokens),
                hour={3},
                minute={17},
                run_at_startup=True,
            ),
            cron(
                observed(account_tasks.erase_deleted_users_mail), minute={23}, run_at_startup=True
            ),
        ],
        redis_settings=RedisSettings.from_dsn(settings.redis_url),
        queue_name=QUEUE,
        on_startup=_startup,
        on_shutdown=_shutdown,
        ctx={"settings": settings},
        handle_signals=handle_signals,
        # Cron hours are the shop's. arq annotates datetime.timezone but only uses a tzinfo.
        timezone=settings.zone,  # type: ignore[arg-type]
        # A job is retried by its own loop (the outbox's attempts), not by arq.
        max_tries=1,
        keep_result=60,
    )


async def run_worker(settings: Settings, *, max_backoff: float = 30.0) -> None:
    """Run the worker until cancelled. arq's worker stops when Redis goes away; this one
    starts a new one as soon as Redis answers again (mail written meanwhile waits in the
    outbox and goes out with the first sweep)."""
    delay = min(1.0, max_backoff)
    while True:
        worker = create_worker(settings, handle_signals=False)
        try:
            await worker.async_run()
            return
        except (RedisError, OSError) as error:
            log.warning("worker lost Redis (%s); starting again in %.1fs", error, delay)
        finally:
            await _close(worker)
        await asyncio.sleep(delay)
        delay = min(delay * 2, max_backoff)


async def _close(worker: Worker, *, grace: float = 5.0) -> None:
    # arq's close cancels the jobs still running. Let them finish first (a delivery cut
    # short between the server's 250 and its SENT commit would go out again later).
    running = [task for task in worker.tasks.values() if not task.done()]
    if running:
        await asyncio.wait(running, timeout=grace)
    try:
        # arq's close first waits for running jobs, which may hang on a Redis that is gone;
        # a job cut short is safe (an outbox batch's lease runs out and it goes out later).
        await asyncio.wait_for(worker.close(), grace)
    except (RedisError, OSError, TimeoutError):
        # arq's close also stops at its first Redis call, before it runs on_shutdown or
        # closes its pool. Release what it could not.
        for task in worker.tasks.values():
            task.cancel()
        await _shutdown(worker.ctx)
        pool = getattr(worker, "_pool", None)
        if pool is not None:
            await pool.aclose(close_connection_pool=True)
