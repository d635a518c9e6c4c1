"""Small builders for catalog rows, made through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal as D

from repairbook.catalog import service as catalog
from repairbook.catalog.entries import (
    CarModelEntry,
    ConsumableEntry,
    EngineEntry,
    LaborRateEntry,
    OilEntry,
    PartQuantity,
    ReceptionistEntry,
    RepairTypeEntry,
)
from repairbook.models.catalog import RepairKind
from repairbook.resources import Resources

CAR = {
    "vin": "XW8ZZZ61ZJG012345",
    "plate": "А123ВС77",
    "stsNumber": "99 АА 123456",
    "soldOn": "2021-05-14",
    "mileageKm": 42000,
}


@dataclass
class Catalog:
    oil_id: int
    engine_id: int
    model_id: int
    other_model_id: int
    rate_id: int
    filter_id: int
    to1_id: int
    other_model_to1_id: int
    universal_id: int
    receptionist_ids: list[int]


async def make_catalog(resources: Resources) -> Catalog:
    """Two models on one engine; TO-1 for each; one repair type for every model."""
    async with resources.sessions() as db, db.begin():
        oil = await catalog.save_oil(db, None, OilEntry("Shell", "5w-30", D("950.00")))
        engine = await catalog.save_engine(
            db, None, EngineEntry("g4fg", D("1.6"), oil.id, D("3.3"))
        )
        model = await catalog.save_car_model(
            db,
            None,
            CarModelEntry("Kia Rio (IV)", "/static/cars/kia-rio-4.svg", D("1.1"), engine.id),
        )
        other = await catalog.save_car_model(
            db,
            None,
            CarModelEntry("Lada Vesta (I)", "https://example.com/vesta.png", D("0.9"), engine.id),
        )
        rate = await catalog.save_labor_rate(db, None, LaborRateEntry("ТО", D("2500")))
        part = await catalog.save_consumable(
            db, None, ConsumableEntry("Фильтр масляный", D("520.00"), [model.id])
        )
        to1 = await catalog.save_repair_type(
            db,
            None,
            RepairTypeEntry(
                name="ТО-1",
                kind=RepairKind.MAINTENANCE,
                labor_hours=D("1.5"),
                labor_rate_id=rate.id,
                includes_oil_change=True,
                car_model_id=model.id,
                parts=[PartQuantity(part.id, 1)],
            ),
        )
        other_to1 = await catalog.save_repair_type(
            db,
            None,
            RepairTypeEntry(
                name="ТО-1",
                kind=RepairKind.MAINTENANCE,
                labor_hours=D("1.0"),
                labor_rate_id=rate.id,
                includes_oil_change=True,
                car_model_id=other.id,
            ),
        )
        universal = await catalog.save_repair_type(
            db,
            None,
            RepairTypeEntry("Установка сигнализации", RepairKind.OTHER, D("3"), rate.id),
        )
        receptionists = [
            await catalog.save_receptionist(db, None, ReceptionistEntry(last, "Иван"))
            for last in ("Смирнов", "Кузнецов")
        ]
    return Catalog(
        oil.id,
        engine.id,
        model.id,
        other.id,
        rate.id,
        part.id,
        to1.id,
        other_to1.id,
        universal.id,
        [r.id for r in receptionists],
    )


def vin(n: int) -> str:
    return f"XW8ZZZ61ZJG{n:06d}"
