"""Error messages in the caller's language: Russian by default, English for
Accept-Language: en or a user whose locale is en; the codes never change."""

from __future__ import annotations

from repairbook.errors import ErrorCode
from repairbook.schema.language import BY_CODE, EN, RU, pick, say
from tests.helpers import PASSWORD, Api

BOOKING = '{ booking(id: "1") { id } }'
LOGIN = "mutation ($l: String!, $p: String!) { login(login: $l, password: $p) { accessToken } }"
BOOK = 'mutation { bookSlot(input: {receptionistId: "1", startsAt: "2020-01-01T10:00:00+03:00", carId: "1", repairTypeId: "1"}) { id } }'


def test_every_code_has_a_message_in_both_languages() -> None:
    for code in ErrorCode:
        assert set(BY_CODE[code]) == {RU, EN}, code
        assert BY_CODE[code][RU], code
        assert BY_CODE[code][EN], code
        assert BY_CODE[code][RU] != BY_CODE[code][EN], code


def test_the_language_is_picked_from_accept_language_then_the_locale() -> None:
    assert pick(None, None) == RU
    assert pick("en-US,en;q=0.9", None) == EN
    assert pick("de-DE, en;q=0.5", "ru") == EN
    assert pick("ru", "en") == RU
    assert pick("de", "en") == EN
    assert pick("en;q=0.3, ru;q=0.8", None) == RU
    assert say("Bookings open 60 days ahead", ErrorCode.SLOT_UNAVAILABLE, RU) == (
        "Запись открыта на 60 дней вперёд"
    )
    unknown = say("Something nobody translated", ErrorCode.NOT_FOUND, RU)
    assert unknown == BY_CODE[ErrorCode.NOT_FOUND][RU]


async def test_russian_by_default_english_on_request_or_by_locale(api: Api) -> None:
    russian = Api(api.http, api.resources, language="")
    error = await russian.error(BOOKING)
    assert error == {"message": "Сначала войдите", "code": "UNAUTHENTICATED"}
    assert (await api.error(BOOKING))["message"] == "Sign in first"
    english_client = await api.person(locale="en")
    russian_client = await api.person()
    no_car = await russian.error(BOOK, token=english_client.token)
    assert (no_car["code"], no_car["message"]) == ("NO_CAR", "Add a car before booking")
    no_car = await russian.error(BOOK, token=russian_client.token)
    assert (no_car["code"], no_car["message"]) == (
        "NO_CAR",
        "Добавьте автомобиль, чтобы записаться",
    )
    asked_ru = Api(api.http, api.resources, language="ru")
    no_car = await asked_ru.error(BOOK, token=english_client.token)
    assert no_car["message"] == "Добавьте автомобиль, чтобы записаться"
    document = await russian.error("{ nope }")
    assert document["message"].startswith("Запрос составлен неверно: ")
    assert document["code"] == "BAD_USER_INPUT"


async def test_rate_limited_carries_retry_after_in_seconds(api: Api) -> None:
    await api.register(nick="target", email="target@example.com")
    for _ in range(5):
        await api.error(LOGIN, {"l": "target", "p": "guess-guess"})
    limited = await api.error(LOGIN, {"l": "target", "p": PASSWORD})
    assert limited["code"] == "RATE_LIMITED"
    assert isinstance(limited["retryAfter"], int)
    assert 0 < limited["retryAfter"] <= 900
    assert f"try again in {limited['retryAfter']} " in limited["message"]
