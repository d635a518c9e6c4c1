"""Email campaigns for staff, and the public unsubscribe."""

from __future__ import annotations

import strawberry

from repairbook.campaigns import service as campaigns
from repairbook.campaigns.content import content
from repairbook.db import read_only, unit_of_work
from repairbook.schema.campaigns import (
    Campaign,
    CampaignAudienceInput,
    CampaignPreview,
    CreateCampaignInput,
)
from repairbook.schema.context import Info
from repairbook.schema.ids import parse_id
from repairbook.schema.pagination import Connection, decode_position, page_size
from repairbook.schema.permissions import STAFF


@strawberry.type
class CampaignQuery:
    @strawberry.field(permission_classes=STAFF, description="The latest campaigns, newest first.")
    async def campaigns(self, info: Info, first: int = 50) -> list[Campaign]:
        async with read_only(info.context.database) as db:
            return [Campaign.from_progress(p) for p in await campaigns.latest(db, limit=first)]

    @strawberry.field(
        permission_classes=STAFF,
        description="Every campaign, newest first, a page at a time with totalCount. Staff only.",
    )
    async def campaigns_connection(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[Campaign]:
        async with read_only(info.context.database) as db:
            page = await campaigns.page(db, offset=decode_position(after), limit=page_size(first))
        return Connection.of_nodes(page.map(lambda rows: [Campaign.from_progress(p) for p in rows]))

    @strawberry.field(permission_classes=STAFF)
    async def campaign(self, info: Info, id: strawberry.ID) -> Campaign:
        async with read_only(info.context.database) as db:
            return Campaign.from_progress(await campaigns.one(db, parse_id(id, "id")))

    @strawberry.field(
        permission_classes=STAFF, description="How many clients a campaign would reach now."
    )
    async def campaign_audience_preview(self, info: Info, audience: CampaignAudienceInput) -> int:
        async with read_only(info.context.database) as db:
            return await campaigns.preview(db, audience.to_domain())

    @strawberry.field(
        permission_classes=STAFF,
        description="Subject and text as the email will show them (the server's Markdown "
        "renderer and sanitiser), with the same errors createCampaign gives.",
    )
    def campaign_preview(self, subject: str, text: str) -> CampaignPreview:
        rendered = content(subject, text)
        return CampaignPreview(subject=rendered.subject, html=rendered.html)


@strawberry.type
class CampaignMutation:
    @strawberry.mutation(
        permission_classes=STAFF, description="Write a campaign; the worker starts sending it."
    )
    async def create_campaign(self, info: Info, input: CreateCampaignInput) -> Campaign:
        c = info.context
        async with unit_of_work(c.database) as db:
            row = await campaigns.create(
                db, c.require_user(), input.subject, input.text, input.audience.to_domain()
            )
            progress = (await campaigns.progress(db, [row]))[0]
        return Campaign.from_progress(progress)

    @strawberry.mutation(
        permission_classes=STAFF, description="Stop a campaign: what is not sent yet never is."
    )
    async def cancel_campaign(self, info: Info, id: strawberry.ID) -> Campaign:
        async with unit_of_work(info.context.database) as db:
            row = await campaigns.cancel(db, parse_id(id, "id"), now=info.context.now())
            progress = (await campaigns.progress(db, [row]))[0]
        return Campaign.from_progress(progress)

    @strawberry.mutation(
        description="Stop campaign emails for the person an unsubscribe link was made for."
    )
    async def unsubscribe(self, info: Info, token: str) -> bool:
        async with unit_of_work(info.context.database) as db:
            await campaigns.unsubscribe(db, token, settings=info.context.settings)
        return True
