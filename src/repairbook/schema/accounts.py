"""GraphQL types and inputs for users and sign-in."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, TypeVar

import strawberry

from repairbook.accounts.service import ProfileChanges, Registration, Session
from repairbook.models.accounts import Role as RoleModel
from repairbook.models.accounts import User as UserModel
from repairbook.schema.context import Info
from repairbook.schema.pagination import Connection

if TYPE_CHECKING:
    from repairbook.schema.booking import Booking
    from repairbook.schema.cars import Car

T = TypeVar("T")

Role = strawberry.enum(RoleModel, name="Role", description="What a user may do.")


@strawberry.type(description="A person with an account: a client or shop staff.")
class User:
    id: strawberry.ID
    nick: str
    email: str
    first_name: str
    last_name: str
    patronymic: str | None
    role: Role  # type: ignore[valid-type]
    locale: str = strawberry.field(description="Language of emails: `ru` or `en`.")
    marketing_opt_in: bool = strawberry.field(description="Consent to receive campaigns.")
    created_at: datetime

    @strawberry.field(description="Cars the user has (not removed).")
    async def cars(
        self, info: Info
    ) -> list[Annotated[Car, strawberry.lazy("repairbook.schema.cars")]]:
        from repairbook.schema.cars import Car

        rows = await info.context.loaders.cars_by_owner.load(int(self.id))
        return [Car.from_model(row) for row in rows]

    @strawberry.field(description="Upcoming bookings, or with the past (at most 100).")
    async def bookings(
        self, info: Info, include_past: bool = False
    ) -> list[Annotated[Booking, strawberry.lazy("repairbook.schema.booking")]]:
        from repairbook.schema.booking import Booking
        from repairbook.schema.loaders import ClientBookings

        rows = await info.context.loaders.bookings_of.load(
            ClientBookings(int(self.id), include_past)
        )
        return await Booking.from_rows(info.context.loaders, rows)

    @strawberry.field(
        description=(
            "This user's bookings a page at a time, with totalCount: upcoming soonest first, "
            "or with `includePast` every one latest first. `bookings` without its cut at 100."
        )
    )
    async def bookings_connection(
        self, info: Info, include_past: bool = False, first: int = 20, after: str | None = None
    ) -> Connection[Annotated[Booking, strawberry.lazy("repairbook.schema.booking")]]:
        from repairbook.schema.booking import client_bookings_connection

        return await client_bookings_connection(
            info.context, int(self.id), include_past, first, after
        )

    @classmethod
    def from_model(cls, user: UserModel) -> User:
        return cls(
            id=strawberry.ID(str(user.id)),
            nick=user.nick,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            patronymic=user.patronymic,
            role=user.role,
            locale=user.locale,
            marketing_opt_in=user.marketing_opt_in,
            created_at=user.created_at,
        )


@strawberry.type
class AuthPayload:
    access_token: str = strawberry.field(description="Send as `Authorization: Bearer …`.")
    access_token_expires_at: datetime
    refresh_token: str = strawberry.field(description="Trade for a new pair with refreshToken.")
    user: User

    @classmethod
    def from_session(cls, session: Session) -> AuthPayload:
        return cls(
            access_token=session.access_token,
            access_token_expires_at=session.access_token_expires_at,
            refresh_token=session.refresh_token,
            user=User.from_model(session.user),
        )


@strawberry.input
class RegisterInput:
    nick: str = strawberry.field(description="3–32 of A-Z a-z 0-9 _ . - ; unique ignoring case.")
    password: str = strawberry.field(description="8–128 characters, not the nick or email.")
    email: str
    first_name: str
    last_name: str
    patronymic: str | None = None
    locale: str = "ru"
    marketing_opt_in: bool = False

    def to_domain(self) -> Registration:
        return Registration(
            nick=self.nick,
            password=self.password,
            email=self.email,
            first_name=self.first_name,
            last_name=self.last_name,
            patronymic=self.patronymic,
            locale=self.locale,
            marketing_opt_in=self.marketing_opt_in,
        )


@strawberry.input(description="Only the fields given change; `patronymic: null` clears it.")
class ProfileInput:
    first_name: str | None = strawberry.UNSET
    last_name: str | None = strawberry.UNSET
    patronymic: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    locale: str | None = strawberry.UNSET
    marketing_opt_in: bool | None = strawberry.UNSET

    def to_domain(self) -> ProfileChanges:
        return ProfileChanges(
            first_name=_given(self.first_name),
            last_name=_given(self.last_name),
            patronymic=_given(self.patronymic),
            clear_patronymic=self.patronymic is None,
            email=_given(self.email),
            locale=_given(self.locale),
            marketing_opt_in=_given(self.marketing_opt_in),
        )


def _given(value: T | None) -> T | None:
    """`None` for a field the client left out (strawberry marks those UNSET)."""
    return None if value is strawberry.UNSET else value
