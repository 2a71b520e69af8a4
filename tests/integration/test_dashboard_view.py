"""The dashboard's view answered directly (gql/dashboard_view.py) is byte for byte what the
general GraphQL path answers, over the demo tenant's leads, history and statuses, many filters,
sorts and pages, at frozen moments; what it does not handle is left to the general path."""

from __future__ import annotations

import contextlib
import logging
import random
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

import gql.app
import gql.dashboard_view
import scoring.history_window
import scoring.service
from cli.seed import DEMO_PASSWORD, seed_demo
from gql.dashboard_view import VIEW_DOCUMENT
from models.base import utcnow
from scoring.engine import ScoringConfig
from scoring.history_window import ScoreHistory
from scoring.service import ScoreService
from tests.conftest import graphql, make_settings, running_app

SET_STATUS = """
mutation S($leadId: String!, $status: LeadStatus!) {
  setLeadStatus(leadId: $leadId, status: $status) { leadId }
}"""
RECORD = """
mutation R($input: [InteractionInput!]!) { recordInteractions(input: $input) { accepted } }"""


def view(**variables: Any) -> dict[str, Any]:
    base = {
        "filter": None,
        "sort": "SCORE_DESC",
        "page": 1,
        "limit": 50,
        "refresh": False,
        "staleDays": 30,
        "withMe": False,
    }
    return {"query": VIEW_DOCUMENT, "variables": base | variables}


class Answers:
    """Counts the views the direct path answered (not left to the general path)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        answer = gql.app.view_data

        async def counted(*args: Any) -> Any:
            data = await answer(*args)
            self.count += 1
            return data

        monkeypatch.setattr(gql.app, "view_data", counted)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    return Answers(monkeypatch)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The read path's clock, held at the moment in the list (tests move it)."""
    moment = [utcnow()]
    for module in (scoring.service, scoring.history_window):
        monkeypatch.setattr(module, "utcnow", lambda: moment[0])
    return moment


DATABASE = "leadscore_dashboard_view"  # its own: these tests change the demo tenant


@contextlib.asynccontextmanager
async def demo(
    ferretdb: Any, **overrides: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    """An app on this module's database with the demo tenant seeded (90 days of history,
    outcomes), and its users' tokens."""
    settings = make_settings(ferretdb, mongodb_db=DATABASE, **overrides)
    async with running_app(settings) as running, running.client() as client:
        await seed_demo(ScoreService(ScoringConfig()))
        tokens = {}
        for who in ("manager", "rep1", "admin"):
            response = await client.post(
                "/auth/login", json={"email": f"{who}@acme.example", "password": DEMO_PASSWORD}
            )
            assert response.status_code == 200, response.text
            tokens[who] = response.json()["accessToken"]
        yield client, tokens


@pytest.fixture
async def demo_app(
    ferretdb: Any, app: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    """`demo` with the default settings: a client and the demo users' tokens."""
    async with demo(ferretdb) as found:
        yield found


async def both(
    client: httpx.AsyncClient, body: dict[str, Any], token: str | None, monkeypatch: Any
) -> tuple[httpx.Response, httpx.Response]:
    """The response as served, and as the general path alone serves it."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    served = await client.post("/graphql", json=body, headers=headers)
    with monkeypatch.context() as patched:
        patched.setattr(gql.app, "view_variables", lambda *args: None)
        general = await client.post("/graphql", json=body, headers=headers)
    return served, general


def same(served: httpx.Response, general: httpx.Response) -> None:
    """The same answer (an HTTP error's body names its own request id: all else is equal)."""
    assert served.status_code == general.status_code
    assert served.headers["content-type"] == general.headers["content-type"]
    if served.status_code != 200:
        assert _without_request_id(served.json()) == _without_request_id(general.json())
        return
    assert served.content == general.content


def _without_request_id(body: dict[str, Any]) -> dict[str, Any]:
    error = dict(body["error"])
    assert error.pop("requestId")
    return {**body, "error": error}


def variable_sets(owners: list[str], seed: int) -> list[dict[str, Any]]:
    """Deterministic corners, then random combinations of every variable."""
    corners: list[dict[str, Any]] = [
        {},
        {"withMe": True},
        {"sort": "LAST_ACTIVITY_DESC"},
        {"page": 2, "limit": 7},
        {"page": 50, "limit": 100},  # beyond the last page
        {"limit": 1, "staleDays": 0},
        {"filter": {}},
        {"filter": {"noActivity": True}},
        {"filter": {"search": "a", "minScore": 10}},
        {"filter": {"ownerId": "nobody-owns-this"}},
    ]
    rng = random.Random(seed)
    filters: list[dict[str, Any]] = [
        {"minScore": rng.choice([0, 5, 33.3, 70, 99.99, 100])},
        {"ownerId": rng.choice(owners)},
        {"priority": rng.choice(["HOT", "WARM", "COLD"])},
        {"search": rng.choice(["ac", "GLOBEX", "é", "zz-none"])},
        {"status": rng.choice(["NEW", "CONTACTED", "QUALIFIED", "DISQUALIFIED"])},
        {"noActivity": rng.choice([True, False])},
        {"staleDays": rng.choice([0, 3, 30, 400])},
        {"movedUpDays": rng.choice([1, 7, 30])},
    ]
    found = []
    for _ in range(24):
        chosen: dict[str, Any] = {}
        for part in rng.sample(filters, rng.randint(0, 3)):
            chosen |= part
        found.append(
            {
                "filter": chosen or rng.choice([None, {}]),
                "sort": rng.choice(["SCORE_DESC", "LAST_ACTIVITY_DESC"]),
                "page": rng.randint(1, 4),
                "limit": rng.choice([1, 10, 25, 50, 100]),
                "staleDays": rng.choice([0, 7, 30, 90]),
                "withMe": rng.choice([True, False]),
            }
        )
    return corners + found


async def test_the_direct_view_is_the_general_path_byte_for_byte(
    demo_app, frozen, answers, monkeypatch
) -> None:
    client, tokens = demo_app
    page = await graphql(
        client, view(limit=100)["query"], view(limit=100)["variables"], tokens["manager"]
    )
    items = page["data"]["leads"]["items"]
    for item, status in zip(
        items[:6], ["CONTACTED", "QUALIFIED", "DISQUALIFIED"] * 2, strict=False
    ):
        changed = await graphql(
            client, SET_STATUS, {"leadId": item["leadId"], "status": status}, tokens["manager"]
        )
        assert "errors" not in changed, changed
    sparse = [  # no email, owner or activity
        {
            "leadId": "dv-sparse-1",
            "leadName": "Sparse One",
            "emailOpens": 0,
            "websiteVisits": 0,
            "timeSpent": 0,
        }
    ]
    recorded = await graphql(client, RECORD, {"input": sparse}, tokens["manager"])
    assert recorded["data"]["recordInteractions"]["accepted"] == 1, recorded
    owners = sorted({i["ownerId"] for i in items if i["ownerId"]})
    answered = answers.count
    for moment, seed in ((0, 1), (0.37, 2), (3, 3)):  # now, hours later, days later
        frozen[0] = utcnow() + timedelta(days=moment)
        for variables in variable_sets(owners, seed):
            token = tokens["rep1" if variables.get("withMe") and seed == 2 else "manager"]
            served, general = await both(client, view(**variables), token, monkeypatch)
            same(served, general)
            assert "errors" not in served.json(), (variables, served.json())
            answered += 1
            assert answers.count == answered, variables  # answered directly, every one
    shown = await both(
        client, view(limit=100, filter={"status": "QUALIFIED"}), tokens["manager"], monkeypatch
    )
    leads = shown[0].json()["data"]["leads"]["items"]
    assert leads and all(
        lead["statusSetBy"] == {"userId": "demo-manager", "name": "Max Manager"} for lead in leads
    )
    assert any(lead["trend"]["change7d"] is not None for lead in items)
    assert any(len(lead["sparkline"]) >= 29 for lead in items)


async def test_what_it_does_not_handle_is_left_to_the_general_path(
    demo_app, frozen, answers, monkeypatch
) -> None:
    client, tokens = demo_app
    key = tokens["manager"]
    created = await graphql(
        client, 'mutation { createApiKey(name: "dv") { key } }', None, tokens["admin"]
    )
    ingestion_key = created["data"]["createApiKey"]["key"]
    cases: list[tuple[dict[str, Any], str | None]] = [
        (view(refresh=True), key),  # a write
        (view(limit=0), key),  # refused by the page rules: an error with data for the rest
        (view(staleDays=-1), key),
        (view(filter={"movedUpDays": 0}), key),
        (view(filter={"minScore": "high"}), key),  # refused by graphql-core's coercion
        (view(sort="NAME"), key),
        (view(filter={"unknown": 1}), key),
        (view(), None),  # not signed in
        (view(), "not-a-token"),
        (view(), ingestion_key),  # FORBIDDEN: a key may only ingest
        ({**view(), "operationName": "Other"}, key),
        (
            {"query": view()["query"].replace("staleDays }", "staleDays }\n}\n#"), "variables": {}},
            key,
        ),
    ]
    for body, token in cases:
        served, general = await both(client, body, token, monkeypatch)
        same(served, general)
    with monkeypatch.context() as patched:  # points not in memory: the general path reads them
        patched.setattr(ScoreHistory, "indexed_in_memory", lambda *args: None)
        served, general = await both(client, view(limit=5), key, monkeypatch)
    same(served, general)
    assert len(served.json()["data"]["leads"]["items"][0]["sparkline"]) >= 29
    assert answers.count == 0


async def test_any_formatting_of_the_document_is_recognised(
    demo_app, frozen, answers, monkeypatch
) -> None:
    client, tokens = demo_app
    body = view()
    compact = " ".join(body["query"].split())
    commented = "# the dashboard\n" + body["query"].replace("\n", "\n  ")
    for query in (body["query"], compact, commented):
        served = await client.post(
            "/graphql",
            json={"query": query, "variables": body["variables"], "operationName": "DashboardView"},
            headers={"Authorization": f"Bearer {tokens['rep1']}"},
        )
        assert served.status_code == 200 and "errors" not in served.json()
    assert answers.count == 3
    # another selection is another operation: the general path answers it
    other = body["query"].replace("hasActivity", "hasActivity email")
    served, general = await both(client, {**body, "query": other}, tokens["rep1"], monkeypatch)
    same(served, general)
    assert answers.count == 3


async def test_the_caller_is_authenticated_and_counted_once_when_left_to_the_general_path(
    demo_app, answers, monkeypatch
) -> None:
    client, tokens = demo_app
    calls = 0

    def counting(original: Any) -> Any:
        async def principal_for(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            return await original(*args, **kwargs)

        return principal_for

    served = await client.post(
        "/graphql", json=view(), headers={"Authorization": f"Bearer {tokens['rep1']}"}
    )
    assert served.status_code == 200
    import api.services

    monkeypatch.setattr(
        api.services.Services, "principal_for", counting(api.services.Services.principal_for)
    )
    for body in (view(), view(limit=0)):  # answered directly; left to the general path
        response = await client.post(
            "/graphql", json=body, headers={"Authorization": f"Bearer {tokens['rep1']}"}
        )
        assert response.status_code == 200
    assert calls == 2
    assert answers.count == 2  # the first request above, and the first of the two


async def test_a_replicas_first_view_loads_the_history_and_is_answered_directly(
    ferretdb, app, frozen, answers, monkeypatch
) -> None:
    async with demo(ferretdb) as (_, tokens):
        settings = make_settings(ferretdb, mongodb_db=DATABASE)
        async with running_app(settings) as fresh, fresh.client() as http:  # nothing loaded
            served, general = await both(http, view(limit=20), tokens["manager"], monkeypatch)
    same(served, general)
    assert answers.count == 1
    items = served.json()["data"]["leads"]["items"]
    assert all(len(lead["sparkline"]) >= 29 for lead in items)


@pytest.mark.parametrize(
    "limits", [{"graphql_max_depth": 2}, {"graphql_max_tokens": 120}], ids=["depth", "tokens"]
)
async def test_limits_that_refuse_the_document_refuse_it_here_too(
    ferretdb, app, frozen, answers, monkeypatch, limits
) -> None:
    async with demo(ferretdb, **limits) as (http, tokens):
        served, general = await both(http, view(), tokens["manager"], monkeypatch)
    same(served, general)
    assert served.json()["errors"] and not served.json().get("data")  # refused as a whole
    assert answers.count == 0
    async with demo(ferretdb) as (http, tokens):
        served = await http.post(
            "/graphql", json=view(), headers={"Authorization": f"Bearer {tokens['manager']}"}
        )
    assert "errors" not in served.json() and answers.count == 1


async def test_an_unexpected_error_is_logged_and_the_general_path_answers(
    demo_app, frozen, answers, monkeypatch, caplog
) -> None:
    client, tokens = demo_app

    def broken(*args: Any) -> Any:
        raise RuntimeError("a bug in the direct path")

    monkeypatch.setattr(gql.dashboard_view, "lead_owners", broken)
    with caplog.at_level(logging.WARNING, logger="gql.app"):
        answered, general = await both(client, view(), tokens["manager"], monkeypatch)
    same(answered, general)
    assert "errors" not in answered.json() and answers.count == 0
    logged = [r for r in caplog.records if r.name == "gql.app"]
    assert [r.getMessage() for r in logged] == ["dashboard view left to the general path"]
    assert "RuntimeError" in logged[0].error  # type: ignore[attr-defined]
