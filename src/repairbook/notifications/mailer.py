"""One SMTP connection for a batch of messages (aiosmtplib), and what a failure means:
a 5xx answer will not change by retrying; a 4xx, a refused or dropped connection will.

Internationalised addresses: the domain always travels as IDNA punycode (`пример.рф` is
`xn--e1afmkfd.xn--p1ai`), so an ASCII local part needs nothing from the server; a non-ASCII
local part needs the server's SMTPUTF8 (RFC 6531) and fails at once without it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from email.message import Message
from email.policy import compat32
from email.utils import parseaddr

import aiosmtplib

from repairbook.config import Settings

# Folded only past RFC 5322's hard limit of 998: a long List-Unsubscribe URL stays whole.
WIRE = compat32.clone(linesep="\r\n", max_line_length=998)


class Undeliverable(Exception):
    """Retrying will not help (a permanent refusal, a bad address or template)."""


class TryLater(Exception):
    """The server or the network may well take it later."""


@dataclass(frozen=True, slots=True)
class Address:
    """A recipient as the envelope and the To header carry it."""

    mailbox: str  # local@ascii-domain
    smtputf8: bool  # the local part is not ASCII: only a server offering SMTPUTF8 takes it

    @property
    def header(self) -> str:
        """The To header's value. Under SMTPUTF8 it is raw UTF-8 (RFC 6532); the email
        package's compat32 writes a str's surrogate-escaped bytes back as they were."""
        if not self.smtputf8:
            return self.mailbox
        return self.mailbox.encode("utf-8").decode("ascii", "surrogateescape")


def address(recipient: str) -> Address:
    """Undeliverable when no server could take it (no domain, a domain IDNA cannot write)."""
    _, parsed = parseaddr(recipient)
    local, at, domain = parsed.rpartition("@")
    if not (local and at and "." in domain):
        raise Undeliverable("no usable email address")
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError as error:
        raise Undeliverable(f"the address's domain cannot be written in IDNA: {error}") from error
    return Address(f"{local}@{ascii_domain}", not local.isascii())


class Mailer:
    def __init__(self, smtp: aiosmtplib.SMTP) -> None:
        self._smtp = smtp

    async def send(self, message: Message, to: Address) -> None:
        data = message.as_bytes(policy=WIRE)
        sender = parseaddr(message["From"])[1]
        options = ["SMTPUTF8"] if to.smtputf8 else []
        try:
            await self._smtp.sendmail(sender, [to.mailbox], data, mail_options=options)
        except aiosmtplib.SMTPNotSupported as error:
            raise Undeliverable(
                "the address's local part is not ASCII and the server does not offer SMTPUTF8"
            ) from error
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
