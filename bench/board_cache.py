"""The board cache's memory bound and hit ratio, over real HTTP against `repairbook serve`.

Fills a database as bench/board.py does (a smaller history by default), starts one
`repairbook serve` (production settings) and runs one of:

- `--unique` (default): 20,000 anonymous board requests, each with a key no other has (a
  unique comment in the document, unique extensions, 40 KB of variables the document
  does not declare), spread over the booking window; prints the server's RSS before and
  after against the configured budget (`REPAIRBOOK_BOARD_CACHE_MB`, `--budget-mb`): the
  growth must stay within budget + 20 MB.
- `--leaks N`: N trials of the race of issue 16: 24 clients without a booking on a day take
  turns reading its board (with booking details) in a loop, as do anonymous callers, the
  day restamped every 8 ms, and each one's booking commits (straight in PostgreSQL) while
  it reads; a trial leaks when an anonymous answer carries one of their nicks.
- `--mixed`: readers ask for boards across the whole window (anonymous, clients signed in,
  a manager) while clients with bookings edit their profiles and bookings are written and
  cancelled, straight in PostgreSQL; prints the hit ratio (x-cache) and the writes.

    .venv/bin/python bench/board_cache.py                          # 20,000 unique keys
    .venv/bin/python bench/board_cache.py --mixed --seconds 30      # hit ratio
    .venv/bin/python bench/board_cache.py --mixed --edits-per-s 0   # without profile edits
    .venv/bin/python bench/board_cache.py --leaks 15                # privacy trials

Embedded PostgreSQL and Redis live in bench/.data-cache (or --data-dir).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from rich.console import Console

from board import PRICE_LINES, fill
from repairbook import migrate
from repairbook.booking.service import calendar_of
from repairbook.config import Settings
from repairbook.embedded import EmbeddedServices, free_port
from support import rss_kib, serve, wait_ready

console = Console(width=110)
TINY = "query ($d: Date!) { availability(date: $d) { date } }"
ANONYMOUS = "query ($d: Date!) { availability(date: $d) { slots { startsAt state bookable receptionist { id fullName } } } }"
DETAILS = "query ($d: Date!) { availability(date: $d) { slots { startsAt state booking { id client { nick firstName } car { plate } } } } }"
REGISTER = "mutation ($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mixed", action="store_true", help="hit ratio under edits and bookings")
    parser.add_argument("--leaks", type=int, default=0, help="privacy trials")
    parser.add_argument("--requests", type=int, default=20_000, help="unique keys (--unique)")
    parser.add_argument("--budget-mb", type=int, default=64, help="REPAIRBOOK_BOARD_CACHE_MB")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of --mixed")
    parser.add_argument("--readers", type=int, default=16, help="concurrent readers (--mixed)")
    parser.add_argument("--edits-per-s", type=float, default=10.0, help="profile edits (--mixed)")
    parser.add_argument("--bookings-per-s", type=float, default=2.0, help="writes (--mixed)")
    parser.add_argument("--bookings", type=int, default=20_000, help="bookings in the history")
    parser.add_argument("--receptionists", type=int, default=8)
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).parent / ".data-cache")
    parser.add_argument("--no-cache", action="store_true", help="REPAIRBOOK_BOARD_CACHE=false")
    parser.add_argument("--reuse", action="store_true", help="keep an already filled database")
    args = parser.parse_args()
    args.secret = secrets.token_urlsafe(32)

    base = Settings(
        _env_file=None,
        data_dir=args.data_dir,
        argon2_memory_kib=1024,
        argon2_rounds=1,
    )
    with EmbeddedServices(base, with_mail_sink=False) as services:
        settings = services.settings
        assert settings.database_url
        migrate.upgrade(settings.database_url)
        libpq = settings.database_url.replace("postgresql+psycopg://", "postgresql://")
        calendar = calendar_of(settings)
        fill(libpq, args, calendar)
        port = free_port()
        api = serve(
            settings,
            port,
            REPAIRBOOK_ENV="production",
            REPAIRBOOK_SECRET_KEY=args.secret,
            REPAIRBOOK_BOARD_CACHE_MB=str(args.budget_mb),
            REPAIRBOOK_BOARD_CACHE=str(not args.no_cache).lower(),
        )
        try:
            url = f"http://127.0.0.1:{port}"
            asyncio.run(wait_ready(url))
            today = datetime.now(calendar.zone).date()
            days = [today + timedelta(days=n) for n in range(calendar.window_days + 1)]
            if args.leaks:
                asyncio.run(leaks(url, libpq, days, args))
            elif args.mixed:
                asyncio.run(mixed(url, libpq, days, args))
            else:
                asyncio.run(unique(url, api.pid, days, args))
        finally:
            api.terminate()
            api.wait(timeout=30)


async def unique(url: str, pid: int, days: list[date], args: argparse.Namespace) -> None:
    padding = "x" * 40_000
    comment = "#" + "y" * 2_000

    def payload(n: int) -> dict[str, object]:
        return {
            "query": f"{comment} {n}\n{TINY}",
            "variables": {"d": days[n % len(days)].isoformat(), "unused": padding},
            "extensions": {"n": n},
        }

    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        for n in range(200):  # warm up: pools, allocator, first requests
            await http.post("/graphql", json=payload(-1 - n))
        before = rss_kib(pid)
        states: Counter[str] = Counter()
        started = time.perf_counter()
        queue = iter(range(args.requests))

        async def worker() -> None:
            for n in queue:
                answer = await http.post("/graphql", json=payload(n))
                assert answer.status_code == 200, answer.text
                states[answer.headers.get("x-cache", "none")] += 1

        await asyncio.gather(*(worker() for _ in range(8)))
        elapsed = time.perf_counter() - started
        after = rss_kib(pid)
    grown = (after - before) / 1024
    limit = args.budget_mb + 20
    console.print(
        f"{args.requests:,} unique-key anonymous requests in {elapsed:.1f} s "
        f"({dict(states)}); body ~{len(str(payload(0))) // 1000} KB each"
    )
    console.print(
        f"RSS before {before / 1024:.1f} MiB, after {after / 1024:.1f} MiB: "
        f"grew {grown:.1f} MiB; budget {args.budget_mb} MiB + 20 = {limit} MiB: "
        + ("[green]within[/]" if grown <= limit else "[red]OVER[/]")
    )


async def mixed(url: str, libpq: str, days: list[date], args: argparse.Namespace) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        tokens = [await register(http, f"reader{n}{secrets.token_hex(3)}") for n in range(20)]
        manager = await register(http, f"boss{secrets.token_hex(3)}")
        async with await psycopg.AsyncConnection.connect(libpq, autocommit=True) as conn:
            await conn.execute(
                "UPDATE users SET role = 'MANAGER' WHERE nick LIKE 'boss%%' AND role = 'CLIENT'"
            )
            rows = await (
                await conn.execute(
                    "SELECT DISTINCT client_id FROM bookings WHERE day >= %s", (days[0],)
                )
            ).fetchall()
        booked_clients = [row[0] for row in rows]
        states: Counter[str] = Counter()
        rng = random.Random(11)
        until = time.perf_counter() + args.seconds
        edits = bookings = 0

        async def reader() -> None:
            while time.perf_counter() < until:
                day = rng.choice(days).isoformat()
                roll = rng.random()
                if roll < 0.6:
                    query, headers = ANONYMOUS, {}
                elif roll < 0.9:
                    query, headers = DETAILS, {"authorization": f"Bearer {rng.choice(tokens)}"}
                else:
                    query, headers = DETAILS, {"authorization": f"Bearer {manager}"}
                answer = await http.post(
                    "/graphql", json={"query": query, "variables": {"d": day}}, headers=headers
                )
                assert answer.status_code == 200, answer.text
                states[answer.headers.get("x-cache", "none")] += 1

        async def editor() -> None:
            nonlocal edits
            if args.edits_per_s <= 0:
                return
            async with await psycopg.AsyncConnection.connect(libpq, autocommit=True) as conn:
                while time.perf_counter() < until:
                    await conn.execute(
                        "UPDATE users SET first_name = %s WHERE id = %s",
                        (f"Имя{rng.randrange(1000)}", rng.choice(booked_clients)),
                    )
                    edits += 1
                    await asyncio.sleep(1 / args.edits_per_s)

        async def booker() -> None:
            nonlocal bookings
            if args.bookings_per_s <= 0:
                return
            async with await psycopg.AsyncConnection.connect(libpq, autocommit=True) as conn:
                while time.perf_counter() < until:
                    bookings += await book_or_cancel(conn, rng.choice(days[1:]))
                    await asyncio.sleep(1 / args.bookings_per_s)

        await asyncio.gather(*(reader() for _ in range(args.readers)), editor(), booker())
    total = sum(states.values())
    console.print(
        f"{args.seconds:.0f} s, {args.readers} readers over {len(days)} days: {total:,} reads "
        f"({total / args.seconds:,.0f}/s), {edits} profile edits of clients with bookings, "
        f"{bookings} bookings written or cancelled"
    )
    console.print(f"x-cache {dict(states)}: hit ratio {states['HIT'] / max(total, 1):.1%}")


async def leaks(url: str, libpq: str, days: list[date], args: argparse.Namespace) -> None:
    leaked = chances = 0
    async with (
        httpx.AsyncClient(base_url=url, timeout=60) as http,
        await psycopg.AsyncConnection.connect(libpq, autocommit=True) as conn,
    ):
        for trial in range(args.leaks):
            day = days[2 + trial % (len(days) - 2)]
            found, tried = await leak_trial(http, conn, day, args.secret)
            leaked += found > 0
            chances += tried
    console.print(
        f"{args.leaks} trials ({chances} bookings committed while their client read the "
        f"board): {leaked} trials leaked a client's booking into anonymous answers"
    )


async def leak_trial(
    http: httpx.AsyncClient, conn: psycopg.AsyncConnection[Any], day: date, secret: str
) -> tuple[int, int]:
    """Clients without a booking on `day` take turns reading its board (details) in a
    loop, as do anonymous callers, the day restamped every 8 ms; each one's booking
    commits while it reads. Returns how many clients' nicks reached an anonymous answer,
    and how many bookings were committed."""
    from repairbook.accounts.tokens import issue_access_token

    now = datetime.now(UTC)
    rows = await (
        await conn.execute(
            """
            SELECT u.id, u.nick, c.id FROM users u JOIN cars c ON c.owner_id = u.id
            WHERE u.role = 'CLIENT' AND NOT EXISTS (
              SELECT 1 FROM bookings b WHERE b.client_id = u.id AND b.day = %s)
            ORDER BY random() LIMIT 24
            """,
            (day,),
        )
    ).fetchall()
    # Free a slot for each of them.
    await conn.execute(
        "UPDATE bookings SET status = 'CANCELLED', cancelled_at = now() WHERE id IN"
        " (SELECT id FROM bookings WHERE day = %s AND status = 'ACTIVE' LIMIT %s)",
        (day, len(rows)),
    )
    variables = {"d": day.isoformat()}
    stop = asyncio.Event()
    seen: list[bytes] = []

    async def anonymous() -> None:
        while not stop.is_set():
            answer = await http.post("/graphql", json={"query": DETAILS, "variables": variables})
            seen.append(answer.content)

    tokens = [
        issue_access_token(client, secret=secret, now=now, ttl=timedelta(minutes=15))
        for client, _, _ in rows
    ]
    turn = 0  # whose booking commits next: that client is the one reading

    async def own() -> None:
        while not stop.is_set():
            await http.post(
                "/graphql",
                json={"query": DETAILS, "variables": variables},
                headers={"authorization": f"Bearer {tokens[min(turn, len(tokens) - 1)]}"},
            )

    async def churn() -> None:  # other changes to the day: boards are computed again and again
        async with await psycopg.AsyncConnection.connect(conn.info.dsn, autocommit=True) as other:
            while not stop.is_set():
                await other.execute("SELECT restamp_board(%s)", (day.isoformat(),))
                await asyncio.sleep(0.008)

    async def book() -> int:
        nonlocal turn
        committed = 0
        await asyncio.sleep(0.1)
        for turn, (client, _, car) in enumerate(rows):  # noqa: B007 - read by own()
            await asyncio.sleep(0.05 + random.random() / 20)
            booked = await conn.execute(
                """
                INSERT INTO bookings (receptionist_id, starts_at, ends_at, day, car_id,
                  client_id, repair_type_id, status, price_lines, price_total, created_by_id)
                SELECT b.receptionist_id, b.starts_at, b.ends_at, b.day, %s, %s,
                  b.repair_type_id, 'ACTIVE', %s, 4125, %s
                FROM bookings b WHERE b.day = %s AND b.status = 'CANCELLED'
                  AND NOT EXISTS (SELECT 1 FROM bookings y WHERE y.status = 'ACTIVE'
                    AND y.receptionist_id = b.receptionist_id AND y.starts_at = b.starts_at)
                LIMIT 1
                """,
                (car, client, PRICE_LINES, client, day),
            )
            committed += booked.rowcount
            await asyncio.sleep(0.03 + random.random() / 20)
        await asyncio.sleep(0.2)
        stop.set()
        return committed

    *_, committed = await asyncio.gather(anonymous(), anonymous(), own(), own(), churn(), book())
    leaks = sum(any(f'"{nick}"'.encode() in body for body in seen) for _, nick, _ in rows)
    return leaks, int(committed or 0)


async def register(http: httpx.AsyncClient, nick: str) -> str:
    details = {"nick": nick, "password": "bench password", "email": f"{nick}@example.com"}
    variables = {"i": {**details, "firstName": "B", "lastName": "M"}}
    answer = await http.post("/graphql", json={"query": REGISTER, "variables": variables})
    return str(answer.json()["data"]["register"]["accessToken"])


async def book_or_cancel(conn: psycopg.AsyncConnection[object], day: date) -> int:
    """Cancels an active booking on `day`, or books a free slot with a client free that day."""
    cancelled = await conn.execute(
        "UPDATE bookings SET status = 'CANCELLED', cancelled_at = now() WHERE id = ("
        " SELECT id FROM bookings WHERE day = %s AND status = 'ACTIVE' ORDER BY random() LIMIT 1)",
        (day,),
    )
    if cancelled.rowcount and random.random() < 0.5:
        return 1
    booked = await conn.execute(
        """
        INSERT INTO bookings (receptionist_id, starts_at, ends_at, day, car_id, client_id,
          repair_type_id, status, price_lines, price_total, created_by_id)
        SELECT b.receptionist_id, b.starts_at, b.ends_at, b.day, c.id, c.owner_id,
          b.repair_type_id, 'ACTIVE', %s, 4125, c.owner_id
        FROM bookings b CROSS JOIN LATERAL (
          SELECT id, owner_id FROM cars WHERE NOT EXISTS (SELECT 1 FROM bookings x
            WHERE x.client_id = cars.owner_id AND x.day = b.day AND x.status = 'ACTIVE')
          LIMIT 1) c
        WHERE b.day = %s AND b.status = 'CANCELLED' AND NOT EXISTS (SELECT 1 FROM bookings y
          WHERE y.receptionist_id = b.receptionist_id AND y.starts_at = b.starts_at
            AND y.status = 'ACTIVE')
        LIMIT 1
        """,
        (PRICE_LINES, day),
    )
    return int(cancelled.rowcount > 0) + int(booked.rowcount > 0)


if __name__ == "__main__":
    main()
