"""Counts before the outcome, kept on the lead: late events count, post-outcome activity never."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models import Interaction
from scoring.backtest import backtest
from scoring.engine import ScoringConfig
from scoring.pre_outcome import closed_snapshots
from scoring.read_model import ReadModel
from tests.conftest import register_tenant

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
PROPOSED = ScoringConfig(half_life_days=3.0)


def event(eid: str, lead: str, kind: str, hours: float, value: float | None = None) -> dict:
    item = {
        "eventId": eid,
        "leadId": lead,
        "type": kind,
        "occurredAt": (T0 + timedelta(hours=hours)).isoformat(),
    }
    if value is not None:
        item["value"] = value
    return item


BEFORE = [
    event("a1", "won-1", "email_open", 1),
    event("a2", "won-1", "website_visit", 2),
    event("a3", "won-1", "time_spent", 3, 40),
    event("b1", "lost-1", "email_open", 1),
    event("b2", "lost-1", "time_spent", 2, 5),
]
OUTCOMES = [event("a9", "won-1", "converted", 10), event("b9", "lost-1", "lost", 10)]
AFTER = [
    event("a20", "won-1", "email_open", 20),
    event("a21", "won-1", "time_spent", 21, 900),
    event("b20", "lost-1", "website_visit", 30),
]


async def post(client, tenant, items) -> None:
    response = await client.post("/events", json=items, headers=tenant.headers)
    assert response.status_code == 200, response.text


async def snapshots_of(tenant_id: str):
    """The closed leads as a fresh replica loads them from the database."""
    index = await ReadModel(ScoringConfig()).index(tenant_id)
    return closed_snapshots(index.records.values())


async def stored(tenant_id: str, lead_id: str) -> dict:
    doc = await Interaction.get_pymongo_collection().find_one(
        {"tenantId": tenant_id, "leadId": lead_id}
    )
    assert doc is not None
    return doc


async def test_post_outcome_activity_cannot_change_the_backtest_score(client) -> None:
    tenant = await register_tenant(client)
    await post(client, tenant, BEFORE + OUTCOMES)
    doc = await stored(tenant.tenant_id, "won-1")
    before = doc["countsBeforeOutcome"]
    assert (before["emailOpens"], before["websiteVisits"], before["timeSpent"]) == (1, 1, 40)
    first, excluded = await snapshots_of(tenant.tenant_id)
    assert excluded == 0 and [s.lead_id for s in first] == ["lost-1", "won-1"]
    scored = backtest(first, ScoringConfig(), PROPOSED)
    await post(client, tenant, AFTER)
    doc = await stored(tenant.tenant_id, "won-1")
    assert doc["timeSpent"] == 940  # the lead itself counts everything
    assert doc["countsBeforeOutcome"]["timeSpent"] == 40
    second, excluded = await snapshots_of(tenant.tenant_id)
    assert excluded == 0 and second == first
    again = backtest(second, ScoringConfig(), PROPOSED)
    assert again.current.auc == scored.current.auc
    assert again.tier_changes == scored.tier_changes


async def test_late_events_before_the_outcome_add_to_it_in_any_order(client) -> None:
    in_order, reversed_order = await register_tenant(client), await register_tenant(client)
    await post(client, in_order, BEFORE + OUTCOMES + AFTER)
    for item in OUTCOMES + AFTER[::-1] + BEFORE[::-1]:  # the outcome first, then one at a time
        await post(client, reversed_order, [item])
    first, _ = await snapshots_of(in_order.tenant_id)
    second, excluded = await snapshots_of(reversed_order.tenant_id)
    assert excluded == 0 and first == second
    won = next(s for s in second if s.lead_id == "won-1")
    assert (won.counts.email_opens, won.counts.time_spent) == (1, 40)
    assert won.counts.last_activity_at == T0 + timedelta(hours=3)


async def test_outcome_after_later_activity_is_excluded_and_counted(client) -> None:
    tenant = await register_tenant(client)
    await post(
        client,
        tenant,
        [event("c1", "late", "email_open", 1), event("c2", "late", "email_open", 30)],
    )
    await post(client, tenant, [event("c9", "late", "converted", 10)])
    snapshots, excluded = await snapshots_of(tenant.tenant_id)
    assert snapshots == [] and excluded == 1
    legacy = await register_tenant(client)
    await post(
        client, legacy, [event("d1", "old", "email_open", 1), event("d9", "old", "lost", 10)]
    )
    await Interaction.get_pymongo_collection().update_one(
        {"tenantId": legacy.tenant_id, "leadId": "old"}, {"$unset": {"countsBeforeOutcome": ""}}
    )
    snapshots, excluded = await snapshots_of(legacy.tenant_id)
    assert excluded == 0 and snapshots[0].counts.email_opens == 1  # lastActivityAt <= outcomeAt
