"""Resolvers of a lead's score history and trend (from the in-memory window).

A page of 50 leads asks for 100 of these. Once the tenant's window is loaded (the `leads` query
loads it with the index) they answer synchronously: an async resolver per lead costs a coroutine,
a task and a gather each, which was a third of the dashboard view's time. Before that, or beyond
the window's 30 days, they return a coroutine; graphql-core awaits whatever a resolver returns.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

import strawberry

from foundation.errors import BadInput, field_error
from gql.context import Context
from gql.errors import coded_error
from gql.types import HistoryPoint, HistorySource, LeadTrend, Priority
from scoring.crossing import lead_trend as lead_trend_now
from scoring.engine import Counts, decay_at, raw_score, score_value
from scoring.history_points import PointIndex, Trend
from scoring.history_window import MAX_DAYS, ScoreHistory, TenantWindow
from scoring.index import TenantIndex, to_micros
from scoring.read_model import EffectiveConfig

T = TypeVar("T")


def history_source(info: strawberry.Info) -> HistorySource:
    """The request's history source: the replica's score history, the signed-in tenant."""
    return history_source_of(info.context)


def history_source_of(context: Context) -> HistorySource:
    """`history_source` for a request's context."""
    return HistorySource(context.services.scores.history, context.user.tenant_id)


def lead_history(
    source: HistorySource, lead_id: str, days: int, now: datetime
) -> list[HistoryPoint]:
    """The lead's points over the `days` days before ``now``, the moment its score was computed
    (a coroutine if they need the database)."""
    return cast("list[HistoryPoint]", _points(source, lead_id, days, now, _wire))


def lead_sparkline(source: HistorySource, lead_id: str, days: int, now: datetime) -> list[float]:
    """The scores of the lead's daily points over the `days` days before ``now``, oldest first.

    What the dashboard draws for each of its 50 rows: 30 numbers instead of 30 objects of three
    fields (those objects were a fifth of the view's bytes, and of its time).
    """
    return cast("list[float]", _points(source, lead_id, days, now, PointIndex.day_scores_since))


def _points(
    source: HistorySource,
    lead_id: str,
    days: int,
    now: datetime,
    shape: Callable[[PointIndex, datetime], T],
) -> T | Coroutine[Any, Any, T]:
    """The lead's points since ``days`` before ``now``, shaped (a coroutine if they need the
    database); BadInput naming `days` unless 1 ≤ days ≤ MAX_DAYS."""
    if not 1 <= days <= MAX_DAYS:
        rule = f"must be between 1 and {MAX_DAYS}"
        raise coded_error(BadInput("invalid days", [field_error("days", rule)]))
    history, tenant_id = source.history, source.tenant_id
    since = now - timedelta(days=days)
    indexed = history.indexed_in_memory(tenant_id, lead_id, days)
    if indexed is not None:
        return shape(indexed, since)
    return _loaded_points(history, tenant_id, lead_id, days, now, shape)


async def _loaded_points(
    history: ScoreHistory,
    tenant_id: str,
    lead_id: str,
    days: int,
    now: datetime,
    shape: Callable[[PointIndex, datetime], T],
) -> T:
    """`_points` once the points are read (a function of its own: a closure in `_points` made
    every call, 100 a view, create its variables as cells)."""
    points = await history.points(tenant_id, lead_id, days, now)
    return shape(PointIndex.of(points), now - timedelta(days=days))


def lead_trend(
    source: HistorySource, lead_id: str, score: float, priority: str, now: datetime
) -> LeadTrend:
    """The lead's 7-day change up to ``now`` (when ``score`` was computed) and its last tier
    crossing (a coroutine before the window loads)."""
    history, tenant_id = source.history, source.tenant_id
    window = history.loaded(tenant_id)
    if window is not None:
        return _trend(history, tenant_id, window, lead_id, score, priority, now)
    return cast("LeadTrend", _loaded_trend(history, tenant_id, lead_id, score, priority, now))


async def _loaded_trend(
    history: ScoreHistory, tenant_id: str, lead_id: str, score: float, priority: str, now: datetime
) -> LeadTrend:
    """`lead_trend` once the window is loaded (no closure: see `_loaded_points`)."""
    window = await history.window(tenant_id, now)
    return _trend(history, tenant_id, window, lead_id, score, priority, now)


_PRIORITIES = {priority.value: priority for priority in Priority}  # Priority(v) is 1 µs


def _wire(indexed: PointIndex, since: datetime) -> list[HistoryPoint]:
    tiers = _PRIORITIES
    return [
        HistoryPoint(at=p.at, score=p.score, priority=tiers[p.priority], kind=p.kind)
        for p in indexed.since(since)
    ]


def _trend(
    history: ScoreHistory,
    tenant_id: str,
    window: TenantWindow,
    lead_id: str,
    score: float,
    priority: str,
    now: datetime,
) -> LeadTrend:
    index, change = history.model.loaded(tenant_id), history.model.last_change(tenant_id)
    applied = None if change is None else change.applied_at
    trend = lead_trend_now(index, window, lead_id, score, priority, now, applied)
    model_at, share = _model_part(change, index, lead_id, trend, score, now)
    return LeadTrend(
        change_7d=trend.change_7d,
        crossed_at=trend.crossed_at,
        crossed_from=_PRIORITIES[trend.crossed_from] if trend.crossed_from else None,
        crossed_to=_PRIORITIES[trend.crossed_to] if trend.crossed_to else None,
        model_changed_at=model_at,
        model_share_7d=share,
    )


def _model_part(
    change: EffectiveConfig | None,
    index: TenantIndex | None,
    lead_id: str,
    trend: Trend,
    score: float,
    now: datetime,
) -> tuple[datetime | None, float | None]:
    """The model change the trend spans (when it was applied: since the point change7d compares
    with, or the tier crossing), and its share of the score: the score now under the model in
    force minus under the model before it, same counts, same moment (None when not known)."""
    since = [at for at in (trend.compared_at, trend.crossed_at) if at is not None]
    applied = None if change is None else change.applied_at
    if change is None or applied is None or not since or not min(since) <= applied <= now:
        return None, None
    record = None if index is None else index.get(lead_id)
    if change.previous is None or record is None:
        return applied, None
    counts = Counts(record.email_opens, record.website_visits, record.time_spent, None)
    decay = decay_at(record.last_us, to_micros(now), change.previous.half_life_days)
    return applied, round(score - score_value(raw_score(counts, change.previous), decay), 2)
