"""The price formula against sums done by hand."""

from __future__ import annotations

from decimal import Decimal as D

from repairbook.booking.pricing import LineKind, OilChange, Part, estimate, money


def test_labor_parts_and_oil_add_up() -> None:
    result = estimate(
        labor_name="ТО-2",
        labor_hours=D("2.5"),
        rate_per_hour=D("2500.00"),
        coefficient=D("1.150"),
        parts=[Part("oil filter", D("890.00"), 1), Part("spark plug", D("780.00"), 4)],
        oil=OilChange("Castrol EDGE 5W-30", D("5.20"), D("1250.00")),
    )
    # labor 2.5 × 2500 × 1.15 = 7187.50; parts 890 + 4 × 780 = 4010; oil 5.2 × 1250 = 6500
    assert [(line.kind, line.amount) for line in result.lines] == [
        (LineKind.LABOR, D("7187.50")),
        (LineKind.PART, D("890.00")),
        (LineKind.PART, D("3120.00")),
        (LineKind.OIL, D("6500.00")),
    ]
    assert result.lines[0].unit_price == D("2875.00")  # the hour for this model
    assert result.total == D("17697.50")


def test_halves_round_up_on_each_line() -> None:
    result = estimate(
        labor_name="Диагностика",
        labor_hours=D("1.0"),
        rate_per_hour=D("1000.01"),
        coefficient=D("0.850"),
        parts=[],
        oil=OilChange("oil", D("3.30"), D("750.15")),
    )
    # 1000.01 × 0.85 = 850.0085 → 850.01; 3.3 × 750.15 = 2475.495 → 2475.50
    assert [line.amount for line in result.lines] == [D("850.01"), D("2475.50")]
    assert result.total == D("3325.51")


def test_labor_amount_comes_from_the_exact_product() -> None:
    # 1.5 h × 1999.99 × 1.333 = 3998.980005 → 3998.98, while 1.5 × round(2665.986667) ≠ that
    result = estimate(
        labor_name="x", labor_hours=D("1.5"), rate_per_hour=D("1999.99"), coefficient=D("1.333")
    )
    assert result.lines[0].amount == D("3998.98")
    assert result.lines[0].unit_price == D("2665.99")


def test_no_oil_line_without_an_oil_change() -> None:
    result = estimate(
        labor_name="x", labor_hours=D("1"), rate_per_hour=D("2000"), coefficient=D("1")
    )
    assert [line.kind for line in result.lines] == [LineKind.LABOR]
    assert result.total == D("2000.00")


def test_money_rounds_half_up_not_to_even() -> None:
    assert money(D("0.125")) == D("0.13")
    assert money(D("0.135")) == D("0.14")
    assert money(D("2.675")) == D("2.68")
