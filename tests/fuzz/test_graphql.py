"""Schemathesis against a real `repairbook serve`: every query and mutation, with generated
valid and invalid arguments, as a stranger, a client and an admin. Whatever it sends, the
answer is never a 5xx, and every GraphQL error carries a code other than
INTERNAL_SERVER_ERROR (the API's contract: a caller's input cannot make a server error)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import redis
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import Case
from schemathesis.core.transport import Response
from schemathesis.graphql import from_path, nodes
from sqlalchemy import create_engine, text

from repairbook.config import Settings
from repairbook.embedded import free_port
from repairbook.errors import ErrorCode
from repairbook.models import Base

EXAMPLES = int(os.environ.get("REPAIRBOOK_FUZZ_EXAMPLES", "40"))
REGISTER = """mutation ($n: String!, $e: String!) { register(input: {nick: $n, email: $e,
  password: "fuzzing password 1", firstName: "Fuzz", lastName: "Fuzz"}) { accessToken } }"""
ADD_CAR = """mutation { addCar(input: {vin: "XW8ZZZ61ZJG012345", plate: "А123ВС77",
  stsNumber: "99 АА 123456", soldOn: "2021-05-14", mileageKm: 42000, carModelId: "1"}) { id } }"""


def run(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "repairbook", *args], env=env, check=True, timeout=120)  # noqa: S603


class Server:
    def __init__(self, settings: Settings) -> None:
        assert settings.database_url
        assert settings.redis_url
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("REPAIRBOOK_")}
        self.env |= {
            "REPAIRBOOK_DATABASE_URL": settings.database_url,
            "REPAIRBOOK_REDIS_URL": settings.redis_url,
            "REPAIRBOOK_DATA_DIR": str(settings.data_dir),
            "REPAIRBOOK_ARGON2_MEMORY_KIB": "1024",
            "REPAIRBOOK_ARGON2_ROUNDS": "1",
            # Generated registrations and reset requests, all from one address, at full speed.
            "REPAIRBOOK_REGISTRATIONS_PER_ADDRESS": "100000",
            "REPAIRBOOK_REGISTRATIONS_FREE_PER_ADDRESS": "100000",
            "REPAIRBOOK_PASSWORD_RESET_ANSWER_MS": "0",
        }
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/graphql"
        self.tokens: dict[str, dict[str, str]] = {"stranger": {}}

    def sign_up(self, role: str) -> None:
        nick = f"fuzz{role}"
        variables = {"n": nick, "e": f"{nick}@example.com"}
        answer = httpx.post(self.url, json={"query": REGISTER, "variables": variables})
        headers = {"Authorization": f"Bearer {answer.json()['data']['register']['accessToken']}"}
        if role == "client":  # verified, with a car, so that booking goes past both checks
            run("users", "verify", nick, env=self.env)
            httpx.post(self.url, json={"query": ADD_CAR}, headers=headers).raise_for_status()
        else:
            run("users", "set-role", nick, role, env=self.env)
        self.tokens[role] = headers


@pytest.fixture(scope="module")
def server(settings: Settings) -> Iterator[Server]:
    server = Server(settings)
    run("seed", env=server.env)  # a catalog, so that ids point at something
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "repairbook", "serve", "--port", str(server.port)],
        env=server.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(server.url.replace("/graphql", "/readyz")).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        for role in ("client", "admin"):
            server.sign_up(role)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)
        _wipe(settings)


def _wipe(settings: Settings) -> None:
    assert settings.database_url
    engine = create_engine(settings.database_url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    assert settings.redis_url
    with redis.Redis.from_url(settings.redis_url) as client:
        client.flushdb()


# The API's own scalars: mostly values that mean something (prices, days near today, slot
# starts), some that do not.
_today = date.today()
_days = st.dates(_today - timedelta(days=5), _today + timedelta(days=70))
_moments = st.builds(
    lambda day, half_hours, zone: (
        datetime.combine(day, dt_time(8), zone) + timedelta(minutes=30 * half_hours)
    ),
    _days,
    st.integers(-2, 26),
    st.sampled_from([ZoneInfo("Europe/Moscow"), UTC]),
)
_junk = st.text(max_size=30)
schemathesis.graphql.scalar(
    "Decimal",
    st.one_of(st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str), _junk).map(
        nodes.String
    ),
)
schemathesis.graphql.scalar(
    "Date",
    st.one_of(_days.map(date.isoformat), st.dates().map(date.isoformat), _junk).map(nodes.String),
)
schemathesis.graphql.scalar(
    "DateTime",
    st.one_of(
        _moments.map(datetime.isoformat),
        st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat),
        _junk,
    ).map(nodes.String),
)

# The committed contract (the check command holds it equal to the server's own schema).
schema = from_path(Path(__file__).parents[2] / "schema.graphql")


def no_server_error(ctx: Any, response: Response, case: Case[Any]) -> bool | None:
    assert response.status_code < 500, f"HTTP {response.status_code}"
    body = response.json()
    assert isinstance(body, dict), body
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code in ErrorCode._value2member_map_, f"an error without a known code: {error}"
        assert code != ErrorCode.INTERNAL_SERVER_ERROR.value, f"a server error: {error}"
    return None


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_no_input_makes_a_server_error(case: Case[Any], server: Server) -> None:
    for headers in server.tokens.values():
        case.call_and_validate(base_url=server.url, headers=headers, checks=[no_server_error])
