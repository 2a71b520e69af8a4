"""Lean resolvers answer exactly as Strawberry's own chain, and only where they can."""

from __future__ import annotations

import enum
from typing import Any

import pytest
import strawberry
from strawberry.permission import BasePermission

from gql.execution import LeafFastExecutionContext
from gql.resolvers import lean_resolvers
from gql.schema import build_schema

# lean resolvers under graphql-core's execution, and under the app's (arguments worked out once
# per selection)
CONTEXTS = pytest.mark.parametrize("context_class", [None, LeafFastExecutionContext])


def lean_schema(context_class: Any) -> strawberry.Schema:
    schema = strawberry.Schema(query=Query, execution_context_class=context_class)
    assert lean_resolvers(schema)
    return schema


class Nobody(BasePermission):
    message = "nobody may"

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return False


@strawberry.enum
class Tone(enum.Enum):
    LOW = "low"
    HIGH = "high"


@strawberry.type
class Item:
    name: str

    @strawberry.field
    def echo(self, info: strawberry.Info, max_items: int = 3, label: str | None = None) -> str:
        return f"{self.name}:{max_items}:{label}:{info.path.as_list()}:{info.context['who']}"

    @strawberry.field
    def twice(self, times: int) -> list[str]:
        return [self.name] * times

    @strawberry.field
    @staticmethod
    def by_parent(parent: strawberry.Parent[Item], suffix: str = "!") -> str:
        return parent.name + suffix

    @strawberry.field
    def fails(self, info: strawberry.Info) -> str:
        raise ValueError(f"no luck at {info.path.as_list()}")

    @strawberry.field
    def fails_nullable(self) -> str | None:
        raise ValueError("nullable failure")

    @strawberry.field(permission_classes=[Nobody])
    def guarded(self) -> str | None:
        return "secret"

    @strawberry.field
    async def later(self) -> str:
        return self.name.upper()

    @strawberry.field
    def tone(self, tone: Tone = Tone.LOW) -> str:
        return tone.value


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [Item(name="a"), Item(name="b")]


QUERY = """
query Q($n: Int!, $label: String) {
  items {
    echo(maxItems: $n, label: $label)
    plain: echo
    twice(times: 2)
    byParent
    other: byParent(suffix: "?")
    failsNullable
    guarded
    later
    tone(tone: HIGH)
  }
}
"""


async def run(schema: strawberry.Schema, variables: dict[str, Any], query: str = QUERY) -> Any:
    result = await schema.execute(query, variable_values=variables, context_value={"who": "me"})
    errors = sorted((e.message, tuple(e.path or ())) for e in result.errors or [])
    return result.data, errors


def test_only_plain_synchronous_resolvers_with_scalar_arguments_get_one():
    schema = strawberry.Schema(query=Query)
    assert sorted(lean_resolvers(schema)) == [
        "Item.byParent",
        "Item.echo",
        "Item.fails",
        "Item.failsNullable",
        "Item.twice",
        "Query.items",
    ]  # not `guarded` (a permission), `later` (async) nor `tone` (an enum argument)


@CONTEXTS
@pytest.mark.parametrize("variables", [{"n": 5, "label": "x"}, {"n": 0, "label": None}])
async def test_answers_and_errors_are_the_same_as_strawberrys(variables, context_class):
    reference = await run(strawberry.Schema(query=Query), variables)
    assert await run(lean_schema(context_class), variables) == reference
    data, errors = reference
    n, label = variables["n"], variables["label"]
    assert data["items"][0]["echo"] == f"a:{n}:{label}:['items', 0, 'echo']:me"
    assert len(errors) == 4  # failsNullable and guarded on each item


@CONTEXTS
async def test_a_failing_non_null_field_nulls_the_answer_as_before(context_class):
    query = "{ items { name fails } }"
    reference = await run(strawberry.Schema(query=Query), {}, query)
    assert await run(lean_schema(context_class), {}, query) == reference
    assert reference == (None, [("no luck at ['items', 0, 'fails']", ("items", 0, "fails"))])


@CONTEXTS
async def test_the_answer_with_nullable_failures_only_is_the_same(context_class):
    query = """{ items { echo plain: echo(maxItems: 1) failsNullable byParent
      other: byParent(suffix: "?") twice(times: 2) later } }"""
    results = []
    for schema in (strawberry.Schema(query=Query), lean_schema(context_class)):
        result = await schema.execute(query, context_value={"who": "me"})
        results.append((result.data, [(e.message, e.path) for e in result.errors or []]))
    assert results[0] == results[1]
    data, errors = results[0]
    assert data["items"][1] == {
        "echo": "b:3:None:['items', 1, 'echo']:me",
        "plain": "b:1:None:['items', 1, 'plain']:me",
        "failsNullable": None,
        "byParent": "b!",
        "other": "b?",
        "twice": ["b", "b"],
        "later": "B",
    }
    assert len(errors) == 2


def test_the_app_schema_gives_lean_resolvers_to_the_history_sparkline_and_trend_of_a_lead():
    installed = lean_resolvers(build_schema())  # a second pass finds the same fields
    assert {"Lead.history", "Lead.sparkline", "Lead.trend"} <= set(installed)
    assert not any(name.startswith(("Query.", "Mutation.")) for name in installed)


async def test_the_app_context_works_out_a_selections_arguments_once(monkeypatch):
    import gql.execution

    calls: list[str] = []
    original = gql.execution.get_argument_values

    def counting(field_def: Any, node: Any, *rest: Any) -> Any:
        calls.append(node.name.value)
        return original(field_def, node, *rest)

    monkeypatch.setattr(gql.execution, "get_argument_values", counting)
    query = "query($n: Int!) { items { echo(maxItems: $n) twice(times: 2) } }"
    data, errors = await run(lean_schema(LeafFastExecutionContext), {"n": 4}, query)
    assert errors == []
    assert [item["twice"] for item in data["items"]] == [["a", "a"], ["b", "b"]]
    assert sorted(calls) == ["echo", "items", "twice"]  # once each, not once per item
