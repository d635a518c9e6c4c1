"""Cars, repair options with prices, and quotes."""

from __future__ import annotations

from datetime import timedelta

import strawberry

from repairbook.booking import estimates
from repairbook.cars import service as cars
from repairbook.clock import shop_today
from repairbook.db import read_only, unit_of_work
from repairbook.schema.cars import Car, CarInput, Estimate, Quote, RepairOption
from repairbook.schema.catalog import RepairType
from repairbook.schema.context import Info
from repairbook.schema.ids import parse_id
from repairbook.schema.permissions import SIGNED_IN


@strawberry.type
class CarQuery:
    @strawberry.field(
        permission_classes=SIGNED_IN,
        description="Every repair type that applies to the car's model, priced for this car.",
    )
    async def repair_options(self, info: Info, car_id: strawberry.ID) -> list[RepairOption]:
        viewer = info.context.require_user()
        async with read_only(info.context.sessions) as db:
            options = await estimates.repair_options(db, viewer, parse_id(car_id, "carId"))
        return [
            RepairOption(
                repair_type=RepairType.from_model(repair), estimate=Estimate.from_estimate(e)
            )
            for repair, e in options
        ]


@strawberry.type
class CarMutation:
    @strawberry.mutation(permission_classes=SIGNED_IN)
    async def add_car(self, info: Info, input: CarInput) -> Car:
        viewer = info.context.require_user()
        today = shop_today(info.context.settings.zone)
        async with unit_of_work(info.context.sessions) as db:
            car = await cars.add(db, viewer, input.to_data(), today=today)
        return Car.from_model(car, info.context.settings.public_url)

    @strawberry.mutation(permission_classes=SIGNED_IN)
    async def update_car(self, info: Info, id: strawberry.ID, input: CarInput) -> Car:
        viewer = info.context.require_user()
        today = shop_today(info.context.settings.zone)
        async with unit_of_work(info.context.sessions) as db:
            car = await cars.update(db, viewer, parse_id(id, "id"), input.to_data(), today=today)
        return Car.from_model(car, info.context.settings.public_url)

    @strawberry.mutation(
        permission_classes=SIGNED_IN,
        description="Remove an own car; its past bookings stay in the history.",
    )
    async def remove_car(self, info: Info, id: strawberry.ID) -> Car:
        viewer = info.context.require_user()
        async with unit_of_work(info.context.sessions) as db:
            car = await cars.remove(db, viewer, parse_id(id, "id"))
        return Car.from_model(car, info.context.settings.public_url)

    @strawberry.mutation(
        permission_classes=SIGNED_IN,
        description="Hold today's price for this car and repair type (24 hours by default).",
    )
    async def request_quote(
        self, info: Info, car_id: strawberry.ID, repair_type_id: strawberry.ID
    ) -> Quote:
        viewer = info.context.require_user()
        valid_for = timedelta(hours=info.context.settings.quote_valid_hours)
        async with unit_of_work(info.context.sessions) as db:
            quote = await estimates.request_quote(
                db,
                viewer,
                parse_id(car_id, "carId"),
                parse_id(repair_type_id, "repairTypeId"),
                valid_for=valid_for,
            )
        return Quote.from_model(quote)
