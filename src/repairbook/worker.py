"""The arq worker: every domain's jobs and cron jobs, sharing the API's connections code."""

from __future__ import annotations

import logging
from typing import Any

from arq import cron
from arq.connections import RedisSettings
from arq.worker import Worker

from repairbook.accounts import tasks as account_tasks
from repairbook.booking import tasks as booking_tasks
from repairbook.config import Settings
from repairbook.notifications import tasks as mail_tasks
from repairbook.resources import QUEUE, Resources

log = logging.getLogger(__name__)
EVERY_MINUTE = set(range(60))


async def _startup(ctx: dict[str, Any]) -> None:
    resources = ctx["resources"] = await Resources.open(ctx["settings"])
    # Jobs that write mail (scans, campaigns, retries) ask for its delivery after commit.
    resources.database.after_commit.append(mail_tasks.delivery_requester(resources.redis))


async def _shutdown(ctx: dict[str, Any]) -> None:
    resources: Resources | None = ctx.get("resources")
    if resources is not None:
        await resources.close()


def create_worker(settings: Settings, *, handle_signals: bool = True) -> Worker:
    if not settings.redis_url:
        raise RuntimeError("redis_url must be set (or use `repairbook dev`)")
    return Worker(
        functions=[mail_tasks.deliver_outbox],
        cron_jobs=[
            # The sweep: mail written while Redis was down, retries that fell due, batches
            # a dead worker left behind.
            cron(mail_tasks.deliver_outbox, minute=EVERY_MINUTE, run_at_startup=True),
            cron(booking_tasks.scan_reminders, minute={0, 15, 30, 45}, run_at_startup=True),
            cron(booking_tasks.scan_maintenance, hour={6}, minute={5}, run_at_startup=True),
            cron(account_tasks.purge_refresh_tokens, hour={3}, minute={17}, run_at_startup=True),
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
