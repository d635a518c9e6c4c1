"""For the account lifecycle tests: the real worker delivering to a real SMTP server, and
the links read from the messages it delivered."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

from repairbook.config import Settings
from repairbook.worker import run_worker
from tests.notifications.support import Inbox, text_of

VERIFY = "mutation ($t: String!) { verifyEmail(token: $t) }"
RESEND = "mutation { resendVerification }"
REQUEST_RESET = "mutation ($l: String!) { requestPasswordReset(login: $l) }"
RESET = "mutation ($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }"
DELETE = "mutation ($p: String!) { deleteAccount(password: $p) }"
DELETE_USER = "mutation ($id: ID!) { deleteUser(userId: $id) }"
MY_DATA = "query { myData }"
ME = "query { me { id nick email pendingEmail emailVerified firstName } }"
LOGIN = "mutation ($l: String!, $p: String!) { login(login: $l, password: $p) { accessToken } }"
_LINK = re.compile(r"https?://\S+\?token=\S+")


@contextlib.asynccontextmanager
async def worker(settings: Settings) -> AsyncIterator[None]:
    """`repairbook worker`'s loop in this process, delivering to the test's inbox."""
    task = asyncio.create_task(run_worker(settings, max_backoff=0.5))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def mail_to(inbox: Inbox, address: str, count: int = 1) -> list[EmailMessage]:
    """The first `count` messages delivered to `address`, waiting for them."""
    async with asyncio.timeout(15):
        while len(inbox.to(address)) < count:  # noqa: ASYNC110 - filled from aiosmtpd's thread
            await asyncio.sleep(0.02)
    return inbox.to(address)[:count]


def link_in(message: EmailMessage) -> tuple[str, str]:
    """The path and token of the one link in a message's text."""
    [url] = _LINK.findall(text_of(message))
    parts = urlsplit(url)
    [token] = parse_qs(parts.query)["token"]
    return parts.path, token
