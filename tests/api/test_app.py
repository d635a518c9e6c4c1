"""The HTTP surface: GraphiQL offline, probes, request ids, limits, error masking."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import httpx
import pytest
import strawberry

from repairbook.api import build_schema
from repairbook.schema.errors import ErrorCodes
from tests.helpers import Api


async def test_graphiql_page_and_every_asset_it_loads_are_served_locally(
    http: httpx.AsyncClient,
) -> None:
    page = await http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
    assert len(assets) >= 7
    assert "https://" not in page.text
    assert "<script>" not in page.text
    for asset in assets:
        response = await http.get(asset)
        assert response.status_code == 200, asset
        assert response.content.strip(), asset


async def test_probes(http: httpx.AsyncClient) -> None:
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    assert (await http.get("/readyz")).json() == {"status": "ok", "database": "ok", "redis": "ok"}


async def test_request_id_is_echoed_or_made(http: httpx.AsyncClient) -> None:
    given = await http.get("/healthz", headers={"x-request-id": "abc-123"})
    made = await http.get("/healthz", headers={"x-request-id": "bad id with spaces"})
    assert given.headers["x-request-id"] == "abc-123"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])


async def test_queries_work_over_get_but_mutations_do_not(api: Api) -> None:
    query = await api.http.get("/graphql", params={"query": "{ __typename }"})
    assert query.json() == {"data": {"__typename": "Query"}}
    mutation = await api.http.get(
        "/graphql", params={"query": 'mutation { logout(refreshToken: "x") }'}
    )
    assert mutation.status_code == 400
    assert "mutations are not allowed" in mutation.text.lower()


async def test_depth_is_limited() -> None:
    schema = build_schema(max_depth=1)  # the shop's schema, with a tighter limit
    result = await schema.execute('mutation { login(login: "a", password: "b") { user { nick } } }')
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT"}
    assert "depth" in result.errors[0].message
    assert result.data is None  # refused before any resolver ran


async def test_aliases_are_limited_also_inside_fragments(api: Api) -> None:
    aliases = " ".join(f"a{i}: __typename" for i in range(31))
    assert (await api.error(f"{{ {aliases} }}"))["code"] == "BAD_USER_INPUT"
    fragment = f"query {{ ...F }} fragment F on Query {{ {aliases} }}"
    error = await api.error(fragment)
    assert error["code"] == "BAD_USER_INPUT"
    assert "aliases" in error["message"]


async def test_tokens_are_limited(api: Api) -> None:
    body = await api.post("{ " + "__typename " * 2500 + "}")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "token" in body["errors"][0]["message"].lower()


async def test_syntax_and_variable_errors_are_bad_input(api: Api) -> None:
    assert (await api.error("{ me { "))["code"] == "BAD_USER_INPUT"
    wrong_type = await api.error("mutation ($t: String!) { logout(refreshToken: $t) }", {"t": 12})
    assert wrong_type["code"] == "BAD_USER_INPUT"


@dataclass
class _Context:
    request_id: str


@strawberry.type
class _Broken:
    @strawberry.field
    def explode(self) -> str:
        raise RuntimeError("database password is hunter2")


async def test_unexpected_errors_are_masked_and_logged_with_the_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    schema = strawberry.Schema(query=_Broken, extensions=[ErrorCodes])
    with caplog.at_level(logging.ERROR, logger="repairbook.errors"):
        result = await schema.execute("{ explode }", context_value=_Context("req-42"))
    assert result.errors is not None
    error = result.errors[0]
    assert "hunter2" not in error.message
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"}
    record = caplog.records[-1]
    assert "req-42" in record.getMessage()
    assert record.exc_info is not None
    assert "hunter2" in str(record.exc_info[1])
