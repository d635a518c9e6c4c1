"""One SMTP connection for a batch of messages (aiosmtplib), and what a failure means:
a 5xx answer will not change by retrying; a 4xx, a refused or dropped connection will."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.message import Message
from email.policy import compat32
from email.utils import parseaddr

import aiosmtplib

from repairbook.config import Settings

# Folded only past RFC 5322's hard limit of 998: a long List-Unsubscribe URL stays whole.
_WIRE = compat32.clone(linesep="\r\n", max_line_length=998)


class Undeliverable(Exception):
    """Retrying will not help (a permanent refusal, a bad address or template)."""


class TryLater(Exception):
    """The server or the network may well take it later."""


class Mailer:
    def __init__(self, smtp: aiosmtplib.SMTP) -> None:
        self._smtp = smtp

    async def send(self, message: Message) -> None:
        data = message.as_bytes(policy=_WIRE)
        sender, recipient = parseaddr(message["From"])[1], parseaddr(message["To"])[1]
        try:
            await self._smtp.sendmail(sender, [recipient], data)
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = [refusal.code for refusal in error.recipients]
            kind = Undeliverable if codes and min(codes) >= 500 else TryLater
            raise kind(f"recipient refused: {error.recipients[0].message}") from error
        except aiosmtplib.SMTPResponseException as error:
            kind = Undeliverable if error.code >= 500 else TryLater
            raise kind(f"SMTP {error.code}: {error.message}") from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise TryLater(f"SMTP connection: {error}") from error


@asynccontextmanager
async def connect(settings: Settings) -> AsyncIterator[Mailer]:
    """A logged-in connection; TryLater when the server cannot be reached."""
    if not settings.smtp_host:
        raise TryLater("no SMTP server configured (REPAIRBOOK_SMTP_HOST)")
    smtp = aiosmtplib.SMTP(
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        start_tls=settings.smtp_starttls,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        timeout=settings.smtp_timeout_seconds,
    )
    try:
        await smtp.connect()
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
        raise TryLater(f"SMTP connection: {error}") from error
    try:
        yield Mailer(smtp)
    finally:
        try:
            await smtp.quit()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            smtp.close()
