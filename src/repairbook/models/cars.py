from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Identity, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column, relationship

from repairbook.models.accounts import User
from repairbook.models.base import Base, Timestamped
from repairbook.models.catalog import CarModel, Money, RepairType


class Car(Timestamped, Base):
    """A client's car. Removed cars are kept (bookings refer to them) but hidden."""

    __tablename__ = "cars"
    __table_args__ = (
        # VIN is unique among cars still on the road; a removed car may come back.
        Index(
            "uq_cars_vin_present", "vin", unique=True, postgresql_where=text("removed_at IS NULL")
        ),
        CheckConstraint("vin ~ '^[A-HJ-NPR-Z0-9]{17}$'", name="vin_format"),
        CheckConstraint("mileage_km BETWEEN 0 AND 2000000", name="mileage_range"),
        Index("ix_cars_plate", "plate"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    vin: Mapped[str] = mapped_column(String(17))
    plate: Mapped[str] = mapped_column(String(12))
    sts_number: Mapped[str] = mapped_column(String(10))
    sold_on: Mapped[date]
    mileage_km: Mapped[int]
    car_model_id: Mapped[int] = mapped_column(ForeignKey("car_models.id"), index=True)
    removed_at: Mapped[datetime | None]

    model: Mapped[CarModel] = relationship(lazy="raise")
    owner: Mapped[User] = relationship(lazy="raise")


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
