"""The booking invariants under real concurrency: many transactions at once in PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from repairbook.models.booking import Booking, BookingStatus
from tests.api.booking_support import BOOK, MOVE, book_input, client_with_car
from tests.factories import make_catalog
from tests.helpers import Api


async def _active_at(api: Api, receptionist_id: int) -> int:
    async with api.resources.sessions() as db:
        query = (
            select(func.count())
            .select_from(Booking)
            .where(
                Booking.status == BookingStatus.ACTIVE, Booking.receptionist_id == receptionist_id
            )
        )
        return int(await db.scalar(query) or 0)


def _codes(bodies: list[dict[str, Any]]) -> Counter[str]:
    return Counter(
        "OK" if "errors" not in body else body["errors"][0]["extensions"]["code"] for body in bodies
    )


async def test_fifty_clients_racing_for_one_slot(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    clients = [await client_with_car(api, catalog) for _ in range(50)]
    starts = api.at(2, "10:00")
    bodies = await asyncio.gather(
        *(api.post(BOOK, book_input(catalog, car, starts), person.token) for person, car in clients)
    )
    assert _codes(bodies) == Counter({"OK": 1, "SLOT_TAKEN": 49})
    assert await _active_at(api, catalog.receptionist_ids[0]) == 1


async def test_one_client_racing_for_ten_slots_of_one_day(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    person, car = await client_with_car(api, catalog)
    slots = [api.at(3, f"{hour}:00") for hour in range(9, 19)]
    bodies = await asyncio.gather(
        *(api.post(BOOK, book_input(catalog, car, starts), person.token) for starts in slots)
    )
    assert _codes(bodies) == Counter({"OK": 1, "ONE_BOOKING_PER_DAY": 9})
    assert await _active_at(api, catalog.receptionist_ids[0]) == 1


async def test_reschedule_racing_a_new_booking_for_the_same_slot(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    target_receptionist = catalog.receptionist_ids[1]
    for round_ in range(5):
        mover, mover_car = await client_with_car(api, catalog)
        booker, booker_car = await client_with_car(api, catalog)
        booked = await api.ok(
            BOOK, book_input(catalog, mover_car, api.at(4 + round_, "09:00")), mover.token
        )
        target = api.at(4 + round_, "16:00")
        move, new = await asyncio.gather(
            api.post(
                MOVE,
                {"id": booked["bookSlot"]["id"], "r": str(target_receptionist), "s": target},
                mover.token,
            ),
            api.post(BOOK, book_input(catalog, booker_car, target, receptionist=1), booker.token),
        )
        assert _codes([move, new]) == Counter({"OK": 1, "SLOT_TAKEN": 1}), (move, new)
        async with api.resources.sessions() as db:
            in_target = await db.scalar(
                select(func.count())
                .select_from(Booking)
                .where(
                    Booking.status == BookingStatus.ACTIVE,
                    Booking.receptionist_id == target_receptionist,
                    Booking.starts_at == datetime.fromisoformat(target),
                )
            )
            mover_rows = (
                await db.scalars(select(Booking).where(Booking.car_id == int(mover_car)))
            ).all()
        assert in_target == 1
        # Whoever lost kept what it had: the mover still has exactly one active booking.
        assert [b.status for b in mover_rows] == [BookingStatus.ACTIVE]


async def test_concurrent_retries_with_one_idempotency_key_get_one_booking(api: Api) -> None:
    catalog = await make_catalog(api.resources)
    person, car = await client_with_car(api, catalog)
    variables = book_input(catalog, car, api.at(2, "12:00"), idempotencyKey="double-click")
    bodies = await asyncio.gather(*(api.post(BOOK, variables, person.token) for _ in range(8)))
    assert _codes(bodies) == Counter({"OK": 8})
    assert len({body["data"]["bookSlot"]["id"] for body in bodies}) == 1
    assert await _active_at(api, catalog.receptionist_ids[0]) == 1
