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
- at most MAX_FRAGMENTS fragment definitions, and MAX_SPREADS spreads in one selection set;
- at most MAX_EXPANDED_FIELDS fields once every fragment spread is written out in place
  (spreads inside fragments multiply).

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

MAX_FIELDS = 250
MAX_SELECTIONS = 100
MAX_FRAGMENTS = 32
MAX_SPREADS = 8
MAX_EXPANDED_FIELDS = 500


def shape_problem(document: DocumentNode) -> str | None:
    """What makes the document too costly to validate, or None."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if len(fragments) > MAX_FRAGMENTS:
        return f"At most {MAX_FRAGMENTS} fragments in one document"
    fields = 0
    spreads_in: dict[str, list[str]] = {}  # per definition, the fragments it spreads
    own_fields: dict[str, int] = {}
    operations: list[str] = []
    for n, definition in enumerate(document.definitions):
        if isinstance(definition, FragmentDefinitionNode):
            key = definition.name.value
        elif isinstance(definition, OperationDefinitionNode):
            key = f" operation {n}"  # cannot clash with a fragment's name
            operations.append(key)
        else:
            continue
        counted = _walk(definition.selection_set, spreads_in.setdefault(key, []))
        if isinstance(counted, str):
            return counted
        own_fields[key] = counted
        fields += counted
        if fields > MAX_FIELDS:
            return f"At most {MAX_FIELDS} fields in one document"
    expanded = _Expansion(own_fields, spreads_in)
    if sum(expanded.size(key) for key in operations) > MAX_EXPANDED_FIELDS:
        return f"At most {MAX_EXPANDED_FIELDS} fields with every fragment spread written out"
    return None


def _walk(root: SelectionSetNode, spreads: list[str]) -> int | str:
    """The fields written in one definition (noting the fragments it spreads), or what is
    wrong with one of its selection sets."""
    fields = 0
    stack = [root]
    while stack:
        selection_set = stack.pop()
        names: set[str] = set()
        selections = spread_count = 0
        for node in _flattened(selection_set):
            selections += 1
            if isinstance(node, FragmentSpreadNode):
                spread_count += 1
                spreads.append(node.name.value)
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
        if spread_count > MAX_SPREADS:
            return f"At most {MAX_SPREADS} fragment spreads in one selection set"
        if fields > MAX_FIELDS:
            return f"At most {MAX_FIELDS} fields in one document"
    return fields


class _Expansion:
    """How many fields a definition has with every spread written out in place: spreads of
    spreads multiply, which graphql-core's overlap check follows one by one (a chain of 32
    fragments each spreading the next eight took minutes). Counted once per fragment; a
    cycle (refused by validation anyway) counts as too many."""

    def __init__(self, own: dict[str, int], spreads: dict[str, list[str]]) -> None:
        self.own, self.spreads = own, spreads
        self.sizes: dict[str, int] = {}
        self.open: set[str] = set()

    def size(self, key: str) -> int:
        if key in self.sizes:
            return self.sizes[key]
        if key in self.open:
            return MAX_EXPANDED_FIELDS + 1
        self.open.add(key)
        total = self.own.get(key, 0)
        for name in self.spreads.get(key, ()):
            total = min(total + self.size(name), MAX_EXPANDED_FIELDS + 1)
        self.open.discard(key)
        self.sizes[key] = total
        return total


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
