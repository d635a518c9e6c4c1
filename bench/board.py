"""Benchmark of the day board, `availability(date)`, over real HTTP.

Fills a database with a realistic booking history (past and future days, some cancelled),
starts the API under uvicorn in its own process, and measures requests per second and
p50/p95/p99 latency at concurrency 1 and 32, for an anonymous client (states only) and for
a manager (every booking's client, car and repair type). It also reads the same day's data
with one raw SQL query through psycopg (the floor) and prints the API/floor ratios, and
counts SQL statements per request.

    .venv/bin/python bench/board.py --bookings 10000
    .venv/bin/python bench/board.py --bookings 1000000 --reuse   # keeps the filled database

Embedded PostgreSQL and Redis live in bench/.data (or --data-dir); --database-url and
--redis-url use servers of your own (the database is filled, so make it a scratch one).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from rich.console import Console
from rich.progress import Progress
from sqlalchemy import event

from repairbook import migrate
from repairbook.app import create_app
from repairbook.booking.availability import Calendar
from repairbook.booking.service import calendar_of
from repairbook.config import Settings
from repairbook.embedded import EmbeddedServices, free_port
from support import fill_catalog

console = Console()
ANONYMOUS = "query ($d: Date!) { availability(date: $d) { date slots { startsAt endsAt state bookable receptionist { id fullName } } } }"
STAFF = "query ($d: Date!) { availability(date: $d) { date slots { startsAt state bookable receptionist { id } booking { id price client { nick lastName } car { plate model { name } } repairType { name } } } } }"
RAW = """
SELECT r.id, r.last_name, b.id, b.starts_at, b.status, b.client_id
FROM receptionists r LEFT JOIN bookings b ON b.receptionist_id = r.id AND b.day = %s
WHERE r.active ORDER BY r.id, b.starts_at
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bookings", type=int, default=10_000, help="bookings in the history")
    parser.add_argument("--receptionists", type=int, default=8)
    parser.add_argument("--requests", type=int, default=400, help="requests per measurement")
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).parent / ".data")
    parser.add_argument("--database-url", help="postgresql+psycopg://… of a scratch database")
    parser.add_argument("--redis-url")
    parser.add_argument("--reuse", action="store_true", help="keep an already filled database")
    args = parser.parse_args()

    base = Settings(
        _env_file=None,
        data_dir=args.data_dir,
        database_url=args.database_url,
        redis_url=args.redis_url,
        argon2_memory_kib=1024,
        argon2_rounds=1,
    )
    with EmbeddedServices(base, with_mail_sink=False) as services:
        settings = services.settings
        assert settings.database_url
        migrate.upgrade(settings.database_url)
        libpq = settings.database_url.replace("postgresql+psycopg://", "postgresql://")
        day = fill(libpq, args, calendar_of(settings))
        token = asyncio.run(_statements_and_token(settings, day))
        port = free_port()
        env = {
            **os.environ,
            "REPAIRBOOK_DATABASE_URL": settings.database_url,
            "REPAIRBOOK_REDIS_URL": settings.redis_url or "",
            "REPAIRBOOK_DB_POOL_SIZE": "20",
        }
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "repairbook", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            results, floor = asyncio.run(
                measure(f"http://127.0.0.1:{port}", token, libpq, day, args.requests)
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        _report(results, floor)


def fill(libpq: str, args: argparse.Namespace, calendar: Calendar) -> date:
    """The board's day is tomorrow; the history spreads over past and future days around it."""
    today = datetime.now(calendar.zone).date()
    target = today + timedelta(days=1)
    with psycopg.connect(libpq) as conn:
        have = conn.execute("SELECT count(*) FROM bookings").fetchone()
        if args.reuse and have and have[0] >= args.bookings:
            console.print(f"reusing {have[0]:,} bookings")
            return target
        conn.execute(
            "TRUNCATE bookings, quotes, cars, refresh_tokens, users, repair_type_parts, repair_types, consumable_car_models, consumables, car_models, engines, oils, labor_rates, receptionists, closed_days RESTART IDENTITY CASCADE"
        )
        per_day = args.receptionists * len(calendar.grid(target))
        days = math.ceil(args.bookings / (per_day * 0.8))
        future = min(calendar.window_days, max(days // 10, 2))
        first_day = target + timedelta(days=future) - timedelta(days=days)
        ids = fill_catalog(conn, args.receptionists, clients=per_day)
        rng = random.Random(7)
        with Progress(console=console) as progress, conn.cursor() as cur:
            task = progress.add_task(
                f"{args.bookings:,} bookings over {days:,} days", total=args.bookings
            )
            with cur.copy(
                "COPY bookings (receptionist_id, starts_at, ends_at, day, car_id, client_id, repair_type_id, status, price_lines, price_total, created_by_id, cancelled_at) FROM STDIN"
            ) as copy:
                made = 0
                for offset in range(days):
                    day = first_day + timedelta(days=offset)
                    clients = rng.sample(range(per_day), per_day)
                    cells = [(r, s) for r in ids["receptionists"] for s in calendar.grid(day)]
                    for n, (receptionist, starts) in enumerate(cells):
                        if made >= args.bookings or rng.random() > (0.9 if day == target else 0.8):
                            continue
                        cancelled = rng.random() < 0.1
                        client = clients[n]
                        copy.write_row(
                            (
                                receptionist,
                                starts,
                                starts + calendar.slot,
                                day,
                                ids["cars"][client],
                                ids["users"][client],
                                ids["repair_type"],
                                "CANCELLED" if cancelled else "ACTIVE",
                                PRICE_LINES,
                                "4125.00",
                                ids["users"][client],
                                starts if cancelled else None,
                            )
                        )
                        made += 1
                        if made % 10_000 == 0:
                            progress.update(task, completed=made)
                progress.update(task, completed=made)
        conn.execute("ANALYZE")
        conn.commit()
    return target


PRICE_LINES = json.dumps(
    [
        {
            "kind": "LABOR",
            "description": "ТО-1",
            "quantity": "1.50",
            "unit_price": "2750.00",
            "amount": "4125.00",
        }
    ]
)


Results = dict[tuple[str, int], tuple[float, list[float]]]


async def measure(
    url: str, token: str, libpq: str, day: date, requests: int
) -> tuple[Results, dict[int, tuple[float, list[float]]]]:
    await _wait_ready(url)
    results: Results = {}
    async with httpx.AsyncClient(
        base_url=url, timeout=120, limits=httpx.Limits(max_connections=64)
    ) as http:
        for who, query, headers in (
            ("anonymous", ANONYMOUS, {}),
            ("manager", STAFF, {"Authorization": f"Bearer {token}"}),
        ):
            payload = {"query": query, "variables": {"d": day.isoformat()}}
            body = (await http.post("/graphql", json=payload, headers=headers)).json()
            assert "errors" not in body, body
            states = [s["state"] for s in body["data"]["availability"]["slots"]]
            console.print(
                f"{who}: {len(states)} slots, {states.count('BOOKED')} booked, {states.count('CANCELLED')} cancelled"
            )

            async def call(
                payload: dict[str, Any] = payload, headers: dict[str, str] = headers
            ) -> None:
                (await http.post("/graphql", json=payload, headers=headers)).raise_for_status()

            for concurrency in (1, 32):
                await _run(call, 20, concurrency)  # warm up
                results[who, concurrency] = await _run(call, requests, concurrency)
    floor = {c: await _raw(libpq, day, requests, c) for c in (1, 32)}
    return results, floor


async def _statements_and_token(settings: Settings, day: date) -> str:
    """Counts statements per request in-process (same app, same queries) and makes a manager."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        resources = app.state.resources
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            nick = f"bench{random.randrange(10**9)}"
            register = await http.post(
                "/graphql",
                json={
                    "query": "mutation ($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }",
                    "variables": {
                        "i": {
                            "nick": nick,
                            "password": "bench password",
                            "email": f"{nick}@example.com",
                            "firstName": "B",
                            "lastName": "M",
                        }
                    },
                },
            )
            payload = register.json()["data"]["register"]
            assert settings.database_url
            with psycopg.connect(
                settings.database_url.replace("postgresql+psycopg://", "postgresql://")
            ) as conn:
                conn.execute(
                    "UPDATE users SET role = 'MANAGER' WHERE id = %s", (int(payload["user"]["id"]),)
                )
            for who, query, headers in (
                ("anonymous", ANONYMOUS, {}),
                ("manager", STAFF, {"Authorization": f"Bearer {payload['accessToken']}"}),
            ):
                count = 0

                def counter(*_: object) -> None:
                    nonlocal count
                    count += 1

                event.listen(resources.engine.sync_engine, "before_cursor_execute", counter)
                await http.post(
                    "/graphql",
                    json={"query": query, "variables": {"d": day.isoformat()}},
                    headers=headers,
                )
                event.remove(resources.engine.sync_engine, "before_cursor_execute", counter)
                console.print(f"SQL statements per request, {who}: {count}")
    return str(payload["accessToken"])


async def _wait_ready(url: str) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(200):
            try:
                if (await http.get(f"{url}/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the API did not start")


async def _run(
    call: Callable[[], Awaitable[None]], total: int, concurrency: int
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    queue = iter(range(total))

    async def worker() -> None:
        for _ in queue:
            start = time.perf_counter()
            await call()
            latencies.append(time.perf_counter() - start)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return total / (time.perf_counter() - started), latencies


async def _raw(libpq: str, day: date, total: int, concurrency: int) -> tuple[float, list[float]]:
    connections = [await psycopg.AsyncConnection.connect(libpq) for _ in range(concurrency)]
    pool: asyncio.Queue[psycopg.AsyncConnection[Any]] = asyncio.Queue()
    for conn in connections:
        pool.put_nowait(conn)

    async def call() -> None:
        conn = await pool.get()
        try:
            await (await conn.execute(RAW, (day,))).fetchall()
        finally:
            pool.put_nowait(conn)

    try:
        await _run(call, 20, concurrency)
        return await _run(call, total, concurrency)
    finally:
        for conn in connections:
            await conn.close()


def _report(
    results: dict[tuple[str, int], tuple[float, list[float]]],
    floor: dict[int, tuple[float, list[float]]],
) -> None:
    def pct(values: list[float], p: float) -> float:
        return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] * 1000

    console.print("\n[bold]availability(date) over HTTP[/]   (latency in ms)")
    console.print(
        f"{'caller':10} {'conc':>4} {'req/s':>8} {'p50':>7} {'p95':>7} {'p99':>7} {'p50/floor':>10} {'rps floor/api':>14}"
    )
    for (who, concurrency), (rps, lat) in results.items():
        floor_rps, floor_lat = floor[concurrency]
        console.print(
            f"{who:10} {concurrency:>4} {rps:>8.1f} {pct(lat, 50):>7.2f} {pct(lat, 95):>7.2f} {pct(lat, 99):>7.2f} "
            f"{pct(lat, 50) / pct(floor_lat, 50):>10.1f} {floor_rps / rps:>14.1f}"
        )
    for concurrency, (rps, lat) in floor.items():
        console.print(
            f"{'raw SQL':10} {concurrency:>4} {rps:>8.1f} {pct(lat, 50):>7.2f} {pct(lat, 95):>7.2f} {pct(lat, 99):>7.2f}"
        )
    console.print(f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
