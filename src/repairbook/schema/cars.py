"""GraphQL types for clients' cars."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from repairbook.cars.service import CarData
from repairbook.errors import NotFound
from repairbook.models import cars as m
from repairbook.schema.catalog import CarModel, gid
from repairbook.schema.context import Info
from repairbook.schema.ids import parse_id

if TYPE_CHECKING:
    from repairbook.schema.accounts import User


@strawberry.type
class Car:
    id: strawberry.ID
    vin: str
    plate: str = strawberry.field(description="Normalised: upper-case Cyrillic, no spaces.")
    sts_number: str = strawberry.field(description="СТС number, 10 characters.")
    sold_on: date
    mileage_km: int
    model: CarModel
    owner_id: strawberry.Private[int]

    @strawberry.field
    async def owner(
        self, info: Info
    ) -> Annotated[User, strawberry.lazy("repairbook.schema.accounts")]:
        from repairbook.schema.accounts import User

        user = await info.context.loaders.users.load(self.owner_id)
        if user is None:
            raise NotFound("The owner's account no longer exists")
        return User.from_model(user)

    @classmethod
    def from_model(cls, row: m.Car, *, model: CarModel | None = None) -> Car:
        return cls(
            id=gid(row.id),
            vin=row.vin,
            plate=row.plate,
            sts_number=row.sts_number,
            sold_on=row.sold_on,
            mileage_km=row.mileage_km,
            model=model or CarModel.from_model(row.model),
            owner_id=row.owner_id,
        )


@strawberry.input
class CarInput:
    vin: str = strawberry.field(description="17 characters, no I, O or Q.")
    plate: str = strawberry.field(description="Госномер, e.g. А123ВС77 (Latin look-alikes fine).")
    sts_number: str = strawberry.field(description="99 99 999999 or 99 АА 999999.")
    sold_on: date
    mileage_km: int
    car_model_id: strawberry.ID

    def to_domain(self) -> CarData:
        return CarData(
            vin=self.vin,
            plate=self.plate,
            sts_number=self.sts_number,
            sold_on=self.sold_on,
            mileage_km=self.mileage_km,
            car_model_id=parse_id(self.car_model_id, "carModelId"),
        )
