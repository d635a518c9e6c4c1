"""Declarative role checks for fields: `permission_classes=[IsManager]`."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from repairbook.models.accounts import STAFF_ROLES, Role
from repairbook.schema.context import Info


class IsAuthenticated(BasePermission):
    message = "Sign in first"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        # Raising a domain error (instead of returning False) carries its precise code.
        info.context.require_user()
        return True


class IsManager(BasePermission):
    """Managers and admins: shop staff."""

    message = "Only shop staff can do this"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        info.context.require_role(*STAFF_ROLES)
        return True


class IsAdmin(BasePermission):
    message = "Only an admin can do this"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        info.context.require_role(Role.ADMIN)
        return True


# Typed lists to pass as `permission_classes=` (strawberry expects list[type[BasePermission]]).
SIGNED_IN: list[type[BasePermission]] = [IsAuthenticated]
STAFF: list[type[BasePermission]] = [IsManager]
ADMIN: list[type[BasePermission]] = [IsAdmin]
