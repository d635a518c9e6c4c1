"""Catalog: public look-ups, and staff-only lists and edits."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

import strawberry

from repairbook.catalog import repository as catalog
from repairbook.catalog import service
from repairbook.db import read_only, unit_of_work
from repairbook.errors import InvalidInput
from repairbook.schema.catalog import (
    CarModel,
    CarModelInput,
    ClosedDay,
    Consumable,
    ConsumableInput,
    Engine,
    EngineInput,
    LaborRate,
    LaborRateInput,
    Oil,
    OilInput,
    Receptionist,
    ReceptionistInput,
    RepairType,
    RepairTypeInput,
    values,
)
from repairbook.schema.context import Info
from repairbook.schema.ids import parse_id
from repairbook.schema.permissions import STAFF

MAX_CLOSED_DAYS_SPAN = timedelta(days=366)


@strawberry.type
class CatalogQuery:
    @strawberry.field(description="Car models clients can choose from (staff: also inactive).")
    async def car_models(self, info: Info, include_inactive: bool = False) -> list[CarModel]:
        include = include_inactive and info.context.is_staff
        async with read_only(info.context.sessions) as db:
            rows = await catalog.car_models(db, include_inactive=include)
        return [CarModel.from_model(row, info.context.settings.public_url) for row in rows]

    @strawberry.field(description="Service advisors (staff: also inactive).")
    async def receptionists(self, info: Info, include_inactive: bool = False) -> list[Receptionist]:
        include = include_inactive and info.context.is_staff
        async with read_only(info.context.sessions) as db:
            rows = await catalog.receptionists(db, include_inactive=include)
        return [Receptionist.from_model(row) for row in rows]

    @strawberry.field(description="Days the shop is closed, between two dates (at most a year).")
    async def closed_days(
        self, info: Info, from_: Annotated[date, strawberry.argument(name="from")], to: date
    ) -> list[ClosedDay]:
        if not timedelta(0) <= to - from_ <= MAX_CLOSED_DAYS_SPAN:
            raise InvalidInput("`to` must be on or after `from`, at most a year later", field="to")
        async with read_only(info.context.sessions) as db:
            rows = await catalog.closed_days(db, from_, to)
        return [ClosedDay(date=row.day, closed=True, note=row.note) for row in rows]

    @strawberry.field(permission_classes=STAFF)
    async def labor_rates(self, info: Info) -> list[LaborRate]:
        async with read_only(info.context.sessions) as db:
            return [LaborRate.from_model(row) for row in await catalog.labor_rates(db)]

    @strawberry.field(permission_classes=STAFF)
    async def oils(self, info: Info) -> list[Oil]:
        async with read_only(info.context.sessions) as db:
            return [Oil.from_model(row) for row in await catalog.oils(db)]

    @strawberry.field(permission_classes=STAFF)
    async def engines(self, info: Info) -> list[Engine]:
        async with read_only(info.context.sessions) as db:
            return [Engine.from_model(row) for row in await catalog.engines(db)]

    @strawberry.field(permission_classes=STAFF)
    async def consumables(self, info: Info) -> list[Consumable]:
        url = info.context.settings.public_url
        async with read_only(info.context.sessions) as db:
            return [Consumable.from_model(row, url) for row in await catalog.consumables(db)]

    @strawberry.field(permission_classes=STAFF, description="All, or those for one model.")
    async def repair_types(
        self, info: Info, car_model_id: strawberry.ID | None = None
    ) -> list[RepairType]:
        model_id = parse_id(car_model_id, "carModelId") if car_model_id is not None else None
        async with read_only(info.context.sessions) as db:
            rows = await catalog.repair_types(db, car_model_id=model_id)
        return [RepairType.from_model(row) for row in rows]


def _id(value: strawberry.ID) -> int:
    return parse_id(value, "id")


@strawberry.type
class CatalogMutation:
    @strawberry.mutation(permission_classes=STAFF)
    async def create_labor_rate(self, info: Info, input: LaborRateInput) -> LaborRate:
        async with unit_of_work(info.context.sessions) as db:
            return LaborRate.from_model(await service.save_labor_rate(db, None, **values(input)))

    @strawberry.mutation(permission_classes=STAFF)
    async def update_labor_rate(
        self, info: Info, id: strawberry.ID, input: LaborRateInput
    ) -> LaborRate:
        async with unit_of_work(info.context.sessions) as db:
            return LaborRate.from_model(await service.save_labor_rate(db, _id(id), **values(input)))

    @strawberry.mutation(permission_classes=STAFF)
    async def create_oil(self, info: Info, input: OilInput) -> Oil:
        async with unit_of_work(info.context.sessions) as db:
            return Oil.from_model(await service.save_oil(db, None, **values(input)))

    @strawberry.mutation(permission_classes=STAFF)
    async def update_oil(self, info: Info, id: strawberry.ID, input: OilInput) -> Oil:
        async with unit_of_work(info.context.sessions) as db:
            return Oil.from_model(await service.save_oil(db, _id(id), **values(input)))

    @strawberry.mutation(permission_classes=STAFF)
    async def create_engine(self, info: Info, input: EngineInput) -> Engine:
        async with unit_of_work(info.context.sessions) as db:
            return Engine.from_model(await service.save_engine(db, None, **values(input)))

    @strawberry.mutation(permission_classes=STAFF)
    async def update_engine(self, info: Info, id: strawberry.ID, input: EngineInput) -> Engine:
        async with unit_of_work(info.context.sessions) as db:
            return Engine.from_model(await service.save_engine(db, _id(id), **values(input)))

    @strawberry.mutation(permission_classes=STAFF)
    async def create_car_model(self, info: Info, input: CarModelInput) -> CarModel:
        async with unit_of_work(info.context.sessions) as db:
            row = await service.save_car_model(db, None, **values(input))
        return CarModel.from_model(row, info.context.settings.public_url)

    @strawberry.mutation(permission_classes=STAFF)
    async def update_car_model(
        self, info: Info, id: strawberry.ID, input: CarModelInput
    ) -> CarModel:
        async with unit_of_work(info.context.sessions) as db:
            row = await service.save_car_model(db, _id(id), **values(input))
        return CarModel.from_model(row, info.context.settings.public_url)

    @strawberry.mutation(permission_classes=STAFF)
    async def create_consumable(self, info: Info, input: ConsumableInput) -> Consumable:
        async with unit_of_work(info.context.sessions) as db:
            row = await service.save_consumable(db, None, **values(input))
        return Consumable.from_model(row, info.context.settings.public_url)

    @strawberry.mutation(permission_classes=STAFF)
    async def update_consumable(
        self, info: Info, id: strawberry.ID, input: ConsumableInput
    ) -> Consumable:
        async with unit_of_work(info.context.sessions) as db:
            row = await service.save_consumable(db, _id(id), **values(input))
        return Consumable.from_model(row, info.context.settings.public_url)

    @strawberry.mutation(permission_classes=STAFF)
    async def create_repair_type(self, info: Info, input: RepairTypeInput) -> RepairType:
        async with unit_of_work(info.context.sessions) as db:
            return RepairType.from_model(await service.save_repair_type(db, None, **values(input)))

    @strawberry.mutation(permission_classes=STAFF)
    async def update_repair_type(
        self, info: Info, id: strawberry.ID, input: RepairTypeInput
    ) -> RepairType:
        async with unit_of_work(info.context.sessions) as db:
            row = await service.save_repair_type(db, _id(id), **values(input))
        return RepairType.from_model(row)

    @strawberry.mutation(permission_classes=STAFF)
    async def create_receptionist(self, info: Info, input: ReceptionistInput) -> Receptionist:
        async with unit_of_work(info.context.sessions) as db:
            row = await service.save_receptionist(db, None, **values(input))
        return Receptionist.from_model(row)

    @strawberry.mutation(permission_classes=STAFF)
    async def update_receptionist(
        self, info: Info, id: strawberry.ID, input: ReceptionistInput
    ) -> Receptionist:
        async with unit_of_work(info.context.sessions) as db:
            row = await service.save_receptionist(db, _id(id), **values(input))
        return Receptionist.from_model(row)

    @strawberry.mutation(
        permission_classes=STAFF, description="Close the shop on a date, or open it again."
    )
    async def set_closed_day(
        self, info: Info, date: date, closed: bool, note: str | None = None
    ) -> ClosedDay:
        async with unit_of_work(info.context.sessions) as db:
            await service.set_closed_day(db, date, closed=closed, note=note)
        return ClosedDay(date=date, closed=closed, note=note if closed else None)
