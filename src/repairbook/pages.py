"""The few plain pages the server answers outside GraphQL: unsubscribing from campaigns.

`GET /unsubscribe?token=…` is the link in every campaign email. Opening it changes
nothing (mail security scanners open links, and HEAD is a GET): it shows a short page in the
client's language with a button that POSTs to the same URL. A `POST` there — that button, or
RFC 8058's one-click unsubscribe that mail programs send (body `List-Unsubscribe=One-Click`)
— ends the client's consent and answers with a page saying so.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from repairbook.campaigns import service as campaigns
from repairbook.db import unit_of_work
from repairbook.errors import InvalidInput
from repairbook.resources import Resources

_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'"
_TEXTS = {
    "ru": {
        "ask": ("Отписаться от рассылки?", "Нажмите кнопку, и мы больше не будем присылать вам "
                "новости и предложения. Письма о ваших записях по-прежнему будут приходить."),
        "button": ("Отписаться", ""),
        "done": ("Вы отписались", "Мы больше не будем присылать вам новости и предложения. "
                 "Письма о ваших записях по-прежнему будут приходить. Подписаться снова можно "
                 "в профиле."),
        # The reason is the error's English message: not shown in a Russian page.
        "bad": ("Ссылка не работает", "Эта ссылка для отписки недействительна или устарела. "
                "Отписаться можно в профиле."),
    },
    "en": {
        "ask": ("Unsubscribe from news and offers?", "Press the button and we will not send you "
                "news and offers any more. Emails about your bookings will still arrive."),
        "button": ("Unsubscribe", ""),
        "done": ("You are unsubscribed", "We will not send you news and offers any more. Emails "
                 "about your bookings will still arrive. You can subscribe again in your profile."),
        "bad": ("This link does not work", "This unsubscribe link is invalid or has expired: "
                "{reason}. You can unsubscribe in your profile."),
    },
}  # fmt: skip


async def unsubscribe(request: Request) -> Response:
    resources: Resources = request.app.state.resources
    token = request.query_params.get("token", "")
    try:
        async with unit_of_work(resources.database) as db:
            if request.method == "POST":
                user = await campaigns.unsubscribe(db, token, settings=resources.settings)
            else:
                user = await campaigns.unsubscriber(db, token, settings=resources.settings)
    except InvalidInput as error:
        return _page(_language(request), "bad", 400, reason=error.message)
    if request.method == "POST":
        return _page(user.locale, "done", 200)
    return _page(user.locale, "ask", 200, form=f"?{urlencode({'token': token})}")


def _page(
    locale: str, which: str, status: int, *, form: str | None = None, **values: str
) -> Response:
    texts = _TEXTS.get(locale, _TEXTS["ru"])
    title, text = texts[which]
    body = escape(text.format(**values))
    button = ""
    if form is not None:
        label = escape(texts["button"][0])
        button = (
            f'<form method="post" action="{escape(form)}">'
            '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
            f'<button type="submit" style="font-size: 1.1em; padding: 0.5em 1.5em;">{label}'
            "</button></form>"
        )
    html = (
        f'<!doctype html><html lang="{locale}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="robots" content="noindex">'
        f"<title>{escape(title)}</title></head>"
        f'<body style="font-family: sans-serif; max-width: 32em; margin: 3em auto;">'
        f"<h1>{escape(title)}</h1><p>{body}</p>{button}</body></html>"
    )
    return HTMLResponse(html, status, headers={"content-security-policy": _CSP})


def _language(request: Request) -> str:
    """Without a valid token there is no user to ask: the browser's first choice, ru or en."""
    accepted = request.headers.get("accept-language", "").lower()
    return "en" if accepted.startswith("en") else "ru"
