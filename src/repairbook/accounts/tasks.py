"""Background jobs for accounts. Each is safe to run twice (arq may retry any job)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from repairbook.accounts import repository
from repairbook.db import unit_of_work
from repairbook.notifications import service as notifications

log = logging.getLogger(__name__)
# Revoked tokens are kept a while so that a replayed one can be told apart from garbage.
KEEP_REVOKED = timedelta(days=7)


async def purge_refresh_tokens(ctx: dict[str, Any]) -> int:
    resources = ctx["resources"]
    now = resources.clock.now()
    async with unit_of_work(resources.database) as db:
        removed = await repository.purge_dead_refresh_tokens(
            db, expired_before=now, revoked_before=now - KEEP_REVOKED
        )
    log.info("purged %d dead refresh tokens", removed)
    return removed


async def erase_deleted_users_mail(ctx: dict[str, Any]) -> int:
    """Mail to deleted accounts, once done with, keeps no address and no content (the
    cancellations written as an account was deleted go out first)."""
    resources = ctx["resources"]
    async with unit_of_work(resources.database) as db:
        erased = await notifications.erase_mail_of_deleted_users(db)
    log.info("erased %d messages of deleted accounts", erased)
    return erased
