"""Loads the demo catalog. Idempotent: what exists (by its natural key) is left as it is,
so running it twice changes nothing and never overwrites a manager's edits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from repairbook.catalog import demo_data as demo
from repairbook.models.base import Base
from repairbook.models.catalog import (
    CarModel,
    Consumable,
    Engine,
    LaborRate,
    Oil,
    Receptionist,
    RepairKind,
    RepairType,
    RepairTypePart,
    WorkException,
    WorkPlanDay,
)

M = TypeVar("M", bound=Base)
Step = Callable[[str], None]


class _Loader:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db
        self.created: Counter[str] = Counter()

    async def ensure(self, entity: type[M], key: dict[str, Any], **values: Any) -> M:
        """The row with these key columns, created with `values` if it is not there."""
        query = select(entity).filter_by(**key)
        if entity is Consumable:
            query = query.options(selectinload(Consumable.car_models))
        found = (await self.db.scalars(query)).first()
        if found is not None:
            return found
        row = entity(**key, **values)
        self.db.add(row)
        await self.db.flush()
        self.created[entity.__tablename__] += 1
        return row


async def is_empty(db: AsyncSession) -> bool:
    return (await db.scalar(select(CarModel.id).limit(1))) is None


async def load_demo_catalog(
    db: AsyncSession, step: Step = lambda _: None, *, today: date | None = None
) -> Counter[str]:
    """Returns how many rows of each table were created. `today` (the shop's) anchors the
    demo rota: 2/2 shifts and next week's holiday."""
    load = _Loader(db)
    step("labor rates and oils")
    rates = {
        key: await load.ensure(LaborRate, {"name": name}, price_per_hour=price)
        for key, (name, price) in demo.LABOR_RATES.items()
    }
    oils = {
        key: await load.ensure(Oil, {"brand": brand, "viscosity": visc}, price_per_litre=price)
        for key, (brand, visc, price) in demo.OILS.items()
    }
    brake_fluid = await load.ensure(
        Consumable, {"name": demo.BRAKE_FLUID[0]}, price=demo.BRAKE_FLUID[1], car_models=[]
    )
    for spec in demo.MODELS:
        step(spec.name)
        model = await _model(load, spec, oils[spec.oil])
        if model not in brake_fluid.car_models:
            brake_fluid.car_models.append(model)
        parts = [
            await load.ensure(Consumable, {"name": f"{name} — {spec.name}"}, price=price,
                              car_models=[model])
            for name, price in zip((*demo.FILTER_NAMES, demo.SPARK_PLUG), spec.filters, strict=True)
        ]  # fmt: skip
        for name, kind, rate, hours, uses, oil_change, fluid in demo.REPAIR_TYPES:
            wanted = [(parts[i], qty) for i, qty in uses.items()]
            if fluid:
                wanted.append((brake_fluid, 1))
            await load.ensure(
                RepairType,
                {"name": name, "car_model_id": model.id},
                kind=RepairKind(kind),
                labor_hours=hours,
                labor_rate=rates[rate],
                includes_oil_change=oil_change,
                parts=[RepairTypePart(consumable=c, quantity=q) for c, q in wanted],
            )
    step("repair types for every model and receptionists")
    for name, kind, rate, hours in demo.UNIVERSAL_REPAIR_TYPES:
        await load.ensure(
            RepairType, {"name": name, "car_model_id": None},
            kind=RepairKind(kind), labor_hours=hours, labor_rate=rates[rate], parts=[],
        )  # fmt: skip
    people = {}
    for last, first, patronymic in demo.RECEPTIONISTS:
        people[last] = await load.ensure(
            Receptionist, {"last_name": last, "first_name": first, "patronymic": patronymic}
        )
    await _rota(load, people, today or date.today())
    await db.flush()
    return load.created


async def _rota(load: _Loader, people: dict[str, Receptionist], today: date) -> None:
    """Plans and the 2/2 rotation for receptionists without a plan yet (a plan staff
    set is never touched)."""
    planned = set(await load.db.scalars(select(WorkPlanDay.receptionist_id).distinct()))
    opens, closes = (time.fromisoformat(t) for t in demo.SHIFT_HOURS)
    monday = today + timedelta(days=7 - today.weekday())
    holiday = {monday + timedelta(days=n) for n in range(7)}
    mates = {
        last: next(o for o, s, *_ in demo.SHIFTS if s == shift and o != last)
        for last, shift, *_ in demo.SHIFTS
    }
    for last, shift, lunch_from, lunch_to in demo.SHIFTS:
        person = people[last]
        if person.id in planned:
            continue
        for weekday in range(1, 8):
            load.db.add(
                WorkPlanDay(
                    receptionist_id=person.id, weekday=weekday, starts_at=opens,
                    ends_at=closes, breaks=[[lunch_from, lunch_to]],
                )
            )  # fmt: skip
            load.created[WorkPlanDay.__tablename__] += 1
        for n in range(demo.DEMO_ROTA_DAYS):
            day = today + timedelta(days=n)
            on_duty = (n // 2) % 2 == (0 if shift == "A" else 1)
            if not on_duty or (last == demo.ON_HOLIDAY and day in holiday):
                note = demo.HOLIDAY_NOTE if on_duty else None
                hours: tuple[time | None, time | None] = (None, None)
                breaks: list[list[str]] = []
            elif mates[last] == demo.ON_HOLIDAY and day in holiday:
                note, hours, breaks = demo.COVER_NOTE, (opens, closes), []
            else:
                continue
            load.db.add(
                WorkException(
                    receptionist_id=person.id, day=day, starts_at=hours[0], ends_at=hours[1],
                    breaks=breaks, note=note,
                )
            )  # fmt: skip
            load.created[WorkException.__tablename__] += 1


async def _model(load: _Loader, spec: demo.DemoModel, oil: Oil) -> CarModel:
    engine = await load.ensure(
        Engine, {"code": spec.engine_code},
        displacement_l=spec.displacement_l, oil=oil, oil_volume_l=spec.oil_volume_l,
    )  # fmt: skip
    return await load.ensure(
        CarModel, {"name": spec.name},
        image_url=f"/static/cars/{spec.slug}.svg", price_coefficient=spec.coefficient,
        engine=engine,
    )  # fmt: skip
