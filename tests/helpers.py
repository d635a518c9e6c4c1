"""Small helpers for tests: send real GraphQL documents, make users."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import event, func, select, update

from repairbook.models.accounts import Role, User
from repairbook.resources import Resources

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

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
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

    async def statements(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> int:
        """How many SQL statements answering this request took."""
        count = 0

        def counter(*_: object) -> None:
            nonlocal count
            count += 1

        engine = self.resources.engine.sync_engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            await self.ok(query, variables, token)
        finally:
            event.remove(engine, "before_cursor_execute", counter)
        return count

    async def count(self, model: type[Any]) -> int:
        async with self.resources.sessions() as db:
            return int(await db.scalar(select(func.count()).select_from(model)) or 0)
