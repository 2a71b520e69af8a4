"""Resolvers of a lead's score history and trend (from the in-memory window)."""

from __future__ import annotations

import strawberry

from foundation.errors import BadInput, field_error
from gql.errors import coded_error
from gql.types import HistoryPoint, LeadTrend, Priority
from models.base import utcnow
from scoring.history_window import MAX_DAYS


async def lead_history(info: strawberry.Info, lead_id: str, days: int) -> list[HistoryPoint]:
    """The lead's points over the last `days` days."""
    if not 1 <= days <= MAX_DAYS:
        rule = f"must be between 1 and {MAX_DAYS}"
        raise coded_error(BadInput("invalid days", [field_error("days", rule)]))
    history = info.context.services.scores.history
    points = await history.points(info.context.user.tenant_id, lead_id, days, utcnow())
    return [
        HistoryPoint(at=p.at, score=p.score, priority=Priority(p.priority), kind=p.kind)
        for p in points
    ]


async def lead_trend(info: strawberry.Info, lead_id: str, score: float, priority: str) -> LeadTrend:
    """The lead's 7-day change and last tier crossing."""
    history = info.context.services.scores.history
    now = utcnow()
    window = await history.window(info.context.user.tenant_id, now)
    trend = history.trend(window, lead_id, score, priority, now)
    return LeadTrend(
        change_7d=trend.change_7d,
        crossed_at=trend.crossed_at,
        crossed_from=Priority(trend.crossed_from) if trend.crossed_from else None,
        crossed_to=Priority(trend.crossed_to) if trend.crossed_to else None,
    )
