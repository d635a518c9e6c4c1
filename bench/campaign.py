"""Benchmark of a campaign to N clients, sent by one worker to a local SMTP sink.

Fills N clients who agreed to campaigns, starts a counting SMTP sink (bench/sink.py) and
one `repairbook worker` process, creates a campaign to all clients, and prints:

- the time to fill the outbox (every recipient queued) and to deliver every message, and
  the delivery rate;
- the worker's peak resident memory (VmHWM);
- the floor: the same number of messages (text and HTML, each with its own greeting and
  unsubscribe link) built and sent by a bare aiosmtplib loop over one connection to the
  same sink, and the worker's rate as a share of it.

    .venv/bin/python bench/campaign.py                        # 100,000 recipients
    .venv/bin/python bench/campaign.py --recipients 10000     # compare the worker's memory

Embedded PostgreSQL and Redis keep their data in bench/.data-campaign (or --data-dir).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime
from pathlib import Path

import aiosmtplib
import psycopg
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from repairbook import migrate
from repairbook.campaigns import service as campaigns
from repairbook.campaigns.tasks import campaign_requester
from repairbook.config import Settings
from repairbook.db import read_only, unit_of_work
from repairbook.embedded import EmbeddedServices, free_port
from repairbook.models.accounts import User
from repairbook.models.campaigns import Campaign
from repairbook.models.notifications import MessageStatus, OutboxMessage
from repairbook.notifications.tasks import delivery_requester
from repairbook.resources import Resources

console = Console()
HERE = Path(__file__).parent
TEXT = """**Шиномонтаж со скидкой 20%** до конца месяца.

- замена и балансировка колёс;
- хранение шин до весны.

Запишитесь в приложении или по телефону."""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, default=HERE / ".data-campaign")
    args = parser.parse_args()
    base = Settings(_env_file=None, data_dir=args.data_dir, argon2_memory_kib=1024)
    with EmbeddedServices(base, with_mail_sink=False) as services:
        port = free_port()
        settings = services.settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": port}
        )
        assert settings.database_url
        migrate.upgrade(settings.database_url)
        _fill(settings.database_url, args.recipients)
        sink = subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, str(HERE / "sink.py"), str(port)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert sink.stdout is not None
        sink.stdout.readline()  # "ready"
        try:
            worker_figures = asyncio.run(_with_worker(settings, args.recipients))
            floor = asyncio.run(_bare_loop(settings, args.recipients))
        finally:
            sink.terminate()
            sink.communicate(timeout=30)
    _report(args.recipients, worker_figures, floor)


def _fill(database_url: str, count: int) -> None:
    libpq = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(libpq) as conn:
        conn.execute(
            "TRUNCATE outbox_messages, campaigns, bookings, quotes, cars, refresh_tokens, users RESTART IDENTITY CASCADE"
        )
        rows = "".join(
            f"client{n}\tclient{n}@example.com\tx\tИван\tПетров\tСергеевич\ttrue\n"
            for n in range(count)
        )
        rows += "boss\tboss@example.com\tx\tАнна\tПетрова\t\\N\tfalse\n"
        with conn.cursor().copy(
            "COPY users (nick, email, password_hash, first_name, last_name, patronymic, marketing_opt_in) FROM STDIN"
        ) as copy:
            buffer = io.StringIO(rows)
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        conn.execute("UPDATE users SET role = 'MANAGER' WHERE nick = 'boss'")
        # Campaigns go only to verified addresses.
        conn.execute("UPDATE users SET email_verified_at = now()")
        conn.execute("ANALYZE")
        conn.commit()
    console.print(f"filled {count:,} clients who agreed to campaigns")


async def _with_worker(settings: Settings, count: int) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPAIRBOOK_")}
    env |= {
        "REPAIRBOOK_DATABASE_URL": str(settings.database_url),
        "REPAIRBOOK_REDIS_URL": str(settings.redis_url),
        "REPAIRBOOK_SMTP_HOST": "127.0.0.1",
        "REPAIRBOOK_SMTP_PORT": str(settings.smtp_port),
        "REPAIRBOOK_DATA_DIR": str(settings.data_dir),
    }
    with (settings.data_dir / "worker.log").open("wb") as log:
        # A long-lived child we watch and stop; nothing here waits on it blocking.
        worker = subprocess.Popen(  # noqa: ASYNC220
            [sys.executable, "-m", "repairbook", "worker"], env=env, stderr=log
        )
    resources = await Resources.open(settings)
    resources.database.after_commit += [
        delivery_requester(resources.redis),
        campaign_requester(resources.redis),
    ]
    try:
        await asyncio.sleep(3)  # the worker starts
        async with unit_of_work(resources.database) as db:
            boss = (await db.scalars(select(User).where(User.nick == "boss"))).one()
            audience = campaigns.Audience(all_clients=True)
            campaign = await campaigns.create(db, boss, "Шиномонтаж", TEXT, audience)
        started = time.perf_counter()
        filled = sent = 0.0
        peak_kib = 0
        while True:
            peak_kib = max(peak_kib, _peak_rss_kib(worker.pid))
            async with read_only(resources.database) as db:
                queued = await db.scalar(
                    select(Campaign.queued_all).where(Campaign.id == campaign.id)
                )
                done = await db.scalar(
                    select(func.count()).where(OutboxMessage.status == MessageStatus.SENT)
                )
            now = time.perf_counter() - started
            if queued and not filled:
                filled = now
            if done and done >= count:
                sent = now
                break
            await asyncio.sleep(0.2)
        peak_kib = max(peak_kib, _peak_rss_kib(worker.pid))
        async with read_only(resources.database) as db:
            delivered = await db.scalar(
                select(func.count()).where(OutboxMessage.status == MessageStatus.SENT)
            )
        if delivered != count:
            raise RuntimeError(f"{delivered} of {count} messages sent: see the worker's log")
    finally:
        await resources.close()
        worker.terminate()
        worker.wait(timeout=60)
    return {"filled": filled, "sent": sent, "peak_mib": peak_kib / 1024}


def _peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


async def _bare_loop(settings: Settings, count: int) -> float:
    """The floor: the same messages (text and HTML, a greeting and a signed unsubscribe link
    of the same length), built the same way (email.mime) and sent over one connection,
    with no outbox, no database and no templates."""
    html = "<p><strong>Шиномонтаж со скидкой 20%</strong> до конца месяца.</p><ul><li>замена и балансировка колёс;</li><li>хранение шин до весны.</li></ul><p>Запишитесь в приложении или по телефону.</p>"
    wire = compat32.clone(linesep="\r\n", max_line_length=998)
    now = datetime.now(UTC)
    smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=settings.smtp_port)
    await smtp.connect()
    started = time.perf_counter()
    for n in range(count):
        link = campaigns.unsubscribe_url(n + 1, settings, now)
        body = MIMEMultipart("alternative")
        body.attach(
            MIMEText(
                f"Здравствуйте, Иван Сергеевич!\n\n{TEXT}\n\nОтписаться: {link}\n", "plain", "utf-8"
            )
        )
        body.attach(
            MIMEText(
                f'<p>Здравствуйте, Иван Сергеевич!</p>{html}<p><a href="{link}">Отписаться</a></p>',
                "html",
                "utf-8",
            )
        )
        body["From"] = settings.mail_from
        body["To"] = f"client{n}@example.com"
        body["Subject"] = Header("Шиномонтаж", "utf-8")  # type: ignore[assignment]
        body["Date"] = format_datetime(now)
        body["Message-ID"] = f"<bare.{n}@repairbook.local>"
        body["List-Unsubscribe"] = f"<{link}>"
        body["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        await smtp.sendmail(
            "noreply@repairbook.local", [f"client{n}@example.com"], body.as_bytes(policy=wire)
        )
    elapsed = time.perf_counter() - started
    await smtp.quit()
    return elapsed


def _report(count: int, worker: dict[str, float], floor: float) -> None:
    rate, bare = count / worker["sent"], count / floor
    table = Table(title=f"a campaign to {count:,} clients, one worker, local SMTP sink")
    for column in ("", "seconds", "messages/s"):
        table.add_column(column, justify="right")
    table.add_row(
        "outbox filled (every recipient queued)",
        f"{worker['filled']:.1f}",
        f"{count / worker['filled']:,.0f}",
    )
    table.add_row("worker: every message delivered", f"{worker['sent']:.1f}", f"{rate:,.0f}")
    table.add_row("floor: bare aiosmtplib loop", f"{floor:.1f}", f"{bare:,.0f}")
    console.print(table)
    console.print(
        f"worker / floor: {rate / bare:.2f}×; worker peak memory (VmHWM) {worker['peak_mib']:.0f} MiB; "
        f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
