"""SQL for the catalog."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from repairbook.db import any_of
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

T = TypeVar("T")

MODEL_WITH_ENGINE = joinedload(CarModel.engine).joinedload(Engine.oil)
CONSUMABLE_WITH_MODELS = selectinload(Consumable.car_models).options(MODEL_WITH_ENGINE)
REPAIR_TYPE_FULL = (
    joinedload(RepairType.labor_rate),
    joinedload(RepairType.car_model).options(MODEL_WITH_ENGINE),
    selectinload(RepairType.parts).joinedload(RepairTypePart.consumable),
)


async def get(db: AsyncSession, entity: type[T], entity_id: int, *options: Any) -> T | None:
    return await db.get(entity, entity_id, options=options)


async def labor_rates(db: AsyncSession) -> Sequence[LaborRate]:
    return (await db.scalars(select(LaborRate).order_by(LaborRate.name))).all()


async def oils(db: AsyncSession) -> Sequence[Oil]:
    return (await db.scalars(select(Oil).order_by(Oil.brand, Oil.viscosity))).all()


async def engines(db: AsyncSession) -> Sequence[Engine]:
    query = select(Engine).options(joinedload(Engine.oil)).order_by(Engine.code)
    return (await db.scalars(query)).all()


async def car_models(db: AsyncSession, *, include_inactive: bool = False) -> Sequence[CarModel]:
    query = select(CarModel).options(MODEL_WITH_ENGINE).order_by(CarModel.name)
    if not include_inactive:
        query = query.where(CarModel.active)
    return (await db.scalars(query)).all()


async def consumables(db: AsyncSession) -> Sequence[Consumable]:
    query = select(Consumable).options(CONSUMABLE_WITH_MODELS).order_by(Consumable.name)
    return (await db.scalars(query)).all()


async def repair_types(
    db: AsyncSession, *, car_model_id: int | None = None, include_inactive: bool = True
) -> Sequence[RepairType]:
    """Every repair type, or those that apply to one model (its own and the universal ones)."""
    query = select(RepairType).options(*REPAIR_TYPE_FULL).order_by(RepairType.name, RepairType.id)
    if car_model_id is not None:
        query = query.where(
            (RepairType.car_model_id == car_model_id) | RepairType.car_model_id.is_(None)
        )
    if not include_inactive:
        query = query.where(RepairType.active)
    return (await db.scalars(query)).unique().all()


async def receptionists(
    db: AsyncSession, *, include_inactive: bool = False
) -> Sequence[Receptionist]:
    query = select(Receptionist).order_by(Receptionist.last_name, Receptionist.first_name)
    if not include_inactive:
        query = query.where(Receptionist.active)
    return (await db.scalars(query)).all()


async def closed_days(db: AsyncSession, start: date, end: date) -> Sequence[ClosedDay]:
    query = select(ClosedDay).where(ClosedDay.day.between(start, end)).order_by(ClosedDay.day)
    return (await db.scalars(query)).all()


async def is_closed(db: AsyncSession, day: date) -> bool:
    return (await db.scalar(select(ClosedDay.day).where(ClosedDay.day == day))) is not None


async def close_day(db: AsyncSession, day: date, note: str | None) -> None:
    statement = insert(ClosedDay).values(day=day, note=note)
    await db.execute(
        statement.on_conflict_do_update(index_elements=[ClosedDay.day], set_={"note": note})
    )


async def open_day(db: AsyncSession, day: date) -> None:
    await db.execute(delete(ClosedDay).where(ClosedDay.day == day))


async def consumables_by_id(db: AsyncSession, ids: Sequence[int]) -> dict[int, Consumable]:
    rows = await db.scalars(select(Consumable).where(any_of(Consumable.id, ids)))
    return {row.id: row for row in rows}


async def car_models_by_id(db: AsyncSession, ids: Sequence[int]) -> dict[int, CarModel]:
    rows = await db.scalars(select(CarModel).where(any_of(CarModel.id, ids)))
    return {row.id: row for row in rows}


async def repair_types_by_id(db: AsyncSession, ids: Sequence[int]) -> Sequence[RepairType]:
    query = select(RepairType).options(*REPAIR_TYPE_FULL).where(any_of(RepairType.id, ids))
    return (await db.scalars(query)).unique().all()


async def receptionists_by_id(db: AsyncSession, ids: Sequence[int]) -> Sequence[Receptionist]:
    return (await db.scalars(select(Receptionist).where(any_of(Receptionist.id, ids)))).all()
