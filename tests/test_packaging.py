"""The wheel carries the migrations: installed outside the checkout, `repairbook migrate`
brings an empty database to the newest revision (as the Docker image does)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from repairbook.embedded import drop_database, ensure_database

ROOT = Path(__file__).parent.parent


def _libpq(url: str, database: str) -> str:
    """The libpq URI of another database on the same server as `url`."""
    other = make_url(url).set(drivername="postgresql", database=database)
    return other.render_as_string(hide_password=False)


def test_an_installed_wheel_migrates_an_empty_database(tmp_path: Path, database_url: str) -> None:
    built = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(ROOT), "-w", tmp_path],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("repairbook-*.whl")
    site = tmp_path / "site"
    installed = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", site, wheel],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert installed.returncode == 0, installed.stderr
    assert (site / "repairbook/migrations/env.py").is_file()
    if (ROOT / "web/dist/index.html").is_file():  # once scripts/build-web made it
        assert (site / "repairbook/static/web/index.html").is_file()
    assert not (site / "alembic/env.py").exists()  # never a top-level package beside alembic

    server = _libpq(database_url, "postgres")
    ensure_database(server, "repairbook_wheel")
    try:
        empty = make_url(database_url).set(database="repairbook_wheel")
        env = {k: v for k, v in os.environ.items() if not k.startswith("REPAIRBOOK_")}
        # The wheel's package comes first on the path, ahead of the editable checkout.
        env |= {
            "PYTHONPATH": str(site),
            "REPAIRBOOK_DATABASE_URL": empty.render_as_string(hide_password=False),
        }
        migrated = subprocess.run(
            [sys.executable, "-c", "import repairbook, runpy; print(repairbook.__file__); "
             "runpy.run_module('repairbook', run_name='__main__')", "migrate"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )  # fmt: skip
        assert migrated.returncode == 0, migrated.stderr
        assert migrated.stdout.startswith(str(site))
        with psycopg.connect(_libpq(database_url, "repairbook_wheel")) as conn:
            tables = {row[0] for row in conn.execute("SELECT tablename FROM pg_tables")}
        assert {"alembic_version", "users", "bookings", "quotes"} <= tables
    finally:
        drop_database(server, "repairbook_wheel")
