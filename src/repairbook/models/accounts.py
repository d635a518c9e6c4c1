from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    String,
    Uuid,
    func,
    text,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column

from repairbook.models.base import Base, Timestamped


class Role(StrEnum):
    CLIENT = "CLIENT"
    MANAGER = "MANAGER"
    ADMIN = "ADMIN"


STAFF_ROLES = (Role.MANAGER, Role.ADMIN)


class Locale(StrEnum):
    RU = "ru"
    EN = "en"


class User(Timestamped, Base):
    __tablename__ = "users"
    __table_args__ = (
        # Unique ignoring case, enforced where concurrent registrations meet.
        Index("uq_users_nick_lower", text("lower(nick)"), unique=True),
        Index("uq_users_email_lower", text("lower(email)"), unique=True),
        CheckConstraint("char_length(nick) BETWEEN 3 AND 32", name="nick_length"),
        CheckConstraint("locale IN ('ru', 'en')", name="locale_known"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    nick: Mapped[str] = mapped_column(String(32))
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(64))
    last_name: Mapped[str] = mapped_column(String(64))
    patronymic: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(
        SAEnum(Role, name="user_role", values_callable=lambda e: [m.value for m in e]),
        default=Role.CLIENT,
        server_default=Role.CLIENT.value,
    )
    locale: Mapped[str] = mapped_column(String(2), default="ru", server_default="ru")
    marketing_opt_in: Mapped[bool] = mapped_column(default=False, server_default="false")
    # When `email` was proven to reach this person (a mailed link); NULL: not yet.
    email_verified_at: Mapped[datetime | None]
    # A new address asked for in the profile: it replaces `email` once its link is followed.
    pending_email: Mapped[str | None] = mapped_column(String(254))
    # The person left (or was removed): personal data erased, the row kept for the history.
    deleted_at: Mapped[datetime | None]

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def may_see(self, owner_id: int) -> bool:
        """Who may read a client's cars and bookings: the client, and shop staff."""
        return self.id == owner_id or self.is_staff


class ConsentChange(Base):
    """Each time consent to campaigns was given or withdrawn: what a person may ask to see."""

    __tablename__ = "consent_changes"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    given: Mapped[bool]
    # registration, profile, unsubscribe link, account deleted
    source: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(server_default=func.now())


class RefreshToken(Base):
    """A long-lived token kept server-side (hashed) so that it can be revoked."""

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Every token rotated from one sign-in shares a family; reusing a rotated token is taken
    # as theft and revokes the whole family.
    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
