"""The GraphQL API assembled: every domain's queries and mutations, limits and error mapping.

It lives above `schema/` (types) and `resolvers/` (fields), so neither imports the other's
way back: resolvers use schema types, and only this module knows every resolver.
"""

from __future__ import annotations

from functools import cache, partial
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from repairbook.config import Settings
from repairbook.resolvers.accounts import AccountMutation, AccountQuery
from repairbook.resolvers.booking import BookingMutation, BookingQuery
from repairbook.resolvers.campaigns import CampaignMutation, CampaignQuery
from repairbook.resolvers.cars import CarMutation
from repairbook.resolvers.catalog import CatalogMutation, CatalogQuery
from repairbook.resolvers.live import LiveSubscription
from repairbook.resolvers.notifications import NotificationMutation, NotificationQuery
from repairbook.schema.errors import ErrorCodes, SubscriptionsOverWebsocket
from repairbook.schema.execution import SharedEventExecution
from repairbook.schema.request_checks import RequestChecks
from repairbook.schema.scalars import scalars

Query = merge_types(
    "Query", (AccountQuery, CatalogQuery, BookingQuery, NotificationQuery, CampaignQuery)
)
Mutation = merge_types(
    "Mutation",
    (
        AccountMutation,
        CatalogMutation,
        CarMutation,
        BookingMutation,
        NotificationMutation,
        CampaignMutation,
    ),
)
Subscription = merge_types("Subscription", (LiveSubscription,))


class RepairbookSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Silenced: `ErrorCodes` logs the unexpected errors, with their request id."""


@cache
def build_schema(
    max_depth: int = 10,
    max_aliases: int = 30,
    max_tokens: int = 2000,
    *,
    timezone: str = "Europe/Moscow",
    introspection: bool = True,
) -> RepairbookSchema:
    extensions: list[Any] = [
        RequestChecks,
        partial(QueryDepthLimiter, max_depth=max_depth),
        partial(MaxAliasesLimiter, max_alias_count=max_aliases),
        partial(MaxTokensLimiter, max_token_count=max_tokens),
        SubscriptionsOverWebsocket,
        ErrorCodes,
    ]
    if not introspection:
        extensions.insert(1, DisableIntrospection)
    return RepairbookSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        execution_context_class=SharedEventExecution,
        scalar_overrides=scalars(timezone),
        extensions=extensions,
    )


def schema_for(settings: Settings) -> RepairbookSchema:
    return build_schema(
        settings.max_query_depth,
        settings.max_aliases,
        settings.max_tokens,
        timezone=settings.timezone,
        introspection=settings.introspection_enabled,
    )


def sdl() -> str:
    """The schema as SDL, as committed in `schema.graphql`."""
    return build_schema().as_str() + "\n"
