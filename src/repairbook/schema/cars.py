"""GraphQL types for cars, estimates and quotes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from repairbook.booking import pricing
from repairbook.cars.service import CarData
from repairbook.errors import NotFound
from repairbook.models import cars as m
from repairbook.schema.catalog import CarModel, RepairType, gid
from repairbook.schema.context import Info
from repairbook.schema.ids import parse_id

if TYPE_CHECKING:
    from repairbook.schema.accounts import User

PriceLineKind = strawberry.enum(pricing.LineKind, name="PriceLineKind")


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
    def from_model(cls, row: m.Car, public_url: str, *, model: CarModel | None = None) -> Car:
        return cls(
            id=gid(row.id),
            vin=row.vin,
            plate=row.plate,
            sts_number=row.sts_number,
            sold_on=row.sold_on,
            mileage_km=row.mileage_km,
            model=model or CarModel.from_model(row.model, public_url),
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

    def to_data(self) -> CarData:
        return CarData(
            vin=self.vin,
            plate=self.plate,
            sts_number=self.sts_number,
            sold_on=self.sold_on,
            mileage_km=self.mileage_km,
            car_model_id=parse_id(self.car_model_id, "carModelId"),
        )


@strawberry.type
class PriceLine:
    kind: PriceLineKind  # type: ignore[valid-type]
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal

    @classmethod
    def from_line(cls, line: pricing.PriceLine) -> PriceLine:
        return cls(
            kind=line.kind,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.amount,
        )


@strawberry.type(description="A price in RUB, line by line.")
class Estimate:
    lines: list[PriceLine]
    total: Decimal

    @classmethod
    def from_estimate(cls, estimate: pricing.Estimate) -> Estimate:
        return cls(lines=[PriceLine.from_line(x) for x in estimate.lines], total=estimate.total)


@strawberry.type
class RepairOption:
    repair_type: RepairType
    estimate: Estimate


@strawberry.type(description="A price held for a car and a repair type until validUntil.")
class Quote:
    id: strawberry.ID
    car_id: strawberry.ID
    repair_type_id: strawberry.ID
    lines: list[PriceLine]
    total: Decimal
    valid_until: datetime

    @classmethod
    def from_model(cls, row: m.Quote) -> Quote:
        return cls(
            id=strawberry.ID(str(row.id)),
            car_id=gid(row.car_id),
            repair_type_id=gid(row.repair_type_id),
            lines=[PriceLine.from_line(pricing.PriceLine.from_json(x)) for x in row.lines],
            total=row.total,
            valid_until=row.valid_until,
        )
