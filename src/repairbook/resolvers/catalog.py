"""Catalog: public look-ups, and staff-only lists and edits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any, Protocol, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.catalog import service as catalog
from repairbook.db import read_only, unit_of_work
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
)
from repairbook.schema.context import Info
from repairbook.schema.ids import parse_id
from repairbook.schema.permissions import STAFF

Entry = TypeVar("Entry", covariant=True)
Row = TypeVar("Row")
Out = TypeVar("Out")


class _Input(Protocol[Entry]):
    def to_domain(self) -> Entry: ...


def create_and_update(
    input_type: type[_Input[Entry]],
    output: type[Out],
    convert: Callable[[Row], Out],
    save: Callable[[AsyncSession, int | None, Any], Awaitable[Row]],
) -> tuple[Any, Any]:
    """The staff mutations `createX(input)` and `updateX(id, input)` for one kind of entry:
    the input becomes an entry, the service saves it (None: a new one), the row is shown."""

    async def create(info: Info, input: _Input[Entry]) -> Out:
        async with unit_of_work(info.context.database) as db:
            row = await save(db, None, input.to_domain())
        return convert(row)

    async def update(info: Info, id: strawberry.ID, input: _Input[Entry]) -> Out:
        async with unit_of_work(info.context.database) as db:
            row = await save(db, parse_id(id, "id"), input.to_domain())
        return convert(row)

    # strawberry reads the GraphQL types from the annotations: give it the real ones.
    create.__annotations__ = {"info": Info, "input": input_type, "return": output}
    update.__annotations__ = {**create.__annotations__, "id": strawberry.ID}
    return (
        strawberry.mutation(resolver=create, permission_classes=STAFF),
        strawberry.mutation(resolver=update, permission_classes=STAFF),
    )


@strawberry.type
class CatalogQuery:
    @strawberry.field(description="Car models clients can choose from (staff: also inactive).")
    async def car_models(self, info: Info, include_inactive: bool = False) -> list[CarModel]:
        include = include_inactive and info.context.is_staff
        async with read_only(info.context.database) as db:
            rows = await catalog.car_models(db, include_inactive=include)
        return [CarModel.from_model(row) for row in rows]

    @strawberry.field(description="Service advisors (staff: also inactive).")
    async def receptionists(self, info: Info, include_inactive: bool = False) -> list[Receptionist]:
        include = include_inactive and info.context.is_staff
        async with read_only(info.context.database) as db:
            rows = await catalog.receptionists(db, include_inactive=include)
        return [Receptionist.from_model(row) for row in rows]

    @strawberry.field(description="Days the shop is closed, between two dates (at most a year).")
    async def closed_days(
        self, info: Info, from_: Annotated[date, strawberry.argument(name="from")], to: date
    ) -> list[ClosedDay]:
        async with read_only(info.context.database) as db:
            rows = await catalog.closed_days(db, from_, to)
        return [ClosedDay.of(row.day, True, row.note) for row in rows]

    @strawberry.field(permission_classes=STAFF)
    async def labor_rates(self, info: Info) -> list[LaborRate]:
        async with read_only(info.context.database) as db:
            return [LaborRate.from_model(row) for row in await catalog.labor_rates(db)]

    @strawberry.field(permission_classes=STAFF)
    async def oils(self, info: Info) -> list[Oil]:
        async with read_only(info.context.database) as db:
            return [Oil.from_model(row) for row in await catalog.oils(db)]

    @strawberry.field(permission_classes=STAFF)
    async def engines(self, info: Info) -> list[Engine]:
        async with read_only(info.context.database) as db:
            return [Engine.from_model(row) for row in await catalog.engines(db)]

    @strawberry.field(permission_classes=STAFF)
    async def consumables(self, info: Info) -> list[Consumable]:
        async with read_only(info.context.database) as db:
            return [Consumable.from_model(row) for row in await catalog.consumables(db)]

    @strawberry.field(permission_classes=STAFF, description="All, or those for one model.")
    async def repair_types(
        self, info: Info, car_model_id: strawberry.ID | None = None
    ) -> list[RepairType]:
        model_id = parse_id(car_model_id, "carModelId") if car_model_id is not None else None
        async with read_only(info.context.database) as db:
            rows = await catalog.repair_types(db, car_model_id=model_id)
        return [RepairType.from_model(row) for row in rows]


@strawberry.type
class CatalogMutation:
    create_labor_rate, update_labor_rate = create_and_update(
        LaborRateInput, LaborRate, LaborRate.from_model, catalog.save_labor_rate
    )
    create_oil, update_oil = create_and_update(OilInput, Oil, Oil.from_model, catalog.save_oil)
    create_engine, update_engine = create_and_update(
        EngineInput, Engine, Engine.from_model, catalog.save_engine
    )
    create_car_model, update_car_model = create_and_update(
        CarModelInput, CarModel, CarModel.from_model, catalog.save_car_model
    )
    create_consumable, update_consumable = create_and_update(
        ConsumableInput, Consumable, Consumable.from_model, catalog.save_consumable
    )
    create_repair_type, update_repair_type = create_and_update(
        RepairTypeInput, RepairType, RepairType.from_model, catalog.save_repair_type
    )
    create_receptionist, update_receptionist = create_and_update(
        ReceptionistInput, Receptionist, Receptionist.from_model, catalog.save_receptionist
    )

    @strawberry.mutation(
        permission_classes=STAFF, description="Close the shop on a date, or open it again."
    )
    async def set_closed_day(
        self, info: Info, date: date, closed: bool, note: str | None = None
    ) -> ClosedDay:
        async with unit_of_work(info.context.database) as db:
            saved = await catalog.set_closed_day(db, date, closed=closed, note=note)
        return ClosedDay.of(date, closed, saved)
