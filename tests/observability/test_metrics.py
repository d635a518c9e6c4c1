"""/metrics after real requests: every series README promises, with the numbers moving."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from repairbook.config import Settings
from repairbook.embedded import RedisProcess, free_port
from repairbook.notifications.tasks import deliver_outbox
from repairbook.observability.jobs import observed
from repairbook.observability.metrics import serve_worker_metrics
from repairbook.resources import Resources
from tests.api.booking_support import BOOK, book_input
from tests.factories import Catalog
from tests.helpers import Api
from tests.live.support import Subscriber, instance
from tests.observability.support import grew, names, scrape, value

BOARD = "query DayBoard($d: Date!) { availability(date: $d) { slots { startsAt state } } }"
LOGIN = (
    "mutation SignIn($l: String!, $p: String!) { login(login: $l, password: $p) { accessToken } }"
)


async def test_requests_outcomes_cache_throttle_and_outbox_are_counted(
    api: Api, http: httpx.AsyncClient, catalog: Catalog
) -> None:
    before = await scrape(http)
    client, car = await api.client_with_car(catalog.model_id)
    day = api.at(2, "10:00")[:10]
    await api.ok(BOARD, {"d": day})
    await api.ok(BOARD, {"d": day})  # the same board again: from memory
    await api.ok(BOOK, book_input(catalog, car, api.at(2, "10:00")), client.token)
    for _ in range(6):  # five failures lock this address out of the account; the sixth is refused
        await api.post(LOGIN, {"l": client.nick, "p": "wrong-password"})
    after = await scrape(http)

    ops = "repairbook_graphql_operations_total"
    assert grew(before, after, ops, operation="DayBoard", type="query", outcome="OK") == 1
    assert (
        grew(before, after, ops, operation="SignIn", type="mutation", outcome="UNAUTHENTICATED")
        == 5
    )
    assert (
        grew(before, after, ops, operation="SignIn", type="mutation", outcome="RATE_LIMITED") == 1
    )
    assert grew(before, after, ops, operation="Register", type="mutation", outcome="OK") == 1
    # Unnamed operations go by their first field.
    assert grew(before, after, ops, operation="addCar", type="mutation", outcome="OK") == 1
    assert grew(before, after, ops, operation="bookSlot", type="mutation", outcome="OK") == 1
    seconds = "repairbook_graphql_operation_seconds_count"
    assert grew(before, after, seconds, operation="SignIn", type="mutation") == 6
    assert (
        grew(before, after, "repairbook_http_responses_total", route="/graphql", status="200") >= 10
    )
    assert grew(before, after, "repairbook_board_cache_requests_total", result="miss") == 1
    assert grew(before, after, "repairbook_board_cache_requests_total", result="hit") == 1
    assert value(after, "repairbook_board_cache_entries") >= 1
    assert value(after, "repairbook_board_cache_bytes") > 100
    refusals = "repairbook_sign_in_refusals_total"
    assert grew(before, after, refusals, reason="account_address_locked") == 1
    events = "repairbook_events_published_total"
    # The client's verification link (which the helper then drops) and the confirmation.
    assert grew(before, after, events, kind="MailQueued") == 2
    # The confirmation waits in the outbox: no worker runs here.
    assert value(after, "repairbook_outbox_messages", status="PENDING") == 1
    assert value(after, "repairbook_outbox_messages", status="SENT") == 0
    assert value(after, "repairbook_outbox_oldest_pending_age_seconds") >= 0
    assert "repairbook_outbox_oldest_pending_age_seconds" in names(after)
    assert value(after, "repairbook_database_up") == 1
    assert value(after, "repairbook_redis_up") == 1


async def test_redis_down_shows_on_the_api_metrics(
    settings: Settings, resources: Resources, tmp_path: Path
) -> None:
    redis = RedisProcess(tmp_path / "redis").start()
    try:
        own = settings.model_copy(update={"redis_url": redis.url})
        async with instance(own) as server, httpx.AsyncClient() as scraper:
            url = f"http://127.0.0.1:{server.port}/metrics"
            assert value(await scrape(scraper, url), "repairbook_redis_up") == 1
            redis.stop()
            down = await scrape(scraper, url)  # still answers, and says so
            assert value(down, "repairbook_redis_up") == 0
            assert value(down, "repairbook_database_up") == 1
    finally:
        redis.stop()


async def test_worker_jobs_are_timed_and_their_failures_counted(
    api: Api, http: httpx.AsyncClient, resources: Resources, mail_settings: Settings
) -> None:
    async def broken(ctx: dict[str, Any]) -> None:
        raise RuntimeError("the job's own fault")

    before = await scrape(http)
    ctx = {"resources": Resources(mail_settings, resources.database, resources.redis)}
    await observed(deliver_outbox)(ctx)
    with pytest.raises(RuntimeError):
        await observed(broken)({})
    after = await scrape(http)
    assert grew(before, after, "repairbook_job_seconds_count", job="deliver_outbox") == 1
    assert grew(before, after, "repairbook_job_failures_total", job="deliver_outbox") == 0
    assert grew(before, after, "repairbook_job_seconds_count", job="broken") == 1
    assert grew(before, after, "repairbook_job_failures_total", job="broken") == 1


async def test_the_worker_serves_its_own_metrics(settings: Settings) -> None:
    async def tidy_up(ctx: dict[str, Any]) -> None:
        """A job as the worker runs them."""

    port = free_port()
    server = serve_worker_metrics(settings.model_copy(update={"worker_metrics_port": port}))
    assert server is not None
    try:
        await observed(tidy_up)({"job_id": "1"})
        async with httpx.AsyncClient() as client:
            samples = await scrape(client, f"http://127.0.0.1:{port}/metrics")
    finally:
        server.shutdown()
        server.server_close()
    assert value(samples, "repairbook_job_seconds_count", job="tidy_up") >= 1
    assert serve_worker_metrics(settings.model_copy(update={"worker_metrics_port": 0})) is None


CREATE = "mutation ($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }"


async def test_campaign_progress_is_shown_while_it_sends(
    api: Api, http: httpx.AsyncClient, catalog: Catalog
) -> None:
    from repairbook.campaigns.tasks import send_campaign
    from repairbook.models.accounts import Role

    manager = await api.person(Role.MANAGER)
    clients = [await api.person(marketingOptIn=True) for _ in range(3)]
    audience = {"userIds": [person.id for person in clients]}
    created = await api.ok(
        CREATE, {"i": {"subject": "Скидки", "text": "Текст", "audience": audience}}, manager.token
    )
    campaign = created["createCampaign"]["id"]
    await send_campaign({"resources": api.resources}, int(campaign))
    samples = await scrape(http)
    assert value(samples, "repairbook_campaign_recipients", campaign=campaign) == 3
    assert value(samples, "repairbook_campaign_messages", campaign=campaign, status="PENDING") == 3


async def test_websockets_subscriptions_and_live_deliveries_are_counted(
    settings: Settings, api: Api, catalog: Catalog
) -> None:
    client, car = await api.client_with_car(catalog.model_id)
    async with instance(settings) as server, httpx.AsyncClient() as scraper:
        url = f"http://127.0.0.1:{server.port}/metrics"
        before = await scrape(scraper, url)
        async with Subscriber.connect(server.ws_url) as subscriber:
            await subscriber.acknowledged()
            await subscriber.subscribe(api.at(2, "10:00")[:10])
            await server.wait_for_subscribers(1)
            during = await scrape(scraper, url)
            await server.post(BOOK, book_input(catalog, car, api.at(2, "10:00")), client.token)
            await subscriber.changes(1)
            after = await scrape(scraper, url)
    assert (
        value(during, "repairbook_websocket_connections")
        - value(before, "repairbook_websocket_connections")
        == 1
    )
    assert value(during, "repairbook_live_subscriptions") == 1
    assert grew(during, after, "repairbook_live_updates_delivered_total") >= 1
    assert grew(before, after, "repairbook_events_published_total", kind="MailQueued") == 1


async def test_production_shows_metrics_only_to_the_holder_of_the_token(
    settings: Settings, resources: Resources
) -> None:
    from starlette.requests import Request

    from repairbook.observability.metrics import allowed

    def request(authorization: str | None) -> Request:
        headers = [(b"authorization", authorization.encode())] if authorization else []
        return Request({"type": "http", "headers": headers})

    production = settings.model_copy(update={"env": "production"})
    assert allowed(request(None), settings)  # development: open
    assert not allowed(request("Bearer anything"), production)  # no token set: nobody
    guarded = production.model_copy(
        update={"metrics_token": SecretStr("s3cret-token-for-prometheus")}
    )
    assert not allowed(request(None), guarded)
    assert not allowed(request("Bearer wrong"), guarded)
    assert allowed(request("Bearer s3cret-token-for-prometheus"), guarded)
