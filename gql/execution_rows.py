"""Rows: the items of a list of objects built by one plan, not field by field.

A dashboard view's 50 leads are some 1 200 values. Through `execute_fields` every item pays, for
each field, a dispatch on its plan; for each nested object (owner, raw, trend) a sub-selection
lookup and another `execute_fields`; for each lean field (sparkline, trend) graphql-core's
`complete_value`, which dispatches on the type again. A row plan is worked out once per selection
(gql/execution.py): the object's leaves, its plain nested objects with their own row plans, and
its lean fields with how their value completes — a list of built-in scalars, an object, a list
of objects, or a leaf. An item is then built by walking that plan.

The first thing unusual — a null where the type forbids it, a value its type refuses, an
exception, an awaitable — abandons the row (`FULL_PATH`), and the item is executed the usual way,
which reports it exactly as graphql-core does. A lean resolver then runs a second time for that
item; lean resolvers only read (gql/resolvers.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import isfinite
from typing import Any

from graphql import GraphQLField, GraphQLObjectType
from graphql.language import FieldNode
from graphql.pyutils import Path, Undefined

from gql.execution_values import FULL_PATH, coerced_leaf, never_awaitable, plain_leaves

ROW_LEAF, ROW_OBJECT, ROW_LEAN, ROW_VALUE = 0, 1, 2, 3
# how a lean field's value completes
SCALAR, SCALARS, OBJECT, OBJECTS = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class Completion:
    """How a lean field's value completes: its kind, whether it may be null, the leaf plan or
    (pass-through type, items nullable) of scalars, the row plan of objects, whether items may
    be null."""

    kind: int
    non_null: bool
    leaf: Any = None
    rows: RowPlan | None = None
    items_non_null: bool = True

    @property
    def with_path(self) -> bool:
        """Whether completing needs the field's path (a lean field in the objects)."""
        return self.rows is not None and self.rows.with_path


@dataclass(frozen=True, slots=True)
class LeanField:
    """A lean field in a row: its definition, nodes, the selection's arguments, its resolver."""

    field_def: GraphQLField
    nodes: list[FieldNode]
    arguments: dict[str, Any]
    resolve: Callable[..., Any]
    completion: Completion
    with_info: bool  # False: the resolver takes no resolve info (it is given None)

    @property
    def with_path(self) -> bool:
        """Whether the field's path is needed: for its resolve info, or for its objects'."""
        return self.with_info or self.completion.with_path


@dataclass(frozen=True, slots=True)
class RowPlan:
    """How to build an item of `object_type` for one selection.

    `fields` holds (response name, ROW_LEAF, leaf plan), (name, ROW_OBJECT, (read, row plan,
    non-null)), (name, ROW_LEAN, LeanField) or (name, ROW_VALUE, (read, Completion)) for a plain
    field holding a list, in the selection's order; `info` is the execution
    context's `build_resolve_info`; `with_path` says whether building needs the item's path (a
    lean field sits in it, or in a nested object).
    """

    object_type: GraphQLObjectType
    fields: list[tuple[str, int, Any]]
    info: Callable[..., Any]
    with_path: bool

    def build(self, item: Any, path: Path | None) -> Any:
        """The item's values by response name, or FULL_PATH."""
        row: dict[str, Any] = {}
        typename = self.object_type.name
        for name, kind, plan in self.fields:
            if kind == ROW_LEAF:
                read, coerce, non_null, exact = plan
                try:
                    value = read(item)
                except Exception:
                    return FULL_PATH
                if value is None:
                    if non_null:
                        return FULL_PATH
                elif type(value) is not exact or (exact is float and not isfinite(value)):
                    value = coerced_leaf(coerce, non_null, value)
                    if value is FULL_PATH:
                        return FULL_PATH
            elif kind == ROW_OBJECT:
                read, rows, non_null = plan
                try:
                    value = read(item)
                except Exception:
                    return FULL_PATH
                inner = Path(path, name, typename) if rows.with_path else None
                value = _object(rows, non_null, value, inner)
                if value is FULL_PATH:
                    return FULL_PATH
            elif kind == ROW_LEAN:
                inner = Path(path, name, typename) if plan.with_path else None
                value = self._lean(plan, item, inner)
                if value is FULL_PATH:
                    return FULL_PATH
            else:
                read, completion = plan
                try:
                    value = read(item)
                except Exception:
                    return FULL_PATH
                inner = Path(path, name, typename) if completion.with_path else None
                value = _complete(completion, value, inner)
                if value is FULL_PATH:
                    return FULL_PATH
            row[name] = value
        return row

    def _lean(self, lean: LeanField, item: Any, path: Path | None) -> Any:
        info = (
            self.info(lean.field_def, lean.nodes, self.object_type, path)
            if lean.with_info
            else None
        )
        try:
            value = lean.resolve(item, info, **lean.arguments)
        except Exception:
            return FULL_PATH
        if value is not None and not never_awaitable(type(value)):
            close = getattr(value, "close", None)  # a coroutine: the usual path runs it again
            if close is not None:
                close()
            return FULL_PATH
        return _complete(lean.completion, value, path)


def _complete(completion: Completion, value: Any, path: Any) -> Any:
    """A field's value completed as its type says, or FULL_PATH."""
    kind = completion.kind
    if value is None or value is Undefined:
        return FULL_PATH if completion.non_null else None
    if not never_awaitable(type(value)):
        return FULL_PATH
    if kind == SCALAR:
        _, coerce, non_null, exact = completion.leaf
        if type(value) is exact and (exact is not float or isfinite(value)):
            return value
        return coerced_leaf(coerce, non_null, value)
    if kind == OBJECT:
        assert completion.rows is not None
        return _object(completion.rows, True, value, path)
    if not isinstance(value, list | tuple):
        return FULL_PATH
    if kind == SCALARS:
        exact, nullable = completion.leaf
        found = plain_leaves(exact, nullable, value)
        return FULL_PATH if found is None else found
    assert completion.rows is not None
    return _objects(completion.rows, completion.items_non_null, value, path)


def _object(rows: RowPlan, non_null: bool, value: Any, path: Path | None) -> Any:
    """A nested object's row (None where it may be null), or FULL_PATH."""
    if value is None or value is Undefined:
        return FULL_PATH if non_null else None
    if not never_awaitable(type(value)):
        return FULL_PATH
    return rows.build(value, path)


def _objects(rows: RowPlan, items_non_null: bool, items: Any, path: Path) -> Any:
    """A list of objects' rows, or FULL_PATH."""
    built: list[Any] = []
    for index, item in enumerate(items):
        value = _object(rows, items_non_null, item, path.add_key(index) if rows.with_path else None)
        if value is FULL_PATH:
            return FULL_PATH
        built.append(value)
    return built
