"""The command line against the test database, and `dev` as a user runs it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from repairbook.cli import app
from repairbook.embedded import free_port
from repairbook.models.accounts import User
from repairbook.resources import Resources
from tests.helpers import Api

runner = CliRunner()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings: object, database_url: str) -> None:
    monkeypatch.setenv("REPAIRBOOK_DATABASE_URL", database_url)
    monkeypatch.setenv("REPAIRBOOK_ARGON2_MEMORY_KIB", "1024")


def test_users_create_and_set_role(cli_env: None, resources: Resources) -> None:
    created = runner.invoke(
        app,
        [
            "users",
            "create",
            "boss",
            "--email",
            "boss@example.com",
            "--role",
            "admin",
            "--first-name",
            "Anna",
            "--last-name",
            "Smirnova",
        ],
        input="a long admin password\na long admin password\n",
    )
    assert created.exit_code == 0, created.output
    assert "created admin boss" in created.output
    granted = runner.invoke(app, ["users", "set-role", "BOSS", "manager"])
    assert granted.exit_code == 0, granted.output
    assert "boss is now manager" in granted.output


async def test_users_create_refuses_bad_input(cli_env: None, api: Api) -> None:
    bad_password = await asyncio.to_thread(
        runner.invoke,
        app,
        [
            "users",
            "create",
            "boss",
            "--email",
            "boss@example.com",
            "--first-name",
            "A",
            "--last-name",
            "B",
        ],
        input="short\nshort\n",
    )
    bad_role = await asyncio.to_thread(runner.invoke, app, ["users", "set-role", "boss", "king"])
    unknown = await asyncio.to_thread(
        runner.invoke, app, ["users", "set-role", "nobody", "manager"]
    )
    assert bad_password.exit_code == 1
    assert "(password)" in bad_password.output
    assert bad_role.exit_code == 2
    assert unknown.exit_code == 1
    assert "No user with nick" in unknown.output
    assert await api.count(User) == 0


def test_export_schema_check(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    assert runner.invoke(app, ["export-schema", str(target), "--check"]).exit_code == 1
    assert runner.invoke(app, ["export-schema", str(target)]).exit_code == 0
    assert runner.invoke(app, ["export-schema", str(target), "--check"]).exit_code == 0


def test_every_command_has_help() -> None:
    for command in [
        "dev",
        "serve",
        "worker",
        "migrate",
        "export-schema",
        "users",
        "users create",
        "users set-role",
    ]:
        result = runner.invoke(app, [*command.split(), "--help"])
        assert result.exit_code == 0, command
        assert "Usage" in result.output


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_dev_runs_everything_and_ctrl_c_stops_it_all(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPAIRBOOK_")}
    env["REPAIRBOOK_DATA_DIR"] = str(tmp_path / "data")
    port = free_port()
    repairbook = [sys.executable, "-m", "repairbook"]
    dev = subprocess.Popen(  # noqa: S603
        [*repairbook, "dev", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        else:
            pytest.fail("dev did not become ready")
        # Another command with the same data folder reaches the same database.
        migrate = subprocess.run(  # noqa: S603
            [*repairbook, "migrate"], env=env, capture_output=True, text=True, timeout=60
        )
        assert migrate.returncode == 0, migrate.stderr
        assert "database is up to date" in migrate.stderr
        said = migrate.stdout + migrate.stderr
        assert "started PostgreSQL" not in said  # it joined the one dev runs
        assert "using PostgreSQL" in said
        assert httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200
        postgres_pid = int((tmp_path / "data/postgres/postmaster.pid").read_text().split()[0])
        redis_pid = int((tmp_path / "data/redis/redis.port").read_text().split()[2])
        assert _alive(postgres_pid)
        assert _alive(redis_pid)
    finally:
        dev.send_signal(signal.SIGINT)
        output, _ = dev.communicate(timeout=60)
    assert dev.returncode == 0, output
    assert "GraphiQL at http://127.0.0.1" in output
    deadline = time.monotonic() + 10
    while (_alive(postgres_pid) or _alive(redis_pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(postgres_pid), "PostgreSQL left running"
    assert not _alive(redis_pid), "Redis left running"


def _embedded_pids(data: Path) -> tuple[int, int]:
    postgres = int((data / "postgres/postmaster.pid").read_text().split()[0])
    redis = int((data / "redis/redis.port").read_text().split()[2])
    return postgres, redis


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_sigterm_stops_the_command_and_its_embedded_servers(tmp_path: Path, command: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPAIRBOOK_")}
    env["REPAIRBOOK_DATA_DIR"] = str(tmp_path / "data")
    repairbook = [sys.executable, "-m", "repairbook"]
    migrate = subprocess.run(  # noqa: S603
        [*repairbook, "migrate"], env=env, capture_output=True, text=True, timeout=120
    )
    assert migrate.returncode == 0, migrate.stderr
    port = free_port()
    log = tmp_path / "output.txt"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603
            [*repairbook, command, *(["--port", str(port)] if command == "serve" else [])],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    ready = "Application startup complete" if command == "serve" else "Starting worker"
    try:
        deadline = time.monotonic() + 60
        while ready not in log.read_text() and time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            time.sleep(0.2)
        assert ready in log.read_text()
        pids = _embedded_pids(tmp_path / "data")
        assert all(_alive(pid) for pid in pids)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    assert process.returncode == 0, log.read_text()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in pids), "an embedded server was left running"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"REPAIRBOOK_ENV": "production"}, "REPAIRBOOK_SECRET_KEY is the development default"),
        (
            {"REPAIRBOOK_ENV": "production", "REPAIRBOOK_SECRET_KEY": "short"},
            "REPAIRBOOK_SECRET_KEY must be at least 32 characters",
        ),
        ({"REPAIRBOOK_SLOT_MINUTES": "half an hour"}, "REPAIRBOOK_SLOT_MINUTES: Input should be"),
        ({"REPAIRBOOK_TIMEZONE": "Mars/Olympus"}, "REPAIRBOOK_TIMEZONE: unknown time zone"),
    ],
)
def test_bad_configuration_is_one_clear_line(
    tmp_path: Path, environment: dict[str, str], expected: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPAIRBOOK_")}
    env |= {"REPAIRBOOK_DATA_DIR": str(tmp_path), "COLUMNS": "80", **environment}
    result = subprocess.run(
        [sys.executable, "-m", "repairbook", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("error: ")
    assert expected in result.stderr
    assert not (tmp_path / "postgres").exists()  # refused before starting anything


def test_serve_refuses_a_database_that_is_not_migrated(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPAIRBOOK_")}
    env["REPAIRBOOK_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run(
        [sys.executable, "-m", "repairbook", "worker"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "error: the database is at migration none" in result.stderr
    assert "run `repairbook migrate` first" in result.stderr


def test_production_never_starts_embedded_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "REDIS_URL", "SMTP_HOST"):
        monkeypatch.delenv(f"REPAIRBOOK_{name}", raising=False)
    monkeypatch.setenv("REPAIRBOOK_ENV", "production")
    monkeypatch.setenv("REPAIRBOOK_SECRET_KEY", "k" * 40)
    result = runner.invoke(app, ["worker"])
    assert result.exit_code == 2
    assert "REPAIRBOOK_DATABASE_URL" in result.output
    assert "REPAIRBOOK_SMTP_HOST" in result.output
