"""An ASGI middleware counting HTTP responses and open websockets, and binding the request
id to the log lines of the request."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from repairbook import telemetry
from repairbook.observability import logs

ROUTES = ("/graphql", "/healthz", "/readyz", "/unsubscribe", "/metrics")
BOARD_CACHE_HEADER = b"x-cache"  # set by board_cache on the day boards it handled


def route_of(path: str) -> str:
    """A bounded label: the app's routes, /static, or `other` (scanners ask for anything)."""
    if path in ROUTES:
        return path
    if path.startswith("/static/"):
        return "/static"
    return "other"


class Observe:
    """Inside RequestId, so that the request id is known here."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        logs.reset()
        logs.bind(request_id=scope.get("state", {}).get("request_id"))
        if scope["type"] == "websocket":
            telemetry.WEBSOCKETS.inc()
            try:
                await self.app(scope, receive, send)
            finally:
                telemetry.WEBSOCKETS.dec()
            return
        route = route_of(scope.get("path", ""))
        status = {"code": 500}  # what an app that died before answering amounts to

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                for name, value in message.get("headers", ()):
                    if name.lower() == BOARD_CACHE_HEADER:
                        telemetry.BOARD_CACHE.labels(value.decode("latin-1").lower()).inc()
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            telemetry.HTTP_RESPONSES.labels(route, str(status["code"])).inc()
