"""GraphQL types and inputs for the catalog."""

from __future__ import annotations

import datetime as dt
from datetime import date
from decimal import Decimal

import strawberry

from repairbook.catalog import entries
from repairbook.models import catalog as m
from repairbook.schema.context import Info
from repairbook.schema.ids import parse_id

RepairKind = strawberry.enum(m.RepairKind, name="RepairKind")


def gid(value: int) -> strawberry.ID:
    return strawberry.ID(str(value))


@strawberry.type
class LaborRate:
    id: strawberry.ID
    name: str
    price_per_hour: Decimal

    @classmethod
    def from_model(cls, row: m.LaborRate) -> LaborRate:
        return cls(id=gid(row.id), name=row.name, price_per_hour=row.price_per_hour)


@strawberry.type
class Oil:
    id: strawberry.ID
    brand: str
    viscosity: str
    price_per_litre: Decimal

    @classmethod
    def from_model(cls, row: m.Oil) -> Oil:
        return cls(
            id=gid(row.id),
            brand=row.brand,
            viscosity=row.viscosity,
            price_per_litre=row.price_per_litre,
        )


@strawberry.type
class Engine:
    id: strawberry.ID
    code: str = strawberry.field(description="The maker's code, e.g. G4FC.")
    displacement_l: Decimal
    oil_volume_l: Decimal
    oil: Oil

    @classmethod
    def from_model(cls, row: m.Engine) -> Engine:
        return cls(
            id=gid(row.id),
            code=row.code,
            displacement_l=row.displacement_l,
            oil_volume_l=row.oil_volume_l,
            oil=Oil.from_model(row.oil),
        )


def _image_url(root: CarModel, info: Info) -> str:
    # Pictures served by this server are stored as paths; links need its public URL.
    if root.image.startswith("/"):
        return f"{info.context.settings.public_url.rstrip('/')}{root.image}"
    return root.image


@strawberry.type
class CarModel:
    id: strawberry.ID
    name: str = strawberry.field(description="With the generation in brackets: Kia Rio (IV).")
    image_url: str = strawberry.field(resolver=_image_url)
    image: strawberry.Private[str]
    price_coefficient: Decimal
    engine: Engine
    active: bool

    @classmethod
    def from_model(cls, row: m.CarModel) -> CarModel:
        return cls(
            id=gid(row.id),
            name=row.name,
            image=row.image_url,
            price_coefficient=row.price_coefficient,
            engine=Engine.from_model(row.engine),
            active=row.active,
        )


@strawberry.type
class Consumable:
    id: strawberry.ID
    name: str
    price: Decimal
    active: bool
    car_models: list[CarModel] = strawberry.field(description="Models it fits.")

    @classmethod
    def from_model(cls, row: m.Consumable) -> Consumable:
        return cls(
            id=gid(row.id),
            name=row.name,
            price=row.price,
            active=row.active,
            car_models=[CarModel.from_model(model) for model in row.car_models],
        )


@strawberry.type(description="A consumable a repair type uses, and how many.")
class RepairPart:
    id: strawberry.ID = strawberry.field(description="`<repairTypeId>:<consumableId>`.")
    consumable_id: strawberry.ID
    name: str
    price: Decimal
    quantity: int


@strawberry.type
class RepairType:
    id: strawberry.ID
    name: str
    kind: RepairKind  # type: ignore[valid-type]
    labor_hours: Decimal
    labor_rate: LaborRate
    includes_oil_change: bool
    car_model_id: strawberry.ID | None = strawberry.field(
        description="The model it is for; null: every model."
    )
    parts: list[RepairPart]
    active: bool

    @classmethod
    def from_model(cls, row: m.RepairType) -> RepairType:
        return cls(
            id=gid(row.id),
            name=row.name,
            kind=row.kind,
            labor_hours=row.labor_hours,
            labor_rate=LaborRate.from_model(row.labor_rate),
            includes_oil_change=row.includes_oil_change,
            car_model_id=gid(row.car_model_id) if row.car_model_id else None,
            parts=[
                RepairPart(
                    id=strawberry.ID(f"{row.id}:{p.consumable_id}"),
                    consumable_id=gid(p.consumable_id),
                    name=p.consumable.name,
                    price=p.consumable.price,
                    quantity=p.quantity,
                )
                for p in row.parts
            ],
            active=row.active,
        )


@strawberry.type(description="A service advisor (приёмщик).")
class Receptionist:
    id: strawberry.ID
    last_name: str
    first_name: str
    patronymic: str | None
    full_name: str
    active: bool

    @classmethod
    def from_model(cls, row: m.Receptionist) -> Receptionist:
        names = (row.last_name, row.first_name, row.patronymic)
        return cls(
            id=gid(row.id),
            last_name=row.last_name,
            first_name=row.first_name,
            patronymic=row.patronymic,
            full_name=" ".join(name for name in names if name),
            active=row.active,
        )


@strawberry.type
class ClosedDay:
    id: strawberry.ID = strawberry.field(description="The day, `YYYY-MM-DD`.")
    date: date
    closed: bool
    note: str | None

    @classmethod
    def of(cls, day: dt.date, closed: bool, note: str | None) -> ClosedDay:
        return cls(id=strawberry.ID(day.isoformat()), date=day, closed=closed, note=note)


@strawberry.input
class LaborRateInput:
    name: str
    price_per_hour: Decimal

    def to_domain(self) -> entries.LaborRateEntry:
        return entries.LaborRateEntry(self.name, self.price_per_hour)


@strawberry.input
class OilInput:
    brand: str
    viscosity: str = strawberry.field(description="e.g. 5W-30")
    price_per_litre: Decimal

    def to_domain(self) -> entries.OilEntry:
        return entries.OilEntry(self.brand, self.viscosity, self.price_per_litre)


@strawberry.input
class EngineInput:
    code: str
    displacement_l: Decimal
    oil_id: strawberry.ID
    oil_volume_l: Decimal

    def to_domain(self) -> entries.EngineEntry:
        return entries.EngineEntry(
            code=self.code,
            displacement_l=self.displacement_l,
            oil_id=parse_id(self.oil_id, "oilId"),
            oil_volume_l=self.oil_volume_l,
        )


@strawberry.input
class CarModelInput:
    name: str
    image_url: str = strawberry.field(description="https://… or a path on this server.")
    price_coefficient: Decimal
    engine_id: strawberry.ID
    active: bool = True

    def to_domain(self) -> entries.CarModelEntry:
        return entries.CarModelEntry(
            name=self.name,
            image_url=self.image_url,
            price_coefficient=self.price_coefficient,
            engine_id=parse_id(self.engine_id, "engineId"),
            active=self.active,
        )


@strawberry.input
class ConsumableInput:
    name: str
    price: Decimal
    car_model_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    active: bool = True

    def to_domain(self) -> entries.ConsumableEntry:
        return entries.ConsumableEntry(
            name=self.name,
            price=self.price,
            car_model_ids=[parse_id(i, "carModelIds") for i in self.car_model_ids],
            active=self.active,
        )


@strawberry.input
class RepairPartInput:
    consumable_id: strawberry.ID
    quantity: int = 1

    def to_domain(self) -> entries.PartQuantity:
        return entries.PartQuantity(parse_id(self.consumable_id, "parts"), self.quantity)


@strawberry.input
class RepairTypeInput:
    name: str
    kind: RepairKind  # type: ignore[valid-type]
    labor_hours: Decimal
    labor_rate_id: strawberry.ID
    includes_oil_change: bool = False
    car_model_id: strawberry.ID | None = strawberry.field(
        default=None, description="null: the repair applies to every model."
    )
    parts: list[RepairPartInput] = strawberry.field(default_factory=list)
    active: bool = True

    def to_domain(self) -> entries.RepairTypeEntry:
        model = self.car_model_id
        return entries.RepairTypeEntry(
            name=self.name,
            kind=self.kind,
            labor_hours=self.labor_hours,
            labor_rate_id=parse_id(self.labor_rate_id, "laborRateId"),
            includes_oil_change=self.includes_oil_change,
            car_model_id=None if model is None else parse_id(model, "carModelId"),
            parts=[part.to_domain() for part in self.parts],
            active=self.active,
        )


@strawberry.input
class ReceptionistInput:
    last_name: str
    first_name: str
    patronymic: str | None = None
    active: bool = True

    def to_domain(self) -> entries.ReceptionistEntry:
        return entries.ReceptionistEntry(
            self.last_name, self.first_name, self.patronymic, self.active
        )
