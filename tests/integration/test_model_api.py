"""modelReport and backtestScoringConfig on the real database: roles, inputs, agreement."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from models.base import utcnow
from scoring.backtest import backtest
from scoring.engine import ScoringConfig, priority_for, score_lead
from scoring.pre_outcome import closed_snapshots
from scoring.read_model import ReadModel
from tests.conftest import register_tenant
from tests.integration.test_graphql import add_user, data_of, error_of, fields_of, login

REPORT = """query($days: Int) { modelReport(windowDays: $days) {
  leads conversions excluded auc topDecileLift trustworthy verdict
  bands { label count conversions rate intervalLow intervalHigh } tiers { label count } } }"""
BACKTEST = """query($input: ScoringConfigInput!, $limit: Int!) {
  backtestScoringConfig(input: $input, limit: $limit) {
    current { leads conversions auc } proposed { leads conversions auc }
    tierChanges { leadId leadName fromTier toTier } tierChangesTotal } }"""
PROPOSED = {
    "weights": {"emailOpens": 0.1, "websiteVisits": 0.1, "timeSpent": 0.8},
    "caps": {"emailOpens": 20, "websiteVisits": 10, "timeSpent": 600},
    "halfLifeDays": 3,
    "thresholds": {"hot": 70, "warm": 40},
}


def closed_batch(count: int) -> list[dict]:
    """Leads with activity then an outcome; more time on site converts more often."""
    rng = random.Random(5)
    start = utcnow() - timedelta(days=20)
    items: list[dict] = []
    for n in range(count):
        lead, seconds = f"lead-{n}", rng.randint(1, 900)
        at = start + timedelta(hours=n)
        items.append(_event(f"{lead}-t", lead, "time_spent", at, seconds))
        items.append(_event(f"{lead}-o", lead, "email_open", at, rng.randint(1, 5)))
        kind = "converted" if rng.random() < seconds / 900 else "lost"
        items.append(_event(f"{lead}-x", lead, kind, at + timedelta(days=1)))
    return items


def _event(eid, lead, kind, at, value=None) -> dict:
    item = {"eventId": eid, "leadId": lead, "type": kind, "occurredAt": at.isoformat()}
    if value is not None:
        item["value"] = value
    return item


@pytest.fixture
async def closed_tenant(client):
    tenant = await register_tenant(client)
    response = await client.post("/events", json=closed_batch(120), headers=tenant.headers)
    assert response.status_code == 200, response.text
    return tenant


async def test_reps_are_forbidden(client, closed_tenant) -> None:
    rep = await login(client, (await add_user(client, closed_tenant))["email"])
    for query, variables in ((REPORT, {}), (BACKTEST, {"input": PROPOSED, "limit": 5})):
        error = await error_of(client, query, variables, rep["accessToken"])
        assert error["extensions"]["code"] == "FORBIDDEN"


async def test_report_and_backtest_agree_with_the_pure_functions(client, closed_tenant) -> None:
    report = (await data_of(client, REPORT, {}, closed_tenant.token))["modelReport"]
    snapshots, excluded = closed_snapshots(
        (await ReadModel(ScoringConfig()).index(closed_tenant.tenant_id)).records.values()
    )
    proposed = ScoringConfig(
        weights=(0.1, 0.1, 0.8),
        caps=(20, 10, 600),
        half_life_days=3,
        hot_threshold=70,
        warm_threshold=40,
    )
    expected = backtest(snapshots, ScoringConfig(), proposed)
    assert (report["leads"], report["excluded"]) == (120, excluded) == (120, 0)
    assert report["conversions"] == expected.current.conversions
    assert report["auc"] == pytest.approx(expected.current.auc)
    assert sum(row["count"] for row in report["bands"]) == 120
    variables = {"input": PROPOSED, "limit": 5}
    result = (await data_of(client, BACKTEST, variables, closed_tenant.token))[
        "backtestScoringConfig"
    ]
    assert result["proposed"]["auc"] == pytest.approx(expected.proposed.auc)
    assert result["tierChangesTotal"] == len(expected.tier_changes)
    assert len(result["tierChanges"]) == min(5, len(expected.tier_changes))
    for change in result["tierChanges"]:  # named as the lead is (events named none: its id)
        assert change["leadName"] == change["leadId"]
    recent = (await data_of(client, REPORT, {"days": 1}, closed_tenant.token))["modelReport"]
    assert recent["leads"] < 120  # outcomes older than the window are left out


async def test_bad_window_and_limit_name_the_field(client, closed_tenant) -> None:
    error = await error_of(client, REPORT, {"days": 0}, closed_tenant.token)
    assert fields_of(error) == {"windowDays"}
    error = await error_of(
        client, BACKTEST, {"input": PROPOSED, "limit": 10_000}, closed_tenant.token
    )
    assert fields_of(error) == {"limit"}


async def test_a_bad_proposal_names_every_bad_field_at_once(client, closed_tenant) -> None:
    bad = {
        "weights": {"emailOpens": -1, "websiteVisits": 0, "timeSpent": 0},
        "caps": {"emailOpens": 0, "websiteVisits": 10, "timeSpent": 600},
        "halfLifeDays": 0,
        "thresholds": {"hot": 30, "warm": 60},
    }
    everything = {"weights", "caps", "halfLifeDays", "thresholds"}
    error = await error_of(client, BACKTEST, {"input": bad, "limit": 5}, closed_tenant.token)
    assert fields_of(error) == everything
    error = await error_of(client, PREVIEW, {"input": bad}, closed_tenant.token)
    assert fields_of(error) == everything


PREVIEW = """mutation($input: ScoringConfigInput!) { previewScoringConfig(input: $input, limit: 3) {
  total bands { count } priorities { priority count } before { total priorities { priority count } }
  tierChanges { leadId fromTier toTier scoreBefore scoreAfter } tierChangesTotal
  backtest { current { auc } proposed { auc } tierChangesTotal } } }"""


async def test_preview_agrees_with_the_engine_and_the_backtest(client, closed_tenant) -> None:
    recent = utcnow() - timedelta(hours=2)
    open_leads = [
        _event(f"open-{n}-{kind}", f"open-{n}", kind, recent, value)
        for n in range(40)
        for kind, value in (("time_spent", 15 * n + 1), ("email_open", 1 + n % 9))
    ]
    response = await client.post("/events", json=open_leads, headers=closed_tenant.headers)
    assert response.status_code == 200, response.text
    data = await data_of(client, PREVIEW, {"input": PROPOSED}, closed_tenant.token)
    result = data["previewScoringConfig"]
    index = await ReadModel(ScoringConfig()).index(closed_tenant.tenant_id)
    proposed = ScoringConfig(
        weights=(0.1, 0.1, 0.8),
        caps=(20, 10, 600),
        half_life_days=3,
        hot_threshold=70,
        warm_threshold=40,
    )
    now = utcnow()
    tiers = {
        r.lead_id: (
            priority_for(score_lead(r.counts(), ScoringConfig(), now).score, ScoringConfig()),
            priority_for(score_lead(r.counts(), proposed, now).score, proposed),
        )
        for r in index.records.values()
    }
    changed = {lead for lead, (a, b) in tiers.items() if a != b}
    assert result["total"] == result["before"]["total"] == 160
    assert changed  # the open leads move between tiers
    assert result["tierChangesTotal"] == len(changed)
    assert len(result["tierChanges"]) == min(3, len(changed))
    for item in result["tierChanges"]:
        assert (item["fromTier"], item["toTier"]) == tiers[item["leadId"]]
    after = {p["priority"].lower(): p["count"] for p in result["priorities"]}
    assert after == {
        t: sum(1 for _, b in tiers.values() if b == t) for t in ("hot", "warm", "cold")
    }
    snapshots, _ = closed_snapshots(index.records.values())
    expected = backtest(snapshots, ScoringConfig(), proposed)
    assert result["backtest"]["proposed"]["auc"] == pytest.approx(expected.proposed.auc)
    assert result["backtest"]["tierChangesTotal"] == len(expected.tier_changes)
