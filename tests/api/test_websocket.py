"""The websocket endpoint over a real server: graphql-transport-ws only."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import uvicorn
import websockets
from starlette.applications import Starlette

from repairbook.api import build_schema
from repairbook.config import Settings
from repairbook.embedded import free_port


@pytest.fixture
async def server_url(app: Starlette) -> AsyncIterator[str]:
    port = free_port()
    # The app's lifespan already ran in the `app` fixture; uvicorn only serves it.
    server = uvicorn.Server(uvicorn.Config(app, port=port, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
        await asyncio.sleep(0.01)
    yield f"ws://127.0.0.1:{port}/graphql"
    server.should_exit = True
    await task


async def test_graphql_transport_ws_is_accepted(server_url: str) -> None:
    async with websockets.connect(server_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv()) == {"type": "connection_ack"}
        await ws.send(json.dumps({"type": "ping"}))
        assert json.loads(await ws.recv()) == {"type": "pong"}


async def test_legacy_graphql_ws_is_refused(server_url: str) -> None:
    async with websockets.connect(server_url, subprotocols=["graphql-ws"]) as ws:  # type: ignore[list-item]
        with pytest.raises(websockets.exceptions.ConnectionClosedError) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
        4406,
        "Subprotocol not acceptable",
    )


async def test_connection_init_is_awaited_only_briefly(server_url: str) -> None:
    async with websockets.connect(server_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        with pytest.raises(websockets.exceptions.ConnectionClosedError) as closed:
            await asyncio.wait_for(ws.recv(), timeout=10)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4408  # connection initialisation timeout


@dataclass
class _Context:
    settings: Settings
    request_id: str = "r"


async def test_production_hides_field_suggestions(settings: Settings) -> None:
    schema = build_schema()
    production = settings.model_copy(update={"env": "production"})
    dev = await schema.execute("{ me { nik } }", context_value=_Context(settings))
    prod = await schema.execute("{ me { nik } }", context_value=_Context(production))
    assert dev.errors is not None
    assert prod.errors is not None
    assert "Did you mean 'nick'" in dev.errors[0].message
    assert prod.errors[0].message.endswith("Cannot query field 'nik' on type 'User'.")
    assert prod.errors[0].extensions == {"code": "BAD_USER_INPUT"}
