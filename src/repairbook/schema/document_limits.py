"""Bounds on a document's shape, checked before graphql-core validates it.

graphql-core's OverlappingFieldsCanBeMergedRule compares every pair of fields that share a
response name, recursively, and every pair of fragments spread side by side: an 8 KB
anonymous document (`{ carModels { engine { id } } }` 280 times) kept the event loop for
over a second. These bounds make such pairs impossible or few, far beyond what a real
client sends (the largest document a screen needs has ~60 fields and a few fragments):

- a response name at most once in one selection set (inline fragments included): written
  twice, it is the same field asked twice;
- at most MAX_SELECTIONS selections in one selection set;
- at most MAX_FIELDS fields written in the whole document;
- at most MAX_FRAGMENTS fragment definitions, and MAX_SPREADS spreads in one selection set.

`bench/validation.py` measures the worst documents within these bounds.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.extensions import SchemaExtension, ValidationCache

from repairbook.errors import ErrorCode

MAX_FIELDS = 400
MAX_SELECTIONS = 100
MAX_FRAGMENTS = 32
MAX_SPREADS = 8


def shape_problem(document: DocumentNode) -> str | None:
    """What makes the document too costly to validate, or None."""
    fragments = [d for d in document.definitions if isinstance(d, FragmentDefinitionNode)]
    if len(fragments) > MAX_FRAGMENTS:
        return f"At most {MAX_FRAGMENTS} fragments in one document"
    roots = [
        d.selection_set
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode | FragmentDefinitionNode)
    ]
    fields = 0
    stack = list(roots)
    while stack:
        selection_set = stack.pop()
        names: set[str] = set()
        selections = spreads = 0
        for node in _flattened(selection_set):
            selections += 1
            if isinstance(node, FragmentSpreadNode):
                spreads += 1
                continue
            fields += 1
            name = (node.alias or node.name).value
            if name in names:
                return f"'{name}' is selected twice in one selection set: select it once"
            names.add(name)
            if node.selection_set is not None:
                stack.append(node.selection_set)
        if selections > MAX_SELECTIONS:
            return f"At most {MAX_SELECTIONS} selections in one selection set"
        if spreads > MAX_SPREADS:
            return f"At most {MAX_SPREADS} fragment spreads in one selection set"
        if fields > MAX_FIELDS:
            return f"At most {MAX_FIELDS} fields in one document"
    return None


def _flattened(selection_set: SelectionSetNode) -> Iterator[FieldNode | FragmentSpreadNode]:
    """A selection set's fields and spreads, with inline fragments opened in place (they
    merge into the same set)."""
    stack = [selection_set]
    while stack:
        for node in stack.pop().selections:
            if isinstance(node, InlineFragmentNode):
                stack.append(node.selection_set)
            elif isinstance(node, FieldNode | FragmentSpreadNode):
                yield node


class DocumentLimits(SchemaExtension):
    """Refuses a document over the bounds before graphql-core validates it (this extension
    comes before `CheckedValidationCache`, which then leaves it alone)."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        problem = shape_problem(document) if document is not None else None
        if problem is not None:
            code = ErrorCode.BAD_USER_INPUT.value
            context.pre_execution_errors = [GraphQLError(problem, extensions={"code": code})]
        yield


class CheckedValidationCache(ValidationCache):
    """strawberry's ValidationCache, skipped for a document already refused."""

    def on_validate(self) -> Iterator[None]:
        if self.execution_context.pre_execution_errors:
            yield
            return
        yield from super().on_validate()
