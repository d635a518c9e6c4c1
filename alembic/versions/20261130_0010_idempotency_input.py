"""idempotency input: a booking remembers what its idempotency key was used for

A retried bookSlot with the same key and the same input returns the booking it made; the
same key with other input is refused (IDEMPOTENCY_KEY_REUSED) instead of silently answering
with the old booking. Rows made before this column have no digest and are taken as matching.

Revision ID: 0010
Revises: 0007
Create Date: 2026-11-30 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("bookings", sa.Column("idempotency_input", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("bookings", "idempotency_input")
