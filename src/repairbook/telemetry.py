"""The numbers and traces every layer may report: Prometheus series and OpenTelemetry spans.

Plumbing at the very bottom (it imports nothing of repairbook), so that a domain can count
what only it sees (a sign-in refused, an event handed to a subscriber) without knowing who
reads it. What is collected at scrape time and how it is served lives in `observability/`.

Tracing is off unless `configure_tracing` found the standard OTEL_* variables asking for it;
until then every span here is OpenTelemetry's no-op one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.propagate import extract, inject
from opentelemetry.trace import Span, SpanKind, Tracer, TracerProvider
from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

NAMESPACE = "repairbook"
TRACE_KEY = "traceparent"  # the arq job keyword that carries a trace to the worker

# --- Series (README: Watching it run). Labels are bounded: operation names are capped. ---
GRAPHQL_REQUESTS = Counter(
    "graphql_operations",
    "GraphQL operations by name, type and outcome (OK or the first error's code)",
    ["operation", "type", "outcome"],
    namespace=NAMESPACE,
)
GRAPHQL_SECONDS = Histogram(
    "graphql_operation_seconds",
    "Time to answer a GraphQL operation (a subscription: how long it stayed open)",
    ["operation", "type"],
    namespace=NAMESPACE,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
HTTP_RESPONSES = Counter(
    "http_responses",
    "HTTP responses by route and status code",
    ["route", "status"],
    namespace=NAMESPACE,
)
BOARD_CACHE = Counter(
    "board_cache_requests",
    "Day-board requests answered from memory (hit) or by running the query (miss)",
    ["result"],
    namespace=NAMESPACE,
)
WEBSOCKETS = Gauge("websocket_connections", "Websocket connections open now", namespace=NAMESPACE)
EVENTS_PUBLISHED = Counter(
    "events_published",
    "Committed domain events handed to the after-commit consumers, by kind",
    ["kind"],
    namespace=NAMESPACE,
)
EVENTS_DELIVERED = Counter(
    "live_updates_delivered",
    "Slot updates put on a live subscriber's queue",
    namespace=NAMESPACE,
)
JOB_SECONDS = Histogram(
    "job_seconds",
    "Worker job run time",
    ["job"],
    namespace=NAMESPACE,
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
JOB_FAILURES = Counter(
    "job_failures", "Worker jobs that ended with an exception", ["job"], namespace=NAMESPACE
)
SIGN_IN_REFUSALS = Counter(
    "sign_in_refusals",
    "Sign-ins refused by the throttle before the password was looked at",
    ["reason"],
    namespace=NAMESPACE,
)

# --- Traces ---
_provider: TracerProvider | None = None


def use_tracer_provider(provider: TracerProvider | None) -> None:
    """Where spans go from now on (None: nowhere). Kept here rather than in OpenTelemetry's
    process-wide slot, which can be set only once (tests install an in-memory one)."""
    global _provider
    _provider = provider


def tracer() -> Tracer:
    return trace.get_tracer("repairbook", tracer_provider=_provider or trace.NoOpTracerProvider())


def tracing_requested(environ: Mapping[str, str] = os.environ) -> bool:
    """The standard variables: an OTLP endpoint, or an exporter other than `none`, turns
    tracing on; OTEL_SDK_DISABLED=true turns it off whatever else is set."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporter = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter:
        return exporter != "none"
    return bool(
        environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def configure_tracing(service: str, environ: Mapping[str, str] = os.environ) -> bool:
    """Start exporting spans when the OTEL_* variables ask for it (once per process)."""
    if _provider is not None or not tracing_requested(environ):
        return _provider is not None
    from opentelemetry.sdk.resources import OTELResourceDetector, Resource
    from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
    from opentelemetry.sdk.trace.export import (
        BatchSpanProcessor,
        ConsoleSpanExporter,
        SpanExporter,
    )

    # OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the default name.
    resource = Resource({"service.name": service}).merge(OTELResourceDetector().detect())
    provider = SdkTracerProvider(resource=resource)
    exporter: SpanExporter
    if environ.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower() == "console":
        exporter = ConsoleSpanExporter()
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()  # reads OTEL_EXPORTER_OTLP_* itself
    provider.add_span_processor(BatchSpanProcessor(exporter))
    use_tracer_provider(provider)
    return True


def trace_carrier() -> dict[str, Any]:
    """The current trace as a job keyword (`traceparent=…`), or nothing outside a trace."""
    carrier: dict[str, Any] = {}
    inject(carrier)
    return {TRACE_KEY: carrier[TRACE_KEY]} if TRACE_KEY in carrier else {}


@contextmanager
def continued_trace(traceparent: object) -> Iterator[None]:
    """Run the block as part of the trace a job was enqueued in, if it came with one."""
    if not isinstance(traceparent, str):
        yield
        return
    token = otel_context.attach(extract({TRACE_KEY: traceparent}))
    try:
        yield
    finally:
        otel_context.detach(token)


def trace_statements(engine: AsyncEngine) -> None:
    """A client span per SQL statement: its verb and text (with placeholders, never the
    parameters). Costs one no-op call per statement while tracing is off."""
    sync_engine = engine.sync_engine
    if getattr(sync_engine, "_repairbook_traced", False):
        return
    sync_engine._repairbook_traced = True  # type: ignore[attr-defined]

    @event.listens_for(sync_engine, "before_cursor_execute")
    def start(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: Any) -> None:
        if _provider is None:
            return
        verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "SQL"
        span = tracer().start_span(
            verb,
            kind=SpanKind.CLIENT,
            attributes={"db.system": "postgresql", "db.statement": statement[:2000]},
        )
        conn.info.setdefault("repairbook.spans", []).append(span)

    @event.listens_for(sync_engine, "after_cursor_execute")
    def end(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: Any) -> None:
        _end_span(conn, None)

    @event.listens_for(sync_engine, "handle_error")
    def failed(exception_context: Any) -> None:
        _end_span(exception_context.connection, exception_context.original_exception)


def _end_span(conn: Any, error: BaseException | None) -> None:
    spans: list[Span] = conn.info.get("repairbook.spans", []) if conn is not None else []
    if not spans:
        return
    span = spans.pop()
    if error is not None:
        span.record_exception(error)
        span.set_status(trace.StatusCode.ERROR, type(error).__name__)
    span.end()
