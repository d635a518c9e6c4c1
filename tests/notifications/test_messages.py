"""What each email says, in both languages, received by a real SMTP server."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import update

from repairbook.booking.tasks import queue_maintenance_notices, queue_reminders
from repairbook.config import Settings
from repairbook.models.accounts import Role
from repairbook.models.cars import Car
from repairbook.notifications.delivery import Delivery
from tests.api.booking_support import BOOK, CANCEL, MOVE, book_input
from tests.factories import Catalog
from tests.helpers import Api
from tests.notifications.support import Inbox, calendar_of, html_of, text_of

WORDS = {
    "ru": {
        "confirmed": "Вы записаны на",
        "moved": "Запись перенесена на",
        "cancelled": "отменена",
        "reminder": "Напоминание: завтра",
        "maintenance": "Пора на техобслуживание",
        "reason": "по причине: «Приёмщик заболел»",
        "by_client": "как вы и просили",
        "month": "декабря января февраля марта апреля мая июня июля августа сентября октября ноября",
    },
    "en": {
        "confirmed": "Your visit is booked for",
        "moved": "Your visit is moved to",
        "cancelled": "is cancelled",
        "reminder": "Reminder: tomorrow",
        "maintenance": "Time for maintenance",
        "reason": '"Приёмщик заболел"',
        "by_client": "as you asked",
        "month": "December January February March April May June July August September October November",
    },
}


def ical_value(calendar: object, name: str) -> str:
    event = next(c for c in calendar.walk() if c.name == "VEVENT")  # type: ignore[attr-defined]
    return str(event.get(name))


@pytest.mark.parametrize("locale", ["ru", "en"])
async def test_booked_moved_and_cancelled_by_a_manager(
    api: Api, catalog: Catalog, delivery: Delivery, inbox: Inbox, locale: str
) -> None:
    words = WORDS[locale]
    client = await api.person(locale=locale)
    car = await api.add_car(client, catalog.model_id)
    manager = await api.person(Role.MANAGER)
    booked = (await api.ok(BOOK, book_input(catalog, car, api.at(2, "10:00")), client.token))[
        "bookSlot"
    ]
    move = {"id": booked["id"], "r": str(catalog.receptionist_ids[1]), "s": api.at(2, "11:30")}
    await api.ok(MOVE, move, client.token)
    await api.ok(CANCEL, {"id": booked["id"], "r": "Приёмщик заболел"}, manager.token)

    report = await delivery.deliver_due()
    assert (report.sent, report.failed) == (3, 0)
    confirmed, moved, cancelled = inbox.messages
    email = (await api.ok("{ me { email } }", token=client.token))["me"]["email"]
    assert {m["To"] for m in inbox.messages} == {email}
    assert str(confirmed["Subject"]).startswith(words["confirmed"])
    assert str(moved["Subject"]).startswith(words["moved"])
    assert words["cancelled"] in str(cancelled["Subject"])
    for message in (confirmed, moved, cancelled):
        text, html = text_of(message), html_of(message)
        for fact in (
            "Kia Rio (IV), А123ВС77",
            "ТО-1",
            "7780.00",
            "Кузнецов" if message is not confirmed else "Смирнов",
            api.resources.settings.shop_address,
            api.resources.settings.shop_phone,
        ):
            assert fact in text, (fact, text)
            assert fact in html
        assert any(month in text for month in words["month"].split())
        assert message["Message-ID"].endswith("@repairbook.local>")
    assert "11:30" in text_of(moved)
    assert words["reason"] in text_of(cancelled)
    assert "&lt;" not in html_of(cancelled) or "<script>" not in html_of(cancelled)

    calendars = [calendar_of(m) for m in (confirmed, moved, cancelled)]
    assert [str(c.get("METHOD")) for c in calendars] == ["REQUEST", "REQUEST", "CANCEL"]
    uids = {ical_value(c, "UID") for c in calendars}
    assert uids == {f"booking-{booked['id']}@repairbook.local"}
    sequences = [int(ical_value(c, "SEQUENCE")) for c in calendars]
    assert sequences[0] <= sequences[1] <= sequences[2]
    assert ical_value(calendars[2], "STATUS") == "CANCELLED"
    first = next(c for c in calendars[0].walk() if c.name == "VEVENT")
    again = next(c for c in calendars[1].walk() if c.name == "VEVENT")
    assert first.decoded("DTSTART") == datetime.fromisoformat(api.at(2, "10:00"))
    assert again.decoded("DTSTART") == datetime.fromisoformat(api.at(2, "11:30"))
    assert again.decoded("DTEND") - again.decoded("DTSTART") == timedelta(minutes=30)


async def test_a_client_cancelling_gets_no_reason_line(
    api: Api, catalog: Catalog, delivery: Delivery, inbox: Inbox
) -> None:
    client = await api.person()
    car = await api.add_car(client, catalog.model_id)
    booked = (await api.ok(BOOK, book_input(catalog, car, api.at(3, "09:00")), client.token))[
        "bookSlot"
    ]
    await api.ok(CANCEL, {"id": booked["id"], "r": "не скажу"}, client.token)
    await delivery.deliver_due()
    cancelled = inbox.messages[-1]
    assert WORDS["ru"]["by_client"] in text_of(cancelled)
    assert "не скажу" not in text_of(cancelled)  # the client's own note is not quoted back


@pytest.mark.parametrize("locale", ["ru", "en"])
async def test_reminder_the_day_before_and_maintenance_a_year_on(
    api: Api,
    catalog: Catalog,
    delivery: Delivery,
    inbox: Inbox,
    locale: str,
    mail_settings: Settings,
) -> None:
    client = await api.person(locale=locale)
    car = await api.add_car(client, catalog.model_id)
    alarm = book_input(catalog, car, api.at(1, "16:00"), repair_type_id=catalog.universal_id)
    await api.ok(BOOK, alarm, client.token)
    # Another owner already has a maintenance visit booked: no notice for that car.
    other, other_car = await api.client_with_car(catalog.model_id)
    await api.ok(BOOK, book_input(catalog, other_car, api.at(1, "17:00")), other.token)
    today = api.now().astimezone(mail_settings.zone).date()
    async with api.resources.sessions() as db, db.begin():
        await db.execute(
            update(Car).values(sold_on=date(today.year - 2, today.month, min(today.day, 28)))
        )
    morning = datetime.combine(today, time(9, 0), tzinfo=mail_settings.zone)
    assert await queue_reminders(api.resources.database, mail_settings, morning) == 0  # too early
    late = morning.replace(hour=mail_settings.reminder_hour, minute=5)
    assert await queue_reminders(api.resources.database, mail_settings, late) == 2
    assert await queue_maintenance_notices(api.resources.database, mail_settings, late) == 1
    await delivery.deliver_due()
    email = (await api.ok("{ me { email } }", token=client.token))["me"]["email"]
    reminder, maintenance = inbox.to(email)[-2:]
    assert str(reminder["Subject"]).startswith(WORDS[locale]["reminder"])
    assert "16:00" in text_of(reminder)
    assert "Установка сигнализации" in text_of(reminder)
    assert str(maintenance["Subject"]).startswith(WORDS[locale]["maintenance"])
    assert "Kia Rio (IV), А123ВС77" in text_of(maintenance)
    assert str(today.year - 2) in text_of(maintenance)
    # Scanning again sends nothing more: one reminder per booking, one notice per due date.
    assert await queue_reminders(api.resources.database, mail_settings, late) == 0
    assert await queue_maintenance_notices(api.resources.database, mail_settings, late) == 0
