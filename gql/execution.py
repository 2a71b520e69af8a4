"""GraphQL execution with a short path for plain fields.

A page of 50 leads is some 1 000 field resolutions, and graphql-core builds a resolve-info object,
dispatches on the type and checks for awaitables for each of them. Most are plain attributes
(Strawberry marks such resolvers `_is_default`: no resolver, no permission, no argument) holding
a scalar, an enum or an object, and most lists hold plain objects. For those this context reads
the attribute and coerces the value, or executes the object's fields, itself; each selection's
plan is worked out once per request and shared by every item of a list; items whose selection is
plain leaves only (a lead's history points) are built as rows of values, and a value that already
has a built-in scalar's type is its own coerced value. Anything unusual — a null for a non-null
field, a value the type refuses, an exception, `@stream`, abstract types — goes back through
graphql-core's own path, which reports it exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable
from math import isfinite
from operator import attrgetter
from types import GeneratorType
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    is_leaf_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path, Undefined
from graphql.pyutils.gather_with_cancel import gather_with_cancel
from graphql.type.scalars import serialize_boolean, serialize_float, serialize_id, serialize_string
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

# (resolve, coerce, non-null, pass-through type) of a plain leaf field, or None when the field
# needs the full path; a value of exactly the pass-through type is its own coerced value
LeafPlan = tuple[Callable[..., Any], Callable[[Any], Any], bool, type | None] | None

# graphql-core's built-in scalars give back a value of these types unchanged (a float if finite)
_PASS_THROUGH: tuple[tuple[Callable[[Any], Any], type], ...] = (
    (serialize_float, float),
    (serialize_string, str),
    (serialize_boolean, bool),
    (serialize_id, str),
)


_FULL_PATH = object()
_LEAF, _OBJECT, _FIELD = 0, 1, 2
# (resolve, object type, return type, non-null) of a plain field holding an object
ObjectPlan = tuple[Callable[..., Any], GraphQLObjectType, GraphQLOutputType, bool]
FieldsPlan = list[tuple[str, FieldDetailsList, int, Any]]


class LeafFastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, resolving plain fields without the full machinery."""

    # By id of the field, which the entry keeps alive (GraphQLField is not hashable).
    _plans: dict[int, tuple[GraphQLField, LeafPlan, ObjectPlan | None]] = {}  # noqa: RUF012

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
        """The object's fields as graphql-core executes them, plain ones without its machinery.

        A plain leaf is read and coerced; a plain object field (a default resolver holding an
        object) has its own fields executed here at once. Anything unusual for either — a null
        where the type forbids it, a value the type refuses, an exception — and every other field
        go through graphql-core's `execute_field`, which reports it exactly as before.
        """
        if self._middleware:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        awaiting: list[str] = []
        try:
            for name, details, kind, plan in self._fields_plan(parent_type, grouped_field_set):
                result: Any = _FULL_PATH
                if kind == _LEAF:
                    result = _leaf_value(plan, source_value)
                elif kind == _OBJECT:
                    field_path = Path(path, name, parent_type.name)
                    result = self._object_value(
                        plan, source_value, details, field_path, position_context
                    )
                if result is _FULL_PATH:
                    field_path = Path(path, name, parent_type.name)
                    result = self.execute_field(
                        parent_type, source_value, details, field_path, position_context
                    )
                    if result is Undefined:
                        continue
                results[name] = result
                if kind != _LEAF and self.is_awaitable(result):
                    awaiting.append(name)
        except Exception:
            if awaiting:  # as graphql-core does: let the others settle, they may fail too
                self.settle_in_background([results[name] for name in awaiting])
            raise
        if not awaiting:
            return results

        async def awaited() -> dict[str, Any]:
            done = await gather_with_cancel(*(results[name] for name in awaiting))
            results.update(zip(awaiting, done, strict=True))
            return results

        return awaited()

    def _fields_plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> FieldsPlan:
        """How to execute each field of a selection (memoised per selection: list items share)."""
        memo: dict[int, tuple[Any, FieldsPlan]] = self.__dict__.setdefault("_selection_plans", {})
        known = memo.get(id(grouped_field_set))
        if known is not None and known[0] is grouped_field_set:
            return known[1]
        planned: FieldsPlan = []
        for name, details in grouped_field_set.items():
            node = details[0].node
            field_def = None
            if not node.arguments:
                field_def = self.schema.get_field(parent_type, node.name.value)
            leaf, inline = self._plan(field_def) if field_def is not None else (None, None)
            if leaf is not None:
                planned.append((name, details, _LEAF, leaf))
            elif inline is not None:
                planned.append((name, details, _OBJECT, inline))
            else:
                planned.append((name, details, _FIELD, None))
        memo[id(grouped_field_set)] = (grouped_field_set, planned)
        return planned

    def _object_value(
        self,
        plan: ObjectPlan,
        source: Any,
        details: FieldDetailsList,
        field_path: Path,
        position_context: Any,
    ) -> Any:
        """A plain object field's fields, or _FULL_PATH when graphql-core must resolve it."""
        resolve, object_type, return_type, non_null = plan
        try:
            value = resolve(source, None)
        except Exception:
            return _FULL_PATH
        if value is None or value is Undefined:
            return _FULL_PATH if non_null else None
        grouped, defer_usages, _ = self.collect_subfields(object_type, details)
        try:
            completed = self.execute_collected_subfields(
                object_type, value, field_path, grouped, defer_usages, position_context
            )
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, details, field_path)
            return None
        if self.is_awaitable(completed):
            return self._settled(completed, return_type, details, field_path)
        return completed

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        """A list of objects: each item's fields executed directly (no per-item dispatch).

        graphql-core completes every item through four generic calls that dispatch on the type and
        collect the sub-selection again; for a plain list of objects they all end in executing
        the item's fields, which is what this does. Anything else (null or awaitable items, an
        `isTypeOf` check, `@stream`, abstract or leaf items) takes graphql-core's path.
        """
        item_type = return_type.of_type
        object_type = item_type.of_type if is_non_null_type(item_type) else item_type
        if (
            is_leaf_type(object_type)
            and isinstance(result, list | tuple)
            and self.get_stream_usage(field_details_list, path) is None
        ):
            plain = _plain_leaves(object_type, not is_non_null_type(item_type), result)
            if plain is not None:
                return plain
        if (
            not isinstance(result, list | tuple)
            or not isinstance(object_type, GraphQLObjectType)
            or object_type.is_type_of is not None
            or self.get_stream_usage(field_details_list, path) is not None
            or not all(_never_awaitable(kind) for kind in {type(item) for item in result})
        ):
            return super().complete_list_value(
                return_type, field_details_list, info, path, result, position_context
            )
        grouped, defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        leaves = None if defer_usages else self._leaves_only(object_type, grouped)
        completed: list[Any] = []
        pending: list[int] = []
        for index, item in enumerate(result):
            if leaves is not None:
                row = _leaf_row(leaves, item)
                if row is not None:
                    completed.append(row)
                    continue
            item_path = path.add_key(index, None)
            try:
                value = self.execute_collected_subfields(
                    object_type, item, item_path, grouped, defer_usages, position_context
                )
            except Exception as raw_error:
                self.handle_field_error(raw_error, item_type, field_details_list, item_path)
                value = None
            if self.is_awaitable(value):
                value = self._settled(value, item_type, field_details_list, item_path)
                pending.append(index)
            completed.append(value)
        if not pending:
            return completed

        async def awaited() -> list[Any]:
            done = await gather_with_cancel(*(completed[index] for index in pending))
            for index, value in zip(pending, done, strict=True):
                completed[index] = value
            return completed

        return awaited()

    def _leaves_only(
        self, object_type: GraphQLObjectType, grouped: Any
    ) -> list[tuple[str, Any]] | None:
        """(name, leaf plan) of each field when the selection is plain leaves only, else None.

        Such items (a lead's history points) are built as a row of values in one loop; an item
        with anything unusual in it is executed the usual way instead.
        """
        if self._middleware:
            return None
        planned = self._fields_plan(object_type, grouped)
        if any(kind != _LEAF for _, _, kind, _ in planned):
            return None
        return [(name, plan) for name, _, _, plan in planned]

    async def _settled(
        self, value: Any, item_type: Any, field_details_list: FieldDetailsList, item_path: Path
    ) -> Any:
        """An awaited item, its error reported as graphql-core reports a list item's."""
        try:
            return await value
        except Exception as raw_error:
            self.handle_field_error(raw_error, item_type, field_details_list, item_path)
            return None

    @classmethod
    def _plan(cls, field_def: GraphQLField) -> tuple[LeafPlan, ObjectPlan | None]:
        """How a field can run directly: as a plain leaf, as a plain object, or neither."""
        known = cls._plans.get(id(field_def))
        if known is not None and known[0] is field_def:
            return known[1], known[2]
        leaf: LeafPlan = None
        inline: ObjectPlan | None = None
        resolve = field_def.resolve
        return_type = field_def.type
        non_null = is_non_null_type(return_type)
        inner = return_type.of_type if non_null else return_type  # type: ignore[union-attr]
        if resolve is not None and getattr(resolve, "_is_default", False) and not field_def.args:
            resolve = _attribute_reader(field_def) or resolve
            if is_leaf_type(inner):
                serialize = getattr(inner, "serialize", None)
                exact = next((t for f, t in _PASS_THROUGH if f is serialize), None)
                leaf = (resolve, inner.coerce_output_value, non_null, exact)
            elif isinstance(inner, GraphQLObjectType) and inner.is_type_of is None:
                inline = (resolve, inner, return_type, non_null)
        cls._plans[id(field_def)] = (field_def, leaf, inline)
        return leaf, inline


def _leaf_value(plan: Any, source: Any) -> Any:
    """A plain leaf field's value, or _FULL_PATH when graphql-core must resolve it."""
    resolve, coerce, non_null, exact = plan
    try:
        value = resolve(source, None)
        if type(value) is exact and (exact is not float or isfinite(value)):
            return value
        if value is None or value is Undefined:
            return _FULL_PATH if non_null else None
        coerced = coerce(value)
    except Exception:
        return _FULL_PATH
    return _FULL_PATH if coerced is None or coerced is Undefined else coerced


_NEVER_AWAITABLE: dict[type, bool] = {}


def _never_awaitable(kind: type) -> bool:
    """Whether no value of this class can be None or awaitable (else each item is checked).

    Only a class with `__await__` (a coroutine, a future, a task) or a generator (which a
    decorator can make awaitable) can hold an awaitable.
    """
    found = _NEVER_AWAITABLE.get(kind)
    if found is None:
        found = _NEVER_AWAITABLE[kind] = kind is not type(None) and not (
            hasattr(kind, "__await__") or issubclass(kind, GeneratorType)
        )
    return found


def _plain_leaves(leaf_type: Any, nullable: bool, items: list[Any] | tuple[Any, ...]) -> Any:
    """A list of a built-in scalar whose items all already have its type (finite floats),
    nulls too where the items may be null, as graphql-core would complete it; None otherwise.

    A lead's 30-day sparkline is 30 floats, 1 500 per dashboard view, each completed through
    three calls otherwise.
    """
    exact = next((t for f, t in _PASS_THROUGH if f is leaf_type.serialize), None)
    if exact is None:
        return None
    for value in items:
        kind = type(value)
        if kind is float:
            if exact is not float or not isfinite(value):
                return None
        elif kind is not exact and not (value is None and nullable):
            return None
    return list(items)


def _leaf_row(leaves: list[tuple[str, Any]], item: Any) -> dict[str, Any] | None:
    """An item's plain leaf fields, or None when one of them must take the full path."""
    row: dict[str, Any] = {}
    for name, plan in leaves:
        value = _leaf_value(plan, item)
        if value is _FULL_PATH:
            return None
        row[name] = value
    return row


def _attribute_reader(field_def: GraphQLField) -> Callable[[Any, Any], Any] | None:
    """The attribute read a default resolver does, without its two calls and a dict lookup.

    Strawberry's default resolver calls `field.get_result`, which calls `getattr(source, name)`
    (its configured default resolver); when that is plain `getattr`, reading the attribute is the
    same. Anything else (another default resolver, a resolver of its own) keeps Strawberry's.
    """
    definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if (
        not isinstance(definition, StrawberryField)
        or definition.base_resolver is not None
        or definition.default_resolver is not getattr
    ):
        return None
    read = attrgetter(definition.python_name)
    return lambda source, _info: read(source)
