from __future__ import annotations

import httpx
from sqlalchemy import func, select

from repairbook.catalog import demo_data
from repairbook.catalog.seed import is_empty, load_demo_catalog
from repairbook.models import Base, CarModel, Receptionist, RepairType
from repairbook.resources import Resources


async def _counts(resources: Resources) -> dict[str, int]:
    async with resources.sessions() as db:
        return {
            table.name: int(await db.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


async def test_demo_catalog_loads_once_and_a_second_run_changes_nothing(
    resources: Resources,
) -> None:
    steps: list[str] = []
    async with resources.sessions() as db, db.begin():
        assert await is_empty(db)
        created = await load_demo_catalog(db, steps.append)
    assert created["car_models"] == len(demo_data.MODELS) == 10
    assert created["receptionists"] == 4
    assert created["labor_rates"] == 3
    assert len(steps) == len(demo_data.MODELS) + 2
    first = await _counts(resources)
    async with resources.sessions() as db, db.begin():
        assert not await is_empty(db)
        again = await load_demo_catalog(db)
    assert sum(again.values()) == 0
    assert await _counts(resources) == first


async def test_every_model_has_to1_to3_diagnostics_and_a_picture(resources: Resources) -> None:
    async with resources.sessions() as db, db.begin():
        await load_demo_catalog(db)
    async with resources.sessions() as db:
        models = (await db.scalars(select(CarModel))).all()
        for model in models:
            names = set(
                await db.scalars(select(RepairType.name).where(RepairType.car_model_id == model.id))
            )
            assert names == {"Диагностика", "ТО-1", "ТО-2", "ТО-3"}, model.name
            assert model.image_url.startswith("/static/cars/")
        assert await db.scalar(select(func.count()).select_from(Receptionist)) == 4


async def test_pictures_are_served(http: httpx.AsyncClient) -> None:
    for model in demo_data.MODELS:
        response = await http.get(f"/static/cars/{model.slug}.svg")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/svg+xml")


async def test_the_demo_rota_is_two_on_two_off_and_the_desk_is_never_empty(
    resources: Resources,
) -> None:
    from datetime import date, datetime, time, timedelta

    from repairbook.booking import worktime
    from repairbook.booking.availability import work_reason
    from repairbook.booking.service import calendar_of

    today = date(2026, 12, 2)  # a Wednesday: the holiday is 7 to 13 December
    async with resources.sessions() as db, db.begin():
        created = await load_demo_catalog(db, today=today)
    assert created["work_plan_days"] == 4 * 7
    calendar = calendar_of(resources.settings)
    end = today + timedelta(days=demo_data.DEMO_ROTA_DAYS - 1)
    async with resources.sessions() as db:
        people = {r.last_name: r.id for r in (await db.scalars(select(Receptionist))).all()}
        rota = await worktime.rota(db, calendar, today, end)
    holiday = {date(2026, 12, 7) + timedelta(days=n) for n in range(7)}
    for n in range(demo_data.DEMO_ROTA_DAYS):
        day = today + timedelta(days=n)
        working = {last for last, rid in people.items() if rota.on(rid, day) is not None}
        shift = {"Смирнов", "Кузнецова"} if (n // 2) % 2 == 0 else {"Попов", "Васильева"}
        expected = shift - {"Васильева"} if day in holiday else shift
        assert working == expected, day
        for start in calendar.grid(day):
            free = [
                last
                for last, rid in people.items()
                if work_reason(rota.on(rid, day), start, calendar) is None
            ]
            assert free, (day, start)  # the desk is never empty
    lunch = datetime.combine(today, time(12, 0), tzinfo=calendar.zone)
    assert work_reason(rota.on(people["Смирнов"], today), lunch, calendar) is not None
    async with resources.sessions() as db, db.begin():
        again = await load_demo_catalog(db, today=today)
    assert sum(again.values()) == 0
