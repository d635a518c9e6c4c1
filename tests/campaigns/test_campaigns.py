"""Campaigns through the API, delivered to a real SMTP server: who they reach, bad input,
cancelling, progress, and unsubscribing from the link and the one-click header."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from repairbook.accounts.tokens import issue_access_token, issue_unsubscribe_token
from repairbook.campaigns import service
from repairbook.campaigns.tasks import advance_campaigns, send_campaign
from repairbook.db import unit_of_work
from repairbook.models.accounts import Role, User
from repairbook.models.campaigns import Campaign
from repairbook.models.notifications import OutboxMessage
from repairbook.notifications.delivery import Delivery
from repairbook.resources import Resources
from tests.api.booking_support import BOOK, book_input
from tests.factories import Catalog
from tests.helpers import Api, Person
from tests.notifications.support import Inbox, html_of, text_of

CREATE = "mutation ($i: CreateCampaignInput!) { createCampaign(input: $i) { id subject status recipientCount queuedCount sentCount failedCount skippedCount } }"
PREVIEW = "query ($a: CampaignAudienceInput!) { campaignAudiencePreview(audience: $a) }"
CAMPAIGN = "query ($id: ID!) { campaign(id: $id) { id status recipientCount queuedCount sentCount failedCount skippedCount finishedAt } }"
CANCEL = "mutation ($id: ID!) { cancelCampaign(id: $id) { status skippedCount } }"
UNSUBSCRIBE = "mutation ($t: String!) { unsubscribe(token: $t) }"


async def people(api: Api, catalog: Catalog) -> dict[str, Person]:
    """A manager; Rio owners (one with two Rios); a Vesta owner; a client without a car;
    one client who declined campaigns."""
    found = {"manager": await api.person(Role.MANAGER)}
    for name in ("rio", "two_rios", "vesta", "carless", "declined"):
        found[name] = await api.person(marketingOptIn=name != "declined")
    await api.add_car(found["rio"], catalog.model_id)
    await api.add_car(found["two_rios"], catalog.model_id)
    await api.add_car(found["two_rios"], catalog.model_id)
    await api.add_car(found["vesta"], catalog.other_model_id)
    await api.add_car(found["declined"], catalog.model_id)
    await api.add_car(found["manager"], catalog.model_id)  # staff: never in an audience
    return found


async def run(resources: Resources, delivery: Delivery, campaign_id: str) -> None:
    """What the worker does: queue the recipients, deliver, settle the campaign."""
    ctx: dict[str, Any] = {"resources": resources}
    await send_campaign(ctx, int(campaign_id))
    await delivery.deliver_due()
    await advance_campaigns(ctx)


class Tags(HTMLParser):
    """Every element and its attributes, as a mail client would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def local(url: str) -> str:
    """A link from an email, as a path on the test's server."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def email_of(api: Api, person: Person) -> str:
    return str((await api.ok("{ me { email } }", token=person.token))["me"]["email"])


@pytest.mark.parametrize(
    ("audience", "reached"),
    [
        ({"allClients": True}, {"rio", "two_rios", "vesta", "carless"}),
        ({"carModelIds": ["MODEL"]}, {"rio", "two_rios"}),
        ({"userIds": ["vesta", "carless", "declined"]}, {"vesta", "carless"}),
        ({"userIds": ["vesta"], "carModelIds": ["MODEL"]}, {"rio", "two_rios", "vesta"}),
    ],
)
async def test_each_audience_reaches_exactly_the_right_people(
    api: Api,
    catalog: Catalog,
    delivery: Delivery,
    inbox: Inbox,
    audience: dict[str, Any],
    reached: set[str],
) -> None:
    folks = await people(api, catalog)
    named = {
        key: [str(catalog.model_id) if v == "MODEL" else folks[v].id for v in values]
        if isinstance(values, list) else values
        for key, values in audience.items()
    }  # fmt: skip
    manager = folks["manager"].token
    assert (await api.ok(PREVIEW, {"a": named}, manager))["campaignAudiencePreview"] == len(reached)
    text = "**Шиномонтаж** со скидкой 20%"
    created = (
        await api.ok(CREATE, {"i": {"subject": "Скидки", "text": text, "audience": named}}, manager)
    )["createCampaign"]
    assert (created["status"], created["recipientCount"]) == ("SENDING", len(reached))
    await run(api.resources, delivery, created["id"])
    emails = {name: await email_of(api, person) for name, person in folks.items()}
    assert sorted(m["To"] for m in inbox.messages) == sorted(emails[n] for n in reached)
    done = (await api.ok(CAMPAIGN, {"id": created["id"]}, manager))["campaign"]
    assert (done["status"], done["sentCount"], done["failedCount"]) == ("SENT", len(reached), 0)
    assert done["finishedAt"] is not None
    message = inbox.messages[0]
    assert message["Subject"] == "Скидки"
    assert "<strong>Шиномонтаж</strong>" in html_of(message)
    assert "**Шиномонтаж** со скидкой 20%" in text_of(message)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<http://")


async def test_bad_input_is_refused_and_creates_nothing(api: Api, catalog: Catalog) -> None:
    folks = await people(api, catalog)
    manager = folks["manager"]
    good = {"subject": "Скидки", "text": "Текст", "audience": {"allClients": True}}
    cases = [
        ({**good, "subject": "   "}, "subject"),
        ({**good, "text": " \n "}, "text"),
        ({**good, "audience": {}}, "audience"),
        ({**good, "audience": {"userIds": ["999999"]}}, "userIds"),
        ({**good, "audience": {"userIds": [manager.id]}}, "userIds"),  # staff are not clients
        ({**good, "audience": {"carModelIds": ["999999"]}}, "carModelIds"),
        ({**good, "audience": {"userIds": ["x"]}}, "userIds"),
    ]
    for variables, field in cases:
        error = await api.error(CREATE, {"i": variables}, manager.token)
        assert (error["code"], error["field"]) == ("BAD_USER_INPUT", field), (variables, error)
    forbidden = await api.error(CREATE, {"i": good}, folks["rio"].token)
    assert forbidden["code"] == "FORBIDDEN"
    assert await api.count(Campaign) == 0
    assert await api.count(OutboxMessage) == 0


async def test_html_and_script_in_the_text_never_reach_an_inbox(
    api: Api, catalog: Catalog, delivery: Delivery, inbox: Inbox
) -> None:
    folks = await people(api, catalog)
    text = '<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3)) <a href="https://evil.example">hi</a>'
    variables = {
        "i": {"subject": "<b>Hi</b>", "text": text, "audience": {"userIds": [folks["rio"].id]}}
    }
    created = (await api.ok(CREATE, variables, folks["manager"].token))["createCampaign"]
    await run(api.resources, delivery, created["id"])
    html = html_of(inbox.messages[0])
    tags = Tags()
    tags.feed(html)
    assert not {"script", "img", "iframe"} & {tag for tag, _ in tags.found}
    attributes = [(name, value or "") for _, attrs in tags.found for name, value in attrs]
    assert not [name for name, _ in attributes if name.startswith("on")]
    assert not [
        v
        for n, v in attributes
        if n == "href" and not v.startswith(("http://127.0.0.1", "https://"))
    ]
    assert "evil.example" not in " ".join(v for n, v in attributes if n == "href")
    assert "&lt;script&gt;" in html  # shown as text, harmless
    assert inbox.messages[0]["Subject"] == "<b>Hi</b>"  # a subject is plain text anyway


async def test_cancel_stops_what_is_not_sent_yet(
    api: Api, catalog: Catalog, delivery: Delivery, inbox: Inbox
) -> None:
    folks = await people(api, catalog)
    manager = folks["manager"].token
    variables = {"i": {"subject": "Скидки", "text": "Текст", "audience": {"allClients": True}}}
    created = (await api.ok(CREATE, variables, manager))["createCampaign"]
    await send_campaign({"resources": api.resources}, int(created["id"]))
    async with api.resources.sessions() as db:
        first = (await db.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id))).first()
    assert first is not None
    await delivery.deliver_due(only=first)  # one goes out before the manager stops it
    cancelled = (await api.ok(CANCEL, {"id": created["id"]}, manager))["cancelCampaign"]
    assert (cancelled["status"], cancelled["skippedCount"]) == ("CANCELLED", 3)
    await delivery.deliver_due()
    await advance_campaigns({"resources": api.resources})
    assert len(inbox.messages) == 1
    state = (await api.ok(CAMPAIGN, {"id": created["id"]}, manager))["campaign"]
    assert (state["status"], state["sentCount"], state["skippedCount"]) == ("CANCELLED", 1, 3)
    again = await api.error(CANCEL, {"id": created["id"]}, manager)
    assert (again["code"], again["field"]) == ("BAD_USER_INPUT", "id")


async def test_unsubscribe_from_the_link_and_from_the_one_click_header(
    api: Api, catalog: Catalog, delivery: Delivery, inbox: Inbox
) -> None:
    folks = await people(api, catalog)
    await api.ok(
        'mutation { updateProfile(input: {locale: "en"}) { locale } }', token=folks["vesta"].token
    )
    variables = {"i": {"subject": "Скидки", "text": "Текст", "audience": {"allClients": True}}}
    created = (await api.ok(CREATE, variables, folks["manager"].token))["createCampaign"]
    await run(api.resources, delivery, created["id"])
    links = {m["To"]: str(m["List-Unsubscribe"]).strip("<>") for m in inbox.messages}
    rio, vesta = await email_of(api, folks["rio"]), await email_of(api, folks["vesta"])

    opened = await api.http.get(local(links[rio]))  # asks, changes nothing
    assert (opened.status_code, "Отписаться от рассылки?" in opened.text) == (200, True)
    clicked = await api.http.post(local(links[rio]))  # the page's button
    assert clicked.status_code == 200
    assert "Вы отписались" in clicked.text
    one_click = await api.http.post(
        local(links[vesta]),
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert one_click.status_code == 200
    assert "You are unsubscribed" in one_click.text
    async with api.resources.sessions() as db:
        consent = dict((await db.execute(select(User.email, User.marketing_opt_in))).all())
    assert (consent[rio], consent[vesta]) == (False, False)
    preview = await api.ok(PREVIEW, {"a": {"allClients": True}}, folks["manager"].token)
    assert preview["campaignAudiencePreview"] == 2  # two_rios and carless are left
    # Twice is fine; booking mail still reaches them (the outbox has no opt-out for it).
    assert (await api.http.post(local(links[rio]))).status_code == 200


async def test_bad_unsubscribe_tokens_change_nothing(api: Api, catalog: Catalog) -> None:
    folks = await people(api, catalog)
    secret = api.resources.settings.secret_key.get_secret_value()
    user = int(folks["rio"].id)
    expired = issue_unsubscribe_token(
        user, secret=secret, now=api.now() - timedelta(days=400), ttl=timedelta(days=365)
    )
    wrong_purpose = issue_access_token(user, secret=secret, now=api.now(), ttl=timedelta(minutes=5))
    forged = issue_unsubscribe_token(
        user, secret="another secret entirely, 32+ chars", now=api.now(), ttl=timedelta(days=1)
    )
    valid = issue_unsubscribe_token(user, secret=secret, now=api.now(), ttl=timedelta(days=1))
    tampered = valid[:-3] + ("aaa" if not valid.endswith("aaa") else "bbb")
    for token in (expired, wrong_purpose, forged, tampered, "", "not a token"):
        error = await api.error(UNSUBSCRIBE, {"t": token})
        assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "token"), token
        page = await api.http.get(
            "/unsubscribe", params={"token": token}, headers={"accept-language": "en-GB"}
        )
        assert page.status_code == 400
        assert "This link does not work" in page.text
    async with api.resources.sessions() as db:
        assert await db.scalar(select(User.marketing_opt_in).where(User.id == user)) is True
    assert (await api.ok(UNSUBSCRIBE, {"t": valid}))["unsubscribe"] is True


async def test_an_unsubscribed_client_still_gets_booking_mail_but_not_the_rest_of_a_campaign(
    api: Api, catalog: Catalog, delivery: Delivery, inbox: Inbox
) -> None:
    folks = await people(api, catalog)
    variables = {
        "i": {"subject": "Скидки", "text": "Текст", "audience": {"userIds": [folks["rio"].id]}}
    }
    created = (await api.ok(CREATE, variables, folks["manager"].token))["createCampaign"]
    await send_campaign({"resources": api.resources}, int(created["id"]))
    async with api.resources.sessions() as db:
        row = (await db.scalars(select(OutboxMessage))).one()
    token = row.headers["List-Unsubscribe"].split("token=")[1].rstrip(">")
    await api.ok(UNSUBSCRIBE, {"t": token})  # before the worker got to it
    car = (await api.ok("{ me { cars { id } } }", token=folks["rio"].token))["me"]["cars"][0]["id"]
    await api.ok(BOOK, book_input(catalog, car, api.at(2, "10:00")), folks["rio"].token)
    await delivery.deliver_due()
    assert [str(m["Subject"])[:11] for m in inbox.messages] == ["Вы записаны"]
    async with api.resources.sessions() as db:
        assert (
            await db.scalars(
                select(OutboxMessage.status).where(OutboxMessage.campaign_id.is_not(None))
            )
        ).one() == "SKIPPED"


async def test_a_crash_between_batches_resumes_without_repeats_or_gaps(
    api: Api, resources: Resources
) -> None:
    manager = await api.person(Role.MANAGER)
    for _ in range(23):
        await api.person(marketingOptIn=True)
    variables = {"i": {"subject": "S", "text": "T", "audience": {"allClients": True}}}
    created = (await api.ok(CREATE, variables, manager.token))["createCampaign"]
    campaign_id = int(created["id"])

    class Crash(Exception):
        pass

    async def batch(fail: bool) -> bool:
        async with unit_of_work(resources.database) as db:
            more = await service.queue_batch(
                db, campaign_id, settings=resources.settings, now=api.now(), limit=5
            )
            if fail:
                raise Crash
        return more

    assert await batch(False) is True
    with pytest.raises(Crash):
        await batch(True)  # the worker dies: this batch's rows and cursor roll back together
    while await batch(False):
        pass
    async with resources.sessions() as db:
        keys = (await db.scalars(select(OutboxMessage.dedupe_key))).all()
    assert len(keys) == len(set(keys)) == 23


CAMPAIGN_PREVIEW = (
    "query ($s: String!, $t: String!) { campaignPreview(subject: $s, text: $t) { subject html } }"
)


async def test_the_preview_is_the_html_the_email_carries(
    api: Api, catalog: Catalog, delivery: Delivery, inbox: Inbox
) -> None:
    """The web app shows the server's rendering (same Markdown, same sanitiser), never its own."""
    folks = await people(api, catalog)
    manager = folks["manager"].token
    text = "**Скидка** 10%\n\n<script>alert(1)</script> [x](javascript:alert(3))"
    preview = (await api.ok(CAMPAIGN_PREVIEW, {"s": " Акция ", "t": text}, manager))[
        "campaignPreview"
    ]
    assert preview["subject"] == "Акция"
    assert "<strong>Скидка</strong>" in preview["html"]
    tags = Tags()
    tags.feed(preview["html"])
    assert "script" not in {tag for tag, _ in tags.found}
    assert not [v for _, attrs in tags.found for n, v in attrs if n == "href"]  # no link made
    assert "&lt;script&gt;" in preview["html"]  # shown as text
    variables = {
        "i": {"subject": "Акция", "text": text, "audience": {"userIds": [folks["rio"].id]}}
    }
    created = (await api.ok(CREATE, variables, manager))["createCampaign"]
    await run(api.resources, delivery, created["id"])
    assert preview["html"] in html_of(inbox.messages[0])

    empty = await api.error(CAMPAIGN_PREVIEW, {"s": "Акция", "t": "  "}, manager)
    assert (empty["code"], empty["field"]) == ("BAD_USER_INPUT", "text")
    forbidden = await api.error(CAMPAIGN_PREVIEW, {"s": "Акция", "t": text}, folks["rio"].token)
    assert forbidden["code"] == "FORBIDDEN"
