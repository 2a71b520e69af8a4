"""The Strawberry schema with its abuse limits and error handling."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import lru_cache

import strawberry
from cachetools import LRUCache
from graphql import DocumentNode, GraphQLSchema, OperationDefinitionNode, parse
from graphql.error import GraphQLError
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.schema import validate_document
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from foundation.settings import Settings
from gql.admin import AdminMutation, AdminQuery
from gql.cost import cost_limit_rule, expanded_selections
from gql.errors import CodedErrors
from gql.execution import LeafFastExecutionContext
from gql.model import ModelMutation, ModelQuery
from gql.mutations import Mutation as BaseMutation
from gql.queries import Query as BaseQuery
from gql.resolvers import lean_resolvers
from gql.suggestion import SuggestionMutation, SuggestionQuery
from gql.types import DateTimeUTC
from gql.versions import VersionMutation, VersionQuery

CACHED_DOCUMENTS = 256  # distinct query texts kept parsed and validated (LRU, bounded)

Query = merge_types("Query", (BaseQuery, AdminQuery, ModelQuery, VersionQuery, SuggestionQuery))
Mutation = merge_types(
    "Mutation", (BaseMutation, AdminMutation, VersionMutation, SuggestionMutation, ModelMutation)
)


@lru_cache(maxsize=CACHED_DOCUMENTS)
def _parse(query: str, max_tokens: int | None = None) -> DocumentNode:
    return parse(query, max_tokens=max_tokens)


class CachedParse(SchemaExtension):
    """Strawberry's ParserCache, except that a query that does not parse is left to Strawberry.

    Strawberry then parses it itself and reports the syntax (or token limit) error as the
    usual coded GraphQL error; only documents that parse are cached.
    """

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query and context.graphql_document is None:
            with contextlib.suppress(GraphQLError):
                context.graphql_document = _parse(context.query, **context.parse_options)
        yield


# (schema, document, rules) by their ids -> the same objects and the validation errors
Validated = tuple[object, object, tuple[object, ...], list[GraphQLError]]
_VALIDATED: LRUCache[tuple[int, ...], Validated] = LRUCache(CACHED_DOCUMENTS)


class CachedValidation(SchemaExtension):
    """Strawberry's ValidationCache, keyed by the parsed document itself rather than its value.

    Strawberry's cache is an `lru_cache` over (schema, document, rules): every request hashes
    the whole document, which walks every node of its syntax tree — ~2 % of a dashboard view.
    The documents come from `CachedParse`, one object per query text, so their identity is the
    key (kept alive in the entry, so an id is never taken for another document's).
    """

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        schema, document = context.schema._schema, context.graphql_document
        rules = tuple(context.validation_rules)
        key = (id(schema), id(document), *map(id, rules))
        found = _VALIDATED.get(key)
        if found is None or found[0] is not schema or found[1] is not document:
            assert document is not None  # parsed before validation, or the request failed
            found = (schema, document, rules, _validate(schema, document, rules))
            _VALIDATED[key] = found
        errors = found[3]
        if getattr(context, "_provided_operation_name", None) is None and _operations(document) > 1:
            # Strawberry would run the first operation; graphql-core's rule (and the spec) refuse
            errors = [*errors, GraphQLError(MULTIPLE_OPERATIONS)]
        context.pre_execution_errors = errors
        yield


# Selections a document may hold with its fragments written out, checked before the other
# rules run (some walk every expansion); legitimate documents hold a few hundred.
MAX_EXPANDED_SELECTIONS = 20_000


def _validate(
    schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
) -> list[GraphQLError]:
    expanded = expanded_selections(document)
    if expanded > MAX_EXPANDED_SELECTIONS:
        return [
            GraphQLError(
                f"the document holds {expanded} selections once its fragments are spread, more "
                f"than {MAX_EXPANDED_SELECTIONS}: spread fewer fragments, or smaller ones"
            )
        ]
    return validate_document(schema, document, rules)


MULTIPLE_OPERATIONS = "Must provide operation name if query contains multiple operations."


def _operations(document: DocumentNode | None) -> int:
    definitions = document.definitions if document is not None else ()
    return sum(isinstance(d, OperationDefinitionNode) for d in definitions)


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


def limit_rules(settings: Settings) -> list[type[ASTValidationRule]]:
    """The validation rules the settings add: depth, alias and cost limits, no introspection."""
    rules = [
        *QueryDepthLimiter(max_depth=settings.graphql_max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases).validation_rules,
        cost_limit_rule(settings.graphql_max_cost),
    ]
    if not settings.graphql_introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return rules


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema, guarded by depth, alias, cost and token limits from the settings."""
    settings = settings or Settings()
    tokens = settings.graphql_max_tokens
    # The limits' rule classes are made once, so a document validated before (same text, same
    # rules) is answered from the validation cache instead of being walked again per request.
    rules = limit_rules(settings)
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=tokens),
        lambda: AddValidationRules(rules),
        CachedParse,
        CachedValidation,
        CodedErrors,
    ]
    schema = _Schema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        scalar_overrides={datetime: DateTimeUTC},
        execution_context_class=LeafFastExecutionContext,
    )
    lean_resolvers(schema)
    return schema


def export_sdl() -> str:
    """The schema as SDL, as committed in schema.graphql."""
    return build_schema().as_str() + "\n"
