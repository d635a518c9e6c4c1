"""The per-request context every resolver receives as `info.context`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeAlias

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from repairbook.accounts.passwords import PasswordHasher, hasher_for
from repairbook.accounts.ratelimit import LoginThrottle
from repairbook.config import Settings
from repairbook.db import Database
from repairbook.errors import Forbidden, Unauthenticated
from repairbook.live.hub import SlotHub
from repairbook.models.accounts import Role, User
from repairbook.resources import Resources
from repairbook.schema.language import pick
from repairbook.schema.loaders import Loaders, create_loaders


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | None
    resources: Resources
    request_id: str
    # Who is calling, loaded once per request; `None` for anonymous callers.
    viewer: User | None = None
    # Why a presented token was refused; raised only where a signed-in user is needed.
    auth_error: Unauthenticated | None = None
    # When the viewer's access token runs out: a websocket stays signed in until then.
    access_expires_at: datetime | None = None
    # The websocket's connection_init payload (graphql-transport-ws).
    connection_params: dict[str, object] | None = None
    hub: SlotHub | None = None
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = self.fresh_loaders()

    def fresh_loaders(self) -> Loaders:
        return create_loaders(self.resources.database, self.resources.clock)

    @property
    def settings(self) -> Settings:
        return self.resources.settings

    @property
    def database(self) -> Database:
        return self.resources.database

    def now(self) -> datetime:
        return self.resources.clock.now()

    @property
    def hasher(self) -> PasswordHasher:
        return hasher_for(self.settings)

    @property
    def throttle(self) -> LoginThrottle:
        return LoginThrottle(self.resources.redis, self.settings)

    @property
    def client_address(self) -> str:
        client = self.request.client
        return client.host if client else "unknown"

    def require_user(self) -> User:
        if self.viewer is None:
            raise self.auth_error or Unauthenticated()
        return self.viewer

    def require_role(self, *roles: Role) -> User:
        user = self.require_user()
        if user.role not in roles:
            raise Forbidden()
        return user

    def seconds_signed_in(self) -> float | None:
        """How long the viewer's token still holds; None for an anonymous viewer."""
        if self.access_expires_at is None:
            return None
        return max((self.access_expires_at - self.now()).total_seconds(), 0.0)

    @property
    def language(self) -> str:
        """`ru` or `en` for error messages: Accept-Language, else the user's locale."""
        locale = self.viewer.locale if self.viewer is not None else None
        return pick(self.request.headers.get("accept-language"), locale)

    @property
    def is_staff(self) -> bool:
        return self.viewer is not None and self.viewer.is_staff


Info: TypeAlias = StrawberryInfo[Context, None]
