"""campaigns

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 20:04:24.680890
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("all_clients", sa.Boolean(), nullable=False),
        sa.Column("user_ids", postgresql.ARRAY(sa.BigInteger()), nullable=False),
        sa.Column("car_model_ids", postgresql.ARRAY(sa.BigInteger()), nullable=False),
        sa.Column(
            "status",
            sa.Enum("SENDING", "SENT", "CANCELLED", "FAILED", name="campaign_status"),
            nullable=False,
        ),
        sa.Column("recipient_count", sa.Integer(), nullable=False),
        sa.Column("queued_up_to", sa.BigInteger(), nullable=False),
        sa.Column("queued_all", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.BigInteger(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
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
            "all_clients OR cardinality(user_ids) > 0 OR cardinality(car_model_ids) > 0",
            name=op.f("ck_campaigns_audience_not_empty"),
        ),
        sa.CheckConstraint("char_length(subject) > 0", name=op.f("ck_campaigns_subject_not_empty")),
        sa.CheckConstraint("char_length(text) > 0", name=op.f("ck_campaigns_text_not_empty")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_campaigns_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    op.add_column("outbox_messages", sa.Column("campaign_id", sa.BigInteger(), nullable=True))
    op.create_index(
        "ix_outbox_messages_campaign_status",
        "outbox_messages",
        ["campaign_id", "status"],
        unique=False,
        postgresql_where=sa.text("campaign_id IS NOT NULL"),
    )
    op.create_foreign_key(
        op.f("fk_outbox_messages_campaign_id_campaigns"),
        "outbox_messages",
        "campaigns",
        ["campaign_id"],
        ["id"],
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_outbox_messages_campaign_id_campaigns"), "outbox_messages", type_="foreignkey"
    )
    op.drop_index(
        "ix_outbox_messages_campaign_status",
        table_name="outbox_messages",
        postgresql_where=sa.text("campaign_id IS NOT NULL"),
    )
    op.drop_column("outbox_messages", "campaign_id")
    op.drop_table("campaigns")
    sa.Enum(name="campaign_status").drop(op.get_bind())
