"""The unsubscribe link's page: in the reader's language only, and (see below) a page with
a button rather than an unsubscribe on mere opening."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from repairbook.accounts.tokens import issue_unsubscribe_token
from repairbook.models.accounts import User
from tests.helpers import Api


class Visible(HTMLParser):
    """The text a reader sees (no tags, no style or title)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = Visible()
    parser.feed(html)
    return " ".join(parser.parts)


async def test_the_russian_error_page_has_no_english_in_it(api: Api) -> None:
    for token in ("", "not a token", "eyJhbGciOiJIUzI1NiJ9.e30.x"):
        page = await api.http.get(
            "/unsubscribe", params={"token": token}, headers={"accept-language": "ru-RU"}
        )
        assert page.status_code == 400
        text = visible(page.text)
        assert "Ссылка не работает" in text
        assert re.findall("[A-Za-z]+", text) == [], text


async def consent(api: Api, user_id: int) -> bool:
    async with api.resources.sessions() as db:
        return bool(await db.scalar(select(User.marketing_opt_in).where(User.id == user_id)))


@pytest.mark.parametrize(
    ("locale", "question", "button", "done"),
    [
        ("ru", "Отписаться от рассылки?", "Отписаться", "Вы отписались"),
        ("en", "Unsubscribe from news and offers?", "Unsubscribe", "You are unsubscribed"),
    ],
)
async def test_opening_the_link_asks_and_only_the_button_unsubscribes(
    api: Api, locale: str, question: str, button: str, done: str
) -> None:
    """Mail scanners open links (GET, HEAD): that must not end anyone's consent."""
    person = await api.person(marketingOptIn=True, locale=locale)
    user = int(person.id)
    secret = api.resources.settings.secret_key.get_secret_value()
    token = issue_unsubscribe_token(user, secret=secret, now=api.now(), ttl=timedelta(days=1))
    link = f"/unsubscribe?token={token}"
    page = await api.http.get(link)
    assert page.status_code == 200
    assert question in visible(page.text)
    assert await consent(api, user)
    assert (await api.http.head(link)).status_code == 200
    assert await consent(api, user)
    form = re.search(r'<form method="post" action="([^"]+)">', page.text)
    assert form is not None
    assert f">{button}</button>" in page.text
    assert "form-action 'self'" in page.headers["content-security-policy"]
    action = "/unsubscribe" + unescape(form.group(1))
    pressed = await api.http.post(
        action,
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert pressed.status_code == 200
    assert done in visible(pressed.text)
    assert not await consent(api, user)
