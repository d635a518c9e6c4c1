"""Requests that used to stall the loop or escape as a 500, and smaller untruths: each is
refused with a code, over HTTP and over the websocket alike."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from repairbook.config import Settings
from repairbook.schema.document_limits import (
    MAX_FIELDS,
    MAX_FRAGMENTS,
    MAX_SELECTIONS,
    MAX_SPREADS,
)
from tests.api.test_bad_input import production_app
from tests.helpers import Api
from tests.live.support import Instance, Subscriber, instance

JSON = {"content-type": "application/json"}
HUGE_INT = "1" * 4301


@pytest.fixture
async def server(settings: Settings, api: Api) -> AsyncIterator[Instance]:
    async with instance(settings) as one:
        yield one


def refused(response: httpx.Response, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0] == "application/json"
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    return dict(error)


async def test_an_integer_over_4300_digits_is_a_400(http: httpx.AsyncClient) -> None:
    for body in (
        '{"query": "{ __typename }", "variables": {"x": ' + HUGE_INT + "}}",
        '{"query": "{ __typename }", "x": -' + HUGE_INT + "}",
    ):
        refused(await http.post("/graphql", content=body, headers=JSON))


async def test_an_integer_over_4300_digits_closes_the_websocket_with_4400(
    server: Instance,
) -> None:
    async with Subscriber.connect(server.ws_url) as ws:
        await ws.acknowledged()
        raw = '{"id": "1", "type": "subscribe", "payload": {"query": "{ __typename }", '
        await ws.ws.send(raw + '"variables": {"x": ' + HUGE_INT + "}}}")
        assert (await ws.closed_with())[0] == 4400


@pytest.mark.parametrize(
    "content_type",
    ["application/jsonfoo", "application/json-patch", "text/application/json", "application/json2"],
)
async def test_only_the_json_media_type_is_json(http: httpx.AsyncClient, content_type: str) -> None:
    body = '{"query": "{ __typename }"}'
    refused(await http.post("/graphql", content=body, headers={"content-type": content_type}))


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "application/json ;x=y"]
)
async def test_json_with_parameters_is_json(http: httpx.AsyncClient, content_type: str) -> None:
    body = '{"query": "{ __typename }"}'
    response = await http.post("/graphql", content=body, headers={"content-type": content_type})
    assert response.json() == {"data": {"__typename": "Query"}}


def nested(depth: int) -> str:
    """A request body whose containers nest exactly `depth` deep (the body itself is one),
    with a value in the innermost."""
    inner = "[" * (depth - 2) + "1" + "]" * (depth - 2)
    return '{"query": "{ __typename }", "variables": {"x": ' + inner + "}}"


async def test_json_nested_32_deep_is_accepted_and_33_refused(http: httpx.AsyncClient) -> None:
    accepted = await http.post("/graphql", content=nested(32), headers=JSON)
    assert accepted.json() == {"data": {"__typename": "Query"}}
    refused(await http.post("/graphql", content=nested(33), headers=JSON))


async def test_several_operations_without_a_name_are_a_400(http: httpx.AsyncClient) -> None:
    document = "query A { __typename } query B { __typename }"
    error = refused(await http.post("/graphql", json={"query": document}))
    assert "operationName" in error["message"]
    named = await http.post("/graphql", json={"query": document, "operationName": "B"})
    assert named.json() == {"data": {"__typename": "Query"}}


SECRET = 'hunter2-SECRET". x'


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        ("query ($d: Date!) { availability(date: $d) { date } }", {"d": SECRET}),
        ('{ availability(date: "hunter2-SECRET") { date } }', {}),
        ("query ($d: Date!) { availability(date: $d) { date } }", {"d": ["hunter2-SECRET"]}),
        (
            "mutation ($i: ConsumableInput!) { createConsumable(input: $i) { id } }",
            {"i": {"name": "x", "price": SECRET}},
        ),
        (
            "mutation ($i: BookSlotInput!) { bookSlot(input: $i) { id } }",
            {
                "i": {
                    "receptionistId": "1",
                    "startsAt": SECRET,
                    "carId": "1",
                    "repairTypeId": "1",
                    "idempotencyKey": "k",
                }
            },
        ),
    ],
)
async def test_scalar_errors_never_echo_what_was_sent(
    api: Api, document: str, variables: dict[str, Any]
) -> None:
    error = await api.error(document, variables)
    assert error["code"] == "BAD_USER_INPUT"
    assert "hunter2" not in error["message"], error
    assert "SECRET" not in error["message"], error


async def test_production_serves_no_graphiql_files(settings: Settings) -> None:
    async with production_app(settings) as client:
        for path in ("/static/graphiql/index.html", "/static/graphiql/graphiql.min.js"):
            response = await client.get(path)
            assert response.status_code == 404, path
        assert (await client.get("/static/cars/kia-rio-4.svg")).status_code == 200
    async with production_app(settings, graphiql=True) as client:
        assert (await client.get("/static/graphiql/index.html")).status_code == 200


THE_ATTACK = "{ " + " ".join(["carModels { engine { id } }"] * 280) + " unique: __typename }"


def fragments(count: int) -> str:
    spreads = " ".join(f"...F{n}" for n in range(count))
    definitions = " ".join(
        f"fragment F{n} on Query {{ carModels {{ engine {{ id }} }} }}" for n in range(count)
    )
    return f"{{ {spreads} }} {definitions}"


@pytest.mark.parametrize(
    ("document", "says"),
    [
        (THE_ATTACK, "selected twice"),
        ("{ me { nick nick } }", "selected twice"),
        ("{ me { nick ... on User { nick } } }", "selected twice"),
        ("{ a: carModels { id } a: carModels { name } }", "selected twice"),
        (
            "{ " + " ".join(f"f{n}: __typename" for n in range(MAX_SELECTIONS + 1)) + " }",
            "selections",
        ),
        (fragments(MAX_SPREADS + 1), "spreads"),
        (
            "{ __typename } "
            + " ".join(
                f"fragment F{n} on Query {{ __typename }}" for n in range(MAX_FRAGMENTS + 1)
            ),
            "fragments",
        ),
    ],
)
async def test_documents_too_costly_to_validate_are_refused_first(
    api: Api, document: str, says: str
) -> None:
    error = await api.error(document)
    assert error["code"] == "BAD_USER_INPUT"
    assert says in error["message"], error


async def test_the_whole_document_has_a_field_budget(api: Api) -> None:
    # Distinct aliases under distinct parents: nothing repeated, only many.
    per_set = 50
    groups = MAX_FIELDS // (per_set + 1) + 1
    fields = " ".join(f"f{n}: __typename" for n in range(per_set))
    document = "{ " + " ".join(f"g{g}: me {{ {fields} }}" for g in range(groups)) + " }"
    error = await api.error(document, None)
    assert error["code"] == "BAD_USER_INPUT"
    assert "fields" in error["message"], error


async def test_what_real_screens_send_is_within_the_bounds(api: Api) -> None:
    board = """
    query Board($d: Date!) {
      availability(date: $d) { date slots { ...Slot } }
      me { ...Me }
      carModels { id name imageUrl priceCoefficient engine { id code displacementL oilVolumeL } }
    }
    fragment Slot on Slot { startsAt state bookable receptionist { id fullName }
                            booking { id status price client { id nick } } }
    fragment Me on User { id nick email firstName lastName role cars { id plate } }
    """
    body = await api.post(board, {"d": api.at(1, "10:00")[:10]})
    assert "errors" not in body or body["errors"][0]["extensions"]["code"] != "BAD_USER_INPUT"


async def test_bad_documents_on_the_websocket_get_an_error_with_codes_and_no_traceback(
    server: Instance, caplog: pytest.LogCaptureFixture
) -> None:
    documents = {
        "syntax": "{ me { ",
        "tokens": "{ " + "__typename " * 2500 + "}",
        "shape": THE_ATTACK,
        "unnamed": "query A { __typename } query B { __typename }",
        "unknown": "query A { __typename }",
    }
    async with Subscriber.connect(server.ws_url) as ws:
        await ws.acknowledged()
        with caplog.at_level(logging.WARNING):
            for op_id, document in documents.items():
                payload: dict[str, Any] = {"query": document}
                if op_id == "unknown":
                    payload["operationName"] = "C"
                await ws.send({"id": op_id, "type": "subscribe", "payload": payload})
                message = await ws.receive()
                assert message["id"] == op_id
                assert message["type"] == "error", message
                assert message["payload"][0]["extensions"]["code"] == "BAD_USER_INPUT"
            await ws.send({"type": "ping"})
            assert await ws.receive() == {"type": "pong"}  # still open
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    assert "Traceback" not in caplog.text


async def test_the_attack_over_http_is_refused_before_validation(api: Api) -> None:
    body = json.dumps({"query": THE_ATTACK})
    response = await api.http.post("/graphql", content=body, headers=JSON)
    [error] = response.json()["errors"]
    assert "selected twice" in error["message"]
