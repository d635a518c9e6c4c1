"""With Redis down, the API starts, says so in /readyz, and sign-in works (the throttle
counts in the process meanwhile)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from repairbook.accounts import ratelimit
from repairbook.app import create_app
from repairbook.config import Settings
from repairbook.embedded import free_port
from tests.helpers import PASSWORD, REGISTER, Api

LOGIN = """
mutation ($login: String!, $password: String!) {
  login(login: $login, password: $password) { accessToken }
}"""


@pytest.fixture
async def no_redis(
    settings: Settings, api: Api, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    """An app (lifespan and all, as `serve` runs it) whose Redis is a port nobody listens on."""
    monkeypatch.setattr(ratelimit, "LOCAL_COUNTERS", ratelimit.LocalCounters())
    down = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    app = create_app(down)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("198.51.100.20", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://shop") as client:
            yield client


async def test_the_api_starts_and_readyz_names_redis(no_redis: httpx.AsyncClient) -> None:
    assert (await no_redis.get("/healthz")).json() == {"status": "ok"}
    ready = await no_redis.get("/readyz")
    assert ready.status_code == 503
    body = ready.json()
    assert body["database"] == "ok"
    assert body["redis"].startswith("error")


async def test_sign_in_works_and_is_still_throttled(api: Api, no_redis: httpx.AsyncClient) -> None:
    await api.register(nick="offline", email="offline@example.com")
    good = {"login": "offline", "password": PASSWORD}
    signed_in = await no_redis.post("/graphql", json={"query": LOGIN, "variables": good})
    assert signed_in.json()["data"]["login"]["accessToken"], signed_in.text
    bad = {"login": "offline", "password": "guess-guess"}
    codes = []
    for _ in range(6):
        answer = await no_redis.post("/graphql", json={"query": LOGIN, "variables": bad})
        codes.append(answer.json()["errors"][0]["extensions"]["code"])
    assert codes == ["UNAUTHENTICATED"] * 5 + ["RATE_LIMITED"]


async def test_registration_works_and_is_still_throttled(
    settings: Settings, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The registration budget falls back to this process's counters, as sign-in's does."""
    monkeypatch.setattr(ratelimit, "LOCAL_COUNTERS", ratelimit.LocalCounters())
    down = settings.model_copy(
        update={
            "redis_url": f"redis://127.0.0.1:{free_port()}/0",
            "registrations_per_address": 2,
            "registrations_free_per_address": 2,
        }
    )
    app = create_app(down)
    codes = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("198.51.100.21", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://shop") as client:
            for n in range(3):
                variables = {
                    "input": {
                        "nick": f"offline{n}",
                        "password": "offline password",
                        "email": f"offline{n}@example.com",
                        "firstName": "A",
                        "lastName": "B",
                    }
                }
                answer = await client.post(
                    "/graphql", json={"query": REGISTER, "variables": variables}
                )
                errors = answer.json().get("errors")
                codes.append(errors[0]["extensions"]["code"] if errors else "OK")
    assert codes == ["OK", "OK", "RATE_LIMITED"]
