"""board stamps: days written as ISO whatever the DateStyle, an epoch per migration, and
client and car changes restamping only the days they show on

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 10:30:00

- `day::text` follows the session's DateStyle (`05.12.2026` in a German one): every day
  scope is now written with `to_char(day, 'YYYY-MM-DD')`, as the cache reads it.
- `board_epoch()` returns a number drawn when this migration runs (and again by
  `repairbook restamp-boards`): it is part of every cached board's key, so stamps that
  come back after the sequence starts over (`downgrade 0006 && upgrade head`) or after a
  restore match nothing cached before. It is a function, not a row: no DELETE or
  TRUNCATE of data takes it away.
- `users` and `cars`: a statement restamps the days, from yesterday (UTC) on, of the
  bookings of the clients it touched (a car: its owner, old and new) and of their cars,
  instead of `all`: a client editing a profile or adding a car no longer empties every
  board. The cache keeps no board of an earlier day. TRUNCATE still restamps `all`.
"""

import secrets
from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PEOPLE = ("users", "cars")


def epoch_function(epoch: int) -> str:
    """The statement that sets the epoch (also run by `repairbook restamp-boards`)."""
    return (
        "CREATE OR REPLACE FUNCTION board_epoch() RETURNS bigint"
        f" LANGUAGE sql STABLE AS $$ SELECT {epoch}::bigint $$"
    )


def upgrade() -> None:
    op.execute(epoch_function(secrets.randbits(62)))
    op.execute(
        """
        CREATE OR REPLACE FUNCTION restamp_board_days() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          -- A move between days restamps both, the earlier first, so that two moves in
          -- opposite directions take the rows' locks in the same order.
          IF TG_OP = 'INSERT' THEN
            PERFORM restamp_board(to_char(NEW.day, 'YYYY-MM-DD'));
          ELSIF TG_OP = 'DELETE' THEN
            PERFORM restamp_board(to_char(OLD.day, 'YYYY-MM-DD'));
          ELSE
            PERFORM restamp_board(to_char(LEAST(OLD.day, NEW.day), 'YYYY-MM-DD'));
            IF NEW.day IS DISTINCT FROM OLD.day THEN
              PERFORM restamp_board(to_char(GREATEST(OLD.day, NEW.day), 'YYYY-MM-DD'));
            END IF;
          END IF;
          RETURN NULL;
        END
        $$
        """
    )
    # The days (in order, as the bookings trigger locks them) on which these clients or
    # cars show: a booking's client and car, a client's cars, a car's owner.
    op.execute(
        """
        CREATE FUNCTION restamp_board_days_of(clients bigint[], car_ids bigint[])
        RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM restamp_board(to_char(day, 'YYYY-MM-DD')) FROM (
            SELECT DISTINCT day FROM bookings
            WHERE day >= (now() AT TIME ZONE 'UTC')::date - 1
              AND (client_id = ANY(clients) OR car_id = ANY(car_ids)
                   OR car_id IN (SELECT id FROM cars WHERE owner_id = ANY(clients)))
            ORDER BY day
          ) AS days;
        END
        $$
        """
    )
    for table, clients, cars in (
        ("users", "id", "NULL::bigint"),
        ("cars", "owner_id", "id"),
    ):
        op.execute(f"DROP TRIGGER {table}_restamp_board ON {table}")
        op.execute(  # table and column names from the tuple above
            f"""
            CREATE FUNCTION restamp_board_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'INSERT' THEN
                PERFORM restamp_board_days_of(
                  ARRAY(SELECT {clients} FROM new_rows), ARRAY(SELECT {cars} FROM new_rows));
              ELSIF TG_OP = 'DELETE' THEN
                PERFORM restamp_board_days_of(
                  ARRAY(SELECT {clients} FROM old_rows), ARRAY(SELECT {cars} FROM old_rows));
              ELSE
                PERFORM restamp_board_days_of(
                  ARRAY(SELECT {clients} FROM old_rows UNION SELECT {clients} FROM new_rows),
                  ARRAY(SELECT {cars} FROM old_rows UNION SELECT {cars} FROM new_rows));
              END IF;
              RETURN NULL;
            END
            $$
            """  # noqa: S608
        )
        for event, tables in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        ):
            op.execute(
                f"CREATE TRIGGER {table}_restamp_board_{event.lower()} AFTER {event} ON {table}"
                f" REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION restamp_board_{table}()"
            )
        op.execute(
            f"CREATE TRIGGER {table}_restamp_board_truncate AFTER TRUNCATE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION restamp_board_all()"
        )


def downgrade() -> None:
    for table in PEOPLE:
        for event in ("insert", "update", "delete", "truncate"):
            op.execute(f"DROP TRIGGER {table}_restamp_board_{event} ON {table}")
        op.execute(f"DROP FUNCTION restamp_board_{table}()")
        op.execute(
            f"CREATE TRIGGER {table}_restamp_board AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION restamp_board_all()"
        )
    op.execute("DROP FUNCTION restamp_board_days_of(bigint[], bigint[])")
    op.execute(
        """
        CREATE OR REPLACE FUNCTION restamp_board_days() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
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
    op.execute("DROP FUNCTION board_epoch()")
