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
