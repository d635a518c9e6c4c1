"""A forgotten password: the link from the mail the real worker delivered sets a new one,
once, for 30 minutes; asking never tells whether an account exists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from repairbook.clock import FixedClock
from repairbook.config import Settings
from repairbook.models.notifications import MessageKind, OutboxMessage
from repairbook.resources import Resources
from tests.api.account_support import LOGIN, ME, REQUEST_RESET, RESET, link_in, mail_to, worker
from tests.helpers import PASSWORD, Api
from tests.notifications.support import Inbox, text_of

REFRESH = "mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }"
NEW = "a brand new passphrase"


async def reset_mails(resources: Resources) -> int:
    async with resources.sessions() as db:
        query = select(func.count()).where(OutboxMessage.kind == MessageKind.PASSWORD_RESET)
        return int(await db.scalar(query) or 0)


async def test_the_mailed_link_sets_a_new_password_once_and_signs_out_everywhere(
    api: Api, mail_settings: Settings, inbox: Inbox
) -> None:
    person = await api.person(email="forgot@example.com")
    async with worker(mail_settings):
        for login in ["forgot@example.com", "nobody@example.com", "no-such-nick"]:
            # The same answer whether or not there is such an account.
            assert (await api.ok(REQUEST_RESET, {"l": login}))["requestPasswordReset"] is True
        [message] = await mail_to(inbox, "forgot@example.com")
        path, token = link_in(message)
        assert path == "/reset-password"
        assert "30 минут" in text_of(message)
        # The page: a form that POSTs; opening it changes nothing.
        page = await api.http.get(f"/reset-password?token={token}")
        assert page.status_code == 200
        assert 'type="password"' in page.text
        assert "form-action 'self'" in page.headers["content-security-policy"]
        # A password that breaks a rule shows the form again and keeps the link alive.
        short = await api.http.post(
            f"/reset-password?token={token}",
            content="password=short",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert short.status_code == 400
        assert 'type="password"' in short.text
        await api.ok(LOGIN, {"l": person.nick, "p": PASSWORD})
        done = await api.http.post(
            f"/reset-password?token={token}",
            content=f"password={NEW.replace(' ', '+')}",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert done.status_code == 200, done.text
        [_, changed] = await mail_to(inbox, "forgot@example.com", 2)
    assert "Пароль изменён" in str(changed["Subject"])
    assert len(inbox.messages) == 2  # nothing went to the addresses without an account
    # Every session is over (the refresh token), the old password too; the new one works.
    assert (await api.error(REFRESH, {"t": person.refresh_token}))["code"] == "UNAUTHENTICATED"
    assert (await api.error(LOGIN, {"l": person.nick, "p": PASSWORD}))["code"] == (
        "UNAUTHENTICATED"
    )
    await api.ok(LOGIN, {"l": person.nick, "p": NEW})
    # Once: used links are refused by the page and by the mutation alike.
    again = await api.http.get(f"/reset-password?token={token}")
    assert again.status_code == 400
    assert "уже использована" in again.text  # in Russian: no Accept-Language
    error = await api.error(RESET, {"t": token, "p": "yet another passphrase"})
    assert (error["code"], error["field"], error["reason"]) == ("BAD_USER_INPUT", "token", "USED")
    await api.ok(LOGIN, {"l": person.nick, "p": NEW})


async def test_a_reset_link_dies_after_30_minutes_and_with_any_newer_password(
    api: Api, resources: Resources, mail_settings: Settings, inbox: Inbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    person = await api.person(email="late@example.com")
    async with worker(mail_settings):
        await api.ok(REQUEST_RESET, {"l": person.nick})
        await api.ok(REQUEST_RESET, {"l": person.nick})
        [first, second] = await mail_to(inbox, "late@example.com", 2)
    first_token, second_token = link_in(first)[1], link_in(second)[1]
    clock = FixedClock(api.now() + timedelta(minutes=30, seconds=1))
    monkeypatch.setattr(resources, "clock", clock)
    expired = await api.error(RESET, {"t": first_token, "p": NEW})
    assert (expired["field"], expired["reason"]) == ("token", "EXPIRED")
    clock.advance(timedelta(minutes=-2))  # both still good: the second one is used ...
    await api.ok(RESET, {"t": second_token, "p": NEW})
    # ... and the first, sent for the password that is gone, is dead with it.
    used = await api.error(RESET, {"t": first_token, "p": "yet another passphrase"})
    assert used["reason"] == "USED"
    await api.ok(
        ME, token=(await api.ok(LOGIN, {"l": person.nick, "p": NEW}))["login"]["accessToken"]
    )


async def test_asking_is_throttled_per_account_silently_and_per_address_openly(
    api: Api, resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    few = resources.settings.model_copy(
        update={"password_resets_per_account": 2, "password_resets_per_address": 4}
    )
    monkeypatch.setattr(resources, "settings", few)
    person = await api.person()
    for _ in range(3):
        assert (await api.ok(REQUEST_RESET, {"l": person.nick}))["requestPasswordReset"] is True
    assert await reset_mails(resources) == 2  # the third was answered alike, and not sent
    await api.ok(REQUEST_RESET, {"l": "nobody"})
    limited = await api.error(REQUEST_RESET, {"l": "nobody-else"})
    assert limited["code"] == "RATE_LIMITED"
    assert 0 < limited["retryAfter"] <= 3600
