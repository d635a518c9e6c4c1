"""Receptionists' working time (issue 22): weekly plans, exceptions, what the board, the
calendar and booking make of them, stranded bookings, restamping and races."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from repairbook.models.accounts import Role
from repairbook.models.booking import BoardVersion, Booking, BookingStatus
from repairbook.models.notifications import MessageKind, OutboxMessage
from tests.api.booking_support import BOOK, MOVE, book_input, client_with_car, slot_of
from tests.api.test_board_cache import read, warm
from tests.factories import Catalog
from tests.helpers import Api

SET_PLAN = """mutation ($r: ID!, $days: [PlanDayInput!]!, $c: Boolean! = false, $why: String) {
  setWorkPlan(receptionistId: $r, days: $days, cancelBookings: $c, reason: $why) {
    changedDays cancelledBookingIds
    workingTime { planned days { weekday working from to breaks { from to } } }
  } }"""
SET_EXCEPTION = """mutation ($r: ID!, $f: Date!, $t: Date!, $h: WorkHoursInput, $c: Boolean! = false) {
  setWorkException(receptionistId: $r, from: $f, to: $t, hours: $h, note: "отпуск", cancelBookings: $c) {
    changedDays cancelledBookingIds workingTime { exceptions { date working from to note } }
  } }"""
CLEAR = """mutation ($r: ID!, $f: Date!, $t: Date!) {
  clearWorkExceptions(receptionistId: $r, from: $f, to: $t) { changedDays } }"""
BOARD = """query ($d: Date!) { availability(date: $d) {
  receptionists { id }
  slots { startsAt state bookable closedReason receptionist { id } }
  times { startsAt freeReceptionists bookable closedReason } } }"""
CALENDAR = "query ($f: Date!, $t: Date!) { availabilityCalendar(from: $f, to: $t) { date freeSlots totalSlots freeTimes } }"
WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]


def weekday(iso: str) -> str:
    return WEEKDAYS[date.fromisoformat(iso[:10]).weekday()]


def day(hours: str, breaks: tuple[tuple[str, str], ...] = (), *, on: str) -> dict[str, Any]:
    start, end = hours.split("-")
    return {
        "weekday": on,
        "from": start,
        "to": end,
        "breaks": [{"from": a, "to": b} for a, b in breaks],
    }


async def staff(api: Api) -> str:
    return (await api.person(Role.MANAGER)).token


def state(board: dict[str, Any], receptionist: int, starts: str) -> tuple[str, str | None]:
    slot = slot_of(board, receptionist, starts)
    return slot["state"], slot["closedReason"]


async def test_plans_are_refused_outside_the_shop_day_off_grid_or_with_overlapping_breaks(
    api: Api, catalog: Catalog
) -> None:
    token = await staff(api)
    r = str(catalog.receptionist_ids[0])
    cases = [
        ([day("07:30-12:00", on="MONDAY")], "days[0].from"),
        ([day("09:00-20:30", on="MONDAY")], "days[0].to"),
        ([day("09:00-12:10", on="MONDAY")], "days[0].to"),
        ([day("12:00-12:00", on="MONDAY")], "days[0].to"),
        (
            [
                day("09:00-18:00", on="MONDAY"),
                day("09:00-18:00", (("12:00", "13:00"), ("12:30", "14:00")), on="FRIDAY"),
            ],
            "days[1].breaks[1].from",
        ),
        ([day("09:00-18:00", (("08:00", "09:30"),), on="MONDAY")], "days[0].breaks[0].from"),
        ([day("09:00-18:00", on="MONDAY"), day("10:00-11:00", on="MONDAY")], "days[1].weekday"),
        ([day("09:00:30-18:00", on="MONDAY")], "days[0].from"),
        ([day("09:00+03:00-18:00", on="MONDAY")], "days[0].from"),
    ]
    for days, field in cases:
        error = await api.error(SET_PLAN, {"r": r, "days": days}, token)
        assert (error["code"], error["field"]) == ("BAD_USER_INPUT", field), (days, error)
    error = await api.error(SET_PLAN, {"r": "999999", "days": []}, token)
    assert error["code"] == "NOT_FOUND"
    client = await api.person()
    assert (await api.error(SET_PLAN, {"r": r, "days": []}, client.token))["code"] == "FORBIDDEN"
    russian = Api(api.http, api.resources, language="ru")
    said = await russian.error(SET_PLAN, {"r": r, "days": cases[4][0]}, token)
    assert said["message"] == "Перерывы не должны пересекаться"


async def test_the_board_closes_slots_outside_working_time_with_a_reason(
    api: Api, catalog: Catalog
) -> None:
    token = await staff(api)
    r0, r1 = catalog.receptionist_ids
    starts = api.at(3, "10:00")
    on, off = weekday(starts), weekday(api.at(4, "10:00"))
    set_plan = {"r": str(r0), "days": [day("09:00-14:00", (("11:00", "11:30"),), on=on)]}
    plan = (await api.ok(SET_PLAN, set_plan, token))["setWorkPlan"]
    assert plan["workingTime"]["planned"] is True
    [monday] = [d for d in plan["workingTime"]["days"] if d["weekday"] == on]
    assert monday == {
        "weekday": on, "working": True, "from": "09:00:00", "to": "14:00:00",
        "breaks": [{"from": "11:00:00", "to": "11:30:00"}],
    }  # fmt: skip
    assert {d["weekday"] for d in plan["workingTime"]["days"] if not d["working"]} == set(
        WEEKDAYS
    ) - {on}
    board = (await api.ok(BOARD, {"d": starts[:10]}))["availability"]
    assert {x["id"] for x in board["receptionists"]} == {str(r0), str(r1)}
    assert state(board, r0, api.at(3, "08:30")) == ("CLOSED", "OFF_DUTY")
    assert state(board, r0, api.at(3, "09:00")) == ("FREE", None)
    assert state(board, r0, api.at(3, "11:00")) == ("CLOSED", "BREAK")
    assert state(board, r0, api.at(3, "13:30")) == ("FREE", None)
    assert state(board, r0, api.at(3, "14:00")) == ("CLOSED", "OFF_DUTY")
    assert state(board, r1, api.at(3, "08:30")) == ("FREE", None)  # no plan: the whole day
    # The next day r0 does not work: their column is gone.
    other = (await api.ok(BOARD, {"d": api.at(4, "10:00")[:10]}))["availability"]
    assert [x["id"] for x in other["receptionists"]] == [str(r1)]
    assert {s["receptionist"]["id"] for s in other["slots"]} == {str(r1)}
    assert off != on
    # Booking follows the board.
    person, car = await client_with_car(api, catalog)
    for at, message in (
        (api.at(3, "08:30"), "This receptionist does not work at this time"),
        (api.at(3, "11:00"), "This receptionist is on a break at this time"),
        (api.at(4, "10:00"), "This receptionist does not work at this time"),
    ):
        error = await api.error(BOOK, book_input(catalog, car, at), person.token)
        assert (error["code"], error["message"]) == ("SLOT_UNAVAILABLE", message), at
    await api.ok(BOOK, book_input(catalog, car, api.at(3, "09:00")), person.token)
    # Past and closed-day reasons too.
    past = (await api.ok(BOARD, {"d": api.at(-1, "10:00")[:10]}))["availability"]
    assert {(s["state"], s["closedReason"]) for s in past["slots"]} == {("PAST", "PAST")}
    beyond = api.at(61, "10:00")
    far = (await api.ok(BOARD, {"d": beyond[:10]}))["availability"]
    assert {s["closedReason"] for s in far["slots"]} <= {"BEYOND_WINDOW"}


async def test_exceptions_day_off_holiday_other_hours_and_an_extra_day(
    api: Api, catalog: Catalog
) -> None:
    token = await staff(api)
    r0, r1 = catalog.receptionist_ids
    d5, d6, d7 = (api.at(n, "10:00")[:10] for n in (5, 6, 7))
    # Holiday: three days off for r1 (no plan: works every day otherwise).
    holiday = (await api.ok(SET_EXCEPTION, {"r": str(r1), "f": d5, "t": d7}, token))[
        "setWorkException"
    ]
    assert holiday["changedDays"] == [d5, d6, d7]
    assert [e["date"] for e in holiday["workingTime"]["exceptions"]] == [d5, d6, d7]
    assert {e["working"] for e in holiday["workingTime"]["exceptions"]} == {False}
    for d in (d5, d6, d7):
        board = (await api.ok(BOARD, {"d": d}))["availability"]
        assert [x["id"] for x in board["receptionists"]] == [str(r0)]
    # Other hours on one date.
    hours = {"from": "12:00", "to": "16:00", "breaks": []}
    await api.ok(SET_EXCEPTION, {"r": str(r0), "f": d6, "t": d6, "h": hours}, token)
    board = (await api.ok(BOARD, {"d": d6}))["availability"]
    assert state(board, r0, api.at(6, "11:30")) == ("CLOSED", "OFF_DUTY")
    assert state(board, r0, api.at(6, "12:00")) == ("FREE", None)
    # Nobody works at 10:00 on d6: the time view says so.
    [ten] = [
        t
        for t in board["times"]
        if datetime.fromisoformat(t["startsAt"]) == datetime.fromisoformat(api.at(6, "10:00"))
    ]
    assert ten == {
        "startsAt": ten["startsAt"],
        "freeReceptionists": 0,
        "bookable": False,
        "closedReason": "OFF_DUTY",
    }
    # The holiday is cleared on d7: r1 is back.
    cleared = (await api.ok(CLEAR, {"r": str(r1), "f": d7, "t": d7}, token))["clearWorkExceptions"]
    assert cleared["changedDays"] == [d7]
    board = (await api.ok(BOARD, {"d": d7}))["availability"]
    assert {x["id"] for x in board["receptionists"]} == {str(r0), str(r1)}
    # An extra working day: r0 gets a plan without d7's weekday, then an exception for it.
    await api.ok(SET_PLAN, {"r": str(r0), "days": [day("08:00-20:00", on=weekday(d5))]}, token)
    board = (await api.ok(BOARD, {"d": d7}))["availability"]
    assert [x["id"] for x in board["receptionists"]] == [str(r1)]
    extra = {"from": "08:00", "to": "12:00", "breaks": []}
    await api.ok(SET_EXCEPTION, {"r": str(r0), "f": d7, "t": d7, "h": extra}, token)
    board = (await api.ok(BOARD, {"d": d7}))["availability"]
    assert {x["id"] for x in board["receptionists"]} == {str(r0), str(r1)}
    assert state(board, r0, api.at(7, "11:30")) == ("FREE", None)
    assert state(board, r0, api.at(7, "12:00")) == ("CLOSED", "OFF_DUTY")


async def test_the_month_calendar_counts_only_working_slots(api: Api, catalog: Catalog) -> None:
    token = await staff(api)
    r0, r1 = catalog.receptionist_ids
    d = api.at(8, "10:00")[:10]
    before = (await api.ok(CALENDAR, {"f": d, "t": d}))["availabilityCalendar"][0]
    assert (before["freeSlots"], before["totalSlots"], before["freeTimes"]) == (48, 48, 24)
    await api.ok(SET_EXCEPTION, {"r": str(r1), "f": d, "t": d}, token)
    hours = {"from": "08:00", "to": "12:00", "breaks": [{"from": "10:00", "to": "11:00"}]}
    await api.ok(SET_EXCEPTION, {"r": str(r0), "f": d, "t": d, "h": hours}, token)
    after = (await api.ok(CALENDAR, {"f": d, "t": d}))["availabilityCalendar"][0]
    assert (after["freeSlots"], after["totalSlots"], after["freeTimes"]) == (6, 24, 6)
    # A weekly plan changes days beyond any board too: the calendar sees it at once.
    far = api.at(80, "10:00")[:10]
    first = (await api.ok(CALENDAR, {"f": far, "t": far}))["availabilityCalendar"][0]
    await api.ok(SET_PLAN, {"r": str(r1), "days": []}, token)
    second = (await api.ok(CALENDAR, {"f": far, "t": far}))["availabilityCalendar"][0]
    assert (first["totalSlots"], second["totalSlots"]) == (48, 24)


async def stamps(api: Api) -> dict[str, int]:
    async with api.resources.sessions() as db:
        rows = await db.execute(select(BoardVersion.scope, BoardVersion.version))
        return {row.scope: row.version for row in rows}


async def test_a_change_restamps_exactly_the_days_it_changes(api: Api, catalog: Catalog) -> None:
    token = await staff(api)
    r0 = catalog.receptionist_ids[0]
    settings = api.resources.settings
    today = api.now().astimezone(settings.zone).date()
    window = [today + timedelta(days=n) for n in range(settings.booking_window_days + 1)]
    for d in window:  # every day has a stamp, as the board cache would make them
        await api.ok(BOARD, {"d": d.isoformat()})
    start = await stamps(api)
    target = today + timedelta(days=10)
    await api.ok(
        SET_EXCEPTION, {"r": str(r0), "f": target.isoformat(), "t": target.isoformat()}, token
    )
    after = await stamps(api)
    assert {s for s in after if after[s] != start.get(s)} == {target.isoformat()}
    # The same exception again changes nothing, and restamps nothing.
    again = await api.ok(
        SET_EXCEPTION, {"r": str(r0), "f": target.isoformat(), "t": target.isoformat()}, token
    )
    assert again["setWorkException"]["changedDays"] == []
    assert await stamps(api) == after
    # A weekly plan working only on target's weekday with other hours: every day of the
    # window changes except target itself (the exception holds there), and `plans`.
    plan = await api.ok(
        SET_PLAN, {"r": str(r0), "days": [day("09:00-18:00", on=WEEKDAYS[target.weekday()])]}, token
    )
    changed = {date.fromisoformat(d) for d in plan["setWorkPlan"]["changedDays"]}
    assert changed == set(window) - {target}
    final = await stamps(api)
    restamped = {s for s in final if final[s] != after.get(s)}
    assert restamped == {d.isoformat() for d in changed} | {"plans"}
    assert final["all"] == after["all"]


async def _cancellation_mails(api: Api) -> list[OutboxMessage]:
    async with api.resources.sessions() as db:
        query = select(OutboxMessage).where(OutboxMessage.kind == MessageKind.BOOKING_CANCELLED)
        return list((await db.scalars(query)).all())


async def test_a_change_that_strands_bookings_is_refused_unless_they_are_cancelled(
    api: Api, catalog: Catalog
) -> None:
    token = await staff(api)
    r0 = catalog.receptionist_ids[0]
    person, car = await client_with_car(api, catalog)
    other, other_car = await client_with_car(api, catalog)
    late = (await api.ok(BOOK, book_input(catalog, car, api.at(9, "16:00")), person.token))[
        "bookSlot"
    ]
    early = (await api.ok(BOOK, book_input(catalog, other_car, api.at(9, "09:00")), other.token))[
        "bookSlot"
    ]
    d = api.at(9, "10:00")[:10]
    hours = {"from": "08:00", "to": "12:00", "breaks": []}
    error = await api.error(SET_EXCEPTION, {"r": str(r0), "f": d, "t": d, "h": hours}, token)
    assert error["code"] == "BOOKINGS_IN_THE_WAY"
    assert error["bookings"] == [{"id": late["id"], "startsAt": error["bookings"][0]["startsAt"]}]
    assert datetime.fromisoformat(error["bookings"][0]["startsAt"]) == datetime.fromisoformat(
        api.at(9, "16:00")
    )
    # Nothing changed.
    board = (await api.ok(BOARD, {"d": d}))["availability"]
    assert state(board, r0, api.at(9, "13:00")) == ("FREE", None)
    error = await api.error(SET_PLAN, {"r": str(r0), "days": []}, token)
    assert error["code"] == "BOOKINGS_IN_THE_WAY"
    assert {b["id"] for b in error["bookings"]} == {late["id"], early["id"]}
    mails_before = len(await _cancellation_mails(api))
    done = await api.ok(SET_EXCEPTION, {"r": str(r0), "f": d, "t": d, "h": hours, "c": True}, token)
    assert done["setWorkException"]["cancelledBookingIds"] == [late["id"]]
    async with api.resources.sessions() as db:
        rows = {
            b.id: b
            for b in await db.scalars(select(Booking).where(Booking.day == date.fromisoformat(d)))
        }
    assert rows[int(late["id"])].status is BookingStatus.CANCELLED
    assert rows[int(late["id"])].cancel_reason == "The receptionist's working time changed"
    assert rows[int(early["id"])].status is BookingStatus.ACTIVE
    mails = await _cancellation_mails(api)
    assert len(mails) == mails_before + 1
    assert mails[-1].user_id == int(person.id)


async def test_a_booking_racing_a_change_of_working_time_lands_before_it_or_is_refused(
    api: Api, catalog: Catalog
) -> None:
    token = await staff(api)
    r0 = catalog.receptionist_ids[0]
    outcomes: Counter[tuple[str, str]] = Counter()
    for n in range(12):
        person, car = await client_with_car(api, catalog)
        d = api.at(10 + n, "10:00")[:10]
        hours = {"from": "08:00", "to": "12:00", "breaks": []}
        booking, change = await asyncio.gather(
            api.post(BOOK, book_input(catalog, car, api.at(10 + n, "15:00")), person.token),
            api.post(SET_EXCEPTION, {"r": str(r0), "f": d, "t": d, "h": hours}, token),
        )
        codes = tuple(
            "OK" if "errors" not in body else body["errors"][0]["extensions"]["code"]
            for body in (booking, change)
        )
        assert codes in {("OK", "BOOKINGS_IN_THE_WAY"), ("SLOT_UNAVAILABLE", "OK")}, (
            booking,
            change,
        )
        outcomes[codes] += 1
        async with api.resources.sessions() as db:
            active = await db.scalars(
                select(Booking.starts_at).where(
                    Booking.receptionist_id == r0,
                    Booking.day == date.fromisoformat(d),
                    Booking.status == BookingStatus.ACTIVE,
                )
            )
            assert len(list(active)) == (1 if codes[0] == "OK" else 0)
    assert sum(outcomes.values()) == 12


async def test_a_cached_board_shows_a_change_of_working_time_at_once(
    api: Api, catalog: Catalog
) -> None:
    token = await staff(api)
    r0 = catalog.receptionist_ids[0]
    changed, untouched = api.at(4, "10:00")[:10], api.at(5, "10:00")[:10]
    await warm(api, changed, query=BOARD)
    await warm(api, untouched, query=BOARD)
    await api.ok(SET_EXCEPTION, {"r": str(r0), "f": changed, "t": changed}, token)
    board, cached = await read(api, changed, query=BOARD)
    assert cached == "MISS"
    assert str(r0) not in {x["id"] for x in board["receptionists"]}
    _, cached = await read(api, untouched, query=BOARD)
    assert cached == "HIT"


def _any(catalog: Catalog, car: str, starts: str) -> dict[str, Any]:
    variables = book_input(catalog, car, starts)
    del variables["i"]["receptionistId"]
    return variables


async def test_any_receptionist_books_the_least_busy_one_who_works_then(
    api: Api, catalog: Catalog
) -> None:
    token = await staff(api)
    r0, r1 = catalog.receptionist_ids
    # r0 already has a booking that day: the next "any" booking goes to r1, then ties go
    # to the lower id.
    first, first_car = await client_with_car(api, catalog)
    await api.ok(BOOK, book_input(catalog, first_car, api.at(6, "09:00")), first.token)
    picked = []
    for at in ("10:00", "11:00", "12:00"):
        person, car = await client_with_car(api, catalog)
        booked = await api.ok(BOOK, _any(catalog, car, api.at(6, at)), person.token)
        picked.append(int(booked["bookSlot"]["receptionist"]["id"]))
    assert picked == [r1, min(r0, r1), max(r0, r1)]
    # Only working receptionists are chosen; nobody working then is SLOT_UNAVAILABLE.
    d = api.at(7, "10:00")[:10]
    await api.ok(SET_EXCEPTION, {"r": str(r0), "f": d, "t": d}, token)
    hours = {"from": "08:00", "to": "12:00", "breaks": []}
    await api.ok(SET_EXCEPTION, {"r": str(r1), "f": d, "t": d, "h": hours}, token)
    person, car = await client_with_car(api, catalog)
    error = await api.error(BOOK, _any(catalog, car, api.at(7, "15:00")), person.token)
    assert (error["code"], error["message"]) == (
        "SLOT_UNAVAILABLE",
        "No receptionist works at this time",
    )
    booked = await api.ok(BOOK, _any(catalog, car, api.at(7, "10:00")), person.token)
    assert booked["bookSlot"]["receptionist"]["id"] == str(r1)
    other, other_car = await client_with_car(api, catalog)
    error = await api.error(BOOK, _any(catalog, other_car, api.at(7, "10:00")), other.token)
    assert error["code"] == "SLOT_TAKEN"
    board = (await api.ok(BOARD, {"d": d}))["availability"]
    times = {datetime.fromisoformat(t["startsAt"]): t for t in board["times"]}
    ten = times[datetime.fromisoformat(api.at(7, "10:00"))]
    assert (ten["freeReceptionists"], ten["bookable"], ten["closedReason"]) == (0, False, None)
    nine = times[datetime.fromisoformat(api.at(7, "09:00"))]
    assert (nine["freeReceptionists"], nine["bookable"]) == (1, True)


async def test_concurrent_any_bookings_for_one_start_never_share_a_receptionist(
    api: Api, catalog: Catalog
) -> None:
    for n in range(6):
        starts = api.at(20 + n, "10:00")
        clients = [await client_with_car(api, catalog) for _ in range(3)]
        bodies = await asyncio.gather(
            *(api.post(BOOK, _any(catalog, car, starts), person.token) for person, car in clients)
        )
        codes = Counter(
            "OK" if "errors" not in body else body["errors"][0]["extensions"]["code"]
            for body in bodies
        )
        assert codes == Counter({"OK": 2, "SLOT_TAKEN": 1}), bodies
        chosen = [
            body["data"]["bookSlot"]["receptionist"]["id"]
            for body in bodies
            if "errors" not in body
        ]
        assert sorted(chosen) == sorted(str(r) for r in catalog.receptionist_ids)


async def test_a_booking_is_not_moved_outside_working_time(api: Api, catalog: Catalog) -> None:
    token = await staff(api)
    r0, r1 = catalog.receptionist_ids
    person, car = await client_with_car(api, catalog)
    booked = (await api.ok(BOOK, book_input(catalog, car, api.at(11, "09:00")), person.token))[
        "bookSlot"
    ]
    d = api.at(11, "10:00")[:10]
    hours = {"from": "08:00", "to": "12:00", "breaks": [{"from": "10:00", "to": "10:30"}]}
    await api.ok(SET_EXCEPTION, {"r": str(r1), "f": d, "t": d, "h": hours}, token)
    for at, message in (
        ("10:00", "This receptionist is on a break at this time"),
        ("12:00", "This receptionist does not work at this time"),
    ):
        move = {"id": booked["id"], "r": str(r1), "s": api.at(11, at)}
        error = await api.error(MOVE, move, person.token)
        assert (error["code"], error["message"]) == ("SLOT_UNAVAILABLE", message)
    moved = await api.ok(
        MOVE, {"id": booked["id"], "r": str(r1), "s": api.at(11, "11:00")}, person.token
    )
    assert moved["rescheduleBooking"]["receptionist"]["id"] == str(r1)
    assert r0 != r1
