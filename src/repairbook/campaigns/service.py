"""Campaigns: who they reach, creating, queueing recipients in batches, progress, cancelling,
and a client's unsubscribing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from repairbook.accounts import repository as users
from repairbook.accounts.tokens import issue_unsubscribe_token, read_unsubscribe_token
from repairbook.campaigns import repository
from repairbook.campaigns.content import content
from repairbook.config import Settings
from repairbook.db import Event, Page, offset_page, record
from repairbook.errors import InvalidInput, NotFound
from repairbook.models.accounts import User
from repairbook.models.campaigns import Campaign, CampaignStatus
from repairbook.models.notifications import MessageKind, MessageStatus
from repairbook.notifications import outbox
from repairbook.notifications import repository as mail_repository

UNSUBSCRIBE_LINK_LIFETIME = timedelta(days=365)
MAX_CHOSEN = 10_000
MAX_LISTED = 200


@dataclass(frozen=True, slots=True)
class Audience:
    all_clients: bool = False
    user_ids: Sequence[int] = ()
    car_model_ids: Sequence[int] = ()


@dataclass(frozen=True, slots=True)
class CampaignStarted(Event):
    campaign_id: int


@dataclass(frozen=True, slots=True)
class Progress:
    campaign: Campaign
    counts: dict[MessageStatus, int] = field(default_factory=dict)


async def preview(db: AsyncSession, audience: Audience) -> int:
    """How many people a campaign to this audience would reach today."""
    await _check(db, audience)
    return await repository.count(db, _who(audience))


async def create(
    db: AsyncSession, creator: User, subject: str, text: str, audience: Audience
) -> Campaign:
    """A campaign starts sending as soon as it is committed (`CampaignStarted`)."""
    written = content(subject, text)
    await _check(db, audience)
    campaign = Campaign(
        subject=written.subject,
        text=written.text,
        html=written.html,
        all_clients=audience.all_clients,
        user_ids=list(dict.fromkeys(audience.user_ids)),
        car_model_ids=list(dict.fromkeys(audience.car_model_ids)),
        status=CampaignStatus.SENDING,
        recipient_count=await repository.count(db, _who(audience)),
        created_by_id=creator.id,
    )
    db.add(campaign)
    await db.flush()
    record(db, CampaignStarted(campaign.id))
    return campaign


async def queue_batch(
    db: AsyncSession, campaign_id: int, *, settings: Settings, now: datetime, limit: int
) -> bool:
    """Queue the next recipients' messages; True while more may follow.

    The campaign row is locked and its `queued_up_to` moves with the batch's outbox rows in
    one transaction, so a crash resumes where the last commit left off: no one twice (the
    dedupe key says so too), no one missed.
    """
    campaign = await repository.get(db, campaign_id, for_update=True)
    if campaign is None or campaign.status is not CampaignStatus.SENDING or campaign.queued_all:
        return False
    who = repository.audience(campaign.all_clients, campaign.user_ids, campaign.car_model_ids)
    batch = await repository.recipients(db, who, after_id=campaign.queued_up_to, limit=limit)
    await outbox.queue(db, [_mail(campaign, row, settings, now) for row in batch])
    if batch:
        campaign.queued_up_to = batch[-1][0]
    if len(batch) < limit:
        campaign.queued_all = True
    await db.flush()
    return not campaign.queued_all


async def settle(db: AsyncSession, campaign_id: int, *, now: datetime) -> Campaign | None:
    """Once every recipient is queued and no message waits, the campaign is done: SENT, or
    FAILED when not one message went out."""
    campaign = await repository.get(db, campaign_id, for_update=True)
    if campaign is None or campaign.status is not CampaignStatus.SENDING or not campaign.queued_all:
        return campaign
    counts = (await mail_repository.campaign_counts(db, [campaign.id]))[campaign.id]
    if counts[MessageStatus.PENDING] or counts[MessageStatus.SENDING]:
        return campaign
    failed = counts[MessageStatus.SENT] == 0 and counts[MessageStatus.FAILED] > 0
    campaign.status = CampaignStatus.FAILED if failed else CampaignStatus.SENT
    campaign.finished_at = now
    await db.flush()
    return campaign


async def cancel(db: AsyncSession, campaign_id: int, *, now: datetime) -> Campaign:
    """What is not sent yet is never sent. A message a worker is handing to the server at
    this very moment may still go out."""
    campaign = await repository.get(db, campaign_id, for_update=True)
    if campaign is None:
        raise NotFound("No such campaign", field="id")
    if campaign.status is not CampaignStatus.SENDING:
        raise InvalidInput(f"The campaign is {campaign.status.value.lower()} already", field="id")
    campaign.status = CampaignStatus.CANCELLED
    campaign.finished_at = now
    await mail_repository.skip_unsent(db, campaign_id=campaign.id)
    await db.flush()
    return campaign


async def progress(db: AsyncSession, campaigns: Sequence[Campaign]) -> list[Progress]:
    counts = await mail_repository.campaign_counts(db, [c.id for c in campaigns])
    return [Progress(c, counts[c.id]) for c in campaigns]


async def one(db: AsyncSession, campaign_id: int) -> Progress:
    campaign = await repository.get(db, campaign_id)
    if campaign is None:
        raise NotFound("No such campaign", field="id")
    return (await progress(db, [campaign]))[0]


async def latest(db: AsyncSession, *, limit: int) -> list[Progress]:
    if not 1 <= limit <= MAX_LISTED:
        raise InvalidInput(f"first must be 1 to {MAX_LISTED}", field="first")
    return await progress(db, await repository.latest(db, limit=limit))


async def page(db: AsyncSession, *, offset: int, limit: int) -> Page[Progress]:
    """Campaigns newest first, a page at a time, each with its progress."""
    rows = await offset_page(db, repository.newest_first(), offset=offset, limit=limit)
    return Page(await progress(db, rows.items), rows.has_next, rows.total, rows.offset)


async def unsubscribe(db: AsyncSession, token: str, *, settings: Settings) -> User:
    """End a client's consent to campaigns; their campaign mail not sent yet stays unsent.
    Booking mail still reaches them. Doing it twice is fine."""
    user_id = read_unsubscribe_token(token, secret=settings.secret_key.get_secret_value())
    user = await users.get(db, user_id)
    if user is None:
        raise InvalidInput(
            "This unsubscribe link is for an account that no longer exists", field="token"
        )
    user.marketing_opt_in = False
    await mail_repository.skip_unsent(db, user_id=user.id)
    await db.flush()
    return user


def unsubscribe_url(user_id: int, settings: Settings, now: datetime) -> str:
    token = issue_unsubscribe_token(
        user_id,
        secret=settings.secret_key.get_secret_value(),
        now=now,
        ttl=UNSUBSCRIBE_LINK_LIFETIME,
    )
    return f"{settings.public_url.rstrip('/')}/unsubscribe?token={token}"


def _mail(
    campaign: Campaign,
    row: tuple[int, str, str, str, str | None],
    settings: Settings,
    now: datetime,
) -> outbox.Mail:
    user_id, email, locale, first_name, patronymic = row
    url = unsubscribe_url(user_id, settings, now)
    return outbox.Mail(
        kind=MessageKind.CAMPAIGN,
        dedupe_key=f"campaign:{campaign.id}:user:{user_id}",
        user_id=user_id,
        recipient=email,
        locale=locale,
        data={
            "name": f"{first_name} {patronymic}" if patronymic else first_name,
            "unsubscribe_url": url,
        },
        campaign_id=campaign.id,
        # RFC 8058: mail programs offer "unsubscribe" and POST to the link in one click.
        headers={
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


async def _check(db: AsyncSession, audience: Audience) -> None:
    if not (audience.all_clients or audience.user_ids or audience.car_model_ids):
        raise InvalidInput(
            "Choose the audience: all clients, some clients, or car models", field="audience"
        )
    if len(audience.user_ids) > MAX_CHOSEN or len(audience.car_model_ids) > MAX_CHOSEN:
        raise InvalidInput(f"At most {MAX_CHOSEN:,} chosen at once", field="audience")
    if missing := set(audience.user_ids) - await repository.clients_among(db, audience.user_ids):
        raise InvalidInput(f"No client with id {min(missing)}", field="userIds")
    if missing := set(audience.car_model_ids) - await repository.models_among(
        db, audience.car_model_ids
    ):
        raise InvalidInput(f"No car model with id {min(missing)}", field="carModelIds")


def _who(audience: Audience) -> ColumnElement[bool]:
    return repository.audience(audience.all_clients, audience.user_ids, audience.car_model_ids)
