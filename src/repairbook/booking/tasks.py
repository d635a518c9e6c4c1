"""The worker's scans for bookings: day-before reminders and yearly maintenance notices.

Each reads in keyset batches and commits each batch's outbox rows before reading on, so
memory stays bounded however many bookings or cars there are; the dedupe keys make a scan
safe to repeat and to run on two workers at once.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from repairbook.booking import mail
from repairbook.booking import repository as bookings
from repairbook.clock import local_date
from repairbook.config import Settings
from repairbook.db import Database, unit_of_work
from repairbook.notifications import outbox

log = logging.getLogger(__name__)
BATCH = 1000


def reminder_days(now: datetime, settings: Settings) -> tuple[date, date]:
    """The days whose visits are due a reminder at `now`: a visit's reminder is due from
    the reminder hour of the day before it until it begins. Today, and tomorrow once the
    shop's clock has passed the reminder hour."""
    local = now.astimezone(settings.zone)
    today = local.date()
    return today, today + timedelta(days=1 if local.hour >= settings.reminder_hour else 0)


async def queue_reminders(database: Database, settings: Settings, now: datetime) -> int:
    """Queue a reminder for every booking due one at `now` that has none: booked after the
    evening's last scan, moved away and back, moved to another advisor, all included (see
    `repository.reminders_due`). Safe to repeat and to run twice at once (dedupe keys)."""
    days = reminder_days(now, settings)
    queued, after = 0, 0
    while True:
        async with unit_of_work(database) as db:
            rows = await bookings.reminders_due(db, now, days, after_id=after, limit=BATCH)
            queued += len(await outbox.queue(db, [mail.reminder(row) for row in rows]))
        if len(rows) < BATCH:
            return queued
        after = rows[-1][0].id


async def queue_maintenance_notices(database: Database, settings: Settings, now: datetime) -> int:
    today = local_date(now, settings.zone)
    queued, after = 0, 0
    while True:
        async with unit_of_work(database) as db:
            rows = await bookings.maintenance_batch(db, now, after_id=after, limit=BATCH)
            notices = [m for row in rows if (m := mail.maintenance_due(row, today))]
            queued += len(await outbox.queue(db, notices))
        if len(rows) < BATCH:
            return queued
        after = rows[-1][0].id


async def scan_reminders(ctx: dict[str, Any], now: datetime | None = None) -> int:
    """The worker's scan (every quarter of an hour), or one for a chosen moment."""
    resources = ctx["resources"]
    when = now or resources.clock.now()
    queued = await queue_reminders(resources.database, resources.settings, when)
    log.info("reminders: %d queued", queued)
    return queued


async def scan_maintenance(ctx: dict[str, Any], now: datetime | None = None) -> int:
    resources = ctx["resources"]
    when = now or resources.clock.now()
    queued = await queue_maintenance_notices(resources.database, resources.settings, when)
    log.info("maintenance notices: %d queued", queued)
    return queued
