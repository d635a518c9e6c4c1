"""One JSON line per GraphQL operation in production: who, what, how long; nothing secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from repairbook.observability.logs import JsonLines, WithRequest
from tests.helpers import PASSWORD, Api

ME = "query WhoAmI { me { id nick email } }"


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines())
    logger = logging.getLogger("repairbook.requests")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


async def test_each_operation_logs_request_id_name_user_and_duration(
    api: Api, lines: io.StringIO
) -> None:
    person = await api.person(email="private.person@example.com")
    response = await api.http.post(
        "/graphql",
        json={"query": ME},
        headers={"authorization": f"Bearer {person.token}", "x-request-id": "req-42"},
    )
    assert response.status_code == 200
    records = [json.loads(line) for line in lines.getvalue().splitlines()]
    [line] = [r for r in records if r.get("operation") == "WhoAmI"]
    assert line["request_id"] == "req-42"
    assert line["user_id"] == int(person.id)
    assert line["operation_type"] == "query"
    assert line["outcome"] == "OK"
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "info"
    text = lines.getvalue()
    for secret in (person.token, person.refresh_token, PASSWORD, "private.person@example.com"):
        assert secret not in text


def test_development_lines_are_plain_text() -> None:
    record = logging.makeLogRecord({"msg": "hello %s", "args": ("there",), "levelname": "INFO"})
    assert WithRequest("%(levelname)s %(message)s").format(record) == "INFO hello there"
