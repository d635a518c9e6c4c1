"""What catalog edits record on the unit of work when they change every slot of a day or of
a receptionist; handed on only once the transaction commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from repairbook.db import Event


@dataclass(frozen=True, slots=True)
class DayClosed(Event):
    day: date
    closed: bool


@dataclass(frozen=True, slots=True)
class ReceptionistActivity(Event):
    receptionist_id: int
    active: bool
