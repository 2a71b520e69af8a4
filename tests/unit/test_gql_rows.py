"""Rows (gql/execution_rows.py): a list's items built by one plan answer exactly what
graphql-core answers — data, key order, errors and their paths — and skip its per-field work."""

from __future__ import annotations

from enum import Enum
from typing import Any

import pytest
import strawberry

from gql.execution import LeafFastExecutionContext
from gql.resolvers import lean_resolvers
from tests.unit.test_gql_execution import (
    assert_same_as_graphql_core,
    objects_executed,
    recorded_calls,
)


@strawberry.enum
class Mood(Enum):
    UP = "up"
    DOWN = "down"


@strawberry.type
class Tag:
    label: str
    weight: float


@strawberry.type
class Summary:
    change: float | None
    mood: Mood
    tags: list[Tag]


@strawberry.type
class Card:
    name: str
    score: float
    mood: Mood
    note: str | None
    tag: Tag
    maybe_tag: Tag | None
    when: int

    @strawberry.field
    def points(self, info: strawberry.Info, days: int = 3) -> list[float]:
        if self.name == "bad-points":
            return [1.0, float("nan")]  # refused by Float: the usual path reports it
        return [self.score + n for n in range(days)]

    @strawberry.field
    def doubled(self, times: int = 2) -> float:
        return self.score * times

    @strawberry.field
    def maybe_points(self) -> list[float | None] | None:
        return None if self.name == "b" else [1.0, None]

    @strawberry.field
    def summary(self, info: strawberry.Info) -> Summary:
        if self.name == "raises":
            raise ValueError(f"no summary at {info.path.as_list()}")
        tags = [self.tag] if self.name != "broken-tags" else [Tag(label=None, weight=1.0)]  # type: ignore[arg-type]
        return Summary(change=None if self.name == "b" else 1.5, mood=self.mood, tags=tags)

    @strawberry.field
    def maybe_summary(self) -> Summary | None:
        return None

    @strawberry.field
    def where(self, info: strawberry.Info) -> str:
        return ".".join(str(key) for key in info.path.as_list())

    @strawberry.field
    def all_tags(self) -> list[Tag]:
        return [self.tag, self.tag]

    @strawberry.field
    def plain_summary(self) -> Summary:  # no info: completed in the row's own code
        return Summary(change=2.0, mood=self.mood, tags=[self.tag])

    @strawberry.field
    def later_points(self) -> list[float]:  # a coroutine for "b": the row is abandoned
        async def later() -> list[float]:
            return [1.0]

        return [0.5] if self.name != "b" else later()  # type: ignore[return-value]

    @strawberry.field
    def sometimes_later(self) -> str:
        async def later() -> str:
            return "later " + self.name

        return self.name if self.name != "b" else later()  # type: ignore[return-value]


def _card(name: str, **overrides: Any) -> Card:
    values: dict[str, Any] = {
        "name": name,
        "score": 2.5,
        "mood": Mood.UP,
        "note": None,
        "tag": Tag(label="t-" + name, weight=0.5),
        "maybe_tag": None,
        "when": 7,
    }
    values.update(overrides)
    return Card(**values)


CARDS = {
    "plain": [_card("a", note="n", maybe_tag=Tag(label="m", weight=1.0)), _card("b")],
    "raises": [_card("a"), _card("raises")],
    "bad_points": [_card("a"), _card("bad-points")],
    "broken_tags": [_card("a"), _card("broken-tags")],
    "odd_values": [
        _card("a", score=3, when=True),  # an int for a Float, a bool for an Int: coerced
        _card("b", mood="up"),  # not a member: Strawberry's walk coerces it
        _card("c", note=5),  # an int for a String: coerced
    ],
    "null_violation": [_card("a"), _card("b", tag=None)],
    "wrong_scalar": [_card("a"), _card("b", when="x")],
}


@strawberry.type
class Query:
    @strawberry.field
    def cards(self, set: str = "plain") -> list[Card]:
        return CARDS[set]

    @strawberry.field
    def maybe_cards(self, set: str = "plain") -> list[Card | None] | None:
        return [*CARDS[set], None]


FIELDS = (
    "name score mood note tag { label weight } maybeTag { label } when points(days: 2) "
    "maybePoints summary { change mood tags { label weight } } maybeSummary { change } "
    "where allTags { weight } sometimesLater doubled(times: 3) "
    "plainSummary { change mood tags { label } } laterPoints"
)
QUERIES = (
    [f'{{ cards(set: "{name}") {{ {FIELDS} }} }}' for name in CARDS]
    + [
        f'{{ maybeCards(set: "{name}") {{ {FIELDS} }} }}'
        for name in ("plain", "raises", "null_violation", "wrong_scalar", "bad_points")
    ]
    + [
        "{ cards { w: where name, n2: name where summary { mood } } }",
        "{ cards { ... on Card { name summary { tags { label } } } points } }",
        "{ cards { name summary { change } summary2: summary { change mood } } }",
        '{ cards(set: "raises") { name where } }',
        '{ maybeCards(set: "null_violation") { name tag { label } } }',
        '{ cards(set: "null_violation") { name maybeTag { label } tag { label } } }',
    ]
)


@pytest.mark.parametrize("query", QUERIES)
async def test_rows_answer_as_graphql_core(query: str) -> None:
    await assert_same_as_graphql_core(Query, query)


def _fast() -> strawberry.Schema:
    schema = strawberry.Schema(query=Query, execution_context_class=LeafFastExecutionContext)
    assert {"Card.points", "Card.summary", "Card.where"} <= set(lean_resolvers(schema))
    return schema


async def test_items_are_built_as_rows_without_executing_their_fields(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    executed = objects_executed(monkeypatch)
    query = "{ cards { name tag { label } points where summary { mood tags { label } } } }"
    result = await _fast().execute(query)
    assert result.errors is None
    assert result.data is not None
    assert result.data["cards"][1] == {
        "name": "b",
        "tag": {"label": "t-b"},
        "points": [2.5, 3.5, 4.5],
        "where": "cards.1.where",
        "summary": {"mood": "UP", "tags": [{"label": "t-b"}]},
    }
    assert executed == ["Query"]  # every card, tag and summary was a row


async def test_an_item_with_something_unusual_is_executed_the_usual_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    executed = objects_executed(monkeypatch)
    result = await _fast().execute('{ cards(set: "raises") { name summary { mood } } }')
    assert result.data is None  # a non-null summary failed in a non-null list
    assert result.errors is not None
    assert result.errors[0].message == "no summary at ['cards', 1, 'summary']"
    assert result.errors[0].path == ["cards", 1, "summary"]
    assert executed == ["Query", "Card"]  # the first card was a row; the second took the path


async def test_an_abandoned_coroutine_is_closed_not_left_unawaited(
    recwarn: pytest.WarningsRecorder,
) -> None:
    result = await _fast().execute("{ cards { name sometimesLater } }")
    assert result.errors is None
    assert result.data == {
        "cards": [{"name": "a", "sometimesLater": "a"}, {"name": "b", "sometimesLater": "later b"}]
    }
    result = await _fast().execute("{ cards { name laterPoints } }")  # called directly in rows
    assert result.errors is None
    assert result.data == {
        "cards": [{"name": "a", "laterPoints": [0.5]}, {"name": "b", "laterPoints": [1.0]}]
    }
    assert not [w for w in recwarn if "never awaited" in str(w.message)]


async def test_resolvers_without_info_are_given_none_and_no_info_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built = recorded_calls(
        monkeypatch,
        LeafFastExecutionContext,
        "build_resolve_info",
        lambda field_def, nodes, *rest: nodes[0].name.value,
    )
    result = await _fast().execute("{ cards { doubled(times: 3) where d: doubled } }")
    assert result.errors is None
    assert result.data == {
        "cards": [
            {"doubled": 7.5, "where": "cards.0.where", "d": 5.0},
            {"doubled": 7.5, "where": "cards.1.where", "d": 5.0},
        ]
    }
    assert built == ["cards", "where", "where"]  # the root field's and `where`'s, none for doubled


async def test_plain_items_are_built_as_rows_nulls_and_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """Abandoning a row is always safe (the usual path answers the same), so being built as a
    row at all is checked here: nullable nulls, coerced values, nested objects, lists of
    scalars with nulls and lean fields called directly all stay in the row's code."""
    executed = objects_executed(monkeypatch)
    query = (
        '{ cards(set: "odd_values") { name score when mood note tag { label } maybeTag { label }'
        " doubled maybePoints maybeSummary { change } plainSummary { change mood tags { label } }"
        " allTags { weight } } }"
    )
    result = await _fast().execute(query)
    assert result.errors is None
    first = result.data["cards"][0] if result.data else {}
    assert first["score"] == 3.0 and first["when"] == 1 and first["maybePoints"] == [1.0, None]
    assert first["plainSummary"] == {"change": 2.0, "mood": "UP", "tags": [{"label": "t-a"}]}
    assert executed == ["Query"]  # every card, and every object in it, built by the row code
