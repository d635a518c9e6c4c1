"""A real SMTP server on loopback (aiosmtpd) that keeps what it accepts, for the tests."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import icalendar
from aiosmtpd.controller import Controller

from repairbook.embedded import free_port
from repairbook.models.notifications import MessageKind
from repairbook.notifications import outbox


class Inbox:
    """Runs in aiosmtpd's own thread. `answer` replaces the 250 (e.g. "451 Try later");
    `hold_after` holds the next message's DATA reply once that many were accepted, until
    `release` (a sender that disconnects meanwhile never gets its 250: not delivered)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.answer: str | None = None
        self.hold_after: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.answer:
            return self.answer
        if self.hold_after is not None and len(self.messages) >= self.hold_after:
            self.hold_after = None
            self.holding.set()
            while not self.release.is_set():  # noqa: ASYNC110 - set from the test's thread
                await asyncio.sleep(0.01)  # cancelled if the sender goes away
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def start(self) -> Inbox:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
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

    async def wait_for(self, count: int, seconds: float = 10) -> list[EmailMessage]:
        async with asyncio.timeout(seconds):
            while len(self.messages) < count:  # noqa: ASYNC110 - filled from another thread
                await asyncio.sleep(0.02)
        with self._lock:
            return list(self.messages)


@contextmanager
def running_inbox() -> Iterator[Inbox]:
    inbox = Inbox().start()
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
