"""`repairbook backup` and `restore`: pg_dump's custom format, written and read by the
PostgreSQL client programs that pgserver ships (the embedded server's own), so that the
same commands work for the embedded database and an external one (of version 16 or older:
pg_dump refuses newer servers).

A restore replaces everything in the target database's `public` schema (kept aside until
the backup has been read in whole, and put back if it could not be), refuses a target
that holds data unless forced, and afterwards restamps every day board (board_versions,
migration 0007) so that no API process answers from a board cached before the restore.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import URL, make_url

# Tables whose rows do not make a database "in use": migration bookkeeping and board stamps.
BOOKKEEPING = frozenset({"alembic_version", "board_versions"})
_TABLE_LINE = re.compile(r'(?:dumping contents of|processing data for) table "(?:[^"]+\.)?([^"]+)"')

SET_ASIDE = "repairbook_before_restore"
Progress = Callable[[int, int, str], None]  # (tables done, tables in all, table name)


class BackupError(RuntimeError):
    """A backup or restore that could not be done, said in one line for the command line."""


@dataclass(frozen=True)
class Target:
    """A database as the client programs take it: a URI without the password, which goes in
    the environment (never on a command line that `ps` shows)."""

    uri: str
    password: str | None

    @classmethod
    def of(cls, database_url: str) -> Target:
        url = make_url(database_url)
        plain = URL.create(
            "postgresql", url.username, None, url.host, url.port, url.database, url.query
        )
        return cls(plain.render_as_string(hide_password=False), url.password)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.uri, password=self.password or None, autocommit=True)


def client_program(name: str) -> str:
    """pg_dump or pg_restore: pgserver's, else one on PATH."""
    try:
        import pgserver

        shipped = Path(pgserver.__file__).parent / "pginstall" / "bin" / name
        if shipped.exists():
            return str(shipped)
    except ImportError:
        pass
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} not found: install pgserver (a dependency) or PostgreSQL's clients"
        )
    return found


def backup(database_url: str, path: Path, progress: Progress | None = None) -> int:
    """Write the whole database to `path` (custom format); returns the number of tables."""
    target = Target.of(database_url)
    with target.connect() as conn:
        total = len(_tables(conn))
    command = [
        client_program("pg_dump"),
        "--format=custom", "--no-owner", "--no-privileges", "--verbose",
        f"--file={path}", f"--dbname={target.uri}",
    ]  # fmt: skip
    _run(command, target, total, progress)
    return total


def restore(
    database_url: str, path: Path, *, force: bool = False, progress: Progress | None = None
) -> int:
    """Replace the database's contents with the backup at `path`; returns the tables read.

    Refuses a database with data in it unless `force`. Board stamps afterwards are all new,
    and higher than any the database had before (stamps must never repeat)."""
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    target = Target.of(database_url)
    listing = _run_quietly([client_program("pg_restore"), "--list", str(path)], target)
    total = sum(1 for line in listing.splitlines() if " TABLE DATA " in line)
    with target.connect() as conn:
        used = _tables_with_rows(conn)
        if used and not force:
            shown = ", ".join(used[:5]) + (" …" if len(used) > 5 else "")
            raise BackupError(
                f"the database is not empty ({shown} have rows): restoring would replace them; "
                "pass --force to do it anyway"
            )
        last_stamp = _last_stamp(conn)
        # What was there is set aside, not dropped, until the restore has succeeded.
        conn.execute(f"DROP SCHEMA IF EXISTS {SET_ASIDE} CASCADE")
        conn.execute(f"ALTER SCHEMA public RENAME TO {SET_ASIDE}")
        conn.execute("CREATE SCHEMA public")
    command = [
        client_program("pg_restore"),
        "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--verbose",
        f"--dbname={target.uri}", str(path),
    ]  # fmt: skip
    try:
        _run(command, target, total, progress)
    except BaseException:
        with target.connect() as conn, conn.transaction():
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute(f"ALTER SCHEMA {SET_ASIDE} RENAME TO public")
        raise
    with target.connect() as conn:
        conn.execute(f"DROP SCHEMA {SET_ASIDE} CASCADE")
        restamp_boards(conn, above=last_stamp)
    return total


def restamp_boards(conn: psycopg.Connection[Any], *, above: int = 0) -> None:
    """Give every day board a new stamp (and `all` too), past `above` and anything the
    restored sequence holds, and a new epoch (as `repairbook restamp-boards` does), so no
    board any process cached before the restore can match again."""
    epoch = secrets.randbits(62)
    with conn.transaction():
        conn.execute(
            "CREATE OR REPLACE FUNCTION board_epoch() RETURNS bigint"
            f" LANGUAGE sql STABLE AS $$ SELECT {epoch}::bigint $$"
        )
        conn.execute(
            "SELECT setval('board_version_stamps', "
            "greatest(%s, (SELECT last_value FROM board_version_stamps)) + 1)",
            (above,),
        )
        conn.execute("UPDATE board_versions SET version = nextval('board_version_stamps')")
        conn.execute("SELECT restamp_board('all')")


def _tables(conn: psycopg.Connection[Any]) -> list[str]:
    rows = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    return [str(row[0]) for row in rows]


def _tables_with_rows(conn: psycopg.Connection[Any]) -> list[str]:
    used = []
    for table in _tables(conn):
        if table in BOOKKEEPING:
            continue
        quoted = '"' + table.replace('"', '""') + '"'
        if conn.execute(f"SELECT EXISTS (SELECT 1 FROM public.{quoted})").fetchone() == (True,):  # noqa: S608 - a catalog name, quoted
            used.append(table)
    return used


def _last_stamp(conn: psycopg.Connection[Any]) -> int:
    found = conn.execute(
        "SELECT 1 FROM pg_class WHERE relkind = 'S' AND relname = 'board_version_stamps'"
    ).fetchone()
    if found is None:
        return 0
    row = conn.execute("SELECT last_value FROM board_version_stamps").fetchone()
    return int(row[0]) if row else 0


def _run(command: list[str], target: Target, total: int, progress: Progress | None) -> None:
    """Run a client program, turning its --verbose lines into progress, and its failure into
    a BackupError with the lines that say why."""
    done = 0
    tail: list[str] = []
    for line in _lines_of(command, target, tail):
        found = _TABLE_LINE.search(line)
        if found and progress is not None:
            done += 1
            progress(min(done, total), total, found.group(1))


def _lines_of(command: list[str], target: Target, tail: list[str]) -> Iterator[str]:
    with subprocess.Popen(  # noqa: S603 - our own program and arguments
        command,
        env=target.env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stderr is not None
        for line in process.stderr:
            tail[:] = [*tail[-9:], line.rstrip()]
            yield line
    if process.returncode != 0:
        problems = [line for line in tail if "error" in line.lower()] or tail
        raise BackupError(f"{Path(command[0]).name} failed: " + " | ".join(problems[-3:]))


def _run_quietly(command: list[str], target: Target) -> str:
    done = subprocess.run(  # noqa: S603 - our own program and arguments
        command, env=target.env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-300:]}")
    return done.stdout
