"""The board cache under trust review (issue 16): an entry holds only what its viewer kind
may see, followers never take a board their own moment has outgrown, stamps never repeat
and follow every way a change can be written, and memory stays bounded."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text
from starlette.applications import Starlette
from typer.testing import CliRunner

from repairbook import migrate
from repairbook.api import schema_for
from repairbook.board_cache import HEADER, BoardCache, Stamper
from repairbook.booking import service
from repairbook.booking.service import calendar_of
from repairbook.cli import app as cli
from repairbook.clock import FixedClock
from repairbook.config import Settings
from repairbook.models.accounts import Role
from tests.api.booking_support import BOOK, book_input, slot_of
from tests.api.test_board_cache import ANONYMOUS_BOARD, Counted, plan_of, read, warm
from tests.factories import Catalog
from tests.helpers import Api

UPDATE_PROFILE = "mutation ($i: ProfileInput!) { updateProfile(input: $i) { firstName } }"
STAFF_BOARD = "query ($d: Date!) { availability(date: $d) { slots { startsAt receptionist { id } state booking { id client { nick firstName cars { plate } } } } } }"


def bookings_shown(board: dict[str, Any]) -> list[Any]:
    return [slot["booking"] for slot in board["slots"] if slot["booking"] is not None]


async def test_a_booking_committed_while_a_shared_board_is_computed_reaches_nobody_else(
    app: Starlette,
    api: Api,
    catalog: Catalog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A client without a booking that day shares the anonymous entry. Their booking
    commits after the stamps were read and before the board's bookings are: the shared
    entry, and every request waiting on it, must still hold no booking details."""
    client, car = await api.client_with_car(catalog.model_id)
    starts = api.at(1, "15:00")
    day = starts[:10]
    board: BoardCache = app.state.board
    await read(api, day, query=ANONYMOUS_BOARD)  # the day's stamps exist

    gate, held = asyncio.Event(), asyncio.Event()
    original = service.day_states
    gated_once = False

    async def gated(*args: Any, **kwargs: Any) -> Any:
        nonlocal gated_once
        if not gated_once:
            gated_once = True
            held.set()  # the stamps are read; the bookings not yet
            await gate.wait()
        return await original(*args, **kwargs)

    monkeypatch.setattr(service, "day_states", gated)
    stamped = 0
    stamps = board._stamper.stamps

    async def counted(day: date) -> Any:
        nonlocal stamped
        found = await stamps(day)
        stamped += 1
        return found

    monkeypatch.setattr(board._stamper, "stamps", counted)

    own = asyncio.create_task(read(api, day, token=client.token))
    await held.wait()
    follower = asyncio.create_task(read(api, day))  # anonymous, joins the same flight
    while stamped < 2:  # noqa: ASYNC110 - the follower has read the same stamps
        await asyncio.sleep(0.01)
    await api.ok(BOOK, book_input(catalog, car, starts), client.token)
    gate.set()
    (_, own_state), (followed, follower_state) = await asyncio.gather(own, follower)

    assert (own_state, follower_state) == ("MISS", "HIT")
    assert bookings_shown(followed) == []
    assert not any(client.nick.encode() in entry.body for entry in board._entries.values())
    mine, _ = await read(api, day, token=client.token)  # the next read: their own board
    assert slot_of(mine, catalog.receptionist_ids[0], starts)["booking"]["client"] == {
        "nick": client.nick
    }


@pytest.mark.parametrize(
    ("leader", "follower", "day"),
    [
        ("09:29:59", "09:30:00", "2026-12-01"),  # the 09:30 slot starts: PAST for the follower
        ("23:59:59", "00:00:00", "2026-12-05"),  # midnight: the window moves for the follower
    ],
)
async def test_a_follower_never_takes_a_board_its_own_moment_has_outgrown(
    settings: Settings, api: Api, leader: str, follower: str, day: str
) -> None:
    zone = settings.zone
    clock = FixedClock(datetime.combine(date(2026, 12, 1), _time(leader), tzinfo=zone))
    stamper = Counting(api.resources.database)
    cache = BoardCache(schema_for(settings)._schema, stamper, calendar_of(settings), clock)
    plan = plan_of(cache, day)
    produce = Counted()
    produce.release.clear()
    try:
        first = asyncio.create_task(cache.answer(plan, None, produce))
        while produce.runs == 0:  # noqa: ASYNC110 - the leader computes
            await asyncio.sleep(0.01)
        clock.moment = clock.moment + timedelta(seconds=1)
        second = asyncio.create_task(cache.answer(plan, None, produce))
        while stamper.reads < 2:  # noqa: ASYNC110 - the follower has its stamps...
            await asyncio.sleep(0.01)
        for _ in range(3):  # ...and has gone on to the flight: no I/O in between
            await asyncio.sleep(0)
        produce.release.set()
        answers = await asyncio.gather(first, second)
    finally:
        await cache.close()
    assert produce.runs == 2
    assert [a.headers[HEADER] for a in answers] == ["MISS", "MISS"]  # each computed its own


class Counting(Stamper):
    """The real stamps, counting the reads handed out."""

    reads = 0

    async def stamps(self, day: date) -> Any:
        found = await super().stamps(day)
        self.reads += 1
        return found


def _time(hhmmss: str) -> Any:
    return datetime.strptime(hhmmss, "%H:%M:%S").time()


async def by_hand(api: Api, *statements: str, **parameters: Any) -> None:
    async with api.resources.database.engine.begin() as connection:
        for statement in statements:
            await connection.execute(text(statement), parameters)


async def test_a_change_by_hand_in_a_session_with_another_date_style_restamps_the_day(
    api: Api, catalog: Catalog
) -> None:
    owner, car = await api.client_with_car(catalog.model_id)
    starts = api.at(1, "16:00")
    day = starts[:10]
    booked = await api.ok(BOOK, book_input(catalog, car, starts), owner.token)
    await warm(api, day, query=ANONYMOUS_BOARD)
    await by_hand(
        api,
        "SET LOCAL DateStyle = 'German, DMY'",
        "UPDATE bookings SET status = 'CANCELLED', cancelled_at = now() WHERE id = :id",
        id=int(booked["bookSlot"]["id"]),
    )
    board, cached = await read(api, day, query=ANONYMOUS_BOARD)
    assert cached == "MISS"
    assert slot_of(board, catalog.receptionist_ids[0], starts)["state"] == "CANCELLED"


async def test_a_deleted_stamp_never_brings_an_old_board_back(api: Api, catalog: Catalog) -> None:
    owner, car = await api.client_with_car(catalog.model_id)
    day = api.at(2, "09:00")[:10]
    await by_hand(api, "DELETE FROM board_versions WHERE scope = :d", d=day)
    await warm(api, day, query=ANONYMOUS_BOARD)
    starts = api.at(2, "09:00")
    await api.ok(BOOK, book_input(catalog, car, starts), owner.token)
    await by_hand(api, "DELETE FROM board_versions WHERE scope = :d", d=day)
    board, cached = await read(api, day, query=ANONYMOUS_BOARD)
    assert cached == "MISS"
    assert slot_of(board, catalog.receptionist_ids[0], starts)["state"] == "BOOKED"


async def test_stamps_never_repeat_when_the_migrations_are_run_again(
    api: Api, catalog: Catalog, database_url: str
) -> None:
    """`alembic downgrade 0006 && upgrade head` starts the stamp sequence over: the same
    numbers come back, and must not match boards cached before."""
    owner, car = await api.client_with_car(catalog.model_id)
    starts = api.at(1, "17:00")
    day = starts[:10]

    async def again() -> None:
        config = migrate.alembic_config(database_url)
        await asyncio.to_thread(command.downgrade, config, "0006")
        await asyncio.to_thread(command.upgrade, config, "head")
        await by_hand(api, "SELECT restamp_board('all')", "SELECT restamp_board(:d)", d=day)

    await again()
    await warm(api, day, query=ANONYMOUS_BOARD)
    await api.ok(BOOK, book_input(catalog, car, starts), owner.token)
    await again()  # the same stamps as when the board was cached
    board, cached = await read(api, day, query=ANONYMOUS_BOARD)
    assert cached == "MISS"
    assert slot_of(board, catalog.receptionist_ids[0], starts)["state"] == "BOOKED"


async def test_restamp_boards_covers_writes_that_fired_no_trigger(
    api: Api, catalog: Catalog, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As after `pg_restore --disable-triggers`: a booking moved to another client with
    triggers off is stale until `repairbook restamp-boards`, then on every board, the
    new client's own included (who they are was remembered per day)."""
    first, _ = await api.client_with_car(catalog.model_id)
    second, second_car = await api.client_with_car(catalog.model_id)
    starts = api.at(1, "11:00")
    day = starts[:10]
    booked = await api.ok(BOOK, book_input(catalog, second_car, starts), second.token)
    await warm(api, day, query=ANONYMOUS_BOARD)
    await warm(api, day, token=first.token)
    await by_hand(
        api,
        "SET LOCAL session_replication_role = replica",
        "UPDATE bookings SET client_id = :c, status = 'CANCELLED', cancelled_at = now()"
        " WHERE id = :id",
        c=int(first.id),
        id=int(booked["bookSlot"]["id"]),
    )
    _, cached = await read(api, day, query=ANONYMOUS_BOARD)
    assert cached == "HIT"  # what the command is for

    monkeypatch.setenv("REPAIRBOOK_DATABASE_URL", database_url)
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["restamp-boards"])
    assert result.exit_code == 0, result.output
    assert "restamped" in result.output
    board, cached = await read(api, day, query=ANONYMOUS_BOARD)
    assert cached == "MISS"
    assert slot_of(board, catalog.receptionist_ids[0], starts)["state"] == "CANCELLED"
    mine, _ = await read(api, day, token=first.token)
    assert slot_of(mine, catalog.receptionist_ids[0], starts)["booking"]["client"] == {
        "nick": first.nick
    }


async def test_a_client_edit_restamps_only_the_days_with_their_bookings(
    api: Api, catalog: Catalog
) -> None:
    booked, car = await api.client_with_car(catalog.model_id)
    browsing, _ = await api.client_with_car(catalog.model_id)
    manager = await api.person(Role.MANAGER)
    starts = api.at(1, "10:00")
    theirs, other = starts[:10], api.at(2, "10:00")[:10]
    await api.ok(BOOK, book_input(catalog, car, starts), booked.token)

    async def warm_all() -> None:
        for day in (theirs, other):
            await warm(api, day, query=STAFF_BOARD, token=manager.token)
            await warm(api, day, query=ANONYMOUS_BOARD)

    async def states(day: str) -> tuple[str | None, str | None]:
        _, staff = await read(api, day, query=STAFF_BOARD, token=manager.token)
        _, anonymous = await read(api, day, query=ANONYMOUS_BOARD)
        return staff, anonymous

    edits: list[Callable[[], Awaitable[Any]]] = [
        lambda: api.ok(UPDATE_PROFILE, {"i": {"firstName": "Пётр"}}, browsing.token),
        lambda: api.add_car(browsing, catalog.model_id),
    ]
    for edit in edits:  # someone without bookings: no board changes
        await warm_all()
        await edit()
        assert await states(theirs) == ("HIT", "HIT")
        assert await states(other) == ("HIT", "HIT")

    await warm_all()
    await api.ok(UPDATE_PROFILE, {"i": {"firstName": "Фёдор"}}, booked.token)
    assert (await states(theirs))[0] == "MISS"
    board, _ = await read(api, theirs, query=STAFF_BOARD, token=manager.token)
    assert bookings_shown(board)[0]["client"]["firstName"] == "Фёдор"
    assert await states(other) == ("HIT", "HIT")

    await warm_all()
    plate = "В777ВВ77"
    await api.add_car(booked, catalog.model_id, plate=plate)  # their cars are on the board
    board, cached = await read(api, theirs, query=STAFF_BOARD, token=manager.token)
    assert cached == "MISS"
    assert plate in {car["plate"] for car in bookings_shown(board)[0]["client"]["cars"]}
    assert await states(other) == ("HIT", "HIT")


def test_the_key_holds_a_digest_and_only_the_variables_the_document_declares(
    settings: Settings,
) -> None:
    cache = BoardCache(
        schema_for(settings)._schema,
        Stamper(None),  # type: ignore[arg-type]  # plan() reads no stamps
        calendar_of(settings),
        FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=settings.zone)),
    )
    bare = plan_of(cache, "2026-12-05")
    padded = cache.plan(
        {"query": ANONYMOUS_BOARD, "variables": {"d": "2026-12-05", "junk": "x" * 90_000}}
    )
    assert padded is not None
    assert padded.key == bare.key
    assert len(repr(padded.key)) < 200


async def test_entries_are_capped_in_number_and_expired_ones_dropped(
    settings: Settings, api: Api
) -> None:
    clock = FixedClock(datetime(2026, 12, 1, 9, 27, tzinfo=settings.zone))
    cache = BoardCache(
        schema_for(settings)._schema,
        Stamper(api.resources.database),
        calendar_of(settings),
        clock,
        max_entries=3,
    )
    produce = Counted()
    try:
        await cache.answer(plan_of(cache, "2026-12-01"), None, produce)  # ends at 09:30
        for n in (2, 3, 4):
            await cache.answer(plan_of(cache, f"2026-12-0{n}"), None, produce)
        assert len(cache) == 3
        clock.advance(timedelta(minutes=3))  # the 12-01 entry has expired...
        await cache.answer(plan_of(cache, "2026-12-05"), None, produce)
        assert len(cache) == 3
        clock.advance(timedelta(minutes=10))  # ...and now all of them
        await cache.answer(plan_of(cache, "2026-12-06"), None, produce)
        assert len(cache) == 1
    finally:
        await cache.close()
