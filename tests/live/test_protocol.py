"""The websocket's edges: protocol close codes, bad input, masking, limits, slow readers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
import websockets

from repairbook.accounts.tokens import issue_access_token
from repairbook.booking.events import SlotChanged, SlotEvent
from repairbook.booking.service import calendar_of
from repairbook.config import Settings
from repairbook.live.hub import SlotHub
from repairbook.live.publisher import slot_publisher
from repairbook.models.accounts import User
from repairbook.websocket import MAX_OPERATIONS
from tests.factories import make_catalog
from tests.helpers import Api
from tests.live.support import PROTOCOL, Instance, Subscriber, instance


@pytest.fixture
async def server(settings: Settings, api: Api) -> AsyncIterator[Instance]:
    async with instance(settings) as one:
        yield one


def day(api: Api, days: int) -> str:
    return api.at(days, "10:00")[:10]


@pytest.mark.parametrize(
    ("messages", "code"),
    [
        ([{"type": "subscribe", "id": "1", "payload": {"query": "{ __typename }"}}], 4401),
        ([{"type": "connection_init"}, {"type": "connection_init"}], 4429),
        ([{"type": "connection_init"}, {"type": "shout"}], 4400),
        ([{"type": "connection_init"}, ["not", "an", "object"]], 4400),
        ([{"type": "connection_init"}, "just a string"], 4400),
        ([{"type": "connection_init"}, {"type": "subscribe", "id": "1", "payload": "{ x }"}], 4400),
        (
            [
                {"type": "connection_init"},
                {"type": "subscribe", "id": 7, "payload": {"query": "{ x }"}},
            ],
            4400,
        ),
        ([{"type": "connection_init", "payload": ["x"]}], 4400),
        ([{"type": "connection_init", "payload": {"Authorization": "Bearer forged"}}], 4403),
        ([{"type": "connection_init", "payload": {"Authorization": 42}}], 4403),
    ],
)
async def test_protocol_violations_close_with_the_protocols_code(
    server: Instance, messages: list[object], code: int
) -> None:
    async with websockets.connect(server.ws_url, subprotocols=[PROTOCOL]) as raw:  # type: ignore[list-item]
        client = Subscriber(raw)
        for message in messages:
            await client.send(message)
        assert (await client.closed_with())[0] == code


async def test_bad_dates_are_refused_with_a_code(api: Api, server: Instance) -> None:
    await make_catalog(api.resources)
    async with Subscriber.connect(server.ws_url) as ws:
        await ws.acknowledged()
        for op_id, value in (("1", "2027-02-30"), ("2", day(api, 61)), ("3", day(api, -1))):
            await ws.subscribe(value, op_id=op_id)
            [error] = await ws.errors_of(op_id)
            assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        # Still open and working: today is fine.
        await ws.send({"type": "ping"})
        assert await ws.receive() == {"type": "pong"}


async def test_errors_on_the_websocket_are_masked_as_over_http(server: Instance) -> None:
    leak = 'mutation { login(login: "a\\u0000b", password: "secret password") { accessToken } }'
    async with Subscriber.connect(server.ws_url) as ws:
        await ws.acknowledged()
        await ws.send({"id": "1", "type": "subscribe", "payload": {"query": leak}})
        [error] = await ws.errors_of("1")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "login"}
    assert "secret password" not in str(error)


async def test_bad_strings_in_variables_are_refused_on_the_websocket(
    api: Api, server: Instance
) -> None:
    register = "mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }"
    bad = {
        "nick": "wsuser",
        "password": "correct horse battery",
        "email": "ws@example.com",
        "firstName": "Иван\x00",
        "lastName": "Петров",
    }
    async with Subscriber.connect(server.ws_url) as ws:
        await ws.acknowledged()
        await ws.send(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": register, "variables": {"i": bad}},
            }
        )
        [error] = await ws.errors_of("1")
        await ws.subscribe("2030-01-01\udc00", op_id="2")
        [surrogate] = await ws.errors_of("2")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "firstName"}
    assert surrogate["extensions"] == {"code": "BAD_USER_INPUT", "field": "d"}
    assert await api.count(User) == 0


async def test_a_message_over_the_size_limit_closes_the_connection(
    server: Instance, settings: Settings
) -> None:
    async with Subscriber.connect(server.ws_url) as ws:
        await ws.acknowledged()
        padding = "#" * (settings.max_request_bytes + 1)
        await ws.send({"id": "1", "type": "subscribe", "payload": {"query": "{ x }", "p": padding}})
        assert (await ws.closed_with())[0] == 1009  # message too big


async def test_deeply_nested_variables_close_the_connection(server: Instance) -> None:
    async with Subscriber.connect(server.ws_url) as ws:
        await ws.acknowledged()
        nested = "[" * 5000 + "]" * 5000
        raw = '{"id": "1", "type": "subscribe", "payload": {"query": "{ x }", "variables": {"v": '
        await ws.ws.send(raw + nested + "}}}")
        assert (await ws.closed_with())[0] == 4400


async def test_a_connection_has_a_bounded_number_of_subscriptions(
    api: Api, server: Instance
) -> None:
    await make_catalog(api.resources)
    async with Subscriber.connect(server.ws_url) as ws:
        await ws.acknowledged()
        for n in range(MAX_OPERATIONS):
            await ws.subscribe(day(api, 1), op_id=str(n))
        await server.wait_for_subscribers(MAX_OPERATIONS)
        await ws.subscribe(day(api, 1), op_id="one too many")
        refused = await ws.receive()
    assert refused["id"] == "one too many"
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_a_subscriber_is_signed_out_when_the_token_runs_out(
    api: Api, server: Instance, settings: Settings
) -> None:
    person = await api.person()
    token = issue_access_token(
        int(person.id),
        secret=settings.secret_key.get_secret_value(),
        now=api.now(),
        ttl=timedelta(seconds=2),
    )
    async with Subscriber.connect(server.ws_url, token) as ws:
        await ws.acknowledged()
        await ws.subscribe(day(api, 1))
        assert await ws.closed_with(seconds=6) == (4403, "Access token expired")


async def test_a_slow_subscriber_is_dropped_without_slowing_the_others(
    api: Api, settings: Settings
) -> None:
    catalog = await make_catalog(api.resources)
    resources = api.resources
    assert settings.redis_url
    hub = SlotHub(
        settings.redis_url,
        resources.database,
        calendar_of(settings),
        resources.clock,
        queue_size=3,
    )
    await hub.start()
    dropped = asyncio.Event()

    async def tell() -> None:
        dropped.set()

    try:
        await asyncio.wait_for(hub.listening.wait(), 5)
        publish = slot_publisher(resources.redis, resources.clock)
        starts = [api.at(1, f"{hour}:00") for hour in range(8, 16)]
        on = datetime.fromisoformat(starts[0]).date()  # the shop's tomorrow, not UTC's
        async with hub.subscribe(on, tell) as slow, hub.subscribe(on, tell) as fast:
            received = []
            for moment in starts:
                when = datetime.fromisoformat(moment)
                event = SlotChanged(on, catalog.receptionist_ids[0], when, SlotEvent.BOOKED)
                await publish([event])
                received.append(await asyncio.wait_for(fast.next(), 2))
            await asyncio.wait_for(dropped.wait(), 2)
            assert hub.subscriber_count == 1  # the slow one is gone, the fast one stays
            assert [u.slot.starts_at.hour for u in received] == list(range(8, 16))
            held = [await asyncio.wait_for(slow.next(), 1) for _ in range(3)]
            assert [u.slot.starts_at.hour for u in held] == [8, 9, 10]  # then it was cut off
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(slow.next(), 0.2)
    finally:
        await hub.stop()


async def test_a_subscription_over_http_is_refused_with_a_code(api: Api) -> None:
    query = "subscription ($d: Date!) { slotChanged(date: $d) { change } }"
    for method in ("GET", "POST"):
        if method == "GET":
            response = await api.http.get(
                "/graphql", params={"query": query, "variables": f'{{"d": "{day(api, 1)}"}}'}
            )
        else:
            response = await api.http.post(
                "/graphql", json={"query": query, "variables": {"d": day(api, 1)}}
            )
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (method, error)
        assert "websocket" in error["message"]
