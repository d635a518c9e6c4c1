"""Small builders for catalog rows, made through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

from repairbook.catalog import service as catalog
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
        oil = await catalog.save_oil(
            db, None, brand="Shell", viscosity="5w-30", price_per_litre=D("950.00")
        )
        engine = await catalog.save_engine(
            db, None, code="g4fg", displacement_l=D("1.6"), oil_id=oil.id, oil_volume_l=D("3.3")
        )
        model = await catalog.save_car_model(
            db,
            None,
            name="Kia Rio (IV)",
            image_url="/static/cars/kia-rio-4.svg",
            price_coefficient=D("1.1"),
            engine_id=engine.id,
        )
        other = await catalog.save_car_model(
            db,
            None,
            name="Lada Vesta (I)",
            image_url="https://example.com/vesta.png",
            price_coefficient=D("0.9"),
            engine_id=engine.id,
        )
        rate = await catalog.save_labor_rate(db, None, name="ТО", price_per_hour=D("2500"))
        part = await catalog.save_consumable(
            db, None, name="Фильтр масляный", price=D("520.00"), car_model_ids=[model.id]
        )
        to1 = await catalog.save_repair_type(
            db,
            None,
            name="ТО-1",
            kind=RepairKind.MAINTENANCE,
            labor_hours=D("1.5"),
            labor_rate_id=rate.id,
            includes_oil_change=True,
            car_model_id=model.id,
            parts=[catalog.PartQuantity(part.id, 1)],
        )
        other_to1 = await catalog.save_repair_type(
            db,
            None,
            name="ТО-1",
            kind=RepairKind.MAINTENANCE,
            labor_hours=D("1.0"),
            labor_rate_id=rate.id,
            includes_oil_change=True,
            car_model_id=other.id,
            parts=[],
        )
        universal = await catalog.save_repair_type(
            db,
            None,
            name="Установка сигнализации",
            kind=RepairKind.OTHER,
            labor_hours=D("3"),
            labor_rate_id=rate.id,
            includes_oil_change=False,
            car_model_id=None,
            parts=[],
        )
        receptionists = [
            await catalog.save_receptionist(db, None, last_name=last, first_name="Иван")
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


def at(days: int, hhmm: str, zone: str = "Europe/Moscow") -> str:
    """A shop-local time `days` from today, as an ISO string with offset."""
    tz = ZoneInfo(zone)
    day = datetime.now(tz).date() + timedelta(days=days)
    hour, minute = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=tz).isoformat()
