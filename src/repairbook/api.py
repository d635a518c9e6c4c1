"""The GraphQL API assembled: every domain's queries and mutations, limits and error mapping.

It lives above `schema/` (types) and `resolvers/` (fields), so neither imports the other's
way back: resolvers use schema types, and only this module knows every resolver.
"""

from __future__ import annotations

from functools import cache, partial
from typing import Any

import strawberry
from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from graphql.validation import ASTValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions import max_aliases as aliases_limiter
from strawberry.extensions import query_depth_limiter as depth_limiter
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
from repairbook.resolvers.shop import ShopQuery
from repairbook.schema.descriptions import describe
from repairbook.schema.errors import ErrorCodes, SubscriptionsOverWebsocket
from repairbook.schema.execution import SharedEventExecution
from repairbook.schema.request_checks import RequestChecks
from repairbook.schema.scalars import scalars
from repairbook.schema.trusted import TrustedDocumentsOnly

Query = merge_types(
    "Query",
    (AccountQuery, ShopQuery, CatalogQuery, BookingQuery, NotificationQuery, CampaignQuery),
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


# Distinct documents parsed and validated once per process: the board, the forms, the lists.
CACHED_DOCUMENTS = 256


@cache
def build_schema(
    max_depth: int = 10,
    max_aliases: int = 30,
    max_tokens: int = 2000,
    *,
    timezone: str = "Europe/Moscow",
    introspection: bool = True,
) -> RepairbookSchema:
    # The rules are made once, so that a document validated once is found in the cache: the
    # limiters strawberry offers make a new rule class per request.
    rules: list[type[ASTValidationRule]] = [
        depth_limiter.create_validator(max_depth, should_ignore=None),
        aliases_limiter.create_validator(max_aliases),
    ]
    if not introspection:
        rules.insert(0, NoSchemaIntrospectionCustomRule)
    extensions: list[Any] = [
        partial(ParserCache, maxsize=CACHED_DOCUMENTS),
        partial(MaxTokensLimiter, max_token_count=max_tokens),
        partial(AddValidationRules, rules),
        # Before RequestChecks: a request it refuses gets its refusal, not validation errors.
        partial(ValidationCache, maxsize=CACHED_DOCUMENTS),
        RequestChecks,
        TrustedDocumentsOnly,  # after RequestChecks: its refusal is the one a caller sees
        SubscriptionsOverWebsocket,
        ErrorCodes,
    ]
    schema = RepairbookSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        execution_context_class=SharedEventExecution,
        scalar_overrides=scalars(timezone),
        extensions=extensions,
    )
    describe(schema._schema)
    return schema


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
