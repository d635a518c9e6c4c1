"""The arq worker: every domain's jobs and cron jobs, sharing the API's connections code."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
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
    ctx["delivery_lock"] = asyncio.Lock()  # shared by every job's copy of ctx
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


def create_worker(
    settings: Settings, *, handle_signals: bool = True, stopping: asyncio.Event | None = None
) -> Worker:
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
        # `stopping`: set on SIGTERM; a delivery then finishes the message it is sending
        # and releases the rest of its claim (see run_worker).
        ctx={"settings": settings, "stopping": stopping or asyncio.Event()},
        handle_signals=handle_signals,
        # Cron hours are the shop's. arq annotates datetime.timezone but only uses a tzinfo.
        timezone=settings.zone,  # type: ignore[arg-type]
        # A job is retried by its own loop (the outbox's attempts), not by arq.
        max_tries=1,
        keep_result=60,
    )


async def run_worker(
    settings: Settings, *, max_backoff: float = 30.0, stop_on_signals: bool = False
) -> None:
    """Run the worker until cancelled (or, with `stop_on_signals`, until SIGTERM or SIGINT).
    arq's worker stops when Redis goes away; this one starts a new one as soon as Redis
    answers again (mail written meanwhile waits in the outbox and goes out with the first
    sweep). On a signal, jobs running finish what they are in the middle of: a delivery
    its message in flight (it takes no more and releases the rest of its claim)."""
    stopping = asyncio.Event()
    if stop_on_signals:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stopping.set)
    delay = min(1.0, max_backoff)
    while not stopping.is_set():
        worker = create_worker(settings, handle_signals=False, stopping=stopping)
        running = asyncio.ensure_future(worker.async_run())
        stop = asyncio.ensure_future(stopping.wait())
        restart = False
        try:
            await asyncio.wait({running, stop}, return_when=asyncio.FIRST_COMPLETED)
            if running.done():
                running.result()
                return
            running.cancel()  # arq's polling loop only: the jobs are tasks of their own
            with contextlib.suppress(asyncio.CancelledError):
                await running
            return
        except (RedisError, OSError) as error:
            log.warning("worker lost Redis (%s); starting again in %.1fs", error, delay)
            restart = True
        finally:
            if not restart:  # stopping for good (a signal, or cancelled): no new batches
                stopping.set()
            stop.cancel()
            if not running.done():
                running.cancel()
            await _close(worker, grace=_grace(settings))
        await asyncio.sleep(delay)
        delay = min(delay * 2, max_backoff)


def _grace(settings: Settings) -> float:
    """Long enough for the message in flight: a few SMTP replies, each bounded."""
    return 3 * settings.smtp_timeout_seconds + 5


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
