"""Queries and mutations for accounts: a few lines each, the work is in the service."""

from __future__ import annotations

import strawberry

from repairbook.accounts import service as accounts
from repairbook.db import read_only, unit_of_work
from repairbook.errors import Unauthenticated
from repairbook.models.accounts import Role as RoleModel
from repairbook.schema.accounts import AuthPayload, ProfileInput, RegisterInput, Role, User
from repairbook.schema.context import Info
from repairbook.schema.ids import parse_id
from repairbook.schema.pagination import Connection, decode_cursor, page_size
from repairbook.schema.permissions import ADMIN, SIGNED_IN, STAFF


@strawberry.type
class AccountQuery:
    @strawberry.field(
        description=(
            "The signed-in user; null for an anonymous caller (no token). A token that is "
            "expired or forged is UNAUTHENTICATED, so a client knows to refresh it."
        )
    )
    async def me(self, info: Info) -> User | None:
        c = info.context
        if c.viewer is None and c.auth_error is None:
            return None
        # Authentication loaded this very row for the request; no second query.
        return User.from_model(c.require_user())

    @strawberry.field(
        permission_classes=STAFF,
        description=(
            "Find users by nick, name, email or car plate; pages of up to 100. Clients only"
            " unless `role` says otherwise (null: every role)."
        ),
    )
    async def users(
        self,
        info: Info,
        search: str | None = None,
        role: Role | None = RoleModel.CLIENT,  # type: ignore[valid-type]
        first: int = 20,
        after: str | None = None,
    ) -> Connection[User]:
        async with read_only(info.context.database) as db:
            page = await accounts.find_users(
                db, search, role=role, after_id=decode_cursor(after), limit=page_size(first)
            )
        return Connection.from_page(page, User.from_model)

    @strawberry.field(permission_classes=STAFF, description="One user, with their cars.")
    async def user(self, info: Info, id: strawberry.ID) -> User:
        async with read_only(info.context.database) as db:
            return User.from_model(await accounts.get_user(db, parse_id(id, "id")))


@strawberry.type
class AccountMutation:
    @strawberry.mutation(description="Create a client account and sign in.")
    async def register(self, info: Info, input: RegisterInput) -> AuthPayload:
        c = info.context
        async with unit_of_work(c.database) as db:
            session = await accounts.register(
                db, input.to_domain(), hasher=c.hasher, settings=c.settings, now=c.now()
            )
        return AuthPayload.from_session(session)

    @strawberry.mutation(description="Sign in with nick or email.")
    async def login(self, info: Info, login: str, password: str) -> AuthPayload:
        c = info.context
        async with unit_of_work(c.database) as db:
            session = await accounts.login(
                db,
                login,
                password,
                address=c.client_address,
                throttle=c.throttle,
                hasher=c.hasher,
                settings=c.settings,
                now=c.now(),
            )
        return AuthPayload.from_session(session)

    @strawberry.mutation(description="Trade a refresh token for a new pair; the old one dies.")
    async def refresh_token(self, info: Info, refresh_token: str) -> AuthPayload:
        c = info.context
        async with unit_of_work(c.database) as db:
            session = await accounts.refresh(db, refresh_token, settings=c.settings, now=c.now())
        # Refused only now: a reuse revoked the token's family, and that had to commit.
        if session is None:
            raise Unauthenticated("Refresh token is invalid, expired or revoked")
        return AuthPayload.from_session(session)

    @strawberry.mutation(description="Revoke a refresh token. True when it was still live.")
    async def logout(self, info: Info, refresh_token: str) -> bool:
        async with unit_of_work(info.context.database) as db:
            return await accounts.logout(db, refresh_token, now=info.context.now())

    @strawberry.mutation(permission_classes=SIGNED_IN)
    async def update_profile(self, info: Info, input: ProfileInput) -> User:
        viewer = info.context.require_user()
        async with unit_of_work(info.context.database) as db:
            user = await accounts.update_profile(db, viewer.id, input.to_domain())
        return User.from_model(user)

    @strawberry.mutation(
        permission_classes=SIGNED_IN,
        description="Sign out everywhere and sign in again with the new password.",
    )
    async def change_password(
        self, info: Info, current_password: str, new_password: str
    ) -> AuthPayload:
        c = info.context
        viewer = c.require_user()
        async with unit_of_work(c.database) as db:
            session = await accounts.change_password(
                db,
                viewer.id,
                current_password,
                new_password,
                address=c.client_address,
                throttle=c.throttle,
                hasher=c.hasher,
                settings=c.settings,
                now=c.now(),
            )
        return AuthPayload.from_session(session)

    @strawberry.mutation(permission_classes=ADMIN)
    async def set_user_role(self, info: Info, user_id: strawberry.ID, role: Role) -> User:  # type: ignore[valid-type]
        async with unit_of_work(info.context.database) as db:
            user = await accounts.set_role(db, parse_id(user_id, "userId"), role)
        return User.from_model(user)
