"""Cursor connections (Relay style) for long lists."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

import strawberry

from repairbook.db import Page
from repairbook.errors import InvalidInput
from repairbook.schema.ids import as_id


class _Row(Protocol):
    id: int


T = TypeVar("T")
R = TypeVar("R", bound=_Row)
MAX_PAGE = 100


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @classmethod
    def from_page(cls, page: Page[R], node: Callable[[R], T]) -> Connection[T]:
        edges = [Edge(cursor=encode_cursor(row.id), node=node(row)) for row in page.items]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
            ),
        )


def encode_cursor(row_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{row_id}".encode()).decode()


def decode_cursor(cursor: str | None) -> int:
    """The id after which the next page starts (0 for the first page)."""
    if not cursor:
        return 0
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "id" and (row_id := as_id(value)) is not None:
            return row_id
    except (ValueError, UnicodeDecodeError):
        pass
    raise InvalidInput("Not a cursor from this list", field="after")


def page_size(first: int) -> int:
    if not 1 <= first <= MAX_PAGE:
        raise InvalidInput(f"first must be 1 to {MAX_PAGE}", field="first")
    return first
