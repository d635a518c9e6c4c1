"""The live board: changes to one day's slots, as they commit, on any API instance."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date

import strawberry
from starlette.websockets import WebSocket

from repairbook.booking import service as booking
from repairbook.errors import InvalidInput
from repairbook.live import hub as live
from repairbook.schema.context import Context, Info
from repairbook.schema.live import SlotChange, render

SLOW = 1013  # RFC 6455 "try again later": this subscriber fell behind and events were dropped


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
        if c.hub is None or not isinstance(c.request, WebSocket):
            raise InvalidInput("Subscribe over the websocket at /graphql (graphql-transport-ws)")
        live.check_day(date, booking.calendar_of(c.settings), c.now())
        # The connection closes itself (4403) when its token runs out (websocket.py); the
        # viewer is the one its latest operation read.
        async with c.hub.subscribe(date, on_overflow=lambda: _close(c, SLOW, "Too slow")) as feed:
            while True:
                update = await feed.next()
                owner, viewer = update.client_id, c.viewer
                detailed = owner is not None and viewer is not None and viewer.may_see(owner)
                yield await render(update, detailed=detailed, new_loaders=c.fresh_loaders)


async def _close(context: Context, code: int, reason: str) -> None:
    if isinstance(context.request, WebSocket):
        await context.request.close(code, reason)
