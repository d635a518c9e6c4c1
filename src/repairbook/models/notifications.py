"""The email outbox: one row per message, written in the transaction of the change that
causes it, delivered by the worker."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Identity, Index, String, Text, text
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from repairbook.models.base import Base, Timestamped


class MessageKind(StrEnum):
    BOOKING_CONFIRMED = "BOOKING_CONFIRMED"
    BOOKING_CANCELLED = "BOOKING_CANCELLED"
    BOOKING_MOVED = "BOOKING_MOVED"
    VISIT_REMINDER = "VISIT_REMINDER"
    MAINTENANCE_DUE = "MAINTENANCE_DUE"
    CAMPAIGN = "CAMPAIGN"
    EMAIL_VERIFICATION = "EMAIL_VERIFICATION"  # the link that proves an address
    EMAIL_CHANGE_NOTICE = "EMAIL_CHANGE_NOTICE"  # to the old address: a new one was given
    PASSWORD_RESET = "PASSWORD_RESET"  # noqa: S105 - a kind: the link setting a forgotten password
    PASSWORD_CHANGED = "PASSWORD_CHANGED"  # noqa: S105 - a kind: after a reset, "was it you?"


class MessageStatus(StrEnum):
    PENDING = "PENDING"  # waiting for its next attempt
    SENDING = "SENDING"  # claimed by a worker until lease_until
    SENT = "SENT"
    FAILED = "FAILED"  # gave up: permanent refusal, bad template, or too many attempts
    SKIPPED = "SKIPPED"  # no longer wanted (a reminder for a booking since cancelled)


class OutboxMessage(Timestamped, Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        # Due work: what the delivery claims, oldest first.
        Index(
            "ix_outbox_messages_due",
            "next_attempt_at",
            "id",
            postgresql_where=text("status IN ('PENDING', 'SENDING')"),
        ),
        Index("ix_outbox_messages_status", "status"),
        # A campaign's progress, and what to skip when it is cancelled.
        Index(
            "ix_outbox_messages_campaign_status",
            "campaign_id",
            "status",
            postgresql_where=text("campaign_id IS NOT NULL"),
        ),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint(
            "(status = 'SENDING') = (lease_until IS NOT NULL)", name="lease_only_while_sending"
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    kind: Mapped[MessageKind] = mapped_column(
        SAEnum(MessageKind, name="message_kind", values_callable=lambda e: [m.value for m in e])
    )
    # One message per event, whoever writes it and however often: the database says so.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    recipient: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(2))
    # What the message is about, as it was when written; rendered by the worker.
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    subject: Mapped[str | None] = mapped_column(String(300))
    text_body: Mapped[str | None] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    attachments: Mapped[list[dict[str, str]]] = mapped_column(JSONB, server_default="[]")
    headers: Mapped[dict[str, str]] = mapped_column(JSONB, server_default="{}")
    status: Mapped[MessageStatus] = mapped_column(
        SAEnum(
            MessageStatus, name="message_status", values_callable=lambda e: [m.value for m in e]
        ),
        server_default=MessageStatus.PENDING.value,
    )
    attempts: Mapped[int] = mapped_column(server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
