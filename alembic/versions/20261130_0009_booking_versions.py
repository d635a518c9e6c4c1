"""booking versions: a number every change of a booking increments (the .ics SEQUENCE)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "bookings", sa.Column("version", sa.Integer(), server_default="0", nullable=False)
    )
    # Calendar files sent so far carried SEQUENCE = seconds since 2020 at the change: an
    # existing booking starts above its last one, or calendars would ignore its next change.
    op.execute(
        "UPDATE bookings SET version = "
        "GREATEST(0, floor(extract(epoch FROM updated_at - timestamptz '2020-01-01 00:00Z')))"
        "::integer + 1"
    )
    # In the database, so that every change counts, whichever code makes it.
    op.execute(
        """
        CREATE FUNCTION bump_booking_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF ROW(NEW.*) IS DISTINCT FROM ROW(OLD.*) THEN
            NEW.version := OLD.version + 1;
          END IF;
          RETURN NEW;
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER bookings_bump_version BEFORE UPDATE ON bookings "
        "FOR EACH ROW EXECUTE FUNCTION bump_booking_version()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER bookings_bump_version ON bookings")
    op.execute("DROP FUNCTION bump_booking_version()")
    op.drop_column("bookings", "version")
