"""Creating and changing catalog entries. Updates replace every field (the input is the
whole entry, as an edit form sends it); what bookings refer to is deactivated, not deleted."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.catalog import repository
from repairbook.db import flush
from repairbook.errors import InvalidInput, NotFound
from repairbook.models.base import Base
from repairbook.models.catalog import (
    CarModel,
    Consumable,
    Engine,
    LaborRate,
    Oil,
    Receptionist,
    RepairKind,
    RepairType,
    RepairTypePart,
)
from repairbook.validation import clean_text, positive_decimal

E = TypeVar("E", bound=Base)

_DUPLICATES = {
    constraint: functools.partial(InvalidInput, message, field=field)
    for constraint, field, message in (
        ("uq_labor_rates_name", "name", "A labor rate with this name exists"),
        ("uq_oils_brand_viscosity", "viscosity", "This oil is already in the catalog"),
        ("uq_engines_code", "code", "An engine with this code exists"),
        ("uq_car_models_name", "name", "A car model with this name exists"),
        ("uq_consumables_name", "name", "A consumable with this name exists"),
        ("uq_repair_types_name_car_model", "name", "This repair type exists for this model"),
    )
}


@dataclass(frozen=True, slots=True)
class PartQuantity:
    consumable_id: int
    quantity: int


async def save_labor_rate(
    db: AsyncSession, rate_id: int | None, *, name: str, price_per_hour: Decimal
) -> LaborRate:
    rate = await _load_or_new(db, LaborRate, rate_id)
    rate.name = clean_text(name, "name", 100)
    rate.price_per_hour = positive_decimal(price_per_hour, "pricePerHour")
    return await _persist(db, rate)


async def save_oil(
    db: AsyncSession, oil_id: int | None, *, brand: str, viscosity: str, price_per_litre: Decimal
) -> Oil:
    oil = await _load_or_new(db, Oil, oil_id)
    oil.brand = clean_text(brand, "brand", 100)
    oil.viscosity = clean_text(viscosity, "viscosity", 20).upper()
    oil.price_per_litre = positive_decimal(price_per_litre, "pricePerLitre")
    return await _persist(db, oil)


async def save_engine(
    db: AsyncSession,
    engine_id: int | None,
    *,
    code: str,
    displacement_l: Decimal,
    oil_id: int,
    oil_volume_l: Decimal,
) -> Engine:
    engine = await _load_or_new(db, Engine, engine_id)
    engine.code = clean_text(code, "code", 40).upper()
    engine.displacement_l = positive_decimal(displacement_l, "displacementL", limit=100)
    engine.oil = await _reference(db, Oil, oil_id, "oilId")
    engine.oil_volume_l = positive_decimal(oil_volume_l, "oilVolumeL", limit=1000)
    return await _persist(db, engine)


async def save_car_model(
    db: AsyncSession,
    model_id: int | None,
    *,
    name: str,
    image_url: str,
    price_coefficient: Decimal,
    engine_id: int,
    active: bool = True,
) -> CarModel:
    model = await _load_or_new(db, CarModel, model_id)
    model.name = clean_text(name, "name", 100)
    model.image_url = _image_url(image_url)
    model.price_coefficient = positive_decimal(
        price_coefficient, "priceCoefficient", places=3, limit=100
    )
    model.engine = await _reference(db, Engine, engine_id, "engineId")
    model.active = active
    await _persist(db, model)
    return await _reload(db, CarModel, model.id, repository.MODEL_WITH_ENGINE)


async def save_consumable(
    db: AsyncSession,
    consumable_id: int | None,
    *,
    name: str,
    price: Decimal,
    car_model_ids: Sequence[int],
    active: bool = True,
) -> Consumable:
    consumable = await _load_or_new(
        db, Consumable, consumable_id, repository.CONSUMABLE_WITH_MODELS
    )
    consumable.name = clean_text(name, "name", 200)
    consumable.price = positive_decimal(price, "price")
    models = await repository.car_models_by_id(db, car_model_ids)
    if missing := set(car_model_ids) - models.keys():
        raise InvalidInput(f"No car model with id {min(missing)}", field="carModelIds")
    consumable.car_models = [models[i] for i in dict.fromkeys(car_model_ids)]
    consumable.active = active
    await _persist(db, consumable)
    return await _reload(db, Consumable, consumable.id, repository.CONSUMABLE_WITH_MODELS)


async def save_repair_type(
    db: AsyncSession,
    repair_type_id: int | None,
    *,
    name: str,
    kind: RepairKind,
    labor_hours: Decimal,
    labor_rate_id: int,
    includes_oil_change: bool,
    car_model_id: int | None,
    parts: Sequence[PartQuantity],
    active: bool = True,
) -> RepairType:
    repair = await _load_or_new(db, RepairType, repair_type_id, *repository.REPAIR_TYPE_FULL)
    if repair_type_id is None:
        repair.parts = []
    repair.name = clean_text(name, "name", 100)
    repair.kind = kind
    repair.labor_hours = positive_decimal(labor_hours, "laborHours", limit=1000)
    repair.labor_rate = await _reference(db, LaborRate, labor_rate_id, "laborRateId")
    repair.includes_oil_change = includes_oil_change
    repair.car_model = (
        None if car_model_id is None else await _reference(db, CarModel, car_model_id, "carModelId")
    )
    await _set_parts(db, repair, parts)
    repair.active = active
    await _persist(db, repair)
    return await _reload(db, RepairType, repair.id, *repository.REPAIR_TYPE_FULL)


async def save_receptionist(
    db: AsyncSession,
    receptionist_id: int | None,
    *,
    last_name: str,
    first_name: str,
    patronymic: str | None = None,
    active: bool = True,
) -> Receptionist:
    person = await _load_or_new(db, Receptionist, receptionist_id)
    person.last_name = clean_text(last_name, "lastName", 64)
    person.first_name = clean_text(first_name, "firstName", 64)
    person.patronymic = (
        clean_text(patronymic, "patronymic", 64) if patronymic and patronymic.strip() else None
    )
    person.active = active
    return await _persist(db, person)


async def set_closed_day(db: AsyncSession, day: date, *, closed: bool, note: str | None) -> None:
    if closed:
        await repository.close_day(
            db, day, clean_text(note, "note", 200) if note and note.strip() else None
        )
    else:
        await repository.open_day(db, day)


async def _set_parts(db: AsyncSession, repair: RepairType, parts: Sequence[PartQuantity]) -> None:
    """Change the parts list in place: a part removed and added back in one flush would
    collide on its primary key."""
    ids = [part.consumable_id for part in parts]
    if len(set(ids)) != len(ids):
        raise InvalidInput("Each consumable may be listed once", field="parts")
    found = await repository.consumables_by_id(db, ids)
    current = {part.consumable_id: part for part in repair.parts}
    wanted = []
    for part in parts:
        if part.consumable_id not in found:
            raise InvalidInput(f"No consumable with id {part.consumable_id}", field="parts")
        if not 0 < part.quantity <= 1000:
            raise InvalidInput("Quantity must be 1 to 1000", field="parts")
        row = current.get(part.consumable_id) or RepairTypePart(
            consumable=found[part.consumable_id]
        )
        row.quantity = part.quantity
        wanted.append(row)
    repair.parts = wanted


def _image_url(value: str) -> str:
    url = clean_text(value, "imageUrl", 500)
    if not url.startswith(("/", "https://", "http://")):
        raise InvalidInput("An absolute http(s) URL or a path on this server", field="imageUrl")
    return url


async def _load_or_new(
    db: AsyncSession, entity: type[E], entity_id: int | None, *options: object
) -> E:
    if entity_id is None:
        return entity()
    found = await repository.get(db, entity, entity_id, *options)
    if found is None:
        raise NotFound(f"No such {entity.__name__}", field="id")
    return found


async def _reload(db: AsyncSession, entity: type[E], entity_id: int, *options: object) -> E:
    db.expunge_all()
    return await _load_or_new(db, entity, entity_id, *options)


async def _reference(db: AsyncSession, entity: type[E], entity_id: int, field: str) -> E:
    found = await repository.get(db, entity, entity_id)
    if found is None:
        raise InvalidInput(f"No {entity.__name__} with id {entity_id}", field=field)
    return found


async def _persist(db: AsyncSession, entity: E) -> E:
    db.add(entity)
    await flush(db, _DUPLICATES)
    return entity
