from __future__ import annotations

from pathlib import Path

from repairbook.api import sdl


def test_schema_graphql_is_current() -> None:
    committed = (Path(__file__).parent.parent / "schema.graphql").read_text()
    assert committed == sdl(), "schema.graphql is stale: run `repairbook export-schema`"
