"""A client's cars: add, change, remove. Only the owner changes a car; staff read any."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.booking import repository as bookings
from repairbook.cars import repository
from repairbook.cars import validation as v
from repairbook.clock import utcnow
from repairbook.db import flush
from repairbook.errors import InvalidInput, NotFound
from repairbook.models.accounts import STAFF_ROLES, User
from repairbook.models.cars import Car

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


async def remove(db: AsyncSession, viewer: User, car_id: int) -> Car:
    car = await owned(db, viewer, car_id, lock="update")
    now = utcnow()
    # The car row is locked for update and booking takes it for share (booking.service),
    # so no booking can slip in between this check and the removal.
    if await bookings.car_has_future_booking(db, car.id, now):
        raise InvalidInput("Cancel this car's upcoming booking before removing it", field="id")
    car.removed_at = now
    await db.flush()
    return car


async def visible(
    db: AsyncSession, viewer: User, car_id: int, *, lock: repository.Lock = None
) -> Car:
    """The car if the viewer may see it: its owner or staff. Others are told it is not there."""
    car = await repository.get(db, car_id, lock=lock)
    if car is None or (car.owner_id != viewer.id and viewer.role not in STAFF_ROLES):
        raise NotFound("No such car", field="carId")
    return car


async def owned(
    db: AsyncSession, viewer: User, car_id: int, *, lock: repository.Lock = None
) -> Car:
    car = await repository.get(db, car_id, lock=lock)
    if car is None or car.owner_id != viewer.id:
        raise NotFound("No such car", field="id")
    return car


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
