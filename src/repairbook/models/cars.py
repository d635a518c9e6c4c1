from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Identity, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from repairbook.models.accounts import User
from repairbook.models.base import Base, Timestamped
from repairbook.models.catalog import CarModel


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
