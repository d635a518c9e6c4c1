"""What a frontend asks besides bookings: the shop, the month calendar, ids, an anonymous me."""

from __future__ import annotations

from datetime import date, timedelta

from repairbook.models.accounts import Role
from tests.api.booking_support import BOOK, CLOSE_DAY, book_input, client_with_car
from tests.factories import Catalog
from tests.helpers import Api

SHOP = "{ shop { id name address phone timeZone opensAt closesAt slotMinutes bookingWindowDays today lastBookableDay } }"
CALENDAR = "query ($f: Date!, $t: Date!) { availabilityCalendar(from: $f, to: $t) { id date open closedReason freeSlots totalSlots } }"
IDS_BOARD = (
    "query ($d: Date!) { availability(date: $d) { id slots { id startsAt receptionist { id } } } }"
)


def today(api: Api) -> date:
    return api.now().astimezone(api.resources.settings.zone).date()


async def test_shop_tells_a_date_picker_everything(api: Api) -> None:
    shop = (await api.ok(SHOP))["shop"]
    assert shop == {
        "id": "shop",
        "name": "Автосервис repairbook",
        "address": "Москва, ул. Автомобильная, 1",
        "phone": "+7 495 000-00-00",
        "timeZone": "Europe/Moscow",
        "opensAt": "08:00",
        "closesAt": "20:00",
        "slotMinutes": 30,
        "bookingWindowDays": 60,
        "today": today(api).isoformat(),
        "lastBookableDay": (today(api) + timedelta(days=60)).isoformat(),
    }


async def test_calendar_says_open_or_closed_and_why_with_free_and_total_slots(
    api: Api, catalog: Catalog
) -> None:
    manager = await api.person(Role.MANAGER)
    client, car = await client_with_car(api, catalog)
    first = today(api) - timedelta(days=1)
    closed = today(api) + timedelta(days=2)
    await api.ok(CLOSE_DAY, {"d": closed.isoformat(), "c": True}, manager.token)
    await api.ok(BOOK, book_input(catalog, car, api.at(1, "10:00")), client.token)
    last = today(api) + timedelta(days=60)
    days = (await api.ok(CALENDAR, {"f": first.isoformat(), "t": last.isoformat()}))[
        "availabilityCalendar"
    ]
    assert len(days) == 62  # from yesterday to the window's last day: the bound
    by_day = {d["date"]: d for d in days}
    total = 24 * len(catalog.receptionist_ids)
    assert {d["totalSlots"] for d in days} == {total}
    yesterday = by_day[first.isoformat()]
    assert (yesterday["open"], yesterday["closedReason"], yesterday["freeSlots"]) == (
        False,
        "PAST",
        0,
    )
    tomorrow = by_day[(today(api) + timedelta(days=1)).isoformat()]
    assert (tomorrow["open"], tomorrow["closedReason"], tomorrow["freeSlots"]) == (
        True,
        None,
        total - 1,
    )
    assert tomorrow["id"] == tomorrow["date"]
    holiday = by_day[closed.isoformat()]
    assert (holiday["open"], holiday["closedReason"], holiday["freeSlots"]) == (
        False,
        "CLOSED_DAY",
        0,
    )
    assert by_day[last.isoformat()]["open"] is True
    after = (last + timedelta(days=1)).isoformat()
    [beyond] = (await api.ok(CALENDAR, {"f": after, "t": after}))["availabilityCalendar"]
    assert (beyond["open"], beyond["closedReason"], beyond["freeSlots"]) == (
        False,
        "BEYOND_WINDOW",
        0,
    )


async def test_calendar_range_is_bounded_and_costs_the_same_queries_whatever_its_length(
    api: Api, catalog: Catalog
) -> None:
    start = today(api)
    too_long = {"f": start.isoformat(), "t": (start + timedelta(days=62)).isoformat()}
    error = await api.error(CALENDAR, too_long)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "to")
    backwards = {"f": start.isoformat(), "t": (start - timedelta(days=1)).isoformat()}
    assert (await api.error(CALENDAR, backwards))["code"] == "BAD_USER_INPUT"
    one = await api.statements(CALENDAR, {"f": start.isoformat(), "t": start.isoformat()})
    sixty = {"f": start.isoformat(), "t": (start + timedelta(days=61)).isoformat()}
    assert await api.statements(CALENDAR, sixty) == one


async def test_slot_and_day_ids_are_stable_and_unique(api: Api, catalog: Catalog) -> None:
    day = (today(api) + timedelta(days=1)).isoformat()
    board = (await api.ok(IDS_BOARD, {"d": day}))["availability"]
    assert board["id"] == day
    ids = [slot["id"] for slot in board["slots"]]
    assert len(set(ids)) == len(ids)
    first = board["slots"][0]
    assert first["id"].startswith(f"{first['receptionist']['id']}@")
    assert first["id"].endswith("Z")
    again = await api.ok(IDS_BOARD, {"d": day}, token=(await api.person()).token)
    assert [slot["id"] for slot in again["availability"]["slots"]] == ids


async def test_price_lines_repair_options_and_parts_have_ids(api: Api, catalog: Catalog) -> None:
    client, car = await client_with_car(api, catalog)
    options = (
        await api.ok(
            "query ($c: ID!) { repairOptions(carId: $c) { id repairType { id parts { id } }"
            " estimate { id lines { id } } } }",
            {"c": car},
            client.token,
        )
    )["repairOptions"]
    option = options[0]
    repair = option["repairType"]["id"]
    assert option["id"] == f"{car}:{repair}"
    assert option["estimate"]["id"] == f"estimate:{car}:{repair}"
    assert [line["id"] for line in option["estimate"]["lines"]] == [
        f"estimate:{car}:{repair}:{n}" for n in range(1, len(option["estimate"]["lines"]) + 1)
    ]
    assert all(part["id"].startswith(f"{repair}:") for part in option["repairType"]["parts"])
    quote = (
        await api.ok(
            "mutation ($c: ID!, $r: ID!) { requestQuote(carId: $c, repairTypeId: $r) { id lines { id } } }",
            {"c": car, "r": repair},
            client.token,
        )
    )["requestQuote"]
    assert quote["lines"][0]["id"] == f"quote:{quote['id']}:1"
    booked = (
        await api.ok(
            "mutation ($i: BookSlotInput!) { bookSlot(input: $i) { id priceLines { id } } }",
            book_input(catalog, car, api.at(1, "11:00")),
            client.token,
        )
    )["bookSlot"]
    assert booked["priceLines"][0]["id"] == f"booking:{booked['id']}:1"


async def test_me_is_null_for_an_anonymous_caller_but_a_bad_token_is_unauthenticated(
    api: Api,
) -> None:
    assert await api.ok("{ me { id } }") == {"me": None}
    error = await api.error("{ me { id } }", token="not-a-token")
    assert error["code"] == "UNAUTHENTICATED"
    person = await api.person()
    assert (await api.ok("{ me { id } }", token=person.token))["me"] == {"id": person.id}


async def test_calendar_is_answered_from_the_stamps_and_never_stale(
    api: Api, catalog: Catalog
) -> None:
    client, car = await client_with_car(api, catalog)
    start = today(api)
    span = {"f": start.isoformat(), "t": (start + timedelta(days=9)).isoformat()}
    first = (await api.ok(CALENDAR, span))["availabilityCalendar"]
    assert await api.statements(CALENDAR, span) == 1  # the stamps, then the kept answer
    await api.ok(BOOK, book_input(catalog, car, api.at(3, "10:00")), client.token)
    after = (await api.ok(CALENDAR, span))["availabilityCalendar"]
    assert after[3]["freeSlots"] == first[3]["freeSlots"] - 1
    assert [d["freeSlots"] for n, d in enumerate(after) if n != 3] == [
        d["freeSlots"] for n, d in enumerate(first) if n != 3
    ]
