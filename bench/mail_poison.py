"""Fault figures for mail delivery: a poison address among 100 messages, and a message
whose worker dies every time it is claimed.

Queues 100 messages (the 38th to `пётр@example.com`: a non-ASCII local part, which a server
without SMTPUTF8 cannot take) and delivers them to a local aiosmtpd without SMTPUTF8; then
claims one message and abandons the claim `mail_max_attempts` times, as a worker that the
message kills would. Prints what became of every message.

    .venv/bin/python bench/mail_poison.py

Embedded PostgreSQL keeps its data in bench/.data-mail (or --data-dir).
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from rich.console import Console
from sqlalchemy import select, text

from repairbook import migrate
from repairbook.clock import SystemClock
from repairbook.config import Settings
from repairbook.db import Database, unit_of_work
from repairbook.embedded import EmbeddedServices, free_port
from repairbook.models.notifications import MessageKind, OutboxMessage
from repairbook.notifications import outbox, repository
from repairbook.notifications.delivery import Delivery

console = Console()
HERE = Path(__file__).parent


class Sink:
    def __init__(self) -> None:
        self.accepted = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.accepted += 1
        return "250 OK"


def mail(n: int, recipient: str) -> outbox.Mail:
    data = {"name": "Иван", "car": f"Car {n}", "last_visit": None, "sold_on": "2024-01-01",
            "due": "2026-01-01"}  # fmt: skip
    return outbox.Mail(MessageKind.MAINTENANCE_DUE, f"bench:{n}", None, recipient, "ru", data)


async def run(settings: Settings) -> None:
    assert settings.database_url
    database = Database.connect(settings.database_url)
    sink = Sink()
    controller = Controller(
        sink, hostname="127.0.0.1", port=settings.smtp_port, enable_SMTPUTF8=False
    )
    controller.start()
    try:
        async with unit_of_work(database) as db:
            await db.execute(text("TRUNCATE outbox_messages RESTART IDENTITY CASCADE"))
        addresses = [f"client{n}@example.com" for n in range(100)]
        addresses[37] = "пётр@example.com"
        async with unit_of_work(database) as db:
            await outbox.queue(db, [mail(n, a) for n, a in enumerate(addresses)])
        await Delivery(database, settings, SystemClock()).deliver_due()
        async with database.sessions() as db:
            rows = (await db.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
        counts = Counter(row.status.value for row in rows)
        console.print(
            f"[bold]poison address among 100[/]: {sink.accepted} delivered, "
            f"{counts['SENT']} SENT, {counts['FAILED']} FAILED, "
            f"{counts['SENDING'] + counts['PENDING']} stuck"
        )
        failed = [row for row in rows if row.status.value == "FAILED"]
        for row in failed:
            console.print(f"  FAILED {row.recipient}: {row.last_error}")

        async with unit_of_work(database) as db:
            await outbox.queue(db, [mail(1000, "doomed@example.com")])
        for _ in range(settings.mail_max_attempts):
            async with unit_of_work(database) as db:
                await repository.claim(
                    db, lease=timedelta(seconds=60), limit=100,
                    max_attempts=settings.mail_max_attempts,
                )  # fmt: skip
                await db.execute(
                    text("UPDATE outbox_messages SET lease_until = now() - interval '1 second' "
                         "WHERE status = 'SENDING'")
                )  # fmt: skip
        await Delivery(database, settings, SystemClock()).deliver_due()
        async with database.sessions() as db:
            doomed = await db.scalar(
                select(OutboxMessage).where(OutboxMessage.recipient == "doomed@example.com")
            )
        assert doomed is not None
        console.print(
            f"[bold]a message whose worker dies every time[/]: {doomed.status.value} after "
            f"{doomed.attempts} attempts: {doomed.last_error}"
        )
    finally:
        controller.stop()
        await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, default=HERE / ".data-mail")
    args = parser.parse_args()
    base = Settings(_env_file=None, data_dir=args.data_dir)
    with EmbeddedServices(base, with_redis=False, with_mail_sink=False) as services:
        settings = services.settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": free_port()}
        )
        assert settings.database_url
        migrate.upgrade(settings.database_url)
        asyncio.run(run(settings))


if __name__ == "__main__":
    main()
