"""The booking service against the real database, at a fixed moment: slot rules, cancelling,
moving, removing a car, and who sees which details on a day's schedule."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from repairbook.accounts import service as accounts
from repairbook.accounts.passwords import hasher_for
from repairbook.booking import service as booking
from repairbook.booking.availability import SlotState
from repairbook.cars import service as cars
from repairbook.catalog import service as catalog_service
from repairbook.catalog.entries import ReceptionistEntry
from repairbook.db import unit_of_work
from repairbook.errors import (
    InvalidInput,
    NotFound,
    OneBookingPerDay,
    RepairbookError,
    SlotTaken,
    SlotUnavailable,
)
from repairbook.models.accounts import Role, User
from repairbook.models.booking import Booking, BookingStatus
from repairbook.resources import Resources
from tests.factories import CAR, Catalog, vin

MOSCOW = ZoneInfo("Europe/Moscow")
# A Wednesday noon in the shop: every time below is relative to it, never to the wall clock.
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=MOSCOW)
TODAY = NOW.date()
_people = itertools.count(1)


def slot(days: int, hhmm: str) -> datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return datetime.combine(TODAY + timedelta(days=days), time(hour, minute), tzinfo=MOSCOW)


async def person(resources: Resources, role: Role = Role.CLIENT) -> User:
    n = next(_people)
    async with unit_of_work(resources.database) as db:
        data = accounts.Registration(f"person{n}", "a long password", f"p{n}@example.com", "И", "П")
        return await accounts.create_user(
            db, data, role=role, hasher=hasher_for(resources.settings), now=NOW, verified=True
        )


async def car_of(resources: Resources, owner: User, catalog: Catalog) -> int:
    data = cars.CarData(
        vin(next(_people)), str(CAR["plate"]), str(CAR["stsNumber"]), date(2021, 5, 14), 42000,
        catalog.model_id,
    )  # fmt: skip
    async with unit_of_work(resources.database) as db:
        return (await cars.add(db, owner, data, today=TODAY)).id


async def book(
    resources: Resources,
    catalog: Catalog,
    viewer: User,
    car_id: int,
    starts_at: datetime,
    *,
    receptionist: int = 0,
) -> Booking:
    request = booking.BookingRequest(
        catalog.receptionist_ids[receptionist], starts_at, car_id, catalog.to1_id
    )
    calendar = booking.calendar_of(resources.settings)
    async with unit_of_work(resources.database) as db:
        return await booking.book(db, viewer, request, calendar=calendar, now=NOW)


async def in_db(resources: Resources, booking_id: int) -> Booking:
    async with resources.sessions() as db:
        found = await db.get(Booking, booking_id)
    assert found is not None
    return found


async def test_a_free_slot_is_booked_with_its_shop_local_day_and_price(
    resources: Resources, catalog: Catalog
) -> None:
    client = await person(resources)
    car = await car_of(resources, client, catalog)
    late = slot(1, "19:30")  # 16:30 UTC: the shop-local day is what counts
    row = await book(resources, catalog, client, car, late)
    stored = await in_db(resources, row.id)
    assert (stored.day, stored.status, stored.client_id) == (
        late.date(),
        BookingStatus.ACTIVE,
        client.id,
    )
    assert stored.ends_at - stored.starts_at == timedelta(minutes=30)
    assert str(stored.price_total) == "7780.00"


@pytest.mark.parametrize(
    ("starts_at", "error", "why"),
    [
        (slot(1, "10:15"), SlotUnavailable, "every 30 minutes"),
        (slot(1, "20:00"), SlotUnavailable, "every 30 minutes"),
        (slot(0, "11:30"), SlotUnavailable, "in the past"),
        (slot(0, "12:00"), SlotUnavailable, "in the past"),  # starts now: too late
        (slot(61, "10:00"), SlotUnavailable, "60 days ahead"),
        (datetime.combine(TODAY + timedelta(days=1), time(10)), InvalidInput, "UTC offset"),
    ],
)
async def test_slot_rules(
    resources: Resources,
    catalog: Catalog,
    starts_at: datetime,
    error: type[RepairbookError],
    why: str,
) -> None:
    client = await person(resources)
    car = await car_of(resources, client, catalog)
    with pytest.raises(error, match=why):
        await book(resources, catalog, client, car, starts_at)


async def test_the_last_day_of_the_window_is_open_and_a_closed_day_is_not(
    resources: Resources, catalog: Catalog
) -> None:
    client = await person(resources)
    car = await car_of(resources, client, catalog)
    await book(resources, catalog, client, car, slot(60, "19:30"))
    async with unit_of_work(resources.database) as db:
        await catalog_service.set_closed_day(db, TODAY + timedelta(days=2), closed=True, note=None)
    with pytest.raises(SlotUnavailable, match="closed"):
        await book(resources, catalog, client, car, slot(2, "10:00"))


async def test_inactive_and_unknown_receptionists(resources: Resources, catalog: Catalog) -> None:
    client = await person(resources)
    car = await car_of(resources, client, catalog)
    async with unit_of_work(resources.database) as db:
        await catalog_service.save_receptionist(
            db, catalog.receptionist_ids[1], ReceptionistEntry("Кузнецов", "Иван", active=False)
        )
    with pytest.raises(SlotUnavailable, match="takes no bookings"):
        await book(resources, catalog, client, car, slot(1, "10:00"), receptionist=1)
    request = booking.BookingRequest(999, slot(1, "10:00"), car, catalog.to1_id)
    async with unit_of_work(resources.database) as db:
        with pytest.raises(NotFound):
            await booking.book(
                db, client, request, calendar=booking.calendar_of(resources.settings), now=NOW
            )


async def test_one_slot_one_booking_and_one_booking_per_client_per_day(
    resources: Resources, catalog: Catalog
) -> None:
    first, second = await person(resources), await person(resources)
    first_car = await car_of(resources, first, catalog)
    second_car = await car_of(resources, second, catalog)
    await book(resources, catalog, first, first_car, slot(1, "10:00"))
    with pytest.raises(SlotTaken):
        await book(resources, catalog, second, second_car, slot(1, "10:00"))
    with pytest.raises(OneBookingPerDay):
        await book(
            resources, catalog, first, await car_of(resources, first, catalog), slot(1, "15:00")
        )


async def test_cancel_rules(resources: Resources, catalog: Catalog) -> None:
    client, stranger = await person(resources), await person(resources)
    manager = await person(resources, Role.MANAGER)
    car = await car_of(resources, client, catalog)
    own = await book(resources, catalog, client, car, slot(1, "10:00"))

    async def cancel(viewer: User, booking_id: int, reason: str | None = None) -> Booking:
        async with unit_of_work(resources.database) as db:
            return await booking.cancel(db, viewer, booking_id, reason, now=NOW)

    with pytest.raises(NotFound):
        await cancel(stranger, own.id)
    cancelled = await cancel(manager, own.id, "  Приёмщик   болен ")
    assert (cancelled.status, cancelled.cancelled_at) == (BookingStatus.CANCELLED, NOW)
    assert (await in_db(resources, own.id)).cancel_reason == "Приёмщик болен"
    with pytest.raises(InvalidInput, match="already cancelled"):
        await cancel(client, own.id)
    # A booking that has started can no longer be cancelled, by anyone.
    later = await book(resources, catalog, client, car, slot(2, "10:00"))
    async with unit_of_work(resources.database) as db:
        with pytest.raises(InvalidInput, match="already started"):
            await booking.cancel(db, manager, later.id, None, now=slot(2, "10:00"))


async def test_reschedule_moves_or_changes_nothing(resources: Resources, catalog: Catalog) -> None:
    client, other = await person(resources), await person(resources)
    car, other_car = (
        await car_of(resources, client, catalog),
        await car_of(resources, other, catalog),
    )
    mine = await book(resources, catalog, client, car, slot(1, "10:00"))
    await book(resources, catalog, other, other_car, slot(1, "11:00"))
    calendar = booking.calendar_of(resources.settings)

    async def move(receptionist: int, starts_at: datetime) -> Booking:
        async with unit_of_work(resources.database) as db:
            return await booking.reschedule(
                db, client, mine.id, catalog.receptionist_ids[receptionist], starts_at,
                calendar=calendar, now=NOW,
            )  # fmt: skip

    with pytest.raises(SlotTaken):
        await move(0, slot(1, "11:00"))
    with pytest.raises(SlotUnavailable):
        await move(0, slot(0, "09:00"))
    unchanged = await in_db(resources, mine.id)
    assert (unchanged.starts_at, unchanged.receptionist_id) == (
        slot(1, "10:00"),
        catalog.receptionist_ids[0],
    )
    moved = await move(1, slot(3, "08:00"))
    stored = await in_db(resources, moved.id)
    assert (stored.starts_at, stored.day, stored.receptionist_id) == (
        slot(3, "08:00"), slot(3, "08:00").date(), catalog.receptionist_ids[1],
    )  # fmt: skip
    assert stored.status is BookingStatus.ACTIVE


async def test_a_car_held_by_an_upcoming_booking_is_not_removed(
    resources: Resources, catalog: Catalog
) -> None:
    client = await person(resources)
    car = await car_of(resources, client, catalog)
    upcoming = await book(resources, catalog, client, car, slot(1, "10:00"))

    async def remove(now: datetime) -> None:
        async with unit_of_work(resources.database) as db:
            await booking.remove_car(db, client, car, now=now)

    with pytest.raises(InvalidInput, match="upcoming booking"):
        await remove(NOW)
    # Once the visit has begun the booking no longer holds the car.
    await remove(upcoming.starts_at + timedelta(minutes=1))


async def _schedule(resources: Resources, viewer: User | None, day: date) -> booking.DaySchedule:
    async with resources.sessions() as db:
        return await booking.day_schedule(
            db, day, viewer, calendar=booking.calendar_of(resources.settings), now=NOW
        )


async def test_the_schedule_shows_details_only_to_whom_they_belong(
    resources: Resources, catalog: Catalog
) -> None:
    client, other = await person(resources), await person(resources)
    manager = await person(resources, Role.MANAGER)
    mine = await book(
        resources, catalog, client, await car_of(resources, client, catalog), slot(1, "10:00")
    )
    theirs = await book(
        resources, catalog, other, await car_of(resources, other, catalog), slot(1, "11:00")
    )
    day = TODAY + timedelta(days=1)
    seen = {
        who: {row.id for row in (await _schedule(resources, viewer, day)).details}
        for who, viewer in (("anonymous", None), ("client", client), ("manager", manager))
    }
    assert seen == {"anonymous": set(), "client": {mine.id}, "manager": {mine.id, theirs.id}}
    states = {
        (s.receptionist_id, s.starts_at): s.state
        for s in (await _schedule(resources, None, day)).slots
    }
    assert states[(catalog.receptionist_ids[0], slot(1, "10:00"))] is SlotState.BOOKED
    assert states[(catalog.receptionist_ids[0], slot(1, "10:30"))] is SlotState.FREE


async def test_today_before_noon_is_past_and_beyond_the_window_is_closed(
    resources: Resources, catalog: Catalog
) -> None:
    today = await _schedule(resources, None, TODAY)
    by_start = {s.starts_at.astimezone(UTC): s.state for s in today.slots}
    assert by_start[slot(0, "11:30").astimezone(UTC)] is SlotState.PAST
    assert by_start[slot(0, "12:30").astimezone(UTC)] is SlotState.FREE
    beyond = await _schedule(resources, None, TODAY + timedelta(days=61))
    assert {s.state for s in beyond.slots} == {SlotState.CLOSED}
