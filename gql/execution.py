"""GraphQL execution with a short path for plain fields.

A page of 50 leads is some 1 000 field resolutions; graphql-core builds a resolve-info object,
dispatches on the type and checks for awaitables for each. Most fields are plain attributes
(Strawberry's `_is_default` resolvers) holding a scalar, an enum or an object: this context reads
and coerces them itself, with each selection's plan worked out once per request, and builds the
items of a list of objects as rows (gql/execution_rows.py). Anything unusual — a null for a
non-null field, a value the type refuses, an exception, `@stream`, abstract types — goes back
through graphql-core's own path, which reports it exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable
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
from graphql.execution.executor import to_nodes
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined
from graphql.pyutils.gather_with_cancel import gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from gql.execution_rows import (
    OBJECT,
    OBJECTS,
    ROW_LEAF,
    ROW_LEAN,
    ROW_OBJECT,
    ROW_VALUE,
    SCALAR,
    SCALARS,
    Completion,
    LeanField,
    RowPlan,
)
from gql.execution_values import (
    FULL_PATH,
    ObjectPlan,
    exact_type,
    leaf_value,
    never_awaitable,
    output_coercer,
    plain_leaves,
    plain_plan,
    plain_reader,
)
from gql.resolvers import is_lean, takes_info

_LEAF, _OBJECT, _FIELD, _LEAN = 0, 1, 2, 3
# (field, its arguments' values, resolve) of a field with a lean resolver (gql/resolvers.py)
LeanPlan = tuple[GraphQLField, dict[str, Any], Callable[..., Any]]
FieldsPlan = list[tuple[str, FieldDetailsList, int, Any]]


class LeafFastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, resolving plain fields without the full machinery."""

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
                result: Any = FULL_PATH
                if kind == _LEAF:
                    result = leaf_value(plan, source_value)
                elif kind == _OBJECT:
                    field_path = Path(path, name, parent_type.name)
                    result = self._object_value(
                        plan, source_value, details, field_path, position_context
                    )
                elif kind == _LEAN:
                    field_path = Path(path, name, parent_type.name)
                    result = self._lean_value(
                        plan, parent_type, source_value, details, field_path, position_context
                    )
                if result is FULL_PATH:
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
            field_def = self.schema.get_field(parent_type, node.name.value)
            lean = self._lean_plan(field_def, details) if field_def is not None else None
            if node.arguments:
                field_def = None
            leaf, inline = plain_plan(field_def) if field_def is not None else (None, None)
            if lean is not None:
                planned.append((name, details, _LEAN, lean))
            elif leaf is not None:
                planned.append((name, details, _LEAF, leaf))
            elif inline is not None:
                planned.append((name, details, _OBJECT, inline))
            else:
                planned.append((name, details, _FIELD, None))
        memo[id(grouped_field_set)] = (grouped_field_set, planned)
        return planned

    def _lean_plan(self, field_def: GraphQLField, details: FieldDetailsList) -> LeanPlan | None:
        """A lean resolver's field with its arguments' values, worked out once for the selection
        (graphql-core works them out again for each of the 50 leads); None if they fail to
        coerce, so that graphql-core reports it for each item as before."""
        resolve = field_def.resolve
        if resolve is None or not is_lean(resolve) or self._middleware:
            return None
        try:
            arguments = get_argument_values(
                field_def,
                details[0].node,
                self.variable_values,
                details[0].fragment_variable_values,
                self.hide_suggestions,
            )
        except Exception:
            return None
        return field_def, arguments, resolve

    def _lean_value(
        self,
        plan: LeanPlan,
        parent_type: GraphQLObjectType,
        source: Any,
        details: FieldDetailsList,
        field_path: Path,
        position_context: Any,
    ) -> Any:
        """graphql-core's `execute_field` for a lean field, with the selection's arguments."""
        field_def, arguments, resolve = plan
        return_type = field_def.type
        info = self.build_resolve_info(field_def, to_nodes(details), parent_type, field_path)
        try:
            result = resolve(source, info, **arguments)
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, details, field_path)
            return None
        if self.is_awaitable(result):
            return self.complete_awaitable_value(
                return_type, details, info, field_path, result, position_context
            )
        return self._guarded(
            lambda: self.complete_value(
                return_type, details, info, field_path, result, position_context
            ),
            return_type,
            details,
            field_path,
        )

    def _object_value(
        self,
        plan: ObjectPlan,
        source: Any,
        details: FieldDetailsList,
        field_path: Path,
        position_context: Any,
    ) -> Any:
        """A plain object field's fields, or FULL_PATH when graphql-core must resolve it."""
        read, object_type, return_type, non_null = plan
        try:
            value = read(source)
        except Exception:
            return FULL_PATH
        if value is None or value is Undefined:
            return FULL_PATH if non_null else None
        grouped, defer_usages, _ = self.collect_subfields(object_type, details)
        run = self.execute_collected_subfields
        return self._guarded(
            lambda: run(object_type, value, field_path, grouped, defer_usages, position_context),
            return_type,
            details,
            field_path,
        )

    def _guarded(
        self,
        complete: Callable[[], Any],
        return_type: GraphQLOutputType,
        details: FieldDetailsList,
        field_path: Path,
    ) -> Any:
        """A field's completed value; its error, now or once awaited, reported as graphql-core's."""
        try:
            completed = complete()
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
        """A list of objects: each item built as a row, or its fields executed directly.

        graphql-core completes every item through four generic calls that dispatch on the type;
        for a plain list of objects they end in executing the item's fields. Anything else (null
        or awaitable items, `isTypeOf`, `@stream`, abstract items) takes graphql-core's path.
        """
        item_type = return_type.of_type
        object_type = item_type.of_type if is_non_null_type(item_type) else item_type
        if (
            is_leaf_type(object_type)
            and isinstance(result, list | tuple)
            and self.get_stream_usage(field_details_list, path) is None
        ):
            plain = plain_leaves(exact_type(object_type), not is_non_null_type(item_type), result)
            if plain is not None:
                return plain
        if (
            not isinstance(result, list | tuple)
            or not isinstance(object_type, GraphQLObjectType)
            or object_type.is_type_of is not None
            or self.get_stream_usage(field_details_list, path) is not None
            or not all(never_awaitable(kind) for kind in {type(item) for item in result})
        ):
            return super().complete_list_value(
                return_type, field_details_list, info, path, result, position_context
            )
        grouped, defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        rows = None if defer_usages else self._row_plan(object_type, grouped)
        completed: list[Any] = []
        pending: list[int] = []
        keyed = rows is None or rows.with_path  # else a path is made only for an abandoned row
        for index, item in enumerate(result):
            item_path = path.add_key(index, None) if keyed else None
            if rows is not None and (row := rows.build(item, item_path)) is not FULL_PATH:
                completed.append(row)
                continue
            item_path = item_path or path.add_key(index, None)
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

    def _row_plan(self, object_type: GraphQLObjectType, grouped: Any) -> RowPlan | None:
        """How to build the items of a list of this selection as rows (gql/execution_rows.py),
        or None when some field must be executed the usual way (memoised per selection)."""
        memo: dict[int, tuple[Any, RowPlan | None]] = self.__dict__.setdefault("_row_plans", {})
        known = memo.get(id(grouped))
        if known is not None and known[0] is grouped:
            return known[1]
        memo[id(grouped)] = (grouped, None)  # a selection inside itself builds no rows
        fields: list[tuple[str, int, Any]] = []
        with_path = False
        for name, details, kind, plan in self._fields_plan(object_type, grouped):
            if kind == _LEAF:
                fields.append((name, ROW_LEAF, plan))
                continue
            if kind == _OBJECT:
                inner = self._sub_rows(plan[1], details)
                if inner is None:
                    return None
                fields.append((name, ROW_OBJECT, (plan[0], inner, plan[3])))
                with_path = with_path or inner.with_path
                continue
            if kind == _FIELD:
                field_def = self.schema.get_field(object_type, details[0].node.name.value)
                read = plain_reader(field_def, details)
                value = self._completion(field_def.type, details) if field_def and read else None
                if value is None:
                    return None
                fields.append((name, ROW_VALUE, (read, value)))
                with_path = with_path or value.with_path
                continue
            completion = self._completion(plan[0].type, details)
            if completion is None:
                return None
            field_def, arguments, resolve = plan
            nodes, with_info = to_nodes(details), takes_info(resolve)
            lean = LeanField(field_def, nodes, arguments, resolve, completion, with_info)
            fields.append((name, ROW_LEAN, lean))
            with_path = with_path or lean.with_path
        rows = RowPlan(object_type, fields, self.build_resolve_info, with_path)
        memo[id(grouped)] = (grouped, rows)
        return rows

    def _sub_rows(self, object_type: Any, details: FieldDetailsList) -> RowPlan | None:
        if not isinstance(object_type, GraphQLObjectType) or object_type.is_type_of is not None:
            return None
        grouped, defer_usages, _ = self.collect_subfields(object_type, details)
        return None if defer_usages else self._row_plan(object_type, grouped)

    def _completion(self, return_type: Any, details: FieldDetailsList) -> Completion | None:
        """How a lean field's value completes in a row, or None if only the usual way can."""
        non_null = is_non_null_type(return_type)
        inner = return_type.of_type if non_null else return_type
        if is_leaf_type(inner):
            leaf = (None, output_coercer(inner), non_null, exact_type(inner))
            return Completion(SCALAR, non_null, leaf=leaf)
        if isinstance(inner, GraphQLObjectType):
            rows = self._sub_rows(inner, details)
            return None if rows is None else Completion(OBJECT, non_null, rows=rows)
        if not isinstance(inner, GraphQLList):
            return None
        if self.get_stream_usage(details, Path(None, "", None)) is not None:
            return None
        items_non_null = is_non_null_type(inner.of_type)
        item = inner.of_type.of_type if items_non_null else inner.of_type
        if is_leaf_type(item):
            if exact_type(item) is None:
                return None
            return Completion(SCALARS, non_null, leaf=(exact_type(item), not items_non_null))
        rows = self._sub_rows(item, details)
        if rows is None:
            return None
        return Completion(OBJECTS, non_null, rows=rows, items_non_null=items_non_null)

    async def _settled(
        self, value: Any, item_type: Any, field_details_list: FieldDetailsList, item_path: Path
    ) -> Any:
        """An awaited item, its error reported as graphql-core reports a list item's."""
        try:
            return await value
        except Exception as raw_error:
            self.handle_field_error(raw_error, item_type, field_details_list, item_path)
            return None
