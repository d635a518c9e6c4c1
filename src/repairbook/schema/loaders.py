"""Per-request DataLoaders: a field on a list costs one query, not one per item.

Each loader opens its own session: fields resolve concurrently and must not share one.
Loaders read through the domain services, like every resolver.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from repairbook.accounts import service as accounts
from repairbook.booking import service as booking
from repairbook.cars import service as cars
from repairbook.catalog import service as catalog
from repairbook.clock import Clock
from repairbook.db import Database, read_only
from repairbook.models.accounts import User
from repairbook.models.booking import Booking
from repairbook.models.cars import Car
from repairbook.models.catalog import Receptionist, RepairType


class _Row(Protocol):
    id: int


R = TypeVar("R", bound=_Row)


@dataclass(frozen=True, slots=True)
class ClientBookings:
    client_id: int
    include_past: bool


@dataclass
class Loaders:
    users: DataLoader[int, User | None]
    cars: DataLoader[int, Car | None]
    cars_by_owner: DataLoader[int, list[Car]]
    repair_types: DataLoader[int, RepairType | None]
    receptionists: DataLoader[int, Receptionist | None]
    bookings_of: DataLoader[ClientBookings, list[Booking]]


def create_loaders(database: Database, clock: Clock) -> Loaders:
    def by_id(
        fetch: Callable[[AsyncSession, Sequence[int]], Awaitable[Sequence[R]]],
    ) -> DataLoader[int, R | None]:
        async def load(ids: Sequence[int]) -> list[R | None]:
            async with read_only(database) as db:
                found = {row.id: row for row in await fetch(db, ids)}
            return [found.get(i) for i in ids]

        return DataLoader(load)

    async def load_cars_by_owner(owner_ids: Sequence[int]) -> list[list[Car]]:
        grouped: dict[int, list[Car]] = defaultdict(list)
        async with read_only(database) as db:
            for car in await cars.cars_of_owners(db, owner_ids):
                grouped[car.owner_id].append(car)
        return [grouped[i] for i in owner_ids]

    async def load_bookings(keys: Sequence[ClientBookings]) -> list[list[Booking]]:
        now = clock.now()
        grouped: dict[ClientBookings, list[Booking]] = defaultdict(list)
        async with read_only(database) as db:
            for include_past in {key.include_past for key in keys}:
                ids = [key.client_id for key in keys if key.include_past == include_past]
                since: datetime | None = None if include_past else now
                for row in await booking.of_clients(db, ids, since=since):
                    grouped[ClientBookings(row.client_id, include_past)].append(row)
        return [grouped[key] for key in keys]

    return Loaders(
        users=by_id(accounts.users_by_id),
        cars=by_id(cars.cars_by_id),
        cars_by_owner=DataLoader(load_cars_by_owner),
        repair_types=by_id(catalog.repair_types_by_id),
        receptionists=by_id(catalog.receptionists_by_id),
        bookings_of=DataLoader(load_bookings),
    )
