"""A cost limit for GraphQL documents: what one request may ask the server to produce.

Depth, alias and token limits bound a document's size, not its work: 30 aliases of
`leads(limit: 200) { items { history(days: 180) { … } } }` fit in 2.7 kB and asked for a million
history points (3-7 s of a worker, a 20-31 MB answer). The estimate here is the number of values
a document can produce: each field costs 1 plus its selections, and a field whose list size an
argument sets (`limit`, `days`) multiplies its selections (and itself, for a list of scalars) by
that size. A literal argument counts as given (within its maximum), a variable as the largest
value the field accepts, an omitted one as its default. Fragments count where they are spread.

Some fields return little but walk every lead of the tenant (QA s21 M2: 30 aliases of
`leads(limit: 1, filter: {movedUpDays: N}) { totalCount }` counted 60 and held a worker 0.5 s at
20k leads): each counts `TENANT_SCAN` besides what it returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graphql import (
    ASTValidationRule,
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValueNode,
    VariableNode,
)

from foundation.input_rules import MAX_LIMIT
from gql.admin import MAX_AUDIT_LIMIT
from gql.model import MAX_CHANGES
from scoring.history_window import MAX_DAYS

# field name -> (argument, default, largest accepted): the list sizes arguments set
SIZED: Mapping[str, tuple[str, int, int]] = {
    "leads": ("limit", 50, MAX_LIMIT),
    "auditLog": ("limit", 50, MAX_AUDIT_LIMIT),
    "previewScoringConfig": ("limit", 50, MAX_CHANGES),
    "backtestScoringConfig": ("limit", 50, MAX_CHANGES),
    "history": ("days", 30, MAX_DAYS),
    "sparkline": ("days", 30, MAX_DAYS),
}
# What a field that walks every lead of the tenant counts besides its values. At 100k leads such a
# walk holds the event loop ~60-90 ms (a movedUpDays filter, a model preview: QA s21 M2 measured
# 13-18 ms at 20k), about what producing 40 000 values does (1-2 us each). The dashboard's view has
# two (its `leads` and `scoreDistribution` take the filter as a variable, which may hold
# movedUpDays): ~93 000 of the default limit of 200 000, which five such fields exceed.
TENANT_SCAN = 40_000
# Fields that always do: a model's preview, backtest and report score every (closed) lead.
SCANS_ALWAYS = frozenset({"previewScoringConfig", "backtestScoringConfig", "modelReport"})


def document_cost(
    selections: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    seen: frozenset[str] = frozenset(),
    known: dict[str, int] | None = None,
) -> int:
    """The estimated number of values the selections can produce (fragment cycles count 0:
    graphql-core's own rule refuses them). Each fragment is worked out once (``known``): a chain
    of fragments each spreading the next twice would otherwise take 2^n steps."""
    if selections is None:
        return 0
    known = {} if known is None else known
    total = 0
    for node in selections.selections:
        if isinstance(node, FieldNode):
            inner = document_cost(node.selection_set, fragments, seen, known)
            total += 1 + _size(node) * max(inner, 1 if node.name.value in SIZED else 0)
            total += TENANT_SCAN if _scans_tenant(node) else 0
        elif isinstance(node, InlineFragmentNode):
            total += document_cost(node.selection_set, fragments, seen, known)
        elif isinstance(node, FragmentSpreadNode):
            name = node.name.value
            fragment = fragments.get(name)
            if fragment is None or name in seen:
                continue
            if name not in known:
                known[name] = document_cost(fragment.selection_set, fragments, seen | {name}, known)
            total += known[name]
    return total


def expanded_selections(document: DocumentNode) -> int:
    """How many selections the document's operations hold once every fragment spread is
    written out (each fragment worked out once). Strawberry's depth and alias limiters walk
    every expansion: 20 fragments each spreading the next twice (600 bytes, 2^20 selections)
    took them 10 s, before any sign-in was checked."""
    fragments = _fragments(document.definitions)
    known: dict[str, int] = {}

    def size(selections: SelectionSetNode | None, seen: frozenset[str]) -> int:
        total = 0
        for node in selections.selections if selections is not None else ():
            if isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = fragments.get(name)
                if fragment is not None and name not in seen:
                    if name not in known:
                        known[name] = size(fragment.selection_set, seen | {name})
                    total += 1 + known[name]
            elif isinstance(node, FieldNode | InlineFragmentNode):
                total += 1 + size(node.selection_set, seen)
        return total

    return sum(
        size(d.selection_set, frozenset())
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    )


def _size(node: FieldNode) -> int:
    sized = SIZED.get(node.name.value)
    if sized is None:
        return 1
    name, default, largest = sized
    for argument in node.arguments or ():
        if argument.name.value != name:
            continue
        if isinstance(argument.value, IntValueNode):
            digits = argument.value.value
            if len(digits.lstrip("-")) > 18:  # out of Int's range (another rule refuses it), and
                return largest  # Python will not read 4300+ digits: counted as the largest
            return max(0, min(int(digits), largest))
        if isinstance(argument.value, VariableNode):
            return largest
        return default  # a wrong type: another rule refuses the document
    return default


def _scans_tenant(node: FieldNode) -> bool:
    """Whether the field's resolver walks every lead of the tenant: a model's preview, backtest or
    report, a `movedUpDays` filter (a filter given as a variable may hold one), a refresh of every
    lead's score (`leads(refresh: true)`, `refreshScores` without lead ids)."""
    name = node.name.value
    if name in SCANS_ALWAYS:
        return True
    given = {argument.name.value: argument.value for argument in node.arguments or ()}
    if name in ("leads", "scoreDistribution") and _moves_up(given.get("filter")):
        return True
    if name == "leads":
        refresh = given.get("refresh")
        return isinstance(refresh, VariableNode) or (
            isinstance(refresh, BooleanValueNode) and refresh.value
        )
    if name == "refreshScores":
        return isinstance(given.get("leadIds", NullValueNode()), NullValueNode | VariableNode)
    return False


def _moves_up(value: ValueNode | None) -> bool:
    if isinstance(value, ObjectValueNode):
        return any(
            field.name.value == "movedUpDays" and not isinstance(field.value, NullValueNode)
            for field in value.fields
        )
    return isinstance(value, VariableNode)


def cost_limit_rule(max_cost: int) -> type[ASTValidationRule]:
    """A validation rule refusing operations whose estimated cost exceeds ``max_cost``."""

    class QueryCostLimit(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.fragments = _fragments(context.document.definitions)

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            cost = document_cost(node.selection_set, self.fragments)
            if cost > max_cost:
                name = node.name.value if node.name else "anonymous"
                self.report_error(
                    GraphQLError(
                        f"'{name}' would produce about {cost} values, more than the limit of "
                        f"{max_cost} (GRAPHQL_MAX_COST): ask for fewer leads (limit), fewer days "
                        "of history, or fewer aliases per request; a field that walks the whole "
                        "tenant (a movedUpDays filter, a model preview, backtest or report, a "
                        f"refresh of every score) counts {TENANT_SCAN}",
                        node,
                    )
                )

    return QueryCostLimit


def _fragments(definitions: Iterable[Any]) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
