"""The unsubscribe link's page: in the reader's language only, and (see below) a page with
a button rather than an unsubscribe on mere opening."""

from __future__ import annotations

import re
from html.parser import HTMLParser

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
