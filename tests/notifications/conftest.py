from __future__ import annotations

from collections.abc import Iterator

import pytest

from repairbook.config import Settings
from repairbook.notifications.delivery import Delivery
from repairbook.resources import Resources
from tests.factories import Catalog, make_catalog
from tests.helpers import Api
from tests.notifications.support import Inbox, running_inbox


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with running_inbox() as inbox:
        yield inbox


@pytest.fixture
def mail_settings(settings: Settings, inbox: Inbox) -> Settings:
    """Delivery to the test's own SMTP server, with retries and leases short enough to watch."""
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": inbox.port,
            "mail_retry_seconds": 1,
            "mail_lease_seconds": 2,
            "smtp_timeout_seconds": 2,
        }
    )


@pytest.fixture
def delivery(resources: Resources, mail_settings: Settings) -> Delivery:
    return Delivery(resources.database, mail_settings, resources.clock)


@pytest.fixture
async def catalog(api: Api) -> Catalog:
    return await make_catalog(api.resources)
