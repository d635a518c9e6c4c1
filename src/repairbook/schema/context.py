"""The per-request context every resolver receives as `info.context`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from repairbook.config import Settings
from repairbook.db import SessionFactory
from repairbook.errors import Forbidden, Unauthenticated
from repairbook.models.accounts import Role, User
from repairbook.resources import Resources


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
    loaders: dict[str, object] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        return self.resources.settings

    @property
    def sessions(self) -> SessionFactory:
        return self.resources.sessions

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

    @property
    def is_staff(self) -> bool:
        return self.viewer is not None and self.viewer.role in STAFF


STAFF = (Role.MANAGER, Role.ADMIN)
Info: TypeAlias = StrawberryInfo[Context, None]
