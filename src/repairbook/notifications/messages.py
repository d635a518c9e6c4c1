"""Turning an outbox row into an email: subject, plain text, HTML and calendar files.

Templates are Jinja2 files in `templates/`, one pair per kind and language:
`<kind>.<locale>.txt` (its first line is the subject) and `<kind>.<locale>.html` (HTML is
autoescaped). Calendar files are built with `icalendar`: one stable UID per booking, a
higher SEQUENCE for every later change, METHOD:CANCEL for a cancellation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email import policy
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, parseaddr
from functools import cached_property
from pathlib import Path

import icalendar
from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from repairbook.config import Settings
from repairbook.models.campaigns import Campaign
from repairbook.models.notifications import MessageKind, OutboxMessage

TEMPLATES = Path(__file__).parent / "templates"
LOCALES = ("ru", "en")
# Dates as Babel (CLDR) writes them, so that they fit any sentence: «на 4 декабря, пятница»,
# «с 4 декабря, пятница», never «на пятница».
_VISIT_DAY = {"ru": "d MMMM, EEEE", "en": "EEEE, d MMMM"}
_PAST_DAY = "d MMMM y"
# Folds and encodes headers as RFC 5322 and 2047 ask: lines of at most 78 characters,
# encoded words of at most 75. (The email package lets an encoded word take a whole
# continuation line but its leading space: 76 at 78. At 76 words stay within 75.)
_HEADERS = policy.SMTP.clone(max_line_length=76)
_CALENDAR = {
    MessageKind.BOOKING_CONFIRMED: "REQUEST",
    MessageKind.BOOKING_MOVED: "REQUEST",
    MessageKind.BOOKING_CANCELLED: "CANCEL",
}


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str
    attachments: list[dict[str, str]]


class Renderer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def _env(self) -> Environment:
        env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,  # a missing value is a template error, not a blank
            keep_trailing_newline=True,
        )
        env.filters["when"] = self._when
        env.filters["day"] = self._day
        env.filters["soon"] = self._soon
        env.filters["passed"] = _passed
        return env

    def render(
        self, row: OutboxMessage, campaign: Campaign | None = None, *, now: datetime | None = None
    ) -> Rendered:
        """Raises a jinja2 error for a broken template or missing data. A campaign message
        takes its subject and text from its campaign (`c` in the templates). `now`: the
        moment of sending, which «сегодня»/«завтра» is counted from."""
        locale = row.locale if row.locale in LOCALES else "ru"
        name = row.kind.value.lower()
        context = {
            "d": row.data,
            "c": campaign,
            "shop": self.settings,
            "locale": locale,
            "now": now or datetime.now(UTC),
        }
        text = self._env.get_template(f"{name}.{locale}.txt").render(context)
        subject, _, body = text.partition("\n")
        html = self._env.get_template(f"{name}.{locale}.html").render(context)
        attachments = []
        if method := _CALENDAR.get(row.kind):
            attachments.append(self._calendar(row, method))
        return Rendered(subject.strip(), body.lstrip("\n"), html, attachments)

    def email(
        self, row: OutboxMessage, rendered: Rendered, *, now: datetime, to: str | None = None
    ) -> Message:
        """Text and HTML as alternatives, calendar files attached. Built with `email.mime`
        (the compat32 policy): a quarter of the cost of EmailMessage, which parses and
        refolds every header, and that was most of a campaign's sending time."""
        body = MIMEMultipart("alternative")
        body.attach(MIMEText(rendered.text, "plain", "utf-8"))
        body.attach(MIMEText(rendered.html, "html", "utf-8"))
        message: Message = body
        if rendered.attachments:
            message = MIMEMultipart("mixed")
            message.attach(body)
            for attachment in rendered.attachments:
                _, _, subtype = attachment["content_type"].partition("/")
                part = MIMEText(attachment["content"], subtype, "utf-8")
                part.set_param("method", attachment["method"])
                part.add_header(
                    "Content-Disposition", "attachment", filename=attachment["filename"]
                )
                message.attach(part)
        message["From"] = _folded("From", self.settings.mail_from)
        message["To"] = to or row.recipient
        message["Subject"] = _folded("Subject", rendered.subject)
        message["Date"] = format_datetime(now)
        message["Message-ID"] = message_id(row, self.settings)
        for header, value in row.headers.items():
            message[header] = value
        return message

    def _calendar(self, row: OutboxMessage, method: str) -> dict[str, str]:
        d = row.data
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//repairbook//booking//RU")
        calendar.add("version", "2.0")
        calendar.add("method", method)
        event = icalendar.Event()
        event.add("uid", f"booking-{d['booking_id']}@{mail_domain(self.settings)}")
        event.add("sequence", d["sequence"])
        event.add("dtstamp", datetime.now(UTC))
        event.add("dtstart", datetime.fromisoformat(d["starts_at"]).astimezone(UTC))
        event.add("dtend", datetime.fromisoformat(d["ends_at"]).astimezone(UTC))
        event.add("summary", f"{self.settings.shop_name}: {d['repair']}")
        event.add("location", self.settings.shop_address)
        event.add("description", f"{d['car']}; {d['receptionist']}")
        event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
        event.add("organizer", f"mailto:{parseaddr(self.settings.mail_from)[1]}")
        event.add("attendee", f"mailto:{row.recipient}")
        calendar.add_component(event)
        return {
            "filename": "cancel.ics" if method == "CANCEL" else "visit.ics",
            "content_type": "text/calendar",
            "method": method,
            "content": calendar.to_ical().decode(),
        }

    def _when(self, value: str, locale: str) -> str:
        """A visit as the shop's clock shows it: '4 декабря, пятница, 10:00'."""
        moment = datetime.fromisoformat(value).astimezone(self.settings.zone)
        return f"{format_date(moment.date(), _VISIT_DAY[locale], locale=locale)}, {moment:%H:%M}"

    def _soon(self, value: str, locale: str, now: datetime) -> str:
        """A visit counted from `now`: 'сегодня в 10:00', 'завтра в 10:00', or its date."""
        moment = datetime.fromisoformat(value).astimezone(self.settings.zone)
        days = (moment.date() - now.astimezone(self.settings.zone).date()).days
        at = "в" if locale == "ru" else "at"
        words = {"ru": ("сегодня", "завтра"), "en": ("today", "tomorrow")}[locale]
        day = (
            words[days]
            if days in (0, 1)
            else format_date(moment.date(), _VISIT_DAY[locale], locale=locale) + ","
        )
        return f"{day} {at} {moment:%H:%M}"

    @staticmethod
    def _day(value: str, locale: str) -> str:
        """A past date: '4 декабря 2025'."""
        return str(format_date(date.fromisoformat(value), _PAST_DAY, locale=locale))


def _passed(since: str, until: str, locale: str) -> str:
    """How long ago, as a sentence starts: «Прошёл год», «Прошло 3 года», «Прошло 5 лет»,
    «Прошёл 21 год»; 'it has been a year', 'it has been 3 years' (after 'Hello …,')."""
    years = date.fromisoformat(until).year - date.fromisoformat(since).year
    if locale == "en":
        return "it has been a year" if years == 1 else f"it has been {years} years"
    if years == 1:
        return "Прошёл год"
    if years % 10 == 1 and years % 100 != 11:
        return f"Прошёл {years} год"
    if years % 10 in (2, 3, 4) and years % 100 not in (12, 13, 14):
        return f"Прошло {years} года"
    return f"Прошло {years} лет"


def _folded(name: str, value: str) -> str:
    """A header's value folded by the email package's SMTP policy; the compat32 messages
    built here write such an (ASCII) value as it is."""
    folded: str = _HEADERS.fold(name, value)
    return folded.removeprefix(f"{name}: ").removesuffix("\r\n")


def mail_domain(settings: Settings) -> str:
    address = parseaddr(settings.mail_from)[1]
    return address.rpartition("@")[2] or "repairbook.local"


def message_id(row: OutboxMessage, settings: Settings) -> str:
    """The same for every attempt at this row, so a receiver can tell a repeat."""
    return f"<outbox.{row.id}@{mail_domain(settings)}>"


def retry_delay(attempts: int, settings: Settings) -> timedelta:
    return timedelta(seconds=min(settings.mail_retry_seconds * 2 ** (attempts - 1), 3600))
