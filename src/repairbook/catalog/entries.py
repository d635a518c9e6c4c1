"""What a manager enters for each kind of catalog entry: plain values, checked by the
service. An update replaces the whole entry, as an edit form sends it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from repairbook.models.catalog import RepairKind


@dataclass(frozen=True, slots=True)
class LaborRateEntry:
    name: str
    price_per_hour: Decimal


@dataclass(frozen=True, slots=True)
class OilEntry:
    brand: str
    viscosity: str
    price_per_litre: Decimal


@dataclass(frozen=True, slots=True)
class EngineEntry:
    code: str
    displacement_l: Decimal
    oil_id: int
    oil_volume_l: Decimal


@dataclass(frozen=True, slots=True)
class CarModelEntry:
    name: str
    image_url: str
    price_coefficient: Decimal
    engine_id: int
    active: bool = True


@dataclass(frozen=True, slots=True)
class ConsumableEntry:
    name: str
    price: Decimal
    car_model_ids: Sequence[int] = ()
    active: bool = True


@dataclass(frozen=True, slots=True)
class PartQuantity:
    consumable_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class RepairTypeEntry:
    name: str
    kind: RepairKind
    labor_hours: Decimal
    labor_rate_id: int
    includes_oil_change: bool = False
    car_model_id: int | None = None  # None: the repair applies to every model
    parts: Sequence[PartQuantity] = ()
    active: bool = True


@dataclass(frozen=True, slots=True)
class ReceptionistEntry:
    last_name: str
    first_name: str
    patronymic: str | None = None
    active: bool = True
