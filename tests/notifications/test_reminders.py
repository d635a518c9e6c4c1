"""Calendar versions and reminders: a SEQUENCE per change however fast the changes come,
and a reminder due per booking, written from the booking as it is when it is sent."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, time, timedelta

from sqlalchemy import select

from repairbook.booking.tasks import queue_reminders
from repairbook.clock import FixedClock
from repairbook.config import Settings
from repairbook.models.notifications import MessageKind, MessageStatus, OutboxMessage
from repairbook.notifications.delivery import Delivery
from tests.api.booking_support import BOOK, CANCEL, MOVE, book_input
from tests.factories import Catalog
from tests.helpers import Api
from tests.notifications.support import Inbox, calendar_of, text_of


def moment(api: Api, days: int, hhmm: str) -> datetime:
    return datetime.fromisoformat(api.at(days, hhmm))


def evening(api: Api, settings: Settings) -> datetime:
    """Today, an hour after the reminder hour: tomorrow's visits are due their reminder."""
    return moment(api, 0, f"{settings.reminder_hour + 1}:00")


async def book(
    api: Api, catalog: Catalog, days: int, hhmm: str, advisor: int = 0
) -> tuple[str, str]:
    """A new client's booking: its id and the client's token."""
    client, car = await api.client_with_car(catalog.model_id)
    variables = book_input(catalog, car, api.at(days, hhmm), receptionist=advisor)
    booked = (await api.ok(BOOK, variables, client.token))["bookSlot"]
    return str(booked["id"]), client.token


async def reminders(api: Api) -> list[OutboxMessage]:
    async with api.resources.sessions() as db:
        query = select(OutboxMessage).where(OutboxMessage.kind == MessageKind.VISIT_REMINDER)
        return list((await db.scalars(query.order_by(OutboxMessage.id))).all())


def at(api: Api, delivery: Delivery, when: datetime) -> Delivery:
    return Delivery(delivery.database, delivery.settings, FixedClock(when))


def reminders_in(inbox: Inbox) -> list[str]:
    return [text_of(m) for m in inbox.messages if str(m["Subject"]).startswith("Напоминание")]


async def test_every_change_gets_a_higher_sequence_within_one_second(
    api: Api, catalog: Catalog, delivery: Delivery, inbox: Inbox
) -> None:
    client, car = await api.client_with_car(catalog.model_id)
    booked = (await api.ok(BOOK, book_input(catalog, car, api.at(2, "10:00")), client.token))[
        "bookSlot"
    ]
    move = {"id": booked["id"], "r": str(catalog.receptionist_ids[0]), "s": api.at(2, "11:00")}
    await api.ok(MOVE, move, client.token)
    await api.ok(CANCEL, {"id": booked["id"]}, client.token)
    assert (await delivery.deliver_due()).sent == 3
    events = [next(c for c in calendar_of(m).walk() if c.name == "VEVENT") for m in inbox.messages]
    assert [int(str(e["SEQUENCE"])) for e in events] == [0, 1, 2]
    assert len({str(e["UID"]) for e in events}) == 1


async def test_moved_away_and_back_still_gets_its_reminder(
    api: Api, catalog: Catalog, delivery: Delivery, inbox: Inbox, mail_settings: Settings
) -> None:
    booking, token = await book(api, catalog, 1, "10:00")
    database = api.resources.database
    assert await queue_reminders(database, mail_settings, evening(api, mail_settings)) == 1
    for hhmm in ("11:00", "10:00"):
        move = {"id": booking, "r": str(catalog.receptionist_ids[0]), "s": api.at(1, hhmm)}
        await api.ok(MOVE, move, token)
    await delivery.deliver_due()
    [first] = await reminders(api)
    assert first.status is MessageStatus.SKIPPED  # written before the moves
    assert first.last_error
    assert first.last_error.startswith("booking changed since")
    assert await queue_reminders(database, mail_settings, evening(api, mail_settings)) == 1
    await delivery.deliver_due()
    [sent] = reminders_in(inbox)
    assert "завтра в 10:00" in sent
    assert await queue_reminders(database, mail_settings, evening(api, mail_settings)) == 0


async def test_moved_to_another_advisor_the_reminder_names_the_new_one(
    api: Api, catalog: Catalog, delivery: Delivery, inbox: Inbox, mail_settings: Settings
) -> None:
    booking, token = await book(api, catalog, 1, "10:00", advisor=0)
    database = api.resources.database
    assert await queue_reminders(database, mail_settings, evening(api, mail_settings)) == 1
    move = {"id": booking, "r": str(catalog.receptionist_ids[1]), "s": api.at(1, "10:00")}
    await api.ok(MOVE, move, token)
    await delivery.deliver_due()
    assert await queue_reminders(database, mail_settings, evening(api, mail_settings)) == 1
    await delivery.deliver_due()
    moved = next(text_of(m) for m in inbox.messages if "перенесена" in str(m["Subject"]))
    advisor = next(line for line in moved.splitlines() if line.startswith("Приёмщик:"))
    [reminder] = reminders_in(inbox)
    assert advisor in reminder.splitlines()


async def test_booked_after_the_evening_scan_gets_a_reminder_that_says_today(
    api: Api, catalog: Catalog, delivery: Delivery, inbox: Inbox, mail_settings: Settings
) -> None:
    database = api.resources.database
    last_scan = moment(api, 0, "23:45")
    assert await queue_reminders(database, mail_settings, last_scan) == 0
    await book(api, catalog, 1, "10:00")  # booked at, say, 23:50
    after_midnight = moment(api, 1, "00:00")
    assert await queue_reminders(database, mail_settings, after_midnight) == 1
    await at(api, delivery, after_midnight + timedelta(minutes=1)).deliver_due()
    [sent] = reminders_in(inbox)
    assert "Напоминание: сегодня в 10:00" in str(inbox.messages[-1]["Subject"])
    assert "Ждём вас сегодня в 10:00." in sent


async def test_a_late_reminder_says_today_and_none_goes_once_the_visit_began(
    api: Api, catalog: Catalog, delivery: Delivery, inbox: Inbox, mail_settings: Settings
) -> None:
    await book(api, catalog, 1, "10:00")
    await book(api, catalog, 1, "12:00", advisor=1)
    await delivery.deliver_due()  # the confirmations
    database = api.resources.database
    assert await queue_reminders(database, mail_settings, evening(api, mail_settings)) == 2
    report = await at(api, delivery, moment(api, 1, "11:00")).deliver_due()
    assert (report.sent, report.skipped) == (1, 1)
    begun, late = await reminders(api)
    assert (begun.status, begun.last_error) == (MessageStatus.SKIPPED, "the visit has begun")
    assert late.status is MessageStatus.SENT
    [sent] = reminders_in(inbox)
    assert "Ждём вас сегодня в 12:00." in sent
    assert "завтра" not in sent


async def test_a_reminder_on_time_says_tomorrow(
    api: Api, catalog: Catalog, delivery: Delivery, inbox: Inbox, mail_settings: Settings
) -> None:
    await book(api, catalog, 1, "10:00")
    database = api.resources.database
    assert await queue_reminders(database, mail_settings, evening(api, mail_settings)) == 1
    await at(api, delivery, evening(api, mail_settings)).deliver_due()
    [sent] = reminders_in(inbox)
    assert "Ждём вас завтра в 10:00." in sent
    assert "Напоминание: завтра в 10:00" in [str(m["Subject"]) for m in inbox.messages]


async def test_the_scan_command_runs_for_a_chosen_moment(
    api: Api, catalog: Catalog, mail_settings: Settings
) -> None:
    await book(api, catalog, 1, "10:00")
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPAIRBOOK_")}
    env["REPAIRBOOK_DATABASE_URL"] = str(mail_settings.database_url)
    env["REPAIRBOOK_TIMEZONE"] = mail_settings.timezone

    def scan(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "repairbook", "scan", *args]
        return subprocess.run(  # noqa: S603 - our own command line, as a deployment runs it
            command, env=env, capture_output=True, text=True, timeout=60
        )

    too_early = moment(api, 0, "09:00").replace(tzinfo=None).isoformat(timespec="minutes")
    done = scan("reminders", "--at", too_early)
    assert done.returncode == 0, done.stderr
    assert "0 queued" in done.stderr
    in_the_evening = evening(api, mail_settings).isoformat()
    done = scan("reminders", "--at", in_the_evening)
    assert done.returncode == 0, done.stderr
    assert "1 queued" in done.stderr
    assert len(await reminders(api)) == 1
    refused = scan("reminders", "--at", "yesterday")
    assert refused.returncode == 2
    assert "ISO 8601" in refused.stderr
    assert scan("everything").returncode == 2


async def test_a_scan_time_is_a_moment_today(mail_settings: Settings) -> None:
    """The reminder days around the reminder hour, in the shop's time zone."""
    from repairbook.booking.tasks import reminder_days

    zone = mail_settings.zone
    today = datetime(2026, 12, 3, tzinfo=zone).date()
    hour = mail_settings.reminder_hour
    before = datetime.combine(today, time(hour - 1, 59), tzinfo=zone)
    after = datetime.combine(today, time(hour, 0), tzinfo=zone)
    assert reminder_days(before, mail_settings) == (today, today)
    assert reminder_days(after, mail_settings) == (today, today + timedelta(days=1))
