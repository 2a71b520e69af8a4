"""The short path for plain leaf fields answers exactly what graphql-core's full path answers."""

from __future__ import annotations

from enum import Enum
from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from gql.execution import LeafFastExecutionContext


@strawberry.enum
class Tier(Enum):
    HOT = "hot"
    COLD = "cold"


@strawberry.type
class Item:
    name: str
    score: float
    tier: Tier
    note: str | None
    broken_required: str  # holds None: a non-null violation
    wrong_type: int  # holds a string the Int scalar refuses

    @strawberry.field
    def computed(self, times: int = 2) -> float:
        return self.score * times


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [
            Item(name="a", score=1.5, tier=Tier.HOT, note=None, broken_required="x", wrong_type=1),
            Item(name="b", score=2.0, tier=Tier.COLD, note="n", broken_required=None, wrong_type=2),  # type: ignore[arg-type]
            Item(
                name="c", score=3.0, tier=Tier.COLD, note="m", broken_required="y", wrong_type="z"
            ),  # type: ignore[arg-type]
        ]


QUERIES = [
    "{ items { name score tier note computed(times: 3) alias: name } }",
    "{ items { computed tier name computed2: computed(times: 5) score } }",
    "{ items { name brokenRequired } }",
    "{ items { name wrongType } }",
    "{ items { __typename name } }",
]


@pytest.mark.parametrize("query", QUERIES)
async def test_same_answers_as_graphql_core(query: str) -> None:
    plain = strawberry.Schema(query=Query)
    fast = strawberry.Schema(query=Query, execution_context_class=LeafFastExecutionContext)
    expected, got = await plain.execute(query), await fast.execute(query)
    assert got.data == expected.data
    assert repr(got.data) == repr(expected.data)  # the same key order, too
    assert [e.formatted for e in got.errors or []] == [e.formatted for e in expected.errors or []]


async def test_the_short_path_is_taken_for_plain_leaves(monkeypatch: pytest.MonkeyPatch) -> None:
    full_path: list[str] = []
    original = StrawberryGraphQLCoreExecutionContext.execute_field

    def counting(self: Any, parent_type: Any, source: Any, details: Any, *rest: Any) -> Any:
        full_path.append(details[0].node.name.value)
        return original(self, parent_type, source, details, *rest)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "execute_field", counting)
    fast = strawberry.Schema(query=Query, execution_context_class=LeafFastExecutionContext)
    result = await fast.execute("{ items { name tier note computed } }")
    assert result.errors is None
    assert [item["tier"] for item in result.data["items"]] == ["HOT", "COLD", "COLD"]
    assert full_path == ["items", "computed", "computed", "computed"]
