"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from repairbook.models import Base
from repairbook.resources import Resources


async def test_migrations_match_the_models(resources: Resources) -> None:
    def differences(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with resources.database.engine.connect() as connection:
        assert await connection.run_sync(differences) == []
