"""Plain values for the short execution path (gql/execution.py): leaves read and coerced,
lists of built-in scalars passed whole, rows of leaves; `FULL_PATH` where graphql-core's own
path must take over to report something unusual exactly as it does."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from math import isfinite
from operator import attrgetter
from types import GeneratorType, NoneType
from typing import Any, cast

from graphql import (
    GraphQLField,
    GraphQLObjectType,
    GraphQLOutputType,
    is_leaf_type,
    is_non_null_type,
)
from graphql.pyutils import Undefined
from graphql.type.scalars import serialize_boolean, serialize_float, serialize_id, serialize_string
from strawberry.schema.schema_converter import CustomGraphQLEnumType, GraphQLCoreConverter
from strawberry.types.field import StrawberryField

# (read, coerce, non-null, pass-through type) of a plain leaf field, or None when the field needs
# the full path: `read(source)` is its value; a value of exactly the pass-through type is its own
# coerced value
LeafPlan = tuple[Callable[[Any], Any], Callable[[Any], Any], bool, type | None] | None

# graphql-core's built-in scalars give back a value of these types unchanged (a float if finite)
PASS_THROUGH: tuple[tuple[Callable[[Any], Any], type], ...] = (
    (serialize_float, float),
    (serialize_string, str),
    (serialize_boolean, bool),
    (serialize_id, str),
)


FULL_PATH = object()


def leaf_value(plan: Any, source: Any) -> Any:
    """A plain leaf field's value, or FULL_PATH when graphql-core must resolve it."""
    read, coerce, non_null, exact = plan
    try:
        value = read(source)
    except Exception:
        return FULL_PATH
    if type(value) is exact and (exact is not float or isfinite(value)):
        return value
    return coerced_leaf(coerce, non_null, value)


def coerced_leaf(coerce: Callable[[Any], Any], non_null: bool, value: Any) -> Any:
    """A leaf's value as its type serialises it, None where it may be null, else FULL_PATH."""
    if value is None or value is Undefined:
        return FULL_PATH if non_null else None
    try:
        coerced = coerce(value)
    except Exception:
        return FULL_PATH
    return FULL_PATH if coerced is None or coerced is Undefined else coerced


NEVER_AWAITABLE: dict[type, bool] = {}


def never_awaitable(kind: type) -> bool:
    """Whether no value of this class can be None or awaitable (else each item is checked).

    Only a class with `__await__` (a coroutine, a future, a task) or a generator (which a
    decorator can make awaitable) can hold an awaitable.
    """
    found = NEVER_AWAITABLE.get(kind)
    if found is None:
        found = NEVER_AWAITABLE[kind] = kind is not type(None) and not (
            hasattr(kind, "__await__") or issubclass(kind, GeneratorType)
        )
    return found


def exact_type(leaf_type: Any) -> type | None:
    """The type whose values a built-in scalar gives back unchanged (None for other leaves)."""
    serialize = getattr(leaf_type, "serialize", None)
    return next((t for f, t in PASS_THROUGH if f is serialize), None)


def plain_leaves(exact: type | None, nullable: bool, items: list[Any] | tuple[Any, ...]) -> Any:
    """A list of a built-in scalar whose items all already have its type (`exact`, from
    `exact_type`; finite floats), nulls too where the items may be null, as graphql-core would
    complete it; None otherwise.

    A lead's 30-day sparkline is 30 floats, 1 500 per dashboard view, each completed through
    three calls otherwise; here the checks run in C (the items' types as a set, `isfinite`).
    """
    if exact is None:
        return None
    kinds = set(map(type, items))
    if not kinds <= ({exact, NoneType} if nullable else {exact}):
        return None
    if exact is float:
        values = items if NoneType not in kinds else [v for v in items if v is not None]
        if not all(map(isfinite, values)):
            return None
    return list(items)


def attribute_reader(field_def: GraphQLField) -> Callable[[Any], Any] | None:
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
    name = definition.python_name
    getter = _GETTERS.get(name)
    if getter is None:
        getter = _GETTERS[name] = attrgetter(name)
        ATTRIBUTE_OF[getter] = name
    return getter


_GETTERS: dict[str, Callable[[Any], Any]] = {}
# the attribute each of attribute_reader's getters reads (compiled rows read it directly)
ATTRIBUTE_OF: dict[Callable[[Any], Any], str] = {}


def output_coercer(leaf_type: Any) -> Callable[[Any], Any]:
    """The leaf type's `coerce_output_value`, by table for Strawberry's enums.

    Strawberry serialises an enum member by walking the type's values until one has the member's
    value: a lead's priority, status and tier crossings are 200 of them per dashboard view. The
    table holds what that walk finds for each member; anything else takes the walk itself.
    """
    coerce: Callable[[Any], Any] = leaf_type.coerce_output_value
    if type(leaf_type) is not CustomGraphQLEnumType:
        return coerce
    wrapped = cast("type[Enum]", leaf_type.wrapped_cls)
    names: dict[Any, str] = {}
    for member in wrapped:
        found = next((n for n, v in leaf_type.values.items() if member.value == v.value), None)
        if found is not None:
            names[member] = found

    def by_table(value: Any) -> Any:
        name = names.get(value) if type(value) is wrapped else None
        return coerce(value) if name is None else name

    return by_table


# (read, object type, return type, non-null) of a plain field holding an object
ObjectPlan = tuple[Callable[[Any], Any], GraphQLObjectType, GraphQLOutputType, bool]
# by id of the field, which the entry keeps alive (GraphQLField is not hashable)
_PLANS: dict[int, tuple[GraphQLField, LeafPlan, ObjectPlan | None]] = {}


def plain_plan(field_def: GraphQLField) -> tuple[LeafPlan, ObjectPlan | None]:
    """How a field can run directly: as a plain leaf, as a plain object, or neither."""
    known = _PLANS.get(id(field_def))
    if known is not None and known[0] is field_def:
        return known[1], known[2]
    leaf: LeafPlan = None
    inline: ObjectPlan | None = None
    resolve = field_def.resolve
    return_type = field_def.type
    non_null = is_non_null_type(return_type)
    inner = return_type.of_type if non_null else return_type  # type: ignore[union-attr]
    if resolve is not None and getattr(resolve, "_is_default", False) and not field_def.args:
        read = attribute_reader(field_def) or _reader(resolve)
        if is_leaf_type(inner):
            leaf = (read, output_coercer(inner), non_null, exact_type(inner))
        elif isinstance(inner, GraphQLObjectType) and inner.is_type_of is None:
            inline = (read, inner, return_type, non_null)
    _PLANS[id(field_def)] = (field_def, leaf, inline)
    return leaf, inline


def plain_reader(field_def: GraphQLField | None, details: Any) -> Callable[[Any], Any] | None:
    """How to read a plain field of any type (a default resolver, no arguments), else None."""
    if field_def is None or field_def.args or details[0].node.arguments:
        return None
    resolve = field_def.resolve
    if resolve is None or not getattr(resolve, "_is_default", False):
        return None
    return attribute_reader(field_def) or _reader(resolve)


def _reader(resolve: Callable[..., Any]) -> Callable[[Any], Any]:
    """A default resolver as a reader of its source (it ignores the resolve info)."""
    return lambda source: resolve(source, None)
