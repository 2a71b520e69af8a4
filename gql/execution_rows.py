"""Rows: the items of a list of objects built by one plan, not field by field.

A dashboard view's 50 leads are some 1 200 values. Through `execute_fields` every item pays, for
each field, a dispatch on its plan; for each nested object (owner, raw, trend) a sub-selection
lookup and another `execute_fields`; for each lean field (sparkline, trend) graphql-core's
`complete_value`, which dispatches on the type again. A row plan is worked out once per selection
(gql/execution.py): the object's leaves, its plain nested objects with their own row plans, and
its lean fields with how their value completes — a list of built-in scalars, an object, a list
of objects, or a leaf. Each plan is compiled into a function of straight-line code (generated
once per shape of plan, `compiled_build`), which builds an item.

The first thing unusual — a null where the type forbids it, a value its type refuses, an
exception, an awaitable — abandons the row (`FULL_PATH`), and the item is executed the usual way,
which reports it exactly as graphql-core does. A lean resolver then runs a second time for that
item; lean resolvers only read (gql/resolvers.py).
"""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Callable
from dataclasses import dataclass, field
from math import isfinite
from typing import Any

from graphql import GraphQLField, GraphQLObjectType
from graphql.language import FieldNode
from graphql.pyutils import Path, Undefined

from gql.execution_values import (
    ATTRIBUTE_OF,
    FULL_PATH,
    coerced_leaf,
    never_awaitable,
    plain_leaves,
)
from gql.resolvers import direct_call

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
    # the resolver as a call of the item alone, when it takes no info (gql/resolvers.py)
    direct: Callable[[Any], Any] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        direct = None if self.with_info else direct_call(self.resolve, self.arguments)
        object.__setattr__(self, "direct", direct)

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
    lean field sits in it, or in a nested object). `build(item, path)` gives the item's values
    by response name, or FULL_PATH: a function compiled for the plan's shape (`compiled_build`).
    """

    object_type: GraphQLObjectType
    fields: list[tuple[str, int, Any]]
    info: Callable[..., Any]
    with_path: bool
    build: Callable[[Any, Path | None], Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "build", compiled_build(self))

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


# -- compiled builds ----------------------------------------------------------------------------

# a plan's shape -> the function binding a plan's values into its build; the shapes are few
# (one per selection of an object type), all dropped at once should there ever be many
_FACTORIES: dict[tuple[Any, ...], Callable[..., Callable[[Any, Path | None], Any]]] = {}
FACTORIES_KEPT = 512
_NAMESPACE: dict[str, Any] = {}  # what the generated code refers to (filled below)


def compiled_build(rows: RowPlan) -> Callable[[Any, Path | None], Any]:
    """The plan's build as one function of straight-line code, field after field.

    Walking `fields` for each item was a third of a dashboard view's bytecode: the same
    unpacking, dispatch on the kind and checks for each of its 1 200 values. The code is
    generated from the plan's shape — each field's kind, whether it may be null, its pass-through
    type, the attribute it reads — so one compiled function serves every plan of that shape, with
    the plan's own readers, coercers, response names and nested builds as its arguments (no name
    from a query is ever part of the code). It does what the walk did, in the walk's order.
    """
    shape, values = _shape(rows)
    factory = _FACTORIES.get(shape)
    if factory is None:
        if len(_FACTORIES) >= FACTORIES_KEPT:
            _FACTORIES.clear()
        source = "\n".join(_code(shape)) + "\n"
        namespace = dict(_NAMESPACE)
        exec(compile(source, "<row build>", "exec"), namespace)  # the code generated by _code
        factory = namespace["make"]
        # its parameters are passed by position: _shape names the values in the same order for
        # every plan of a shape, so checking one plan checks them all
        if factory.__code__.co_varnames[: factory.__code__.co_argcount] != tuple(values):
            raise AssertionError(f"row code names {tuple(values)} out of order")
        _FACTORIES[shape] = factory
    return factory(*values.values())


def _shape(rows: RowPlan) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The plan's shape (what its code depends on), and the values its code names: field i's
    response name `k{i}`, reader `r{i}` (unless its attribute is read directly), coercer `c{i}`
    and pass-through type `e{i}`, nested build `b{i}`, lean field or completion `p{i}`."""
    values: dict[str, Any] = {"R": rows, "T": rows.object_type.name}
    shape: list[tuple[Any, ...]] = []
    for i, (name, kind, plan) in enumerate(rows.fields):
        values[f"k{i}"] = name
        if kind == ROW_LEAN:
            shape.append(_lean_shape(i, plan, values))
            continue
        read = plan[0]
        attribute = ATTRIBUTE_OF.get(read)
        if not (
            attribute and attribute.isascii() and attribute.isidentifier()
        ) or keyword.iskeyword(attribute):
            attribute = None
            values[f"r{i}"] = read
        if kind == ROW_LEAF:
            _, values[f"c{i}"], non_null, values[f"e{i}"] = plan
            shape.append((kind, attribute, non_null, plan[3]))
        elif kind == ROW_OBJECT:
            _, nested, non_null = plan
            values[f"b{i}"] = nested.build
            shape.append((kind, attribute, non_null, nested.with_path))
        else:
            values[f"p{i}"] = plan[1]
            shape.append((kind, attribute, plan[1].with_path))
    return tuple(shape), values


def _lean_shape(i: int, lean: LeanField, values: dict[str, Any]) -> tuple[Any, ...]:
    """A lean field's shape: called through `RowPlan._lean`, or directly (`d{i}`) with its
    completion written out for an object (`b{i}`) or a list of built-in scalars (`x{i}`)."""
    completion = lean.completion
    kind = completion.kind
    if lean.direct is None or kind not in (OBJECT, SCALARS):
        values[f"p{i}"] = lean
        return (ROW_LEAN, False, lean.with_path)
    values[f"d{i}"] = lean.direct
    if kind == OBJECT:
        assert completion.rows is not None
        values[f"b{i}"] = completion.rows.build
        return (ROW_LEAN, True, kind, completion.non_null, completion.rows.with_path, None)
    values[f"x{i}"], nullable = completion.leaf
    return (ROW_LEAN, True, kind, completion.non_null, False, nullable)


def _code(shape: tuple[tuple[Any, ...], ...]) -> list[str]:
    """The source of `make(**values)`, which returns the build of plans of this shape."""
    names = ["R", "T"]
    lines = ["    def build(item, path):"]
    for i, (kind, *rest) in enumerate(shape):
        v = f"v{i}"
        names.append(f"k{i}")
        if kind == ROW_LEAN and not rest[0]:
            names.append(f"p{i}")
            lines.append(f"        {v} = lean(R, p{i}, item, {_path(i, rest[1])})")
            lines += [f"        if {v} is FULL:", "            return FULL"]
            continue
        if kind == ROW_LEAN:
            _, completes, non_null, with_path, nullable = rest
            names.append(f"d{i}")
            lines += [
                "        try:",
                f"            {v} = d{i}(item)",
                "        except Exception:",
                "            return FULL",
                f"        if {v} is None or {v} is Undefined:",
                "            return FULL" if non_null else f"            {v} = None",
                f"        elif not never_awaitable(type({v})):",
                f"            close = getattr({v}, 'close', None)",
                "            if close is not None:",
                "                close()",
                "            return FULL",
            ]
            if completes == OBJECT:
                names.append(f"b{i}")
                lines.append(f"        else:\n            {v} = b{i}({v}, {_path(i, with_path)})")
            else:
                names.append(f"x{i}")
                lines += [
                    f"        elif not isinstance({v}, (list, tuple)):",
                    "            return FULL",
                    "        else:",
                    f"            {v} = plain_leaves(x{i}, {nullable}, {v})",
                    f"            if {v} is None:",
                    "                return FULL",
                ]
            lines += [f"        if {v} is FULL:", "            return FULL"]
            continue
        attribute = rest[0]
        if attribute is None:
            names.append(f"r{i}")
        lines += [
            "        try:",
            f"            {v} = {f'item.{attribute}' if attribute else f'r{i}(item)'}",
            "        except Exception:",
            "            return FULL",
        ]
        if kind == ROW_LEAF:
            _, non_null, exact = rest
            names += [f"c{i}", f"e{i}"]
            check = f"type({v}) is not e{i}"
            if exact is None:
                check = "True"
            elif exact is float:
                check += f" or not isfinite({v})"
            lines += [
                f"        if {v} is None:",
                "            return FULL" if non_null else "            pass",
                f"        elif {check}:",
                f"            if {v} is Undefined:",
                "                return FULL" if non_null else f"                {v} = None",
                "            else:",
                "                try:",
                f"                    {v} = c{i}({v})",
                "                except Exception:",
                "                    return FULL",
                f"                if {v} is None or {v} is Undefined:",
                "                    return FULL",
            ]
        elif kind == ROW_OBJECT:
            _, non_null, with_path = rest
            names.append(f"b{i}")
            lines += [
                f"        if {v} is None or {v} is Undefined:",
                "            return FULL" if non_null else f"            {v} = None",
                f"        elif not never_awaitable(type({v})):",
                "            return FULL",
                "        else:",
                f"            {v} = b{i}({v}, {_path(i, with_path)})",
                f"            if {v} is FULL:",
                "                return FULL",
            ]
        else:
            names.append(f"p{i}")
            lines.append(f"        {v} = complete(p{i}, {v}, {_path(i, rest[1])})")
            lines += [f"        if {v} is FULL:", "            return FULL"]
    result = ", ".join(f"k{i}: v{i}" for i in range(len(shape)))
    lines += ["        return {" + result + "}", "    return build"]
    return [f"def make({', '.join(names)}):", *lines]


def _path(i: int, needed: bool) -> str:
    return f"Path(path, k{i}, T)" if needed else "None"


_NAMESPACE.update(
    __builtins__=builtins,
    FULL=FULL_PATH,
    Path=Path,
    Undefined=Undefined,
    never_awaitable=never_awaitable,
    plain_leaves=plain_leaves,
    isfinite=isfinite,
    lean=RowPlan._lean,
    complete=_complete,
)
