"""Trusted documents (REPAIRBOOK_TRUSTED_DOCUMENTS) over every transport: HTTP requests are
resolved and refused before they reach the view (graphql_http.py); this holds the websocket
(and anything else that executes) to the same manifest."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from repairbook.persisted import NOT_TRUSTED, load_manifest


class TrustedDocumentsOnly(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        settings = getattr(context.context, "settings", None)
        path = getattr(settings, "trusted_documents", None)
        if path is not None and not load_manifest(path).allows(context.query or ""):
            context.pre_execution_errors = [
                GraphQLError(
                    "Only the frontend's own documents are accepted here",
                    extensions={"code": NOT_TRUSTED},
                )
            ]
        yield
