"""The real worker: delivery after commit, through a Redis outage, and after a kill -9."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import signal
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy import select

from repairbook.config import Settings
from repairbook.db import unit_of_work
from repairbook.embedded import RedisProcess
from repairbook.models.notifications import MessageStatus, OutboxMessage
from repairbook.notifications import outbox
from repairbook.resources import QUEUE, Resources
from repairbook.worker import run_worker
from tests.api.booking_support import BOOK, CANCEL, book_input
from tests.factories import Catalog
from tests.helpers import Api
from tests.live.support import instance
from tests.notifications.support import Inbox, notices, worker_process


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


async def busy(redis: Redis) -> bool:
    if await redis.zcount(QUEUE, "-inf", time.time() * 1000):
        return True
    # A running job's key lives for its timeout (300 s and more); arq keeps a cron job's
    # key 60 s after it ended.
    return any([await redis.pttl(key) > 60_000 for key in await redis.keys("arq:in-progress:*")])


async def worker_idle(redis_url: str) -> None:
    """No job waiting in the queue or running (a delivery in progress, or waiting for the
    one before it, would take mail written meanwhile)."""
    redis = Redis.from_url(redis_url)
    try:
        async with asyncio.timeout(10):
            while await busy(redis):  # noqa: ASYNC110 - polling another process
                await asyncio.sleep(0.05)
    finally:
        await redis.aclose()


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
    client, car = await api.client_with_car(catalog.model_id)  # before the worker: no mail
    async with instance(settings) as server, worker_in_process(settings):
        booked = await server.post(BOOK, book_input(catalog, car, api.at(2, "10:00")), client.token)
        [confirmation] = await inbox.wait_for(1)  # asked for right after the commit
        await worker_idle(str(settings.redis_url))  # no delivery that could take the next
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


async def test_a_worker_killed_mid_batch_leaves_every_message_sent_once(
    api: Api, resources: Resources, mail_settings: Settings, inbox: Inbox, tmp_path: Path
) -> None:
    person = await api.person()
    async with unit_of_work(resources.database) as db:
        await outbox.queue(db, notices(20, int(person.id), "someone@example.com"))
    inbox.hold_after = 5  # from the 6th message on, no DATA is answered…
    with worker_process(mail_settings, tmp_path) as first:
        await inbox.all_waiting()
        first.send_signal(signal.SIGKILL)  # …and the worker dies waiting on every connection
    inbox.release.set()
    assert len(inbox.messages) == 5
    with worker_process(mail_settings, tmp_path):
        # Its sweep takes the rest, and the dead worker's batch once that lease runs out.
        await inbox.wait_for(20, seconds=30)
        await asyncio.sleep(0.5)  # anything sent twice would have arrived by now
    ids = inbox.message_ids()
    assert len(ids) == len(set(ids)) == 20
    assert await all_sent(resources, 20)


async def test_sigterm_finishes_the_message_in_flight_and_releases_the_rest(
    api: Api, resources: Resources, mail_settings: Settings, inbox: Inbox, tmp_path: Path
) -> None:
    """A stopping worker sends no new message, lets the one the server is answering finish
    (recorded SENT), puts the rest of its claim back at once (attempts not counted) and
    exits; one delivery runs at a time in a process, so one message was in flight."""
    person = await api.person()
    async with unit_of_work(resources.database) as db:
        await outbox.queue(db, notices(20, int(person.id), "someone@example.com"))
    inbox.hold_after = 5  # the 6th message's DATA is answered only once released
    slow_but_patient = {
        "REPAIRBOOK_SMTP_TIMEOUT_SECONDS": "5",
        "REPAIRBOOK_MAIL_LEASE_SECONDS": "60",
    }
    with worker_process(mail_settings, tmp_path, **slow_but_patient) as worker:
        await inbox.all_waiting()
        assert inbox.held == 1
        worker.send_signal(signal.SIGTERM)
        await asyncio.sleep(1)  # the worker waits for the server, it does not cut it off
        inbox.release.set()
        assert await asyncio.to_thread(worker.wait, 30) == 0
    assert len(inbox.messages) == 6
    async with resources.sessions() as db:
        found = (await db.execute(select(OutboxMessage.status, OutboxMessage.attempts))).all()
    assert sorted(found) == sorted(
        [(MessageStatus.SENT, 1)] * 6 + [(MessageStatus.PENDING, 0)] * 14
    )


async def test_the_worker_delivers_around_a_poison_address(
    api: Api, resources: Resources, mail_settings: Settings, inbox: Inbox, tmp_path: Path
) -> None:
    """One address the server cannot take (a non-ASCII local part, no SMTPUTF8) among 20:
    the real worker fails that one with its reason and sends the 19 others."""
    person = await api.person()
    mails = notices(20, int(person.id), "someone@example.com")
    mails[7] = dataclasses.replace(mails[7], recipient="пётр@example.com")
    async with unit_of_work(resources.database) as db:
        await outbox.queue(db, mails)
    with worker_process(mail_settings, tmp_path):
        await inbox.wait_for(19, seconds=30)
        async with asyncio.timeout(10):
            unfinished = {MessageStatus.SENDING, MessageStatus.PENDING}
            while unfinished & set(found := await statuses(resources)):  # noqa: ASYNC110
                await asyncio.sleep(0.05)  # rows written by another process
    assert found.count(MessageStatus.SENT) == 19
    assert found[7] is MessageStatus.FAILED
    async with resources.sessions() as db:
        error = await db.scalar(
            select(OutboxMessage.last_error).where(OutboxMessage.recipient == "пётр@example.com")
        )
    assert error
    assert "SMTPUTF8" in error
    assert len(inbox.messages) == 19
