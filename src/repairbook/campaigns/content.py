"""A campaign's text: Markdown as the manager writes it, HTML that is safe to send.

Raw HTML in the Markdown is not passed through (markdown-it's "html" option is off, so it
shows as text), and the result is sanitised by nh3 to a short list of tags anyway: a script,
an event handler or a javascript: link cannot reach a client's inbox.
"""

from __future__ import annotations

from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt

from repairbook.errors import InvalidInput
from repairbook.validation import clean_text

MAX_SUBJECT = 200
MAX_TEXT = 20_000
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h1", "h2", "h3", "h4",
         "blockquote", "code", "pre", "hr"}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}}


@dataclass(frozen=True, slots=True)
class Content:
    subject: str
    text: str  # the Markdown, which is also the plain-text part
    html: str


def content(subject: str, text: str) -> Content:
    clean_subject = clean_text(subject, "subject", MAX_SUBJECT)
    body = text.strip()
    if not body:
        raise InvalidInput("Write the campaign's text", field="text")
    if len(body) > MAX_TEXT:
        raise InvalidInput(f"At most {MAX_TEXT:,} characters", field="text")
    html = nh3.clean(
        _MARKDOWN.render(body),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    return Content(clean_subject, body, html)
