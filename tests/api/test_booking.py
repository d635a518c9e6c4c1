"""Booking rules and error codes, through real GraphQL documents."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from repairbook.catalog import service as catalog_service
from repairbook.catalog.entries import LaborRateEntry, ReceptionistEntry
from repairbook.models.accounts import Role
from repairbook.models.booking import Booking, Quote
from repairbook.models.catalog import Receptionist
from tests.api.booking_support import (
    BOARD,
    BOOK,
    CANCEL,
    MOVE,
    book_input,
    client_with_car,
    slot_of,
)
from tests.factories import Catalog
from tests.helpers import Api

MOSCOW = ZoneInfo("Europe/Moscow")


def day_of(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(MOSCOW).date().isoformat()


async def test_client_books_a_free_slot_and_the_board_shows_it(api: Api, catalog: Catalog) -> None:
    client, car_id = await client_with_car(api, catalog)
    other, _ = await client_with_car(api, catalog)
    manager = await api.person(Role.MANAGER)
    starts = api.at(1, "10:00")
    booked = (await api.ok(BOOK, book_input(catalog, car_id, starts), client.token))["bookSlot"]
    assert booked["status"] == "ACTIVE"
    assert datetime.fromisoformat(booked["endsAt"]) - datetime.fromisoformat(
        booked["startsAt"]
    ) == timedelta(minutes=30)
    assert booked["price"] == "7780.00"
    assert [line["kind"] for line in booked["priceLines"]] == ["LABOR", "PART", "OIL"]
    assert booked["client"] == {"nick": client.nick}
    assert booked["repairType"] == {"name": "ТО-1"}
    rid = catalog.receptionist_ids[0]
    own = slot_of(
        (await api.ok(BOARD, {"d": day_of(starts)}, client.token))["availability"], rid, starts
    )
    assert own["state"] == "BOOKED"
    assert own["bookable"] is False
    assert own["booking"] == {"id": booked["id"], "client": {"nick": client.nick}}
    for token in (other.token, None):
        seen = slot_of(
            (await api.ok(BOARD, {"d": day_of(starts)}, token))["availability"], rid, starts
        )
        assert (seen["state"], seen["booking"]) == ("BOOKED", None)
    staff = slot_of(
        (await api.ok(BOARD, {"d": day_of(starts)}, manager.token))["availability"], rid, starts
    )
    assert staff["booking"]["client"] == {"nick": client.nick}


async def test_board_shape(api: Api, catalog: Catalog) -> None:
    board = (await api.ok(BOARD, {"d": day_of(api.at(2, "10:00"))}))["availability"]
    assert board["slotMinutes"] == 30
    assert len(board["receptionists"]) == 2
    assert len(board["slots"]) == 48
    assert {s["state"] for s in board["slots"]} == {"FREE"}
    first = datetime.fromisoformat(board["slots"][0]["startsAt"]).astimezone(MOSCOW)
    assert (first.hour, first.minute) == (8, 0)
    past = (await api.ok(BOARD, {"d": day_of(api.at(-1, "10:00"))}))["availability"]
    far = (await api.ok(BOARD, {"d": day_of(api.at(200, "10:00"))}))["availability"]
    assert {s["state"] for s in past["slots"]} == {"PAST"}
    assert {s["state"] for s in far["slots"]} == {"CLOSED"}
    assert (await api.error('{ availability(date: "2027-02-30") { date } }'))[
        "code"
    ] == "BAD_USER_INPUT"


async def test_no_car_no_booking(api: Api, catalog: Catalog) -> None:
    carless = await api.person()
    _, someone_elses_car = await client_with_car(api, catalog)
    error = await api.error(
        BOOK, book_input(catalog, someone_elses_car, api.at(1, "10:00")), carless.token
    )
    assert error["code"] == "NO_CAR"
    assert await api.count(Booking) == 0


@pytest.mark.parametrize(
    ("days", "time", "reason"),
    [
        (1, "10:15", "off the grid"),
        (1, "20:00", "ends after closing"),
        (1, "07:30", "before opening"),
        (1, "19:45", "off the grid near closing"),
        (-1, "10:00", "in the past"),
        (61, "10:00", "beyond the window"),
    ],
)
async def test_slots_that_cannot_be_booked(
    api: Api, catalog: Catalog, days: int, time: str, reason: str
) -> None:
    client, car_id = await client_with_car(api, catalog)
    error = await api.error(BOOK, book_input(catalog, car_id, api.at(days, time)), client.token)
    assert (error["code"], error["field"]) == ("SLOT_UNAVAILABLE", "startsAt"), reason
    assert await api.count(Booking) == 0


async def test_the_last_day_of_the_window_is_bookable(api: Api, catalog: Catalog) -> None:
    client, car_id = await client_with_car(api, catalog)
    await api.ok(BOOK, book_input(catalog, car_id, api.at(60, "19:30")), client.token)


async def test_seconds_or_a_missing_offset_are_refused(api: Api, catalog: Catalog) -> None:
    client, car_id = await client_with_car(api, catalog)
    with_seconds = api.at(1, "10:00").replace(":00+", ":30+")
    error = await api.error(BOOK, book_input(catalog, car_id, with_seconds), client.token)
    assert error["code"] == "SLOT_UNAVAILABLE"
    naive = api.at(1, "10:00")[:19]
    error = await api.error(BOOK, book_input(catalog, car_id, naive), client.token)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "startsAt")
    error = await api.error(BOOK, book_input(catalog, car_id, "tomorrow at ten"), client.token)
    assert error["code"] == "BAD_USER_INPUT"
    assert await api.count(Booking) == 0


async def test_closed_day_and_inactive_receptionist(api: Api, catalog: Catalog) -> None:
    client, car_id = await client_with_car(api, catalog)
    async with api.resources.sessions() as db, db.begin():
        await catalog_service.set_closed_day(
            db, date.fromisoformat(day_of(api.at(3, "10:00"))), closed=True, note="Субботник"
        )
        await db.execute(
            update(Receptionist)
            .where(Receptionist.id == catalog.receptionist_ids[1])
            .values(active=False)
        )
    closed = await api.error(BOOK, book_input(catalog, car_id, api.at(3, "10:00")), client.token)
    inactive = await api.error(
        BOOK, book_input(catalog, car_id, api.at(4, "10:00"), receptionist=1), client.token
    )
    assert (closed["code"], closed["field"]) == ("SLOT_UNAVAILABLE", "startsAt")
    assert (inactive["code"], inactive["field"]) == ("SLOT_UNAVAILABLE", "receptionistId")
    board = (await api.ok(BOARD, {"d": day_of(api.at(3, "10:00"))}))["availability"]
    assert {s["state"] for s in board["slots"]} == {"CLOSED"}
    assert len(board["receptionists"]) == 1  # inactive receptionists are off the board


async def test_unknown_ids_and_someone_elses_car(api: Api, catalog: Catalog) -> None:
    client, car_id = await client_with_car(api, catalog)
    _, other_car = await client_with_car(api, catalog)
    starts = api.at(1, "10:00")
    cases = {
        "carId": book_input(catalog, other_car, starts),
        "receptionistId": {
            "i": {**book_input(catalog, car_id, starts)["i"], "receptionistId": "9999"}
        },
        "repairTypeId": book_input(catalog, car_id, starts, repair_type_id=9999),
    }
    for field, variables in cases.items():
        error = await api.error(BOOK, variables, client.token)
        assert (error["code"], error["field"]) == ("NOT_FOUND", field)
    malformed = await api.error(
        BOOK, {"i": {**book_input(catalog, car_id, starts)["i"], "carId": "x"}}, client.token
    )
    assert (malformed["code"], malformed["field"]) == ("BAD_USER_INPUT", "carId")
    assert await api.count(Booking) == 0


async def test_repair_type_of_another_model(api: Api, catalog: Catalog) -> None:
    client, car_id = await client_with_car(api, catalog)
    error = await api.error(
        BOOK,
        book_input(catalog, car_id, api.at(1, "10:00"), repair_type_id=catalog.other_model_to1_id),
        client.token,
    )
    assert error["code"] == "REPAIR_TYPE_NOT_APPLICABLE"
    await api.ok(
        BOOK,
        book_input(catalog, car_id, api.at(1, "10:00"), repair_type_id=catalog.universal_id),
        client.token,
    )


async def test_slot_taken_and_one_booking_per_day(api: Api, catalog: Catalog) -> None:
    first, first_car = await client_with_car(api, catalog)
    second, second_car = await client_with_car(api, catalog)
    await api.ok(BOOK, book_input(catalog, first_car, api.at(1, "10:00")), first.token)
    taken = await api.error(BOOK, book_input(catalog, second_car, api.at(1, "10:00")), second.token)
    same_day = await api.error(
        BOOK, book_input(catalog, first_car, api.at(1, "15:00"), receptionist=1), first.token
    )
    assert (taken["code"], same_day["code"]) == ("SLOT_TAKEN", "ONE_BOOKING_PER_DAY")
    await api.ok(
        BOOK, book_input(catalog, second_car, api.at(1, "10:00"), receptionist=1), second.token
    )
    await api.ok(BOOK, book_input(catalog, first_car, api.at(2, "10:00")), first.token)
    assert await api.count(Booking) == 3


async def test_a_quote_keeps_its_price_when_the_catalog_changes(api: Api, catalog: Catalog) -> None:
    client, car_id = await client_with_car(api, catalog)
    quote = (
        await api.ok(
            "mutation ($c: ID!, $r: ID!) { requestQuote(carId: $c, repairTypeId: $r) { id total } }",
            {"c": car_id, "r": str(catalog.to1_id)},
            client.token,
        )
    )["requestQuote"]
    async with api.resources.sessions() as db, db.begin():
        await catalog_service.save_labor_rate(
            db, catalog.rate_id, LaborRateEntry("ТО", Decimal("3000"))
        )
    with_quote = (
        await api.ok(
            BOOK, book_input(catalog, car_id, api.at(1, "10:00"), quoteId=quote["id"]), client.token
        )
    )["bookSlot"]
    assert with_quote["price"] == quote["total"] == "7780.00"
    second, second_car = await client_with_car(api, catalog)
    priced_now = (
        await api.ok(BOOK, book_input(catalog, second_car, api.at(1, "11:00")), second.token)
    )["bookSlot"]
    assert priced_now["price"] == "8605.00"  # 1.5 × 3000 × 1.1 + 520 + 3135


async def test_expired_or_foreign_quotes_are_refused(api: Api, catalog: Catalog) -> None:
    client, car_id = await client_with_car(api, catalog)
    other, other_car = await client_with_car(api, catalog)
    request = "mutation ($c: ID!, $r: ID!) { requestQuote(carId: $c, repairTypeId: $r) { id } }"
    foreign = (await api.ok(request, {"c": other_car, "r": str(catalog.to1_id)}, other.token))[
        "requestQuote"
    ]["id"]
    mine = (await api.ok(request, {"c": car_id, "r": str(catalog.to1_id)}, client.token))[
        "requestQuote"
    ]["id"]
    not_mine = await api.error(
        BOOK, book_input(catalog, car_id, api.at(1, "10:00"), quoteId=foreign), client.token
    )
    assert (not_mine["code"], not_mine["field"]) == ("NOT_FOUND", "quoteId")
    bad = await api.error(
        BOOK, book_input(catalog, car_id, api.at(1, "10:00"), quoteId="nope"), client.token
    )
    assert (bad["code"], bad["field"]) == ("BAD_USER_INPUT", "quoteId")
    async with api.resources.sessions() as db, db.begin():
        await db.execute(update(Quote).values(valid_until=datetime.now(UTC) - timedelta(minutes=1)))
    expired = await api.error(
        BOOK, book_input(catalog, car_id, api.at(1, "10:00"), quoteId=mine), client.token
    )
    assert (expired["code"], expired["field"]) == ("QUOTE_EXPIRED", "quoteId")
    assert await api.count(Booking) == 0


async def test_idempotency_key_returns_the_first_booking(api: Api, catalog: Catalog) -> None:
    client, car_id = await client_with_car(api, catalog)
    other, other_car = await client_with_car(api, catalog)
    variables = book_input(catalog, car_id, api.at(1, "10:00"), idempotencyKey="retry-1")
    first = (await api.ok(BOOK, variables, client.token))["bookSlot"]
    again = (await api.ok(BOOK, variables, client.token))["bookSlot"]
    assert again["id"] == first["id"]
    # The key belongs to its user: another client's identical key is a new request.
    theirs = await api.error(
        BOOK,
        book_input(catalog, other_car, api.at(1, "10:00"), idempotencyKey="retry-1"),
        other.token,
    )
    assert theirs["code"] == "SLOT_TAKEN"
    assert await api.count(Booking) == 1


async def test_manager_books_for_a_client_and_the_clients_rules_hold(
    api: Api, catalog: Catalog
) -> None:
    client, car_id = await client_with_car(api, catalog)
    manager = await api.person(Role.MANAGER)
    booked = (await api.ok(BOOK, book_input(catalog, car_id, api.at(1, "10:00")), manager.token))[
        "bookSlot"
    ]
    assert booked["client"] == {"nick": client.nick}
    second = await api.error(
        BOOK, book_input(catalog, car_id, api.at(1, "12:00"), receptionist=1), manager.token
    )
    assert second["code"] == "ONE_BOOKING_PER_DAY"
    mine = (await api.ok("{ myBookings { id } }", token=client.token))["myBookings"]
    assert mine == [{"id": booked["id"]}]


async def test_cancel_own_booking_frees_the_slot_as_cancelled(api: Api, catalog: Catalog) -> None:
    client, car_id = await client_with_car(api, catalog)
    other, other_car = await client_with_car(api, catalog)
    starts = api.at(1, "10:00")
    booking_id = (await api.ok(BOOK, book_input(catalog, car_id, starts), client.token))[
        "bookSlot"
    ]["id"]
    assert (await api.error(CANCEL, {"id": booking_id}, other.token))["code"] == "NOT_FOUND"
    cancelled = (await api.ok(CANCEL, {"id": booking_id}, client.token))["cancelBooking"]
    assert cancelled["status"] == "CANCELLED"
    assert cancelled["cancelledAt"] is not None
    again = await api.error(CANCEL, {"id": booking_id}, client.token)
    assert (again["code"], again["field"]) == ("BAD_USER_INPUT", "id")
    slot = slot_of(
        (await api.ok(BOARD, {"d": day_of(starts)}))["availability"],
        catalog.receptionist_ids[0],
        starts,
    )
    assert (slot["state"], slot["bookable"]) == ("CANCELLED", True)
    await api.ok(BOOK, book_input(catalog, other_car, starts), other.token)
    # and the client may book again the same day: the cancelled booking no longer counts
    await api.ok(BOOK, book_input(catalog, car_id, api.at(1, "11:00")), client.token)
    history = (await api.ok("{ myBookings(includePast: true) { status } }", token=client.token))[
        "myBookings"
    ]
    assert sorted(b["status"] for b in history) == ["ACTIVE", "CANCELLED"]


async def test_manager_cancels_any_booking_with_a_reason(api: Api, catalog: Catalog) -> None:
    client, car_id = await client_with_car(api, catalog)
    manager = await api.person(Role.MANAGER)
    booking_id = (
        await api.ok(BOOK, book_input(catalog, car_id, api.at(1, "10:00")), client.token)
    )["bookSlot"]["id"]
    cancelled = (
        await api.ok(CANCEL, {"id": booking_id, "r": "  Мастер   заболел "}, manager.token)
    )["cancelBooking"]
    assert cancelled["cancelReason"] == "Мастер заболел"
    seen = (
        await api.ok(
            "query ($id: ID!) { booking(id: $id) { status cancelReason } }",
            {"id": booking_id},
            client.token,
        )
    )["booking"]
    assert seen == {"status": "CANCELLED", "cancelReason": "Мастер заболел"}


async def test_a_started_booking_cannot_be_cancelled_or_moved(api: Api, catalog: Catalog) -> None:
    client, car_id = await client_with_car(api, catalog)
    manager = await api.person(Role.MANAGER)
    booking_id = (
        await api.ok(BOOK, book_input(catalog, car_id, api.at(1, "10:00")), client.token)
    )["bookSlot"]["id"]
    async with api.resources.sessions() as db, db.begin():
        past = datetime.now(UTC) - timedelta(hours=1)
        await db.execute(
            update(Booking).values(starts_at=past, ends_at=past + timedelta(minutes=30))
        )
    for token in (client.token, manager.token):
        error = await api.error(CANCEL, {"id": booking_id}, token)
        assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "id")
    moved = await api.error(
        MOVE,
        {"id": booking_id, "r": str(catalog.receptionist_ids[0]), "s": api.at(2, "10:00")},
        client.token,
    )
    assert moved["code"] == "BAD_USER_INPUT"


async def test_reschedule_moves_and_frees_the_old_slot(api: Api, catalog: Catalog) -> None:
    client, car_id = await client_with_car(api, catalog)
    old, new = api.at(1, "10:00"), api.at(2, "12:30")
    booking_id = (await api.ok(BOOK, book_input(catalog, car_id, old), client.token))["bookSlot"][
        "id"
    ]
    r2 = catalog.receptionist_ids[1]
    moved = (await api.ok(MOVE, {"id": booking_id, "r": str(r2), "s": new}, client.token))[
        "rescheduleBooking"
    ]
    assert moved["id"] == booking_id
    assert datetime.fromisoformat(moved["startsAt"]) == datetime.fromisoformat(new)
    assert moved["receptionist"] == {"id": str(r2)}
    old_slot = slot_of(
        (await api.ok(BOARD, {"d": day_of(old)}))["availability"], catalog.receptionist_ids[0], old
    )
    new_slot = slot_of((await api.ok(BOARD, {"d": day_of(new)}))["availability"], r2, new)
    assert (old_slot["state"], new_slot["state"]) == ("FREE", "BOOKED")


async def test_reschedule_into_a_taken_slot_changes_nothing(api: Api, catalog: Catalog) -> None:
    client, car_id = await client_with_car(api, catalog)
    other, other_car = await client_with_car(api, catalog)
    mine = (await api.ok(BOOK, book_input(catalog, car_id, api.at(1, "10:00")), client.token))[
        "bookSlot"
    ]["id"]
    await api.ok(BOOK, book_input(catalog, other_car, api.at(1, "11:00")), other.token)
    rid = str(catalog.receptionist_ids[0])
    taken = await api.error(MOVE, {"id": mine, "r": rid, "s": api.at(1, "11:00")}, client.token)
    assert taken["code"] == "SLOT_TAKEN"
    off_grid = await api.error(MOVE, {"id": mine, "r": rid, "s": api.at(1, "11:10")}, client.token)
    assert off_grid["code"] == "SLOT_UNAVAILABLE"
    stranger = await api.error(MOVE, {"id": mine, "r": rid, "s": api.at(1, "12:00")}, other.token)
    assert stranger["code"] == "NOT_FOUND"
    seen = (
        await api.ok(
            "query ($id: ID!) { booking(id: $id) { startsAt status } }", {"id": mine}, client.token
        )
    )["booking"]
    assert datetime.fromisoformat(seen["startsAt"]) == datetime.fromisoformat(api.at(1, "10:00"))
    assert seen["status"] == "ACTIVE"


async def test_reschedule_to_a_day_with_another_booking(api: Api, catalog: Catalog) -> None:
    client, car_id = await client_with_car(api, catalog)
    manager = await api.person(Role.MANAGER)
    first = (await api.ok(BOOK, book_input(catalog, car_id, api.at(1, "10:00")), client.token))[
        "bookSlot"
    ]["id"]
    await api.ok(BOOK, book_input(catalog, car_id, api.at(2, "10:00")), client.token)
    error = await api.error(
        MOVE,
        {"id": first, "r": str(catalog.receptionist_ids[1]), "s": api.at(2, "15:00")},
        manager.token,
    )
    assert error["code"] == "ONE_BOOKING_PER_DAY"
    # moving within its own day is fine
    await api.ok(
        MOVE,
        {"id": first, "r": str(catalog.receptionist_ids[1]), "s": api.at(1, "15:00")},
        client.token,
    )


async def test_a_car_with_an_upcoming_booking_cannot_be_removed(api: Api, catalog: Catalog) -> None:
    client, car_id = await client_with_car(api, catalog)
    booking_id = (
        await api.ok(BOOK, book_input(catalog, car_id, api.at(1, "10:00")), client.token)
    )["bookSlot"]["id"]
    remove = "mutation ($id: ID!) { removeCar(id: $id) { id } }"
    error = await api.error(remove, {"id": car_id}, client.token)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "id")
    await api.ok(CANCEL, {"id": booking_id}, client.token)
    await api.ok(remove, {"id": car_id}, client.token)
    # the booking's history still shows the removed car
    seen = (
        await api.ok(
            "query ($id: ID!) { booking(id: $id) { car { id vin } } }",
            {"id": booking_id},
            client.token,
        )
    )["booking"]
    assert seen["car"]["id"] == car_id


async def test_booking_lookups_and_visibility(api: Api, catalog: Catalog) -> None:
    client, car_id = await client_with_car(api, catalog)
    other, _ = await client_with_car(api, catalog)
    manager = await api.person(Role.MANAGER)
    booking_id = (
        await api.ok(BOOK, book_input(catalog, car_id, api.at(3, "10:00")), client.token)
    )["bookSlot"]["id"]
    one = "query ($id: ID!) { booking(id: $id) { id car { id } } }"
    assert (await api.ok(one, {"id": booking_id}, client.token))["booking"]["car"]["id"] == car_id
    assert (await api.error(one, {"id": booking_id}, other.token))["code"] == "NOT_FOUND"
    assert (await api.ok(one, {"id": booking_id}, manager.token))["booking"]["id"] == booking_id
    assert (await api.ok("{ myBookings { id } }", token=other.token))["myBookings"] == []
    listing = "query ($f: Date!, $t: Date!, $r: ID) { bookings(from: $f, to: $t, receptionistId: $r) { id client { nick } car { vin } repairType { name } } }"
    span = {"f": day_of(api.at(0, "10:00")), "t": day_of(api.at(7, "10:00"))}
    staff = (await api.ok(listing, span, manager.token))["bookings"]
    assert [(b["id"], b["client"]["nick"]) for b in staff] == [(booking_id, client.nick)]
    other_receptionist = (
        await api.ok(listing, {**span, "r": str(catalog.receptionist_ids[1])}, manager.token)
    )["bookings"]
    assert other_receptionist == []
    assert (await api.error(listing, span, client.token))["code"] == "FORBIDDEN"
    too_long = await api.error(listing, {"f": "2027-01-01", "t": "2027-03-01"}, manager.token)
    assert (too_long["code"], too_long["field"]) == ("BAD_USER_INPUT", "to")
    user_view = (
        await api.ok(
            "query ($id: ID!) { user(id: $id) { bookings { id } } }",
            {"id": client.id},
            manager.token,
        )
    )["user"]
    assert user_view["bookings"] == [{"id": booking_id}]


async def test_the_board_costs_a_constant_number_of_statements(api: Api, catalog: Catalog) -> None:
    manager = await api.person(Role.MANAGER)
    day = day_of(api.at(5, "10:00"))
    query = "query ($d: Date!) { availability(date: $d) { slots { state receptionist { fullName } booking { id client { nick } car { vin model { name } } repairType { name } receptionist { id } } } } }"

    async def statements() -> int:
        return await api.statements(query, {"d": day}, manager.token)

    client, car_id = await client_with_car(api, catalog)
    await api.ok(BOOK, book_input(catalog, car_id, api.at(5, "08:00")), client.token)
    few = await statements()
    async with api.resources.sessions() as db, db.begin():
        for n in range(4):
            await catalog_service.save_receptionist(
                db, None, ReceptionistEntry(f"Новиков{n}", "Пётр")
            )
    receptionists = [r["id"] for r in (await api.ok("{ receptionists { id } }"))["receptionists"]]
    for n in range(12):
        person, car = await client_with_car(api, catalog)
        variables = book_input(catalog, car, api.at(5, f"{9 + n // 2}:{'30' if n % 2 else '00'}"))
        variables["i"]["receptionistId"] = receptionists[n % len(receptionists)]
        booked = (await api.ok(BOOK, variables, person.token))["bookSlot"]["id"]
        if n % 3 == 0:
            await api.ok(CANCEL, {"id": booked}, person.token)
    many = await statements()
    assert many == few
    assert few <= 11  # 10 before working time (issue 22): its plans and exceptions are one more
    assert await api.count(Booking) == 13


async def test_the_board_loads_booking_details_only_when_they_are_asked_for(
    api: Api, catalog: Catalog
) -> None:
    manager = await api.person(Role.MANAGER)
    client, car_id = await client_with_car(api, catalog)
    await api.ok(BOOK, book_input(catalog, car_id, api.at(5, "10:00")), client.token)
    variables = {"d": day_of(api.at(5, "10:00"))}
    states = "query ($d: Date!) { availability(date: $d) { slots { state } } }"
    details = "query ($d: Date!) { availability(date: $d) { slots { state booking { id } } } }"
    through_fragments = """
        query ($d: Date!) { availability(date: $d) { ...Board } }
        fragment Board on DaySchedule { slots { ... on Slot { state ...Details } } }
        fragment Details on Slot { booking { id } }
    """
    without = await api.statements(states, variables, manager.token)
    with_details = await api.statements(details, variables, manager.token)
    with_fragments = await api.statements(through_fragments, variables, manager.token)
    assert 0 < without < with_details == with_fragments
    board = await api.ok(through_fragments, variables, manager.token)
    assert [s["booking"] for s in board["availability"]["slots"] if s["booking"]] != []
