"""board versions: stamps that change, in the same transaction, with whatever a day board shows

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables every day's board may show (staff see each booking's client, car, model and repair
# type; everyone sees the receptionists): any change to them restamps `all`.
SHARED = (
    "receptionists",
    "users",
    "cars",
    "car_models",
    "engines",
    "oils",
    "labor_rates",
    "repair_types",
    "repair_type_parts",
    "consumables",
    "consumable_car_models",
)


def upgrade() -> None:
    op.create_table(
        "board_versions",
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_board_versions")),
    )
    # Not owned by a column: TRUNCATE … RESTART IDENTITY leaves it alone, so stamps never repeat.
    op.execute("CREATE SEQUENCE board_version_stamps")
    op.execute(
        """
        CREATE FUNCTION restamp_board(scope text) RETURNS void LANGUAGE sql AS $$
          INSERT INTO board_versions (scope, version) VALUES (scope, nextval('board_version_stamps'))
          ON CONFLICT ON CONSTRAINT pk_board_versions
          DO UPDATE SET version = nextval('board_version_stamps')
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION restamp_board_days() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          -- A move between days restamps both, the earlier first, so that two moves in
          -- opposite directions take the rows' locks in the same order.
          IF TG_OP = 'INSERT' THEN
            PERFORM restamp_board(NEW.day::text);
          ELSIF TG_OP = 'DELETE' THEN
            PERFORM restamp_board(OLD.day::text);
          ELSE
            PERFORM restamp_board(LEAST(OLD.day, NEW.day)::text);
            IF NEW.day IS DISTINCT FROM OLD.day THEN
              PERFORM restamp_board(GREATEST(OLD.day, NEW.day)::text);
            END IF;
          END IF;
          RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION restamp_board_all() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM restamp_board('all');
          RETURN NULL;
        END
        $$
        """
    )
    for table in ("bookings", "closed_days"):
        op.execute(
            f"CREATE TRIGGER {table}_restamp_board AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION restamp_board_days()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_restamp_board_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION restamp_board_all()"
        )
    for table in SHARED:
        op.execute(
            f"CREATE TRIGGER {table}_restamp_board AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION restamp_board_all()"
        )


def downgrade() -> None:
    for table in SHARED:
        op.execute(f"DROP TRIGGER {table}_restamp_board ON {table}")
    for table in ("bookings", "closed_days"):
        op.execute(f"DROP TRIGGER {table}_restamp_board_truncate ON {table}")
        op.execute(f"DROP TRIGGER {table}_restamp_board ON {table}")
    op.execute("DROP FUNCTION restamp_board_all()")
    op.execute("DROP FUNCTION restamp_board_days()")
    op.execute("DROP FUNCTION restamp_board(text)")
    op.execute("DROP SEQUENCE board_version_stamps")
    op.drop_table("board_versions")
