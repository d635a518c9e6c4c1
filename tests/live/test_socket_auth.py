"""A websocket is authorised as HTTP is: the user row read for each operation, an expired
token refused, and the connection closed with 4403 when its token runs out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import delete, update

from repairbook.accounts.tokens import issue_access_token
from repairbook.clock import FixedClock
from repairbook.config import Settings
from repairbook.models.accounts import Role, User
from tests.helpers import PASSWORD, Api
from tests.live.support import Instance, Subscriber, instance

STAFF_ONLY = "{ users(role: null) { edges { node { nick } } } }"
ME = "{ me { nick role } }"


@pytest.fixture
async def server(settings: Settings, api: Api) -> AsyncIterator[Instance]:
    async with instance(settings) as one:
        yield one


async def run(
    ws: Subscriber, op_id: str, query: str, variables: object = None
) -> dict[str, object]:
    """One query or mutation over the socket: its `next` payload, or its `error` payload."""
    payload = {"query": query, "variables": variables or {}}
    await ws.send({"id": op_id, "type": "subscribe", "payload": payload})
    message = await ws.receive()
    assert message["id"] == op_id, message
    if message["type"] == "error":
        return {"errors": message["payload"]}
    assert message["type"] == "next", message
    assert await ws.receive() == {"id": op_id, "type": "complete"}
    result: dict[str, object] = message["payload"]
    return result


def codes(result: dict[str, object]) -> list[str]:
    errors = result.get("errors") or []
    assert isinstance(errors, list)
    return [error["extensions"]["code"] for error in errors]


async def set_role(api: Api, user_id: str, role: Role) -> None:
    async with api.resources.sessions() as db, db.begin():
        await db.execute(update(User).where(User.id == int(user_id)).values(role=role))


async def test_a_demoted_manager_loses_staff_reads_at_once(api: Api, server: Instance) -> None:
    boss = await api.person(Role.MANAGER)
    async with Subscriber.connect(server.ws_url, boss.token) as ws:
        await ws.acknowledged()
        assert codes(await run(ws, "1", STAFF_ONLY)) == []
        await set_role(api, boss.id, Role.CLIENT)
        assert codes(await run(ws, "2", STAFF_ONLY)) == ["FORBIDDEN"]
        me = await run(ws, "3", ME)
    assert me["data"] == {"me": {"nick": boss.nick, "role": "CLIENT"}}


async def test_a_promoted_client_gets_staff_reads_at_once(api: Api, server: Instance) -> None:
    person = await api.person()
    async with Subscriber.connect(server.ws_url, person.token) as ws:
        await ws.acknowledged()
        assert codes(await run(ws, "1", STAFF_ONLY)) == ["FORBIDDEN"]
        await set_role(api, person.id, Role.ADMIN)
        assert codes(await run(ws, "2", STAFF_ONLY)) == []


async def test_a_deleted_account_is_signed_out_at_once(api: Api, server: Instance) -> None:
    person = await api.person()
    async with Subscriber.connect(server.ws_url, person.token) as ws:
        await ws.acknowledged()
        assert codes(await run(ws, "1", ME)) == []
        async with api.resources.sessions() as db, db.begin():
            await db.execute(delete(User).where(User.id == int(person.id)))
        result = await run(ws, "2", ME)
    assert codes(result) == ["UNAUTHENTICATED"]


async def test_a_password_change_signs_the_socket_out(api: Api, server: Instance) -> None:
    person = await api.person()
    change = (
        "mutation ($c: String!, $n: String!) "
        "{ changePassword(currentPassword: $c, newPassword: $n) { accessToken } }"
    )
    async with Subscriber.connect(server.ws_url, person.token) as ws:
        await ws.acknowledged()
        assert codes(await run(ws, "1", ME)) == []
        await api.ok(change, {"c": PASSWORD, "n": "a brand new passphrase"}, person.token)
        assert codes(await run(ws, "2", ME)) == ["UNAUTHENTICATED"]


async def test_an_expired_token_is_refused_per_operation(
    api: Api, server: Instance, settings: Settings
) -> None:
    person = await api.person()
    async with Subscriber.connect(server.ws_url, person.token) as ws:
        await ws.acknowledged()
        assert codes(await run(ws, "1", ME)) == []
        resources = server.app.state.resources
        real = resources.clock
        # The process's clock moves past the token's 15 minutes; the connection's timer,
        # which sleeps in real time, has not fired yet: the operation itself must refuse.
        resources.clock = FixedClock(
            api.now() + timedelta(minutes=settings.access_token_minutes, seconds=1)
        )
        try:
            await ws.send({"id": "2", "type": "subscribe", "payload": {"query": ME}})
            refused = await ws.receive()
            closed = await ws.closed_with()
        finally:
            resources.clock = real
    assert refused["type"] == "error", refused
    assert refused["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert closed == (4403, "Access token expired")


async def test_an_idle_socket_is_closed_when_its_token_runs_out(
    api: Api, server: Instance, settings: Settings
) -> None:
    person = await api.person()
    token = issue_access_token(
        int(person.id),
        secret=settings.secret_key.get_secret_value(),
        now=api.now(),
        ttl=timedelta(seconds=2),
    )
    async with Subscriber.connect(server.ws_url, token) as ws:
        await ws.acknowledged()
        assert codes(await run(ws, "1", ME)) == []
        # No subscription: only a connection-level timer can end it.
        assert await ws.closed_with(seconds=6) == (4403, "Access token expired")
