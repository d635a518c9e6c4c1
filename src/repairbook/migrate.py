"""Applying alembic migrations from code (the CLI, `dev` and the tests).

The migrations live in the repository's top-level `alembic/` folder. A wheel (and so the
Docker image) ships that folder inside the package as `repairbook/migrations` (setup.py);
an editable install runs them from the checkout.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, pool
from sqlalchemy.ext.asyncio import create_async_engine

_PACKAGED = Path(__file__).parent / "migrations"
_CHECKOUT = Path(__file__).resolve().parents[2] / "alembic"


def migrations_folder() -> Path:
    for folder in (_PACKAGED, _CHECKOUT):
        if (folder / "env.py").is_file():
            return folder
    raise RuntimeError(f"no migrations in {_PACKAGED} or {_CHECKOUT}")


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_folder()))
    # ConfigParser interpolates '%', which URL-encoded socket paths contain.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Runs alembic's own event loop, so call it where no loop is running."""
    command.upgrade(alembic_config(database_url), revision)


def behind(database_url: str) -> tuple[str | None, str] | None:
    """(the database's revision, the code's) when the database needs `migrate`; None when
    it is current. Runs its own event loop, like `upgrade`."""
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    assert head is not None

    def revision(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async def read() -> str | None:
        engine = create_async_engine(database_url, poolclass=pool.NullPool)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(revision)
        finally:
            await engine.dispose()

    current = asyncio.run(read())
    return None if current == head else (current, head)
