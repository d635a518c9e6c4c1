"""What the benchmarks share: a small catalog and clients written straight into the database,
the API started as its own process, and reading a process's memory."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import psycopg

from repairbook.config import Settings


def fill_catalog(conn: psycopg.Connection[Any], receptionists: int, clients: int) -> dict[str, Any]:
    oil = conn.execute(
        "INSERT INTO oils (brand, viscosity, price_per_litre) VALUES ('Shell', '5W-30', 950) RETURNING id"
    ).fetchone()
    engine = conn.execute(
        "INSERT INTO engines (code, displacement_l, oil_id, oil_volume_l) VALUES ('G4FG', 1.6, %s, 3.3) RETURNING id",
        oil,
    ).fetchone()
    model = conn.execute(
        "INSERT INTO car_models (name, image_url, price_coefficient, engine_id) VALUES ('Kia Rio (IV)', '/static/cars/kia-rio-4.svg', 1.1, %s) RETURNING id",
        engine,
    ).fetchone()
    rate = conn.execute(
        "INSERT INTO labor_rates (name, price_per_hour) VALUES ('ТО', 2500) RETURNING id"
    ).fetchone()
    assert rate is not None
    assert model is not None
    repair = conn.execute(
        "INSERT INTO repair_types (name, kind, labor_hours, labor_rate_id, car_model_id) VALUES ('ТО-1', 'MAINTENANCE', 1.5, %s, %s) RETURNING id",
        (rate[0], model[0]),
    ).fetchone()
    assert repair is not None
    people = [
        conn.execute(
            "INSERT INTO receptionists (last_name, first_name) VALUES (%s, 'Иван') RETURNING id",
            (f"Приёмщик {n}",),
        ).fetchone()[0]  # type: ignore[index]  # an INSERT … RETURNING always returns a row
        for n in range(receptionists)
    ]
    users, cars = [], []
    for n in range(clients):
        user = conn.execute(
            "INSERT INTO users (nick, email, password_hash, first_name, last_name, email_verified_at) VALUES (%s, %s, 'x', 'Иван', 'Петров', now()) RETURNING id",
            (f"client{n}", f"client{n}@example.com"),
        ).fetchone()[0]  # type: ignore[index]  # an INSERT … RETURNING always returns a row
        car = conn.execute(
            "INSERT INTO cars (owner_id, vin, plate, sts_number, sold_on, mileage_km, car_model_id) VALUES (%s, %s, 'А123ВС77', '9999123456', '2020-01-01', 1000, %s) RETURNING id",
            (user, f"XW8ZZZ61ZJG{n:06d}", model[0]),
        ).fetchone()[0]  # type: ignore[index]  # an INSERT … RETURNING always returns a row
        users.append(user)
        cars.append(car)
    return {"receptionists": people, "users": users, "cars": cars, "repair_type": repair[0]}


def serve(settings: Settings, port: int, *options: str, **env: str) -> subprocess.Popen[bytes]:
    """`repairbook serve` in its own process, on the given database and Redis."""
    environment = {
        **os.environ,
        "REPAIRBOOK_DATABASE_URL": settings.database_url or "",
        "REPAIRBOOK_REDIS_URL": settings.redis_url or "",
        **env,
    }
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "repairbook", "serve", "--port", str(port), *options],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def wait_ready(url: str, seconds: float = 60) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(int(seconds * 10)):
            try:
                if (await client.get(f"{url}/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not become ready")


def rss_kib(pid: int) -> int:
    """Resident memory of a process (Linux), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
