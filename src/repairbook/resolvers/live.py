"""The live board: changes to one day's slots, as they commit, on any API instance."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from datetime import date
from functools import partial

import strawberry
from starlette.websockets import WebSocket

from repairbook.booking import service as booking
from repairbook.campaigns import service as campaigns
from repairbook.db import read_only
from repairbook.errors import InvalidInput
from repairbook.live import hub as live
from repairbook.models.campaigns import CampaignStatus
from repairbook.schema.campaigns import Campaign
from repairbook.schema.context import Context, Info
from repairbook.schema.ids import parse_id
from repairbook.schema.live import BookingChange, SlotChange, render
from repairbook.schema.permissions import SIGNED_IN, STAFF

SLOW = 1013  # RFC 6455 "try again later": this subscriber fell behind and events were dropped
EXPIRED = 4403  # graphql-transport-ws "forbidden": the access token ran out
PROGRESS_SECONDS = 1.0  # how often campaignProgress looks at the counts


@strawberry.type
class LiveSubscription:
    @strawberry.subscription(
        description=(
            "Every change to a day's slots once it is committed: the slot as the board shows it "
            "now (booking details only where you may see them), the kind of change, and when. "
            "Sign in through connection_init's payload: "
            '{"Authorization": "Bearer <accessToken>"}.'
        )
    )
    async def slot_changed(self, info: Info, date: date) -> AsyncGenerator[SlotChange, None]:
        c = info.context
        hub = _hub(c)
        live.check_day(date, booking.calendar_of(c.settings), c.now())
        viewer = c.viewer
        async with hub.subscribe(date, on_overflow=lambda: _close(c, SLOW, "Too slow")) as feed:
            while (left := c.seconds_signed_in()) != 0:
                try:
                    async with asyncio.timeout(left):
                        update = await feed.next()
                except TimeoutError:
                    continue
                owner = update.client_id
                detailed = owner is not None and viewer is not None and viewer.may_see(owner)
                yield await render(update, detailed=detailed, new_loaders=c.fresh_loaders)
            await _close(c, EXPIRED, "Access token expired")

    @strawberry.subscription(
        permission_classes=SIGNED_IN,
        description=(
            "Your own bookings as they are made, cancelled or moved, by you or by staff, on "
            "any API instance. Signed-in callers only (UNAUTHENTICATED otherwise); over the "
            "websocket, signed in through connection_init's payload."
        ),
    )
    async def my_booking_changed(self, info: Info) -> AsyncGenerator[BookingChange, None]:
        c = info.context
        hub = _hub(c)
        viewer = c.require_user()
        on_overflow = partial(_close, c, SLOW, "Too slow")
        async with hub.subscribe_client(viewer.id, on_overflow=on_overflow) as feed:
            while (left := c.seconds_signed_in()) != 0:
                try:
                    async with asyncio.timeout(left):
                        update = await feed.next()
                except TimeoutError:
                    continue
                yield await BookingChange.of(update, c.fresh_loaders())
            await _close(c, EXPIRED, "Access token expired")

    @strawberry.subscription(
        permission_classes=STAFF,
        description=(
            "A campaign's progress (the campaign with its counts) now and whenever its counts "
            f"or status change, checked every {PROGRESS_SECONDS:g} s; ends once it is SENT, "
            "CANCELLED or FAILED. Staff only (FORBIDDEN otherwise); NOT_FOUND for no such "
            "campaign."
        ),
    )
    async def campaign_progress(
        self, info: Info, id: strawberry.ID
    ) -> AsyncGenerator[Campaign, None]:
        c = info.context
        _hub(c)
        campaign_id = parse_id(id, "id")
        last = None
        while c.seconds_signed_in() != 0:
            async with read_only(c.database) as db:
                progress = await campaigns.one(db, campaign_id)
            shown = Campaign.from_progress(progress)
            if shown != last:
                yield shown
                last = shown
            if progress.campaign.status is not CampaignStatus.SENDING:
                return
            await asyncio.sleep(PROGRESS_SECONDS)
        await _close(c, EXPIRED, "Access token expired")


def _hub(c: Context) -> live.SlotHub:
    if c.hub is None or not isinstance(c.request, WebSocket):
        raise InvalidInput("Subscribe over the websocket at /graphql (graphql-transport-ws)")
    return c.hub


async def _close(context: Context, code: int, reason: str) -> None:
    if isinstance(context.request, WebSocket):
        await context.request.close(code, reason)
