"""The Strawberry schema with its abuse limits and error handling."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from gql.errors import CodedErrors
from gql.mutations import Mutation
from gql.queries import Query
from server.settings import Settings


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema, guarded by depth, alias and token limits from the settings."""
    settings = settings or Settings()
    depth, aliases, tokens = (
        settings.graphql_max_depth, settings.graphql_max_aliases, settings.graphql_max_tokens
    )
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=depth),
        lambda: MaxAliasesLimiter(max_alias_count=aliases),
        lambda: MaxTokensLimiter(max_token_count=tokens),
        CodedErrors,
    ]
    if not settings.graphql_introspection:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    return strawberry.Schema(query=Query, mutation=Mutation, extensions=extensions)


def export_sdl() -> str:
    """The schema as SDL, as committed in schema.graphql."""
    return build_schema().as_str() + "\n"
