"""Email campaigns: what managers send to an audience of clients who agreed to receive it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Identity, String, Text
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from repairbook.models.base import Base, Timestamped


class CampaignStatus(StrEnum):
    SENDING = "SENDING"  # recipients being queued, or messages still going out
    SENT = "SENT"  # every message went out (or failed for a reason of its own)
    CANCELLED = "CANCELLED"  # stopped by staff: what was not sent yet never will be
    FAILED = "FAILED"  # not one message could be sent


class Campaign(Timestamped, Base):
    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("char_length(subject) > 0", name="subject_not_empty"),
        CheckConstraint("char_length(text) > 0", name="text_not_empty"),
        CheckConstraint(
            "all_clients OR cardinality(user_ids) > 0 OR cardinality(car_model_ids) > 0",
            name="audience_not_empty",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)  # Markdown, as written; also the plain-text part
    html: Mapped[str] = mapped_column(Text)  # rendered and sanitised once
    all_clients: Mapped[bool]
    user_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger))
    car_model_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger))
    status: Mapped[CampaignStatus] = mapped_column(
        SAEnum(
            CampaignStatus, name="campaign_status", values_callable=lambda e: [m.value for m in e]
        ),
        default=CampaignStatus.SENDING,
    )
    recipient_count: Mapped[int]
    # Recipients are queued in user id order: the last one queued, and whether all were.
    queued_up_to: Mapped[int] = mapped_column(BigInteger, default=0)
    queued_all: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    finished_at: Mapped[datetime | None]
