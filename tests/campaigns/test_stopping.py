"""Stop means stop: a campaign cancelled, or a client unsubscribing, while a worker is in
the middle of sending. What went out is SENT, what was held back SKIPPED, never mixed."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select, text

from repairbook.campaigns.tasks import send_campaign
from repairbook.config import Settings
from repairbook.models.accounts import Role
from repairbook.models.notifications import MessageStatus, OutboxMessage
from repairbook.notifications.delivery import Delivery
from repairbook.resources import Resources
from tests.helpers import Api
from tests.notifications.support import Inbox

CREATE = "mutation ($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }"
CAMPAIGN = "query ($id: ID!) { campaign(id: $id) { status sentCount skippedCount } }"
CANCEL = "mutation ($id: ID!) { cancelCampaign(id: $id) { status } }"
UNSUBSCRIBE = "mutation ($t: String!) { unsubscribe(token: $t) }"


async def campaign_to_ten(api: Api) -> tuple[str, str]:
    manager = await api.person(Role.MANAGER)
    for _ in range(10):
        await api.person(marketingOptIn=True)
    variables = {"i": {"subject": "Скидки", "text": "Текст", "audience": {"allClients": True}}}
    created = (await api.ok(CREATE, variables, manager.token))["createCampaign"]
    await send_campaign({"resources": api.resources}, int(created["id"]))
    return created["id"], manager.token


async def outcomes(resources: Resources) -> list[tuple[str, MessageStatus]]:
    async with resources.sessions() as db:
        query = select(OutboxMessage.recipient, OutboxMessage.status).order_by(OutboxMessage.id)
        return [(r, s) for r, s in (await db.execute(query)).all()]


def one_batch(resources: Resources, settings: Settings) -> Delivery:
    patient = settings.model_copy(
        update={"mail_batch_size": 10, "smtp_timeout_seconds": 5, "mail_lease_seconds": 60}
    )
    return Delivery(resources.database, patient, resources.clock)


async def someone_waits_for_a_lock(delivery: Delivery) -> None:
    query = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    async with asyncio.timeout(30), delivery.database.engine.connect() as connection:
        while not (await connection.execute(query)).scalar():
            await connection.rollback()  # pg_stat_activity is read once per transaction
            await asyncio.sleep(0.02)


async def while_the_fourth_is_in_flight(inbox: Inbox, delivery: Delivery, stop: Any) -> Any:
    inbox.hold_after = 3
    sending = asyncio.create_task(delivery.deliver_due())
    await inbox.all_waiting()
    stopping = asyncio.create_task(stop())
    await someone_waits_for_a_lock(delivery)  # the stop waits for the message in flight
    inbox.release.set()
    result = await stopping
    await sending
    return result


async def test_cancel_while_a_worker_sends_the_campaign(
    api: Api, mail_settings: Settings, inbox: Inbox
) -> None:
    campaign_id, manager = await campaign_to_ten(api)
    delivery = one_batch(api.resources, mail_settings)

    async def cancel() -> Any:
        return await api.ok(CANCEL, {"id": campaign_id}, manager)

    await while_the_fourth_is_in_flight(inbox, delivery, cancel)
    found = await outcomes(api.resources)
    sent = [r for r, s in found if s is MessageStatus.SENT]
    assert sorted(sent) == sorted(str(m["To"]) for m in inbox.messages)
    assert len(sent) == 4
    state = (await api.ok(CAMPAIGN, {"id": campaign_id}, manager))["campaign"]
    assert state == {"status": "CANCELLED", "sentCount": 4, "skippedCount": 6}


async def test_unsubscribing_while_a_worker_sends_the_campaign(
    api: Api, mail_settings: Settings, inbox: Inbox
) -> None:
    await campaign_to_ten(api)
    async with api.resources.sessions() as db:
        rows = (await db.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    tokens = [row.headers["List-Unsubscribe"].split("token=")[1].rstrip(">") for row in rows]
    delivery = one_batch(api.resources, mail_settings)

    async def unsubscribe_the_seventh_and_the_fourth() -> None:
        for token in (tokens[6], tokens[3]):  # the fourth's waits for its message in flight
            await api.ok(UNSUBSCRIBE, {"t": token})

    await while_the_fourth_is_in_flight(inbox, delivery, unsubscribe_the_seventh_and_the_fourth)
    found = await outcomes(api.resources)
    sent = [r for r, s in found if s is MessageStatus.SENT]
    assert sorted(sent) == sorted(str(m["To"]) for m in inbox.messages)
    assert [s for _, s in found] == [MessageStatus.SENT] * 6 + [MessageStatus.SKIPPED] + [
        MessageStatus.SENT
    ] * 3
