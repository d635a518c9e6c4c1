"""Shared GraphQL documents and builders for the booking tests."""

from __future__ import annotations

from typing import Any

from tests.factories import Catalog
from tests.helpers import Api, Person

BOOKING_FIELDS = "id startsAt endsAt status price priceLines { kind amount } receptionist { id } car { id } client { nick } repairType { name } cancelledAt cancelReason"
BOOK = f"mutation ($i: BookSlotInput!) {{ bookSlot(input: $i) {{ {BOOKING_FIELDS} }} }}"
CANCEL = "mutation ($id: ID!, $r: String) { cancelBooking(id: $id, reason: $r) { id status cancelledAt cancelReason } }"
MOVE = "mutation ($id: ID!, $r: ID!, $s: DateTime!) { rescheduleBooking(id: $id, receptionistId: $r, startsAt: $s) { id startsAt receptionist { id } } }"
CLOSE_DAY = "mutation ($d: Date!, $c: Boolean!) { setClosedDay(date: $d, closed: $c) { closed } }"
BOARD = "query ($d: Date!) { availability(date: $d) { date slotMinutes receptionists { id } slots { startsAt endsAt receptionist { id } state bookable booking { id client { nick } } } } }"


async def client_with_car(
    api: Api, catalog: Catalog, model_id: int | None = None
) -> tuple[Person, str]:
    return await api.client_with_car(model_id or catalog.model_id)


def book_input(
    catalog: Catalog, car_id: str, starts_at: str, *, receptionist: int = 0, **extra: Any
) -> dict[str, Any]:
    return {
        "i": {
            "receptionistId": str(catalog.receptionist_ids[receptionist]),
            "startsAt": starts_at,
            "carId": car_id,
            "repairTypeId": str(extra.pop("repair_type_id", catalog.to1_id)),
            **extra,
        }
    }


def slot_of(board: dict[str, Any], receptionist_id: int, starts_at: str) -> dict[str, Any]:
    from datetime import datetime

    wanted = datetime.fromisoformat(starts_at)
    for slot in board["slots"]:
        if (
            slot["receptionist"]["id"] == str(receptionist_id)
            and datetime.fromisoformat(slot["startsAt"]) == wanted
        ):
            return dict(slot)
    raise AssertionError(f"no slot {starts_at} for receptionist {receptionist_id}")
