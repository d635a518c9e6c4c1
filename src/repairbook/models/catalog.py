"""The shop's catalog: labor rates, oils, engines, car models, parts, repair types,
service advisors (receptionists) and closed days. Money is NUMERIC(12,2), never float."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from repairbook.models.base import Base, Timestamped

Money = Numeric(12, 2)


class RepairKind(StrEnum):
    MAINTENANCE = "MAINTENANCE"
    DIAGNOSTICS = "DIAGNOSTICS"
    OTHER = "OTHER"


class LaborRate(Timestamped, Base):
    __tablename__ = "labor_rates"
    __table_args__ = (CheckConstraint("price_per_hour > 0", name="price_positive"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    price_per_hour: Mapped[Decimal] = mapped_column(Money)


class Oil(Timestamped, Base):
    __tablename__ = "oils"
    __table_args__ = (
        UniqueConstraint("brand", "viscosity", name="uq_oils_brand_viscosity"),
        CheckConstraint("price_per_litre > 0", name="price_positive"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    brand: Mapped[str] = mapped_column(String(100))
    viscosity: Mapped[str] = mapped_column(String(20))
    price_per_litre: Mapped[Decimal] = mapped_column(Money)


class Engine(Timestamped, Base):
    __tablename__ = "engines"
    __table_args__ = (
        CheckConstraint("displacement_l > 0", name="displacement_positive"),
        CheckConstraint("oil_volume_l > 0", name="oil_volume_positive"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    displacement_l: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    oil_id: Mapped[int] = mapped_column(ForeignKey("oils.id"), index=True)
    oil_volume_l: Mapped[Decimal] = mapped_column(Numeric(5, 2))

    oil: Mapped[Oil] = relationship(lazy="raise")


consumable_car_models = Table(
    "consumable_car_models",
    Base.metadata,
    Column("consumable_id", ForeignKey("consumables.id", ondelete="CASCADE"), primary_key=True),
    Column("car_model_id", ForeignKey("car_models.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_consumable_car_models_car_model_id", "car_model_id"),
)


class CarModel(Timestamped, Base):
    __tablename__ = "car_models"
    __table_args__ = (CheckConstraint("price_coefficient > 0", name="coefficient_positive"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    image_url: Mapped[str] = mapped_column(String(500))
    price_coefficient: Mapped[Decimal] = mapped_column(Numeric(5, 3))
    engine_id: Mapped[int] = mapped_column(ForeignKey("engines.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True, server_default="true")

    engine: Mapped[Engine] = relationship(lazy="raise")


class Consumable(Timestamped, Base):
    __tablename__ = "consumables"
    __table_args__ = (CheckConstraint("price > 0", name="price_positive"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    price: Mapped[Decimal] = mapped_column(Money)
    active: Mapped[bool] = mapped_column(default=True, server_default="true")

    car_models: Mapped[list[CarModel]] = relationship(secondary=consumable_car_models, lazy="raise")


class RepairType(Timestamped, Base):
    __tablename__ = "repair_types"
    __table_args__ = (
        # One "TO-1" per model, and one for all models (NULL is a value here).
        Index(
            "uq_repair_types_name_car_model",
            "name",
            "car_model_id",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
        CheckConstraint("labor_hours > 0", name="labor_hours_positive"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[RepairKind] = mapped_column(
        SAEnum(RepairKind, name="repair_kind", values_callable=lambda e: [m.value for m in e])
    )
    labor_hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    labor_rate_id: Mapped[int] = mapped_column(ForeignKey("labor_rates.id"), index=True)
    includes_oil_change: Mapped[bool] = mapped_column(default=False, server_default="false")
    # NULL: applies to every model.
    car_model_id: Mapped[int | None] = mapped_column(ForeignKey("car_models.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True, server_default="true")

    labor_rate: Mapped[LaborRate] = relationship(lazy="raise")
    car_model: Mapped[CarModel | None] = relationship(lazy="raise")
    parts: Mapped[list[RepairTypePart]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="RepairTypePart.consumable_id"
    )


class RepairTypePart(Base):
    __tablename__ = "repair_type_parts"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    repair_type_id: Mapped[int] = mapped_column(
        ForeignKey("repair_types.id", ondelete="CASCADE"), primary_key=True
    )
    consumable_id: Mapped[int] = mapped_column(ForeignKey("consumables.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)

    consumable: Mapped[Consumable] = relationship(lazy="raise")


class Receptionist(Timestamped, Base):
    """A service advisor (приёмщик): bookings are made with one of them."""

    __tablename__ = "receptionists"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    last_name: Mapped[str] = mapped_column(String(64))
    first_name: Mapped[str] = mapped_column(String(64))
    patronymic: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True, server_default="true")


class ClosedDay(Timestamped, Base):
    __tablename__ = "closed_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    note: Mapped[str | None] = mapped_column(String(200))


class WorkPlanDay(Base):
    """One weekday of a receptionist's weekly plan: the hours worked (shop time) and the
    breaks, or no hours (a day off). A receptionist with no rows at all works every open
    day from opening to closing, as before plans existed."""

    __tablename__ = "work_plan_days"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 1 AND 7", name="iso_weekday"),
        CheckConstraint("(starts_at IS NULL) = (ends_at IS NULL)", name="hours_or_none"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    receptionist_id: Mapped[int] = mapped_column(
        ForeignKey("receptionists.id", ondelete="CASCADE"), primary_key=True
    )
    weekday: Mapped[int] = mapped_column(SmallInteger, primary_key=True)  # ISO: 1 is Monday
    starts_at: Mapped[time | None]
    ends_at: Mapped[time | None]
    # [["12:00", "13:00"], ...]: sorted, not overlapping, inside the hours.
    breaks: Mapped[list[list[str]]] = mapped_column(JSONB, default=list)


class WorkException(Timestamped, Base):
    """One date on which a receptionist's plan does not hold: a day off (no hours; a holiday
    is a row per day), other hours, or an extra working day."""

    __tablename__ = "work_exceptions"
    __table_args__ = (
        CheckConstraint("(starts_at IS NULL) = (ends_at IS NULL)", name="hours_or_none"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    receptionist_id: Mapped[int] = mapped_column(
        ForeignKey("receptionists.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
    starts_at: Mapped[time | None]
    ends_at: Mapped[time | None]
    breaks: Mapped[list[list[str]]] = mapped_column(JSONB, default=list)
    note: Mapped[str | None] = mapped_column(String(200))
