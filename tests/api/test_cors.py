"""Frontends on another origin: real preflights over HTTP, and the websocket's Origin check."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import websockets
from pydantic import SecretStr, ValidationError
from websockets.typing import Origin

from repairbook.config import Settings
from tests.live.support import PROTOCOL, Instance, Subscriber, instance

SHOP = "https://shop.example.com"


def preflight(origin: str) -> dict[str, str]:
    return {
        "origin": origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
    }


@pytest.fixture
async def dev(settings: Settings) -> AsyncIterator[Instance]:
    async with instance(settings) as server:
        yield server


@pytest.fixture
async def production(settings: Settings) -> AsyncIterator[Instance]:
    prod = settings.model_copy(
        update={"env": "production", "secret_key": SecretStr("p" * 40), "cors_origins": (SHOP,)}
    )
    async with instance(prod) as server:
        yield server


def http_url(server: Instance) -> str:
    return f"http://127.0.0.1:{server.port}/graphql"


@pytest.mark.parametrize(
    "origin", ["http://localhost:5173", "http://127.0.0.1:3000", "http://localhost"]
)
async def test_development_lets_local_frontend_dev_servers_in(dev: Instance, origin: str) -> None:
    async with httpx.AsyncClient() as client:
        answer = await client.options(http_url(dev), headers=preflight(origin))
        assert answer.status_code == 200
        assert answer.headers["access-control-allow-origin"] == origin
        assert "POST" in answer.headers["access-control-allow-methods"]
        assert "authorization" in answer.headers["access-control-allow-headers"].lower()
        assert "access-control-allow-credentials" not in answer.headers
        query = await client.post(
            http_url(dev), json={"query": "{ __typename }"}, headers={"origin": origin}
        )
    assert query.json() == {"data": {"__typename": "Query"}}
    assert query.headers["access-control-allow-origin"] == origin
    assert "x-request-id" in query.headers["access-control-expose-headers"].lower()


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "http://localhost.evil.example", "https://localhost:5173"]
)
async def test_other_origins_are_refused(dev: Instance, origin: str) -> None:
    async with httpx.AsyncClient() as client:
        answer = await client.options(http_url(dev), headers=preflight(origin))
        query = await client.post(
            http_url(dev), json={"query": "{ __typename }"}, headers={"origin": origin}
        )
    assert answer.status_code == 400
    assert "access-control-allow-origin" not in answer.headers
    assert "access-control-allow-origin" not in query.headers  # the browser hides the answer


async def test_production_allows_only_the_listed_origins(production: Instance) -> None:
    async with httpx.AsyncClient() as client:
        shop = await client.options(http_url(production), headers=preflight(SHOP))
        local = await client.options(
            http_url(production), headers=preflight("http://localhost:5173")
        )
        too_big = await client.post(
            http_url(production),
            content=b"{" + b" " * 200_000 + b"}",
            headers={"origin": SHOP, "content-type": "application/json"},
        )
    assert shop.status_code == 200
    assert shop.headers["access-control-allow-origin"] == SHOP
    assert local.status_code == 400
    # Even a refusal can be read by the shop's page, so it can show what went wrong.
    assert too_big.status_code == 413
    assert too_big.headers["access-control-allow-origin"] == SHOP


async def opens(server: Instance, origin: str | None) -> bool:
    """Whether a websocket opened with this Origin header gets acknowledged."""
    try:
        async with websockets.connect(
            server.ws_url,
            subprotocols=[PROTOCOL],  # type: ignore[list-item]
            origin=Origin(origin) if origin else None,
        ) as raw:
            client = Subscriber(raw)
            await client.send({"type": "connection_init", "payload": {}})
            return await client.receive() == {"type": "connection_ack"}
    except websockets.exceptions.InvalidStatus as refused:
        if refused.response.status_code == 403:
            return False
        raise


async def test_the_websocket_checks_origin_against_the_same_list(
    dev: Instance, production: Instance
) -> None:
    assert await opens(dev, "http://localhost:5173")
    assert not await opens(dev, "https://evil.example")
    assert await opens(production, SHOP)
    assert not await opens(production, "http://localhost:5173")
    assert not await opens(production, "https://evil.example")
    # A page served by the API itself (GraphiQL), and clients that are not browsers.
    assert await opens(production, f"http://127.0.0.1:{production.port}")
    assert await opens(production, None)


def test_origins_are_read_as_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPAIRBOOK_CORS_ORIGINS", f" {SHOP}, http://[::1]:8080/ ,")
    assert Settings(_env_file=None).cors_origins == (SHOP, "http://[::1]:8080")
    for bad in ("shop.example.com", "ftp://shop.example.com", "https://shop.example.com/app"):
        monkeypatch.setenv("REPAIRBOOK_CORS_ORIGINS", bad)
        with pytest.raises(ValidationError, match="not an origin"):
            Settings(_env_file=None)
