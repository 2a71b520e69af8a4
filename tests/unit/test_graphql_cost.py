"""The cost estimate of a GraphQL document: values it can produce, list sizes from arguments."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, parse

from foundation.settings import Settings
from gql.cost import TENANT_SCAN, document_cost

FRONTEND = Path(__file__).resolve().parents[2] / "frontend" / "src"
OPERATION_FILES = ("api/operations.ts", "model/operations.ts", "admin/operations.ts")
DEFAULT_LIMIT = Settings.model_fields["graphql_max_cost"].default


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


def frontend_operations() -> dict[str, str]:
    """Every operation the frontend sends (`*_QUERY`, `*_MUTATION`), its `${NAME}` fragments
    expanded from the constants of the operation files."""
    constants: dict[str, str] = {}
    for name in OPERATION_FILES:
        source = (FRONTEND / name).read_text(encoding="utf-8")
        found = re.finditer(r"const (\w+) = /\* GraphQL \*/ `([^`]*)`", source)
        constants |= {match[1]: match[2] for match in found}

    def expanded(text: str) -> str:
        return re.sub(r"\$\{(\w+)\}", lambda match: expanded(constants[match[1]]), text)

    return {
        name: expanded(text)
        for name, text in constants.items()
        if name.endswith(("_QUERY", "_MUTATION"))
    }


def moved_up_aliases(count: int) -> str:
    """`count` aliases of a one-lead page whose filter walks the whole tenant (QA s21 M2)."""
    page = "leads(limit: 1, filter: {{movedUpDays: {n}}}) {{ totalCount }}"
    return "{ " + " ".join(f"a{n}: " + page.format(n=n) for n in range(1, count + 1)) + " }"


INPUT = "input: {halfLifeDays: 3}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{ leads(limit: 1, filter: {movedUpDays: 7}) { totalCount } }", 2 + TENANT_SCAN),
        ("{ leads(limit: 1, filter: {movedUpDays: null}) { totalCount } }", 2),
        ('{ leads(limit: 1, filter: {search: "x", staleDays: 3}) { totalCount } }', 2),
        ("query($f: LeadFilter) { leads(limit: 1, filter: $f) { totalCount } }", 2 + TENANT_SCAN),
        (
            "query($d: Int) { scoreDistribution(filter: {movedUpDays: $d}) { total } }",
            2 + TENANT_SCAN,
        ),
        ("{ scoreDistribution(filter: {minScore: 10}) { total } }", 2),
        ("{ leads(limit: 1, refresh: true) { totalCount } }", 2 + TENANT_SCAN),
        ("{ leads(limit: 1, refresh: false) { totalCount } }", 2),
        ("mutation { refreshScores { recomputed } }", 2 + TENANT_SCAN),
        ('mutation { refreshScores(leadIds: ["a", "b"]) { recomputed } }', 2),
        (f"mutation {{ previewScoringConfig({INPUT}, limit: 1) {{ total }} }}", 2 + TENANT_SCAN),
        (f"{{ backtestScoringConfig({INPUT}, limit: 0) {{ tierChangesTotal }} }}", 1 + TENANT_SCAN),
        ("{ modelReport(windowDays: 30) { auc } }", 2 + TENANT_SCAN),
        ("{ owners { userId } dataQuality { total } }", 4),  # remembered per index / vectorised
        (
            "{ ...Q ...Q }"
            " fragment Q on Query { leads(limit: 1, filter: {movedUpDays: 1}) { page } }",
            2 * (2 + TENANT_SCAN),
        ),
    ],
)
def test_a_field_that_walks_the_whole_tenant_counts_as_a_scan(text: str, expected: int) -> None:
    assert cost(text) == expected


def test_a_handful_of_tenant_scans_exceeds_the_default_limit() -> None:
    """QA s21 M2: 30 aliases of a moved-up count held a worker 0.5 s at 20k leads for a cost of
    60; four such fields fit the default limit, five do not."""
    assert cost(moved_up_aliases(4)) <= DEFAULT_LIMIT < cost(moved_up_aliases(5))
    assert cost(moved_up_aliases(30)) > 5 * DEFAULT_LIMIT


def test_the_frontends_operations_stay_well_under_the_default_limit() -> None:
    """The dashboard's view (its filter a variable: the page and the distribution may both scan
    the tenant) and the model page's preview each count under half the default limit."""
    operations = frontend_operations()
    assert len(operations) >= 18
    costs = {name: cost(text) for name, text in operations.items()}
    assert costs["DASHBOARD_VIEW_QUERY"] > 2 * TENANT_SCAN  # both of its scans counted
    assert costs["PREVIEW_MODEL_MUTATION"] > TENANT_SCAN
    assert all(value <= DEFAULT_LIMIT // 2 for value in costs.values()), costs
