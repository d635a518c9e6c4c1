"""The arq worker: every domain's jobs and cron jobs, sharing the API's connections code."""

from __future__ import annotations

import logging
from typing import Any

from arq import cron
from arq.connections import RedisSettings
from arq.worker import Worker

from repairbook.accounts import tasks as account_tasks
from repairbook.config import Settings
from repairbook.resources import QUEUE, Resources

log = logging.getLogger(__name__)


async def _startup(ctx: dict[str, Any]) -> None:
    ctx["resources"] = await Resources.open(ctx["settings"])


async def _shutdown(ctx: dict[str, Any]) -> None:
    resources: Resources | None = ctx.get("resources")
    if resources is not None:
        await resources.close()


def create_worker(settings: Settings, *, handle_signals: bool = True) -> Worker:
    if not settings.redis_url:
        raise RuntimeError("redis_url must be set (or use `repairbook dev`)")
    return Worker(
        functions=[],
        cron_jobs=[
            cron(account_tasks.purge_refresh_tokens, hour={3}, minute={17}, run_at_startup=True),
        ],
        redis_settings=RedisSettings.from_dsn(settings.redis_url),
        queue_name=QUEUE,
        on_startup=_startup,
        on_shutdown=_shutdown,
        ctx={"settings": settings},
        handle_signals=handle_signals,
    )
