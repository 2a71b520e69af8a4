"""The cost estimate of a GraphQL document: values it can produce, list sizes from arguments."""

from __future__ import annotations

import pytest
from graphql import OperationDefinitionNode, parse

from gql.cost import document_cost


def cost(text: str) -> int:
    document = parse(text)
    fragments = {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return document_cost(operation.selection_set, fragments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{ me { userId name } }", 3),
        ("{ leads(limit: 10) { items { leadId } } }", 1 + 10 * 2),
        ("{ leads { items { leadId } } }", 1 + 50 * 2),  # the default limit
        ("{ leads(limit: 100000) { items { leadId } } }", 1 + 200 * 2),  # at most what is served
        ("query($n: Int!) { leads(limit: $n) { items { leadId } } }", 1 + 200 * 2),
        ('{ lead(leadId: "x") { sparkline(days: 7) } }', 1 + 1 + 7),  # a list of numbers
        ('{ lead(leadId: "x") { history { score at } } }', 1 + 1 + 30 * 2),
        (
            "{ leads(limit: 2) { items { history(days: 3) { score } } } }",
            1 + 2 * (1 + (1 + 3 * 1)),
        ),
        ("{ a: me { userId } b: me { userId } }", 4),
        (
            "{ leads(limit: 4) { items { ...F } } }"
            " fragment F on Lead { leadId ... on Lead { name } }",
            1 + 4 * 3,
        ),
        ("{ me { ...A } } fragment A on User { ...B } fragment B on User { ...A }", 1),  # a cycle
    ],
)
def test_the_estimate(text: str, expected: int) -> None:
    assert cost(text) == expected


def test_a_chain_of_doubling_fragments_is_estimated_at_once() -> None:
    """Each fragment spreads the next twice: 2^60 paths, one estimate per fragment."""
    chain = " ".join(f"fragment F{n} on Lead {{ ...F{n + 1} ...F{n + 1} }}" for n in range(60))
    text = '{ lead(leadId: "x") { ...F0 } } ' + chain + " fragment F60 on Lead { leadId }"
    assert cost(text) == 1 + 2**60
