"""The Starlette application: GraphQL over HTTP and websocket, GraphiQL, health probes."""

from __future__ import annotations

import gc
import logging
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from cross_web import HTTPException
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.http.websocket_origin import normalize_origin
from strawberry.schema import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from repairbook import graphql_http, pages, persisted, webapp
from repairbook.api import schema_for
from repairbook.board_cache import BoardCache, Stamper
from repairbook.booking.service import calendar_of
from repairbook.campaigns.tasks import campaign_requester
from repairbook.config import ConfigurationError, Settings
from repairbook.http_guards import (
    BodyLimit,
    Origins,
    decode_json,
    error_response,
    http_error,
)
from repairbook.live.hub import SlotHub
from repairbook.live.publisher import slot_publisher
from repairbook.notifications.tasks import delivery_requester
from repairbook.resources import Resources
from repairbook.schema.auth import authenticate
from repairbook.schema.context import Context
from repairbook.schema.errors import public_errors
from repairbook.schema.language import pick
from repairbook.websocket import TransportWSHandler

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# GraphiQL's own assets only; inline styles are how its editor positions things.
GRAPHIQL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


class RequestId:
    """Tags every request with an id (the caller's X-Request-ID or a new one) and echoes it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        await self.app(scope, receive, send_with_id)


class GraphQLApp(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TransportWSHandler

    def __init__(
        self,
        schema: BaseSchema,
        *,
        origins: Origins,
        manifest: persisted.Manifest | None = None,
        **options: Any,
    ) -> None:
        super().__init__(schema, allowed_origins=origins.listed, **options)
        self.origins = origins
        self.manifest = manifest  # trusted documents: the only ones run

    def is_websocket_origin_allowed(self, request: WebSocket, origin: str) -> bool:
        """Cross-origin handshakes only (strawberry lets same-origin pages and clients that
        send no Origin through, and refuses the rest with 403): the CORS list decides."""
        return self.origins.allows(normalize_origin(origin) or "")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        media = graphql_http.negotiate(request.headers.get("accept"))
        if media is None and not _asks_for_the_ide(request):
            await graphql_http.not_acceptable()(scope, receive, send)
            return
        try:
            request = await graphql_http.with_persisted_document(
                request, request.app.state.resources.redis, self.manifest
            )
            response = await self._answer(request)
        except persisted.Refusal as refusal:
            response = graphql_http.refused(refusal)
        except HTTPException as error:  # strawberry refuses in plain text; we answer in JSON
            response = error_response(error.reason, error.status_code)
        if media is not None:
            response = graphql_http.finish(request, response, media)
        await response(scope, receive, send)

    async def _answer(self, request: Request) -> Response:
        """A day board from the cache when it can be (board_cache.py), the rest as usual."""
        board: BoardCache | None = request.app.state.board
        json_post = request.method == "POST" and request.headers.get("content-type", "").startswith(
            "application/json"
        )
        if board is None or not json_post:
            return await self.run(request)
        try:
            payload = decode_json(await request.body())
        except ValueError:
            return await self.run(request)  # which says what is wrong with it
        try:
            plan = board.plan(payload)
        except Exception:  # a fault of the cache must never cost the caller the answer
            log.exception("the board cache could not read a request; answering without it")
            plan = None
        if plan is None:
            return await self.run(request)
        # Who asks matters only to a board with booking details; for the others a hit
        # skips signing the caller in (a presented token changes nothing on them).
        context = None
        if plan.private:
            context = await self.get_context(request, await self.get_sub_response(request))

        async def produce() -> tuple[Response, bool]:
            if context is None:
                response = await self.run(request)
            else:
                response = await self.run(request, context=context)
            errors: bool = getattr(request.state, "graphql_errors", True)
            return response, response.status_code == 200 and not errors

        return await board.answer(plan, context.viewer if context else None, produce)

    def decode_json(self, data: str | bytes) -> object:
        return decode_json(data)

    def parse_json(self, data: str | bytes) -> Any:
        value = super().parse_json(data)
        if not isinstance(value, dict):
            raise HTTPException(400, "Send one JSON object: {query, variables, operationName}")
        return value

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        context = Context(
            request=request,
            response=response if isinstance(response, Response) else None,
            resources=request.app.state.resources,
            request_id=request.state.request_id,
            hub=request.app.state.hub,
        )
        if isinstance(request, Request):
            await authenticate(context, request.headers.get("authorization"))
        return context

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """A websocket signs in once, with connection_init's payload
        `{"Authorization": "Bearer <accessToken>"}`; without one it is anonymous. A bad or
        expired token closes the connection with 4403."""
        params = context.connection_params or {}
        header = params.get("Authorization", params.get("authorization"))
        if header is None:
            return UnsetType()  # a plain connection_ack
        if not isinstance(header, str) or not header.strip():
            raise ConnectionRejectionError
        await authenticate(context, header)
        if context.auth_error is not None:
            raise ConnectionRejectionError
        return UnsetType()

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """Every HTTP response's errors are made public here, whatever path made them."""
        request.state.graphql_errors = bool(result.errors)
        if result.errors:
            settings: Settings = request.app.state.resources.settings
            result.errors = public_errors(
                result.errors,
                request_id=request.state.request_id,
                production=settings.is_production,
                language=pick(request.headers.get("accept-language"), None),
            )
        return await super().process_result(request, result)

    async def render_graphql_ide(self, request: Request) -> Response:
        response = FileResponse(STATIC / "graphiql" / "index.html", media_type="text/html")
        response.headers["content-security-policy"] = GRAPHIQL_CSP
        return response


def _asks_for_the_ide(request: Request) -> bool:
    """A browser opening /graphql (GraphiQL): a GET for HTML with no query in it."""
    return request.method == "GET" and "query" not in request.query_params


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    resources: Resources = request.app.state.resources
    checks: dict[str, str] = {}
    try:
        async with resources.database.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:
        checks["database"] = f"error: {type(error).__name__}"
    try:
        await resources.redis.ping()
        checks["redis"] = "ok"
    except Exception as error:
        checks["redis"] = f"error: {type(error).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", **checks}, 200 if ready else 503
    )


def _tune_gc() -> None:
    """A full day's schedule allocates ~100k short-lived objects; with the default thresholds the
    cyclic collector runs hundreds of times per request and rescans everything loaded at
    start-up. Freezing the start-up heap and collecting less often cut its latency by ~20%
    in bench/board.py."""
    gc.freeze()
    gc.set_threshold(20_000, 50, 50)


def create_app(settings: Settings) -> Starlette:
    settings.check_production_ready()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        resources = app.state.resources = await Resources.open(settings)
        assert settings.redis_url
        resources.database.after_commit += [
            slot_publisher(resources.redis, resources.clock),
            delivery_requester(resources.redis),
            campaign_requester(resources.redis),
        ]
        hub = app.state.hub = SlotHub(
            settings.redis_url, resources.database, calendar_of(settings), resources.clock
        )
        await hub.start()
        board = app.state.board = (
            BoardCache(
                schema_for(settings)._schema,
                Stamper(resources.database),
                calendar_of(settings),
                resources.clock,
            )
            if settings.board_cache
            else None
        )
        _tune_gc()
        try:
            yield
        finally:
            if board is not None:
                await board.close()
            await hub.stop()
            await resources.close()

    origins = Origins.for_settings(settings)
    graphql = GraphQLApp(
        schema_for(settings),
        origins=origins,
        manifest=trusted_manifest(settings),
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
        allow_queries_via_get=True,  # queries only: strawberry refuses mutations over GET
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        connection_init_wait_timeout=timedelta(seconds=5),
    )
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/unsubscribe", pages.unsubscribe, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        lifespan=lifespan,
        exception_handlers={StarletteHTTPException: http_error},
    )
    app.router.default = webapp.WebApp(webapp.built_folder())  # every other path: the web app
    app.add_middleware(BodyLimit, limit=settings.max_request_bytes)
    app.add_middleware(RequestId)
    # Added last, so outermost: refusals (413, 400) carry CORS headers too.
    app.add_middleware(CORSMiddleware, **origins.cors_options())
    return app


def trusted_manifest(settings: Settings) -> persisted.Manifest | None:
    if settings.trusted_documents is None:
        return None
    try:
        return persisted.load_manifest(settings.trusted_documents)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigurationError(
            f"REPAIRBOOK_TRUSTED_DOCUMENTS: cannot read a manifest from "
            f"{settings.trusted_documents} ({error})"
        ) from error


def create_app_from_environment() -> Starlette:
    """The factory uvicorn calls in each worker process (`repairbook serve --workers N`)."""
    return create_app(Settings())
