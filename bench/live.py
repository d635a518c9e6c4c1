"""Benchmark of the live board, `slotChanged(date)`, across two API instances.

Starts two `repairbook serve` processes on one PostgreSQL and one Redis, connects N
websocket subscribers spread over both (a mix of anonymous and staff, all watching the
same day), then books and cancels through the API, alternating instances, and prints:

- commit-to-delivery latency (from the commit time each event carries to its arrival at
  the subscriber) p50/p95/p99/max over every delivery;
- events lost (expected deliveries minus received);
- server memory per connection (resident memory of both servers, after minus before
  connecting, divided by N).

    .venv/bin/python bench/live.py                      # 1,000 subscribers, 200 changes
    .venv/bin/python bench/live.py --subscribers 200 --changes 50

Embedded PostgreSQL and Redis keep their data in bench/.data-live (or --data-dir).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import websockets
from rich.console import Console
from rich.table import Table

from repairbook import migrate
from repairbook.accounts.tokens import issue_access_token
from repairbook.booking.service import calendar_of
from repairbook.config import Settings
from repairbook.embedded import EmbeddedServices, free_port
from support import cpu_seconds, fill_catalog, rss_kib, serve, wait_ready

console = Console()
SUBSCRIBE = "subscription ($d: Date!) { slotChanged(date: $d) { change at slot { startsAt state bookable receptionist { id } booking { id client { nick } } } } }"
BOOK = "mutation ($i: BookSlotInput!) { bookSlot(input: $i) { id } }"
CANCEL = "mutation ($id: ID!) { cancelBooking(id: $id) { id } }"


@dataclass
class Received:
    latencies_ms: list[float] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--staff-share", type=float, default=0.2, help="staff among subscribers")
    parser.add_argument("--changes", type=int, default=200, help="bookings + cancellations")
    parser.add_argument("--interval-ms", type=float, default=50, help="between changes")
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).parent / ".data-live")
    args = parser.parse_args()

    base = Settings(_env_file=None, data_dir=args.data_dir)
    with EmbeddedServices(base, with_mail_sink=False) as services:
        settings = services.settings
        assert settings.database_url
        migrate.upgrade(settings.database_url)
        ids = _fill(settings.database_url, clients=args.changes)
        secret = settings.secret_key.get_secret_value()
        now = datetime.now(UTC)

        def token(user: int) -> str:
            return issue_access_token(user, secret=secret, now=now, ttl=timedelta(hours=2))

        ports = [free_port(), free_port()]
        servers = [serve(settings, port, REPAIRBOOK_DB_POOL_SIZE="20") for port in ports]
        try:
            day = datetime.now(calendar_of(settings).zone).date() + timedelta(days=1)
            received, memory = asyncio.run(
                _measure(args, ports, [s.pid for s in servers], ids, token, day)
            )
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)
    _report(args, received, memory)


def _fill(database_url: str, clients: int) -> dict[str, Any]:
    libpq = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(libpq) as conn:
        conn.execute(
            "TRUNCATE bookings, quotes, cars, refresh_tokens, users, repair_type_parts, repair_types, consumable_car_models, consumables, car_models, engines, oils, labor_rates, receptionists, closed_days RESTART IDENTITY CASCADE"
        )
        ids = fill_catalog(conn, receptionists=4, clients=clients + 1)
        conn.execute("UPDATE users SET role = 'MANAGER' WHERE id = %s", (ids["users"][-1],))
        conn.commit()
    return ids


async def _measure(
    args: argparse.Namespace,
    ports: list[int],
    pids: list[int],
    ids: dict[str, Any],
    token: Any,
    day: date,
) -> tuple[Received, dict[str, float]]:
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    for url in urls:
        await wait_ready(url)
    before = sum(rss_kib(pid) for pid in pids)
    staff = token(ids["users"][-1])
    received = Received()
    ready = asyncio.Semaphore(0)
    stop = asyncio.Event()
    subscribers = []
    for n in range(args.subscribers):
        url = urls[n % 2].replace("http", "ws", 1) + "/graphql"
        is_staff = n < args.subscribers * args.staff_share
        subscribers.append(
            asyncio.create_task(
                _subscriber(url, staff if is_staff else None, day, received, ready, stop)
            )
        )
        if n % 100 == 99:
            await asyncio.sleep(0.05)  # connect in waves, as a shop's screens would
    for _ in range(args.subscribers):
        await asyncio.wait_for(ready.acquire(), 60)
    await asyncio.sleep(1)  # let both servers settle with every subscriber registered
    after = sum(rss_kib(pid) for pid in pids)
    # This process holds every connection; its own collector pausing to scan them would show
    # up as server latency. Measure the servers, not the load generator.
    gc.collect()
    gc.freeze()
    gc.disable()
    cpu_before = [cpu_seconds(pid) for pid in (*pids, os.getpid())]
    started = time.monotonic()
    expected = await _write(args, urls, ids, token, day)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(received.latencies_ms) < expected * args.subscribers:  # noqa: ASYNC110 - polling a count
        await asyncio.sleep(0.1)
    elapsed = time.monotonic() - started
    cpu = [
        cpu_seconds(pid) - was for pid, was in zip((*pids, os.getpid()), cpu_before, strict=True)
    ]
    stop.set()
    await asyncio.gather(*subscribers, return_exceptions=True)
    memory = {
        "cpu_a": cpu[0] / elapsed,
        "cpu_b": cpu[1] / elapsed,
        "cpu_client": cpu[2] / elapsed,
        "expected": float(expected),
        "per_connection_kib": (after - before) / args.subscribers,
        "before_mib": before / 1024,
        "after_mib": after / 1024,
    }
    return received, memory


async def _subscriber(
    url: str,
    token: str | None,
    day: date,
    received: Received,
    ready: asyncio.Semaphore,
    stop: asyncio.Event,
) -> None:
    count = 0
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"], max_queue=None) as ws:  # type: ignore[list-item]
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": SUBSCRIBE, "variables": {"d": day.isoformat()}},
                }
            )
        )
        ready.release()
        while not stop.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), 0.5)
            except TimeoutError:
                continue
            arrived = datetime.now(UTC)
            message = json.loads(raw)
            if message.get("type") != "next":
                raise RuntimeError(f"unexpected message: {message}")
            at = datetime.fromisoformat(message["payload"]["data"]["slotChanged"]["at"])
            received.latencies_ms.append((arrived - at).total_seconds() * 1000)
            count += 1
    received.counts.append(count)


async def _write(
    args: argparse.Namespace, urls: list[str], ids: dict[str, Any], token: Any, day: date
) -> int:
    """Book then cancel, alternating instances; returns the changes committed."""
    zone = calendar_of(Settings(_env_file=None)).zone
    grid = [
        datetime.combine(day, datetime.min.time(), tzinfo=zone).replace(hour=8)
        + timedelta(minutes=30 * n)
        for n in range(24)
    ]
    committed = 0
    async with httpx.AsyncClient(timeout=30) as http:
        for n in range(args.changes // 2):
            client, car = ids["users"][n], ids["cars"][n]
            headers = {"Authorization": f"Bearer {token(client)}"}
            variables = {
                "i": {
                    "receptionistId": str(ids["receptionists"][n % 4]),
                    "startsAt": grid[(n // 4) % 24].isoformat(),
                    "carId": str(car),
                    "repairTypeId": str(ids["repair_type"]),
                }
            }
            booked = (
                await http.post(
                    f"{urls[n % 2]}/graphql",
                    json={"query": BOOK, "variables": variables},
                    headers=headers,
                )
            ).json()
            if "errors" in booked:
                raise RuntimeError(booked["errors"])
            committed += 1
            await asyncio.sleep(args.interval_ms / 1000)
            booking = booked["data"]["bookSlot"]["id"]
            cancelled = (
                await http.post(
                    f"{urls[(n + 1) % 2]}/graphql",
                    json={"query": CANCEL, "variables": {"id": booking}},
                    headers=headers,
                )
            ).json()
            if "errors" in cancelled:
                raise RuntimeError(cancelled["errors"])
            committed += 1
            await asyncio.sleep(args.interval_ms / 1000)
    return committed


def _report(args: argparse.Namespace, received: Received, memory: dict[str, float]) -> None:
    latencies = sorted(received.latencies_ms)
    expected = int(memory["expected"]) * args.subscribers

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(p * len(latencies)))]
            if latencies
            else float("nan")
        )

    table = Table(
        title=f"slotChanged: {args.subscribers} subscribers on 2 instances, {int(memory['expected'])} changes"
    )
    for column in ("deliveries", "lost", "p50 ms", "p95 ms", "p99 ms", "max ms", "KiB/connection"):
        table.add_column(column, justify="right")
    table.add_row(
        f"{len(latencies):,}",
        f"{expected - len(latencies):,}",
        f"{pct(0.50):.1f}",
        f"{pct(0.95):.1f}",
        f"{pct(0.99):.1f}",
        f"{latencies[-1] if latencies else float('nan'):.1f}",
        f"{memory['per_connection_kib']:.0f}",
    )
    console.print(table)
    console.print(
        f"servers' memory: {memory['before_mib']:.0f} MiB before subscribers, "
        f"{memory['after_mib']:.0f} MiB with them; mean latency "
        f"{statistics.fmean(latencies) if latencies else float('nan'):.1f} ms; CPU while writing: "
        f"instance A {memory['cpu_a']:.0%}, instance B {memory['cpu_b']:.0%}, "
        f"this load generator {memory['cpu_client']:.0%} of a core; "
        f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
