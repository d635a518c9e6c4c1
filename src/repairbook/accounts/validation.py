"""Pure checks for account input; each failure names the field at fault."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from repairbook.errors import InvalidInput
from repairbook.models.accounts import Locale
from repairbook.validation import clean_text, optional_text

NICK_RE = re.compile(r"[A-Za-z0-9_.\-]{3,32}")
PASSWORD_MIN, PASSWORD_MAX = 8, 128
NAME_MAX = 64


DELETED_PREFIX = "deleted-"


def clean_nick(nick: str) -> str:
    nick = nick.strip()
    if not NICK_RE.fullmatch(nick):
        raise InvalidInput(
            "Nick must be 3 to 32 characters: Latin letters, digits, '_', '.', '-'",
            field="nick",
        )
    if nick.lower().startswith(DELETED_PREFIX):
        # What deleted accounts are renamed to: a taken one would stop a deletion.
        raise InvalidInput(f"Nicks starting with {DELETED_PREFIX!r} are reserved", field="nick")
    return nick


def clean_email(email: str, field: str = "email") -> str:
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidInput(f"Invalid email address: {error}", field=field) from error
    return str(result.normalized)


def check_password(password: str, *, nick: str, email: str, field: str = "password") -> None:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise InvalidInput(
            f"Password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters", field=field
        )
    lowered = password.casefold()
    if lowered in (nick.casefold(), email.casefold()):
        raise InvalidInput("Password must differ from the nick and the email", field=field)


def clean_name(value: str, field: str) -> str:
    return clean_text(value, field, NAME_MAX)


def clean_patronymic(value: str | None) -> str | None:
    return optional_text(value, "patronymic", NAME_MAX)


def clean_locale(value: str) -> str:
    try:
        return Locale(value.strip().lower()).value
    except ValueError:
        raise InvalidInput("Locale must be 'ru' or 'en'", field="locale") from None
