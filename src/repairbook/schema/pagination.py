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


@strawberry.type(description="Where a page of a connection ends, and whether more follow.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="True when another page follows: ask again with `after: endCursor`."
    )
    end_cursor: str | None = strawberry.field(
        description="The last edge's cursor (opaque); null for an empty page."
    )


@strawberry.type(description="One item of a connection, with the cursor that points after it.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque; pass it as `after` to read on.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(
    description=(
        "A page of a list that can grow: `first` items (1–100) after the `after` cursor. "
        "BAD_USER_INPUT on `first` out of range or a cursor from another list."
    )
)
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="This page's items, in list order.")
    page_info: PageInfo = strawberry.field(description="Whether more follow, and from where.")
    total_count: int = strawberry.field(
        description="How many items the whole list has (every page), as of this read."
    )

    @classmethod
    def from_page(cls, page: Page[R], node: Callable[[R], T]) -> Connection[T]:
        if page.offset is None:
            cursors = [encode_cursor(row.id) for row in page.items]
        else:
            cursors = [_position(page.offset + n) for n in range(1, len(page.items) + 1)]
        edges = [Edge(cursor=c, node=node(row)) for c, row in zip(cursors, page.items, strict=True)]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
            ),
            total_count=page.total,
        )

    @classmethod
    def of_nodes(cls, page: Page[T]) -> Connection[T]:
        """For pages read by position whose items are converted already."""
        assert page.offset is not None
        cursors = [_position(page.offset + n) for n in range(1, len(page.items) + 1)]
        edges = [Edge(cursor=c, node=item) for c, item in zip(cursors, page.items, strict=True)]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
            ),
            total_count=page.total,
        )


def _position(after: int) -> str:
    return base64.urlsafe_b64encode(f"at:{after}".encode()).decode()


def decode_position(cursor: str | None) -> int:
    """How many items come before the next page (0 for the first page)."""
    if not cursor:
        return 0
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "at" and value.isascii() and value.isdigit() and len(value) <= 9:
            return int(value)
    except (ValueError, UnicodeDecodeError):
        pass
    raise InvalidInput("Not a cursor from this list", field="after")


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
