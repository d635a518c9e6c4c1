"""A campaign sent by a real worker process that is killed mid-way and started again."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from sqlalchemy import select

from repairbook.config import Settings
from repairbook.models.accounts import Role
from repairbook.models.campaigns import Campaign, CampaignStatus
from tests.helpers import Api
from tests.notifications.support import Inbox, worker_process

CREATE = "mutation ($i: CreateCampaignInput!) { createCampaign(input: $i) { id recipientCount } }"


async def test_a_worker_killed_mid_campaign_leaves_every_recipient_mailed_once(
    api: Api, mail_settings: Settings, inbox: Inbox, tmp_path: Path
) -> None:
    manager = await api.person(Role.MANAGER)
    for _ in range(25):
        await api.person(marketingOptIn=True)
    inbox.hold_after = 9  # from the 10th message on, no DATA is answered…
    with worker_process(mail_settings, tmp_path) as first:
        variables = {
            "i": {"subject": "Скидки", "text": "Шиномонтаж", "audience": {"allClients": True}}
        }
        created = (await api.ok(CREATE, variables, manager.token))["createCampaign"]
        assert created["recipientCount"] == 25
        await inbox.all_waiting()
        first.send_signal(signal.SIGKILL)  # …and the worker dies waiting on every connection
    inbox.release.set()
    assert len(inbox.messages) == 9
    with worker_process(mail_settings, tmp_path):
        await inbox.wait_for(25, seconds=40)
        async with asyncio.timeout(30):
            while True:
                async with api.resources.sessions() as db:
                    status = await db.scalar(select(Campaign.status))
                if status is CampaignStatus.SENT:
                    break
                await asyncio.sleep(0.2)
        await asyncio.sleep(0.5)  # anything sent twice would have arrived by now
    recipients = sorted(str(m["To"]) for m in inbox.messages)
    assert len(recipients) == len(set(recipients)) == 25
