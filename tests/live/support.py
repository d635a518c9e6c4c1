"""Real API instances on loopback ports, and a small graphql-transport-ws client."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
import websockets
from starlette.applications import Starlette

from repairbook.app import create_app
from repairbook.cli import server_options
from repairbook.config import Settings
from repairbook.embedded import free_port
from repairbook.live.hub import SlotHub

PROTOCOL = "graphql-transport-ws"
SLOT_CHANGED = """
subscription ($d: Date!) {
  slotChanged(date: $d) {
    change at
    slot { startsAt state bookable receptionist { id } booking { id client { nick } } }
  }
}
"""


@dataclass
class Instance:
    """One API process's worth: its own app, connections and slot hub, on its own port."""

    app: Starlette
    port: int

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    @property
    def hub(self) -> SlotHub:
        hub: SlotHub = self.app.state.hub
        return hub

    async def post(self, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
        async with httpx.AsyncClient() as client:
            response = await client.post(
                f"http://127.0.0.1:{self.port}/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )
        body: dict[str, Any] = response.json()
        return body

    async def wait_for_subscribers(self, count: int, seconds: float = 5) -> None:
        async with asyncio.timeout(seconds):
            while self.hub.subscriber_count < count:  # noqa: ASYNC110 - a count, not an event
                await asyncio.sleep(0.01)


@asynccontextmanager
async def instance(settings: Settings) -> AsyncIterator[Instance]:
    app = create_app(settings)
    port = free_port()
    options = server_options(settings)
    config = uvicorn.Config(app, port=port, lifespan="on", log_level="warning", **options)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
            await asyncio.sleep(0.01)
        await asyncio.wait_for(app.state.hub.listening.wait(), 10)
        yield Instance(app, port)
    finally:
        server.should_exit = True
        await task


class Subscriber:
    """One websocket connection speaking graphql-transport-ws."""

    def __init__(self, ws: websockets.ClientConnection) -> None:
        self.ws = ws

    @classmethod
    @asynccontextmanager
    async def connect(
        cls, url: str, token: str | None = None, *, payload: Any = None
    ) -> AsyncIterator[Subscriber]:
        async with websockets.connect(url, subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
            init = payload if payload is not None else (
                {"Authorization": f"Bearer {token}"} if token else {}
            )  # fmt: skip
            await ws.send(json.dumps({"type": "connection_init", "payload": init}))
            yield cls(ws)

    async def acknowledged(self) -> Subscriber:
        assert await self.receive() == {"type": "connection_ack"}
        return self

    async def send(self, message: Any) -> None:
        await self.ws.send(json.dumps(message))

    async def subscribe(self, day: str, op_id: str = "1", query: str = SLOT_CHANGED) -> None:
        await self.send(
            {"id": op_id, "type": "subscribe", "payload": {"query": query, "variables": {"d": day}}}
        )

    async def receive(self, seconds: float = 2) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), seconds))
        return message

    async def errors_of(self, op_id: str) -> list[dict[str, Any]]:
        """The errors an operation ended with (an `error`, or `next` with errors then
        `complete`)."""
        message = await self.receive()
        assert message["id"] == op_id, message
        if message["type"] == "error":
            errors: list[dict[str, Any]] = message["payload"]
            return errors
        assert message["type"] == "next", message
        assert await self.receive() == {"id": op_id, "type": "complete"}
        return list(message["payload"]["errors"])

    async def changes(self, count: int, seconds: float = 2) -> list[dict[str, Any]]:
        """The next `count` slot changes, each within `seconds`."""
        found = []
        for _ in range(count):
            message = await self.receive(seconds)
            assert message["type"] == "next", message
            found.append(message["payload"]["data"]["slotChanged"])
        return found

    async def closed_with(self, seconds: float = 5) -> tuple[int, str]:
        """The close code and reason the server ends the connection with."""
        with contextlib.suppress(websockets.exceptions.ConnectionClosedError):
            async with asyncio.timeout(seconds):
                async for _ in self.ws:
                    pass
        code, reason = self.ws.close_code, self.ws.close_reason
        assert code is not None, "still open"
        return code, reason or ""
