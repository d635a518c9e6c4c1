"""The day board from memory (board_cache.py): never stale, never another viewer's.

Two real API instances share one PostgreSQL; changes go through either of them, through
SQL by hand, or through a transaction that rolls back. The last part drives `BoardCache`
directly with a fixed clock for what only time changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.responses import Response

from repairbook.api import schema_for
from repairbook.board_cache import ENTRY_OVERHEAD, HEADER, MAX_AGE, BoardCache, Plan, Stamper
from repairbook.booking.service import calendar_of
from repairbook.clock import FixedClock
from repairbook.config import Settings
from repairbook.db import Database
from repairbook.models.accounts import Role
from tests.api.booking_support import BOARD, BOOK, CANCEL, CLOSE_DAY, book_input, slot_of
from tests.factories import Catalog
from tests.helpers import Api, Person
from tests.live.support import Instance, instance

RENAME = 'mutation ($id: ID!) { updateReceptionist(id: $id, input: {lastName: "Орлов", firstName: "Иван", active: true}) { id } }'
ANONYMOUS_BOARD = "query ($d: Date!) { availability(date: $d) { slots { startsAt state receptionist { id fullName } } } }"


async def read(
    where: Instance | Api, day: str, *, token: str | None = None, query: str = BOARD
) -> tuple[dict[str, Any], str | None]:
    """One board read: the board and whether it came from memory (HIT) or not (MISS)."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    payload = {"query": query, "variables": {"d": day}}
    if isinstance(where, Api):
        response = await where.http.post("/graphql", json=payload, headers=headers)
    else:
        async with httpx.AsyncClient() as client:
            url = f"http://127.0.0.1:{where.port}/graphql"
            response = await client.post(url, json=payload, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]["availability"], response.headers.get(HEADER)


async def warm(where: Instance | Api, day: str, **options: Any) -> dict[str, Any]:
    await read(where, day, **options)
    board, cached = await read(where, day, **options)
    assert cached == "HIT"
    return board


async def test_a_change_through_one_instance_is_on_the_next_read_through_another(
    api: Api, catalog: Catalog, pair: tuple[Instance, Instance]
) -> None:
    a, b = pair
    owner, car = await api.client_with_car(catalog.model_id)
    manager = await api.person(Role.MANAGER)
    starts = api.at(1, "10:00")
    day = starts[:10]
    receptionist = catalog.receptionist_ids[0]
    for where in (a, b):
        assert (
            slot_of(await warm(where, day, token=manager.token), receptionist, starts)["state"]
            == "FREE"
        )

    booked = await a.post(BOOK, book_input(catalog, car, starts), owner.token)
    assert "errors" not in booked, booked
    board, cached = await read(b, day, token=manager.token)
    assert cached == "MISS"
    slot = slot_of(board, receptionist, starts)
    assert slot["state"] == "BOOKED"
    assert slot["booking"]["client"] == {"nick": owner.nick}

    await warm(a, day, token=manager.token)
    booking_id = booked["data"]["bookSlot"]["id"]
    cancelled = await b.post(CANCEL, {"id": booking_id, "r": None}, owner.token)
    assert "errors" not in cancelled, cancelled
    board, cached = await read(a, day, token=manager.token)
    assert cached == "MISS"
    assert slot_of(board, receptionist, starts)["state"] == "CANCELLED"


async def test_every_booking_is_on_the_next_read_while_others_keep_reading(
    api: Api, catalog: Catalog, pair: tuple[Instance, Instance]
) -> None:
    """Readers hammer instance B while bookings commit through A: the read that follows
    each commit always shows it, however the reads and the commits interleave."""
    a, b = pair
    clients = [await api.client_with_car(catalog.model_id) for _ in range(6)]
    day = api.at(1, "09:00")[:10]
    hits = 0

    async def hammer(stop: asyncio.Event) -> None:
        nonlocal hits
        while not stop.is_set():
            _, cached = await read(b, day, query=ANONYMOUS_BOARD)
            hits += cached == "HIT"

    stop = asyncio.Event()
    readers = [asyncio.create_task(hammer(stop)) for _ in range(4)]
    try:
        hours = ("09:00", "09:30", "10:00", "10:30", "11:00", "11:30")
        for n, (hhmm, (owner, car)) in enumerate(zip(hours, clients, strict=True)):
            starts = api.at(1, hhmm)
            receptionist = n % len(catalog.receptionist_ids)
            booking = book_input(catalog, car, starts, receptionist=receptionist)
            assert "errors" not in await a.post(BOOK, booking, owner.token)
            board, _ = await read(b, day, query=ANONYMOUS_BOARD)
            slot = slot_of(board, catalog.receptionist_ids[receptionist], starts)
            assert slot["state"] == "BOOKED", (hhmm, slot)
            await asyncio.sleep(0.05)  # let the readers fill the cache again
    finally:
        stop.set()
        await asyncio.gather(*readers)
    assert hits > 0  # the readers did read from memory in between


async def test_a_rolled_back_change_leaves_the_cached_board_and_a_committed_one_by_hand_not(
    api: Api, catalog: Catalog
) -> None:
    owner, car = await api.client_with_car(catalog.model_id)
    starts = api.at(1, "12:00")
    day = starts[:10]
    receptionist = catalog.receptionist_ids[1]
    booked = await api.ok(BOOK, book_input(catalog, car, starts, receptionist=1), owner.token)
    before = await warm(api, day, query=ANONYMOUS_BOARD)
    cancel = text("UPDATE bookings SET status = 'CANCELLED', cancelled_at = now() WHERE id = :id")
    engine = api.resources.database.engine
    async with engine.connect() as connection:
        transaction = await connection.begin()
        await connection.execute(cancel, {"id": int(booked["bookSlot"]["id"])})
        during, cached = await read(api, day, query=ANONYMOUS_BOARD)  # not committed yet
        assert (during, cached) == (before, "HIT")
        await transaction.rollback()
    after, cached = await read(api, day, query=ANONYMOUS_BOARD)
    assert (after, cached) == (before, "HIT")
    assert slot_of(after, receptionist, starts)["state"] == "BOOKED"

    async with engine.begin() as connection:  # as someone would in psql
        await connection.execute(cancel, {"id": int(booked["bookSlot"]["id"])})
    board, cached = await read(api, day, query=ANONYMOUS_BOARD)
    assert cached == "MISS"
    assert slot_of(board, receptionist, starts)["state"] == "CANCELLED"

    await warm(api, day, query=ANONYMOUS_BOARD)
    async with engine.begin() as connection:  # what every day shows: a receptionist's name
        await connection.execute(
            text("UPDATE receptionists SET last_name = 'Другой' WHERE id = :id"),
            {"id": receptionist},
        )
    board, cached = await read(api, day, query=ANONYMOUS_BOARD)
    assert cached == "MISS"
    assert slot_of(board, receptionist, starts)["receptionist"]["fullName"].startswith("Другой")


async def test_a_client_never_sees_another_clients_details_through_a_cached_board(
    api: Api, catalog: Catalog
) -> None:
    first, first_car = await api.client_with_car(catalog.model_id)
    second, second_car = await api.client_with_car(catalog.model_id)
    manager = await api.person(Role.MANAGER)
    first_slot, second_slot = api.at(1, "13:00"), api.at(1, "13:30")
    day = first_slot[:10]
    await api.ok(BOOK, book_input(catalog, first_car, first_slot), first.token)
    await api.ok(BOOK, book_input(catalog, second_car, second_slot), second.token)
    receptionist = catalog.receptionist_ids[0]

    def nicks(board: dict[str, Any]) -> dict[str, str | None]:
        return {
            when: (slot_of(board, receptionist, when)["booking"] or {})
            .get("client", {})
            .get("nick")
            for when in (first_slot, second_slot)
        }

    viewers: list[tuple[Person | None, dict[str, str | None]]] = [
        (first, {first_slot: first.nick, second_slot: None}),
        (second, {first_slot: None, second_slot: second.nick}),
        (manager, {first_slot: first.nick, second_slot: second.nick}),
        (None, {first_slot: None, second_slot: None}),
    ]
    for _ in range(2):  # the second round is answered from memory, viewer by viewer
        for viewer, expected in viewers:
            token = viewer.token if viewer else None
            board, _ = await read(api, day, token=token)
            assert nicks(board) == expected, viewer
    for viewer, _ in viewers:
        _, cached = await read(api, day, token=viewer.token if viewer else None)
        assert cached == "HIT"


async def test_only_answers_to_the_board_alone_and_without_errors_are_kept(
    api: Api, catalog: Catalog
) -> None:
    owner, _ = await api.client_with_car(catalog.model_id)
    day = api.at(1, "09:00")[:10]
    documents = [
        # another day's data through the board: the client's other bookings
        "query ($d: Date!) { availability(date: $d) { slots { booking { client { bookings { id } } } } } }",
        # the board and something else
        "query ($d: Date!) { me { id } availability(date: $d) { date } }",
    ]
    for query in documents:
        for _ in range(2):
            response = await api.http.post(
                "/graphql",
                json={"query": query, "variables": {"d": day}},
                headers={"authorization": f"Bearer {owner.token}"},
            )
            assert response.status_code == 200
            assert HEADER not in response.headers, query
    wrong = "query ($d: Date!) { availability(date: $d) { slots { nosuch } } }"
    for _ in range(2):
        response = await api.http.post("/graphql", json={"query": wrong, "variables": {"d": day}})
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert response.headers[HEADER] == "MISS"


def plan_of(cache: BoardCache, day: str) -> Plan:
    plan = cache.plan({"query": ANONYMOUS_BOARD, "variables": {"d": day}})
    assert plan is not None
    return plan


class Counted:
    """A board producer that says how often it ran, and can be held."""

    def __init__(self) -> None:
        self.runs = 0
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self, *_: object) -> tuple[Response, bool]:
        self.runs += 1
        await self.release.wait()
        return Response(f'{{"run":{self.runs}}}'.encode(), media_type="application/json"), True


@pytest.fixture
async def fixed(settings: Settings, api: Api) -> AsyncIterator[tuple[BoardCache, FixedClock]]:
    zone = settings.zone
    clock = FixedClock(datetime(2026, 12, 1, 9, 27, tzinfo=zone))
    stamper = Stamper(api.resources.database)
    cache = BoardCache(schema_for(settings)._schema, stamper, calendar_of(settings), clock)
    yield cache, clock
    await cache.close()


async def test_an_entry_ends_when_the_next_slot_starts_and_at_midnight(
    fixed: tuple[BoardCache, FixedClock],
) -> None:
    cache, clock = fixed
    today, later = plan_of(cache, "2026-12-01"), plan_of(cache, "2026-12-05")
    produce = Counted()
    assert (await cache.answer(today, None, produce)).headers[HEADER] == "MISS"
    clock.advance(timedelta(minutes=2))  # 09:29: the 09:30 slot has not started
    assert (await cache.answer(today, None, produce)).headers[HEADER] == "HIT"
    clock.advance(timedelta(minutes=1))  # 09:30: it has, and is PAST now
    assert (await cache.answer(today, None, produce)).headers[HEADER] == "MISS"
    assert produce.runs == 2

    clock.moment = clock.moment.replace(hour=23, minute=58)
    await cache.answer(later, None, produce)
    clock.advance(timedelta(minutes=1))
    assert (await cache.answer(later, None, produce)).headers[HEADER] == "HIT"
    clock.advance(timedelta(minutes=1))  # midnight: the booking window has moved
    assert (await cache.answer(later, None, produce)).headers[HEADER] == "MISS"
    clock.advance(MAX_AGE - timedelta(seconds=1))
    assert (await cache.answer(later, None, produce)).headers[HEADER] == "HIT"
    clock.advance(timedelta(seconds=1))  # and never longer than MAX_AGE
    assert (await cache.answer(later, None, produce)).headers[HEADER] == "MISS"


async def test_concurrent_misses_compute_the_board_once(
    fixed: tuple[BoardCache, FixedClock],
) -> None:
    cache, _ = fixed
    plan = plan_of(cache, "2026-12-05")
    produce = Counted()
    produce.release.clear()
    answers = [asyncio.create_task(cache.answer(plan, None, produce)) for _ in range(20)]
    while produce.runs == 0:  # noqa: ASYNC110 - waiting for the one run to start
        await asyncio.sleep(0.01)
    produce.release.set()
    responses = await asyncio.gather(*answers)
    assert produce.runs == 1
    assert {bytes(r.body) for r in responses} == {b'{"run":1}'}
    assert sorted(r.headers[HEADER] for r in responses) == ["HIT"] * 19 + ["MISS"]


async def test_without_its_stamps_the_board_is_computed_every_time(
    settings: Settings, api: Api
) -> None:
    nowhere = Database.connect("postgresql+psycopg://nobody@127.0.0.1:1/nowhere")
    cache = BoardCache(
        schema_for(settings)._schema,
        Stamper(nowhere),
        calendar_of(settings),
        FixedClock(api.now()),
    )
    plan = plan_of(cache, "2026-12-05")
    produce = Counted()
    try:
        for _ in range(2):
            response = await cache.answer(plan, None, produce)
            assert HEADER not in response.headers
    finally:
        await cache.close()
        await nowhere.dispose()
    assert produce.runs == 2


def test_requests_that_are_not_one_days_board_have_no_plan(
    fixed: tuple[BoardCache, FixedClock],
) -> None:
    cache, _ = fixed
    assert cache.plan({"query": "{ me { id } }"}) is None
    assert cache.plan({"query": 'mutation { logout(refreshToken: "x") }'}) is None
    assert cache.plan({"query": ANONYMOUS_BOARD, "variables": {"d": "not a date"}}) is None
    assert cache.plan({"query": ANONYMOUS_BOARD, "variables": {"d": "2026-12-05"}, "x": 1}) is None
    with_extensions = {"query": ANONYMOUS_BOARD, "variables": {"d": "2026-12-05"}}
    assert cache.plan({**with_extensions, "extensions": []}) is None
    apollo = cache.plan({**with_extensions, "extensions": {"clientLibrary": {"name": "x"}}})
    assert apollo is not None
    assert apollo.key != plan_of(cache, "2026-12-05").key
    assert cache.plan({"query": "{ availability(date: 5) { date } }"}) is None
    assert (
        cache.plan({"query": '{ availability(date: "2026-12-05") @skip(if: true) { date } }'})
        is None
    )
    literal = cache.plan({"query": '{ availability(date: "2026-12-05") { date } }'})
    assert literal is not None
    assert literal.day == date(2026, 12, 5)
    assert not literal.private
    private = cache.plan({"query": BOARD, "variables": {"d": "2026-12-05"}})
    assert private is not None
    assert private.private


async def test_a_client_without_a_booking_that_day_shares_the_anonymous_board(
    api: Api, catalog: Catalog
) -> None:
    booked, booked_car = await api.client_with_car(catalog.model_id)
    browsing, browsing_car = await api.client_with_car(catalog.model_id)
    starts = api.at(1, "14:00")
    day = starts[:10]
    receptionist = catalog.receptionist_ids[0]
    await api.ok(BOOK, book_input(catalog, booked_car, starts), booked.token)
    anonymous = await warm(api, day)
    shared, cached = await read(api, day, token=browsing.token)
    assert (shared, cached) == (anonymous, "HIT")
    own, cached = await read(api, day, token=booked.token)
    assert cached == "MISS"
    assert slot_of(own, receptionist, starts)["booking"]["client"] == {"nick": booked.nick}

    later = api.at(1, "14:30")
    await api.ok(BOOK, book_input(catalog, browsing_car, later), browsing.token)
    board, cached = await read(api, day, token=browsing.token)
    assert cached == "MISS"
    assert slot_of(board, receptionist, later)["booking"]["client"] == {"nick": browsing.nick}
    assert slot_of(board, receptionist, starts)["booking"] is None
    assert slot_of(await warm(api, day), receptionist, later)["booking"] is None


async def test_closing_a_day_and_renaming_a_receptionist_through_the_api_restamp_the_board(
    api: Api, catalog: Catalog
) -> None:
    manager = await api.person(Role.MANAGER)
    day = api.at(2, "09:00")[:10]
    await warm(api, day, query=ANONYMOUS_BOARD)
    await api.ok(CLOSE_DAY, {"d": day, "c": True}, manager.token)
    board, cached = await read(api, day, query=ANONYMOUS_BOARD)
    assert cached == "MISS"
    assert {slot["state"] for slot in board["slots"]} == {"CLOSED"}

    other_day = api.at(3, "09:00")[:10]
    await warm(api, other_day, query=ANONYMOUS_BOARD)
    receptionist = catalog.receptionist_ids[0]
    await api.ok(RENAME, {"id": str(receptionist)}, manager.token)
    board, cached = await read(api, other_day, query=ANONYMOUS_BOARD)
    assert cached == "MISS"
    names = {s["receptionist"]["fullName"] for s in board["slots"]}
    assert any(name.startswith("Орлов") for name in names)


class Gated(Stamper):
    """The real stamp reads, each held after it has read until the test lets it go."""

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        self.reads = 0
        self.gate = asyncio.Event()

    async def _fetch(self, sql: str, parameters: Any) -> list[tuple[Any, ...]]:
        found = await super()._fetch(sql, parameters)
        self.reads += 1
        await self.gate.wait()
        return found


async def test_a_request_never_takes_the_stamps_of_a_read_that_began_before_it(
    settings: Settings, api: Api
) -> None:
    """Requests share stamp reads, but one that arrives while a read is under way waits
    for the next: the read under way may have missed a commit the request must see."""
    stamper = Gated(api.resources.database)
    day = date(2026, 12, 5)
    try:
        first = asyncio.create_task(stamper.stamps(day))
        while stamper.reads == 0:  # noqa: ASYNC110 - the first read has read
            await asyncio.sleep(0.01)
        async with api.resources.database.engine.begin() as connection:
            await connection.execute(text("SELECT restamp_board('2026-12-05')"))
        second, third = (asyncio.create_task(stamper.stamps(day)) for _ in range(2))
        await asyncio.sleep(0.05)
        stamper.gate.set()
        before, after, also_after = await asyncio.gather(first, second, third)
    finally:
        await stamper.close()
    assert before is not None
    assert after is not None
    assert after[1] > before[1]  # (epoch, day, all)
    assert also_after == after
    assert stamper.reads == 2  # the two that came later shared one read


async def test_memory_is_bounded_least_recently_used_first_out(
    settings: Settings, api: Api
) -> None:
    clock = FixedClock(datetime(2026, 12, 1, 9, 27, tzinfo=settings.zone))
    stamper = Stamper(api.resources.database)
    cache = BoardCache(
        schema_for(settings)._schema,
        stamper,
        calendar_of(settings),
        clock,
        max_bytes=3 * (9 + ENTRY_OVERHEAD) + 8,
    )
    plans = [plan_of(cache, f"2026-12-0{n}") for n in (2, 3, 4, 5)]
    produce = Counted()  # bodies of 9 bytes and their bookkeeping: three fit, a fourth not
    try:
        for plan in plans[:3]:
            await cache.answer(plan, None, produce)
        assert (await cache.answer(plans[0], None, produce)).headers[HEADER] == "HIT"
        await cache.answer(plans[3], None, produce)  # evicts 12-03, the least recently used
        assert (await cache.answer(plans[0], None, produce)).headers[HEADER] == "HIT"
        assert (await cache.answer(plans[1], None, produce)).headers[HEADER] == "MISS"
    finally:
        await cache.close()


async def test_the_cache_can_be_turned_off(settings: Settings, api: Api) -> None:
    async with instance(settings.model_copy(update={"board_cache": False})) as off:
        for _ in range(2):
            async with httpx.AsyncClient() as client:
                response = await client.post(
                    f"http://127.0.0.1:{off.port}/graphql",
                    json={"query": ANONYMOUS_BOARD, "variables": {"d": api.at(1, "09:00")[:10]}},
                )
            assert response.status_code == 200
            assert "errors" not in response.json()
            assert HEADER not in response.headers


async def test_a_fault_in_the_cache_costs_the_caller_nothing(
    app: Starlette,
    api: Api,
    catalog: Catalog,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(payload: object) -> None:
        raise RuntimeError("a bug in the cache")

    monkeypatch.setattr(app.state.board, "plan", broken)
    response = await api.http.post(
        "/graphql", json={"query": ANONYMOUS_BOARD, "variables": {"d": api.at(1, "09:00")[:10]}}
    )
    assert response.status_code == 200
    assert len(response.json()["data"]["availability"]["slots"]) > 0
    assert HEADER not in response.headers
    assert "could not read a request" in caplog.text


async def test_a_board_without_details_is_everyones_and_a_hit_signs_nobody_in(
    api: Api, catalog: Catalog
) -> None:
    client, _ = await api.client_with_car(catalog.model_id)
    day = api.at(1, "09:00")[:10]
    anonymous = await warm(api, day, query=ANONYMOUS_BOARD)
    for token in (client.token, "not a token"):
        assert await read(api, day, token=token, query=ANONYMOUS_BOARD) == (anonymous, "HIT")
    assert await api.statements(ANONYMOUS_BOARD, {"d": day}, client.token) == 0
    assert await api.statements(BOARD, {"d": day}, client.token) > 0  # details: who asks?
