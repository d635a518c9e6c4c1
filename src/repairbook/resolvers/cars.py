"""A client's cars."""

from __future__ import annotations

import strawberry

from repairbook.booking import service as booking
from repairbook.cars import service as cars
from repairbook.clock import local_date
from repairbook.db import unit_of_work
from repairbook.schema.cars import Car, CarInput
from repairbook.schema.context import Info
from repairbook.schema.ids import parse_id
from repairbook.schema.permissions import SIGNED_IN


@strawberry.type
class CarMutation:
    @strawberry.mutation(permission_classes=SIGNED_IN)
    async def add_car(self, info: Info, input: CarInput) -> Car:
        c = info.context
        viewer = c.require_user()
        async with unit_of_work(c.database) as db:
            car = await cars.add(
                db, viewer, input.to_domain(), today=local_date(c.now(), c.settings.zone)
            )
        return Car.from_model(car)

    @strawberry.mutation(permission_classes=SIGNED_IN)
    async def update_car(self, info: Info, id: strawberry.ID, input: CarInput) -> Car:
        c = info.context
        viewer = c.require_user()
        today = local_date(c.now(), c.settings.zone)
        async with unit_of_work(c.database) as db:
            car = await cars.update(db, viewer, parse_id(id, "id"), input.to_domain(), today=today)
        return Car.from_model(car)

    @strawberry.mutation(
        permission_classes=SIGNED_IN,
        description="Remove an own car; its past bookings stay in the history.",
    )
    async def remove_car(self, info: Info, id: strawberry.ID) -> Car:
        viewer = info.context.require_user()
        async with unit_of_work(info.context.database) as db:
            car = await booking.remove_car(db, viewer, parse_id(id, "id"), now=info.context.now())
        return Car.from_model(car)
