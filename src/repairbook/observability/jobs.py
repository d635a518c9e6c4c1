"""Worker jobs, observed: a span each (continuing the trace of whoever enqueued it), their
run time and failures as series, and their name on every log line they write."""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from opentelemetry.trace import SpanKind, StatusCode

from repairbook import telemetry
from repairbook.observability import logs

Job = TypeVar("Job", bound=Callable[..., Awaitable[Any]])


def observed(job: Job) -> Job:
    """The same job for arq (same name), measured. A `traceparent` keyword, which
    `telemetry.trace_carrier()` adds when enqueuing, is taken off before the job sees it."""
    name = job.__name__

    @functools.wraps(job)
    async def run(ctx: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        traceparent = kwargs.pop(telemetry.TRACE_KEY, None)
        logs.reset()
        logs.bind(job=name, job_id=ctx.get("job_id"))
        started = time.perf_counter()
        with (
            telemetry.continued_trace(traceparent),
            telemetry.tracer().start_as_current_span(f"job {name}", kind=SpanKind.CONSUMER) as span,
        ):
            span.set_attribute("messaging.system", "arq")
            span.set_attribute("job.name", name)
            try:
                return await job(ctx, *args, **kwargs)
            except Exception as error:
                telemetry.JOB_FAILURES.labels(name).inc()
                span.set_status(StatusCode.ERROR, type(error).__name__)
                raise
            finally:
                telemetry.JOB_SECONDS.labels(name).observe(time.perf_counter() - started)

    return cast(Job, run)
