"""One bad address touches its own message only; internationalised addresses are delivered
(SMTPUTF8 where the server offers it, the domain as IDNA punycode where the local part is
ASCII); a claim a worker never finished counts as an attempt."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from repairbook.config import Settings
from repairbook.db import unit_of_work
from repairbook.models.notifications import MessageStatus, OutboxMessage
from repairbook.notifications import outbox, repository
from repairbook.notifications.delivery import Delivery
from repairbook.resources import Resources
from tests.helpers import Api
from tests.notifications.support import Inbox, notices, running_inbox


async def rows(resources: Resources) -> list[OutboxMessage]:
    async with resources.sessions() as db:
        return list((await db.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def queue_to(api: Api, addresses: list[str]) -> None:
    person = await api.person()
    mails = [
        outbox.Mail(mail.kind, mail.dedupe_key, mail.user_id, address, mail.locale, mail.data)
        for mail, address in zip(
            notices(len(addresses), int(person.id), "x@example.com"), addresses, strict=True
        )
    ]
    async with unit_of_work(api.resources.database) as db:
        await outbox.queue(db, mails)


@pytest.fixture
def utf8_inbox() -> Iterator[Inbox]:
    with running_inbox(smtputf8=True) as inbox:
        yield inbox


async def test_a_poison_address_among_100_messages_fails_alone(
    api: Api, delivery: Delivery, inbox: Inbox
) -> None:
    """A non-ASCII local part to a server without SMTPUTF8 cannot be delivered: that one
    message fails at once with the reason, the 99 others go out, nothing is left claimed."""
    addresses = [f"client{n}@example.com" for n in range(100)]
    addresses[37] = "пётр@example.com"
    await queue_to(api, addresses)
    report = await delivery.deliver_due()
    assert (report.sent, report.failed, report.retried) == (99, 1, 0)
    found = await rows(api.resources)
    assert Counter(r.status for r in found) == {MessageStatus.SENT: 99, MessageStatus.FAILED: 1}
    poisoned = found[37]
    assert poisoned.status is MessageStatus.FAILED
    assert poisoned.attempts == 1
    assert poisoned.last_error
    assert "SMTPUTF8" in poisoned.last_error
    assert len(inbox.messages) == 99


async def test_an_ascii_local_part_goes_to_an_idna_domain_as_punycode(
    api: Api, delivery: Delivery, inbox: Inbox
) -> None:
    await queue_to(api, ["ivan@пример.рф"])
    assert (await delivery.deliver_due()).sent == 1
    assert inbox.envelopes == [["ivan@xn--e1afmkfd.xn--p1ai"]]
    assert str(inbox.messages[0]["To"]) == "ivan@xn--e1afmkfd.xn--p1ai"


async def test_a_domain_idna_cannot_write_fails_with_the_reason(
    api: Api, delivery: Delivery, inbox: Inbox
) -> None:
    await queue_to(api, ["ivan@" + "я" * 70 + ".рф", "ok@example.com"])
    report = await delivery.deliver_due()
    assert (report.sent, report.failed) == (1, 1)
    bad, good = await rows(api.resources)
    assert bad.status is MessageStatus.FAILED
    assert bad.last_error
    assert "IDNA" in bad.last_error
    assert good.status is MessageStatus.SENT


async def test_smtputf8_delivers_a_non_ascii_local_part(
    api: Api, resources: Resources, mail_settings: Settings, utf8_inbox: Inbox
) -> None:
    settings = mail_settings.model_copy(update={"smtp_port": utf8_inbox.port})
    delivery = Delivery(resources.database, settings, resources.clock)
    await queue_to(api, ["пётр@пример.рф", "anna@example.com"])
    report = await delivery.deliver_due()
    assert (report.sent, report.failed) == (2, 0)
    assert utf8_inbox.envelopes == [["пётр@xn--e1afmkfd.xn--p1ai"], ["anna@example.com"]]
    assert str(utf8_inbox.messages[0]["To"]) == "пётр@xn--e1afmkfd.xn--p1ai"


async def abandon_claim(resources: Resources, settings: Settings) -> list[OutboxMessage]:
    """What a worker that dies right after claiming leaves behind: rows SENDING under a
    lease that has run out."""
    lease = settings.mail_lease_seconds
    async with unit_of_work(resources.database) as db:
        claimed = await repository.claim(
            db,
            lease=timedelta(seconds=lease),
            limit=settings.mail_batch_size,
            max_attempts=settings.mail_max_attempts,
        )
        await db.execute(
            text("UPDATE outbox_messages SET lease_until = now() - interval '1 second' "
                 "WHERE status = 'SENDING'")
        )  # fmt: skip
    return list(claimed)


async def test_a_message_that_kills_its_worker_every_time_is_given_up(
    api: Api, resources: Resources, mail_settings: Settings, inbox: Inbox
) -> None:
    settings = mail_settings.model_copy(update={"mail_max_attempts": 3})
    await queue_to(api, ["doomed@example.com"])
    for _ in range(3):
        assert len(await abandon_claim(resources, settings)) == 1
    report = await Delivery(resources.database, settings, resources.clock).deliver_due()
    assert report.sent == 0
    [row] = await rows(resources)
    assert (row.status, row.attempts) == (MessageStatus.FAILED, 3)
    assert row.last_error
    assert row.last_error.startswith("gave up")
    assert inbox.messages == []


async def test_the_rest_of_a_dead_workers_claim_goes_out_one_by_one(
    api: Api, resources: Resources, mail_settings: Settings, delivery: Delivery, inbox: Inbox
) -> None:
    """Any message of an abandoned claim may be the one that killed its worker: they are
    taken again one at a time, so a poison cannot take the others down with it."""
    await queue_to(api, [f"c{n}@example.com" for n in range(4)])
    assert len(await abandon_claim(resources, mail_settings)) == 4
    async with unit_of_work(resources.database) as db:
        again = await repository.claim(
            db,
            lease=timedelta(seconds=2),
            limit=100,
            max_attempts=mail_settings.mail_max_attempts,
        )
        assert len(again) == 1
        await db.execute(
            text("UPDATE outbox_messages SET status = 'PENDING', lease_until = NULL, "
                 "attempts = attempts - 1 WHERE id = :id"),
            {"id": again[0].id},
        )  # fmt: skip
    report = await delivery.deliver_due()
    assert report.sent == 4
    assert [r.attempts for r in await rows(resources)] == [2, 2, 2, 2]
