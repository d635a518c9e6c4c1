"""Traces: one bookSlot is one trace, from the API's operation through its SQL to the
worker's delivery of the confirmation (carried through the arq job)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from arq.connections import RedisSettings
from arq.worker import Worker
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from repairbook import telemetry
from repairbook.config import Settings
from repairbook.notifications.tasks import deliver_outbox
from repairbook.observability.jobs import observed
from repairbook.resources import QUEUE, Resources
from tests.api.booking_support import BOOK, book_input
from tests.factories import Catalog
from tests.helpers import PASSWORD, Api
from tests.notifications.support import Inbox


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    telemetry.use_tracer_provider(provider)
    try:
        yield exporter
    finally:
        telemetry.use_tracer_provider(None)
        provider.shutdown()


def one_worker_run(settings: Settings, resources: Resources) -> Worker:
    """The real arq path (Redis, the job's keywords), the delivery job only, until idle."""
    return Worker(
        functions=[observed(deliver_outbox)],
        redis_settings=RedisSettings.from_dsn(settings.redis_url or ""),
        queue_name=QUEUE,
        ctx={"resources": Resources(settings, resources.database, resources.redis)},
        burst=True,
        handle_signals=False,
        max_tries=1,
        poll_delay=0.05,
    )


async def test_a_booking_is_one_trace_from_the_api_to_the_mail_job(
    api: Api,
    catalog: Catalog,
    resources: Resources,
    mail_settings: Settings,
    inbox: Inbox,
    spans: InMemorySpanExporter,
) -> None:
    client, car = await api.client_with_car(catalog.model_id)
    spans.clear()
    key = "idempotency-key-7f3a"  # a variable's value: never in a span
    booking = book_input(catalog, car, api.at(2, "10:00"), idempotencyKey=key)
    await api.ok(BOOK, booking, client.token)
    worker = one_worker_run(mail_settings, resources)
    try:
        await worker.main()
    finally:
        await worker.close()
    assert len(inbox.messages) == 1

    finished = spans.get_finished_spans()
    [operation] = [s for s in finished if s.name == "mutation bookSlot"]
    trace_id = operation.context.trace_id
    in_trace = [s for s in finished if s.context.trace_id == trace_id]
    assert operation.attributes is not None
    assert operation.attributes["graphql.operation.type"] == "mutation"
    assert operation.attributes["graphql.outcome"] == "OK"
    assert operation.attributes["enduser.id"] == client.id
    inserts = [s for s in in_trace if s.name == "INSERT" and _under(s, operation, in_trace)]
    statements = [str((s.attributes or {}).get("db.statement")) for s in inserts]
    assert any("INSERT INTO bookings" in text for text in statements), statements
    [job] = [s for s in in_trace if s.name == "job deliver_outbox"]
    assert _under(job, operation, in_trace)
    job_sql = [s for s in in_trace if s.name == "UPDATE" and _under(s, job, in_trace)]
    assert job_sql, "the job's own statements belong to it"
    # Nothing secret in any span: no variables, tokens, passwords or addresses.
    everything = repr([dict(s.attributes or {}) for s in finished])
    for secret in (client.token, client.refresh_token, PASSWORD, "@example.com", key):
        assert secret not in everything


async def test_tracing_is_off_without_the_otel_variables() -> None:
    assert not telemetry.tracing_requested({})
    assert not telemetry.tracing_requested({"OTEL_TRACES_EXPORTER": "none"})
    assert not telemetry.tracing_requested(
        {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "true"}
    )
    assert telemetry.tracing_requested({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"})
    assert telemetry.tracing_requested({"OTEL_TRACES_EXPORTER": "console"})
    assert telemetry.trace_carrier() == {}  # no trace, nothing carried to a job


def _under(span: ReadableSpan, ancestor: ReadableSpan, spans: list[Any]) -> bool:
    by_id = {s.context.span_id: s for s in spans}
    parent = span.parent
    while parent is not None:
        if parent.span_id == ancestor.context.span_id:
            return True
        found = by_id.get(parent.span_id)
        parent = found.parent if found is not None else None
    return False
