"""Abuse limits of /graphql: over-deep, alias-bomb and oversized queries are refused at
validation (errors, no data, nothing executed)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import httpx
from graphql import get_introspection_query

from gql.schema import build_schema
from tests.conftest import graphql, ingest, make_settings, register_tenant
from tests.integration.test_graphql import interaction
from tests.unit.test_graphql_cost import frontend_operations, moved_up_aliases

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from bench_tools import dashboard_view  # reads frontend/src/api/operations.ts

# Every `fields { type { fields ...` level is another walk over the whole schema.
CYCLIC_INTROSPECTION = """
{ __schema { types { fields { type { fields { type { fields { type { fields { type {
  ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } } } } }
"""


def aliases_of_me(count: int) -> str:
    return "{ " + " ".join(f"me{n}: me {{ userId }}" for n in range(count)) + " }"


def oversized(fields: int) -> str:
    """A query of well over `fields` tokens, without a single alias."""
    return "{ me { " + " ".join(["userId"] * fields) + " } }"


async def refused(
    client: httpx.AsyncClient, query: str, token: str | None = None
) -> dict[str, Any]:
    """The single validation error of a refused query; the body carries no data."""
    body = await graphql(client, query, token=token)
    assert body.get("data") is None, body
    assert len(body.get("errors") or []) == 1, body
    error: dict[str, Any] = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "path" not in error
    return error


async def test_over_deep_introspection_is_refused(client):
    tenant = await register_tenant(client)
    for token in (tenant.token, None):
        error = await refused(client, CYCLIC_INTROSPECTION, token)
        assert error["message"] == "Maximum introspection depth exceeded"


async def test_the_standard_introspection_query_is_served(client):
    """GraphiQL's own introspection (15 levels deep) must keep working."""
    body = await graphql(client, get_introspection_query(descriptions=True))
    assert "errors" not in body, body
    names = {t["name"] for t in body["data"]["__schema"]["types"]}
    assert {"Query", "Mutation", "Lead", "LeadPage"} <= names


async def test_the_configured_depth_limit_refuses_deeper_queries(ferretdb):
    """The schema built from settings enforces GRAPHQL_MAX_DEPTH. Outside introspection (which
    the limiter skips) no query of this acyclic schema reaches the default of 10, so the lowest
    allowed setting shows the limit is wired. Root fields are depth 0."""
    schema = build_schema(make_settings(ferretdb, graphql_max_depth=2))
    result = await schema.execute("{ leads { items { owner { name } } } }")
    assert result.data is None
    assert [e.message for e in result.errors or []] == [
        "'anonymous' exceeds maximum operation depth of 2"
    ]


async def test_alias_bomb_is_refused(client):
    tenant = await register_tenant(client)
    for token in (tenant.token, None):
        error = await refused(client, aliases_of_me(50), token)
        assert error["message"] == "50 aliases found. Allowed: 30"


async def test_aliases_up_to_the_limit_are_served(client):
    tenant = await register_tenant(client)
    body = await graphql(client, aliases_of_me(30), token=tenant.token)
    assert "errors" not in body, body
    assert {me["userId"] for me in body["data"].values()} == {tenant.user_id}


async def test_oversized_query_is_refused(client):
    tenant = await register_tenant(client)
    for token in (tenant.token, None):
        error = await refused(client, oversized(2100), token)
        assert "more than 2000 tokens" in error["message"]


async def test_refused_queries_never_reach_the_database(client, commands):
    for query in (CYCLIC_INTROSPECTION, aliases_of_me(50), oversized(2100)):
        before = commands.snapshot()
        await refused(client, query)
        assert commands.snapshot() - before == {}, query[:40]


async def test_a_document_is_validated_once_per_schema_and_rules(ferretdb, monkeypatch):
    """CachedValidation: the same query text is validated once (its parsed document is the
    key), and a schema with other limits validates it under its own rules."""
    import gql.schema

    calls: list[int] = []
    original = gql.schema.validate_document

    def counting(schema, document, rules):  # type: ignore[no-untyped-def]
        calls.append(len(rules))
        return original(schema, document, rules)

    monkeypatch.setattr(gql.schema, "validate_document", counting)
    strict = build_schema(make_settings(ferretdb, graphql_max_depth=2))
    loose = build_schema(make_settings(ferretdb))
    query = "{ leads { items { owner { name } } } }  # validated once per schema"
    for _ in range(3):
        refused_there = await strict.execute(query)
        assert [e.message for e in refused_there.errors or []] == [
            "'anonymous' exceeds maximum operation depth of 2"
        ]
        allowed_here = await loose.execute(query)
        assert not any("depth" in e.message for e in allowed_here.errors or [])
    assert len(calls) == 2


def history_bomb(aliases: int, limit: int = 200, days: int = 180) -> str:
    """Many pages of leads, each with months of history: 2.7 kB asking for millions of values."""
    page = f"leads(limit: {limit}) {{ items {{ history(days: {days}) {{ score at }} }} }}"
    return "{ " + " ".join(f"p{n}: {page}" for n in range(aliases)) + " }"


async def test_a_query_asking_for_too_much_work_is_refused(client, commands):
    """30 pages of 200 leads with 180 days of history each (3-7 s of a worker and a 20-31 MB
    answer before the limit) fit the depth, alias and token limits; the cost limit refuses it
    before anything runs."""
    tenant = await register_tenant(client)
    before = commands.snapshot()
    error = await refused(client, history_bomb(30), tenant.token)
    assert commands.snapshot() - before == {}
    assert error["message"].startswith("'anonymous' would produce about ")
    assert "more than the limit of 200000 (GRAPHQL_MAX_COST)" in error["message"]
    body = await graphql(client, history_bomb(1), token=tenant.token)
    assert "errors" not in body, body  # one full page with six months of history is served


async def test_the_cost_limit_counts_variables_at_their_largest(ferretdb):
    """A list size given by a variable is not known at validation: it counts as the largest the
    field accepts (200 leads), so the same document can be refused with a variable and served
    with a literal."""
    schema = build_schema(make_settings(ferretdb, graphql_max_cost=500))
    by_variable = await schema.execute(
        "query Page($n: Int!) { leads(limit: $n) { items { leadId name } } }",
        variable_values={"n": 5},
    )
    assert [e.message.split(" would")[0] for e in by_variable.errors or []] == ["'Page'"]
    by_literal = await schema.execute("query Page { leads(limit: 5) { items { leadId name } } }")
    assert not any("GRAPHQL_MAX_COST" in e.message for e in by_literal.errors or [])


async def test_several_operations_need_an_operation_name(client, commands):
    """A document of several operations runs the one named by `operationName`; without a name it
    is refused (Strawberry alone ran the first one: a client could get what it did not mean)."""
    tenant = await register_tenant(client)
    document = "query Owners { owners { userId } } query Me { me { userId } }"
    before = commands.snapshot()
    error = await refused(client, document, tenant.token)
    assert error["message"] == "Must provide operation name if query contains multiple operations."
    assert commands.snapshot() - before == {}
    named = await client.post(
        "/graphql",
        json={"query": document, "operationName": "Me"},
        headers=tenant.headers,
    )
    assert named.status_code == 200 and named.json()["data"] == {"me": {"userId": tenant.user_id}}


def doubling_fragments(count: int) -> str:
    """Each fragment spreads the next twice: under 1 kB, 2^count selections written out."""
    chain = " ".join(f"fragment F{n} on Lead {{ ...F{n + 1} ...F{n + 1} }}" for n in range(count))
    return f'{{ lead(leadId: "x") {{ ...F0 }} }} {chain} fragment F{count} on Lead {{ leadId }}'


async def test_fragments_that_double_at_each_step_are_refused_at_once(client, commands):
    """Strawberry's depth and alias limiters walk every expansion: 20 such fragments took them
    10 s of CPU, for anyone (validation comes before sign-in). They are refused first."""
    for token in (None, (await register_tenant(client)).token):
        before = commands.snapshot()
        started = time.perf_counter()
        error = await refused(client, doubling_fragments(40), token)
        assert time.perf_counter() - started < 1.0
        assert commands.snapshot() - before == {}
        assert "selections once its fragments are spread" in error["message"]
    body = await graphql(client, doubling_fragments(8))  # 512 selections: validated as usual
    assert "fragments are spread" not in str(body)


PREVIEW_INPUT = {
    "weights": {"emailOpens": 0.1, "websiteVisits": 0.1, "timeSpent": 0.8},
    "caps": {"emailOpens": 20, "websiteVisits": 10, "timeSpent": 600},
    "halfLifeDays": 3,
    "thresholds": {"hot": 70, "warm": 40},
}


def previews(aliases: int) -> str:
    """`aliases` previews of a model, each scoring every lead of the tenant (QA s21 M2)."""
    one = "previewScoringConfig(input: $input, limit: 1) { total }"
    body = " ".join(f"p{n}: {one}" for n in range(aliases))
    return f"mutation($input: ScoringConfigInput!) {{ {body} }}"


def counted(monkeypatch: Any, module: Any, name: str) -> list[int]:
    """Calls of ``module.name`` from now on (it still runs)."""
    calls: list[int] = []
    original = getattr(module, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


async def refused_quickly(
    client: httpx.AsyncClient,
    commands: Any,
    query: str,
    token: str,
    variables: dict[str, Any] | None = None,
) -> None:
    """Refused by the cost rule at once, before any database command or resolver."""
    before, started = commands.snapshot(), time.perf_counter()
    body = await graphql(client, query, variables, token)
    assert time.perf_counter() - started < 1.0
    assert commands.snapshot() - before == {}
    assert body.get("data") is None and len(body["errors"]) == 1, body
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "more than the limit of 200000 (GRAPHQL_MAX_COST)" in error["message"]
    assert "walks the whole tenant" in error["message"]


async def test_aliases_of_a_moved_up_filter_are_refused_before_they_run(
    client, commands, monkeypatch
):
    """QA s21 M2: 30 aliases of a one-lead count filtered by movedUpDays (cost 60 before) each
    walked every lead: 0.5 s of a worker at 20k leads. Now they count as 30 scans, over the limit,
    and none runs; one such count is served."""
    import scoring.service

    tenant = await register_tenant(client)
    await ingest(client, tenant, [interaction(f"m-{n}", n, n, 60 * n) for n in range(5)])
    calls = counted(monkeypatch, scoring.service, "moved_up_now")
    body = await graphql(client, moved_up_aliases(1), token=tenant.token)
    assert "errors" not in body and body["data"]["a1"]["totalCount"] == 0, body
    assert len(calls) == 1  # the count walked the tenant once
    await refused_quickly(client, commands, moved_up_aliases(30), tenant.token)
    assert len(calls) == 1


async def test_aliases_of_a_model_preview_are_refused_before_they_run(
    client, commands, monkeypatch
):
    """QA s21 M2: 30 previews in one mutation each scored every lead (0.4 s at 20k leads)."""
    import gql.model

    tenant = await register_tenant(client)
    calls = counted(monkeypatch, gql.model, "preview")
    body = await graphql(client, previews(1), {"input": PREVIEW_INPUT}, tenant.token)
    assert "errors" not in body, body
    assert len(calls) == 1
    await refused_quickly(client, commands, previews(30), tenant.token, {"input": PREVIEW_INPUT})
    assert len(calls) == 1


async def test_the_dashboard_and_model_page_operations_are_served(client):
    """The frontend's own documents, as it sends them, fit the limit: the dashboard's one-request
    view filtered by movedUpDays (two tenant scans), and the model page's report and preview."""
    tenant = await register_tenant(client)
    await ingest(client, tenant, [interaction(f"d-{n}", n, n, 60 * n) for n in range(5)])
    operations = frontend_operations()
    view = dashboard_view()
    view["variables"] |= {"filter": {"movedUpDays": 7}, "withMe": True}
    requests = [
        (view["query"], view["variables"]),
        (operations["MODEL_REPORT_QUERY"], {"windowDays": 90}),
        (operations["PREVIEW_MODEL_MUTATION"], {"input": PREVIEW_INPUT, "limit": 50}),
    ]
    for query, variables in requests:
        body = await graphql(client, query, variables, tenant.token)
        assert "errors" not in body, body
