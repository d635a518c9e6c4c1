"""SQLAlchemy tables, one module per domain. Importing this package registers them all."""

from repairbook.models.accounts import RefreshToken, Role, User
from repairbook.models.base import Base

__all__ = ["Base", "RefreshToken", "Role", "User"]
