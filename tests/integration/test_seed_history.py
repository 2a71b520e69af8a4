"""The demo seed: its leads' counts, activity and outcomes come from the demo events through
the events path, and 90 daily history points agree with the engine on the same events."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from cli.seed import DEMO_TENANT_ID, seed_demo
from models import Interaction
from models.base import utcnow
from scoring.demo_outcomes import demo_history
from scoring.engine import ScoringConfig, score_lead
from scoring.history import days_back, read_days
from scoring.service import ScoreService


async def test_seed_feeds_events_and_backfills_90_days(client) -> None:
    scores = ScoreService(ScoringConfig())
    now = utcnow()
    started = time.monotonic()
    result = await seed_demo(scores, now=now)
    assert time.monotonic() - started < 30
    stored = {
        d["leadId"]: d
        async for d in Interaction.get_pymongo_collection().find({"tenantId": DEMO_TENANT_ID})
    }
    assert len(stored) == result.leads
    leads = demo_history(sorted(stored), now)
    outcomes = {lead.outcome for lead in leads}
    assert {"won", "lost", "open"} <= outcomes
    for lead in leads:
        counts = lead.counts_at(now + timedelta(seconds=1))
        doc = stored[lead.lead_id]
        assert (doc["emailOpens"], doc["websiteVisits"], doc["timeSpent"]) == pytest.approx(
            (counts.email_opens, counts.website_visits, counts.time_spent)
        )
        assert doc.get("outcome", "open") == lead.outcome
    days = days_back(now.date() - timedelta(days=1), 90)
    points = [p for p in await read_days(DEMO_TENANT_ID, days, len(stored)) if p.kind == "day"]
    assert len({p.day for p in points}) == 90
    sample = next(lead for lead in leads if lead.events)
    moment = now - timedelta(days=20)
    day = next(p for p in points if p.day == moment.date())
    expected = score_lead(sample.counts_at(moment), ScoringConfig(), moment).score
    assert float(day.scores[day.lead_ids.index(sample.lead_id)]) == pytest.approx(
        expected, abs=0.01
    )
    recent = await scores.history.points(DEMO_TENANT_ID, sample.lead_id, 30, now)
    assert len([p for p in recent if p.kind == "day"]) == 30  # 29 backfilled + today's
    assert (await seed_demo(scores, now=now)).created is False
