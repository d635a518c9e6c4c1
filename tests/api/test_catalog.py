"""The catalog through GraphQL: public look-ups, staff edits, bad input changes nothing."""

from __future__ import annotations

import pytest

from repairbook.models.accounts import Role
from repairbook.models.catalog import Oil, RepairType
from tests.factories import make_catalog
from tests.helpers import Api

CAR_MODELS = "{ carModels { id name imageUrl priceCoefficient engine { code oilVolumeL oil { brand viscosity pricePerLitre } } } }"
CREATE_OIL = (
    "mutation ($i: OilInput!) { createOil(input: $i) { id brand viscosity pricePerLitre } }"
)
UPDATE_OIL = (
    "mutation ($id: ID!, $i: OilInput!) { updateOil(id: $id, input: $i) { id pricePerLitre } }"
)
CREATE_REPAIR = """
mutation ($i: RepairTypeInput!) {
  createRepairType(input: $i) { id name kind laborHours laborRate { name } includesOilChange carModelId parts { name quantity price } active }
}"""
UPDATE_REPAIR = """
mutation ($id: ID!, $i: RepairTypeInput!) {
  updateRepairType(id: $id, input: $i) { id parts { consumableId quantity } active }
}"""


async def test_public_car_models_with_engine_and_oil(api: Api) -> None:
    await make_catalog(api.resources)
    models = (await api.ok(CAR_MODELS))["carModels"]
    assert [m["name"] for m in models] == ["Kia Rio (IV)", "Lada Vesta (I)"]
    rio = models[0]
    assert rio["imageUrl"] == "http://127.0.0.1:8000/static/cars/kia-rio-4.svg"
    assert models[1]["imageUrl"] == "https://example.com/vesta.png"
    assert rio["priceCoefficient"] == "1.100"
    assert rio["engine"] == {
        "code": "G4FG",
        "oilVolumeL": "3.30",
        "oil": {"brand": "Shell", "viscosity": "5W-30", "pricePerLitre": "950.00"},
    }


async def test_inactive_models_and_receptionists_are_hidden_from_clients(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    manager = await api.person(Role.MANAGER)
    await api.ok(
        'mutation ($id: ID!) { updateReceptionist(id: $id, input: {lastName: "Смирнов", firstName: "Иван", active: false}) { active } }',
        {"id": str(catalog.receptionist_ids[0])},
        manager.token,
    )
    query = "{ receptionists(includeInactive: true) { fullName active } }"
    public = (await api.ok(query))["receptionists"]
    staff = (await api.ok(query, token=manager.token))["receptionists"]
    assert public == [{"fullName": "Кузнецов Иван", "active": True}]
    assert len(staff) == 2


@pytest.mark.parametrize(
    "query",
    [
        "{ oils { id } }",
        "{ engines { id } }",
        "{ consumables { id } }",
        "{ laborRates { id } }",
        "{ repairTypes { id } }",
    ],
)
async def test_staff_lists_are_forbidden_to_clients(api: Api, query: str) -> None:
    client = await api.person()
    assert (await api.error(query, token=client.token))["code"] == "FORBIDDEN"
    assert (await api.error(query))["code"] == "UNAUTHENTICATED"


async def test_client_cannot_edit_the_catalog(api: Api) -> None:
    client = await api.person()
    error = await api.error(
        CREATE_OIL, {"i": {"brand": "X", "viscosity": "0W-20", "pricePerLitre": "1"}}, client.token
    )
    assert error["code"] == "FORBIDDEN"
    assert await api.count(Oil) == 0


async def test_manager_creates_and_updates_an_oil(api: Api) -> None:
    manager = await api.person(Role.MANAGER)
    created = (
        await api.ok(
            CREATE_OIL,
            {"i": {"brand": " Mobil  1 ", "viscosity": "0w-40", "pricePerLitre": "1399.9"}},
            manager.token,
        )
    )["createOil"]
    assert created["brand"] == "Mobil 1"
    assert created["viscosity"] == "0W-40"
    assert created["pricePerLitre"] == "1399.90"
    updated = await api.ok(
        UPDATE_OIL,
        {
            "id": created["id"],
            "i": {"brand": "Mobil 1", "viscosity": "0W-40", "pricePerLitre": "1450"},
        },
        manager.token,
    )
    assert updated["updateOil"]["pricePerLitre"] == "1450.00"
    assert (await api.ok("{ oils { brand pricePerLitre } }", token=manager.token))["oils"] == [
        {"brand": "Mobil 1", "pricePerLitre": "1450.00"}
    ]


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("0", "greater than zero"),
        ("-5", "greater than zero"),
        ("10.555", "decimal places"),
        ("abc", "Decimal"),
        ("1e12", "less than"),
    ],
)
async def test_bad_prices_are_refused(api: Api, price: str, message: str) -> None:
    manager = await api.person(Role.MANAGER)
    error = await api.error(
        CREATE_OIL,
        {"i": {"brand": "X", "viscosity": "0W-20", "pricePerLitre": price}},
        manager.token,
    )
    assert error["code"] == "BAD_USER_INPUT"
    assert message.lower() in error["message"].lower()
    assert await api.count(Oil) == 0


async def test_duplicates_and_unknown_references_name_the_field(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    manager = await api.person(Role.MANAGER)
    duplicate = await api.error(
        CREATE_OIL,
        {"i": {"brand": "Shell", "viscosity": "5W-30", "pricePerLitre": "1"}},
        manager.token,
    )
    assert (duplicate["code"], duplicate["field"]) == ("BAD_USER_INPUT", "viscosity")
    engine = await api.error(
        "mutation ($i: EngineInput!) { createEngine(input: $i) { id } }",
        {"i": {"code": "X1", "displacementL": "1.6", "oilId": "999", "oilVolumeL": "4"}},
        manager.token,
    )
    assert (engine["code"], engine["field"]) == ("BAD_USER_INPUT", "oilId")
    missing = await api.error(
        UPDATE_OIL,
        {"id": "999", "i": {"brand": "A", "viscosity": "B", "pricePerLitre": "1"}},
        manager.token,
    )
    assert missing["code"] == "NOT_FOUND"
    same_name = await api.error(
        CREATE_REPAIR,
        {
            "i": {
                "name": "ТО-1",
                "kind": "MAINTENANCE",
                "laborHours": "1",
                "laborRateId": str(catalog.rate_id),
                "carModelId": str(catalog.model_id),
            }
        },
        manager.token,
    )
    assert (same_name["code"], same_name["field"]) == ("BAD_USER_INPUT", "name")
    assert await api.count(RepairType) == 3


async def test_repair_type_with_parts_round_trip(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    manager = await api.person(Role.MANAGER)
    data = {
        "name": "ТО-2",
        "kind": "MAINTENANCE",
        "laborHours": "2.5",
        "laborRateId": str(catalog.rate_id),
        "includesOilChange": True,
        "carModelId": str(catalog.model_id),
        "parts": [{"consumableId": str(catalog.filter_id), "quantity": 2}],
    }
    created = (await api.ok(CREATE_REPAIR, {"i": data}, manager.token))["createRepairType"]
    assert created["parts"] == [{"name": "Фильтр масляный", "quantity": 2, "price": "520.00"}]
    assert created["laborHours"] == "2.50"
    # Changing the quantity of a part that stays, then deactivating.
    data["parts"] = [{"consumableId": str(catalog.filter_id), "quantity": 3}]
    data["active"] = False
    updated = (await api.ok(UPDATE_REPAIR, {"id": created["id"], "i": data}, manager.token))[
        "updateRepairType"
    ]
    assert updated["parts"] == [{"consumableId": str(catalog.filter_id), "quantity": 3}]
    assert updated["active"] is False


async def test_bad_parts_are_refused(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    manager = await api.person(Role.MANAGER)
    base = {
        "name": "ТО-9",
        "kind": "MAINTENANCE",
        "laborHours": "1",
        "laborRateId": str(catalog.rate_id),
    }
    for parts in (
        [{"consumableId": "999"}],
        [{"consumableId": str(catalog.filter_id), "quantity": 0}],
        [{"consumableId": str(catalog.filter_id)}, {"consumableId": str(catalog.filter_id)}],
    ):
        error = await api.error(CREATE_REPAIR, {"i": {**base, "parts": parts}}, manager.token)
        assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "parts")
    assert await api.count(RepairType) == 3


async def test_consumable_compatible_models(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    manager = await api.person(Role.MANAGER)
    created = await api.ok(
        "mutation ($i: ConsumableInput!) { createConsumable(input: $i) { name price carModels { name } } }",
        {
            "i": {
                "name": "Фильтр салонный",
                "price": "640",
                "carModelIds": [str(catalog.model_id), str(catalog.other_model_id)],
            }
        },
        manager.token,
    )
    assert created["createConsumable"]["carModels"] == [
        {"name": "Kia Rio (IV)"},
        {"name": "Lada Vesta (I)"},
    ]
    unknown = await api.error(
        "mutation ($i: ConsumableInput!) { createConsumable(input: $i) { name } }",
        {"i": {"name": "Другой", "price": "640", "carModelIds": ["999"]}},
        manager.token,
    )
    assert (unknown["code"], unknown["field"]) == ("BAD_USER_INPUT", "carModelIds")


async def test_closed_days(api: Api) -> None:
    manager = await api.person(Role.MANAGER)
    client = await api.person()
    mutation = "mutation ($d: Date!, $c: Boolean!, $n: String) { setClosedDay(date: $d, closed: $c, note: $n) { date closed note } }"
    query = '{ closedDays(from: "2027-01-01", to: "2027-01-31") { date note } }'
    assert (await api.error(mutation, {"d": "2027-01-01", "c": True}, client.token))[
        "code"
    ] == "FORBIDDEN"
    await api.ok(mutation, {"d": "2027-01-01", "c": True, "n": "Новый год"}, manager.token)
    await api.ok(mutation, {"d": "2027-01-07", "c": True, "n": "Рождество"}, manager.token)
    await api.ok(mutation, {"d": "2027-01-07", "c": True, "n": "Рождество Христово"}, manager.token)
    assert (await api.ok(query))["closedDays"] == [
        {"date": "2027-01-01", "note": "Новый год"},
        {"date": "2027-01-07", "note": "Рождество Христово"},
    ]
    reopened = await api.ok(mutation, {"d": "2027-01-01", "c": False}, manager.token)
    assert reopened["setClosedDay"] == {"date": "2027-01-01", "closed": False, "note": None}
    assert len((await api.ok(query))["closedDays"]) == 1
    bad = await api.error(mutation, {"d": "2027-13-01", "c": True}, manager.token)
    assert bad["code"] == "BAD_USER_INPUT"
    backwards = await api.error('{ closedDays(from: "2027-02-01", to: "2027-01-01") { date } }')
    assert (backwards["code"], backwards["field"]) == ("BAD_USER_INPUT", "to")
