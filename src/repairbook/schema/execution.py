"""Execution shared between subscribers: a live board event goes to many subscribers who
see the same thing, so each (document, variables) is executed once per event, not once per
subscriber.

Events opt in by carrying a `rendered` dict (see `schema.live.SlotChange`); the live board
makes one such event per kind of viewer (states only, or with details), so what one
subscriber receives never depends on who else asked.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from graphql import OperationDefinitionNode
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class SharedEventExecution(StrawberryGraphQLCoreExecutionContext):
    def execute_operation(self, serially: bool | None = None) -> Any:
        rendered = getattr(self.root_value, "rendered", None)
        if not isinstance(rendered, dict):
            return super().execute_operation(serially)
        key = (_document_key(self.operation), _variables_key(self.variable_values.coerced))
        if key not in rendered:
            result = super().execute_operation(serially)
            rendered[key] = asyncio.ensure_future(result) if self.is_awaitable(result) else result
        found = rendered[key]
        # Shielded: a subscriber that leaves must not cancel the others' result.
        return asyncio.shield(found) if isinstance(found, asyncio.Future) else found


def _document_key(operation: OperationDefinitionNode) -> object:
    # The source text includes the fragments the operation uses; without one, the node.
    return operation.loc.source.body if operation.loc else id(operation)


def _variables_key(variables: dict[str, Any]) -> str:
    return json.dumps(variables, sort_keys=True, default=str)
