"""Real PostgreSQL and Redis for the whole run: embedded ones unless
REPAIRBOOK_TEST_DATABASE_URL / REPAIRBOOK_TEST_REDIS_URL name scratch servers
(their data is wiped between tests)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from starlette.applications import Starlette

from repairbook import migrate
from repairbook.app import create_app
from repairbook.config import Settings
from repairbook.embedded import (
    RedisProcess,
    drop_database,
    ensure_database,
    sqlalchemy_url,
    start_postgres,
)
from repairbook.models import Base
from repairbook.notifications.delivery import Delivery
from repairbook.resources import Resources
from tests.factories import Catalog, make_catalog
from tests.helpers import Api
from tests.live.support import Instance, instance
from tests.notifications.support import Inbox, running_inbox


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    given = os.environ.get("REPAIRBOOK_TEST_DATABASE_URL")
    if given:
        migrate.upgrade(given)
        yield given
        return
    server, uri = start_postgres(tmp_path_factory.mktemp("postgres") / "data")
    ensure_database(uri, "repairbook_test")
    url = sqlalchemy_url(uri, "repairbook_test")
    migrate.upgrade(url)
    yield url
    drop_database(uri, "repairbook_test")
    server.cleanup()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    given = os.environ.get("REPAIRBOOK_TEST_REDIS_URL")
    if given:
        yield given
        return
    process = RedisProcess(Path(tmp_path_factory.mktemp("redis"))).start()
    yield process.url
    process.stop()


@pytest.fixture(scope="session")
def settings(
    database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    return Settings(
        _env_file=None,
        database_url=database_url,
        redis_url=redis_url,
        data_dir=tmp_path_factory.mktemp("data"),
        # Cheap hashing: the tests prove behaviour, not the cost of argon2.
        argon2_memory_kib=1024,
        argon2_rounds=1,
        # Tests register hundreds of clients from one address; the throttle's own tests
        # lower this again.
        registrations_per_address=100_000,
        registrations_free_per_address=100_000,
        # No padding of the reset request's answer but in the test that checks it.
        password_reset_answer_ms=0,
    )


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
def resources(app: Starlette) -> Resources:
    resources: Resources = app.state.resources
    return resources


@pytest.fixture(autouse=True)
async def _clean_state(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Each test starts with empty tables and an empty Redis (only if it used them)."""
    yield
    if "resources" not in request.fixturenames:
        return
    resources: Resources = request.getfixturevalue("resources")
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with resources.database.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await resources.redis.flushdb()


@pytest.fixture
async def http(app: Starlette, resources: Resources) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def api(http: httpx.AsyncClient, resources: Resources) -> Api:
    return Api(http, resources)


@pytest.fixture
async def api_at(app: Starlette, resources: Resources) -> AsyncIterator[Callable[[str], Api]]:
    """Clients calling from other addresses: `api_at("198.51.100.1")`."""
    async with contextlib.AsyncExitStack() as stack:

        def at(address: str) -> Api:
            transport = httpx.ASGITransport(app=app, client=(address, 50000))
            client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
            stack.push_async_callback(client.aclose)
            return Api(client, resources)

        yield at


@pytest.fixture
async def catalog(resources: Resources) -> Catalog:
    """The shop's catalog as most tests need it: models, repair types, two receptionists."""
    return await make_catalog(resources)


@pytest.fixture
async def pair(settings: Settings, api: Api) -> AsyncIterator[tuple[Instance, Instance]]:
    """Two real API instances on loopback ports, sharing this run's PostgreSQL and Redis."""
    async with instance(settings) as a, instance(settings) as b:
        yield a, b


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with running_inbox() as inbox:
        yield inbox


@pytest.fixture
def mail_settings(settings: Settings, inbox: Inbox) -> Settings:
    """Delivery to the test's own SMTP server, with retries and leases short enough to watch."""
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": inbox.port,
            "mail_retry_seconds": 1,
            "mail_lease_seconds": 2,
            "smtp_timeout_seconds": 0.5,
        }
    )


@pytest.fixture
def delivery(resources: Resources, mail_settings: Settings) -> Delivery:
    return Delivery(resources.database, mail_settings, resources.clock)
