"""The few plain pages the server answers outside GraphQL: unsubscribing from campaigns,
verifying an address, setting a forgotten password.

`GET /unsubscribe?token=…` is the link in every campaign email. Opening it changes
nothing (mail security scanners open links, and HEAD is a GET): it shows a short page in the
client's language with a button that POSTs to the same URL. A `POST` there — that button, or
RFC 8058's one-click unsubscribe that mail programs send (body `List-Unsubscribe=One-Click`)
— ends the client's consent and answers with a page saying so.

`/verify?token=…` and `/reset-password?token=…` are the links in account emails, for people
without a frontend. Mail scanners open links, so GET only shows a page whose button (or
form) POSTs; only the POST verifies or sets the password.
"""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from repairbook.accounts import recovery, verification
from repairbook.accounts.passwords import hasher_for
from repairbook.accounts.ratelimit import LoginThrottle
from repairbook.campaigns import service as campaigns
from repairbook.db import unit_of_work
from repairbook.errors import InvalidInput, LinkRefused
from repairbook.resources import Resources
from repairbook.schema.language import say

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


# Account links: forms post back to this server only; the token never leaves in a Referer.
_FORM_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_ACCOUNT = {
    "ru": {
        "verify": ("Подтверждение адреса", "Нажмите кнопку, чтобы подтвердить адрес почты.",
                   "Подтвердить"),
        "verified": ("Адрес подтверждён", "Спасибо! Теперь можно записываться на обслуживание."),
        "reset": ("Новый пароль", "Придумайте новый пароль: от 8 до 128 символов.",
                  "Сохранить пароль"),
        "was_reset": ("Пароль изменён", "Войдите с новым паролем. Все прежние входы завершены."),
        "bad": ("Ссылка не работает", "{reason}"),
    },
    "en": {
        "verify": ("Confirm your address", "Press the button to confirm your email address.",
                   "Confirm"),
        "verified": ("Address confirmed", "Thank you! You can book visits now."),
        "reset": ("A new password", "Choose a new password: 8 to 128 characters.",
                  "Save the password"),
        "was_reset": ("Password changed", "Sign in with the new password. Every other session "
                      "was signed out."),
        "bad": ("This link does not work", "{reason}"),
    },
}  # fmt: skip
_PASSWORD_LABEL = {"ru": "Новый пароль", "en": "New password"}


async def verify_email(request: Request) -> Response:
    language = _language(request)
    token = request.query_params.get("token", "")
    if request.method == "GET":
        return _form(language, "verify", "/verify", token)
    resources: Resources = request.app.state.resources
    try:
        async with unit_of_work(resources.database) as db:
            user = await verification.verify(
                db, token, settings=resources.settings, now=resources.clock.now()
            )
    except InvalidInput as error:
        return _notice(language, "bad", 400, reason=say(error.message, error.code, language))
    return _notice(user.locale, "verified", 200)


async def reset_password(request: Request) -> Response:
    language = _language(request)
    token = request.query_params.get("token", "")
    resources: Resources = request.app.state.resources
    settings, now = resources.settings, resources.clock.now()
    try:
        if request.method == "GET":
            async with unit_of_work(resources.database) as db:  # reads; nothing changes
                await recovery.check_link(db, token, settings=settings, now=now)
            return _form(language, "reset", "/reset-password", token, password=True)
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        password = form.get("password", [""])[0]
        async with unit_of_work(resources.database) as db:
            user = await recovery.reset(
                db, token, password, address=request.client.host if request.client else "unknown",
                throttle=LoginThrottle(resources.redis, settings), hasher=hasher_for(settings),
                settings=settings, now=now,
            )  # fmt: skip
    except LinkRefused as error:
        return _notice(language, "bad", 400, reason=say(error.message, error.code, language))
    except InvalidInput as error:  # the password breaks a rule: the form again, saying why
        return _form(language, "reset", "/reset-password", token, password=True, error=error)
    return _notice(user.locale, "was_reset", 200)


def _form(
    language: str,
    which: str,
    path: str,
    token: str,
    *,
    password: bool = False,
    error: InvalidInput | None = None,
) -> Response:
    texts = _ACCOUNT.get(language, _ACCOUNT["ru"])
    title, text, button = texts[which]
    action = escape(f"{path}?{urlencode({'token': token})}")
    label = escape(_PASSWORD_LABEL.get(language, _PASSWORD_LABEL["ru"]))
    field = (
        f'<p><label>{label}<br><input type="password" name="password" '
        'autocomplete="new-password" minlength="8" maxlength="128" required></label></p>'
        if password
        else ""
    )
    problem = (
        f'<p role="alert">{escape(say(error.message, error.code, language))}</p>' if error else ""
    )
    body = (
        f'<p>{escape(text)}</p>{problem}<form method="post" action="{action}">{field}'
        f'<p><button type="submit">{escape(button)}</button></p></form>'
    )
    return _html(language, title, body, 400 if error else 200)


def _notice(locale: str, which: str, status: int, **values: str) -> Response:
    title, text = _ACCOUNT.get(locale, _ACCOUNT["ru"])[which][:2]
    return _html(locale, title, f"<p>{escape(text.format(**values))}</p>", status)


def _html(locale: str, title: str, body: str, status: int) -> Response:
    html = (
        f'<!doctype html><html lang="{escape(locale)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="referrer" content="no-referrer"><title>{escape(title)}</title></head>'
        f'<body style="font-family: sans-serif; max-width: 32em; margin: 3em auto;">'
        f"<h1>{escape(title)}</h1>{body}</body></html>"
    )
    headers = {
        "content-security-policy": _FORM_CSP,
        "referrer-policy": "no-referrer",
        "cache-control": "no-store",
    }
    return HTMLResponse(html, status, headers=headers)
