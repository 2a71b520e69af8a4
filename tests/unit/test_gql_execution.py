"""The short path for plain leaf fields answers exactly what graphql-core's full path answers."""

from __future__ import annotations

from collections.abc import Callable
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


async def assert_same_as_graphql_core(query_type: type, query: str) -> None:
    """The fast context answers exactly as graphql-core does: data, key order and errors."""
    plain = strawberry.Schema(query=query_type)
    fast = strawberry.Schema(query=query_type, execution_context_class=LeafFastExecutionContext)
    expected, got = await plain.execute(query), await fast.execute(query)
    assert got.data == expected.data
    assert repr(got.data) == repr(expected.data)  # the same key order, too
    assert [e.formatted for e in got.errors or []] == [e.formatted for e in expected.errors or []]


@pytest.mark.parametrize("query", QUERIES)
async def test_same_answers_as_graphql_core(query: str) -> None:
    await assert_same_as_graphql_core(Query, query)


def recorded_calls(
    monkeypatch: pytest.MonkeyPatch, owner: type, method: str, name_of: Callable[..., str]
) -> list[str]:
    """What ``name_of(*arguments)`` says of each call of ``owner.method``, as they run."""
    calls: list[str] = []
    original = getattr(owner, method)

    def recording(self: Any, *arguments: Any) -> Any:
        calls.append(name_of(*arguments))
        return original(self, *arguments)

    monkeypatch.setattr(owner, method, recording)
    return calls


def fields_on_the_full_path(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the fields graphql-core's own `execute_field` runs, as they run."""
    return recorded_calls(
        monkeypatch,
        StrawberryGraphQLCoreExecutionContext,
        "execute_field",
        lambda parent_type, source, details, *rest: details[0].node.name.value,
    )


def objects_executed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The type names of the objects whose fields `execute_fields` runs, as they run."""
    return recorded_calls(
        monkeypatch,
        LeafFastExecutionContext,
        "execute_fields",
        lambda parent_type, *rest: parent_type.name,
    )


async def test_the_short_path_is_taken_for_plain_leaves(monkeypatch: pytest.MonkeyPatch) -> None:
    full_path = fields_on_the_full_path(monkeypatch)
    fast = strawberry.Schema(query=Query, execution_context_class=LeafFastExecutionContext)
    result = await fast.execute("{ items { name tier note computed } }")
    assert result.errors is None
    assert [item["tier"] for item in result.data["items"]] == ["HOT", "COLD", "COLD"]
    assert full_path == ["items", "computed", "computed", "computed"]


@strawberry.type
class Point:
    at: int
    label: str  # None in one point: a non-null violation inside a list item


@strawberry.type
class Owner:
    user_id: str
    broken: str  # None for one owner

    @strawberry.field
    async def shout(self) -> str:
        return self.user_id.upper()


@strawberry.type
class Row:
    name: str
    points: list[Point]
    maybe_points: list[Point | None] | None
    owner: Owner
    maybe_owner: Owner | None
    first: Point

    @strawberry.field
    async def later(self) -> str:
        return self.name.upper()

    @strawberry.field
    async def failing(self) -> str | None:
        raise ValueError("no " + self.name)

    @strawberry.field
    def either(self) -> str:
        """Sync for one row, a coroutine for the other (as gql/history.py's resolvers do)."""

        async def slow() -> str:
            return "slow " + self.name

        return self.name if self.name == "a" else slow()  # type: ignore[return-value]


def _rows() -> list[Row]:
    good = [Point(at=1, label="x"), Point(at=2, label="y")]
    broken = [Point(at=3, label=None)]  # type: ignore[arg-type]
    fine, bad = Owner(user_id="u1", broken="ok"), Owner(user_id="u2", broken=None)  # type: ignore[arg-type]
    return [
        Row(
            name="a",
            points=good,
            maybe_points=[*good, None],
            owner=fine,
            maybe_owner=bad,
            first=good[0],
        ),
        Row(
            name="b",
            points=broken,
            maybe_points=broken,
            owner=bad,
            maybe_owner=None,
            first=broken[0],
        ),
    ]


@strawberry.type
class RowQuery:
    @strawberry.field
    def rows(self) -> list[Row]:
        return _rows()

    @strawberry.field
    def nullable_rows(self) -> list[Row | None] | None:
        return [*_rows(), None]

    @strawberry.field
    def mixed_points(self) -> list[Point]:
        """A list with an awaitable item (graphql-core awaits it; so must the short path)."""

        async def later() -> Point:
            return Point(at=9, label="later")

        return [Point(at=1, label="now"), later()]  # type: ignore[list-item]


LIST_QUERIES = [
    "{ rows { name points { at label } } }",  # a non-null violation nulls the whole list
    "{ rows { name points { at } maybePoints { label at } later } }",
    "{ nullableRows { name maybePoints { at label } } }",
    "{ rows { name failing later either } }",
    "{ nullableRows { either name points { at } } }",
    "{ rows { name p: points { at } q: points { label } } }",
    "{ rows { name owner { userId shout } maybeOwner { userId shout } } }",
    "{ rows { name maybeOwner { broken userId } } }",  # nested violation: that owner is null
    "{ rows { name owner { broken } } }",  # non-null owner: the violation nulls the row list
    "{ nullableRows { name owner { userId broken shout } first { at label } } }",
    "{ nullableRows { first { label } maybeOwner { shout } } }",
    "{ mixedPoints { at label } }",
]


@pytest.mark.parametrize("query", LIST_QUERIES)
async def test_lists_of_objects_answer_as_graphql_core(query: str) -> None:
    await assert_same_as_graphql_core(RowQuery, query)


async def test_list_items_skip_graphql_cores_per_item_completion(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    completed = recorded_calls(
        monkeypatch,
        StrawberryGraphQLCoreExecutionContext,
        "complete_object_value",
        lambda return_type, *rest: return_type.name,
    )
    fast = strawberry.Schema(query=RowQuery, execution_context_class=LeafFastExecutionContext)
    result = await fast.execute("{ rows { name maybePoints { at } } }")
    assert result.data is not None
    assert len(result.data["rows"]) == 2
    assert completed == []  # every row and point, the null among them, was built as a row


async def test_plain_object_fields_skip_execute_field(monkeypatch: pytest.MonkeyPatch) -> None:
    full_path = fields_on_the_full_path(monkeypatch)
    fast = strawberry.Schema(query=RowQuery, execution_context_class=LeafFastExecutionContext)
    result = await fast.execute("{ rows { owner { userId shout } first { at } } }")
    assert result.errors is None
    assert result.data == {
        "rows": [
            {"owner": {"userId": "u1", "shout": "U1"}, "first": {"at": 1}},
            {"owner": {"userId": "u2", "shout": "U2"}, "first": {"at": 3}},
        ]
    }
    assert full_path == ["rows", "shout", "shout"]  # only the resolvers


async def test_items_of_plain_leaves_are_built_without_executing_their_fields(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    executed = objects_executed(monkeypatch)
    fast = strawberry.Schema(query=RowQuery, execution_context_class=LeafFastExecutionContext)
    result = await fast.execute("{ rows { name points { at label } } }")
    # row a and its two points are rows of values; row b's point holds a null for a non-null
    # label, so row b is executed the usual way, which reports the error as graphql-core does
    assert executed == ["RowQuery", "Row", "Point"]
    assert result.data is None  # rows is a non-null list: the violation nulls the answer
    assert result.errors is not None and result.errors[0].path == ["rows", 1, "points", 0, "label"]


@strawberry.type
class Odd:
    ratio: float
    label: str
    flag: bool
    key: strawberry.ID


@strawberry.type
class OddQuery:
    @strawberry.field
    def odds(self) -> list[Odd]:
        """Values whose type is not the field's own: each is coerced (or refused) as
        graphql-core does, not passed through."""
        return [
            Odd(ratio=1.5, label="a", flag=True, key=strawberry.ID("k")),
            Odd(ratio=2, label=5, flag=1, key=7),  # type: ignore[arg-type]
            Odd(ratio=True, label=True, flag=False, key="x"),  # type: ignore[arg-type]
            Odd(ratio=float("inf"), label="b", flag=True, key="y"),
        ]

    @strawberry.field
    def maybe_ratio(self) -> float | None:
        return float("nan")


@pytest.mark.parametrize(
    "query",
    [
        "{ odds { label flag key } }",
        "{ odds { ratio label } }",  # inf is refused: the non-null list nulls the answer
        "{ maybeRatio }",  # nan is refused: null with an error
    ],
)
async def test_values_of_other_types_are_coerced_as_graphql_core_does(query: str) -> None:
    await assert_same_as_graphql_core(OddQuery, query)


@strawberry.type
class ScalarLists:
    @strawberry.field
    def floats(self) -> list[float]:
        return [1.5, 2.0, 0.0]

    @strawberry.field
    def tuple_floats(self) -> list[float]:
        return (1.5, -2.25)  # type: ignore[return-value]

    @strawberry.field
    def ints_as_floats(self) -> list[float]:
        return [1, 2.5, True]  # type: ignore[list-item]

    @strawberry.field
    def with_infinity(self) -> list[float]:
        return [1.0, float("inf")]

    @strawberry.field
    def maybe_with_nan(self) -> list[float | None] | None:
        return [None, float("nan")]

    @strawberry.field
    def nulls_allowed(self) -> list[float | None]:
        return [1.0, None]

    @strawberry.field
    def null_refused(self) -> list[float] | None:
        return [1.0, None]  # type: ignore[list-item]

    @strawberry.field
    def labels(self) -> list[str]:
        return ["a", 5, True]  # type: ignore[list-item]

    @strawberry.field
    def keys(self) -> list[strawberry.ID]:
        return [strawberry.ID("k"), "x"]  # type: ignore[list-item]

    @strawberry.field
    def flags(self) -> list[bool]:
        return [True, False]

    @strawberry.field
    def tiers(self) -> list[Tier]:
        return [Tier.HOT, Tier.COLD]

    @strawberry.field
    def nested(self) -> list[list[float]]:
        return [[1.0], [2.0, 3.0]]

    @strawberry.field
    def later(self) -> list[float]:
        async def three() -> float:
            return 3.0

        return [1.0, three()]  # type: ignore[list-item]


@pytest.mark.parametrize(
    "query",
    [
        "{ floats tupleFloats flags nested tiers }",
        "{ intsAsFloats labels keys }",  # other types: coerced one by one
        "{ withInfinity }",  # refused: the non-null list nulls the answer
        "{ maybeWithNan nullsAllowed }",
        "{ nullRefused floats }",
        "{ later }",  # an awaitable item is awaited
    ],
)
async def test_lists_of_scalars_answer_as_graphql_core(query: str) -> None:
    await assert_same_as_graphql_core(ScalarLists, query)


async def test_a_list_of_plain_floats_is_not_completed_item_by_item(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    completed = recorded_calls(
        monkeypatch,
        StrawberryGraphQLCoreExecutionContext,
        "complete_value",
        lambda return_type, *rest: str(return_type),
    )
    fast = strawberry.Schema(query=ScalarLists, execution_context_class=LeafFastExecutionContext)
    result = await fast.execute("{ floats nullsAllowed intsAsFloats }")
    assert result.errors is None
    assert result.data == {
        "floats": [1.5, 2.0, 0.0],
        "nullsAllowed": [1.0, None],
        "intsAsFloats": [1.0, 2.5, 1.0],
    }
    items = [name for name in completed if not name.startswith("[")]
    assert items == ["Float!", "Float"] * 3  # only the list holding ints, item by item


@strawberry.type
class Toned:
    tier: Tier
    maybe: Tier | None


@strawberry.type
class TonedQuery:
    @strawberry.field
    def toned(self) -> list[Toned]:
        return [
            Toned(tier=Tier.HOT, maybe=None),
            Toned(tier=Tier.COLD, maybe=Tier.HOT),
            Toned(tier="hot", maybe="cold"),  # type: ignore[arg-type]  # values, not members
        ]

    @strawberry.field
    def unknown(self) -> list[Toned]:
        return [Toned(tier=Tier.HOT, maybe="lukewarm")]  # type: ignore[arg-type]


@pytest.mark.parametrize("query", ["{ toned { tier maybe } }", "{ unknown { tier maybe } }"])
async def test_enums_answer_as_graphql_core(query: str) -> None:
    await assert_same_as_graphql_core(TonedQuery, query)


async def test_enum_members_are_named_by_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from strawberry.schema.schema_converter import CustomGraphQLEnumType

    fast = strawberry.Schema(query=TonedQuery, execution_context_class=LeafFastExecutionContext)
    walked = recorded_calls(
        monkeypatch, CustomGraphQLEnumType, "coerce_output_value", lambda value: repr(value)
    )
    result = await fast.execute("{ toned { tier maybe } }")
    assert result.data == {
        "toned": [
            {"tier": "HOT", "maybe": None},
            {"tier": "COLD", "maybe": "HOT"},
            {"tier": "HOT", "maybe": "COLD"},
        ]
    }
    assert walked == ["'hot'", "'cold'"]  # only the plain values took Strawberry's walk
