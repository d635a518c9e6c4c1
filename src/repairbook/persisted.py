"""Persisted documents: a request may name its document by SHA-256 instead of sending it.

- Automatic persisted queries (Apollo's protocol): `extensions.persistedQuery =
  {"version": 1, "sha256Hash": "<hex>"}`. Without `query`, a known hash is answered with
  its document; an unknown one with the error Apollo Client recognises
  (`PersistedQueryNotFound`, code `PERSISTED_QUERY_NOT_FOUND`), after which it sends hash
  and document together, and the pair is remembered in Redis (shared by every instance) for
  APQ_DAYS. A hash that is not the document's SHA-256 is refused (`BAD_USER_INPUT`).
- Trusted documents (`REPAIRBOOK_TRUSTED_DOCUMENTS=<manifest.json>`): the manifest is the
  only source of documents. A request names one by hash (as above, or the spec proposal's
  `documentId: "sha256:<hex>"`) or sends one of its documents verbatim; anything else is
  refused with `DOCUMENT_NOT_TRUSTED`, over HTTP and over the websocket alike. Manifests as
  frontend build tools write them: `{"<hash>": "<document>"}` (GraphQL Codegen's client
  preset, Relay) or Apollo's `{"format": "apollo-persisted-query-manifest", "operations":
  [{"id": "<hash>", "body": "<document>"}, ...]}`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
    print_ast,
)
from redis.asyncio import Redis
from redis.exceptions import RedisError

APQ_DAYS = 30  # an automatically persisted document lives this long after its last use
NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_TRUSTED = "DOCUMENT_NOT_TRUSTED"
_HASH = re.compile(r"[0-9a-f]{64}")
_KEY = "repairbook:apq:"
_MAX_TOKENS = 10_000  # a screen's document is far smaller; the limits refuse such anyway


class Refusal(Exception):
    """A request the persisted-document rules refuse, as a GraphQL error."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True, slots=True)
class Manifest:
    by_hash: dict[str, str]
    documents: frozenset[str]
    # The same documents in canonical form: build tools write them normalised, while a
    # normalised client cache (urql's graphcache) sends them in source order with
    # `__typename` added to every selection set. Either way it is the same operation.
    canonical: frozenset[str] = frozenset()

    def allows(self, document: str) -> bool:
        if document in self.documents or sha256(document) in self.by_hash:
            return True
        return canonical(document) in self.canonical


def canonical(document: str) -> str | None:
    """`document` with unaliased `__typename` selections dropped, and its definitions,
    selections and arguments in one order; None when it does not parse."""
    try:
        node = parse(document, no_location=True, max_tokens=_MAX_TOKENS)
    except GraphQLError:
        return None
    return print_ast(_ordered(node))


def _ordered(node: Any) -> Any:
    if isinstance(node, SelectionSetNode):
        kept = [
            _ordered(s)
            for s in node.selections or ()
            if not (isinstance(s, FieldNode) and s.name.value == "__typename" and not s.alias)
        ]
        return SelectionSetNode(selections=tuple(sorted(kept, key=print_ast)))
    if isinstance(node, DocumentNode):
        definitions = [_ordered(d) for d in node.definitions]
        return DocumentNode(definitions=tuple(sorted(definitions, key=print_ast)))
    if isinstance(
        node, (FieldNode, OperationDefinitionNode, FragmentDefinitionNode, InlineFragmentNode)
    ):
        changes: dict[str, Any] = {}
        if node.selection_set is not None:
            changes["selection_set"] = _ordered(node.selection_set)
        if isinstance(node, FieldNode):
            changes["arguments"] = tuple(sorted(node.arguments or (), key=lambda a: a.name.value))
        return _with(node, **changes)
    return node


_WITH_SELECTIONS = (FieldNode, OperationDefinitionNode, FragmentDefinitionNode, InlineFragmentNode)


def _with(node: Node, **changes: Any) -> Any:
    values = {key: getattr(node, key, None) for key in node.keys if key != "loc"}
    return type(node)(**(values | changes))


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


@cache
def load_manifest(path: Path) -> Manifest:
    """The manifest at `path` (read once per process); ValueError when it is not one."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    pairs: dict[str, str] = {}
    if isinstance(raw, dict) and isinstance(raw.get("operations"), list):
        for operation in raw["operations"]:
            pairs[str(operation["id"])] = str(operation["body"])
    elif isinstance(raw, dict):
        pairs = {str(k).removeprefix("sha256:"): str(v) for k, v in raw.items()}
    else:
        raise ValueError(f"{path} is not a persisted documents manifest")
    forms = {canonical(document) for document in pairs.values()}
    return Manifest(pairs, frozenset(pairs.values()), frozenset(f for f in forms if f))


def requested_hash(payload: dict[str, Any]) -> str | None:
    """The SHA-256 a request names its document by, if any (lower-case hex)."""
    document_id = payload.get("documentId")
    if isinstance(document_id, str):
        return _checked(document_id.removeprefix("sha256:"))
    extensions = payload.get("extensions")
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    if not isinstance(persisted, dict):
        return None
    if persisted.get("version") != 1:
        raise Refusal("Only version 1 of persisted queries is known", "BAD_USER_INPUT")
    return _checked(persisted.get("sha256Hash"))


def _checked(value: object) -> str:
    if not isinstance(value, str) or not _HASH.fullmatch(value.lower()):
        raise Refusal("sha256Hash must be 64 hexadecimal digits", "BAD_USER_INPUT")
    return value.lower()


async def resolve(payload: dict[str, Any], redis: Redis, manifest: Manifest | None) -> bool:
    """Fills `payload["query"]` from the hash it names; True when the payload changed.
    Raises Refusal for what the rules refuse."""
    digest = requested_hash(payload)
    query = payload.get("query")
    if manifest is not None:
        return _trusted(payload, digest, query, manifest)
    if digest is None:
        return False
    if isinstance(query, str) and query:
        if sha256(query) != digest:
            raise Refusal("sha256Hash is not the SHA-256 of the query", "BAD_USER_INPUT")
        await _remember(redis, digest, query)
        return False
    known = await _recall(redis, digest)
    if known is None:
        raise Refusal("PersistedQueryNotFound", NOT_FOUND)
    payload["query"] = known
    return True


def _trusted(
    payload: dict[str, Any], digest: str | None, query: object, manifest: Manifest
) -> bool:
    if isinstance(query, str) and query:
        if not manifest.allows(query):
            raise Refusal("Only the frontend's own documents are accepted here", NOT_TRUSTED)
        return False
    if digest is None:
        return False  # no document at all: the view says so
    known = manifest.by_hash.get(digest)
    if known is None:
        raise Refusal("Only the frontend's own documents are accepted here", NOT_TRUSTED)
    payload["query"] = known
    return True


async def _remember(redis: Redis, digest: str, query: str) -> None:
    # Without Redis the client simply keeps sending the document.
    with contextlib.suppress(RedisError):
        await redis.set(_KEY + digest, query, ex=APQ_DAYS * 86_400)


async def _recall(redis: Redis, digest: str) -> str | None:
    try:
        value = await redis.getex(_KEY + digest, ex=APQ_DAYS * 86_400)
    except RedisError:
        return None  # the client retries with the document
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else str(value)
