"""What travels between API processes: which slots changed, and how, as compact JSON.

A signal names one slot, every slot of a day (closed or opened), or every slot of a
receptionist (activated or deactivated); each process turns it into the slots as its own
subscribers' boards show them now.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from repairbook.booking.events import SlotChanged
from repairbook.catalog.events import DayClosed, ReceptionistActivity
from repairbook.db import Event

CHANNEL = "repairbook:slots"


class Change(StrEnum):
    BOOKED = "BOOKED"
    CANCELLED = "CANCELLED"
    MOVED_AWAY = "MOVED_AWAY"
    MOVED_HERE = "MOVED_HERE"
    DAY_CLOSED = "DAY_CLOSED"
    DAY_OPENED = "DAY_OPENED"
    RECEPTIONIST_ACTIVATED = "RECEPTIONIST_ACTIVATED"
    RECEPTIONIST_DEACTIVATED = "RECEPTIONIST_DEACTIVATED"


@dataclass(frozen=True, slots=True)
class Signal:
    change: Change
    day: date | None = None  # None: every day (a receptionist's whole column)
    receptionist_id: int | None = None  # None: every receptionist (a whole day)
    starts_at: datetime | None = None  # None: every slot of the day or receptionist
    booking_id: int | None = None  # the booking that changed (bookings, cancellations, moves)
    client_id: int | None = None  # whose it is: their myBookingChanged feeds hear of it


def signals_of(events: Iterable[Event]) -> list[Signal]:
    signals = []
    for event in events:
        if isinstance(event, SlotChanged):
            change = Change(event.change.value)
            signals.append(
                Signal(
                    change,
                    event.day,
                    event.receptionist_id,
                    event.starts_at,
                    event.booking_id,
                    event.client_id,
                )
            )
        elif isinstance(event, DayClosed):
            signals.append(
                Signal(Change.DAY_CLOSED if event.closed else Change.DAY_OPENED, event.day)
            )
        elif isinstance(event, ReceptionistActivity):
            change = (
                Change.RECEPTIONIST_ACTIVATED if event.active else Change.RECEPTIONIST_DEACTIVATED
            )
            signals.append(Signal(change, receptionist_id=event.receptionist_id))
    return signals


def encode(signals: Sequence[Signal], at: datetime) -> str:
    return json.dumps(
        {
            "at": at.isoformat(),
            "signals": [
                [
                    s.change.value,
                    s.day.isoformat() if s.day else None,
                    s.receptionist_id,
                    s.starts_at.isoformat() if s.starts_at else None,
                    s.booking_id,
                    s.client_id,
                ]
                for s in signals
            ],
        }
    )


def decode(raw: str | bytes) -> tuple[datetime, list[Signal]]:
    """The moment of the commit and its signals; ValueError for anything malformed."""
    try:
        message = json.loads(raw)
        signals = [_signal(*fields) for fields in message["signals"]]
        return datetime.fromisoformat(message["at"]), signals
    except (KeyError, TypeError) as error:
        raise ValueError(f"not a slot message: {error}") from error


def _signal(
    change: str,
    day: str | None,
    receptionist: int | None,
    starts_at: str | None,
    booking: int | None = None,  # absent in messages from processes before myBookingChanged
    client: int | None = None,
) -> Signal:
    return Signal(
        Change(change),
        date.fromisoformat(day) if day else None,
        int(receptionist) if receptionist is not None else None,
        datetime.fromisoformat(starts_at) if starts_at else None,
        int(booking) if booking is not None else None,
        int(client) if client is not None else None,
    )
