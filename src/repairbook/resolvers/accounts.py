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
from repairbook.schema.permissions import IsAdmin, IsAuthenticated


@strawberry.type
class AccountQuery:
    @strawberry.field(permission_classes=[IsAuthenticated], description="The signed-in user.")
    async def me(self, info: Info) -> User:
        viewer = info.context.require_user()
        async with read_only(info.context.sessions) as db:
            user = await users.get(db, viewer.id)
        if user is None:
            raise NotFound("Your account no longer exists")
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

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    async def update_profile(self, info: Info, input: ProfileInput) -> User:
        viewer = info.context.require_user()
        async with unit_of_work(info.context.sessions) as db:
            user = await _own_account(db, viewer.id)
            await accounts.update_profile(db, user, input.to_changes())
        return User.from_model(user)

    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
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

    @strawberry.mutation(permission_classes=[IsAdmin])
    async def set_user_role(self, info: Info, user_id: strawberry.ID, role: Role) -> User:  # type: ignore[valid-type]
        async with unit_of_work(info.context.sessions) as db:
            user = await accounts.set_role(db, parse_id(user_id, "userId"), role)
        return User.from_model(user)


async def _own_account(db: AsyncSession, user_id: int) -> UserModel:
    user = await users.get(db, user_id)
    if user is None:
        raise NotFound("Your account no longer exists")
    return user
