"""Lean resolvers: a plain synchronous resolver called without Strawberry's per-call layers.

For a field with a resolver of its own, Strawberry installs a chain that, on every call, builds
its `Info`, converts the arguments, runs the field extensions (none here) through `reduce` and
`partial`, and then calls the resolver through `get_result`. A dashboard view calls `history`
and `trend` for each of its 50 leads: the chain was some 12 % of the view.

For a field whose resolver is synchronous, with no field extension (permission classes are
extensions), no exception handler and arguments of built-in scalar types only (whose
conversion is the identity), `lean_resolvers` installs a resolver that does just what the chain
amounts to: the `Info`, the arguments by their Python names, and the call. graphql-core still
coerces the arguments, runs the schema's field middleware and reports errors as before.
Anything else keeps Strawberry's resolver. A lean resolver may run twice for one list item: when
the row that item was being built as is abandoned for something unusual, the item is executed
the usual way (gql/execution_rows.py). Resolvers of fields on objects only read.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, cast

import strawberry
from graphql import GraphQLObjectType, GraphQLResolveInfo
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.base import StrawberryOptional
from strawberry.types.field import StrawberryField

SCALARS = (int, float, str, bool)  # built-in scalars: Strawberry passes their values through
_LEAN: set[Callable[..., Any]] = set()  # the resolvers installed here
_WITHOUT_INFO: set[Callable[..., Any]] = set()  # those of them whose function takes no `info`
# those of them that take the source and plain arguments only: (function, Python argument names)
_DIRECT: dict[Callable[..., Any], tuple[Callable[..., Any], dict[str, str]]] = {}


def is_lean(resolve: Callable[..., Any]) -> bool:
    """Whether a field's resolver is a lean one (gql/execution.py works out its arguments once
    per selection, not once per item: they are plain values, converted by nothing else)."""
    return resolve in _LEAN


def takes_info(resolve: Callable[..., Any]) -> bool:
    """Whether a lean resolver uses its resolve info (else it may be given None)."""
    return resolve not in _WITHOUT_INFO


def lean_resolvers(schema: strawberry.Schema) -> list[str]:
    """Install lean resolvers where they do the same; the `Type.field` names that got one."""
    converter = schema.schema_converter
    if getattr(converter, "_exception_handler_specs", None) != ():
        return []  # handlers may turn an exception into a result: Strawberry's chain does that
    installed = []
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for name, field_def in graphql_type.fields.items():
            extensions = field_def.extensions or {}
            definition = extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if isinstance(definition, StrawberryField) and _plain(definition):
                field_def.resolve = _lean(definition, schema)
                installed.append(f"{graphql_type.name}.{name}")
    return installed


def _plain(field: StrawberryField) -> bool:
    resolver = field.base_resolver
    return (
        resolver is not None
        and callable(resolver.wrapped_func)
        and not field.is_async
        and not field.extensions
        and not field.is_subscription
        and all(_scalar(argument.type) for argument in field.arguments)
    )


def _scalar(kind: Any) -> bool:
    """A built-in scalar, or an optional one (Strawberry converts None to None)."""
    if isinstance(kind, StrawberryOptional):
        kind = kind.of_type
    return kind in SCALARS


def _lean(field: StrawberryField, schema: strawberry.Schema) -> Callable[..., Any]:
    resolver = field.base_resolver
    assert resolver is not None
    call = cast("Callable[..., Any]", resolver.wrapped_func)
    names = {
        schema.config.name_converter.from_argument(argument): argument.python_name
        for argument in field.arguments
    }
    info_class = schema.config.info_class
    with_self = resolver.self_parameter is not None
    info_name = resolver.info_parameter.name if resolver.info_parameter else None
    source_names = [
        parameter.name
        for parameter in (resolver.parent_parameter, resolver.root_parameter)
        if parameter is not None
    ]

    def resolve(source: Any, info: GraphQLResolveInfo[Any], **arguments: Any) -> Any:
        kwargs = {names[name]: value for name, value in arguments.items()}
        for source_name in source_names:
            kwargs[source_name] = source
        if info_name is not None:
            kwargs[info_name] = info_class(_raw_info=info, _field=field)
        return call(source, **kwargs) if with_self else call(**kwargs)

    _LEAN.add(resolve)
    if info_name is None:
        _WITHOUT_INFO.add(resolve)
        if with_self and not source_names:
            _DIRECT[resolve] = (call, names)
    return resolve


def direct_call(
    resolve: Callable[..., Any], arguments: dict[str, Any]
) -> Callable[[Any], Any] | None:
    """A lean resolver that takes its source and its arguments only, as a call of the source
    with these arguments bound (what `resolve(source, None, **arguments)` does); else None."""
    found = _DIRECT.get(resolve)
    if found is None:
        return None
    call, names = found
    return partial(call, **{names[name]: value for name, value in arguments.items()})
