"""GraphQL over HTTP: media types by Accept, request errors under the spec's media type,
and revalidation of queries over GET."""

from __future__ import annotations

import httpx

from repairbook.graphql_http import GRAPHQL_RESPONSE, JSON, negotiate
from repairbook.models.accounts import User
from tests.helpers import Api

SPEC = {"accept": GRAPHQL_RESPONSE, "content-type": JSON}
MODELS = {"query": "{ carModels { id } }"}


def test_accept_picks_the_media_type() -> None:
    assert negotiate(None) == JSON
    assert negotiate("") == JSON
    assert negotiate("*/*") == JSON
    assert negotiate("application/json") == JSON
    assert negotiate(f"{GRAPHQL_RESPONSE}, {JSON};q=0.9") == GRAPHQL_RESPONSE
    assert negotiate(f"{GRAPHQL_RESPONSE};q=0.5, {JSON}") == JSON
    assert negotiate(f"{GRAPHQL_RESPONSE};charset=utf-8") == GRAPHQL_RESPONSE
    assert negotiate(f"{GRAPHQL_RESPONSE};charset=utf-16") is None
    assert negotiate("text/html") is None
    assert negotiate(f"{GRAPHQL_RESPONSE};q=0") is None


async def test_request_errors_are_400_without_data_under_the_spec_media_type(
    http: httpx.AsyncClient,
) -> None:
    for document in (
        "{ nope }",
        "{ carModels {",
        "query A { shop { id } } query B { shop { id } }",
    ):
        response = await http.post("/graphql", json={"query": document}, headers=SPEC)
        assert response.status_code == 400, response.text
        assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
        assert "data" not in response.json()
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    bad_variables = {
        "query": "query ($d: Date!) { availability(date: $d) { id } }",
        "variables": {"d": 5},
    }
    response = await http.post("/graphql", json=bad_variables, headers=SPEC)
    assert (response.status_code, "data" in response.json()) == (400, False)


async def test_application_json_stays_the_default_and_keeps_200(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": "{ nope }"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(JSON)
    assert response.json()["data"] is None


async def test_field_errors_stay_200_with_data(api: Api, http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql", json={"query": '{ shop { id } booking(id: "1") { id } }'}, headers=SPEC
    )
    assert response.status_code == 200
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["errors"][0]["path"] == ["booking"]


async def test_an_accept_nothing_satisfies_is_406_before_anything_runs(
    api: Api, http: httpx.AsyncClient
) -> None:
    register = {
        "query": 'mutation { register(input: {nick: "x406", password: "long password 1", email: "x406@example.com", firstName: "A", lastName: "B"}) { accessToken } }'
    }
    response = await http.post("/graphql", json=register, headers={"accept": "text/plain"})
    assert response.status_code == 406
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"
    assert await api.count(User) == 0  # refused before it ran


async def test_get_queries_carry_an_etag_and_answer_304_when_it_still_holds(
    http: httpx.AsyncClient,
) -> None:
    first = await http.get("/graphql", params=MODELS)
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, no-cache"
    again = await http.get("/graphql", params=MODELS, headers={"if-none-match": tag})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", tag)
    other = await http.get("/graphql", params=MODELS, headers={"if-none-match": '"stale"'})
    assert other.status_code == 200
    signed = await http.get("/graphql", params=MODELS, headers={"authorization": "Bearer x"})
    assert signed.headers["cache-control"] == "private, no-cache"  # never in a shared cache
    broken = await http.get("/graphql", params={"query": "{ nope }"})
    assert "etag" not in broken.headers
    assert broken.headers["cache-control"] == "no-store"  # an error: never kept


async def test_cors_lets_frontends_send_tracing_and_client_headers_and_read_ours(
    http: httpx.AsyncClient,
) -> None:
    sent = (
        "authorization, content-type, traceparent, tracestate, baggage, sentry-trace, "
        "apollographql-client-name, apollographql-client-version"
    )
    origin = "http://localhost:5173"
    response = await http.options(
        "/graphql",
        headers={
            "origin": origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": sent,
        },
    )
    assert response.status_code == 200, response.text
    allowed = {h.strip() for h in response.headers["access-control-allow-headers"].split(",")}
    assert {h.strip() for h in sent.split(",")} <= allowed
    answer = await http.post("/graphql", json=MODELS, headers={"origin": origin})
    exposed = answer.headers["access-control-expose-headers"]
    assert "x-request-id" in exposed
    assert "x-cache" in exposed
    stranger = await http.options(
        "/graphql",
        headers={
            "origin": "https://evil.example.com",
            "access-control-request-method": "POST",
            "access-control-request-headers": "traceparent",
        },
    )
    assert stranger.status_code == 400  # origins are still checked
