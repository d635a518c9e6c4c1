"""What observing costs: the same GraphQL request in-process with tracing off (the default)
and on (spans to an in-memory exporter), a /metrics scrape, and a backup and restore of the
database the requests filled.

    .venv/bin/python bench/observability.py                  # 2,000 requests each way
    .venv/bin/python bench/observability.py --requests 500   # a quick look

Embedded PostgreSQL and Redis live in bench/.data-observability (or --data-dir).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

import httpx
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy.engine import make_url

from repairbook import backup, migrate, telemetry
from repairbook.app import create_app
from repairbook.config import Settings
from repairbook.embedded import EmbeddedServices, drop_database, ensure_database

QUERY = '{"query": "query Models { carModels { id name } }"}'


async def timed(client: httpx.AsyncClient, count: int) -> list[float]:
    took = []
    for _ in range(count):
        started = time.perf_counter()
        response = await client.post(
            "/graphql", content=QUERY, headers={"content-type": "application/json"}
        )
        took.append(time.perf_counter() - started)
        assert response.status_code == 200
    return took


def show(label: str, took: list[float]) -> None:
    took = sorted(took)
    p50 = statistics.median(took) * 1000
    p99 = took[int(len(took) * 0.99) - 1] * 1000
    print(f"{label:<34} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   n={len(took)}")


async def requests(settings: Settings, count: int) -> None:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            await timed(client, 200)  # warm caches and pools
            show("tracing off", await timed(client, count))
            exporter = InMemorySpanExporter()
            provider = TracerProvider()
            provider.add_span_processor(SimpleSpanProcessor(exporter))
            telemetry.use_tracer_provider(provider)
            show("tracing on (in-memory exporter)", await timed(client, count))
            telemetry.use_tracer_provider(None)
            spans = len(exporter.get_finished_spans())
            print(f"{'spans per request':<34} {spans / count:.1f}")
            scrapes = []
            for _ in range(50):
                started = time.perf_counter()
                response = await client.get("/metrics")
                scrapes.append(time.perf_counter() - started)
            show("GET /metrics", scrapes)
            print(f"{'/metrics size':<34} {len(response.content):,} bytes")


def backup_and_restore(settings: Settings, folder: Path) -> None:
    assert settings.database_url
    path = folder / "bench.dump"
    started = time.perf_counter()
    tables = backup.backup(settings.database_url, path)
    print(f"{'backup':<34} {time.perf_counter() - started:6.2f} s   {tables} tables, "
          f"{path.stat().st_size:,} bytes")  # fmt: skip
    admin = backup.Target.of(str(make_url(settings.database_url).set(database="postgres"))).uri
    drop_database(admin, "bench_restore")
    ensure_database(admin, "bench_restore")
    target = make_url(settings.database_url).set(database="bench_restore")
    started = time.perf_counter()
    backup.restore(target.render_as_string(hide_password=False), path)
    print(f"{'restore into an empty database':<34} {time.perf_counter() - started:6.2f} s")
    drop_database(admin, "bench_restore")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument(
        "--data-dir", type=Path, default=Path(__file__).parent / ".data-observability"
    )
    args = parser.parse_args()
    base = Settings(_env_file=None, data_dir=args.data_dir)
    with EmbeddedServices(base, with_mail_sink=False) as services:
        settings = services.settings
        assert settings.database_url
        migrate.upgrade(settings.database_url)
        asyncio.run(requests(settings, args.requests))
        backup_and_restore(settings, args.data_dir)


if __name__ == "__main__":
    main()
