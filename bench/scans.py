"""Benchmark of the worker's scans: day-before reminders and yearly maintenance notices.

Fills a database with N clients, each with one car and one booking tomorrow (spread over
enough receptionists), half the cars with a maintenance visit exactly a year ago and the
other half sold exactly two years ago, so every booking needs a reminder and every car a
notice. Then runs the very scans the worker runs and prints, for each, rows per second,
outbox rows written and the peak of Python memory it allocated (tracemalloc) — which stays
flat as N grows, because both read in keyset batches of 1,000.

    .venv/bin/python bench/scans.py                 # 100,000 bookings and cars
    .venv/bin/python bench/scans.py --rows 10000    # compare: the peak should not move

Embedded PostgreSQL keeps its data in bench/.data-scans (or --data-dir).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from rich.console import Console
from rich.table import Table
from sqlalchemy import text

from repairbook import migrate
from repairbook.booking.availability import Calendar
from repairbook.booking.service import calendar_of
from repairbook.booking.tasks import queue_maintenance_notices, queue_reminders
from repairbook.config import Settings
from repairbook.db import Database, unit_of_work
from repairbook.embedded import EmbeddedServices

console = Console()
SLOTS_A_DAY = 24
PRICE = '[{"kind": "LABOR", "description": "Сигнализация", "quantity": "1", "unit_price": "2500.00", "amount": "2500.00"}]'


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000, help="bookings tomorrow, and cars")
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).parent / ".data-scans")
    args = parser.parse_args()
    base = Settings(_env_file=None, data_dir=args.data_dir)
    with EmbeddedServices(base, with_redis=False, with_mail_sink=False) as services:
        settings = services.settings
        assert settings.database_url
        migrate.upgrade(settings.database_url)
        calendar = calendar_of(settings)
        now = datetime.now(UTC)
        started = time.perf_counter()
        _fill(settings.database_url, args.rows, calendar, now)
        console.print(
            f"filled {args.rows:,} clients, cars and bookings in {time.perf_counter() - started:.0f} s"
        )
        results = asyncio.run(_measure(settings, now))
    _report(args.rows, results)


def _fill(database_url: str, rows: int, calendar: Calendar, now: datetime) -> None:
    today = calendar.local_day(now)
    tomorrow, year_ago = today + timedelta(days=1), today - timedelta(days=365)
    libpq = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(libpq) as conn:
        conn.execute(
            "TRUNCATE outbox_messages, bookings, quotes, cars, refresh_tokens, users, repair_type_parts, repair_types, consumable_car_models, consumables, car_models, engines, oils, labor_rates, receptionists, closed_days RESTART IDENTITY CASCADE"
        )
        ids = _catalog(conn)
        receptionists = -(-rows // SLOTS_A_DAY)
        _copy(
            conn,
            "receptionists (last_name, first_name)",
            (f"Приёмщик {n}\tИван" for n in range(receptionists)),
        )
        _copy(conn, "users (nick, email, password_hash, first_name, last_name, patronymic)",
              (f"client{n}\tclient{n}@example.com\tx\tИван\tПетров\tСергеевич" for n in range(rows)))  # fmt: skip
        two_years_ago = date(today.year - 2, today.month, min(today.day, 28))
        _copy(conn, "cars (owner_id, vin, plate, sts_number, sold_on, mileage_km, car_model_id)",
              (f"{n + 1}\tXW8ZZZ61ZJ{n:07d}\tА123ВС77\t9999123456\t{two_years_ago}\t1000\t{ids['model']}" for n in range(rows)))  # fmt: skip

        def bookings(day: date, repair: int, count: int) -> Any:
            grid = calendar.grid(day)
            for n in range(count):
                starts = grid[n % SLOTS_A_DAY]
                yield (f"{n // SLOTS_A_DAY + 1}\t{starts.isoformat()}\t{(starts + calendar.slot).isoformat()}\t{day}\t"
                       f"{n + 1}\t{n + 1}\t{repair}\tACTIVE\t{PRICE}\t2500.00\t{n + 1}")  # fmt: skip

        columns = "bookings (receptionist_id, starts_at, ends_at, day, car_id, client_id, repair_type_id, status, price_lines, price_total, created_by_id)"
        _copy(conn, columns, bookings(tomorrow, ids["other"], rows))
        _copy(conn, columns, bookings(year_ago, ids["maintenance"], rows // 2))
        conn.execute("ANALYZE")
        conn.commit()


def _catalog(conn: psycopg.Connection[Any]) -> dict[str, int]:
    def one(sql: str, *params: object) -> int:
        row = conn.execute(sql, params).fetchone()
        assert row is not None
        return int(row[0])

    oil = one(
        "INSERT INTO oils (brand, viscosity, price_per_litre) VALUES ('Shell', '5W-30', 950) RETURNING id"
    )
    engine = one(
        "INSERT INTO engines (code, displacement_l, oil_id, oil_volume_l) VALUES ('G4FG', 1.6, %s, 3.3) RETURNING id",
        oil,
    )
    model = one(
        "INSERT INTO car_models (name, image_url, price_coefficient, engine_id) VALUES ('Kia Rio (IV)', '/x.svg', 1.1, %s) RETURNING id",
        engine,
    )
    rate = one("INSERT INTO labor_rates (name, price_per_hour) VALUES ('ТО', 2500) RETURNING id")
    maintenance = one(
        "INSERT INTO repair_types (name, kind, labor_hours, labor_rate_id) VALUES ('ТО-1', 'MAINTENANCE', 1.5, %s) RETURNING id",
        rate,
    )
    other = one(
        "INSERT INTO repair_types (name, kind, labor_hours, labor_rate_id) VALUES ('Сигнализация', 'OTHER', 1, %s) RETURNING id",
        rate,
    )
    return {"model": model, "maintenance": maintenance, "other": other}


def _copy(conn: psycopg.Connection[Any], target: str, lines: Any) -> None:
    buffer = io.StringIO("".join(f"{line}\n" for line in lines))
    with conn.cursor().copy(f"COPY {target} FROM STDIN") as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)


Scan = Callable[[Database, Settings, datetime], Awaitable[int]]


async def _measure(settings: Settings, now: datetime) -> dict[str, tuple[float, int, float]]:
    assert settings.database_url
    database = Database.connect(settings.database_url)
    # Reminders go out from the reminder hour the day before: scan as of that hour today.
    local = now.astimezone(settings.zone)
    at_reminder_hour = local.replace(hour=settings.reminder_hour, minute=30)
    scans: dict[str, Scan] = {
        "reminders": queue_reminders,
        "maintenance notices": queue_maintenance_notices,
    }
    results = {}
    try:
        for name, scan in scans.items():
            # Timed untraced; then again from an empty outbox under tracemalloc, which slows
            # Python down several times over but sees every allocation.
            started = time.perf_counter()
            written = await scan(database, settings, at_reminder_hour)
            elapsed = time.perf_counter() - started
            await _empty_outbox(database)
            tracemalloc.start()
            await scan(database, settings, at_reminder_hour)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            results[name] = (elapsed, written, peak / 2**20)
    finally:
        await database.dispose()
    return results


async def _empty_outbox(database: Database) -> None:
    async with unit_of_work(database) as db:
        await db.execute(text("TRUNCATE outbox_messages"))


def _report(rows: int, results: dict[str, tuple[float, int, float]]) -> None:
    table = Table(title=f"worker scans over {rows:,} bookings and {rows:,} cars")
    for column in ("scan", "seconds", "rows/s", "outbox rows written", "peak Python memory"):
        table.add_column(column, justify="right")
    for name, (elapsed, written, peak) in results.items():
        table.add_row(
            name, f"{elapsed:.1f}", f"{rows / elapsed:,.0f}", f"{written:,}", f"{peak:.1f} MiB"
        )
    console.print(table)
    console.print(f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
