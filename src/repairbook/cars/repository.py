"""SQL for cars and quotes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from repairbook.catalog.repository import MODEL_WITH_ENGINE
from repairbook.db import any_of
from repairbook.models.cars import Car
from repairbook.models.catalog import CarModel

Lock = Literal["share", "update"] | None
CAR_WITH_MODEL = joinedload(Car.model).options(MODEL_WITH_ENGINE)
ERASED_VIN = "0" * 17  # fits the VIN check; erased cars are removed, so never unique-checked


async def get(db: AsyncSession, car_id: int, *, lock: Lock = None) -> Car | None:
    """A car that has not been removed, with its model, engine and oil.

    `lock="share"` lets bookings of one car proceed together while keeping out a removal,
    which takes `lock="update"`.
    """
    query = select(Car).options(CAR_WITH_MODEL).where(Car.id == car_id, Car.removed_at.is_(None))
    if lock is not None:
        query = query.with_for_update(of=Car, read=lock == "share")
    return (await db.scalars(query)).first()


async def of_owners(db: AsyncSession, owner_ids: Sequence[int]) -> Sequence[Car]:
    query = (
        select(Car)
        .options(CAR_WITH_MODEL)
        .where(any_of(Car.owner_id, owner_ids), Car.removed_at.is_(None))
        .order_by(Car.id)
    )
    return (await db.scalars(query)).all()


async def has_any(db: AsyncSession, owner_id: int) -> bool:
    query = select(Car.id).where(Car.owner_id == owner_id, Car.removed_at.is_(None)).limit(1)
    return (await db.scalar(query)) is not None


async def get_many(db: AsyncSession, ids: Sequence[int]) -> Sequence[Car]:
    """Cars by id, removed ones included: bookings keep pointing at them."""
    return (await db.scalars(select(Car).options(CAR_WITH_MODEL).where(any_of(Car.id, ids)))).all()


async def active_model(db: AsyncSession, model_id: int) -> CarModel | None:
    query = (
        select(CarModel).options(MODEL_WITH_ENGINE).where(CarModel.id == model_id, CarModel.active)
    )
    return (await db.scalars(query)).first()


async def all_of_owner(db: AsyncSession, owner_id: int) -> Sequence[Car]:
    """Every car the owner has had, removed ones included (what a person may ask to see)."""
    query = select(Car).options(CAR_WITH_MODEL).where(Car.owner_id == owner_id)
    return (await db.scalars(query.order_by(Car.id))).all()


async def erase_of_owner(db: AsyncSession, owner_id: int, now: datetime) -> None:
    """Remove the owner's cars and erase what identifies them (VIN, plate, СТС); model,
    sale date and mileage stay for the shop's statistics."""
    await db.execute(
        update(Car)
        .where(Car.owner_id == owner_id)
        .values(
            vin=ERASED_VIN,
            plate="",
            sts_number="",
            removed_at=func.coalesce(Car.removed_at, now),
        )
        .execution_options(synchronize_session=False)
    )
