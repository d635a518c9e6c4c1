"""Small helpers for tests: send real GraphQL documents, make users."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import httpx
from sqlalchemy import event, func, select, update

from repairbook.models.accounts import Role, User
from repairbook.resources import Resources
from tests.factories import CAR, vin

_numbers = itertools.count(1)
PASSWORD = "correct horse battery"

REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) {
    accessToken refreshToken accessTokenExpiresAt
    user { id nick email firstName lastName patronymic role locale marketingOptIn }
  }
}
"""

ADD_CAR = "mutation ($i: CarInput!) { addCar(input: $i) { id } }"


@dataclass
class Person:
    id: str
    nick: str
    token: str
    refresh_token: str


@dataclass
class Api:
    http: httpx.AsyncClient
    resources: Resources
    # Messages are Russian by default; these tests read the English ones (the default and
    # the choice of language are tested in tests/api/test_language.py).
    language: str = "en"

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"content-type": "application/json", "accept-language": self.language}
        if token:
            headers["authorization"] = f"Bearer {token}"
        # json.dumps escapes what UTF-8 cannot carry (a lone surrogate), as browsers do.
        request = json.dumps({"query": query, "variables": variables or {}})
        response = await self.http.post("/graphql", content=request, headers=headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def ok(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        body = await self.post(query, variables, token)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def error(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """The one error the request produced (with its `code` and `field` lifted up)."""
        body = await self.post(query, variables, token)
        assert body.get("errors"), body
        assert len(body["errors"]) == 1, body["errors"]
        error: dict[str, Any] = body["errors"][0]
        extensions = error.get("extensions", {})
        return {"message": error["message"], **extensions}

    async def register(self, **overrides: Any) -> dict[str, Any]:
        n = next(_numbers)
        data = {
            "nick": f"client{n}",
            "password": PASSWORD,
            "email": f"client{n}@example.com",
            "firstName": "Иван",
            "lastName": "Петров",
            "patronymic": "Сергеевич",
        }
        data.update(overrides)
        result = await self.ok(REGISTER, {"input": data})
        payload: dict[str, Any] = result["register"]
        return payload

    async def person(self, role: Role = Role.CLIENT, **overrides: Any) -> Person:
        """A registered user with the given role and a fresh access token."""
        payload = await self.register(**overrides)
        if role is not Role.CLIENT:
            async with self.resources.sessions() as db, db.begin():
                await db.execute(
                    update(User).where(User.id == int(payload["user"]["id"])).values(role=role)
                )
        return Person(
            payload["user"]["id"],
            payload["user"]["nick"],
            payload["accessToken"],
            payload["refreshToken"],
        )

    def now(self) -> datetime:
        """The app's own clock: the one time source tests and the app share."""
        return self.resources.clock.now()

    def at(self, days: int, hhmm: str) -> str:
        """A shop-local time `days` from the app's today, as an ISO string with offset."""
        zone = self.resources.settings.zone
        day = self.now().astimezone(zone).date() + timedelta(days=days)
        hour, minute = (int(x) for x in hhmm.split(":"))
        return datetime.combine(day, time(hour, minute), tzinfo=zone).isoformat()

    async def add_car(self, owner: Person, model_id: int, **overrides: Any) -> str:
        """A car with a VIN no other test car has; returns its id."""
        car = {**CAR, "vin": vin(next(_numbers)), "carModelId": str(model_id), **overrides}
        added = await self.ok(ADD_CAR, {"i": car}, owner.token)
        return str(added["addCar"]["id"])

    async def client_with_car(self, model_id: int) -> tuple[Person, str]:
        client = await self.person()
        return client, await self.add_car(client, model_id)

    async def statements(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> int:
        """How many SQL statements answering this request took."""
        count = 0

        def counter(*_: object) -> None:
            nonlocal count
            count += 1

        engine = self.resources.database.engine.sync_engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            await self.ok(query, variables, token)
        finally:
            event.remove(engine, "before_cursor_execute", counter)
        return count

    async def count(self, model: type[Any]) -> int:
        async with self.resources.sessions() as db:
            return int(await db.scalar(select(func.count()).select_from(model)) or 0)
