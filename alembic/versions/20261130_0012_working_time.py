"""working time: receptionists' weekly plans and dated exceptions (issue 22)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 11:10:00

No trigger restamps boards for these tables: the service that changes them restamps
exactly the days whose working time changed (and `plans`, which month calendars read), in
the same transaction.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _hours(table: str) -> list[Any]:
    return [
        sa.Column("starts_at", sa.Time(), nullable=True),
        sa.Column("ends_at", sa.Time(), nullable=True),
        sa.Column("breaks", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.CheckConstraint(
            "(starts_at IS NULL) = (ends_at IS NULL)", name=op.f(f"ck_{table}_hours_or_none")
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f(f"ck_{table}_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["receptionist_id"],
            ["receptionists.id"],
            name=op.f(f"fk_{table}_receptionist_id_receptionists"),
            ondelete="CASCADE",
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "work_plan_days",
        sa.Column("receptionist_id", sa.BigInteger(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        *_hours("work_plan_days"),
        sa.CheckConstraint("weekday BETWEEN 1 AND 7", name=op.f("ck_work_plan_days_iso_weekday")),
        sa.PrimaryKeyConstraint("receptionist_id", "weekday", name=op.f("pk_work_plan_days")),
    )
    op.create_table(
        "work_exceptions",
        sa.Column("receptionist_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *_hours("work_exceptions"),
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
        sa.PrimaryKeyConstraint("receptionist_id", "day", name=op.f("pk_work_exceptions")),
    )


def downgrade() -> None:
    op.drop_table("work_exceptions")
    op.drop_table("work_plan_days")
