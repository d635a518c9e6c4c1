"""Bad input, as an attacker or a buggy client sends it, over HTTP: always a code, never a
5xx or INTERNAL_SERVER_ERROR, never an echo of what was sent, and nothing written."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from jose import jwt
from pydantic import SecretStr
from sqlalchemy import func, literal, select, union_all

from repairbook.app import create_app
from repairbook.config import Settings
from repairbook.models import Base
from repairbook.models.accounts import Role
from repairbook.resources import Resources
from tests.factories import Catalog, make_catalog
from tests.helpers import PASSWORD, Api

Snapshot = Callable[[], Awaitable[dict[str, int]]]

REGISTER = "mutation ($input: RegisterInput!) { register(input: $input) { user { firstName } } }"
LOGIN = "mutation ($l: String!, $p: String!) { login(login: $l, password: $p) { accessToken } }"


@pytest.fixture
def rows(resources: Resources) -> Snapshot:
    """How many rows each table holds: equal before and after means nothing was written."""

    async def count() -> dict[str, int]:
        counts = union_all(
            *(
                select(literal(table.name), func.count()).select_from(table)
                for table in Base.metadata.sorted_tables
            )
        )
        async with resources.sessions() as db:
            result = await db.execute(counts)
        return {name: int(n) for name, n in result.all()}

    return count


def registration(**overrides: Any) -> dict[str, Any]:
    return {
        "nick": "newcomer",
        "password": PASSWORD,
        "email": "newcomer@example.com",
        "firstName": "Иван",
        "lastName": "Петров",
        **overrides,
    }


# (operation, variables, who sends it, the field the error names); every string below has a
# control character or a lone surrogate somewhere.
BAD = "a\x00b"
STRING_INPUTS: list[tuple[str, dict[str, Any], str, str]] = [
    (REGISTER, {"input": registration(firstName=BAD)}, "anyone", "firstName"),
    (REGISTER, {"input": registration(lastName="Пет\x1bров")}, "anyone", "lastName"),
    (REGISTER, {"input": registration(patronymic="\x85")}, "anyone", "patronymic"),
    (REGISTER, {"input": registration(nick="a\ud800b")}, "anyone", "nick"),
    (REGISTER, {"input": registration(email="x\x00@example.com")}, "anyone", "email"),
    (REGISTER, {"input": registration(password=PASSWORD + "\x00")}, "anyone", "password"),
    (LOGIN, {"l": BAD, "p": PASSWORD}, "anyone", "l"),
    (LOGIN, {"l": "someone", "p": "\udfff" * 20}, "anyone", "p"),
    ("query ($s: String) { users(search: $s) { edges { cursor } } }", {"s": BAD}, "staff", "s"),
    (
        "mutation ($r: String) { cancelBooking(id: 1, reason: $r) { id } }",
        {"r": BAD},
        "client",
        "r",
    ),
    (
        "mutation ($i: BookSlotInput!) { bookSlot(input: $i) { id } }",
        {
            "i": {
                "receptionistId": "1",
                "startsAt": "2030-01-01T10:00:00+03:00",
                "carId": "1",
                "repairTypeId": "1",
                "idempotencyKey": BAD,
            }
        },
        "client",
        "idempotencyKey",
    ),
    (
        'mutation ($n: String) { setClosedDay(date: "2030-01-01", closed: true, note: $n) { date } }',
        {"n": BAD},
        "staff",
        "n",
    ),
    (
        "mutation ($i: LaborRateInput!) { createLaborRate(input: $i) { id } }",
        {"i": {"name": BAD, "pricePerHour": "100"}},
        "staff",
        "name",
    ),
    (
        "mutation ($i: ReceptionistInput!) { createReceptionist(input: $i) { id } }",
        {"i": {"lastName": "Смирнов", "firstName": BAD}},
        "staff",
        "firstName",
    ),
    (
        "mutation ($i: CarInput!) { addCar(input: $i) { id } }",
        {
            "i": {
                "vin": "XW8ZZZ61ZJG012345",
                "plate": BAD,
                "stsNumber": "99 АА 123456",
                "soldOn": "2021-05-14",
                "mileageKm": 1,
                "carModelId": "1",
            }
        },
        "client",
        "plate",
    ),
    (
        "mutation ($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }",
        {"i": {"subject": "Скидки", "text": BAD, "audience": {"allClients": True}}},
        "staff",
        "text",
    ),
    ("mutation ($t: String!) { unsubscribe(token: $t) }", {"t": BAD}, "anyone", "t"),
    (
        "mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }",
        {"t": BAD},
        "anyone",
        "t",
    ),
]


@pytest.fixture
async def people(api: Api) -> dict[str, str | None]:
    client = await api.person()
    staff = await api.person(Role.MANAGER)
    return {"anyone": None, "client": client.token, "staff": staff.token}


@pytest.mark.parametrize(
    ("query", "variables", "who", "field"),
    STRING_INPUTS,
    ids=[f"{i}-{case[3]}" for i, case in enumerate(STRING_INPUTS)],
)
async def test_control_characters_are_refused_in_every_string_input(
    api: Api,
    people: dict[str, str | None],
    rows: Snapshot,
    query: str,
    variables: dict[str, Any],
    who: str,
    field: str,
) -> None:
    before = await rows()
    error = await api.error(query, variables, people[who])
    assert (error["code"], error.get("field")) == ("BAD_USER_INPUT", field), error
    assert "\x00" not in error["message"]
    assert await rows() == before


async def test_control_characters_written_in_the_document_are_refused(
    api: Api, rows: Snapshot
) -> None:
    before = await rows()
    literal = 'mutation { login(login: "a\\u0000b", password: "whatever it is") { accessToken } }'
    error = await api.error(literal)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "login")
    nested = 'mutation { createLaborRate(input: {name: "x\\u001b[31m", pricePerHour: "1"}) { id } }'
    error = await api.error(nested)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "name")
    assert await rows() == before


async def test_tab_and_line_breaks_are_ordinary_text(api: Api) -> None:
    payload = await api.register(firstName="Иван\tИванович", lastName="Пет\r\nров")
    assert (payload["user"]["firstName"], payload["user"]["lastName"]) == (
        "Иван Иванович",
        "Пет ров",
    )


async def test_invisible_format_characters_are_dropped_from_names(api: Api, rows: Snapshot) -> None:
    # A right-to-left override and zero-width characters: invisible, but they reorder or
    # split the text around them. Stored names never keep them.
    payload = await api.register(firstName="\u202eнавИ\u200b", lastName="Пет\u200dров\ufeff")
    assert (payload["user"]["firstName"], payload["user"]["lastName"]) == ("навИ", "Петров")
    before = await rows()
    error = await api.error(REGISTER, {"input": registration(firstName="\u200b\u2060\u200e")})
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "firstName")
    assert await rows() == before


@pytest.mark.parametrize("bad", ["²", "١", "1" * 30, str(2**63), "-1", "0", "1.0", "0x10", ""])
async def test_only_ascii_digits_within_bigint_are_ids(
    api: Api, people: dict[str, str | None], bad: str
) -> None:
    for query in (
        "query ($id: ID!) { user(id: $id) { id } }",
        "query ($id: ID!) { booking(id: $id) { id } }",
        "mutation ($id: ID!) { removeCar(id: $id) { id } }",
    ):
        token = people["staff"] if "user(" in query else people["client"]
        error = await api.error(query, {"id": bad}, token)
        assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "id"), (query, error)


async def test_a_cursor_is_only_one_this_list_gave(api: Api, people: dict[str, str | None]) -> None:
    query = "query ($a: String) { users(after: $a) { edges { cursor } } }"
    for bad in [
        base64.urlsafe_b64encode(f"id:{'9' * 40}".encode()).decode(),
        base64.urlsafe_b64encode(b"id:\xff\xfe").decode(),
        "not base64 at all!",
        "aWQ6LTE=",  # id:-1
    ]:
        error = await api.error(query, {"a": bad}, people["staff"])
        assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "after"), bad


@pytest.mark.parametrize(
    "moment",
    [
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+23:59",
        "1899-12-31T23:00:00+00:00",
        "2030-02-30T10:00:00+03:00",
        "tomorrow",
    ],
)
async def test_out_of_range_moments_are_bad_input(
    api: Api, people: dict[str, str | None], rows: Snapshot, moment: str
) -> None:
    before = await rows()
    book = "mutation ($i: BookSlotInput!) { bookSlot(input: $i) { id } }"
    variables = {
        "i": {"receptionistId": "1", "startsAt": moment, "carId": "1", "repairTypeId": "1"}
    }
    error = await api.error(book, variables, people["client"])
    assert error["code"] == "BAD_USER_INPUT", error
    assert await rows() == before


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2030-13-01", "2030-1-1", "today"])
async def test_out_of_range_dates_are_bad_input(api: Api, day: str) -> None:
    query = "query ($d: Date!) { availability(date: $d) { date } }"
    assert (await api.error(query, {"d": day}))["code"] == "BAD_USER_INPUT"


async def test_datetimes_are_written_in_the_shops_offset_everywhere(
    api: Api, people: dict[str, str | None]
) -> None:
    catalog: Catalog = await make_catalog(api.resources)
    client = await api.person()
    car = await api.add_car(client, catalog.model_id)
    # Sent in UTC, read back everywhere in the shop's +03:00.
    starts_utc = datetime.fromisoformat(api.at(3, "10:00")).astimezone(UTC).isoformat()
    fields = "id startsAt endsAt createdAt"
    booked = await api.ok(
        f"mutation ($i: BookSlotInput!) {{ bookSlot(input: $i) {{ {fields} }} }}",
        {
            "i": {
                "receptionistId": str(catalog.receptionist_ids[0]),
                "startsAt": starts_utc,
                "carId": car,
                "repairTypeId": str(catalog.to1_id),
            }
        },
        client.token,
    )
    booking_id = booked["bookSlot"]["id"]
    day = api.at(3, "10:00")[:10]
    seen = [
        booked["bookSlot"],
        (
            await api.ok(
                f"query ($id: ID!) {{ booking(id: $id) {{ {fields} }} }}",
                {"id": booking_id},
                client.token,
            )
        )["booking"],
        (await api.ok(f"{{ myBookings {{ {fields} }} }}", token=client.token))["myBookings"][0],
        (
            await api.ok(
                f"query ($d: Date!) {{ bookings(from: $d, to: $d) {{ {fields} }} }}",
                {"d": day},
                people["staff"],
            )
        )["bookings"][0],
    ]
    board = await api.ok(
        "query ($d: Date!) { availability(date: $d) { slots { startsAt endsAt } } }", {"d": day}
    )
    values = [v for b in seen for k, v in b.items() if k != "id"]
    values += [v for s in board["availability"]["slots"] for v in s.values()]
    assert values
    assert all(v.endswith("+03:00") for v in values), values
    assert {b["startsAt"] for b in seen} == {api.at(3, "10:00")}


async def test_an_overlong_password_is_wrong_or_refused_not_hashed(
    api: Api, rows: Snapshot
) -> None:
    await api.register(nick="someone")
    error = await api.error(LOGIN, {"l": "someone", "p": "x" * 5000})
    assert error["code"] == "UNAUTHENTICATED"
    before = await rows()
    error = await api.error(REGISTER, {"input": registration(password="x" * 5000)})
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "password")
    assert await rows() == before


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "9" * 40, "typ": "access"},
        {"sub": "1" * 19, "typ": "access"},  # beyond bigint
        {"sub": "²", "typ": "access"},
        {"sub": 12, "typ": "access"},
        {"sub": "1", "typ": "unsubscribe"},
        {"sub": "1"},
        {"sub": "1", "typ": "access", "exp": None},
        {"sub": "1", "typ": "access", "exp": "tomorrow"},
    ],
)
async def test_odd_claims_in_a_correctly_signed_token_are_unauthenticated(
    api: Api, settings: Settings, claims: dict[str, Any]
) -> None:
    person = await api.person()
    full = {"exp": datetime.now(UTC) + timedelta(minutes=5), **claims}
    full = {k: v for k, v in full.items() if v is not None}
    if "sub" in full and full["sub"] == "1":
        full["sub"] = person.id
    token = jwt.encode(full, settings.secret_key.get_secret_value(), algorithm="HS256")
    error = await api.error("{ me { id } }", token=token)
    assert error["code"] == "UNAUTHENTICATED"


# --- the transport ---------------------------------------------------------------------


def assert_refused(response: httpx.Response, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    return body


@pytest.mark.parametrize(
    "body", ['"x"', "null", "123", "true", "[]", '[{"query": "{ __typename }"}]', "{", "{'a': 1}"]
)
async def test_a_body_that_is_not_one_json_object_is_a_400_with_a_code(
    http: httpx.AsyncClient, body: str
) -> None:
    response = await http.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert_refused(response)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", '{"query": "{ __typename }"}'),
        ("application/xml", "<query/>"),
        ("application/json", b"\xff\xfe{}"),
    ],
)
async def test_wrong_content_types_and_encodings_are_a_400_with_a_code(
    http: httpx.AsyncClient, content_type: str, body: str | bytes
) -> None:
    response = await http.post("/graphql", content=body, headers={"content-type": content_type})
    assert response.status_code in (400, 415), response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("depth", [40, 5000, 100_000 // 3])
async def test_deeply_nested_variables_are_refused(http: httpx.AsyncClient, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    body = '{"query": "{ __typename }", "variables": {"x": ' + nested + "}}"
    response = await http.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code in (400, 413), response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_big_body_is_refused_before_it_is_read(
    http: httpx.AsyncClient, resources: Resources
) -> None:
    limit = resources.settings.max_request_bytes
    ten_mb = b'{"query": "{ __typename }", "x": "' + b"#" * 10_000_000 + b'"}'
    assert_refused(
        await http.post("/graphql", content=ten_mb, headers={"content-type": "application/json"}),
        413,
    )

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
        yield b'{"query": "{ __typename }", "x": "'
        for _ in range(limit // 10_000 + 5):
            yield b"#" * 10_000
        yield b'"}'

    assert_refused(
        await http.post("/graphql", content=chunks(), headers={"content-type": "application/json"}),
        413,
    )
    # Just under the limit is still an ordinary request.
    fine = json.dumps({"query": "{ __typename }", "variables": {"x": "#" * (limit - 200)}})
    assert (
        await http.post("/graphql", content=fine, headers={"content-type": "application/json"})
    ).status_code == 200


async def test_unknown_paths_and_methods_answer_in_json_with_a_code(
    http: httpx.AsyncClient,
) -> None:
    missing = await http.get("/nowhere")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    wrong = await http.put("/graphql", content=b"{}")
    assert wrong.status_code == 405
    assert wrong.headers["allow"]
    assert wrong.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_row_snapshot_sees_a_write(api: Api, rows: Snapshot) -> None:
    before = await rows()
    await api.register()
    assert await rows() != before


async def test_several_operations_need_an_operation_name(api: Api) -> None:
    document = "query A { __typename } query B { carModels { id } }"
    response = await api.http.post("/graphql", json={"query": document})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "operationName" in error["message"]
    response = await api.http.post("/graphql", json={"query": document, "operationName": "B"})
    assert response.json() == {"data": {"carModels": []}}
    unknown = await api.http.post("/graphql", json={"query": document, "operationName": "C"})
    assert unknown.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_errors_never_echo_the_password_or_long_values(api: Api, rows: Snapshot) -> None:
    before = await rows()
    secret = "my very secret passphrase"
    mistyped = await api.post(REGISTER, {"input": {**registration(password=secret), "nik": "x"}})
    missing = await api.post(REGISTER, {"input": {"password": secret}})
    wrong_type = await api.post(LOGIN, {"l": "someone", "p": {"secret": secret}})
    for body in (mistyped, missing, wrong_type):
        text_of = json.dumps(body, ensure_ascii=False)
        assert secret not in text_of
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    huge = "Z" * 90_000
    long_literal = await api.post(f'{{ user(id: "{huge}") {{ id }} }}')
    long_variable = await api.post(
        "query ($n: Int!) { users(first: $n) { edges { cursor } } }", {"n": huge}
    )
    for body in (long_literal, long_variable):
        message = body["errors"][0]["message"]
        assert len(message) <= 300
        assert "Z" * 200 not in message
    assert await rows() == before


@asynccontextmanager
async def production_app(settings: Settings, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The app as production runs it: introspection, GraphiQL and suggestions off."""
    prod = settings.model_copy(
        update={"env": "production", "secret_key": SecretStr("s" * 48), **overrides}
    )
    app = create_app(prod)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://shop") as client:
            yield client


@pytest.fixture
async def production(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with production_app(settings) as client:
        yield client


async def test_production_hides_the_schema_from_strangers(
    production: httpx.AsyncClient, api: Api
) -> None:
    introspection = await production.post(
        "/graphql", json={"query": "{ __schema { types { name } } }"}
    )
    body = introspection.json()
    assert body["data"] is None
    assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}
    assert "introspection has been disabled" in body["errors"][0]["message"]
    typo = await production.post("/graphql", json={"query": "{ carModel { id } }"})
    message = typo.json()["errors"][0]["message"]
    assert "Did you mean" not in message
    assert "carModels" not in message
    bad_enum = await production.post(
        "/graphql", json={"query": "mutation { setUserRole(userId: 1, role: MANGER) { id } }"}
    )
    assert "MANAGER" not in bad_enum.json()["errors"][0]["message"]
    typo_in_variables = await production.post(
        "/graphql", json={"query": REGISTER, "variables": {"input": {**registration(), "nik": "x"}}}
    )
    assert "Did you mean" not in typo_in_variables.json()["errors"][0]["message"]
    page = await production.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert page.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # Development keeps both: they are how people learn the API.
    dev = await api.http.post("/graphql", json={"query": "{ __schema { queryType { name } } }"})
    assert dev.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


async def test_production_can_turn_introspection_and_graphiql_on(settings: Settings) -> None:
    async with production_app(settings, introspection=True, graphiql=True) as client:
        schema = await client.post(
            "/graphql", json={"query": "{ __schema { queryType { name } } }"}
        )
        page = await client.get("/graphql", headers={"accept": "text/html"})
    assert schema.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    assert page.status_code == 200
    assert "GraphiQL" in page.text
