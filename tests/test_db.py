"""The unit of work hands recorded events on only after a commit, and never fails a
committed change because a consumer did."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from repairbook.db import Consumer, Database, Event, record, unit_of_work
from repairbook.models.catalog import LaborRate
from repairbook.resources import Resources


@dataclass(frozen=True)
class Noted(Event):
    what: str


class Boom(Exception):
    pass


def database_with(resources: Resources, *consumers: Consumer) -> Database:
    return Database(resources.database.engine, resources.sessions, list(consumers))


async def rates(resources: Resources) -> int:
    async with resources.sessions() as db:
        return int(await db.scalar(select(func.count()).select_from(LaborRate)) or 0)


async def test_events_reach_consumers_after_commit_in_order(resources: Resources) -> None:
    seen: list[tuple[str, list[Event], int]] = []

    async def first(events: Sequence[Event]) -> None:
        seen.append(("first", list(events), await rates(resources)))

    async def second(events: Sequence[Event]) -> None:
        seen.append(("second", list(events), await rates(resources)))

    async with unit_of_work(database_with(resources, first, second)) as db:
        db.add(LaborRate(name="ТО", price_per_hour=1000))
        record(db, Noted("a"))
        record(db, Noted("b"))
        assert seen == []  # nothing before the commit
    # Each consumer saw both events, and the row was already visible to others.
    assert seen == [("first", [Noted("a"), Noted("b")], 1), ("second", [Noted("a"), Noted("b")], 1)]


async def test_a_rolled_back_change_hands_nothing_on(resources: Resources) -> None:
    seen: list[Sequence[Event]] = []

    async def consumer(events: Sequence[Event]) -> None:
        seen.append(events)

    async def fail_after_recording() -> None:
        async with unit_of_work(database_with(resources, consumer)) as db:
            db.add(LaborRate(name="ТО", price_per_hour=1000))
            record(db, Noted("never"))
            raise Boom

    with pytest.raises(Boom):
        await fail_after_recording()
    async with unit_of_work(database_with(resources, consumer)):
        pass  # a commit that recorded nothing calls nobody
    assert seen == []
    assert await rates(resources) == 0


async def test_a_failing_consumer_does_not_undo_or_fail_the_change(resources: Resources) -> None:
    seen: list[Sequence[Event]] = []

    async def broken(events: Sequence[Event]) -> None:
        raise ConnectionError("Redis is down")

    async def working(events: Sequence[Event]) -> None:
        seen.append(events)

    async with unit_of_work(database_with(resources, broken, working)) as db:
        db.add(LaborRate(name="ТО", price_per_hour=1000))
        record(db, Noted("kept"))
    assert await rates(resources) == 1
    assert seen == [[Noted("kept")]]
