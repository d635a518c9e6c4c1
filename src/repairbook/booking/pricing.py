"""Price estimates: plain values in, Decimal lines out. No database, no floats.

labor = hours × rate per hour × model coefficient
parts = Σ part price × quantity (one line per part)
oil   = engine oil volume × price per litre, when the repair includes an oil change
Every line and the total are rounded half-up to 0.01 RUB.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

CENT = Decimal("0.01")


class LineKind(StrEnum):
    LABOR = "LABOR"
    PART = "PART"
    OIL = "OIL"


@dataclass(frozen=True, slots=True)
class PriceLine:
    kind: LineKind
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal

    def as_json(self) -> dict[str, str]:
        return {
            "kind": self.kind.value,
            "description": self.description,
            "quantity": str(self.quantity),
            "unit_price": str(self.unit_price),
            "amount": str(self.amount),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, str]) -> PriceLine:
        return cls(
            kind=LineKind(data["kind"]),
            description=data["description"],
            quantity=Decimal(data["quantity"]),
            unit_price=Decimal(data["unit_price"]),
            amount=Decimal(data["amount"]),
        )


@dataclass(frozen=True, slots=True)
class Estimate:
    lines: tuple[PriceLine, ...]
    total: Decimal


@dataclass(frozen=True, slots=True)
class Part:
    name: str
    price: Decimal
    quantity: int


@dataclass(frozen=True, slots=True)
class OilChange:
    name: str
    volume_l: Decimal
    price_per_litre: Decimal


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def estimate(
    *,
    labor_name: str,
    labor_hours: Decimal,
    rate_per_hour: Decimal,
    coefficient: Decimal,
    parts: Sequence[Part] = (),
    oil: OilChange | None = None,
) -> Estimate:
    lines = [
        PriceLine(
            LineKind.LABOR,
            labor_name,
            labor_hours,
            # Shown per hour for the car's model; the amount is rounded once, from the
            # exact product, so that it never drifts from the formula.
            unit_price=money(rate_per_hour * coefficient),
            amount=money(labor_hours * rate_per_hour * coefficient),
        )
    ]
    lines.extend(
        PriceLine(LineKind.PART, p.name, Decimal(p.quantity), p.price, money(p.price * p.quantity))
        for p in parts
    )
    if oil is not None:
        lines.append(
            PriceLine(
                LineKind.OIL,
                oil.name,
                oil.volume_l,
                oil.price_per_litre,
                money(oil.volume_l * oil.price_per_litre),
            )
        )
    return Estimate(tuple(lines), total_of(lines))


def total_of(lines: Iterable[PriceLine]) -> Decimal:
    return money(sum((line.amount for line in lines), Decimal(0)))
