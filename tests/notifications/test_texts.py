"""What every kind of message says, in both languages, word for word; Russian dates and
numbers that fit their sentence; headers folded as RFC 5322 and 2047 ask."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from repairbook.config import Settings
from repairbook.models.campaigns import Campaign
from repairbook.models.notifications import MessageKind, OutboxMessage
from repairbook.notifications.mailer import WIRE
from repairbook.notifications.messages import Renderer

VISIT = {
    "booking_id": 7,
    "starts_at": "2026-12-04T07:00:00+00:00",  # Friday 4 December, 10:00 in Moscow
    "ends_at": "2026-12-04T07:30:00+00:00",
    "name": "Иван Сергеевич",
    "car": "Lada Vesta, А123ВС77",
    "repair": "ТО-1",
    "receptionist": "Петрова Анна",
    "price": "4500.00",
    "sequence": 2,
}
DATA: dict[MessageKind, dict[str, Any]] = {
    MessageKind.BOOKING_CONFIRMED: VISIT,
    MessageKind.BOOKING_MOVED: VISIT | {"previous_starts_at": "2026-12-02T08:30:00+00:00"},
    MessageKind.BOOKING_CANCELLED: VISIT | {"by_staff": True, "reason": "Приёмщик заболел"},
    MessageKind.VISIT_REMINDER: VISIT | {"version": 2},
    MessageKind.MAINTENANCE_DUE: {
        "name": "Иван Сергеевич",
        "car": "Lada Vesta, А123ВС77",
        "last_visit": None,
        "sold_on": "2023-11-20",
        "due": "2026-11-20",
    },
    MessageKind.CAMPAIGN: {
        "name": "Иван Сергеевич",
        "unsubscribe_url": "https://shop.example/unsubscribe?token=abc",
    },
}
CAMPAIGN = Campaign(
    subject="Шиномонтаж со скидкой",
    text="**Скидка 20%** до конца месяца.",
    html="<p><strong>Скидка 20%</strong> до конца месяца.</p>",
)
SENT_AT = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)  # the evening before the visit

EXPECTED = {
    ("ru", MessageKind.BOOKING_CONFIRMED): (
        "Вы записаны на 4 декабря, пятница, 10:00",
        """Здравствуйте, Иван Сергеевич!

Вы записаны в Автосервис repairbook.

Когда: 4 декабря, пятница, 10:00
Где: Москва, ул. Автомобильная, 1
Автомобиль: Lada Vesta, А123ВС77
Работы: ТО-1
Приёмщик: Петрова Анна
Стоимость: 4500.00 ₽

Приезжайте за 10 минут до начала. Если планы изменятся, отмените или перенесите запись
в приложении (раздел «Мои записи») или позвоните нам: +7 495 000-00-00.
Событие для календаря — во вложении.
""",
    ),
    ("ru", MessageKind.BOOKING_MOVED): (
        "Запись перенесена на 4 декабря, пятница, 10:00",
        """Здравствуйте, Иван Сергеевич!

Ваша запись перенесена с 2 декабря, среда, 11:30 на новое время.

Когда: 4 декабря, пятница, 10:00
Где: Москва, ул. Автомобильная, 1
Автомобиль: Lada Vesta, А123ВС77
Работы: ТО-1
Приёмщик: Петрова Анна
Стоимость: 4500.00 ₽

Отменить или снова перенести запись можно в приложении или по телефону +7 495 000-00-00.
Обновлённое событие для календаря — во вложении.
""",
    ),
    ("ru", MessageKind.BOOKING_CANCELLED): (
        "Запись на 4 декабря, пятница, 10:00 отменена",
        """Здравствуйте, Иван Сергеевич!

Мы отменили вашу запись по причине: «Приёмщик заболел». Приносим извинения.

Когда: 4 декабря, пятница, 10:00
Где: Москва, ул. Автомобильная, 1
Автомобиль: Lada Vesta, А123ВС77
Работы: ТО-1
Приёмщик: Петрова Анна
Стоимость: 4500.00 ₽

Записаться снова можно в приложении или по телефону +7 495 000-00-00.
Вложение удалит событие из вашего календаря.
""",
    ),
    ("ru", MessageKind.VISIT_REMINDER): (
        "Напоминание: завтра в 10:00",
        """Здравствуйте, Иван Сергеевич!

Ждём вас завтра в 10:00.

Когда: 4 декабря, пятница, 10:00
Где: Москва, ул. Автомобильная, 1
Автомобиль: Lada Vesta, А123ВС77
Работы: ТО-1
Приёмщик: Петрова Анна
Стоимость: 4500.00 ₽

Если не получается приехать, отмените или перенесите запись в приложении
или позвоните нам: +7 495 000-00-00.
""",
    ),
    ("ru", MessageKind.MAINTENANCE_DUE): (
        "Пора на техобслуживание: Lada Vesta, А123ВС77",
        """Здравствуйте, Иван Сергеевич!

Прошло 3 года с продажи вашего автомобиля Lada Vesta, А123ВС77 (20 ноября 2023), а техобслуживания у нас ещё не было.

Плановое ТО раз в год бережёт двигатель и гарантию. Выберите удобное время в приложении
или позвоните нам: +7 495 000-00-00.

Автосервис repairbook, Москва, ул. Автомобильная, 1
""",
    ),
    ("ru", MessageKind.CAMPAIGN): (
        "Шиномонтаж со скидкой",
        """Здравствуйте, Иван Сергеевич!

**Скидка 20%** до конца месяца.

--
Автосервис repairbook, Москва, ул. Автомобильная, 1, +7 495 000-00-00
Вы получили это письмо, потому что согласились получать новости и предложения.
Отписаться: https://shop.example/unsubscribe?token=abc
""",
    ),
    ("en", MessageKind.BOOKING_CONFIRMED): (
        "Your visit is booked for Friday, 4 December, 10:00",
        """Hello Иван Сергеевич,

your visit to Автосервис repairbook is booked.

When: Friday, 4 December, 10:00
Where: Москва, ул. Автомобильная, 1
Car: Lada Vesta, А123ВС77
Work: ТО-1
Service advisor: Петрова Анна
Price: 4500.00 RUB

Please come 10 minutes early. If your plans change, cancel or move the visit in the app
("My bookings") or call us: +7 495 000-00-00.
A calendar event is attached.
""",
    ),
    ("en", MessageKind.BOOKING_MOVED): (
        "Your visit is moved to Friday, 4 December, 10:00",
        """Hello Иван Сергеевич,

your visit has been moved from Wednesday, 2 December, 11:30 to a new time.

When: Friday, 4 December, 10:00
Where: Москва, ул. Автомобильная, 1
Car: Lada Vesta, А123ВС77
Work: ТО-1
Service advisor: Петрова Анна
Price: 4500.00 RUB

You can cancel or move it again in the app or by phone: +7 495 000-00-00.
The updated calendar event is attached.
""",
    ),
    ("en", MessageKind.BOOKING_CANCELLED): (
        "Your visit on Friday, 4 December, 10:00 is cancelled",
        """Hello Иван Сергеевич,

we had to cancel your visit: "Приёмщик заболел". We apologise.

When: Friday, 4 December, 10:00
Where: Москва, ул. Автомобильная, 1
Car: Lada Vesta, А123ВС77
Work: ТО-1
Service advisor: Петрова Анна
Price: 4500.00 RUB

You can book again in the app or by phone: +7 495 000-00-00.
The attachment removes the event from your calendar.
""",
    ),
    ("en", MessageKind.VISIT_REMINDER): (
        "Reminder: tomorrow at 10:00",
        """Hello Иван Сергеевич,

we look forward to seeing you tomorrow at 10:00.

When: Friday, 4 December, 10:00
Where: Москва, ул. Автомобильная, 1
Car: Lada Vesta, А123ВС77
Work: ТО-1
Service advisor: Петрова Анна
Price: 4500.00 RUB

If you cannot come, cancel or move the visit in the app or call us: +7 495 000-00-00.
""",
    ),
    ("en", MessageKind.MAINTENANCE_DUE): (
        "Time for maintenance: Lada Vesta, А123ВС77",
        """Hello Иван Сергеевич,

it has been 3 years since your Lada Vesta, А123ВС77 was sold (20 November 2023) and it has not been serviced with us yet.

A yearly service keeps the engine healthy and the warranty valid. Pick a time in the app
or call us: +7 495 000-00-00.

Автосервис repairbook, Москва, ул. Автомобильная, 1
""",
    ),
    ("en", MessageKind.CAMPAIGN): (
        "Шиномонтаж со скидкой",
        """Hello Иван Сергеевич,

**Скидка 20%** до конца месяца.

--
Автосервис repairbook, Москва, ул. Автомобильная, 1, +7 495 000-00-00
You receive this because you agreed to hear about news and offers.
Unsubscribe: https://shop.example/unsubscribe?token=abc
""",
    ),
}


def row(kind: MessageKind, locale: str, data: dict[str, Any] | None = None) -> OutboxMessage:
    return OutboxMessage(
        id=1,
        kind=kind,
        locale=locale,
        data=DATA[kind] if data is None else data,
        recipient="ivan@example.com",
        headers={},
        attachments=[],
    )


@pytest.fixture
def renderer(settings: Settings) -> Renderer:
    return Renderer(settings.model_copy(update={"timezone": "Europe/Moscow"}))


@pytest.mark.parametrize(("locale", "kind"), list(EXPECTED))
def test_every_kind_in_both_languages_says_exactly_this(
    renderer: Renderer, locale: str, kind: MessageKind
) -> None:
    campaign = CAMPAIGN if kind is MessageKind.CAMPAIGN else None
    rendered = renderer.render(row(kind, locale), campaign, now=SENT_AT)
    assert (rendered.subject, rendered.text) == EXPECTED[locale, kind]


@pytest.mark.parametrize("days", range(7))
def test_every_weekday_fits_the_sentence(renderer: Renderer, days: int) -> None:
    """«на 4 декабря, пятница», never «на пятница» or «с четверг»: the date comes first,
    the weekday after it in the nominative, whatever the day."""
    starts = datetime(2026, 11, 30, 7, 0, tzinfo=UTC) + timedelta(days=days)
    data = VISIT | {"starts_at": starts.isoformat(), "previous_starts_at": starts.isoformat()}
    weekday = ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"][
        days
    ]
    day = f"{starts.day} {'ноября' if starts.month == 11 else 'декабря'}, {weekday}, 10:00"
    confirmed = renderer.render(row(MessageKind.BOOKING_CONFIRMED, "ru", data), now=SENT_AT)
    assert confirmed.subject == f"Вы записаны на {day}"
    moved = renderer.render(row(MessageKind.BOOKING_MOVED, "ru", data), now=SENT_AT)
    assert f"Ваша запись перенесена с {day} на новое время." in moved.text


@pytest.mark.parametrize(
    ("years", "ru", "en"),
    [
        (1, "Прошёл год", "it has been a year"),
        (2, "Прошло 2 года", "it has been 2 years"),
        (5, "Прошло 5 лет", "it has been 5 years"),
        (11, "Прошло 11 лет", "it has been 11 years"),
        (21, "Прошёл 21 год", "it has been 21 years"),
        (22, "Прошло 22 года", "it has been 22 years"),
    ],
)
def test_a_car_sold_years_ago_is_not_a_year_ago(
    renderer: Renderer, years: int, ru: str, en: str
) -> None:
    sold = date(2026 - years, 11, 20)
    data = DATA[MessageKind.MAINTENANCE_DUE] | {"sold_on": sold.isoformat()}
    text = renderer.render(row(MessageKind.MAINTENANCE_DUE, "ru", data), now=SENT_AT).text
    assert f"{ru} с продажи вашего автомобиля" in text
    text = renderer.render(row(MessageKind.MAINTENANCE_DUE, "en", data), now=SENT_AT).text
    assert f"{en} since your" in text


def test_a_long_subject_is_folded_into_short_encoded_words(renderer: Renderer) -> None:
    subject = "Шиномонтаж, балансировка и хранение шин со скидкой двадцать процентов " * 3
    campaign = Campaign(subject=subject.strip(), text="Текст", html="<p>Текст</p>")
    message = row(MessageKind.CAMPAIGN, "ru")
    rendered = renderer.render(message, campaign, now=SENT_AT)
    raw = renderer.email(message, rendered, now=SENT_AT).as_bytes(policy=WIRE).decode("ascii")
    head = raw.split("\r\n\r\n", 1)[0].replace("\r\n", "\n")
    folded = re.search(r"^Subject:.*?(?=^\S)", head + "\nEnd", re.S | re.M)
    assert folded is not None
    lines = folded.group(0).rstrip("\n").split("\n")
    assert len(lines) > 3
    assert all(len(line.rstrip("\r")) <= 78 for line in lines)
    words = re.findall(r"=\?[^?]+\?[bBqQ]\?[^?]*\?=", folded.group(0))
    assert words
    assert all(len(word) <= 75 for word in words)
    from email.header import decode_header, make_header

    assert str(make_header(decode_header(folded.group(0)[len("Subject: ") :]))) == subject.strip()
