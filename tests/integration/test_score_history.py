"""Score history on the real database: packed day documents, tier changes, purge, the GraphQL
fields and the "moved up a tier" filter, all read from memory once loaded."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

import scoring.history
from models import ScoreHistoryChunk
from models.base import utcnow
from scoring.engine import ScoringConfig
from scoring.history import doc_id, read_days
from scoring.service import ScoreService
from server.app import create_app
from server.background import record_history
from tests.conftest import (
    COMMANDS,
    _bound_database,
    graphql,
    ingest,
    init_database,
    register_tenant,
)
from tests.integration.test_dashboard_view import view as dashboard_view

QUERY = """query($days: Int, $moved: Int) {
  leads(limit: 50, filter: {movedUpDays: $moved}) { totalCount items { leadId score priority
    history(days: $days) { at score priority kind } sparkline(days: $days)
    trend { change7d crossedAt crossedFrom crossedTo } } }
}"""


@pytest.fixture
async def served(settings, app) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    previous = _bound_database()  # this app rebinds Beanie; bind it back to the session's
    try:
        async with LifespanManager(create_app(settings)) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield http, manager._state["services"]
    finally:
        if previous is not None:
            await init_database(previous)


def lead(lead_id: str, opens: int, visits: int, seconds: int, owner: str) -> dict[str, Any]:
    at = (utcnow() + timedelta(days=1)).isoformat()  # in the future: no decay at any past day
    return {
        "leadId": lead_id,
        "leadName": lead_id.title(),
        "ownerId": owner,
        "emailOpens": opens,
        "websiteVisits": visits,
        "timeSpent": seconds,
        "lastActivityAt": at,
    }


async def test_points_trend_crossings_and_the_moved_up_filter(served) -> None:
    client, services = served
    tenant = await register_tenant(client)
    owner = tenant.user_id
    await ingest(client, tenant, [lead("acme", 1, 1, 0, owner), lead("globex", 10, 20, 600, owner)])
    now = utcnow()
    await record_history(services, now - timedelta(days=10))  # acme cold (5.75), globex hot
    await ingest(client, tenant, [lead("acme", 10, 20, 300, owner)])
    await record_history(services, now - timedelta(days=3))  # acme crosses into hot
    body = await graphql(client, QUERY, {"days": 30}, token=tenant.token)
    assert "errors" not in body, body
    items = {i["leadId"]: i for i in body["data"]["leads"]["items"]}
    acme = items["acme"]
    assert [(p["kind"], p["priority"], p["score"]) for p in acme["history"]] == [
        ("day", "COLD", 5.75),
        ("tier", "HOT", 87.5),
        ("day", "HOT", 87.5),
    ]
    for item in items.values():  # the sparkline: the daily points' scores, in order
        assert item["sparkline"] == [p["score"] for p in item["history"] if p["kind"] == "day"]
    assert acme["sparkline"] == [5.75, 87.5]
    assert acme["trend"]["change7d"] == pytest.approx(acme["score"] - 5.75, abs=0.01)
    assert (acme["trend"]["crossedFrom"], acme["trend"]["crossedTo"]) == ("COLD", "HOT")
    assert acme["trend"]["crossedAt"].startswith((now - timedelta(days=3)).date().isoformat())
    assert items["globex"]["trend"]["crossedAt"] is None
    moved = await graphql(client, QUERY, {"days": 5, "moved": 7}, token=tenant.token)
    assert [i["leadId"] for i in moved["data"]["leads"]["items"]] == ["acme"]
    assert [p["kind"] for p in moved["data"]["leads"]["items"][0]["history"]] == ["tier", "day"]
    assert moved["data"]["leads"]["items"][0]["sparkline"] == [87.5]
    none = await graphql(client, QUERY, {"moved": 2}, token=tenant.token)
    assert none["data"]["leads"]["totalCount"] == 0
    # the same filter on the REST contract
    rest = await client.get("/leads/scoring?movedUpDays=7", headers=tenant.headers)
    assert rest.status_code == 200, rest.text
    assert [i["leadId"] for i in rest.json()["data"]] == ["acme"]
    rest = await client.get("/leads/scoring?movedUpDays=2", headers=tenant.headers)
    assert rest.json()["meta"]["total"] == 0


async def test_bad_history_arguments_name_the_field(served) -> None:
    client, _ = served
    tenant = await register_tenant(client)
    await ingest(client, tenant, [lead("acme", 1, 1, 0, tenant.user_id)])
    body = await graphql(client, QUERY, {"days": 181}, token=tenant.token)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "days" in str(body["errors"][0])
    body = await graphql(client, "{ leads { items { sparkline(days: 0) } } }", token=tenant.token)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["path"][-1] == "sparkline"
    assert "days" in str(body["errors"][0])
    body = await graphql(client, QUERY, {"moved": 0}, token=tenant.token)
    assert "movedUpDays" in str(body["errors"][0])
    for bad in ("0", "31", "x"):
        response = await client.get(f"/leads/scoring?movedUpDays={bad}", headers=tenant.headers)
        assert response.status_code == 400
        assert "movedUpDays" in response.text


async def test_days_are_chunked_binary_documents_read_by_id_and_purged(served, monkeypatch) -> None:
    client, services = served
    monkeypatch.setattr(scoring.history, "CHUNK", 3)
    tenant = await register_tenant(client)
    leads = [lead(f"lead-{n}", n, n, n * 10, tenant.user_id) for n in range(7)]
    await ingest(client, tenant, leads)
    now = utcnow()
    old_day = now - timedelta(days=200)
    await services.scores.history.record(tenant.tenant_id, old_day)
    await record_history(services, now)
    collection = ScoreHistoryChunk.get_pymongo_collection()
    ids = [doc_id(tenant.tenant_id, now.date(), "day", n) for n in range(3)]
    stored = [d async for d in collection.find({"tenantId": tenant.tenant_id, "kind": "day"})]
    assert sorted(d["_id"] for d in stored) == sorted(ids)  # 200 days ago: purged
    assert all(len(bytes(d["score"])) <= 3 * 2 for d in stored)  # uint16 per lead
    days = await read_days(tenant.tenant_id, [now.date()], 7)
    scores = {i: float(s) for d in days for i, s in zip(d.lead_ids, d.scores, strict=True)}
    assert len(scores) == 7
    assert scores["lead-6"] == pytest.approx(6 / 10 * 40 + 6 / 20 * 35 + 60 / 600 * 25)
    assert await record_history(services, now) == 0  # a day is stored once


async def test_a_replica_window_follows_points_stored_by_another(served) -> None:
    client, services = served
    tenant = await register_tenant(client)
    await ingest(client, tenant, [lead("acme", 1, 1, 0, tenant.user_id)])
    body = await graphql(client, QUERY, {}, token=tenant.token)
    assert body["data"]["leads"]["items"][0]["history"] == []
    holder = ScoreService(ScoringConfig())  # the replica holding the history lease
    await holder.history.record(tenant.tenant_id, utcnow())
    assert await services.scores.history.follow() >= 1
    body = await graphql(client, QUERY, {}, token=tenant.token)
    assert [p["score"] for p in body["data"]["leads"]["items"][0]["history"]] == [5.75]


async def test_history_and_sparkline_beyond_the_window_come_from_the_database(served) -> None:
    client, services = served
    tenant = await register_tenant(client)
    await ingest(client, tenant, [lead("acme", 1, 1, 0, tenant.user_id)])
    now = utcnow()
    for days_ago in (100, 60, 3):
        await services.scores.history.record(tenant.tenant_id, now - timedelta(days=days_ago))
    body = await graphql(client, QUERY, {"days": 120}, token=tenant.token)
    assert "errors" not in body, body
    item = body["data"]["leads"]["items"][0]
    assert [p["at"][:10] for p in item["history"]] == [
        (now - timedelta(days=d)).date().isoformat() for d in (100, 60, 3)
    ]
    assert item["sparkline"] == [5.75, 5.75, 5.75]
    body = await graphql(client, QUERY, {"days": 30}, token=tenant.token)
    assert body["data"]["leads"]["items"][0]["sparkline"] == [5.75]


async def test_days_before_the_window_are_read_once_for_a_page_and_then_kept(served) -> None:
    client, services = served
    tenant = await register_tenant(client)
    await ingest(client, tenant, [lead(f"lead-{n}", n, n, 0, tenant.user_id) for n in range(6)])
    now = utcnow()
    for days_ago in (100, 60, 3):
        await services.scores.history.record(tenant.tenant_id, now - timedelta(days=days_ago))
    query = "query($n: Int!) { leads(limit: $n) { items { history(days: 120) { at } } } }"
    finds = []
    for size in (1, 6, 6):
        if len(finds) < 2:
            services.scores.history._older.clear()  # a cold read for the first two
        before = COMMANDS.snapshot()
        body = await graphql(client, query, {"n": size}, token=tenant.token)
        assert "errors" not in body, body
        assert all(len(i["history"]) == 3 for i in body["data"]["leads"]["items"])
        finds.append((COMMANDS.snapshot() - before)["find"])
    assert finds[0] > 0
    assert finds[1] == finds[0]  # six leads read the older days once, as one lead does
    assert finds[2] == 0  # and the next request finds them in memory


async def test_the_moved_up_filter_counts_the_tier_a_lead_is_in_now(served) -> None:
    """The trend arrows count a lead's live tier as its latest crossing; so does the filter. A
    model raised then rolled back between two runs of the history job left leads 'moved up'
    that every row showed as 'crossed into cold' (UI QA s18 #2)."""
    client, services = served
    tenant = await register_tenant(client)
    owner = tenant.user_id
    await ingest(client, tenant, [lead("acme", 1, 1, 0, owner), lead("globex", 10, 20, 600, owner)])
    now = utcnow()
    await record_history(services, now - timedelta(days=10))  # acme cold
    await ingest(client, tenant, [lead("acme", 10, 20, 300, owner)])
    await record_history(services, now - timedelta(days=3))  # acme crossed into hot (stored)

    async def moved() -> list[str]:
        body = await graphql(client, QUERY, {"moved": 7}, token=tenant.token)
        items = body["data"]["leads"]["items"]
        for item in items:  # the row agrees with the filter
            assert item["trend"]["crossedTo"] in ("WARM", "HOT"), item
        return sorted(item["leadId"] for item in items)

    assert await moved() == ["acme"]
    await ingest(client, tenant, [lead("acme", 0, 0, 0, owner)])  # back down, no job since
    assert await moved() == []
    await ingest(client, tenant, [lead("acme", 10, 20, 300, owner), lead("new", 0, 0, 0, owner)])
    assert await moved() == ["acme"]  # up again: its live crossing is up


async def test_crossed_at_is_the_moment_of_the_change_before_and_after_the_job(served) -> None:
    """crossedAt answered each request's own time until the history job ran, then the job's
    (UI QA s18 #4); it is the write that moved the lead, before and after the job."""
    client, services = served
    tenant = await register_tenant(client)
    owner = tenant.user_id
    await ingest(client, tenant, [lead("acme", 1, 1, 0, owner)])
    await record_history(services, utcnow() - timedelta(hours=1))  # acme cold
    await ingest(client, tenant, [lead("acme", 10, 20, 300, owner)])  # into hot, now

    async def crossed() -> str:
        body = await graphql(client, QUERY, {"days": 5}, token=tenant.token)
        [item] = body["data"]["leads"]["items"]
        assert (item["trend"]["crossedFrom"], item["trend"]["crossedTo"]) == ("COLD", "HOT")
        return str(item["trend"]["crossedAt"])

    first = await crossed()
    await asyncio.sleep(0.05)
    assert await crossed() == first  # not the moment of each request
    from models import Interaction

    doc = await Interaction.get_pymongo_collection().find_one(
        {"tenantId": tenant.tenant_id, "leadId": "acme"}
    )
    stored = doc["updatedAt"].isoformat(timespec="milliseconds")[:23]
    assert first.startswith(stored), (first, stored)  # the write's time
    await record_history(services, utcnow())  # the job stores the change at that moment
    assert await crossed() == first


async def test_a_trend_across_a_model_change_says_so(served) -> None:
    """A model that raises scores showed as buyer momentum ("+35 since last week") with nothing
    to tell it from the buyer's (UI QA s18 #3): the trend names the model change it spans."""
    client, services = served
    tenant = await register_tenant(client)
    await ingest(client, tenant, [lead("acme", 1, 1, 0, tenant.user_id)])
    await record_history(services, utcnow() - timedelta(days=8))
    query = """{ leads { items { leadId
      trend { change7d crossedAt crossedTo modelChangedAt modelShare7d } } } }"""
    before = (await graphql(client, query, None, tenant.token))["data"]["leads"]["items"][0]
    assert before["trend"]["change7d"] == 0 and before["trend"]["modelChangedAt"] is None
    model = """mutation { updateScoringConfig(note: "weigh opens", input: {
      weights: {emailOpens: 0.9, websiteVisits: 0.05, timeSpent: 0.05},
      caps: {emailOpens: 1, websiteVisits: 20, timeSpent: 600},
      halfLifeDays: 7, thresholds: {hot: 70, warm: 40}}) { version } }"""
    assert "errors" not in await graphql(client, model, None, tenant.token)
    after = (await graphql(client, query, None, tenant.token))["data"]["leads"]["items"][0]
    # the lead did nothing: all of it is the model's (5.75 under the defaults, 90.25 now)
    assert after["trend"]["change7d"] == pytest.approx(84.5)
    assert after["trend"]["modelShare7d"] == pytest.approx(84.5)
    assert before["trend"]["modelShare7d"] is None
    applied = datetime.fromisoformat(after["trend"]["modelChangedAt"])
    assert abs((utcnow() - applied).total_seconds()) < 60
    view = await client.post(  # the dashboard's own view says the same (its direct path)
        "/graphql", json=dashboard_view(), headers=tenant.headers
    )
    item = view.json()["data"]["leads"]["items"][0]
    assert item["trend"]["modelChangedAt"] == after["trend"]["modelChangedAt"]
    assert item["trend"]["modelShare7d"] == after["trend"]["modelShare7d"]
    # its buyer then acts: the model's share stays what the model made, the rest is the lead's
    await ingest(client, tenant, [lead("acme", 1, 20, 600, tenant.user_id)])
    moved = (await graphql(client, query, None, tenant.token))["data"]["leads"]["items"][0]
    assert moved["trend"]["change7d"] == pytest.approx(100 - 5.75)
    assert moved["trend"]["modelShare7d"] == pytest.approx(100 - 64)  # under the defaults: 64
