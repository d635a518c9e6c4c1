"""Checks every request passes before it runs, over HTTP and the websocket alike.

- Every string a caller sends, in variables or written in the document, is checked here,
  once: control characters (NUL and the rest of C0 and C1, but tab and line breaks) and
  lone surrogates are refused with BAD_USER_INPUT and the field they were in. Nothing of
  the kind reaches a service or PostgreSQL.
- A document with several operations must name the one to run (over HTTP, a 400).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLError,
    ObjectFieldNode,
    OperationDefinitionNode,
    StringValueNode,
    Visitor,
    visit,
)
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from repairbook.errors import ErrorCode

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class RequestChecks(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        # Before graphql-core validates: a refused request is not validated, let alone run.
        context = self.execution_context
        document = context.graphql_document
        problem = None
        if document is not None:
            # strawberry's operation_name falls back to the first operation's name; what
            # the caller sent is kept as _provided_operation_name.
            asked = getattr(context, "_provided_operation_name", context.operation_name)
            problem = _unnamed_choice(document, asked)
            response = getattr(context.context, "response", None)
            if problem is not None and isinstance(response, Response):
                response.status_code = 400  # what the README promises: the request is malformed
            problem = problem or _bad_literal(document)
        problem = problem or _bad_variable(context.variables or {})
        if problem is not None:
            context.pre_execution_errors = [problem]
        yield


def _refusal(message: str, field: str | None) -> GraphQLError:
    extensions: dict[str, Any] = {"code": ErrorCode.BAD_USER_INPUT.value}
    if field:
        extensions["field"] = field
    return GraphQLError(message, extensions=extensions)


def _unsafe(field: str | None) -> GraphQLError:
    return _refusal("Control characters and broken Unicode are not accepted", field)


def _unnamed_choice(document: DocumentNode, operation_name: str | None) -> GraphQLError | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None and len(operations) > 1:
        return _refusal("The document has several operations: say which (operationName)", None)
    return None


def _bad_variable(value: Any, field: str | None = None) -> GraphQLError | None:
    """The first unsafe string anywhere in the variables, named by its innermost key."""
    stack: list[tuple[Any, str | None]] = [(value, field)]
    while stack:
        item, name = stack.pop()
        if isinstance(item, str):
            if _FORBIDDEN.search(item):
                return _unsafe(name)
        elif isinstance(item, dict):
            for key, inner in item.items():
                if isinstance(key, str) and _FORBIDDEN.search(key):
                    return _unsafe(name)
                stack.append((inner, key))
        elif isinstance(item, list):
            stack.extend((inner, name) for inner in item)
    return None


def _bad_literal(document: DocumentNode) -> GraphQLError | None:
    finder = _Literals()
    visit(document, finder)
    return finder.found


class _Literals(Visitor):
    """Strings written in the document itself, named by the argument or input field."""

    def __init__(self) -> None:
        super().__init__()
        self.found: GraphQLError | None = None
        self._names: list[str] = []

    def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
        self._names.append(node.name.value)

    def leave_argument(self, node: ArgumentNode, *_: Any) -> None:
        self._names.pop()

    def enter_object_field(self, node: ObjectFieldNode, *_: Any) -> None:
        self._names.append(node.name.value)

    def leave_object_field(self, node: ObjectFieldNode, *_: Any) -> None:
        self._names.pop()

    def enter_string_value(self, node: StringValueNode, *_: Any) -> Any:
        if self.found is None and _FORBIDDEN.search(node.value):
            self.found = _unsafe(self._names[-1] if self._names else None)
            return Visitor.BREAK
        return None
