"""bookings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 08:44:21.417730
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bookings",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("receptionist_id", sa.BigInteger(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("car_id", sa.BigInteger(), nullable=False),
        sa.Column("client_id", sa.BigInteger(), nullable=False),
        sa.Column("repair_type_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Enum("ACTIVE", "CANCELLED", name="booking_status"), nullable=False),
        sa.Column("price_lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("price_total", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("quote_id", sa.UUID(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=100), nullable=True),
        sa.Column("created_by_id", sa.BigInteger(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by_id", sa.BigInteger(), nullable=True),
        sa.Column("cancel_reason", sa.String(length=500), nullable=True),
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
            "(status = 'CANCELLED') = (cancelled_at IS NOT NULL)",
            name=op.f("ck_bookings_cancelled_has_time"),
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_bookings_ends_after_start")),
        sa.CheckConstraint("price_total >= 0", name=op.f("ck_bookings_price_not_negative")),
        sa.ForeignKeyConstraint(
            ["cancelled_by_id"], ["users.id"], name=op.f("fk_bookings_cancelled_by_id_users")
        ),
        sa.ForeignKeyConstraint(["car_id"], ["cars.id"], name=op.f("fk_bookings_car_id_cars")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["users.id"], name=op.f("fk_bookings_client_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_bookings_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"], ["quotes.id"], name=op.f("fk_bookings_quote_id_quotes")
        ),
        sa.ForeignKeyConstraint(
            ["receptionist_id"],
            ["receptionists.id"],
            name=op.f("fk_bookings_receptionist_id_receptionists"),
        ),
        sa.ForeignKeyConstraint(
            ["repair_type_id"],
            ["repair_types.id"],
            name=op.f("fk_bookings_repair_type_id_repair_types"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
    )
    op.create_index(
        "ix_bookings_car_active",
        "bookings",
        ["car_id", "starts_at"],
        unique=False,
        postgresql_where=sa.text("status = 'ACTIVE'"),
    )
    op.create_index(
        "ix_bookings_client_starts", "bookings", ["client_id", "starts_at"], unique=False
    )
    op.create_index(
        "ix_bookings_day_receptionist", "bookings", ["day", "receptionist_id"], unique=False
    )
    op.create_index(
        "uq_bookings_active_client_day",
        "bookings",
        ["client_id", "day"],
        unique=True,
        postgresql_where=sa.text("status = 'ACTIVE'"),
    )
    op.create_index(
        "uq_bookings_active_slot",
        "bookings",
        ["receptionist_id", "starts_at"],
        unique=True,
        postgresql_where=sa.text("status = 'ACTIVE'"),
    )
    op.create_index(
        "uq_bookings_idempotency_key",
        "bookings",
        ["created_by_id", "idempotency_key"],
        unique=True,
        postgresql_where=sa.text("idempotency_key IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_bookings_idempotency_key",
        table_name="bookings",
        postgresql_where=sa.text("idempotency_key IS NOT NULL"),
    )
    op.drop_index(
        "uq_bookings_active_slot",
        table_name="bookings",
        postgresql_where=sa.text("status = 'ACTIVE'"),
    )
    op.drop_index(
        "uq_bookings_active_client_day",
        table_name="bookings",
        postgresql_where=sa.text("status = 'ACTIVE'"),
    )
    op.drop_index("ix_bookings_day_receptionist", table_name="bookings")
    op.drop_index("ix_bookings_client_starts", table_name="bookings")
    op.drop_index(
        "ix_bookings_car_active",
        table_name="bookings",
        postgresql_where=sa.text("status = 'ACTIVE'"),
    )
    op.drop_table("bookings")
    sa.Enum(name="booking_status").drop(op.get_bind())
