"""account lifecycle: verified email, pending address, deletion, consent history, account mail

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("EMAIL_VERIFICATION", "EMAIL_CHANGE_NOTICE", "PASSWORD_RESET", "PASSWORD_CHANGED")


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("users", sa.Column("pending_email", sa.String(length=254), nullable=True))
    op.add_column("users", sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    # Accounts made before verification existed keep working: their addresses have been
    # receiving the shop's mail all along.
    op.execute("UPDATE users SET email_verified_at = created_at")
    op.create_table(
        "consent_changes",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_consent_changes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_changes")),
    )
    op.create_index(
        op.f("ix_consent_changes_user_id"), "consent_changes", ["user_id"], unique=False
    )
    op.execute(
        "INSERT INTO consent_changes (user_id, given, source, at) "
        "SELECT id, true, 'registration', created_at FROM users WHERE marketing_opt_in"
    )
    for kind in KINDS:
        op.execute(f"ALTER TYPE message_kind ADD VALUE IF NOT EXISTS '{kind}'")


def downgrade() -> None:
    # PostgreSQL cannot drop enum values; the four account kinds stay, unused.
    op.drop_index(op.f("ix_consent_changes_user_id"), table_name="consent_changes")
    op.drop_table("consent_changes")
    op.drop_column("users", "deleted_at")
    op.drop_column("users", "pending_email")
    op.drop_column("users", "email_verified_at")
