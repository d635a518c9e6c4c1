"""graphql-transport-ws, hardened: every message is checked before strawberry reads it, and
the subscription limit answers with an error code like everything else.

Errors in a document are `error` messages with codes (never a close or a bare `complete`).
A signed-in connection is authorised as HTTP authorises a request: each operation re-reads
the user (schema/auth.py `reauthorise`), an operation after the token ran out is refused,
and a timer closes the connection with 4403 the moment the token runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from graphql import GraphQLError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    ErrorMessage,
    Message,
    SubscribeMessage,
)

from repairbook.errors import ErrorCode
from repairbook.schema.auth import reauthorise
from repairbook.schema.context import Context

MAX_OPERATIONS = 20  # at once on one connection: subscriptions, and queries in flight
EXPIRED = 4403  # graphql-transport-ws "forbidden": the access token ran out


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    _expiry: asyncio.Task[None] | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        left = self.context.seconds_signed_in()
        if self.connection_acknowledged and left is not None and self._expiry is None:
            self._expiry = asyncio.create_task(self._close_at_expiry(left))

    async def _close_at_expiry(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        await self._sign_out()

    async def _sign_out(self) -> None:
        with contextlib.suppress(RuntimeError):  # already closing
            await self.websocket.close(EXPIRED, "Access token expired")

    async def shutdown(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
        await super().shutdown()

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        if await reauthorise(self.context):
            await super().run_operation(operation)
            return
        code = ErrorCode.UNAUTHENTICATED.value
        error = GraphQLError("Access token expired", extensions={"code": code})
        await operation.send_operation_message(
            ErrorMessage(id=operation.id, type="error", payload=[error.formatted])
        )
        await self._sign_out()

    @staticmethod
    def _get_pre_execution_close_reason(error: GraphQLError) -> str | None:
        """Never: a document that does not parse, has too many tokens or names no operation
        of its own gets an `error` message with the codes, as over HTTP. The connection
        closes (4400) only for messages that break the protocol itself."""
        return None

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
