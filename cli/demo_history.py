"""The demo tenant's past: 90 days of events fed through the events path, and the daily history
points backfilled from the same events (each day's score computed by the engine)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np

from scoring.demo_outcomes import HISTORY_DAYS, DemoLead, demo_history
from scoring.engine import score_lead
from scoring.events import MAX_EVENTS
from scoring.history import DayPoints, store_day, tier_code
from scoring.service import ScoreService

_OUTCOME_EVENT = {"won": "converted", "lost": "lost"}


def demo_events(leads: Sequence[DemoLead]) -> list[dict[str, object]]:
    """Every demo lead's activity and outcome as `POST /events` items."""
    items: list[dict[str, object]] = []
    for lead in leads:
        for n, (at, kind, value) in enumerate(lead.events):
            item = {"eventId": f"demo-{lead.lead_id}-{n}", "leadId": lead.lead_id, "type": kind}
            items.append(item | {"value": value, "occurredAt": at.isoformat()})
        if lead.outcome_at is not None:
            items.append(
                {
                    "eventId": f"demo-{lead.lead_id}-outcome",
                    "leadId": lead.lead_id,
                    "type": _OUTCOME_EVENT[lead.outcome],
                    "occurredAt": lead.outcome_at.isoformat(),
                }
            )
    return items


async def seed_history(
    scores: ScoreService, tenant_id: str, lead_ids: Sequence[str], now: datetime
) -> int:
    """Feed the demo events and store a daily point per lead for the last 90 days."""
    leads = demo_history(lead_ids, now)
    items = demo_events(leads)
    for start in range(0, len(items), MAX_EVENTS):
        await scores.record_events(tenant_id, items[start : start + MAX_EVENTS])
    config = (await scores.config(tenant_id)).config
    stored = 0
    for back in range(HISTORY_DAYS, 0, -1):
        moment = now - timedelta(days=back)
        results = [score_lead(lead.counts_at(moment), config, moment) for lead in leads]
        points = DayPoints(
            moment.date(),
            "day",
            moment,
            [lead.lead_id for lead in leads],
            np.array([r.score for r in results], np.float32),
            np.array([tier_code(r.priority) for r in results], np.uint8),
            np.array([_counts(lead, moment) for lead in leads], np.float32).reshape(-1, 3),
        )
        stored += await store_day(tenant_id, points)
    scores.history.windows.pop(tenant_id, None)
    await scores.history.record(tenant_id, now)
    return len(items)


def _counts(lead: DemoLead, moment: datetime) -> tuple[float, float, float]:
    counts = lead.counts_at(moment)
    return (counts.email_opens, counts.website_visits, counts.time_spent)
