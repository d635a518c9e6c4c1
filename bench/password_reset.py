"""How long `requestPasswordReset` takes for an account that exists (a link is signed and
mailed through the outbox) and for a login that matches nothing, with the answer padded to
REPAIRBOOK_PASSWORD_RESET_ANSWER_MS (the default, 250) and without padding (0).

    .venv/bin/python bench/password_reset.py               # 200 requests of each kind
    .venv/bin/python bench/password_reset.py --requests 50

The app runs in this process (httpx's ASGI transport: no network noise) on embedded
PostgreSQL and Redis in bench/.data-reset (or --data-dir); the throttles are lifted so
that every request for the account really writes a message.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import text

from repairbook import migrate
from repairbook.app import create_app
from repairbook.config import Settings
from repairbook.embedded import EmbeddedServices

console = Console()
REGISTER = """mutation { register(input: {nick: "bench", email: "bench@example.com",
  password: "bench password 1", firstName: "B", lastName: "B"}) { accessToken } }"""
ASK = "mutation ($l: String!) { requestPasswordReset(login: $l) }"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200, help="of each kind, per padding")
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).parent / ".data-reset")
    args = parser.parse_args()
    base = Settings(_env_file=None, data_dir=args.data_dir)
    with EmbeddedServices(base, with_mail_sink=False) as services:
        assert services.settings.database_url
        migrate.upgrade(services.settings.database_url)
        table = Table("answer floor ms", "login", "p50 ms", "p95 ms", "max ms")
        for floor in (250, 0):
            settings = services.settings.model_copy(
                update={
                    "password_reset_answer_ms": floor,
                    "password_resets_per_account": 1_000_000,
                    "password_resets_per_address": 1_000_000,
                }
            )
            for login, times in asyncio.run(_measure(settings, args.requests)).items():
                ms = sorted(t * 1000 for t in times)
                p95 = ms[int(len(ms) * 0.95) - 1]
                table.add_row(
                    str(floor), login, f"{statistics.median(ms):.1f}", f"{p95:.1f}", f"{ms[-1]:.1f}"
                )
    console.print(table)


async def _measure(settings: Settings, requests: int) -> dict[str, list[float]]:
    app = create_app(settings)
    times: dict[str, list[float]] = {"existing account": [], "no such account": []}
    async with app.router.lifespan_context(app):
        resources = app.state.resources
        async with resources.database.engine.begin() as conn:
            await conn.execute(text("TRUNCATE users, outbox_messages RESTART IDENTITY CASCADE"))
        await resources.redis.flushdb()
        transport = httpx.ASGITransport(app=app, client=("203.0.113.1", 1))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            await http.post("/graphql", json={"query": REGISTER})
            for n in range(requests):  # interleaved, so that drift hits both alike
                for kind, login in (("existing account", "bench"), ("no such account", f"x{n}")):
                    started = time.perf_counter()
                    answer = await http.post(
                        "/graphql", json={"query": ASK, "variables": {"l": login}}
                    )
                    times[kind].append(time.perf_counter() - started)
                    assert answer.json() == {"data": {"requestPasswordReset": True}}, answer.text
    return times


if __name__ == "__main__":
    main()
