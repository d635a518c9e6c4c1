"""Queries and mutations for accounts: a few lines each, the work is in the service."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.accounts import repository as users
from repairbook.accounts import service as accounts
from repairbook.db import read_only, unit_of_work
from repairbook.errors import NotFound
from repairbook.models.accounts import User as UserModel
from repairbook.schema.accounts import AuthPayload, ProfileInput, RegisterInput, Role, User
from repairbook.schema.context import Info
from repairbook.schema.ids import parse_id
from repairbook.schema.pagination import (
    Connection,
    Edge,
    PageInfo,
    decode_cursor,
    encode_cursor,
    page_size,
)
from repairbook.schema.permissions import ADMIN, SIGNED_IN, STAFF


@strawberry.type
class AccountQuery:
    @strawberry.field(permission_classes=SIGNED_IN, description="The signed-in user.")
    async def me(self, info: Info) -> User:
        # Authentication loaded this very row for the request; no second query.
        return User.from_model(info.context.require_user())

    @strawberry.field(
        permission_classes=STAFF,
        description="Find clients by nick, name, email or car plate; pages of up to 100.",
    )
    async def users(
        self, info: Info, search: str | None = None, first: int = 20, after: str | None = None
    ) -> Connection[User]:
        limit = page_size(first)
        async with read_only(info.context.sessions) as db:
            rows = await accounts.find_users(
                db, search, after_id=decode_cursor(after), limit=limit + 1
            )
        edges = [Edge(cursor=encode_cursor(row.id), node=User.from_model(row)) for row in rows]
        return Connection(
            edges=edges[:limit],
            page_info=PageInfo(
                has_next_page=len(edges) > limit,
                end_cursor=edges[:limit][-1].cursor if edges else None,
            ),
        )

    @strawberry.field(permission_classes=STAFF, description="One user, with their cars.")
    async def user(self, info: Info, id: strawberry.ID) -> User:
        async with read_only(info.context.sessions) as db:
            user = await users.get(db, parse_id(id, "id"))
        if user is None:
            raise NotFound("No such user", field="id")
        return User.from_model(user)


@strawberry.type
class AccountMutation:
    @strawberry.mutation(description="Create a client account and sign in.")
    async def register(self, info: Info, input: RegisterInput) -> AuthPayload:
        r = info.context.resources
        async with unit_of_work(r.sessions) as db:
            session = await accounts.register(
                db, input.to_registration(), hasher=r.hasher, settings=r.settings
            )
        return AuthPayload.from_session(session)

    @strawberry.mutation(description="Sign in with nick or email.")
    async def login(self, info: Info, login: str, password: str) -> AuthPayload:
        r = info.context.resources
        async with unit_of_work(r.sessions) as db:
            session = await accounts.login(
                db,
                login,
                password,
                address=info.context.client_address,
                throttle=r.throttle,
                hasher=r.hasher,
                settings=r.settings,
            )
        return AuthPayload.from_session(session)

    @strawberry.mutation(description="Trade a refresh token for a new pair; the old one dies.")
    async def refresh_token(self, info: Info, refresh_token: str) -> AuthPayload:
        async with unit_of_work(info.context.sessions) as db:
            session = await accounts.refresh(db, refresh_token, settings=info.context.settings)
        return AuthPayload.from_session(session)

    @strawberry.mutation(description="Revoke a refresh token. True when it was still live.")
    async def logout(self, info: Info, refresh_token: str) -> bool:
        async with unit_of_work(info.context.sessions) as db:
            return await accounts.logout(db, refresh_token)

    @strawberry.mutation(permission_classes=SIGNED_IN)
    async def update_profile(self, info: Info, input: ProfileInput) -> User:
        viewer = info.context.require_user()
        async with unit_of_work(info.context.sessions) as db:
            user = await _own_account(db, viewer.id)
            await accounts.update_profile(db, user, input.to_changes())
        return User.from_model(user)

    @strawberry.mutation(
        permission_classes=SIGNED_IN,
        description="Sign out everywhere and sign in again with the new password.",
    )
    async def change_password(
        self, info: Info, current_password: str, new_password: str
    ) -> AuthPayload:
        r = info.context.resources
        viewer = info.context.require_user()
        async with unit_of_work(r.sessions) as db:
            user = await _own_account(db, viewer.id)
            await accounts.change_password(
                db, user, current_password, new_password, hasher=r.hasher
            )
            session = await accounts.start_session(db, user, r.settings)
        return AuthPayload.from_session(session)

    @strawberry.mutation(permission_classes=ADMIN)
    async def set_user_role(self, info: Info, user_id: strawberry.ID, role: Role) -> User:  # type: ignore[valid-type]
        async with unit_of_work(info.context.sessions) as db:
            user = await accounts.set_role(db, parse_id(user_id, "userId"), role)
        return User.from_model(user)


async def _own_account(db: AsyncSession, user_id: int) -> UserModel:
    user = await users.get(db, user_id)
    if user is None:
        raise NotFound("Your account no longer exists")
    return user
