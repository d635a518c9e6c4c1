"""A strawberry extension: per GraphQL operation a span, two series and one log line.

The span and the line name the operation and its type, the outcome (OK or the first
error's code), the user's id and the time taken; never the document's variables, which
carry passwords and tokens, nor anything from the request's headers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from graphql import FieldNode, OperationDefinitionNode
from opentelemetry.trace import SpanKind, StatusCode
from strawberry.extensions import SchemaExtension

from repairbook import telemetry
from repairbook.observability import logs

log = logging.getLogger("repairbook.requests")
MAX_NAMES = 200  # distinct operation names kept as labels; past it they count as `other`
_seen: set[str] = set()


def operation_label(name: str | None) -> str:
    """Clients name their operations freely: keep the label set bounded."""
    if not name:
        return "unknown"
    name = name[:64]
    if name in _seen:
        return name
    if len(_seen) >= MAX_NAMES:
        return "other"
    _seen.add(name)
    return name


class Observed(SchemaExtension):
    """Listed first among the extensions, so that it sees the errors' final codes."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        with telemetry.tracer().start_as_current_span("graphql", kind=SpanKind.SERVER) as span:
            yield
            seconds = time.perf_counter() - started
            context = self.execution_context
            name = operation_label(context.operation_name or _first_field(context))
            kind = _operation_type(context)
            outcome = _outcome(context)
            user_id = getattr(getattr(context.context, "viewer", None), "id", None)
            span.update_name(f"{kind} {name}")
            span.set_attribute("graphql.operation.name", name)
            span.set_attribute("graphql.operation.type", kind)
            span.set_attribute("graphql.outcome", outcome)
            if user_id is not None:
                span.set_attribute("enduser.id", str(user_id))
            if outcome == "INTERNAL_SERVER_ERROR":
                span.set_status(StatusCode.ERROR)
            telemetry.GRAPHQL_REQUESTS.labels(name, kind, outcome).inc()
            telemetry.GRAPHQL_SECONDS.labels(name, kind).observe(seconds)
            logs.bind(operation=name, user_id=user_id)
            log.info(
                "%s %s: %s in %.1f ms",
                kind,
                name,
                outcome,
                seconds * 1000,
                extra={
                    "operation_type": kind,
                    "outcome": outcome,
                    "duration_ms": round(seconds * 1000, 1),
                },
            )


def _first_field(context: Any) -> str | None:
    """What an unnamed operation asks for first (`bookSlot`): a name from the schema."""
    document = getattr(context, "graphql_document", None)
    for definition in getattr(document, "definitions", ()):
        if isinstance(definition, OperationDefinitionNode):
            for selection in definition.selection_set.selections:
                if isinstance(selection, FieldNode):
                    return selection.name.value
    return None


def _operation_type(context: Any) -> str:
    try:
        return str(context.operation_type.value)
    except Exception:  # a document that did not parse has no type
        return "unknown"


def _outcome(context: Any) -> str:
    errors = getattr(context.result, "errors", None) or getattr(
        context, "pre_execution_errors", None
    )
    if not errors:
        return "OK"
    code = (getattr(errors[0], "extensions", None) or {}).get("code")
    return str(code) if code else "BAD_USER_INPUT"
