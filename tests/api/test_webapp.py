"""The web app at `/`: its files, its client-side routes falling back to index.html, the
strict CSP on all of it, and the API's JSON 404 kept for programs."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from repairbook import webapp

INDEX = '<!doctype html><html><head><script type="module" src="/assets/app-1.js"></script>'


@pytest.fixture
def built(tmp_path: Path, app: Starlette, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "app-1.js").write_text("console.log(1)")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path.parent / "secret.txt").write_text("no")
    monkeypatch.setattr(app.router, "default", webapp.WebApp(tmp_path))
    return tmp_path


PAGE = {"accept": "text/html,application/xhtml+xml"}


@pytest.mark.usefixtures("built")
@pytest.mark.parametrize("path", ["/", "/booking", "/cars/12", "/sign-in"])
async def test_pages_of_the_app_load_its_index_under_the_strict_csp(
    http: httpx.AsyncClient, path: str
) -> None:
    response = await http.get(path, headers=PAGE)
    assert response.status_code == 200
    assert response.text == INDEX
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp
    assert "style-src 'self';" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["cache-control"] == "no-cache"


@pytest.mark.usefixtures("built")
async def test_built_files_are_served_and_assets_cached_for_good(http: httpx.AsyncClient) -> None:
    script = await http.get("/assets/app-1.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "immutable" in script.headers["cache-control"]
    assert "content-security-policy" in script.headers
    assert (await http.get("/favicon.svg")).text == "<svg/>"


@pytest.mark.usefixtures("built")
async def test_missing_files_escapes_and_programs_get_the_json_404(
    http: httpx.AsyncClient,
) -> None:
    for path in ("/assets/gone.js", "/../secret.txt", "/%2e%2e/secret.txt", "/x.png"):
        response = await http.get(path, headers=PAGE)
        assert response.status_code == 404, path
        assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    program = await http.get("/booking", headers={"accept": "application/json"})
    assert program.status_code == 404
    assert (await http.post("/booking", headers=PAGE)).status_code == 404


@pytest.mark.usefixtures("built")
async def test_the_api_keeps_its_own_paths(http: httpx.AsyncClient) -> None:
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    assert (await http.put("/graphql")).status_code == 405
    graphiql = await http.get("/graphql", headers=PAGE)
    assert "graphiql" in graphiql.text.lower()


async def test_without_a_build_a_browser_is_told_how_to_make_one(
    http: httpx.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app.router, "default", webapp.WebApp(None))
    page = await http.get("/", headers=PAGE)
    assert page.status_code == 503
    assert "./scripts/dev" in page.text
    assert (await http.get("/")).status_code == 404


@pytest.mark.usefixtures("built")
@pytest.mark.parametrize("path", ["/verify?token=x", "/reset-password?token=x"])
async def test_the_account_links_are_the_apis_pages_not_the_apps(
    http: httpx.AsyncClient, path: str
) -> None:
    """The links in account mail open the API's own pages even where the app is built."""
    response = await http.get(path, headers=PAGE)
    assert response.text != INDEX
    assert "<h1>" in response.text
    assert "form-action 'self'" in response.headers["content-security-policy"]
