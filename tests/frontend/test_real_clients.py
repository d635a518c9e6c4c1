"""Real frontend clients against a real `repairbook serve`: the graphql-http audit (the
GraphQL over HTTP spec: every MUST and SHOULD) and @apollo/client 4 (automatic persisted
queries; a normalised cache that a slotChanged event updates by itself). The Node packages
are pinned in scripts/frontend/package-lock.json and installed with `npm ci` on first use."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import create_engine, text

from repairbook.config import Settings
from repairbook.embedded import free_port
from repairbook.models import Base

FRONTEND = Path(__file__).resolve().parents[2] / "scripts" / "frontend"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")


def _node_modules() -> None:
    if not (FRONTEND / "node_modules").is_dir():
        npm = shutil.which("npm")
        assert npm, "npm is needed to install scripts/frontend's pinned packages"
        subprocess.run(  # noqa: S603
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=FRONTEND,
            check=True,
            timeout=600,
        )


@pytest.fixture(scope="module")
def url(settings: Settings) -> Iterator[str]:
    assert settings.database_url
    assert settings.redis_url
    _node_modules()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPAIRBOOK_")}
    env |= {
        "REPAIRBOOK_DATABASE_URL": settings.database_url,
        "REPAIRBOOK_REDIS_URL": settings.redis_url,
        "REPAIRBOOK_DATA_DIR": str(settings.data_dir),
        "REPAIRBOOK_ARGON2_MEMORY_KIB": "1024",
        "REPAIRBOOK_ARGON2_ROUNDS": "1",
    }
    command = [sys.executable, "-m", "repairbook"]
    subprocess.run([*command, "seed"], env=env, check=True, timeout=120)  # noqa: S603
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [*command, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        process.terminate()
        process.wait(timeout=30)
        _wipe(settings)


def _wipe(settings: Settings) -> None:
    assert settings.database_url
    engine = create_engine(settings.database_url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    assert settings.redis_url
    with redis.Redis.from_url(settings.redis_url) as client:
        client.flushdb()


def _node(script: str, url: str) -> subprocess.CompletedProcess[str]:
    assert NODE
    return subprocess.run(  # noqa: S603
        [NODE, str(FRONTEND / script), url], capture_output=True, text=True, timeout=300
    )


def test_graphql_over_http_audit_passes_every_must_and_should(url: str) -> None:
    audit = _node("audit.mjs", url)
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "MUST: 13 ok, 0 not" in audit.stdout
    assert "SHOULD: 23 ok, 0 not" in audit.stdout


def test_apollo_client_persisted_queries_and_a_cache_that_updates_itself(url: str) -> None:
    apollo = _node("apollo.mjs", url)
    assert apollo.returncode == 0, apollo.stdout + apollo.stderr
    assert "all ok" in apollo.stdout
