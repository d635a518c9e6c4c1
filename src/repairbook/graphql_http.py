"""GraphQL over HTTP as the spec has it, around the GraphQL view: which media type to answer
in (`Accept`), request errors as 4xx under `application/graphql-response+json`, and
revalidation (ETag, 304) for queries over GET.

- `application/json` stays the default: for a missing `Accept`, `*/*`, `application/*`,
  or `application/json`. Request errors (the document does not parse or validate, the
  variables do not fit, no operation chosen) keep their 200 there, as legacy clients expect.
- `application/graphql-response+json` when the caller prefers it (Apollo Client 4 and the
  spec's clients do): request errors are 400 (a refusal before execution: errors without a
  `path` and no data) and carry no `data` key; field errors stay 200 with `data`.
- An `Accept` that allows neither (or only a charset other than UTF-8) is 406, before the
  request runs.
- A query answered over GET without errors carries an `ETag` (a digest of the body) and
  `Cache-Control` (`public` for anonymous callers, `private` with a token; always
  revalidated), and `If-None-Match` with that tag is answered 304 with no body.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from redis.asyncio import Redis
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message

from repairbook import persisted

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
VARY = "Accept, Accept-Language, Authorization"


@dataclass(frozen=True, slots=True)
class _Range:
    kind: str
    quality: float


def _ranges(accept: str) -> list[_Range]:
    ranges = []
    for item in accept.split(","):
        kind, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        acceptable = True
        for param in params:
            name, _, value = param.partition("=")
            name, value = name.strip().lower(), value.strip().strip('"').lower()
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
            elif name == "charset" and value not in ("utf-8", "utf8"):
                acceptable = False  # every answer is UTF-8
        if kind and acceptable:
            ranges.append(_Range(kind.lower(), quality))
    return ranges


def negotiate(accept: str | None) -> str | None:
    """The media type to answer in, or None when `Accept` allows neither (406)."""
    if accept is None or not accept.strip():
        return JSON
    best: tuple[float, int, str] | None = None
    for r in _ranges(accept):
        if r.quality <= 0:
            continue
        if r.kind == GRAPHQL_RESPONSE:
            choice = (r.quality, 2, GRAPHQL_RESPONSE)  # on a tie, the spec's own type
        elif r.kind == JSON:
            choice = (r.quality, 1, JSON)
        elif r.kind in ("*/*", "application/*"):
            choice = (r.quality, 0, JSON)  # the legacy default for anything-goes
        else:
            continue
        if best is None or choice[:2] > best[:2]:
            best = choice
    return best[2] if best else None


async def with_persisted_document(
    request: Request, redis: Redis, manifest: persisted.Manifest | None
) -> Request:
    """The request with the document its hash names put in (persisted.py); a request that
    names none is returned as it came. Raises persisted.Refusal."""
    if request.method == "GET":
        params = dict(request.query_params)
        payload: dict[str, Any] = dict(params)
        if "extensions" in params:
            try:
                payload["extensions"] = json.loads(params["extensions"])
            except ValueError:
                return request  # the view says what is wrong with it
        if not await persisted.resolve(payload, redis, manifest):
            return request
        params["query"] = payload["query"]
        scope = dict(request.scope)
        scope["query_string"] = urlencode(params).encode()
        return Request(scope, request.receive)
    if not request.headers.get("content-type", "").startswith(JSON):
        return request
    try:
        body = json.loads(await request.body())
    except (ValueError, RecursionError):
        return request  # the view says what is wrong with it
    if not isinstance(body, dict) or not await persisted.resolve(body, redis, manifest):
        return request
    return _with_body(request, json.dumps(body).encode())


def _with_body(request: Request, body: bytes) -> Request:
    scope = dict(request.scope)
    scope["headers"] = [
        (k, v) for k, v in request.scope["headers"] if k.lower() != b"content-length"
    ] + [(b"content-length", str(len(body)).encode())]

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(scope, receive)


def refused(refusal: persisted.Refusal) -> Response:
    """A persisted-document refusal, shaped like every GraphQL error (200 under JSON;
    `finish` makes it 400 under the spec's media type)."""
    body = {"errors": [{"message": refusal.message, "extensions": {"code": refusal.code}}]}
    return Response(json.dumps(body), 200, media_type=JSON)


def not_acceptable() -> Response:
    body = {
        "errors": [
            {
                "message": f"Accept {GRAPHQL_RESPONSE} or {JSON} (UTF-8)",
                "extensions": {"code": "NOT_ACCEPTABLE"},
            }
        ]
    }
    return Response(json.dumps(body), 406, media_type=JSON)


def finish(request: Request, response: Response, media: str) -> Response:
    """The view's answer in the negotiated media type, with the spec's status codes and,
    for GET, its cache headers."""
    if not response.headers.get("content-type", "").startswith(JSON):
        return response  # GraphiQL's page and the like
    body = bytes(response.body)
    status = response.status_code
    # Looked for, not parsed: a board answered from memory must stay cheap. A body that
    # merely mentions the word costs one parse and, over GET, one answer not kept.
    errors = b'"errors"' in body
    if errors and media == GRAPHQL_RESPONSE and status == 200:
        answer = _parse(body)
        if answer is not None and _request_error(answer):
            answer.pop("data", None)
            body, status = json.dumps(answer, ensure_ascii=False).encode(), 400
    headers = {k: v for k, v in response.headers.items() if k != "content-length"}
    headers["content-type"] = f"{media}; charset=utf-8"
    finished = Response(body, status, headers=headers)
    if request.method == "GET":
        return _revalidated(request, finished, errors=errors)
    return finished


def _parse(body: bytes) -> dict[str, object] | None:
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def _request_error(answer: dict[str, object]) -> bool:
    """Refused before execution: errors, no data, and none of them at a field's path."""
    errors = answer.get("errors")
    if not isinstance(errors, list) or not errors or answer.get("data") is not None:
        return False
    return all(isinstance(e, dict) and not e.get("path") for e in errors)


def _revalidated(request: Request, response: Response, *, errors: bool) -> Response:
    response.headers["vary"] = VARY
    if errors or response.status_code != 200:
        response.headers["cache-control"] = "no-store"
        return response
    scope = "private" if request.headers.get("authorization") else "public"
    response.headers["cache-control"] = f"{scope}, no-cache"
    tag = f'"{hashlib.sha256(bytes(response.body)).hexdigest()[:32]}"'
    response.headers["etag"] = tag
    wanted = request.headers.get("if-none-match", "")
    if wanted.strip() != "*" and tag not in (
        t.strip().removeprefix("W/") for t in wanted.split(",")
    ):
        return response
    kept = {
        k: v for k, v in response.headers.items() if k not in ("content-length", "content-type")
    }
    return Response(status_code=304, headers=kept)
