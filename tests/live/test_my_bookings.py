"""myBookingChanged and campaignProgress over real API instances sharing PostgreSQL and Redis."""

from __future__ import annotations

from typing import Any

from repairbook.models.accounts import Role
from tests.api.booking_support import BOOK, CANCEL, MOVE, book_input
from tests.factories import Catalog
from tests.helpers import Api
from tests.live.support import Instance, Subscriber

MINE = "subscription { myBookingChanged { change at booking { id status startsAt receptionist { id } } } }"
PROGRESS = (
    "subscription ($id: ID!) { campaignProgress(id: $id) { id status recipientCount queuedCount } }"
)
CREATE = 'mutation { createCampaign(input: {subject: "S", text: "T", audience: {allClients: true}}) { id status } }'
CANCEL_CAMPAIGN = "mutation ($id: ID!) { cancelCampaign(id: $id) { status } }"


def ok(body: dict[str, Any], field: str) -> dict[str, Any]:
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"][field]
    return data


async def start(
    subscriber: Subscriber, query: str, variables: dict[str, Any] | None = None
) -> None:
    await subscriber.send(
        {"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables or {}}}
    )


async def next_data(subscriber: Subscriber, field: str) -> dict[str, Any]:
    message = await subscriber.receive(5)
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    data: dict[str, Any] = message["payload"]["data"][field]
    return data


async def test_a_client_hears_of_own_bookings_made_moved_and_cancelled_by_staff_elsewhere(
    api: Api, catalog: Catalog, pair: tuple[Instance, Instance]
) -> None:
    a, b = pair
    owner, car = await api.client_with_car(catalog.model_id)
    stranger, other_car = await api.client_with_car(catalog.model_id)
    manager = await api.person(Role.MANAGER)
    async with (
        Subscriber.connect(a.ws_url, owner.token) as own,
        Subscriber.connect(a.ws_url, stranger.token) as other,
    ):
        await start(await own.acknowledged(), MINE)
        await start(await other.acknowledged(), MINE)
        await a.wait_for_subscribers(2)
        booked = ok(
            await b.post(BOOK, book_input(catalog, car, api.at(1, "10:00")), manager.token),
            "bookSlot",
        )
        made = await next_data(own, "myBookingChanged")
        assert (made["change"], made["booking"]["id"]) == ("BOOKED", booked["id"])
        moved_to = api.at(1, "12:00")
        await b.post(
            MOVE,
            {"id": booked["id"], "r": str(catalog.receptionist_ids[1]), "s": moved_to},
            manager.token,
        )
        moved = await next_data(own, "myBookingChanged")
        assert moved["change"] == "MOVED"  # once, not as two slot changes
        assert moved["booking"]["receptionist"] == {"id": str(catalog.receptionist_ids[1])}
        await b.post(CANCEL, {"id": booked["id"], "r": "Заболел мастер"}, manager.token)
        cancelled = await next_data(own, "myBookingChanged")
        assert (cancelled["change"], cancelled["booking"]["status"]) == ("CANCELLED", "CANCELLED")
        # The stranger heard nothing of it, but does hear of their own booking.
        ok(
            await b.post(BOOK, book_input(catalog, other_car, api.at(2, "10:00")), stranger.token),
            "bookSlot",
        )
        theirs = await next_data(other, "myBookingChanged")
        assert theirs["change"] == "BOOKED"


async def test_my_booking_changed_needs_a_signed_in_caller(
    api: Api, pair: tuple[Instance, Instance]
) -> None:
    a, _ = pair
    async with Subscriber.connect(a.ws_url) as anonymous:
        await start(await anonymous.acknowledged(), MINE)
        [error] = await anonymous.errors_of("1")
        assert error["extensions"]["code"] == "UNAUTHENTICATED"


async def test_campaign_progress_for_staff_until_the_campaign_ends(
    api: Api, pair: tuple[Instance, Instance]
) -> None:
    a, b = pair
    manager = await api.person(Role.MANAGER)
    client = await api.person()
    campaign = ok(await b.post(CREATE, {}, manager.token), "createCampaign")
    async with (
        Subscriber.connect(a.ws_url, manager.token) as staff,
        Subscriber.connect(a.ws_url, client.token) as stranger,
    ):
        await start(await staff.acknowledged(), PROGRESS, {"id": campaign["id"]})
        first = await next_data(staff, "campaignProgress")
        assert (first["id"], first["status"]) == (campaign["id"], "SENDING")
        ok(await b.post(CANCEL_CAMPAIGN, {"id": campaign["id"]}, manager.token), "cancelCampaign")
        last = await next_data(staff, "campaignProgress")
        assert last["status"] == "CANCELLED"
        assert await staff.receive(5) == {"id": "1", "type": "complete"}
        await start(await stranger.acknowledged(), PROGRESS, {"id": campaign["id"]})
        [error] = await stranger.errors_of("1")
        assert error["extensions"]["code"] == "FORBIDDEN"
