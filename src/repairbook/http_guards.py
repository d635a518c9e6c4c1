"""What the HTTP layer refuses before GraphQL sees a request, always as a JSON GraphQL error
with a code: bodies over the size limit (413, not read whole), JSON nested too deeply, and
whatever strawberry refuses (not JSON, not one object, wrong content type, a GET mutation).
Also which browser origins may call the API: CORS for HTTP, and the same list for the
websocket's Origin check (browsers apply no CORS to websockets)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from repairbook.config import Settings
from repairbook.errors import ErrorCode

MAX_JSON_DEPTH = 32


def error_response(
    message: str, status: int, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    code = ErrorCode.NOT_FOUND if status == 404 else ErrorCode.BAD_USER_INPUT
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code.value}}]}, status, headers
    )


async def http_error(request: Request, error: Exception) -> Response:
    """Starlette's own refusals (no such path, wrong method) in the same JSON shape."""
    assert isinstance(error, HTTPException)
    return error_response(error.detail, error.status_code, error.headers)


class BodyLimit:
    """Refuses a body over `limit` bytes with 413: at once from its Content-Length, or as
    soon as a chunked body passes the limit. The rest of the body is never read."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(f"The request is larger than {self.limit:,} bytes", 413)
        await response(scope, receive, send)


def decode_json(data: str | bytes) -> object:
    """json.loads, refusing nesting deeper than MAX_JSON_DEPTH (which would otherwise
    exhaust the stack in the decoder or in variable coercion)."""
    try:
        value = json.loads(data)
    except RecursionError as error:
        raise json.JSONDecodeError("nested too deeply", "", 0) from error
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise json.JSONDecodeError(f"nested deeper than {MAX_JSON_DEPTH}", "", 0)
        if isinstance(item, dict):
            stack.extend((inner, depth + 1) for inner in item.values())
        elif isinstance(item, list):
            stack.extend((inner, depth + 1) for inner in item)
    return value


# Where frontend dev servers run: any port on the loopback names.
DEV_ORIGINS = r"http://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?"


@dataclass(frozen=True, slots=True)
class Origins:
    """The browser origins allowed to call the API: one list for CORS and the websocket."""

    listed: tuple[str, ...]
    pattern: str | None

    @classmethod
    def for_settings(cls, settings: Settings) -> Origins:
        return cls(settings.cors_origins, None if settings.is_production else DEV_ORIGINS)

    def allows(self, origin: str) -> bool:
        """Whether pages on `origin` (as a browser sends it) may call the API."""
        if "*" in self.listed or origin in self.listed:
            return True
        return self.pattern is not None and re.fullmatch(self.pattern, origin) is not None

    def cors_options(self) -> dict[str, Any]:
        """For Starlette's CORSMiddleware. Bearer tokens, not cookies: no credentials mode.
        Browsers may cache a preflight for ten minutes."""
        return {
            "allow_origins": self.listed,
            "allow_origin_regex": self.pattern,
            "allow_methods": ("GET", "POST"),
            # Any request header: no cookies are used, so none can carry ambient authority,
            # and frontends send tracing and client headers (traceparent, tracestate,
            # baggage, sentry-trace, apollographql-client-name/-version, …).
            "allow_headers": ("*",),
            "expose_headers": ("x-request-id", "x-cache", "etag"),
            "max_age": 600,
        }
