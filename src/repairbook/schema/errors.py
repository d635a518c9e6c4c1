"""The one place where failures become GraphQL errors with `extensions.code`.

Domain errors keep their message and code; problems with the request document or its
variables become BAD_USER_INPUT; anything else is masked as INTERNAL_SERVER_ERROR with a
request id that is logged together with the traceback.

`public_errors` is applied to every result a caller can receive: by the `ErrorCodes`
extension (each result of a stream, and a direct execution) and by the HTTP view (every
HTTP response). It is idempotent, so a result seen twice comes out the same.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from typing import Any

from graphql import GraphQLError
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from repairbook.errors import ErrorCode, InvalidInput, RateLimited, RepairbookError
from repairbook.schema.language import RU, about_the_document, internal, say

log = logging.getLogger("repairbook.errors")
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?", re.DOTALL)
# What graphql-core and strawberry echo back of a request: never repeat what a caller sent
# (a password in a variable, a 500 KB literal), just say where the problem is.
_ECHOES = [
    (re.compile(r"[,.]? ?[Ff]ound: .*$", re.DOTALL), ""),
    (re.compile(r'(cannot represent an? [\w ]+?): ".*?"\.', re.DOTALL), r"\1."),
    (re.compile(r"(cannot represent (?:an? )?non[- ][\w ]+? value): .*$", re.DOTALL), r"\1."),
    (re.compile(r"(got invalid value)[^;]*", re.DOTALL), r"\1"),
]
_AT_PATH = re.compile(r"invalid value at [.\w\[\]]*?\.?(\w+):")
_NAMED_FIELD = re.compile(r"(?:required|unknown) field '(\w+)'")
MAX_MESSAGE = 300
_SAID = "_repairbook_said"  # marks an error made public, so a second pass leaves it be


def public_errors(
    errors: Sequence[GraphQLError], *, request_id: str, production: bool, language: str = RU
) -> list[GraphQLError]:
    return [_public(error, request_id, production, language) for error in errors]


def _public(error: GraphQLError, request_id: str, production: bool, language: str) -> GraphQLError:
    if getattr(error, _SAID, False):
        return error  # public already, in its caller's language
    said = _said(error, request_id, production, language)
    setattr(said, _SAID, True)
    return said


def _said(error: GraphQLError, request_id: str, production: bool, language: str) -> GraphQLError:
    if error.extensions and "code" in error.extensions:
        # Refused before execution with a code already (request checks, limits).
        code = _code(error.extensions["code"])
        message = say(error.message, code, language) if code else error.message
        return _copy(error, message, dict(error.extensions))
    original = error.original_error
    if isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    if isinstance(original, RepairbookError):
        extensions: dict[str, object] = {"code": original.code.value}
        if original.field:
            extensions["field"] = original.field
        if isinstance(original, RateLimited) and original.retry_after is not None:
            extensions["retryAfter"] = original.retry_after
        return _copy(error, say(original.message, original.code, language), extensions)
    if error.path is None and (original is None or error.nodes or error.positions):
        # About the document itself, located in it: syntax, validation, limits, variables.
        message, extensions = _about_the_request(error.message, production)
        return _copy(error, about_the_document(message, language), extensions)
    log.error(
        "unexpected error in %s (request id %s)",
        ".".join(map(str, error.path or [])) or "the operation",
        request_id,
        exc_info=original or error,
    )
    return _copy(
        error,
        internal(request_id, language),
        {"code": ErrorCode.INTERNAL_SERVER_ERROR.value, "requestId": request_id},
    )


def _code(value: object) -> ErrorCode | None:
    try:
        return ErrorCode(str(value))
    except ValueError:
        return None  # a code of the transport (e.g. persisted documents): said as it is


def _about_the_request(message: str, production: bool) -> tuple[str, dict[str, object]]:
    extensions: dict[str, object] = {"code": ErrorCode.BAD_USER_INPUT.value}
    if found := _AT_PATH.search(message) or _NAMED_FIELD.search(message):
        extensions["field"] = found.group(1)
    for pattern, replacement in _ECHOES:
        message = pattern.sub(replacement, message)
    if production:
        # Field suggestions help integrators in development but map the schema for others.
        message = _SUGGESTION.sub("", message)
    message = message.rstrip()
    if not message.endswith((".", "?", "!")):
        message += "."
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 1] + "…"
    return message, extensions


def _copy(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        """A direct execution's one result, once the operation is done."""
        yield
        self._convert(self.execution_context.result)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        """Each result of a stream (the websocket), before it is sent: on_operation only
        ends when the whole stream has."""
        self._convert(result)
        yield

    def _convert(self, result: Any) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            context = self.execution_context.context
            settings = getattr(context, "settings", None)
            result.errors = public_errors(
                errors,
                request_id=getattr(context, "request_id", "-"),
                production=settings is not None and settings.is_production,
                language=getattr(context, "language", RU),
            )


class SubscriptionsOverWebsocket(SchemaExtension):
    """A subscription sent over plain HTTP is refused with a code, not run as a query."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.operation_type is OperationType.SUBSCRIPTION and not isinstance(
            getattr(context.context, "request", None), WebSocket
        ):
            raise InvalidInput(
                "Subscriptions run over the websocket at /graphql (graphql-transport-ws)"
            )
        yield
