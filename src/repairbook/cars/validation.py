"""Pure checks and normal forms for what identifies a car in Russia."""

from __future__ import annotations

import re
from datetime import date

from repairbook.errors import InvalidInput

VIN_RE = re.compile(r"[A-HJ-NPR-Z0-9]{17}")
# Latin letters that look like the Cyrillic ones used on plates and in СТС series.
_LATIN_TO_CYRILLIC = str.maketrans("ABEKMHOPCTYX", "АВЕКМНОРСТУХ")
_PLATE_LETTERS = "АВЕКМНОРСТУХ"
PLATE_RES = (
    re.compile(rf"[{_PLATE_LETTERS}]\d{{3}}[{_PLATE_LETTERS}]{{2}}\d{{2,3}}"),  # А123ВС77
    re.compile(rf"[{_PLATE_LETTERS}]{{2}}\d{{3}}\d{{2,3}}"),  # taxi: АВ12377
)
STS_RE = re.compile(r"\d{2}(\d{2}|[А-ЯЁ]{2})\d{6}")
MILEAGE_MAX = 2_000_000
OLDEST_SALE = date(1900, 1, 1)


def clean_vin(value: str) -> str:
    vin = "".join(value.split()).upper()
    if not VIN_RE.fullmatch(vin):
        raise InvalidInput(
            "VIN is 17 characters: digits and Latin letters except I, O and Q", field="vin"
        )
    return vin


def _canonical(value: str) -> str:
    return "".join(value.split()).replace("-", "").upper().translate(_LATIN_TO_CYRILLIC)


def clean_plate(value: str) -> str:
    """`а123вс77`, `A123BC 77` and `А 123 ВС 77` are one plate: `А123ВС77` (Cyrillic)."""
    plate = _canonical(value)
    if not any(pattern.fullmatch(plate) for pattern in PLATE_RES):
        raise InvalidInput("Plate looks like А123ВС77 (region of 2 or 3 digits)", field="plate")
    return plate


def plate_fragment(value: str) -> str | None:
    """A search term in the plates' canonical spelling, if it could be part of a plate."""
    fragment = _canonical(value)
    return fragment if re.fullmatch(rf"[{_PLATE_LETTERS}\d]+", fragment) else None


def clean_sts(value: str) -> str:
    """СТС number: `99 99 999999` or `99 АА 999999`, stored as 10 characters."""
    sts = _canonical(value)
    if not STS_RE.fullmatch(sts):
        raise InvalidInput("СТС number looks like 99 99 999999 or 99 АА 999999", field="stsNumber")
    return sts


def check_sold_on(value: date, today: date) -> date:
    if value > today:
        raise InvalidInput("The sale date cannot be in the future", field="soldOn")
    if value < OLDEST_SALE:
        raise InvalidInput("The sale date is too far in the past", field="soldOn")
    return value


def check_mileage(value: int) -> int:
    if not 0 <= value <= MILEAGE_MAX:
        raise InvalidInput(f"Mileage is 0 to {MILEAGE_MAX:,} km", field="mileageKm")
    return value
