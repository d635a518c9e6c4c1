from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Identity, Index, String, text
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column, relationship

from repairbook.models.base import Base, Timestamped
from repairbook.models.catalog import Money, RepairType


class BookingStatus(StrEnum):
    ACTIVE = "ACTIVE"
    CANCELLED = "CANCELLED"


ACTIVE = text("status = 'ACTIVE'")


class Booking(Timestamped, Base):
    """One car, one repair type, one slot with one service advisor.

    The two rules that concurrent requests could break live here, in PostgreSQL: one
    active booking per slot, one active booking per client per shop-local day.
    """

    __tablename__ = "bookings"
    __table_args__ = (
        Index(
            "uq_bookings_active_slot",
            "receptionist_id",
            "starts_at",
            unique=True,
            postgresql_where=ACTIVE,
        ),
        Index(
            "uq_bookings_active_client_day",
            "client_id",
            "day",
            unique=True,
            postgresql_where=ACTIVE,
        ),
        Index(
            "uq_bookings_idempotency_key",
            "created_by_id",
            "idempotency_key",
            unique=True,
            postgresql_where=text("idempotency_key IS NOT NULL"),
        ),
        # A day's schedule reads one day; a client's list reads by client and time.
        Index("ix_bookings_day_receptionist", "day", "receptionist_id"),
        Index("ix_bookings_client_starts", "client_id", "starts_at"),
        Index("ix_bookings_car_active", "car_id", "starts_at", postgresql_where=ACTIVE),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(
            "(status = 'CANCELLED') = (cancelled_at IS NOT NULL)", name="cancelled_has_time"
        ),
        CheckConstraint("price_total >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    receptionist_id: Mapped[int] = mapped_column(ForeignKey("receptionists.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # The shop-local date of starts_at (the time zone is a setting, so it is stored).
    day: Mapped[date]
    car_id: Mapped[int] = mapped_column(ForeignKey("cars.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    repair_type_id: Mapped[int] = mapped_column(ForeignKey("repair_types.id"))
    status: Mapped[BookingStatus] = mapped_column(
        SAEnum(
            BookingStatus, name="booking_status", values_callable=lambda e: [m.value for m in e]
        ),
        default=BookingStatus.ACTIVE,
    )
    price_lines: Mapped[list[dict[str, str]]] = mapped_column(JSONB)
    price_total: Mapped[Decimal] = mapped_column(Money)
    quote_id: Mapped[uuid.UUID | None] = mapped_column(UUID, ForeignKey("quotes.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    # SHA-256 of the request the key was first used for: other input under it is refused.
    idempotency_input: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancel_reason: Mapped[str | None] = mapped_column(String(500))


class Quote(Base):
    """A price promised for 24 hours; a booking that names it keeps that price."""

    __tablename__ = "quotes"

    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    car_id: Mapped[int] = mapped_column(ForeignKey("cars.id"))
    repair_type_id: Mapped[int] = mapped_column(ForeignKey("repair_types.id"))
    lines: Mapped[list[dict[str, str]]] = mapped_column(JSONB)
    total: Mapped[Decimal] = mapped_column(Money)
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    valid_until: Mapped[datetime] = mapped_column(index=True)

    repair_type: Mapped[RepairType] = relationship(lazy="raise")


class BoardVersion(Base):
    """What a cached day board was computed from: a stamp per day (`2026-12-01`) and one for
    everything every board shows (`all`: receptionists, clients, cars, the catalog).

    Only PostgreSQL writes it, from triggers (migration 0007), in the very transaction that
    changes a booking, a closed day or such a table: a board read after a commit can never
    pair old data with the new stamp. Stamps come from one sequence, so a stamp is never
    used twice, even after rows here are deleted.
    """

    __tablename__ = "board_versions"

    scope: Mapped[str] = mapped_column(String(10), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
