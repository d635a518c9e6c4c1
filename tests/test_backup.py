"""`repairbook backup` and `restore`: a filled database round-trips into an empty one."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner, Result

from repairbook.backup import Target
from repairbook.cli import app
from repairbook.embedded import drop_database, ensure_database
from repairbook.models import Base
from tests.api.booking_support import BOOK, CANCEL, book_input
from tests.factories import Catalog
from tests.helpers import Api

runner = CliRunner()
EMPTY = "repairbook_restore_test"
BOOKINGS = "SELECT id, starts_at, client_id, car_id, receptionist_id, price_total, price_lines, status, cancel_reason FROM bookings ORDER BY id"


@pytest.fixture
def empty_database(database_url: str) -> Iterator[str]:
    """A second database on the same server, with nothing in it (not even migrations)."""
    admin = Target.of(str(make_url(database_url).set(database="postgres"))).uri
    drop_database(admin, EMPTY)
    ensure_database(admin, EMPTY)
    yield str(make_url(database_url).set(database=EMPTY).render_as_string(hide_password=False))
    drop_database(admin, EMPTY)


async def cli(database_url: str, *args: str) -> Result:
    env = {"REPAIRBOOK_DATABASE_URL": database_url}
    return await asyncio.to_thread(runner.invoke, app, list(args), env=env)


def read(database_url: str, sql: str) -> list[tuple[Any, ...]]:
    with Target.of(database_url).connect() as conn:
        return conn.execute(sql).fetchall()


def row_counts(database_url: str) -> dict[str, int]:
    with Target.of(database_url).connect() as conn:
        return {
            table.name: int(conn.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0])  # type: ignore[index]  # noqa: S608 - our own table names
            for table in Base.metadata.sorted_tables
        }


async def fill(api: Api, catalog: Catalog) -> None:
    for n in range(3):
        client, car = await api.client_with_car(catalog.model_id)
        booked = await api.ok(BOOK, book_input(catalog, car, api.at(2, f"1{n}:00")), client.token)
        await api.ok(BOOK, book_input(catalog, car, api.at(3, f"1{n}:30")), client.token)
    await api.ok(CANCEL, {"id": booked["bookSlot"]["id"], "r": "plans changed"}, client.token)


async def test_a_filled_database_restores_into_an_empty_one(
    api: Api, catalog: Catalog, database_url: str, empty_database: str, tmp_path: Path
) -> None:
    await fill(api, catalog)
    path = tmp_path / "shop.dump"
    backed_up = await cli(database_url, "backup", str(path))
    assert backed_up.exit_code == 0, backed_up.output
    assert "backed up" in backed_up.output
    assert "Backing up bookings" in backed_up.output  # progress, table by table

    restored = await cli(empty_database, "restore", str(path))
    assert restored.exit_code == 0, restored.output
    assert "Restoring bookings" in restored.output
    counts = row_counts(database_url)
    assert counts["bookings"] == 6
    assert counts["users"] == 3
    assert row_counts(empty_database) == counts
    assert read(empty_database, BOOKINGS) == read(database_url, BOOKINGS)
    assert read(empty_database, "SELECT version_num FROM alembic_version") == read(
        database_url, "SELECT version_num FROM alembic_version"
    )
    # Every board has a stamp no API process can have cached: above any the source had.
    before = read(database_url, "SELECT scope, version FROM board_versions")
    after = dict(read(empty_database, "SELECT scope, version FROM board_versions"))
    assert after.keys() >= {scope for scope, _ in before} | {"all"}
    assert min(after.values()) > max(version for _, version in before)


async def test_restore_refuses_a_database_with_data_unless_forced(
    api: Api, catalog: Catalog, database_url: str, empty_database: str, tmp_path: Path
) -> None:
    await fill(api, catalog)
    path = tmp_path / "shop.dump"
    assert (await cli(database_url, "backup", str(path))).exit_code == 0
    assert (await cli(empty_database, "restore", str(path))).exit_code == 0
    stamps = dict(read(empty_database, "SELECT scope, version FROM board_versions"))

    refused = await cli(empty_database, "restore", str(path))
    assert refused.exit_code == 2
    assert "not empty" in refused.output
    assert "--force" in refused.output
    with Target.of(empty_database).connect() as conn:
        conn.execute("UPDATE bookings SET cancel_reason = 'changed after the backup'")
    forced = await cli(empty_database, "restore", str(path), "--force")
    assert forced.exit_code == 0, forced.output
    assert read(empty_database, BOOKINGS) == read(database_url, BOOKINGS)
    again = dict(read(empty_database, "SELECT scope, version FROM board_versions"))
    assert all(again[scope] > version for scope, version in stamps.items())


async def test_a_restore_that_fails_puts_the_database_back(
    api: Api, catalog: Catalog, database_url: str, empty_database: str, tmp_path: Path
) -> None:
    await fill(api, catalog)
    path = tmp_path / "shop.dump"
    assert (await cli(database_url, "backup", str(path))).exit_code == 0
    assert (await cli(empty_database, "restore", str(path))).exit_code == 0
    broken = tmp_path / "broken.dump"
    data = path.read_bytes()
    broken.write_bytes(data[: len(data) * 3 // 4])  # the table of contents, part of the data

    failed = await cli(empty_database, "restore", str(broken), "--force")
    assert failed.exit_code == 2, failed.output
    assert "pg_restore failed" in failed.output
    assert row_counts(empty_database) == row_counts(database_url)
    assert read(empty_database, BOOKINGS) == read(database_url, BOOKINGS)

    missing = await cli(empty_database, "restore", str(tmp_path / "nothing.dump"))
    assert missing.exit_code == 2
    assert "no backup at" in missing.output


def test_the_password_goes_in_the_environment_not_on_the_command_line() -> None:
    target = Target.of("postgresql+psycopg://shop:s3cret@db.internal:5432/repairbook")
    assert target.uri == "postgresql://shop@db.internal:5432/repairbook"
    assert target.env()["PGPASSWORD"] == "s3cret"
    assert psycopg.conninfo.conninfo_to_dict(target.uri)["dbname"] == "repairbook"
