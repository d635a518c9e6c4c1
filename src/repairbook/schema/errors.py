"""The one place where failures become GraphQL errors with `extensions.code`.

Domain errors keep their message and code; problems with the request document or its
variables become BAD_USER_INPUT; anything else is masked as INTERNAL_SERVER_ERROR with a
request id that is logged together with the traceback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import ExecutionResult

from repairbook.errors import ErrorCode, RepairbookError

log = logging.getLogger("repairbook.errors")
_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        """Over HTTP: the one result, before it is sent."""
        yield
        self._convert_all(self.execution_context.result)

    def on_stream_result(self, result: object) -> Iterator[None]:
        """Over the websocket: each result, before it is sent (on_operation only ends
        when the whole stream has ended)."""
        self._convert_all(result)
        yield

    def _convert_all(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if isinstance(result, ExecutionResult | GraphQLExecutionResult) and errors:
            result.errors = [self.convert(error) for error in errors]

    def convert(self, error: GraphQLError) -> GraphQLError:
        if error.extensions and "code" in error.extensions:
            return error  # converted already
        original = error.original_error
        if isinstance(original, GraphQLError) and original.original_error is not None:
            original = original.original_error
        if isinstance(original, RepairbookError):
            extensions: dict[str, object] = {"code": original.code.value}
            if original.field:
                extensions["field"] = original.field
            return self._copy(error, original.message, extensions)
        if error.path is None:
            # Raised before any resolver ran: syntax, validation, limits, variable values.
            return self._copy(error, self._public(error.message), {"code": "BAD_USER_INPUT"})
        return self._mask(error)

    def _mask(self, error: GraphQLError) -> GraphQLError:
        context = self.execution_context.context
        request_id = getattr(context, "request_id", "-")
        log.error(
            "unexpected error in %s (request id %s)",
            ".".join(map(str, error.path or [])),
            request_id,
            exc_info=error.original_error or error,
        )
        return self._copy(
            error,
            f"Internal server error; quote request id {request_id} when reporting it",
            {"code": ErrorCode.INTERNAL_SERVER_ERROR.value, "requestId": request_id},
        )

    def _public(self, message: str) -> str:
        settings = getattr(self.execution_context.context, "settings", None)
        if settings is not None and settings.is_production:
            # Field suggestions help integrators in development but map the schema for others.
            return _SUGGESTION.sub("", message)
        return message

    @staticmethod
    def _copy(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
        return GraphQLError(
            message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions=extensions,
        )
