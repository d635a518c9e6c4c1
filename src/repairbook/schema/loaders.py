"""Per-request DataLoaders: a field on a list costs one query, not one per item.

Each loader opens its own session: fields resolve concurrently and must not share one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from repairbook.accounts import repository as users
from repairbook.booking import repository as bookings
from repairbook.cars import repository as cars
from repairbook.catalog import repository as catalog
from repairbook.clock import utcnow
from repairbook.db import SessionFactory, read_only
from repairbook.models.accounts import User
from repairbook.models.booking import Booking
from repairbook.models.cars import Car
from repairbook.models.catalog import Receptionist, RepairType

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
BOOKINGS_PER_USER = 100


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


def create_loaders(sessions: SessionFactory) -> Loaders:
    def by_id(
        fetch: Callable[[AsyncSession, Sequence[int]], Awaitable[Sequence[V]]],
    ) -> DataLoader[int, V | None]:
        async def load(ids: Sequence[int]) -> list[V | None]:
            async with read_only(sessions) as db:
                found = {row.id: row for row in await fetch(db, ids)}  # type: ignore[attr-defined]
            return [found.get(i) for i in ids]

        return DataLoader(load)

    async def load_cars_by_owner(owner_ids: Sequence[int]) -> list[list[Car]]:
        grouped: dict[int, list[Car]] = defaultdict(list)
        async with read_only(sessions) as db:
            for car in await cars.of_owners(db, owner_ids):
                grouped[car.owner_id].append(car)
        return [grouped[i] for i in owner_ids]

    async def load_bookings(keys: Sequence[ClientBookings]) -> list[list[Booking]]:
        now = utcnow()
        grouped: dict[ClientBookings, list[Booking]] = defaultdict(list)
        async with read_only(sessions) as db:
            for include_past in {key.include_past for key in keys}:
                ids = [key.client_id for key in keys if key.include_past == include_past]
                since: datetime | None = None if include_past else now
                rows = await bookings.of_clients(db, ids, since=since, per_client=BOOKINGS_PER_USER)
                for row in rows:
                    grouped[ClientBookings(row.client_id, include_past)].append(row)
        return [grouped[key] for key in keys]

    return Loaders(
        users=by_id(users.get_many),
        cars=by_id(cars.get_many),
        cars_by_owner=DataLoader(load_cars_by_owner),
        repair_types=by_id(catalog.repair_types_by_id),
        receptionists=by_id(catalog.receptionists_by_id),
        bookings_of=DataLoader(load_bookings),
    )
