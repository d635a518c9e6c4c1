"""slotChanged across two real API instances sharing one PostgreSQL and one Redis."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport
from sqlalchemy import select

from repairbook.config import Settings
from repairbook.embedded import RedisProcess
from repairbook.models.accounts import Role
from repairbook.models.booking import Booking
from tests.api.booking_support import BOOK, CANCEL, CLOSE_DAY, MOVE, book_input
from tests.factories import Catalog
from tests.helpers import Api
from tests.live.support import SLOT_CHANGED, Instance, Subscriber, instance

RECEPTIONIST = 'mutation ($id: ID!, $a: Boolean!) { updateReceptionist(id: $id, input: {lastName: "Смирнов", firstName: "Иван", active: $a}) { active } }'


def day_of(iso: str) -> str:
    return iso[:10]  # api.at() gives shop-local times, so the date part is the shop's day


def ok(body: dict[str, Any], field: str) -> dict[str, Any]:
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"][field]
    return data


async def test_a_booking_through_b_reaches_each_kind_of_subscriber_on_a(
    api: Api, catalog: Catalog, pair: tuple[Instance, Instance]
) -> None:
    a, b = pair
    owner, car = await api.client_with_car(catalog.model_id)
    stranger = await api.person()
    manager = await api.person(Role.MANAGER)
    starts = api.at(1, "10:00")
    async with (
        Subscriber.connect(a.ws_url) as anonymous,
        Subscriber.connect(a.ws_url, owner.token) as own,
        Subscriber.connect(a.ws_url, stranger.token) as other,
        Subscriber.connect(a.ws_url, manager.token) as staff,
    ):
        for subscriber in (anonymous, own, other, staff):
            await (await subscriber.acknowledged()).subscribe(day_of(starts))
        await a.wait_for_subscribers(4)
        before = datetime.now(UTC)
        booked = ok(await b.post(BOOK, book_input(catalog, car, starts), owner.token), "bookSlot")
        seen = {
            name: (await subscriber.changes(1))[0]
            for name, subscriber in (
                ("anonymous", anonymous), ("own", own), ("other", other), ("staff", staff)
            )
        }  # fmt: skip
    details = {"id": booked["id"], "client": {"nick": owner.nick}}
    for name, change in seen.items():
        assert change["change"] == "BOOKED"
        assert change["slot"]["state"] == "BOOKED"
        assert change["slot"]["bookable"] is False
        assert datetime.fromisoformat(change["slot"]["startsAt"]) == datetime.fromisoformat(starts)
        assert change["slot"]["receptionist"] == {"id": str(catalog.receptionist_ids[0])}
        assert before - timedelta(seconds=1) <= datetime.fromisoformat(change["at"])
        expected = details if name in ("own", "staff") else None
        assert change["slot"]["booking"] == expected, name


async def test_cancel_move_close_and_a_receptionist_leaving_are_all_seen(
    api: Api, catalog: Catalog, pair: tuple[Instance, Instance]
) -> None:
    a, b = pair
    owner, car = await api.client_with_car(catalog.model_id)
    manager = await api.person(Role.MANAGER)
    starts = api.at(2, "10:00")
    day = day_of(starts)
    booked = ok(await b.post(BOOK, book_input(catalog, car, starts), owner.token), "bookSlot")
    async with Subscriber.connect(a.ws_url, manager.token) as staff:
        await (await staff.acknowledged()).subscribe(day)
        await a.wait_for_subscribers(1)
        await b.post(
            MOVE,
            {"id": booked["id"], "r": str(catalog.receptionist_ids[1]), "s": api.at(2, "11:00")},
            owner.token,
        )
        away, here = await staff.changes(2)
        assert (away["change"], away["slot"]["state"], away["slot"]["booking"]) == (
            "MOVED_AWAY",
            "FREE",
            None,
        )
        assert (here["change"], here["slot"]["state"]) == ("MOVED_HERE", "BOOKED")
        assert here["slot"]["receptionist"] == {"id": str(catalog.receptionist_ids[1])}
        await b.post(CANCEL, {"id": booked["id"], "r": "Заболел"}, manager.token)
        [cancelled] = await staff.changes(1)
        assert (cancelled["change"], cancelled["slot"]["state"]) == ("CANCELLED", "CANCELLED")
        assert cancelled["slot"]["booking"]["id"] == booked["id"]

        ok(await b.post(CLOSE_DAY, {"d": day, "c": True}, manager.token), "setClosedDay")
        closed = await staff.changes(48)  # every slot of both receptionists
        assert {c["change"] for c in closed} == {"DAY_CLOSED"}
        assert {c["slot"]["state"] for c in closed} == {"CLOSED"}  # the cancelled slot too

        rid = str(catalog.receptionist_ids[0])
        ok(await b.post(RECEPTIONIST, {"id": rid, "a": False}, manager.token), "updateReceptionist")
        gone = await staff.changes(24)
        assert {
            (c["change"], c["slot"]["state"], c["slot"]["receptionist"]["id"]) for c in gone
        } == {("RECEPTIONIST_DEACTIVATED", "CLOSED", rid)}


async def test_no_event_for_a_refused_booking_a_rolled_back_move_or_a_replay(
    api: Api, catalog: Catalog, pair: tuple[Instance, Instance]
) -> None:
    a, b = pair
    owner, car = await api.client_with_car(catalog.model_id)
    rival, rival_car = await api.client_with_car(catalog.model_id)
    manager = await api.person(Role.MANAGER)
    first, second = api.at(3, "10:00"), api.at(3, "12:00")
    async with Subscriber.connect(a.ws_url, manager.token) as staff:
        await (await staff.acknowledged()).subscribe(day_of(first))
        await a.wait_for_subscribers(1)
        keyed = book_input(catalog, car, first, idempotencyKey="k-1")
        booked = ok(await b.post(BOOK, keyed, owner.token), "bookSlot")
        taken = await b.post(BOOK, book_input(catalog, rival_car, first), rival.token)
        assert taken["errors"][0]["extensions"]["code"] == "SLOT_TAKEN"
        replay = ok(await b.post(BOOK, keyed, owner.token), "bookSlot")
        assert replay["id"] == booked["id"]
        ok(await b.post(BOOK, book_input(catalog, rival_car, second), rival.token), "bookSlot")
        # The move records MOVED_AWAY before PostgreSQL refuses it: the rollback drops it.
        move = {"id": booked["id"], "r": str(catalog.receptionist_ids[0]), "s": second}
        refused = await b.post(MOVE, move, owner.token)
        assert refused["errors"][0]["extensions"]["code"] == "SLOT_TAKEN"
        ok(await b.post(CANCEL, {"id": booked["id"]}, owner.token), "cancelBooking")
        events = await staff.changes(3)
        assert [e["change"] for e in events] == ["BOOKED", "BOOKED", "CANCELLED"]
        with pytest.raises(TimeoutError):
            await staff.receive(seconds=0.5)


async def test_bookings_go_on_while_redis_is_down_and_the_board_recovers(
    api: Api, catalog: Catalog, settings: Settings, tmp_path: Path
) -> None:
    redis = RedisProcess(tmp_path / "redis").start()
    try:
        own_redis = settings.model_copy(update={"redis_url": redis.url})
        async with instance(own_redis) as a:
            owner, car = await api.client_with_car(catalog.model_id)
            starts = api.at(4, "10:00")
            async with Subscriber.connect(a.ws_url) as anonymous:
                await (await anonymous.acknowledged()).subscribe(day_of(starts))
                await a.wait_for_subscribers(1)
                redis.stop()
                during = ok(
                    await a.post(BOOK, book_input(catalog, car, starts), owner.token), "bookSlot"
                )
                async with api.resources.sessions() as db:
                    assert await db.scalar(
                        select(Booking.id).where(Booking.id == int(during["id"]))
                    )
                redis.start()
                await a.hub.listening.wait()
                ok(await a.post(CANCEL, {"id": during["id"]}, owner.token), "cancelBooking")
                [after] = await anonymous.changes(1, seconds=5)
        assert after["change"] == "CANCELLED"
    finally:
        redis.stop()


async def test_an_integrator_subscribes_with_the_gql_library(
    api: Api, catalog: Catalog, pair: tuple[Instance, Instance]
) -> None:
    a, b = pair
    owner, car = await api.client_with_car(catalog.model_id)
    starts = api.at(5, "10:00")
    transport = WebsocketsTransport(
        url=a.ws_url, init_payload={"Authorization": f"Bearer {owner.token}"}
    )
    async with Client(transport=transport) as session:
        request = GraphQLRequest(SLOT_CHANGED, variable_values={"d": day_of(starts)})
        stream = session.subscribe(request)
        pending = asyncio.ensure_future(anext(stream))  # starts the subscription
        await a.wait_for_subscribers(1)
        booked = ok(await b.post(BOOK, book_input(catalog, car, starts), owner.token), "bookSlot")
        result = await asyncio.wait_for(pending, 2)
        await stream.aclose()
    change = result["slotChanged"]
    assert change["change"] == "BOOKED"
    assert change["slot"]["booking"] == {"id": booked["id"], "client": {"nick": owner.nick}}


async def test_a_change_of_working_time_greys_out_the_afternoon_at_once(
    api: Api, catalog: Catalog, pair: tuple[Instance, Instance]
) -> None:
    a, b = pair
    manager = await api.person(Role.MANAGER)
    starts = api.at(3, "10:00")
    day = day_of(starts)
    r0 = str(catalog.receptionist_ids[0])
    exception = (
        "mutation ($r: ID!, $d: Date!, $h: WorkHoursInput) { setWorkException(receptionistId:"
        " $r, from: $d, to: $d, hours: $h) { changedDays } }"
    )
    query = SLOT_CHANGED.replace("bookable", "bookable closedReason")
    async with Subscriber.connect(a.ws_url) as anyone:
        await (await anyone.acknowledged()).subscribe(day, query=query)
        await a.wait_for_subscribers(1)
        hours = {"from": "08:00", "to": "14:00", "breaks": [{"from": "12:00", "to": "12:30"}]}
        changed = await b.post(exception, {"r": r0, "d": day, "h": hours}, manager.token)
        assert ok(changed, "setWorkException") == {"changedDays": [day]}
        column = await anyone.changes(24)  # every slot of r0 that day, and no other
        assert {c["change"] for c in column} == {"WORKING_TIME_CHANGED"}
        assert {c["slot"]["receptionist"]["id"] for c in column} == {r0}
        by_time = {c["slot"]["startsAt"][11:16]: c["slot"] for c in column}
        assert (by_time["11:30"]["state"], by_time["11:30"]["closedReason"]) == ("FREE", None)
        assert (by_time["12:00"]["state"], by_time["12:00"]["closedReason"]) == ("CLOSED", "BREAK")
        assert (by_time["14:00"]["state"], by_time["14:00"]["closedReason"]) == (
            "CLOSED",
            "OFF_DUTY",
        )
        # A day off: the column leaves the board, shown CLOSED once more.
        await b.post(exception, {"r": r0, "d": day, "h": None}, manager.token)
        gone = await anyone.changes(24)
        assert {(c["slot"]["state"], c["slot"]["closedReason"]) for c in gone} == {
            ("CLOSED", "OFF_DUTY")
        }
