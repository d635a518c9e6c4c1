"""Lists that can grow, one pattern: cursor connections with first/after, pageInfo and
totalCount, beside the bounded fields they extend."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from repairbook.models.accounts import Role
from repairbook.models.notifications import MessageStatus, OutboxMessage
from tests.api.booking_support import BOOK, CANCEL, book_input, client_with_car
from tests.factories import Catalog
from tests.helpers import Api

PAGE = "edges { cursor node { id } } pageInfo { hasNextPage endCursor } totalCount"


async def read_all(
    api: Api, query: str, path: list[str], token: str, **variables: Any
) -> list[str]:
    """Every id, two at a time, checking totalCount on each page."""
    ids: list[str] = []
    after = None
    while True:
        data: Any = await api.ok(query, {**variables, "first": 2, "after": after}, token)
        for key in path:
            data = data[key]
        ids += [edge["node"]["id"] for edge in data["edges"]]
        assert len(data["edges"]) <= 2
        if not data["pageInfo"]["hasNextPage"]:
            assert data["totalCount"] == len(ids)
            return ids
        after = data["pageInfo"]["endCursor"]


async def test_bookings_page_through_in_the_bounded_lists_order(api: Api, catalog: Catalog) -> None:
    client, car = await client_with_car(api, catalog)
    manager = await api.person(Role.MANAGER)
    made = []
    for day in (1, 2, 3, 4, 5):
        booked = await api.ok(BOOK, book_input(catalog, car, api.at(day, "10:00")), client.token)
        made.append(booked["bookSlot"]["id"])
    await api.ok(CANCEL, {"id": made[2]}, client.token)
    mine = "query ($first: Int!, $after: String, $p: Boolean!) { myBookingsConnection(includePast: $p, first: $first, after: $after) { _PAGE_ } }".replace(
        "_PAGE_", PAGE
    )
    old = await api.ok("{ myBookings { id } }", token=client.token)
    assert await read_all(api, mine, ["myBookingsConnection"], client.token, p=False) == [
        b["id"] for b in old["myBookings"]
    ]
    assert await read_all(api, mine, ["myBookingsConnection"], client.token, p=True) == made[::-1]
    staff = "query ($first: Int!, $after: String, $f: Date!, $t: Date!) { bookingsConnection(from: $f, to: $t, first: $first, after: $after) { _PAGE_ } }".replace(
        "_PAGE_", PAGE
    )
    span = {"f": api.at(0, "08:00")[:10], "t": api.at(6, "08:00")[:10]}
    assert await read_all(api, staff, ["bookingsConnection"], manager.token, **span) == made
    user = "query ($first: Int!, $after: String, $u: ID!) { user(id: $u) { bookingsConnection(first: $first, after: $after) { _PAGE_ } } }".replace(
        "_PAGE_", PAGE
    )
    theirs = await read_all(api, user, ["user", "bookingsConnection"], manager.token, u=client.id)
    assert theirs == made


async def test_a_cursor_from_elsewhere_and_a_bad_first_are_refused(api: Api) -> None:
    client = await api.person()
    query = (
        "query ($a: String, $f: Int!) { myBookingsConnection(first: $f, after: $a) { totalCount } }"
    )
    error = await api.error(query, {"a": "bm9wZQ==", "f": 2}, client.token)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "after")
    error = await api.error(query, {"a": None, "f": 101}, client.token)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "first")


async def test_campaigns_failed_mail_and_users_are_connections_with_counts(api: Api) -> None:
    manager = await api.person(Role.MANAGER)
    await api.person()
    create = 'mutation { createCampaign(input: {subject: "S", text: "T", audience: {allClients: true}}) { id } }'
    made = [(await api.ok(create, token=manager.token))["createCampaign"]["id"] for _ in range(3)]
    campaigns = "query ($first: Int!, $after: String) { campaignsConnection(first: $first, after: $after) { _PAGE_ } }".replace(
        "_PAGE_", PAGE
    )
    assert await read_all(api, campaigns, ["campaignsConnection"], manager.token) == made[::-1]
    users = await api.ok(
        "{ users(role: null) { totalCount edges { node { id } } } }", token=manager.token
    )
    assert users["users"]["totalCount"] == 2
    async with api.resources.sessions() as db, db.begin():
        await db.execute(update(OutboxMessage).values(status=MessageStatus.FAILED, last_error="x"))
    failed = "query ($first: Int!, $after: String) { mailOutbox { failedConnection(first: $first, after: $after) { _PAGE_ } } }".replace(
        "_PAGE_", PAGE
    )
    ids = await read_all(api, failed, ["mailOutbox", "failedConnection"], manager.token)
    assert len(ids) == await api.count(OutboxMessage)
