"""Benchmark of the day board, `availability(date)`, over real HTTP, optionally against
PostGraphile on the very same database.

Fills a database with a booking history (past and future days, some cancelled; the board's
day, tomorrow, nearly full), starts `repairbook serve` (one process, production settings,
the board cache on unless --no-cache) and, with
`--peer postgraphile`, PostGraphile 4.14.1 (bench/peer, installed with npm on first use;
skipped with a message when Node is missing). Then, at concurrency 1 and 32, interleaving
the two servers round by round, it measures two pairs of queries: the anonymous board
(states) and the staff board (every booking's client, car and repair type), and prints
req/s, p50/p99 latency and the ratio for each pair; then the same at concurrency 32 with a
booking or a cancellation written every 100 ms. The load generator (bench/loadgen.py) is
raw asyncio streams; the CPU load of server and generator is printed to show which one is
saturated.

    .venv/bin/python bench/board.py --peer postgraphile                # 200,000 bookings
    .venv/bin/python bench/board.py --no-cache                         # every board computed
    .venv/bin/python bench/board.py --bookings 10000 --data-dir /tmp/b10k      # history:
    .venv/bin/python bench/board.py --bookings 1000000 --data-dir /tmp/b1m     # 10k vs 1M
    .venv/bin/python bench/board.py --rounds 1 --seconds 3             # a quick look

Embedded PostgreSQL and Redis live in bench/.data (or --data-dir).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import secrets
import shutil
import statistics
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from rich.console import Console
from rich.progress import Progress

import loadgen
from repairbook import migrate
from repairbook.booking.availability import Calendar
from repairbook.booking.service import calendar_of
from repairbook.config import Settings
from repairbook.embedded import EmbeddedServices, free_port
from support import cpu_seconds, fill_catalog, serve, wait_ready

console = Console(width=110)
ZONE = Settings(_env_file=None).timezone
PEER = Path(__file__).parent / "peer"
ANONYMOUS = "query ($d: Date!) { availability(date: $d) { date slots { startsAt endsAt state bookable receptionist { id fullName } } } }"
STAFF = "query ($d: Date!) { availability(date: $d) { date slots { startsAt state bookable receptionist { id } booking { id price client { nick lastName } car { plate model { name } } repairType { name } } } } }"
PEER_ANONYMOUS = "query ($d: Date!) { allReceptionists(condition: {active: true}) { nodes { id lastName bookingsByReceptionistId(condition: {day: $d}) { nodes { startsAt status } } } } }"
PEER_STAFF = "query ($d: Date!) { allReceptionists(condition: {active: true}) { nodes { id lastName bookingsByReceptionistId(condition: {day: $d}) { nodes { id startsAt status priceTotal userByClientId { nick lastName } carByCarId { plate carModelByCarModelId { name } } repairTypeByRepairTypeId { name } } } } } }"


@dataclass
class Server:
    name: str
    port: int
    pid: int
    path: str
    queries: dict[str, tuple[str, dict[str, str]]]  # kind -> (document, headers)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bookings", type=int, default=200_000, help="bookings in the history")
    parser.add_argument("--receptionists", type=int, default=8)
    parser.add_argument("--peer", choices=["postgraphile"], help="also measure this server")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per case")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one round")
    parser.add_argument("--workers", type=int, default=1, help="repairbook serve --workers")
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).parent / ".data")
    parser.add_argument("--database-url", help="postgresql+psycopg://… of a scratch database")
    parser.add_argument("--redis-url")
    parser.add_argument("--no-cache", action="store_true", help="REPAIRBOOK_BOARD_CACHE=false")
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
        with running(settings, libpq, args) as servers:
            token = asyncio.run(manager_token(servers[0], libpq))
            servers[0].queries["staff"] = (STAFF, {"Authorization": f"Bearer {token}"})
            asyncio.run(measure(servers, libpq, day, args))


@contextmanager
def running(settings: Settings, libpq: str, args: argparse.Namespace) -> Iterator[list[Server]]:
    port = free_port()
    # As a shop runs it: production (no access log), like PostGraphile without its query log.
    api = serve(
        settings,
        port,
        "--workers",
        str(args.workers),
        REPAIRBOOK_DB_POOL_SIZE="20",
        REPAIRBOOK_ENV="production",
        REPAIRBOOK_SECRET_KEY=secrets.token_urlsafe(32),
        REPAIRBOOK_BOARD_CACHE=str(not args.no_cache).lower(),
    )
    processes: list[subprocess.Popen[bytes]] = [api]
    servers = [Server("repairbook", port, api.pid, "/graphql", {"anonymous": (ANONYMOUS, {})})]
    try:
        asyncio.run(wait_ready(f"http://127.0.0.1:{port}"))
        if args.peer == "postgraphile" and (peer := start_postgraphile(libpq)) is not None:
            process, peer_port = peer
            processes.append(process)
            servers.append(
                Server(
                    "PostGraphile",
                    peer_port,
                    process.pid,
                    "/graphql",
                    {"anonymous": (PEER_ANONYMOUS, {}), "staff": (PEER_STAFF, {})},
                )
            )
        yield servers
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


def start_postgraphile(libpq: str) -> tuple[subprocess.Popen[bytes], int] | None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        console.print("[yellow]no Node.js here: PostGraphile is skipped[/]")
        return None
    cli = PEER / "node_modules" / "postgraphile" / "cli.js"
    if not cli.exists():
        console.print("installing PostGraphile 4.14.1 into bench/peer (npm ci)…")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PEER, check=True)  # noqa: S603
    port = free_port()
    # node-postgres reads a socket directory from `host`, like libpq.
    process = subprocess.Popen(  # noqa: S603 - our own arguments
        [
            node,
            str(cli),
            "-c",
            libpq,
            "--schema",
            "public",
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
            "--disable-query-log",
            "--disable-graphiql",
        ],
        env={**os.environ, "NODE_ENV": "production"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            answer = httpx.post(
                f"http://127.0.0.1:{port}/graphql", json={"query": "{ __typename }"}
            )
            if answer.status_code == 200:
                return process, port
        except httpx.TransportError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("PostGraphile did not start")


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


async def manager_token(server: Server, libpq: str) -> str:
    """A manager, registered through the API and promoted in the database."""
    nick = f"bench{random.randrange(10**9)}"
    register = "mutation ($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }"
    details = {"nick": nick, "password": "bench password", "email": f"{nick}@example.com"}
    variables = {"i": {**details, "firstName": "B", "lastName": "M"}}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as http:
        answer = await http.post("/graphql", json={"query": register, "variables": variables})
    payload = answer.json()["data"]["register"]
    async with await psycopg.AsyncConnection.connect(libpq, autocommit=True) as conn:
        await conn.execute(
            "UPDATE users SET role = 'MANAGER' WHERE id = %s", (int(payload["user"]["id"]),)
        )
    # A fresh sign-in is not needed: the role is read from the database on every request.
    return str(payload["accessToken"])


class Writer:
    """A booking or a cancellation on the board's day every `interval` seconds, written
    straight into PostgreSQL (the same cost for both servers; repairbook sees such writes
    like its own, through the database)."""

    def __init__(self, libpq: str, day: date, zone: str, interval: float = 0.1) -> None:
        self.libpq, self.day, self.zone, self.interval = libpq, day, zone, interval
        self.writes = 0

    async def run(self, until: float) -> None:
        async with await psycopg.AsyncConnection.connect(self.libpq, autocommit=True) as conn:
            slot = await (
                await conn.execute(
                    """
                    SELECT r.id, s.starts_at FROM receptionists r
                    CROSS JOIN LATERAL (
                      SELECT (local AT TIME ZONE %(zone)s) AS starts_at
                      FROM generate_series(%(d)s::date + time '08:00', %(d)s::date + time '19:30',
                                           interval '30 minutes') AS local
                    ) AS s
                    WHERE NOT EXISTS (SELECT 1 FROM bookings b WHERE b.receptionist_id = r.id
                                      AND b.starts_at = s.starts_at AND b.status = 'ACTIVE')
                    ORDER BY s.starts_at DESC LIMIT 1
                    """,
                    {"d": self.day, "zone": self.zone},
                )
            ).fetchone()
            client = await (
                await conn.execute(
                    """
                    SELECT u.id, c.id FROM users u JOIN cars c ON c.owner_id = u.id
                    WHERE NOT EXISTS (SELECT 1 FROM bookings b WHERE b.client_id = u.id
                                      AND b.day = %s AND b.status = 'ACTIVE')
                    LIMIT 1
                    """,
                    (self.day,),
                )
            ).fetchone()
            assert slot is not None, "no free slot to write in"
            assert client is not None, "no client free to book"
            receptionist, starts = slot
            user, car = client
            booking = None
            while time.perf_counter() < until:
                if booking is None:
                    row = await (
                        await conn.execute(
                            """
                            INSERT INTO bookings (receptionist_id, starts_at, ends_at, day, car_id,
                              client_id, repair_type_id, status, price_lines, price_total, created_by_id)
                            VALUES (%s, %s, %s + interval '30 minutes', %s, %s, %s,
                              (SELECT min(id) FROM repair_types), 'ACTIVE', %s, 4125, %s)
                            RETURNING id
                            """,
                            (receptionist, starts, starts, self.day, car, user, PRICE_LINES, user),
                        )
                    ).fetchone()
                    booking = row[0] if row else None
                else:
                    await conn.execute(
                        "UPDATE bookings SET status = 'CANCELLED', cancelled_at = now() WHERE id = %s",
                        (booking,),
                    )
                    booking = None
                self.writes += 1
                await asyncio.sleep(self.interval)
            if booking is not None:
                await conn.execute(
                    "UPDATE bookings SET status = 'CANCELLED', cancelled_at = now() WHERE id = %s",
                    (booking,),
                )


@dataclass
class Sample:
    loads: list[loadgen.Load]
    server_cpu: float = 0.0  # server CPU seconds per wall second
    client_cpu: float = 0.0
    writes: int = 0

    @property
    def rps(self) -> float:
        return statistics.median(load.rps for load in self.loads)

    @property
    def latencies(self) -> list[float]:
        return [x for load in self.loads for x in load.latencies]

    @property
    def failures(self) -> int:
        return sum(load.failures for load in self.loads)


async def measure(servers: list[Server], libpq: str, day: date, args: argparse.Namespace) -> None:
    requests = {
        (server.name, kind): loadgen.post(
            "127.0.0.1",
            server.port,
            server.path,
            {"query": doc, "variables": {"d": day.isoformat()}},
            headers,
        )
        for server in servers
        for kind, (doc, headers) in server.queries.items()
    }
    for server in servers:
        for kind in server.queries:
            answer = await loadgen.once("127.0.0.1", server.port, requests[server.name, kind])
            assert "errors" not in answer, answer
            console.print(f"{server.name} {kind}: {describe(answer)}")
    cases = [(kind, c, False) for c in (1, 32) for kind in ("anonymous", "staff")]
    cases += [(kind, 32, True) for kind in ("anonymous", "staff")]
    results: dict[tuple[str, str, int, bool], Sample] = {}
    for kind, concurrency, writes in cases:
        for server in servers:  # warm up: caches, JIT, connection pools
            await loadgen.run(
                "127.0.0.1",
                server.port,
                requests[server.name, kind],
                concurrency=concurrency,
                seconds=1,
            )
        for _ in range(args.rounds):
            for server in servers:  # interleaved, so that drift hits both alike
                sample = results.setdefault((server.name, kind, concurrency, writes), Sample([]))
                await one_round(
                    server,
                    requests[server.name, kind],
                    concurrency,
                    writes,
                    libpq,
                    day,
                    args.seconds,
                    sample,
                )
    report(servers, results, args)


async def one_round(
    server: Server,
    request: bytes,
    concurrency: int,
    writes: bool,
    libpq: str,
    day: date,
    seconds: float,
    sample: Sample,
) -> None:
    writer = Writer(libpq, day, ZONE)
    cpu = cpu_seconds(server.pid) + sum(cpu_seconds(pid) for pid in children(server.pid))
    wall = time.perf_counter()
    run = loadgen.run("127.0.0.1", server.port, request, concurrency=concurrency, seconds=seconds)
    if writes:
        load, _ = await asyncio.gather(run, writer.run(time.perf_counter() + seconds))
    else:
        load = await run
    elapsed = time.perf_counter() - wall
    used = cpu_seconds(server.pid) + sum(cpu_seconds(pid) for pid in children(server.pid)) - cpu
    sample.loads.append(load)
    sample.server_cpu = max(sample.server_cpu, used / elapsed)
    sample.client_cpu = max(sample.client_cpu, load.client_cpu / elapsed)
    sample.writes += writer.writes


def children(pid: int) -> list[int]:
    """Worker processes of a server (uvicorn --workers), whose CPU counts as the server's."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def describe(answer: dict[str, Any]) -> str:
    data = answer["data"]
    if "availability" in data:
        states = [s["state"] for s in data["availability"]["slots"]]
        return f"{len(states)} slots, {states.count('BOOKED')} booked"
    nodes = [
        b for r in data["allReceptionists"]["nodes"] for b in r["bookingsByReceptionistId"]["nodes"]
    ]
    return f"{len(nodes)} bookings ({sum(b['status'] == 'ACTIVE' for b in nodes)} active)"


def report(
    servers: list[Server],
    results: dict[tuple[str, str, int, bool], Sample],
    args: argparse.Namespace,
) -> None:
    def pct(values: list[float], p: int) -> float:
        return statistics.quantiles(values, n=100, method="inclusive")[p - 1] * 1000

    console.print(
        f"\n[bold]availability(date) vs the peer[/]: median req/s of {args.rounds} rounds of "
        f"{args.seconds:g} s; latency in ms over all rounds; CPU as cores busy (server / load generator)"
    )
    console.print(
        f"{'query':10} {'conc':>4} {'writes':>6}  {'server':13} {'req/s':>8} {'p50':>7} {'p99':>7} "
        f"{'cpu srv/gen':>12} {'fail':>5} {'ratio':>6}"
    )
    mine = servers[0].name
    for (name, kind, concurrency, writes), sample in results.items():
        ratio = ""
        if name != mine:
            ours = results[mine, kind, concurrency, writes]
            ratio = f"{ours.rps / sample.rps:.2f}x"
        latencies = sample.latencies or [0.0]
        console.print(
            f"{kind:10} {concurrency:>4} {sample.writes if writes else '-':>6}  {name:13} "
            f"{sample.rps:>8.1f} {pct(latencies, 50):>7.2f} {pct(latencies, 99):>7.2f} "
            f"{sample.server_cpu:>5.2f}/{sample.client_cpu:<5.2f} {sample.failures:>5} {ratio:>6}"
        )
    console.print(
        "ratio = repairbook req/s / the peer's. "
        f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
