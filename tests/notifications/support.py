"""A real SMTP server on loopback (aiosmtpd) that keeps what it accepts, for the tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import icalendar
from aiosmtpd.controller import Controller

from repairbook.config import Settings
from repairbook.embedded import free_port
from repairbook.models.notifications import MessageKind
from repairbook.notifications import outbox


class Inbox:
    """Runs in aiosmtpd's own thread. `answer` replaces the 250 (e.g. "451 Try later");
    `hold_after`: once that many were accepted, every further DATA reply waits for
    `release` — on every connection, so a sender killed meanwhile is waiting on the server
    everywhere; its unanswered messages are not delivered (aiosmtpd drops a handler whose
    client went away, as RFC 5321 has it: no 250, no delivery)."""

    def __init__(self, *, smtputf8: bool = False) -> None:
        self.port = free_port()
        self.smtputf8 = smtputf8  # offer SMTPUTF8 (RFC 6531), as aiosmtpd does on request
        self.messages: list[EmailMessage] = []
        self.envelopes: list[list[str]] = []  # RCPT TO of each accepted message
        self.raw: list[bytes] = []  # each accepted message as it came
        self.answer: str | None = None
        self.delay = 0.0  # seconds before each reply: a slow server
        self.hold_after: int | None = None
        self.holding = threading.Event()
        self.held = 0  # handlers waiting for `release` right now
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.answer:
            return self.answer
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.hold_after is not None and len(self.messages) >= self.hold_after:
            self.holding.set()
            self.held += 1
            try:
                while not self.release.is_set():  # noqa: ASYNC110 - set from the test's thread
                    await asyncio.sleep(0.01)  # cancelled if the sender goes away
            finally:
                self.held -= 1
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.messages.append(message)
            self.envelopes.append(list(envelope.rcpt_tos))
            self.raw.append(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"

    def start(self) -> Inbox:
        self._controller = Controller(
            self, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=self.smtputf8
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]

    def message_ids(self) -> list[str]:
        with self._lock:
            return [str(m["Message-ID"]) for m in self.messages]

    async def all_waiting(self, seconds: float = 60) -> None:
        """Once holding, wait until nothing moves for a while: every connection the sender
        has open is then waiting for a reply (none is between a 250 and its own records)."""
        async with asyncio.timeout(seconds):
            while not self.holding.is_set():  # noqa: ASYNC110 - set from aiosmtpd's thread
                await asyncio.sleep(0.02)
            state = None
            while state != (state := (self.held, len(self.messages))):  # noqa: ASYNC110
                await asyncio.sleep(0.3)

    async def wait_for(self, count: int, seconds: float = 10) -> list[EmailMessage]:
        async with asyncio.timeout(seconds):
            while len(self.messages) < count:  # noqa: ASYNC110 - filled from another thread
                await asyncio.sleep(0.02)
        with self._lock:
            return list(self.messages)


@contextmanager
def running_inbox(*, smtputf8: bool = False) -> Iterator[Inbox]:
    inbox = Inbox(smtputf8=smtputf8).start()
    try:
        yield inbox
    finally:
        inbox.release.set()
        inbox.stop()


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def calendar_of(message: EmailMessage) -> icalendar.Calendar:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return icalendar.Calendar.from_ical(payload)


def notices(count: int, user_id: int, email: str) -> list[outbox.Mail]:
    return [
        outbox.Mail(
            MessageKind.MAINTENANCE_DUE,
            f"test:{n}",
            user_id,
            email,
            "ru",
            {
                "name": "Иван",
                "car": f"Car {n}",
                "last_visit": None,
                "sold_on": "2020-01-01",
                "due": "2026-01-01",
            },
        )
        for n in range(count)
    ]


@contextlib.contextmanager
def worker_process(
    settings: Settings, tmp_path: Path, **overrides: str
) -> Iterator[subprocess.Popen[bytes]]:
    """`repairbook worker` as its own process, as a deployment runs it (`overrides`:
    more settings, e.g. `REPAIRBOOK_SMTP_TIMEOUT_SECONDS="5"`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPAIRBOOK_")}
    env |= {
        "REPAIRBOOK_DATABASE_URL": str(settings.database_url),
        "REPAIRBOOK_REDIS_URL": str(settings.redis_url),
        "REPAIRBOOK_SMTP_HOST": "127.0.0.1",
        "REPAIRBOOK_SMTP_PORT": str(settings.smtp_port),
        "REPAIRBOOK_MAIL_LEASE_SECONDS": "2",
        "REPAIRBOOK_SMTP_TIMEOUT_SECONDS": "0.5",
        "REPAIRBOOK_MAIL_BATCH_SIZE": "8",
        "REPAIRBOOK_DATA_DIR": str(tmp_path / "data"),
    } | overrides
    with (tmp_path / "worker.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "repairbook", "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
            process.wait(timeout=30)
