"""Cars: validation, ownership, the unique VIN under concurrency, staff look-ups."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from repairbook.models.accounts import Role
from repairbook.models.cars import Car
from tests.factories import CAR, make_catalog
from tests.helpers import Api

ADD = "mutation ($i: CarInput!) { addCar(input: $i) { id vin plate stsNumber soldOn mileageKm model { name } owner { nick } } }"
UPDATE = (
    "mutation ($id: ID!, $i: CarInput!) { updateCar(id: $id, input: $i) { id plate mileageKm } }"
)
REMOVE = "mutation ($id: ID!) { removeCar(id: $id) { id } }"
MY_CARS = "{ me { cars { id vin plate model { name } } } }"
USERS = "query ($s: String, $first: Int!, $after: String) { users(search: $s, first: $first, after: $after) { edges { cursor node { nick cars { plate } } } pageInfo { hasNextPage endCursor } } }"


def car(model_id: int, **overrides: Any) -> dict[str, Any]:
    return {**CAR, "carModelId": str(model_id), **overrides}


async def test_add_car_normalises_and_shows_in_my_cars(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    client = await api.person()
    added = (
        await api.ok(
            ADD,
            {
                "i": car(
                    catalog.model_id,
                    vin="xw8zzz61zjg012345",
                    plate="a123bc 77",
                    stsNumber="99 aa 123456",
                )
            },
            client.token,
        )
    )["addCar"]
    assert added["vin"] == "XW8ZZZ61ZJG012345"
    assert added["plate"] == "А123ВС77"
    assert added["stsNumber"] == "99АА123456"
    assert added["owner"] == {"nick": client.nick}
    assert added["model"] == {"name": "Kia Rio (IV)"}
    cars = (await api.ok(MY_CARS, token=client.token))["me"]["cars"]
    assert cars == [
        {
            "id": added["id"],
            "vin": added["vin"],
            "plate": "А123ВС77",
            "model": {"name": "Kia Rio (IV)"},
        }
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"vin": "XW8ZZZ61ZJG01234"}, "vin"),
        ({"vin": "XW8ZZZ61ZJG01234I"}, "vin"),
        ({"plate": "123"}, "plate"),
        ({"stsNumber": "12345"}, "stsNumber"),
        ({"soldOn": "2999-01-01"}, "soldOn"),
        ({"mileageKm": -1}, "mileageKm"),
        ({"mileageKm": 2000001}, "mileageKm"),
        ({"carModelId": "999999"}, "carModelId"),
        ({"carModelId": "zzz"}, "carModelId"),
    ],
)
async def test_bad_car_input_names_the_field_and_stores_nothing(
    api: Api, overrides: dict[str, Any], field: str
) -> None:
    catalog = await make_catalog(api.resources)
    client = await api.person()
    error = await api.error(ADD, {"i": car(catalog.model_id, **overrides)}, client.token)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", field)
    assert await api.count(Car) == 0


async def test_malformed_date_is_bad_input(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    client = await api.person()
    error = await api.error(ADD, {"i": car(catalog.model_id, soldOn="14.05.2021")}, client.token)
    assert error["code"] == "BAD_USER_INPUT"


async def test_adding_a_car_needs_sign_in(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    assert (await api.error(ADD, {"i": car(catalog.model_id)}))["code"] == "UNAUTHENTICATED"


async def test_vin_is_unique_but_a_removed_car_can_come_back(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    first, second = await api.person(), await api.person()
    added = (await api.ok(ADD, {"i": car(catalog.model_id)}, first.token))["addCar"]
    taken = await api.error(
        ADD, {"i": car(catalog.model_id, vin=str(CAR["vin"]).lower())}, second.token
    )
    assert (taken["code"], taken["field"]) == ("BAD_USER_INPUT", "vin")
    await api.ok(REMOVE, {"id": added["id"]}, first.token)
    assert (await api.ok(MY_CARS, token=first.token))["me"]["cars"] == []
    await api.ok(ADD, {"i": car(catalog.model_id)}, second.token)


async def test_concurrent_adds_of_one_vin_exactly_one_wins(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    people = [await api.person() for _ in range(8)]
    bodies = await asyncio.gather(
        *(api.post(ADD, {"i": car(catalog.model_id)}, p.token) for p in people)
    )
    assert sum("errors" not in b for b in bodies) == 1
    assert [b["errors"][0]["extensions"] for b in bodies if "errors" in b] == [
        {"code": "BAD_USER_INPUT", "field": "vin"}
    ] * 7
    assert await api.count(Car) == 1


async def test_only_the_owner_changes_or_removes_a_car(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    owner, stranger = await api.person(), await api.person()
    manager = await api.person(Role.MANAGER)
    added = (await api.ok(ADD, {"i": car(catalog.model_id)}, owner.token))["addCar"]
    change = {"id": added["id"], "i": car(catalog.model_id, mileageKm=50000, plate="В777ОР99")}
    for intruder in (stranger, manager):
        assert (await api.error(UPDATE, change, intruder.token))["code"] == "NOT_FOUND"
        assert (await api.error(REMOVE, {"id": added["id"]}, intruder.token))["code"] == "NOT_FOUND"
    updated = (await api.ok(UPDATE, change, owner.token))["updateCar"]
    assert (updated["plate"], updated["mileageKm"]) == ("В777ОР99", 50000)
    bad = await api.error(
        UPDATE, {"id": added["id"], "i": car(catalog.model_id, mileageKm=-5)}, owner.token
    )
    assert bad["field"] == "mileageKm"
    assert (await api.ok(MY_CARS, token=owner.token))["me"]["cars"][0]["plate"] == "В777ОР99"


async def test_manager_finds_clients_by_any_spelling_of_a_plate(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    owner = await api.person(lastName="Соколов")
    await api.ok(ADD, {"i": car(catalog.model_id, plate="к777мр199")}, owner.token)
    await api.person(nick="someone_else")
    manager = await api.person(Role.MANAGER)
    for term in [
        "K777MP",
        "к777мр199",
        "777",
        "Соколов".lower(),
        owner.nick.upper(),
        f"{owner.nick}@EXAMPLE",
    ]:
        found = (await api.ok(USERS, {"s": term, "first": 10}, manager.token))["users"]["edges"]
        assert [e["node"]["nick"] for e in found] == [owner.nick], term
    assert found[0]["node"]["cars"] == [{"plate": "К777МР199"}]
    client_view = await api.error(USERS, {"first": 10}, owner.token)
    assert client_view["code"] == "FORBIDDEN"


async def test_users_are_paged_with_cursors(api: Api) -> None:
    manager = await api.person(Role.MANAGER)
    for _ in range(4):
        await api.person()
    seen: list[str] = []
    after = None
    while True:
        page = (await api.ok(USERS, {"first": 2, "after": after}, manager.token))["users"]
        seen += [edge["node"]["nick"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 4  # the clients: the manager is not one
    too_many = await api.error(USERS, {"first": 101}, manager.token)
    bad_cursor = await api.error(USERS, {"first": 1, "after": "not-a-cursor"}, manager.token)
    assert (too_many["field"], bad_cursor["field"]) == ("first", "after")


async def test_users_finds_clients_unless_asked_for_another_role(api: Api) -> None:
    client = await api.person(firstName="Ольга", lastName="Смирнова")
    manager = await api.person(Role.MANAGER, firstName="Ольга", lastName="Смирнова")
    admin = await api.person(Role.ADMIN, firstName="Ольга", lastName="Смирнова")
    query = (
        "query ($s: String, $r: Role) { users(search: $s, role: $r) { edges { node { nick } } } }"
    )
    default = "query ($s: String) { users(search: $s) { edges { node { nick } } } }"

    async def nicks(document: str, variables: dict[str, Any]) -> list[str]:
        data = await api.ok(document, variables, manager.token)
        return [edge["node"]["nick"] for edge in data["users"]["edges"]]

    assert await nicks(default, {"s": "смирнова"}) == [client.nick]
    assert await nicks(query, {"s": "смирнова", "r": "MANAGER"}) == [manager.nick]
    assert await nicks(query, {"s": "смирнова", "r": "ADMIN"}) == [admin.nick]
    assert await nicks(query, {"s": "смирнова", "r": None}) == [
        client.nick,
        manager.nick,
        admin.nick,
    ]
    wrong = await api.error(query, {"s": "x", "r": "OWNER"}, manager.token)
    assert wrong["code"] == "BAD_USER_INPUT"


async def test_manager_reads_a_clients_cars_but_clients_do_not(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    owner, other = await api.person(), await api.person()
    manager = await api.person(Role.MANAGER)
    await api.ok(ADD, {"i": car(catalog.model_id)}, owner.token)
    query = "query ($id: ID!) { user(id: $id) { nick cars { vin } } }"
    seen = (await api.ok(query, {"id": owner.id}, manager.token))["user"]
    assert seen == {"nick": owner.nick, "cars": [{"vin": CAR["vin"]}]}
    assert (await api.error(query, {"id": owner.id}, other.token))["code"] == "FORBIDDEN"
    assert (await api.error(query, {"id": "99999"}, manager.token))["code"] == "NOT_FOUND"
