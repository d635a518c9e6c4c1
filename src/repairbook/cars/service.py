"""A client's cars: add, change, retire. Only the owner changes a car; staff read any.

Whether an upcoming booking still holds a car is a question about bookings, so removing
a car is `booking.service.remove_car`, which asks it and then calls `retire` here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.cars import repository
from repairbook.cars import validation as v
from repairbook.db import flush
from repairbook.errors import InvalidInput, NotFound
from repairbook.models.accounts import User
from repairbook.models.cars import Car

Lock = repository.Lock
_VIN_TAKEN = {
    "uq_cars_vin_present": lambda: InvalidInput(
        "A car with this VIN is already registered", field="vin"
    )
}


@dataclass(frozen=True, slots=True)
class CarData:
    vin: str
    plate: str
    sts_number: str
    sold_on: date
    mileage_km: int
    car_model_id: int


async def add(db: AsyncSession, owner: User, data: CarData, *, today: date) -> Car:
    car = Car(owner_id=owner.id)
    await _fill(db, car, data, today)
    return car


async def update(db: AsyncSession, viewer: User, car_id: int, data: CarData, *, today: date) -> Car:
    car = await owned(db, viewer, car_id, lock="update")
    await _fill(db, car, data, today)
    return car


async def retire(db: AsyncSession, car: Car, *, now: datetime) -> Car:
    """Hide the car from its owner's list; bookings keep pointing at it."""
    car.removed_at = now
    await db.flush()
    return car


async def visible(db: AsyncSession, viewer: User, car_id: int, *, lock: Lock = None) -> Car:
    """The car if the viewer may see it: its owner or staff. Others are told it is not there."""
    car = await repository.get(db, car_id, lock=lock)
    if car is None or not viewer.may_see(car.owner_id):
        raise NotFound("No such car", field="carId")
    return car


async def owned(db: AsyncSession, viewer: User, car_id: int, *, lock: Lock = None) -> Car:
    car = await repository.get(db, car_id, lock=lock)
    if car is None or car.owner_id != viewer.id:
        raise NotFound("No such car", field="id")
    return car


async def has_any(db: AsyncSession, owner_id: int) -> bool:
    return await repository.has_any(db, owner_id)


async def cars_by_id(db: AsyncSession, car_ids: Sequence[int]) -> Sequence[Car]:
    """For rows already shown to their reader (a booking's car): removed ones included."""
    return await repository.get_many(db, car_ids)


async def cars_of_owners(db: AsyncSession, owner_ids: Sequence[int]) -> Sequence[Car]:
    return await repository.of_owners(db, owner_ids)


async def _fill(db: AsyncSession, car: Car, data: CarData, today: date) -> None:
    car.vin = v.clean_vin(data.vin)
    car.plate = v.clean_plate(data.plate)
    car.sts_number = v.clean_sts(data.sts_number)
    car.sold_on = v.check_sold_on(data.sold_on, today)
    car.mileage_km = v.check_mileage(data.mileage_km)
    model = await repository.active_model(db, data.car_model_id)
    if model is None:
        raise InvalidInput("No such car model", field="carModelId")
    car.car_model_id = model.id
    car.model = model
    db.add(car)
    await flush(db, _VIN_TAKEN)


async def all_of_owner(db: AsyncSession, owner_id: int) -> Sequence[Car]:
    return await repository.all_of_owner(db, owner_id)


async def erase_of_owner(db: AsyncSession, owner_id: int, *, now: datetime) -> None:
    await repository.erase_of_owner(db, owner_id, now)
