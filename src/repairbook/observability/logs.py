"""Log lines: plain text in development, one JSON object per line in production.

Every line written while a request is handled carries its request id, and once known its
operation name and the signed-in user's id. Nothing here ever reads a token, a password,
an email address or the variables of a request: only what `bind` was given.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# What the current request has told about itself; each task sees its own.
_FIELDS: ContextVar[dict[str, Any] | None] = ContextVar("repairbook_log_fields", default=None)
_RESERVED = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def bind(**fields: Any) -> None:
    """Add fields to every line logged from here on in this request (or job)."""
    current = _FIELDS.get()
    _FIELDS.set({**(current or {}), **{k: v for k, v in fields.items() if v is not None}})


def bound() -> dict[str, Any]:
    return dict(_FIELDS.get() or {})


def reset() -> None:
    _FIELDS.set(None)


class JsonLines(logging.Formatter):
    """`{"time", "level", "logger", "message", ...request fields, ...extra}` per line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(bound())
        line.update({k: v for k, v in record.__dict__.items() if k not in _RESERVED})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class WithRequest(logging.Formatter):
    """The plain development format, with the request's fields appended when there are any."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = bound()
        if fields:
            text += " [" + " ".join(f"{k}={v}" for k, v in fields.items()) + "]"
        return text


class _Ours(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler `configure` installs, told apart from anyone else's."""


def configure(*, production: bool, level: int = logging.INFO) -> None:
    """Log to stderr, JSON lines in production (each command and each `serve` worker
    process calls it once). Like logging.basicConfig, it leaves a root logger that someone
    else set up alone (pytest)."""
    if production:
        # One line per GraphQL operation says more than uvicorn's access line.
        logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Ours)]:
        root.removeHandler(old)
    if root.handlers:
        return
    handler = _Ours()
    if production:
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(WithRequest("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
