"""catalog cars quotes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 08:35:45.803187
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "closed_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_closed_days")),
    )
    op.create_table(
        "consumables",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("price > 0", name=op.f("ck_consumables_price_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consumables")),
        sa.UniqueConstraint("name", name=op.f("uq_consumables_name")),
    )
    op.create_table(
        "labor_rates",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("price_per_hour", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("price_per_hour > 0", name=op.f("ck_labor_rates_price_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labor_rates")),
        sa.UniqueConstraint("name", name=op.f("uq_labor_rates_name")),
    )
    op.create_table(
        "oils",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("brand", sa.String(length=100), nullable=False),
        sa.Column("viscosity", sa.String(length=20), nullable=False),
        sa.Column("price_per_litre", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("price_per_litre > 0", name=op.f("ck_oils_price_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oils")),
        sa.UniqueConstraint("brand", "viscosity", name="uq_oils_brand_viscosity"),
    )
    op.create_table(
        "receptionists",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("last_name", sa.String(length=64), nullable=False),
        sa.Column("first_name", sa.String(length=64), nullable=False),
        sa.Column("patronymic", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receptionists")),
    )
    op.create_table(
        "engines",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("displacement_l", sa.Numeric(precision=4, scale=2), nullable=False),
        sa.Column("oil_id", sa.BigInteger(), nullable=False),
        sa.Column("oil_volume_l", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("displacement_l > 0", name=op.f("ck_engines_displacement_positive")),
        sa.CheckConstraint("oil_volume_l > 0", name=op.f("ck_engines_oil_volume_positive")),
        sa.ForeignKeyConstraint(["oil_id"], ["oils.id"], name=op.f("fk_engines_oil_id_oils")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engines")),
        sa.UniqueConstraint("code", name=op.f("uq_engines_code")),
    )
    op.create_index(op.f("ix_engines_oil_id"), "engines", ["oil_id"], unique=False)
    op.create_table(
        "car_models",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("image_url", sa.String(length=500), nullable=False),
        sa.Column("price_coefficient", sa.Numeric(precision=5, scale=3), nullable=False),
        sa.Column("engine_id", sa.BigInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "price_coefficient > 0", name=op.f("ck_car_models_coefficient_positive")
        ),
        sa.ForeignKeyConstraint(
            ["engine_id"], ["engines.id"], name=op.f("fk_car_models_engine_id_engines")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_car_models")),
        sa.UniqueConstraint("name", name=op.f("uq_car_models_name")),
    )
    op.create_index(op.f("ix_car_models_engine_id"), "car_models", ["engine_id"], unique=False)
    op.create_table(
        "cars",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("owner_id", sa.BigInteger(), nullable=False),
        sa.Column("vin", sa.String(length=17), nullable=False),
        sa.Column("plate", sa.String(length=12), nullable=False),
        sa.Column("sts_number", sa.String(length=10), nullable=False),
        sa.Column("sold_on", sa.Date(), nullable=False),
        sa.Column("mileage_km", sa.Integer(), nullable=False),
        sa.Column("car_model_id", sa.BigInteger(), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("vin ~ '^[A-HJ-NPR-Z0-9]{17}$'", name=op.f("ck_cars_vin_format")),
        sa.CheckConstraint("mileage_km BETWEEN 0 AND 2000000", name=op.f("ck_cars_mileage_range")),
        sa.ForeignKeyConstraint(
            ["car_model_id"], ["car_models.id"], name=op.f("fk_cars_car_model_id_car_models")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_cars_owner_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cars")),
    )
    op.create_index(op.f("ix_cars_car_model_id"), "cars", ["car_model_id"], unique=False)
    op.create_index(op.f("ix_cars_owner_id"), "cars", ["owner_id"], unique=False)
    op.create_index("ix_cars_plate", "cars", ["plate"], unique=False)
    op.create_index(
        "uq_cars_vin_present",
        "cars",
        ["vin"],
        unique=True,
        postgresql_where=sa.text("removed_at IS NULL"),
    )
    op.create_table(
        "consumable_car_models",
        sa.Column("consumable_id", sa.BigInteger(), nullable=False),
        sa.Column("car_model_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["car_model_id"],
            ["car_models.id"],
            name=op.f("fk_consumable_car_models_car_model_id_car_models"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["consumable_id"],
            ["consumables.id"],
            name=op.f("fk_consumable_car_models_consumable_id_consumables"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "consumable_id", "car_model_id", name=op.f("pk_consumable_car_models")
        ),
    )
    op.create_index(
        "ix_consumable_car_models_car_model_id",
        "consumable_car_models",
        ["car_model_id"],
        unique=False,
    )
    op.create_table(
        "repair_types",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("MAINTENANCE", "DIAGNOSTICS", "OTHER", name="repair_kind"),
            nullable=False,
        ),
        sa.Column("labor_hours", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("labor_rate_id", sa.BigInteger(), nullable=False),
        sa.Column("includes_oil_change", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("car_model_id", sa.BigInteger(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("labor_hours > 0", name=op.f("ck_repair_types_labor_hours_positive")),
        sa.ForeignKeyConstraint(
            ["car_model_id"],
            ["car_models.id"],
            name=op.f("fk_repair_types_car_model_id_car_models"),
        ),
        sa.ForeignKeyConstraint(
            ["labor_rate_id"],
            ["labor_rates.id"],
            name=op.f("fk_repair_types_labor_rate_id_labor_rates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_types")),
    )
    op.create_index(
        op.f("ix_repair_types_car_model_id"), "repair_types", ["car_model_id"], unique=False
    )
    op.create_index(
        op.f("ix_repair_types_labor_rate_id"), "repair_types", ["labor_rate_id"], unique=False
    )
    op.create_index(
        "uq_repair_types_name_car_model",
        "repair_types",
        ["name", "car_model_id"],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )
    op.create_table(
        "quotes",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("car_id", sa.BigInteger(), nullable=False),
        sa.Column("repair_type_id", sa.BigInteger(), nullable=False),
        sa.Column("lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("total", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["car_id"], ["cars.id"], name=op.f("fk_quotes_car_id_cars")),
        sa.ForeignKeyConstraint(
            ["repair_type_id"],
            ["repair_types.id"],
            name=op.f("fk_quotes_repair_type_id_repair_types"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_quotes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotes")),
    )
    op.create_index(op.f("ix_quotes_user_id"), "quotes", ["user_id"], unique=False)
    op.create_index(op.f("ix_quotes_valid_until"), "quotes", ["valid_until"], unique=False)
    op.create_table(
        "repair_type_parts",
        sa.Column("repair_type_id", sa.BigInteger(), nullable=False),
        sa.Column("consumable_id", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_repair_type_parts_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["consumable_id"],
            ["consumables.id"],
            name=op.f("fk_repair_type_parts_consumable_id_consumables"),
        ),
        sa.ForeignKeyConstraint(
            ["repair_type_id"],
            ["repair_types.id"],
            name=op.f("fk_repair_type_parts_repair_type_id_repair_types"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "repair_type_id", "consumable_id", name=op.f("pk_repair_type_parts")
        ),
    )


def downgrade() -> None:
    op.drop_table("repair_type_parts")
    op.drop_index(op.f("ix_quotes_valid_until"), table_name="quotes")
    op.drop_index(op.f("ix_quotes_user_id"), table_name="quotes")
    op.drop_table("quotes")
    op.drop_index(
        "uq_repair_types_name_car_model",
        table_name="repair_types",
        postgresql_nulls_not_distinct=True,
    )
    op.drop_index(op.f("ix_repair_types_labor_rate_id"), table_name="repair_types")
    op.drop_index(op.f("ix_repair_types_car_model_id"), table_name="repair_types")
    op.drop_table("repair_types")
    op.drop_index("ix_consumable_car_models_car_model_id", table_name="consumable_car_models")
    op.drop_table("consumable_car_models")
    op.drop_index(
        "uq_cars_vin_present", table_name="cars", postgresql_where=sa.text("removed_at IS NULL")
    )
    op.drop_index("ix_cars_plate", table_name="cars")
    op.drop_index(op.f("ix_cars_owner_id"), table_name="cars")
    op.drop_index(op.f("ix_cars_car_model_id"), table_name="cars")
    op.drop_table("cars")
    op.drop_index(op.f("ix_car_models_engine_id"), table_name="car_models")
    op.drop_table("car_models")
    op.drop_index(op.f("ix_engines_oil_id"), table_name="engines")
    op.drop_table("engines")
    op.drop_table("receptionists")
    op.drop_table("oils")
    op.drop_table("labor_rates")
    op.drop_table("consumables")
    op.drop_table("closed_days")
    sa.Enum(name="repair_kind").drop(op.get_bind())
