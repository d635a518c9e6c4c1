"""Verified email: links mailed by the real worker over SMTP, followed once, and needed to
book or get campaigns (staff booking for a client are not held back)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from repairbook.accounts import tokens
from repairbook.clock import FixedClock
from repairbook.config import Settings
from repairbook.models.accounts import Role, User
from repairbook.models.notifications import MessageKind, OutboxMessage
from repairbook.resources import Resources
from tests.api.account_support import ME, RESEND, VERIFY, link_in, mail_to, worker
from tests.api.booking_support import BOOK, book_input
from tests.factories import Catalog
from tests.helpers import Api, Person
from tests.notifications.support import Inbox, text_of

UPDATE = "mutation ($i: ProfileInput!) { updateProfile(input: $i) { email pendingEmail } }"
PREVIEW = "query ($a: CampaignAudienceInput!) { campaignAudiencePreview(audience: $a) }"


async def test_the_link_in_the_registration_mail_verifies_once(
    api: Api, mail_settings: Settings, inbox: Inbox
) -> None:
    async with worker(mail_settings):
        payload = await api.register(verified=False, email="new@example.com")
        [message] = await mail_to(inbox, "new@example.com")
    token = payload["accessToken"]
    assert (await api.ok(ME, token=token))["me"]["emailVerified"] is False
    path, link = link_in(message)
    assert path == "/verify"
    assert "Подтвердите адрес почты" in str(message["Subject"])
    # A mail scanner opening the link changes nothing: GET only shows the button.
    page = await api.http.get(f"/verify?token={link}")
    assert page.status_code == 200
    assert 'method="post"' in page.text
    assert "form-action 'self'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
    assert (await api.ok(ME, token=token))["me"]["emailVerified"] is False
    # The button's POST does.
    done = await api.http.post(f"/verify?token={link}")
    assert done.status_code == 200, done.text
    assert "Адрес подтверждён" in done.text
    assert (await api.ok(ME, token=token))["me"]["emailVerified"] is True
    # Once: the page and the mutation both say it was used.
    again = await api.http.post(f"/verify?token={link}")
    assert again.status_code == 400
    assert "уже использована" in again.text  # in Russian: no Accept-Language
    error = await api.error(VERIFY, {"t": link})
    assert (error["code"], error["field"], error["reason"]) == ("BAD_USER_INPUT", "token", "USED")


async def test_bad_and_expired_links_are_refused_and_change_nothing(
    api: Api, resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = await api.register(verified=False)
    user_id = int(payload["user"]["id"])
    secret = resources.settings.secret_key.get_secret_value()
    now = api.now()
    email = payload["user"]["email"]

    def link(purpose: str = tokens.VERIFY_EMAIL, key: str = secret) -> str:
        hour = timedelta(hours=1)
        return tokens.issue_link_token(user_id, purpose, email, secret=key, now=now, ttl=hour)

    cases = {
        "garbage": ("not-a-token", "INVALID"),
        "forged": (link(key="x" * 40), "INVALID"),
        "another purpose": (link(purpose=tokens.RESET_PASSWORD), "INVALID"),
        "an access token": (
            tokens.issue_access_token(user_id, secret=secret, now=now, ttl=timedelta(hours=1)),
            "INVALID",
        ),
    }
    for name, (token, reason) in cases.items():
        error = await api.error(VERIFY, {"t": token})
        assert (error["code"], error.get("reason")) == ("BAD_USER_INPUT", reason), name
    good = link()
    monkeypatch.setattr(resources, "clock", FixedClock(now + timedelta(hours=1, seconds=1)))
    expired = await api.error(VERIFY, {"t": good})
    assert (expired["field"], expired["reason"]) == ("token", "EXPIRED")
    assert "expired" in expired["message"]
    async with resources.sessions() as db:
        user = await db.get(User, user_id)
        assert user is not None
        assert user.email_verified_at is None


async def test_unverified_clients_cannot_book_but_staff_can_book_for_them(
    api: Api, catalog: Catalog, mail_settings: Settings, inbox: Inbox
) -> None:
    manager = await api.person(role=Role.MANAGER)
    async with worker(mail_settings):
        payload = await api.register(verified=False, email="late@example.com")
        [message] = await mail_to(inbox, "late@example.com")
    token = payload["accessToken"]
    client = Person(payload["user"]["id"], payload["user"]["nick"], token, payload["refreshToken"])
    car = await api.add_car(client, catalog.model_id)
    refused = await api.error(BOOK, book_input(catalog, car, api.at(1, "10:00")), token)
    assert refused["code"] == "EMAIL_NOT_VERIFIED"
    # The manager on the phone with the client books for them all the same ...
    await api.ok(BOOK, book_input(catalog, car, api.at(2, "10:00")), manager.token)
    # ... and once the link is followed the client books too.
    await api.ok(VERIFY, {"t": link_in(message)[1]})
    await api.ok(BOOK, book_input(catalog, car, api.at(3, "10:00")), token)


async def test_a_new_address_takes_over_only_once_verified(
    api: Api, resources: Resources, mail_settings: Settings, inbox: Inbox
) -> None:
    person = await api.person(email="old@example.com", firstName="Анна", patronymic=None)
    async with worker(mail_settings):
        changed = await api.ok(UPDATE, {"i": {"email": "New@Example.com"}}, person.token)
        [notice] = await mail_to(inbox, "old@example.com")
        [message] = await mail_to(inbox, "New@example.com")  # the domain part normalised
    assert changed["updateProfile"] == {
        "email": "old@example.com",
        "pendingEmail": "New@example.com",
    }
    assert "Запрошена смена адреса" in str(notice["Subject"])
    assert "New@example.com" in text_of(notice)
    assert "Подтвердите новый адрес" in str(message["Subject"])
    await api.ok(VERIFY, {"t": link_in(message)[1]})
    me = (await api.ok(ME, token=person.token))["me"]
    assert (me["email"], me["pendingEmail"], me["emailVerified"]) == (
        "New@example.com", None, True
    )  # fmt: skip


async def test_an_unverified_address_is_simply_replaced(api: Api, resources: Resources) -> None:
    payload = await api.register(verified=False, email="typo@exmaple.com")
    token = payload["accessToken"]
    changed = await api.ok(UPDATE, {"i": {"email": "right@example.com"}}, token)
    assert changed["updateProfile"] == {"email": "right@example.com", "pendingEmail": None}
    async with resources.sessions() as db:
        query = select(OutboxMessage.recipient).where(
            OutboxMessage.kind == MessageKind.EMAIL_VERIFICATION
        )
        recipients = (await db.scalars(query.order_by(OutboxMessage.id))).all()
    assert recipients == ["typo@exmaple.com", "right@example.com"]  # no notice to the typo


async def test_resending_is_throttled_and_needs_something_to_verify(
    api: Api, resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    few = resources.settings.model_copy(update={"verification_mails_per_account": 2})
    monkeypatch.setattr(resources, "settings", few)
    token = (await api.register(verified=False))["accessToken"]
    assert (await api.ok(RESEND, token=token))["resendVerification"] is True
    assert (await api.ok(RESEND, token=token))["resendVerification"] is True
    limited = await api.error(RESEND, token=token)
    assert limited["code"] == "RATE_LIMITED"
    assert 0 < limited["retryAfter"] <= 3600
    verified = await api.person()
    assert (await api.error(RESEND, token=verified.token))["code"] == "BAD_USER_INPUT"


async def test_campaigns_reach_only_verified_addresses(api: Api) -> None:
    manager = await api.person(role=Role.MANAGER)
    await api.person(marketingOptIn=True)
    await api.register(verified=False, marketingOptIn=True)
    preview = await api.ok(PREVIEW, {"a": {"allClients": True}}, manager.token)
    assert preview["campaignAudiencePreview"] == 1


async def test_the_pages_speak_english_when_asked_and_refuse_bad_links(api: Api) -> None:
    english = {"accept-language": "en-GB,en;q=0.9"}
    page = await api.http.get("/verify?token=whatever", headers=english)
    assert (page.status_code, "Confirm your address" in page.text) == (200, True)
    assert '<html lang="en">' in page.text
    refused = await api.http.post("/verify?token=whatever", headers=english)
    assert refused.status_code == 400
    assert "This link does not work" in refused.text
    reset = await api.http.get("/reset-password?token=whatever")
    assert reset.status_code == 400
    assert "Ссылка не работает" in reset.text
    assert 'type="password"' not in reset.text
