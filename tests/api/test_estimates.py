"""Prices next to each repair choice, and quotes that hold them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from repairbook.booking import estimates
from repairbook.cars import repository as cars_repository
from repairbook.catalog import service as catalog_service
from repairbook.catalog.entries import PartQuantity, RepairTypeEntry
from repairbook.errors import QuoteExpired
from repairbook.models.accounts import Role
from repairbook.models.booking import Quote
from repairbook.models.catalog import RepairKind, RepairType
from tests.factories import make_catalog
from tests.helpers import Api

OPTIONS = "query ($c: ID!) { repairOptions(carId: $c) { repairType { id name } estimate { total lines { kind description quantity unitPrice amount } } } }"
QUOTE = "mutation ($c: ID!, $r: ID!) { requestQuote(carId: $c, repairTypeId: $r) { id total validUntil lines { kind amount } } }"


async def test_options_list_model_and_universal_types_with_prices(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    client, car_id = await api.client_with_car(catalog.model_id)
    options = (await api.ok(OPTIONS, {"c": car_id}, client.token))["repairOptions"]
    assert [o["repairType"]["name"] for o in options] == ["ТО-1", "Установка сигнализации"]
    to1 = options[0]["estimate"]
    # labor 1.5 h × 2500 × 1.1 = 4125; filter 520; oil 3.3 l × 950 = 3135
    assert to1["lines"] == [
        {
            "kind": "LABOR",
            "description": "ТО-1: ТО",
            "quantity": "1.50",
            "unitPrice": "2750.00",
            "amount": "4125.00",
        },
        {
            "kind": "PART",
            "description": "Фильтр масляный",
            "quantity": "1",
            "unitPrice": "520.00",
            "amount": "520.00",
        },
        {
            "kind": "OIL",
            "description": "Shell 5W-30",
            "quantity": "3.30",
            "unitPrice": "950.00",
            "amount": "3135.00",
        },
    ]
    assert to1["total"] == "7780.00"
    assert options[1]["estimate"]["total"] == "8250.00"  # 3 h × 2500 × 1.1


async def test_options_cost_a_constant_number_of_statements(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    client, car_id = await api.client_with_car(catalog.model_id)

    async def statements() -> int:
        return await api.statements(OPTIONS, {"c": car_id}, client.token)

    few = await statements()
    async with api.resources.sessions() as db, db.begin():
        for n in range(15):
            await catalog_service.save_repair_type(
                db,
                None,
                RepairTypeEntry(
                    name=f"Ремонт {n}",
                    kind=RepairKind.OTHER,
                    labor_hours=Decimal(1),
                    labor_rate_id=catalog.rate_id,
                    includes_oil_change=n % 2 == 0,
                    car_model_id=catalog.model_id if n % 3 else None,
                    parts=[PartQuantity(catalog.filter_id, n % 4 + 1)],
                ),
            )
    many = await statements()
    assert many == few
    assert few <= 6


async def test_options_for_someone_elses_car_are_not_found(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    _, car_id = await api.client_with_car(catalog.model_id)
    stranger = await api.person()
    manager = await api.person(Role.MANAGER)
    error = await api.error(OPTIONS, {"c": car_id}, stranger.token)
    assert (error["code"], error["field"]) == ("NOT_FOUND", "carId")
    assert len((await api.ok(OPTIONS, {"c": car_id}, manager.token))["repairOptions"]) == 2


async def test_inactive_repair_types_are_not_offered(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    client, car_id = await api.client_with_car(catalog.model_id)
    async with api.resources.sessions() as db, db.begin():
        await db.execute(
            update(RepairType).where(RepairType.id == catalog.universal_id).values(active=False)
        )
    options = (await api.ok(OPTIONS, {"c": car_id}, client.token))["repairOptions"]
    assert [o["repairType"]["name"] for o in options] == ["ТО-1"]
    error = await api.error(QUOTE, {"c": car_id, "r": str(catalog.universal_id)}, client.token)
    assert error["code"] == "REPAIR_TYPE_NOT_APPLICABLE"


async def test_quote_holds_the_estimate_for_a_day(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    client, car_id = await api.client_with_car(catalog.model_id)
    before = datetime.now(UTC)
    quote = (await api.ok(QUOTE, {"c": car_id, "r": str(catalog.to1_id)}, client.token))[
        "requestQuote"
    ]
    assert quote["total"] == "7780.00"
    assert [line["kind"] for line in quote["lines"]] == ["LABOR", "PART", "OIL"]
    valid_until = datetime.fromisoformat(quote["validUntil"])
    assert timedelta(hours=23, minutes=59) < valid_until - before <= timedelta(hours=24, seconds=5)


async def test_quote_for_another_models_repair_type_is_refused(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    client, car_id = await api.client_with_car(catalog.model_id)
    error = await api.error(
        QUOTE, {"c": car_id, "r": str(catalog.other_model_to1_id)}, client.token
    )
    assert (error["code"], error["field"]) == ("REPAIR_TYPE_NOT_APPLICABLE", "repairTypeId")
    missing = await api.error(QUOTE, {"c": car_id, "r": "99999"}, client.token)
    assert missing["code"] == "NOT_FOUND"
    assert await api.count(Quote) == 0


async def test_expired_quote_is_refused(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    client, car_id = await api.client_with_car(catalog.model_id)
    quote_id = (await api.ok(QUOTE, {"c": car_id, "r": str(catalog.to1_id)}, client.token))[
        "requestQuote"
    ]["id"]
    async with api.resources.sessions() as db, db.begin():
        car = await cars_repository.get(db, int(car_id))
        assert car is not None
        repair = await estimates.applicable_repair(db, car, catalog.to1_id)
        now = api.now()
        live = await estimates.valid_quote(db, uuid.UUID(quote_id), car, repair, now=now)
        assert live.total == Decimal("7780.00")
        await db.execute(update(Quote).values(valid_until=now - timedelta(seconds=1)))
        with pytest.raises(QuoteExpired):
            await estimates.valid_quote(db, live.id, car, repair, now=now)
