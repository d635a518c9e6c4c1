"""What bookings record on the unit of work; handed on only once the transaction commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from repairbook.db import Event


class SlotEvent(StrEnum):
    BOOKED = "BOOKED"
    CANCELLED = "CANCELLED"
    MOVED_AWAY = "MOVED_AWAY"  # a rescheduled booking left this slot
    MOVED_HERE = "MOVED_HERE"  # and took this one


@dataclass(frozen=True, slots=True)
class SlotChanged(Event):
    day: date
    receptionist_id: int
    starts_at: datetime
    change: SlotEvent
    booking_id: int | None = None  # whose booking: for the client's own feed (myBookingChanged)
    client_id: int | None = None
