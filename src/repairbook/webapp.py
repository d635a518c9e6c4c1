"""The clients' web app (built from `web/` by Vite) served at `/` by the API process itself.

Every path the API does not answer comes here: files of the build (`/assets/…` fingerprinted,
cached for a year), and for any other page a browser asks for, `index.html`, so the app's
own routes (`/booking`, `/cars` …) load it too. Programs that do not ask for HTML keep the
API's JSON 404. Everything is under a strict CSP: scripts, styles and connections from this
server only, so a build that slipped in an inline script or a CDN would not run.

Where the build is: inside the package (`repairbook/static/web`, put there when the wheel
is built, see setup.py) or, in a checkout, `web/dist`.
"""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.types import Receive, Scope, Send

PACKAGED = Path(__file__).parent / "static" / "web"
CHECKOUT = Path(__file__).parents[2] / "web" / "dist"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)
_IMMUTABLE = "public, max-age=31536000, immutable"
_NOT_BUILT = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>repairbook</title>'
    "</head><body><h1>The web app is not built</h1><p>Run <code>./scripts/dev</code> "
    "(it builds <code>web/</code> when Node.js 20+ is installed) or "
    "<code>npm --prefix web ci &amp;&amp; npm --prefix web run build</code>. The API is at "
    '<a href="/graphql">/graphql</a>.</p></body></html>'
)


def built_folder() -> Path | None:
    for folder in (PACKAGED, CHECKOUT):
        if (folder / "index.html").is_file():
            return folder
    return None


class WebApp:
    """The router's default: called for every path no API route matched."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder.resolve() if folder is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            raise HTTPException(404)  # websockets elsewhere than /graphql
        request = Request(scope, receive)
        response = self._answer(request)
        await response(scope, receive, send)

    def _answer(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            raise HTTPException(404)
        wants_page = "text/html" in request.headers.get("accept", "")
        if self.folder is None:
            if wants_page:
                return _secured(HTMLResponse(_NOT_BUILT, 503))
            raise HTTPException(404)
        file = self._file(request.url.path)
        if file is not None:
            response = _secured(FileResponse(file))
            if request.url.path.startswith("/assets/"):
                response.headers["cache-control"] = _IMMUTABLE
            return response
        last = request.url.path.rsplit("/", 1)[-1]
        if wants_page and "." not in last:
            page = _secured(FileResponse(self.folder / "index.html", media_type="text/html"))
            page.headers["cache-control"] = "no-cache"
            return page
        raise HTTPException(404)

    def _file(self, path: str) -> Path | None:
        assert self.folder is not None
        relative = path.lstrip("/")
        if not relative or "\x00" in relative:
            return None
        candidate = (self.folder / relative).resolve()
        if not candidate.is_relative_to(self.folder) or not candidate.is_file():
            return None
        return candidate


def _secured(response: Response) -> Response:
    response.headers["content-security-policy"] = CSP
    response.headers["x-content-type-options"] = "nosniff"
    response.headers["referrer-policy"] = "same-origin"
    return response
