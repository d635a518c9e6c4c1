"""bookSlot's idempotencyKey: the same request again is the same booking; the same key for
another request is refused, never answered with the old booking."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from repairbook.models.booking import Booking
from tests.api.booking_support import BOOK, CANCEL, book_input, client_with_car
from tests.factories import Catalog
from tests.helpers import Api


async def test_the_same_key_for_other_input_is_refused_even_after_a_cancellation(
    api: Api, catalog: Catalog
) -> None:
    client, car = await client_with_car(api, catalog)
    first = book_input(catalog, car, api.at(1, "10:00"), idempotencyKey="k-1")
    booked = (await api.ok(BOOK, first, client.token))["bookSlot"]
    in_utc = datetime.fromisoformat(api.at(1, "10:00")).astimezone(ZoneInfo("UTC")).isoformat()
    same = book_input(catalog, car, in_utc, idempotencyKey="k-1")  # the same slot, other offset
    assert (await api.ok(BOOK, same, client.token))["bookSlot"]["id"] == booked["id"]
    other_day = book_input(catalog, car, api.at(2, "11:00"), idempotencyKey="k-1")
    reused = await api.error(BOOK, other_day, client.token)
    assert (reused["code"], reused["field"]) == ("IDEMPOTENCY_KEY_REUSED", "idempotencyKey")
    await api.ok(CANCEL, {"id": booked["id"]}, client.token)
    again = await api.error(BOOK, other_day, client.token)
    assert again["code"] == "IDEMPOTENCY_KEY_REUSED"
    other_receptionist = book_input(
        catalog, car, api.at(1, "10:00"), receptionist=1, idempotencyKey="k-1"
    )
    assert (await api.error(BOOK, other_receptionist, client.token))["code"] == (
        "IDEMPOTENCY_KEY_REUSED"
    )
    assert await api.count(Booking) == 1
