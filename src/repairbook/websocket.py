"""graphql-transport-ws, hardened: every message is checked before strawberry reads it, and
the subscription limit answers with an error code like everything else."""

from __future__ import annotations

from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    Message,
    SubscribeMessage,
)

from repairbook.errors import ErrorCode
from repairbook.schema.context import Context

MAX_OPERATIONS = 20  # at once on one connection: subscriptions, and queries in flight


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    async def handle_message(self, message: Message) -> None:
        problem = _problem(message)
        if problem:
            await self.handle_invalid_message(problem)  # closes with 4400
            return
        await super().handle_message(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        full = len(self.operations) >= MAX_OPERATIONS
        if self.connection_acknowledged and message["id"] not in self.operations and full:
            await self.send_message(
                {
                    "id": message["id"],
                    "type": "error",
                    "payload": [
                        {
                            "message": f"At most {MAX_OPERATIONS} operations at once",
                            "extensions": {"code": ErrorCode.RATE_LIMITED.value},
                        }
                    ],
                }
            )
            return
        await super().handle_subscribe(message)


def _problem(message: Any) -> str | None:
    """Why a message breaks the protocol, before anything indexes into it."""
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return "A message is a JSON object with a string 'type'"
    if message["type"] in ("subscribe", "complete") and not isinstance(message.get("id"), str):
        return f"A {message['type']} message needs a string 'id'"
    if message["type"] != "subscribe":
        return None
    payload = message.get("payload")
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return "A subscribe message needs a payload with a string 'query'"
    if not isinstance(payload.get("variables") or {}, dict):
        return "'variables' must be an object"
    if not isinstance(payload.get("operationName") or "", str):
        return "'operationName' must be a string"
    return None
