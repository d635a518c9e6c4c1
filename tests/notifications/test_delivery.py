"""Delivery under faults: the SMTP server down or refusing, broken templates, two workers
and two scans at once, and a reminder that is no longer wanted."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, time

from sqlalchemy import func, select, update

from repairbook.booking.tasks import queue_reminders
from repairbook.config import Settings
from repairbook.db import unit_of_work
from repairbook.models.accounts import Role
from repairbook.models.notifications import MessageKind, MessageStatus, OutboxMessage
from repairbook.notifications import outbox
from repairbook.notifications.delivery import Delivery, Report
from repairbook.resources import Resources
from tests.api.booking_support import BOOK, CANCEL, MOVE, book_input
from tests.factories import Catalog
from tests.helpers import Api
from tests.notifications.support import Inbox, notices

OUTBOX = "query { mailOutbox { counts { pending sending sent failed skipped } failed { id kind status attempts lastError recipient } } }"
RETRY = "mutation ($id: ID!) { retryMessage(id: $id) { id status attempts } }"


async def rows(resources: Resources) -> list[OutboxMessage]:
    async with resources.sessions() as db:
        return list((await db.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def one_booking(api: Api, catalog: Catalog, hhmm: str = "10:00") -> tuple[str, str]:
    """A client's booking (and so one confirmation in the outbox); its id and the token."""
    client, car = await api.client_with_car(catalog.model_id)
    variables = book_input(catalog, car, api.at(2, hhmm))
    booked = (await api.ok(BOOK, variables, client.token))["bookSlot"]
    return booked["id"], client.token


async def test_smtp_down_is_retried_and_delivered_when_it_is_back(
    api: Api, catalog: Catalog, delivery: Delivery, inbox: Inbox
) -> None:
    await one_booking(api, catalog)
    inbox.stop()
    report = await delivery.deliver_due()
    assert (report.sent, report.retried) == (0, 1)
    [row] = await rows(api.resources)
    assert row.status is MessageStatus.PENDING
    assert row.attempts == 1
    assert row.last_error
    assert "SMTP connection" in row.last_error
    assert row.next_attempt_at > api.now()  # not before the retry delay
    inbox.start()
    assert (await delivery.deliver_due()).sent == 0  # still waiting out the delay
    await asyncio.sleep(1.1)
    assert (await delivery.deliver_due()).sent == 1
    assert len(inbox.messages) == 1
    [row] = await rows(api.resources)
    assert (row.status, row.attempts) == (MessageStatus.SENT, 2)


async def test_4xx_retries_5xx_fails_and_staff_can_send_it_again(
    api: Api, catalog: Catalog, delivery: Delivery, inbox: Inbox
) -> None:
    manager = await api.person(Role.MANAGER)
    _, client_token = await one_booking(api, catalog)
    inbox.answer = "451 4.3.0 Mailbox busy"
    assert (await delivery.deliver_due()).retried == 1
    await asyncio.sleep(1.1)
    inbox.answer = "550 5.1.1 No such user here"
    assert (await delivery.deliver_due()).failed == 1
    state = (await api.ok(OUTBOX, token=manager.token))["mailOutbox"]
    assert state["counts"] == {"pending": 0, "sending": 0, "sent": 0, "failed": 1, "skipped": 0}
    [failed] = state["failed"]
    assert (failed["kind"], failed["status"], failed["attempts"]) == (
        "BOOKING_CONFIRMED",
        "FAILED",
        2,
    )
    assert "550" in failed["lastError"]
    denied = await api.error(RETRY, {"id": failed["id"]}, client_token)
    assert denied["code"] == "FORBIDDEN"
    inbox.answer = None
    again = (await api.ok(RETRY, {"id": failed["id"]}, manager.token))["retryMessage"]
    assert (again["status"], again["attempts"]) == ("PENDING", 0)
    assert (await delivery.deliver_due()).sent == 1
    twice = await api.error(RETRY, {"id": failed["id"]}, manager.token)
    assert (twice["code"], twice["field"]) == ("BAD_USER_INPUT", "id")


async def test_a_broken_template_or_address_fails_the_message_not_the_booking(
    api: Api, catalog: Catalog, delivery: Delivery, inbox: Inbox
) -> None:
    await one_booking(api, catalog, "10:00")
    await one_booking(api, catalog, "10:30")
    first, second = await rows(api.resources)
    async with api.resources.sessions() as db, db.begin():
        broken = {k: v for k, v in first.data.items() if k != "starts_at"}
        await db.execute(
            update(OutboxMessage).where(OutboxMessage.id == first.id).values(data=broken)
        )
        await db.execute(
            update(OutboxMessage).where(OutboxMessage.id == second.id).values(recipient="nobody")
        )
    report = await delivery.deliver_due()
    assert (report.sent, report.failed) == (0, 2)
    first, second = await rows(api.resources)
    assert first.status is MessageStatus.FAILED
    assert first.last_error
    assert first.last_error.startswith("template error")
    assert second.last_error == "no usable email address"
    assert inbox.messages == []


async def test_a_change_that_rolls_back_leaves_no_message(api: Api, catalog: Catalog) -> None:
    booking_id, token = await one_booking(api, catalog)
    rival, rival_car = await api.client_with_car(catalog.model_id)
    taken = await api.error(BOOK, book_input(catalog, rival_car, api.at(2, "10:00")), rival.token)
    assert taken["code"] == "SLOT_TAKEN"
    await api.ok(BOOK, book_input(catalog, rival_car, api.at(2, "11:00")), rival.token)
    refused = await api.error(
        MOVE,
        {"id": booking_id, "r": str(catalog.receptionist_ids[0]), "s": api.at(2, "11:00")},
        token,
    )
    assert refused["code"] == "SLOT_TAKEN"
    assert Counter(r.kind for r in await rows(api.resources)) == Counter(
        {MessageKind.BOOKING_CONFIRMED: 2}
    )


async def test_a_message_that_keeps_failing_is_given_up(
    api: Api, catalog: Catalog, mail_settings: Settings, inbox: Inbox
) -> None:
    await one_booking(api, catalog)
    impatient = mail_settings.model_copy(update={"mail_max_attempts": 2})
    delivery = Delivery(api.resources.database, impatient, api.resources.clock)
    inbox.answer = "421 4.7.0 Try again later"
    await delivery.deliver_due()
    await asyncio.sleep(1.1)
    await delivery.deliver_due()
    [row] = await rows(api.resources)
    assert row.status is MessageStatus.FAILED
    assert row.last_error
    assert row.last_error.startswith("gave up")


async def test_two_workers_at_once_send_each_message_once(
    api: Api, resources: Resources, mail_settings: Settings, inbox: Inbox
) -> None:
    person = await api.person()
    async with unit_of_work(resources.database) as db:
        await outbox.queue(db, notices(60, int(person.id), "someone@example.com"))
    small = mail_settings.model_copy(update={"mail_batch_size": 7})
    workers = [Delivery(resources.database, small, resources.clock) for _ in range(3)]
    reports = await asyncio.gather(*(w.deliver_due() for w in workers))
    assert sum(r.sent for r in reports) == 60
    assert all(r.sent > 0 for r in reports)  # they really worked side by side
    ids = inbox.message_ids()
    assert len(ids) == len(set(ids)) == 60


async def test_two_scans_at_once_queue_one_reminder_per_booking(
    api: Api, catalog: Catalog, resources: Resources, mail_settings: Settings
) -> None:
    for hour in range(9, 15):
        client, car = await api.client_with_car(catalog.model_id)
        await api.ok(BOOK, book_input(catalog, car, api.at(1, f"{hour}:00")), client.token)
    today = api.now().astimezone(mail_settings.zone).date()
    late = datetime.combine(today, time(mail_settings.reminder_hour, 30), tzinfo=mail_settings.zone)
    counts = await asyncio.gather(
        *(queue_reminders(resources.database, mail_settings, late) for _ in range(2))
    )
    assert sum(counts) == 6
    async with resources.sessions() as db:
        reminders = await db.scalar(
            select(func.count()).where(OutboxMessage.kind == MessageKind.VISIT_REMINDER)
        )
    assert reminders == 6


async def test_a_reminder_for_a_booking_cancelled_since_is_not_sent(
    api: Api, catalog: Catalog, delivery: Delivery, inbox: Inbox, mail_settings: Settings
) -> None:
    client, car = await api.client_with_car(catalog.model_id)
    booked = (await api.ok(BOOK, book_input(catalog, car, api.at(1, "12:00")), client.token))[
        "bookSlot"
    ]
    today = api.now().astimezone(mail_settings.zone).date()
    late = datetime.combine(today, time(mail_settings.reminder_hour, 30), tzinfo=mail_settings.zone)
    assert await queue_reminders(api.resources.database, mail_settings, late) == 1
    await api.ok(CANCEL, {"id": booked["id"]}, client.token)
    report = await delivery.deliver_due()
    assert (report.sent, report.skipped) == (2, 1)  # the confirmation and the cancellation
    reminder = next(r for r in await rows(api.resources) if r.kind is MessageKind.VISIT_REMINDER)
    assert (reminder.status, reminder.last_error) == (
        MessageStatus.SKIPPED,
        "booking cancelled",
    )
    assert len(inbox.messages) == 2


async def test_a_batch_that_outlasts_its_lease_is_not_sent_twice(
    api: Api, resources: Resources, mail_settings: Settings, inbox: Inbox
) -> None:
    """A slow server: a whole batch would take longer than its lease. Each worker stops
    taking messages from its batch in time, so no other worker takes one it still sends."""
    person = await api.person()
    async with unit_of_work(resources.database) as db:
        await outbox.queue(db, notices(12, int(person.id), "someone@example.com"))
    inbox.delay = 0.3  # 12 messages × 0.3 s: far beyond a 2-second lease for one batch
    big_batches = mail_settings.model_copy(update={"mail_batch_size": 12})
    first, second = (Delivery(resources.database, big_batches, resources.clock) for _ in range(2))

    async def after_the_lease() -> Report:
        await asyncio.sleep(2.2)  # the first worker's lease has run out by now
        return await second.deliver_due()

    reports = await asyncio.gather(first.deliver_due(), after_the_lease())
    assert sum(r.sent for r in reports) == 12
    ids = inbox.message_ids()
    assert len(ids) == len(set(ids)) == 12
