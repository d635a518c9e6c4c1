"""The shop's catalog: what clients and staff read, and how staff change it.

Saves take an entry (`catalog.entries`) and replace every field of the row; what bookings
refer to is deactivated, never deleted.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.catalog import repository
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
from repairbook.catalog.events import DayClosed, ReceptionistActivity
from repairbook.db import flush, record
from repairbook.errors import InvalidInput, NotFound
from repairbook.models.base import Base
from repairbook.models.catalog import (
    CarModel,
    ClosedDay,
    Consumable,
    Engine,
    LaborRate,
    Oil,
    Receptionist,
    RepairType,
    RepairTypePart,
)
from repairbook.validation import clean_text, optional_text, positive_decimal

E = TypeVar("E", bound=Base)
MAX_CLOSED_DAYS_SPAN = timedelta(days=366)

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

# Reads. Inactive entries are for staff: the caller says whether it is staff.

labor_rates = repository.labor_rates
oils = repository.oils
engines = repository.engines
consumables = repository.consumables
repair_types_by_id = repository.repair_types_by_id
receptionists_by_id = repository.receptionists_by_id


async def car_models(db: AsyncSession, *, include_inactive: bool) -> Sequence[CarModel]:
    return await repository.car_models(db, include_inactive=include_inactive)


async def receptionists(db: AsyncSession, *, include_inactive: bool) -> Sequence[Receptionist]:
    return await repository.receptionists(db, include_inactive=include_inactive)


async def repair_types(db: AsyncSession, *, car_model_id: int | None) -> Sequence[RepairType]:
    return await repository.repair_types(db, car_model_id=car_model_id)


async def repair_type(db: AsyncSession, repair_type_id: int) -> RepairType | None:
    """With its labor rate, model and parts: everything a price needs."""
    return await repository.get(db, RepairType, repair_type_id, *repository.REPAIR_TYPE_FULL)


async def active_repair_types_for(db: AsyncSession, car_model_id: int) -> Sequence[RepairType]:
    """What can be done on a model: its own repair types and those for every model."""
    return await repository.repair_types(db, car_model_id=car_model_id, include_inactive=False)


async def receptionist(db: AsyncSession, receptionist_id: int) -> Receptionist | None:
    return await repository.get(db, Receptionist, receptionist_id)


async def is_closed(db: AsyncSession, day: date) -> bool:
    return await repository.is_closed(db, day)


async def closed_days(db: AsyncSession, start: date, end: date) -> Sequence[ClosedDay]:
    if not timedelta(0) <= end - start <= MAX_CLOSED_DAYS_SPAN:
        raise InvalidInput("`to` must be on or after `from`, at most a year later", field="to")
    return await repository.closed_days(db, start, end)


# Edits: `entry_id` None creates the entry.


async def save_labor_rate(
    db: AsyncSession, rate_id: int | None, entry: LaborRateEntry
) -> LaborRate:
    rate = await _load_or_new(db, LaborRate, rate_id)
    rate.name = clean_text(entry.name, "name", 100)
    rate.price_per_hour = positive_decimal(entry.price_per_hour, "pricePerHour")
    return await _persist(db, rate)


async def save_oil(db: AsyncSession, oil_id: int | None, entry: OilEntry) -> Oil:
    oil = await _load_or_new(db, Oil, oil_id)
    oil.brand = clean_text(entry.brand, "brand", 100)
    oil.viscosity = clean_text(entry.viscosity, "viscosity", 20).upper()
    oil.price_per_litre = positive_decimal(entry.price_per_litre, "pricePerLitre")
    return await _persist(db, oil)


async def save_engine(db: AsyncSession, engine_id: int | None, entry: EngineEntry) -> Engine:
    engine = await _load_or_new(db, Engine, engine_id)
    engine.code = clean_text(entry.code, "code", 40).upper()
    engine.displacement_l = positive_decimal(entry.displacement_l, "displacementL", limit=100)
    engine.oil = await _reference(db, Oil, entry.oil_id, "oilId")
    engine.oil_volume_l = positive_decimal(entry.oil_volume_l, "oilVolumeL", limit=1000)
    return await _persist(db, engine)


async def save_car_model(db: AsyncSession, model_id: int | None, entry: CarModelEntry) -> CarModel:
    model = await _load_or_new(db, CarModel, model_id)
    model.name = clean_text(entry.name, "name", 100)
    model.image_url = _image_url(entry.image_url)
    model.price_coefficient = positive_decimal(
        entry.price_coefficient, "priceCoefficient", places=3, limit=100
    )
    model.engine = await _reference(db, Engine, entry.engine_id, "engineId")
    model.active = entry.active
    await _persist(db, model)
    return await _reload(db, CarModel, model.id, repository.MODEL_WITH_ENGINE)


async def save_consumable(
    db: AsyncSession, consumable_id: int | None, entry: ConsumableEntry
) -> Consumable:
    consumable = await _load_or_new(
        db, Consumable, consumable_id, repository.CONSUMABLE_WITH_MODELS
    )
    consumable.name = clean_text(entry.name, "name", 200)
    consumable.price = positive_decimal(entry.price, "price")
    models = await repository.car_models_by_id(db, entry.car_model_ids)
    if missing := set(entry.car_model_ids) - models.keys():
        raise InvalidInput(f"No car model with id {min(missing)}", field="carModelIds")
    consumable.car_models = [models[i] for i in dict.fromkeys(entry.car_model_ids)]
    consumable.active = entry.active
    await _persist(db, consumable)
    return await _reload(db, Consumable, consumable.id, repository.CONSUMABLE_WITH_MODELS)


async def save_repair_type(
    db: AsyncSession, repair_type_id: int | None, entry: RepairTypeEntry
) -> RepairType:
    repair = await _load_or_new(db, RepairType, repair_type_id, *repository.REPAIR_TYPE_FULL)
    if repair_type_id is None:
        repair.parts = []
    repair.name = clean_text(entry.name, "name", 100)
    repair.kind = entry.kind
    repair.labor_hours = positive_decimal(entry.labor_hours, "laborHours", limit=1000)
    repair.labor_rate = await _reference(db, LaborRate, entry.labor_rate_id, "laborRateId")
    repair.includes_oil_change = entry.includes_oil_change
    repair.car_model = (
        None
        if entry.car_model_id is None
        else await _reference(db, CarModel, entry.car_model_id, "carModelId")
    )
    await _set_parts(db, repair, entry.parts)
    repair.active = entry.active
    await _persist(db, repair)
    return await _reload(db, RepairType, repair.id, *repository.REPAIR_TYPE_FULL)


async def save_receptionist(
    db: AsyncSession, receptionist_id: int | None, entry: ReceptionistEntry
) -> Receptionist:
    person = await _load_or_new(db, Receptionist, receptionist_id)
    was_on_the_board = receptionist_id is not None and person.active
    person.last_name = clean_text(entry.last_name, "lastName", 64)
    person.first_name = clean_text(entry.first_name, "firstName", 64)
    person.patronymic = optional_text(entry.patronymic, "patronymic", 64)
    person.active = entry.active
    await _persist(db, person)
    if person.active != was_on_the_board:
        # Inactive receptionists are left off the board: their column comes or goes.
        record(db, ReceptionistActivity(person.id, person.active))
    return person


async def set_closed_day(
    db: AsyncSession, day: date, *, closed: bool, note: str | None
) -> str | None:
    """Close the shop on a day (with a note, returned as saved) or open it again."""
    saved = optional_text(note, "note", 200) if closed else None
    if closed:
        await repository.close_day(db, day, saved)
    else:
        await repository.open_day(db, day)
    record(db, DayClosed(day, closed))
    return saved


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
