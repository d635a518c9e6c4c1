"""One address cannot make more than the configured number of accounts an hour, and those
accounts cannot book before their addresses are verified."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select

from repairbook.accounts import ratelimit
from repairbook.embedded import free_port
from repairbook.models.accounts import User
from repairbook.resources import Resources
from tests.api.booking_support import BOOK, book_input
from tests.factories import CAR, Catalog, vin
from tests.helpers import REGISTER, Api

ApiAt = Callable[[str], Api]
ADD_CAR = "mutation ($i: CarInput!) { addCar(input: $i) { id } }"


def limits(monkeypatch: pytest.MonkeyPatch, resources: Resources, *, limit: int, free: int) -> None:
    settings = resources.settings.model_copy(
        update={
            "registrations_per_address": limit,
            "registrations_free_per_address": free,
            "registration_delay_max_seconds": 1,
        }
    )
    monkeypatch.setattr(resources, "settings", settings)


def signup(n: int) -> dict[str, object]:
    return {"input": {"nick": f"hoarder{n}", "password": "hoarding password",
                      "email": f"hoarder{n}@example.com", "firstName": "A", "lastName": "B"}}  # fmt: skip


async def accounts(resources: Resources) -> int:
    async with resources.sessions() as db:
        return int(await db.scalar(select(func.count()).select_from(User)) or 0)


async def test_one_address_makes_at_most_the_limit_and_they_cannot_book(
    api: Api, api_at: ApiAt, resources: Resources, catalog: Catalog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    limits(monkeypatch, resources, limit=3, free=3)
    # A taken nick (and address) makes no account and costs nothing.
    await api.ok(REGISTER, signup(0))
    assert (await api.error(REGISTER, signup(0)))["code"] == "BAD_USER_INPUT"
    tokens = [(await api.ok(REGISTER, signup(n)))["register"]["accessToken"] for n in (1, 2)]
    # The script tries on, at once and one by one: nothing more comes of it this hour.
    refused = await asyncio.gather(*(api.post(REGISTER, signup(n)) for n in range(3, 9)))
    codes = [answer["errors"][0]["extensions"] for answer in refused]
    assert {c["code"] for c in codes} == {"RATE_LIMITED"}
    assert all(3500 < c["retryAfter"] <= 3600 for c in codes)
    assert await accounts(resources) == 3
    # Someone else, from elsewhere, registers as usual.
    await api_at("198.51.100.9").ok(REGISTER, signup(9))
    # And the script's accounts hold no slots: their addresses are not verified.
    for n, token in enumerate(tokens):
        car = {**CAR, "vin": vin(900 + n), "carModelId": str(catalog.model_id)}
        car_id = (await api.ok(ADD_CAR, {"i": car}, token))["addCar"]["id"]
        booking = book_input(catalog, car_id, api.at(1, f"1{n}:00"))
        assert (await api.error(BOOK, booking, token))["code"] == "EMAIL_NOT_VERIFIED"


async def test_a_burst_is_slowed_before_it_is_refused(
    api: Api, resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    limits(monkeypatch, resources, limit=3, free=1)
    await api.ok(REGISTER, signup(1))
    await api.ok(REGISTER, signup(2))  # past the free one: the next must wait a second
    slowed = await api.error(REGISTER, signup(3))
    assert (slowed["code"], slowed["retryAfter"]) == ("RATE_LIMITED", 1)
    await asyncio.sleep(1.1)
    await api.ok(REGISTER, signup(3))
    assert await accounts(resources) == 3


async def test_while_redis_is_down_registration_works_as_sign_in_does(
    api: Api, resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both count in the process meanwhile (tests/api/test_redis_outage.py shows the limit)."""
    monkeypatch.setattr(ratelimit, "LOCAL_COUNTERS", ratelimit.LocalCounters())
    login = 'mutation { login(login: "someone", password: "some password") { accessToken } }'
    dead = Redis(port=free_port(), socket_connect_timeout=0.2)
    monkeypatch.setattr(resources, "redis", dead)
    try:
        sign_in = await api.error(login)
        await api.ok(REGISTER, signup(1))
    finally:
        await dead.aclose()
    assert sign_in["code"] == "UNAUTHENTICATED"
    assert await accounts(resources) == 1
