"""The slot grid and a day's slot states, including a day on which clocks change."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from repairbook.booking.availability import Calendar, SlotBooking, SlotState, slots_of_day

MOSCOW = Calendar(ZoneInfo("Europe/Moscow"), time(8), time(20), timedelta(minutes=30), 60)
BERLIN = Calendar(ZoneInfo("Europe/Berlin"), time(8), time(20), timedelta(minutes=30), 60)
DAY = date(2027, 3, 10)
NOON = datetime(2027, 3, 10, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))


def test_a_day_has_24_half_hour_slots_from_8_to_20() -> None:
    grid = MOSCOW.grid(DAY)
    assert len(grid) == 24
    assert grid[0].astimezone(UTC) == datetime(2027, 3, 10, 5, 0, tzinfo=UTC)
    assert grid[-1].astimezone(MOSCOW.zone).time() == time(19, 30)


def test_grid_follows_local_time_across_daylight_saving_changes() -> None:
    before = BERLIN.grid(date(2027, 3, 27))
    spring = BERLIN.grid(date(2027, 3, 28))  # clocks go forward at 02:00
    autumn = BERLIN.grid(date(2027, 10, 31))  # and back at 03:00
    assert len(before) == len(spring) == len(autumn) == 24
    assert before[0].astimezone(UTC).hour == 7  # CET, UTC+1
    assert spring[0].astimezone(UTC).hour == 6  # CEST, UTC+2
    assert autumn[0].astimezone(UTC).hour == 7
    # Consecutive slots are 30 real minutes apart all day long.
    assert {(b.astimezone(UTC) - a.astimezone(UTC)) for a, b in itertools.pairwise(spring)} == {
        timedelta(minutes=30)
    }
    assert BERLIN.on_grid(datetime(2027, 3, 28, 6, 0, tzinfo=UTC))
    assert not BERLIN.on_grid(datetime(2027, 3, 28, 7, 0, tzinfo=UTC) - timedelta(minutes=15))
    assert BERLIN.local_day(datetime(2027, 3, 28, 22, 30, tzinfo=UTC)) == date(2027, 3, 29)


def test_on_grid() -> None:
    zone = MOSCOW.zone
    assert MOSCOW.on_grid(datetime(2027, 3, 10, 10, 30, tzinfo=zone))
    assert MOSCOW.on_grid(datetime(2027, 3, 10, 7, 30, tzinfo=UTC))  # 10:30 in Moscow
    for bad in [time(10, 15), time(20, 0), time(7, 30), time(10, 0, 30), time(19, 45)]:
        assert not MOSCOW.on_grid(datetime.combine(DAY, bad, tzinfo=zone)), bad


def test_states_and_bookable() -> None:
    grid = MOSCOW.grid(DAY)
    at = {t.astimezone(MOSCOW.zone).strftime("%H:%M"): t for t in grid}
    slots = slots_of_day(
        MOSCOW,
        DAY,
        now=NOON,
        receptionist_ids=[1, 2],
        closed=False,
        bookings=[
            SlotBooking(10, 1, at["09:00"], active=True, client_id=7),  # past and booked: PAST
            SlotBooking(11, 1, at["14:00"], active=True, client_id=7),
            SlotBooking(12, 1, at["15:00"], active=False, client_id=7),
            SlotBooking(
                14, 1, at["15:00"], active=False, client_id=7
            ),  # cancelled twice: the latest shows
            SlotBooking(13, 2, at["14:00"], active=False, client_id=7),
            SlotBooking(15, 2, at["16:00"], active=False, client_id=7),
            SlotBooking(
                16, 2, at["16:00"], active=True, client_id=7
            ),  # rebooked after a cancellation
        ],
    )
    state = {
        (s.receptionist_id, s.starts_at.astimezone(MOSCOW.zone).strftime("%H:%M")): s for s in slots
    }
    assert len(slots) == 48
    assert (state[1, "09:00"].state, state[1, "09:00"].booking_id) == (SlotState.PAST, 10)
    assert state[1, "12:00"].state is SlotState.PAST  # starts now
    assert (state[1, "14:00"].state, state[1, "14:00"].booking_id) == (SlotState.BOOKED, 11)
    assert (state[1, "15:00"].state, state[1, "15:00"].booking_id) == (SlotState.CANCELLED, 14)
    assert (state[2, "16:00"].state, state[2, "16:00"].booking_id) == (SlotState.BOOKED, 16)
    assert (state[2, "12:30"].state, state[2, "12:30"].booking_id) == (SlotState.FREE, None)
    assert [
        s.bookable
        for s in (state[1, "14:00"], state[1, "15:00"], state[2, "12:30"], state[1, "09:00"])
    ] == [False, True, True, False]


def test_closed_days_and_days_beyond_the_window_are_closed_but_bookings_still_show() -> None:
    booked = MOSCOW.grid(DAY)[10]
    closed = slots_of_day(
        MOSCOW,
        DAY,
        now=NOON - timedelta(days=1),
        receptionist_ids=[1],
        closed=True,
        bookings=[SlotBooking(1, 1, booked, active=True, client_id=7)],
    )
    assert {s.state for s in closed} == {SlotState.CLOSED, SlotState.BOOKED}
    far = slots_of_day(
        MOSCOW, DAY + timedelta(days=61), now=NOON, receptionist_ids=[1], closed=False, bookings=[]
    )
    edge = slots_of_day(
        MOSCOW, DAY + timedelta(days=60), now=NOON, receptionist_ids=[1], closed=False, bookings=[]
    )
    assert {s.state for s in far} == {SlotState.CLOSED}
    assert {s.state for s in edge} == {SlotState.FREE}
    past = slots_of_day(
        MOSCOW, DAY - timedelta(days=1), now=NOON, receptionist_ids=[1], closed=True, bookings=[]
    )
    assert {s.state for s in past} == {SlotState.PAST}
