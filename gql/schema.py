"""The Strawberry schema with its abuse limits and error handling."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import strawberry
from graphql.error import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from foundation.settings import Settings
from gql.admin import AdminMutation, AdminQuery
from gql.errors import CodedErrors
from gql.model import ModelMutation, ModelQuery
from gql.mutations import Mutation as BaseMutation
from gql.queries import Query as BaseQuery
from gql.suggestion import SuggestionMutation, SuggestionQuery
from gql.types import DateTimeUTC
from gql.versions import VersionMutation, VersionQuery

Query = merge_types("Query", (BaseQuery, AdminQuery, ModelQuery, VersionQuery, SuggestionQuery))
Mutation = merge_types(
    "Mutation", (BaseMutation, AdminMutation, VersionMutation, SuggestionMutation, ModelMutation)
)


class _Schema(strawberry.Schema):
    """Strawberry's schema without its own error log line.

    Strawberry logs every error as `str(GraphQLError)`, which prints the query source around
    the error, inline arguments included (`login(password: "…")`). CodedErrors logs the
    unexpected errors instead, without the query.
    """

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log nothing: expected errors are answers, unexpected ones CodedErrors logs."""


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema, guarded by depth, alias and token limits from the settings."""
    settings = settings or Settings()
    depth, aliases, tokens = (
        settings.graphql_max_depth,
        settings.graphql_max_aliases,
        settings.graphql_max_tokens,
    )
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=depth),
        lambda: MaxAliasesLimiter(max_alias_count=aliases),
        lambda: MaxTokensLimiter(max_token_count=tokens),
        CodedErrors,
    ]
    if not settings.graphql_introspection:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    return _Schema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        scalar_overrides={datetime: DateTimeUTC},
    )


def export_sdl() -> str:
    """The schema as SDL, as committed in schema.graphql."""
    return build_schema().as_str() + "\n"
