"""Per-request DataLoaders: a field on a list costs one query, not one per item.

Each loader opens its own session: fields resolve concurrently and must not share one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from repairbook.accounts import repository as users
from repairbook.cars import repository as cars
from repairbook.db import SessionFactory, read_only
from repairbook.models.accounts import User
from repairbook.models.cars import Car


@dataclass
class Loaders:
    users: DataLoader[int, User | None]
    cars_by_owner: DataLoader[int, list[Car]]


def create_loaders(sessions: SessionFactory) -> Loaders:
    async def load_users(ids: Sequence[int]) -> list[User | None]:
        async with read_only(sessions) as db:
            found = {user.id: user for user in await users.get_many(db, ids)}
        return [found.get(i) for i in ids]

    async def load_cars(owner_ids: Sequence[int]) -> list[list[Car]]:
        grouped: dict[int, list[Car]] = defaultdict(list)
        async with read_only(sessions) as db:
            for car in await cars.of_owners(db, owner_ids):
                grouped[car.owner_id].append(car)
        return [grouped[i] for i in owner_ids]

    return Loaders(users=DataLoader(load_users), cars_by_owner=DataLoader(load_cars))
