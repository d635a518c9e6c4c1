"""The real worker: delivery after commit, through a Redis outage, and after a kill -9."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from repairbook.config import Settings
from repairbook.db import unit_of_work
from repairbook.embedded import RedisProcess
from repairbook.models.notifications import MessageStatus, OutboxMessage
from repairbook.notifications import outbox
from repairbook.resources import Resources
from repairbook.worker import run_worker
from tests.api.booking_support import BOOK, CANCEL, book_input
from tests.factories import Catalog
from tests.helpers import Api
from tests.live.support import instance
from tests.notifications.support import Inbox, notices


@contextlib.asynccontextmanager
async def worker_in_process(settings: Settings) -> AsyncIterator[None]:
    task = asyncio.create_task(run_worker(settings, max_backoff=0.5))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.fixture
def redis_of_its_own(tmp_path: Path) -> Iterator[RedisProcess]:
    redis = RedisProcess(tmp_path / "redis").start()
    try:
        yield redis
    finally:
        redis.stop()


async def statuses(resources: Resources) -> list[MessageStatus]:
    async with resources.sessions() as db:
        return list(
            (await db.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id))).all()
        )


async def all_sent(resources: Resources, count: int) -> bool:
    """The server has a message a moment before the worker records it as sent."""
    async with asyncio.timeout(5):
        while await statuses(resources) != [MessageStatus.SENT] * count:  # noqa: ASYNC110 - polling rows
            await asyncio.sleep(0.05)
    return True


async def test_mail_written_while_redis_was_down_goes_out_when_it_is_back(
    api: Api,
    catalog: Catalog,
    mail_settings: Settings,
    inbox: Inbox,
    redis_of_its_own: RedisProcess,
) -> None:
    redis = redis_of_its_own
    settings = mail_settings.model_copy(update={"redis_url": redis.url})
    async with instance(settings) as server, worker_in_process(settings):
        client, car = await api.client_with_car(catalog.model_id)
        booked = await server.post(BOOK, book_input(catalog, car, api.at(2, "10:00")), client.token)
        [confirmation] = await inbox.wait_for(1)  # asked for right after the commit
        redis.stop()
        cancelled = await server.post(
            CANCEL, {"id": booked["data"]["bookSlot"]["id"]}, client.token
        )
        assert cancelled["data"]["cancelBooking"]["status"] == "CANCELLED"
        assert await statuses(api.resources) == [MessageStatus.SENT, MessageStatus.PENDING]
        redis.start()
        messages = await inbox.wait_for(2, seconds=20)
        assert await all_sent(api.resources, 2)
    assert "Вы записаны" in str(confirmation["Subject"])
    assert "отменена" in str(messages[1]["Subject"])


@contextlib.contextmanager
def worker_process(settings: Settings, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`repairbook worker` as its own process, as a deployment runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPAIRBOOK_")}
    env |= {
        "REPAIRBOOK_DATABASE_URL": str(settings.database_url),
        "REPAIRBOOK_REDIS_URL": str(settings.redis_url),
        "REPAIRBOOK_SMTP_HOST": "127.0.0.1",
        "REPAIRBOOK_SMTP_PORT": str(settings.smtp_port),
        "REPAIRBOOK_MAIL_LEASE_SECONDS": "2",
        "REPAIRBOOK_MAIL_BATCH_SIZE": "8",
        "REPAIRBOOK_DATA_DIR": str(tmp_path / "data"),
    }
    with (tmp_path / "worker.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "repairbook", "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
            process.wait(timeout=30)


async def test_a_worker_killed_mid_batch_leaves_every_message_sent_once(
    api: Api, resources: Resources, mail_settings: Settings, inbox: Inbox, tmp_path: Path
) -> None:
    person = await api.person()
    async with unit_of_work(resources.database) as db:
        await outbox.queue(db, notices(20, int(person.id), "someone@example.com"))
    inbox.hold_after = 5  # the 6th message's DATA is left unanswered…
    with worker_process(mail_settings, tmp_path) as first:
        assert await asyncio.to_thread(inbox.holding.wait, 60), (
            tmp_path / "worker.log"
        ).read_text()
        first.send_signal(signal.SIGKILL)  # …while the worker dies
    inbox.release.set()
    assert len(inbox.messages) == 5
    with worker_process(mail_settings, tmp_path):
        # Its sweep takes the rest, and the dead worker's batch once that lease runs out.
        await inbox.wait_for(20, seconds=30)
        await asyncio.sleep(0.5)  # anything sent twice would have arrived by now
    ids = inbox.message_ids()
    assert len(ids) == len(set(ids)) == 20
    assert await all_sent(resources, 20)
