"""SQL for campaigns and their audiences."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Row, Select, and_, exists, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.db import any_of
from repairbook.models.accounts import Role, User
from repairbook.models.campaigns import Campaign, CampaignStatus
from repairbook.models.cars import Car
from repairbook.models.catalog import CarModel


def audience(
    all_clients: bool, user_ids: Sequence[int], car_model_ids: Sequence[int]
) -> ColumnElement[bool]:
    """Who a campaign reaches: clients (never staff) who agreed to campaigns, and among them
    everyone, the chosen ones, or owners of cars of the chosen models; each person once."""
    chosen: list[ColumnElement[bool]] = []
    if all_clients:
        chosen.append(true())
    if user_ids:
        chosen.append(any_of(User.id, user_ids))
    if car_model_ids:
        chosen.append(
            exists().where(
                Car.owner_id == User.id,
                Car.removed_at.is_(None),
                any_of(Car.car_model_id, car_model_ids),
            )
        )
    return and_(User.role == Role.CLIENT, User.marketing_opt_in, or_(*chosen))


async def count(db: AsyncSession, who: ColumnElement[bool]) -> int:
    return int(await db.scalar(select(func.count()).select_from(User).where(who)) or 0)


async def recipients(
    db: AsyncSession, who: ColumnElement[bool], *, after_id: int, limit: int
) -> Sequence[Row[int, str, str, str, str | None]]:
    """The next recipients in id order (keyset: memory stays flat however many there are)."""
    query = (
        select(User.id, User.email, User.locale, User.first_name, User.patronymic)
        .where(who, User.id > after_id)
        .order_by(User.id)
        .limit(limit)
    )
    return (await db.execute(query)).all()


async def clients_among(db: AsyncSession, user_ids: Sequence[int]) -> set[int]:
    rows = await db.scalars(
        select(User.id).where(any_of(User.id, user_ids), User.role == Role.CLIENT)
    )
    return set(rows)


async def models_among(db: AsyncSession, model_ids: Sequence[int]) -> set[int]:
    return set(await db.scalars(select(CarModel.id).where(any_of(CarModel.id, model_ids))))


async def get(db: AsyncSession, campaign_id: int, *, for_update: bool = False) -> Campaign | None:
    query = select(Campaign).where(Campaign.id == campaign_id)
    if for_update:
        query = query.with_for_update()
    return (await db.scalars(query)).first()


def newest_first() -> Select[Campaign]:
    return select(Campaign).order_by(Campaign.id.desc())


async def latest(db: AsyncSession, *, limit: int) -> Sequence[Campaign]:
    query = select(Campaign).order_by(Campaign.id.desc()).limit(limit)
    return (await db.scalars(query)).all()


async def sending(db: AsyncSession) -> Sequence[int]:
    query = select(Campaign.id).where(Campaign.status == CampaignStatus.SENDING)
    return (await db.scalars(query.order_by(Campaign.id))).all()
