from __future__ import annotations

from datetime import date

import pytest

from repairbook.cars import validation as v
from repairbook.errors import InvalidInput


def _field(call: object, *args: object) -> str | None:
    with pytest.raises(InvalidInput) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value.field


def test_vin_is_upper_cased_and_checked() -> None:
    assert v.clean_vin(" xw8zzz61zjg012345 ") == "XW8ZZZ61ZJG012345"
    for bad in [
        "XW8ZZZ61ZJG01234",
        "XW8ZZZ61ZJG0123456",
        "XW8ZZZ61ZJG01234I",
        "XW8ZZZ61ZJG01234O",
        "XW8ZZZ61ZJG01234Q",
        "XW8ZZZ61ZJG01234-",
    ]:
        assert _field(v.clean_vin, bad) == "vin"


def test_plates_in_any_spelling_are_one_plate() -> None:
    canonical = "А123ВС77"
    for spelling in ["а123вс77", "A123BC 77", "А 123 ВС 77", "a123bc77", "A123ВС77"]:
        assert v.clean_plate(spelling) == canonical
    assert v.clean_plate("к777мр199") == "К777МР199"
    assert v.clean_plate("ав12377") == "АВ12377"  # taxi


@pytest.mark.parametrize("plate", ["", "123", "Ж123ВС77", "А123ВС7", "А123ВС7777", "AA123BC77"])
def test_bad_plates(plate: str) -> None:
    assert _field(v.clean_plate, plate) == "plate"


def test_sts_numbers() -> None:
    assert v.clean_sts("99 99 123456") == "9999123456"
    assert v.clean_sts("77 ук 123456") == "77УК123456"
    assert v.clean_sts("77 YK 123456") == "77УК123456"  # Latin look-alikes
    for bad in ["99 99 12345", "99 99 12345Ж", "9A 99 123456", "99 99 1234567", ""]:
        assert _field(v.clean_sts, bad) == "stsNumber"


def test_sale_date_not_in_the_future() -> None:
    today = date(2026, 11, 29)
    assert v.check_sold_on(today, today) == today
    assert _field(v.check_sold_on, date(2026, 11, 30), today) == "soldOn"


def test_mileage_range() -> None:
    assert v.check_mileage(0) == 0
    assert v.check_mileage(2_000_000) == 2_000_000
    assert _field(v.check_mileage, -1) == "mileageKm"
    assert _field(v.check_mileage, 2_000_001) == "mileageKm"


def test_plate_fragment_for_search() -> None:
    assert v.plate_fragment("a123") == "А123"
    assert v.plate_fragment("petrov") is None
