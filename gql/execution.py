"""GraphQL execution with a short path for plain leaf fields.

A page of 50 leads is some 800 field resolutions, and graphql-core builds a resolve-info object,
dispatches on the type and checks for awaitables for each of them. Most are plain attributes
returning a scalar or an enum (Strawberry marks such resolvers `_is_default`: no resolver, no
permission, no argument), so for those this context reads the attribute and coerces the value
itself. Anything unusual — a null for a non-null field, a value the type refuses, an exception —
goes back through graphql-core's own path, which reports it exactly as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from graphql import GraphQLField, GraphQLObjectType, is_leaf_type, is_non_null_type
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# (resolve, coerce, non-null) of a plain leaf field, or None when the field needs the full path
LeafPlan = tuple[Callable[..., Any], Callable[[Any], Any], bool] | None


_FULL_PATH = object()


def _in_order(
    grouped_field_set: Any, leaves: dict[str, Any], others: dict[str, Any]
) -> dict[str, Any]:
    """Both halves of an object's fields, in the order the query asked for them."""
    return {
        name: leaves[name] if name in leaves else others[name]
        for name in grouped_field_set
        if name in leaves or name in others
    }


class LeafFastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, resolving plain leaf fields without the full machinery."""

    # By id of the field, which the entry keeps alive (GraphQLField is not hashable).
    _plans: dict[int, tuple[GraphQLField, LeafPlan]] = {}  # noqa: RUF012 - shared on purpose

    @property
    def _middleware(self) -> bool:
        """Whether a field middleware (an extension's `resolve`) must see every field."""
        manager = self.middleware_manager
        return manager is not None and bool(manager.middlewares)

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        """The object's fields: plain leaves read at once, the rest as graphql-core does it."""
        if self._middleware:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        rest: dict[str, Any] = {}
        for response_name, field_details_list in grouped_field_set.items():
            value = self._leaf(parent_type, source_value, field_details_list)
            if value is _FULL_PATH:
                rest[response_name] = field_details_list
            else:
                results[response_name] = value
        if not rest:
            return results
        others = super().execute_fields(parent_type, source_value, path, rest, position_context)
        if not self.is_awaitable(others):
            return _in_order(grouped_field_set, results, cast("dict[str, Any]", others))

        async def merged() -> dict[str, Any]:
            done = await cast("Awaitable[dict[str, Any]]", others)
            return _in_order(grouped_field_set, results, done)

        return merged()

    def _leaf(self, parent_type: GraphQLObjectType, source: Any, details: FieldDetailsList) -> Any:
        """A plain leaf field's value, or _FULL_PATH when graphql-core must resolve it."""
        node = details[0].node
        if node.arguments:
            return _FULL_PATH
        field_def = self.schema.get_field(parent_type, node.name.value)
        plan = self._plan(field_def) if field_def is not None else None
        if plan is None:
            return _FULL_PATH
        resolve, coerce, non_null = plan
        try:
            value = resolve(source, None)
            if value is None or value is Undefined:
                return _FULL_PATH if non_null else None
            coerced = coerce(value)
        except Exception:
            return _FULL_PATH
        return _FULL_PATH if coerced is None or coerced is Undefined else coerced

    @classmethod
    def _plan(cls, field_def: GraphQLField) -> LeafPlan:
        known = cls._plans.get(id(field_def))
        if known is not None and known[0] is field_def:
            return known[1]
        plan: LeafPlan = None
        resolve = field_def.resolve
        return_type = field_def.type
        non_null = is_non_null_type(return_type)
        leaf = return_type.of_type if non_null else return_type  # type: ignore[union-attr]
        if (
            resolve is not None
            and getattr(resolve, "_is_default", False)
            and not field_def.args
            and is_leaf_type(leaf)
        ):
            plan = (resolve, leaf.coerce_output_value, non_null)
        cls._plans[id(field_def)] = (field_def, plan)
        return plan
