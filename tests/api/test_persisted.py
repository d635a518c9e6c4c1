"""Automatic persisted queries and trusted documents, over POST and GET, and the websocket."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from repairbook.app import create_app
from repairbook.config import ConfigurationError, Settings
from repairbook.graphql_http import GRAPHQL_RESPONSE
from repairbook.persisted import load_manifest
from repairbook.resources import Resources
from tests.live.support import Subscriber, instance

SHOP = "query Shop { shop { id name } }"
OTHER = "{ carModels { id } }"


def digest(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def persisted(document: str) -> dict[str, object]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest(document)}}


async def test_an_unknown_hash_is_the_error_apollo_retries_on_then_the_hash_alone_works(
    http: httpx.AsyncClient, resources: Resources
) -> None:
    ask = {"operationName": "Shop", "extensions": persisted(SHOP)}
    unknown = (await http.post("/graphql", json=ask)).json()
    assert unknown["errors"] == [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
    spec = await http.post("/graphql", json=ask, headers={"accept": GRAPHQL_RESPONSE})
    assert spec.status_code == 400  # a request error under the spec's media type
    registered = await http.post("/graphql", json={**ask, "query": SHOP})
    assert registered.json()["data"]["shop"]["id"] == "shop"
    again = (await http.post("/graphql", json=ask)).json()
    assert again == registered.json()
    params = {"operationName": "Shop", "extensions": json.dumps(persisted(SHOP))}
    over_get = await http.get("/graphql", params=params)
    assert over_get.json() == registered.json()
    assert over_get.headers["etag"]
    assert await resources.redis.ttl(f"repairbook:apq:{digest(SHOP)}") > 29 * 86_400


async def test_a_hash_that_is_not_the_documents_is_refused(http: httpx.AsyncClient) -> None:
    wrong = {"query": OTHER, "extensions": persisted(SHOP)}
    body = (await http.post("/graphql", json=wrong)).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    malformed = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "xyz"}}}
    body = (await http.post("/graphql", json=malformed)).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({digest(SHOP): SHOP}))
    return path


@pytest.fixture
async def trusted(settings: Settings, manifest: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"trusted_documents": manifest}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield client


async def test_trusted_documents_run_only_the_manifests_documents(
    trusted: httpx.AsyncClient,
) -> None:
    by_hash = await trusted.post("/graphql", json={"extensions": persisted(SHOP)})
    assert by_hash.json()["data"]["shop"]["id"] == "shop"
    by_id = await trusted.post("/graphql", json={"documentId": f"sha256:{digest(SHOP)}"})
    assert by_id.json() == by_hash.json()
    verbatim = await trusted.post("/graphql", json={"query": SHOP})
    assert verbatim.json() == by_hash.json()
    for refused in (
        {"query": OTHER},
        {"query": OTHER, "extensions": persisted(OTHER)},
        {"extensions": persisted(OTHER)},
    ):
        body = (await trusted.post("/graphql", json=refused)).json()
        assert body["errors"][0]["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED", refused
        assert "data" not in body
    over_get = await trusted.get("/graphql", params={"query": OTHER})
    assert over_get.json()["errors"][0]["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED"


async def test_trusted_documents_hold_the_websocket_too(
    settings: Settings, manifest: Path, resources: Resources
) -> None:
    subscription = "subscription { myBookingChanged { change } }"
    async with (
        instance(settings.model_copy(update={"trusted_documents": manifest})) as server,
        Subscriber.connect(server.ws_url) as anonymous,
    ):
        await (await anonymous.acknowledged()).send(
            {"id": "1", "type": "subscribe", "payload": {"query": subscription}}
        )
        [error] = await anonymous.errors_of("1")
        assert error["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED"


def test_a_manifest_that_cannot_be_read_stops_the_start(settings: Settings, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("[1, 2]")
    with pytest.raises(ConfigurationError, match="TRUSTED_DOCUMENTS"):
        create_app(settings.model_copy(update={"trusted_documents": broken}))
    with pytest.raises(ConfigurationError, match="TRUSTED_DOCUMENTS"):
        create_app(settings.model_copy(update={"trusted_documents": tmp_path / "missing.json"}))


def test_apollo_manifests_are_read_too(tmp_path: Path) -> None:
    path = tmp_path / "apollo.json"
    operations = [{"id": digest(SHOP), "name": "Shop", "type": "query", "body": SHOP}]
    path.write_text(
        json.dumps(
            {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
        )
    )
    manifest = load_manifest(path)
    assert manifest.by_hash == {digest(SHOP): SHOP}
    assert manifest.allows(SHOP)
    assert not manifest.allows(OTHER)


def test_a_manifest_allows_its_documents_as_a_normalised_cache_sends_them(tmp_path: Path) -> None:
    """Build tools write documents normalised (selections sorted, printed on one line); urql's
    graphcache adds `__typename` to every selection set and prints the document in its source
    order. Both stand for the same operation, so both are the frontend's own; anything that
    asks for more is not."""
    written = "query Me { me { cars { id } email id } }"
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({digest(written): written}))
    manifest = load_manifest(path)
    sent = "query Me {\n  me {\n    id\n    email\n    cars {\n      id\n      __typename\n    }\n    __typename\n  }\n}"
    assert manifest.allows(sent)
    assert not manifest.allows(sent.replace("email", "email\n    role"))
    assert not manifest.allows("query Me { me { id email cars { id vin } } }")
    assert not manifest.allows(
        "query Me { me { id email cars { id } } }  query Other { shop { id } }"
    )
    assert not manifest.allows("query Me { me { renamed: email id cars { id } } }")
    assert not manifest.allows("{ not a document")
