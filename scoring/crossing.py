"""When a lead entered the tier it is in now: a stable moment, not the moment of the request.

Between a lead's last stored point and now, its tier changed. The moment is known, or can be
worked out, in the usual cases:
- a write changed the lead since that point: the write's time (`updatedAt`);
- nothing was written and the tier went down: decay did it, at the moment the score fell to
  the threshold, `score(t) = 100·raw·2^(-(t - last)/h)` = threshold;
- otherwise a model change moved it: the moment that model was applied (when known and after
  the point), else the point's own time, the earliest it can have been.
The moment is kept between the last point and now. The history job stores tier changes with
this moment, and the live trend answers it until then, so `crossedAt` neither moves with each
request nor jumps when the job runs.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from scoring.engine import MICROS_PER_DAY, ScoringConfig
from scoring.history_points import HistoryPoint, Trend
from scoring.index import TenantIndex
from scoring.index_types import LeadRecord, from_micros, to_micros

if TYPE_CHECKING:  # the window module imports this one
    from scoring.history_window import TenantWindow

TIERS = ("cold", "warm", "hot")


def entered_tier_us(
    record: LeadRecord | None,
    config: ScoringConfig,
    before: str,
    after: str,
    since_us: int,
    now_us: int,
    applied_us: int | None = None,
) -> int:
    """The moment (µs) a lead went from tier `before` (its last point, at `since_us`) to
    `after`, between then and `now_us` (`applied_us`: when the model in force was applied)."""
    moment = since_us
    decayed = None
    if record is not None and TIERS.index(after) < TIERS.index(before):
        raw = min(record.raw, 1.0)
        threshold = config.hot_threshold if after == "warm" else config.warm_threshold
        if record.last_us is not None and raw > 0 and threshold > 0:
            days = config.half_life_days * math.log2(100 * raw / threshold)
            decayed = record.last_us + int(days * MICROS_PER_DAY)
    if record is not None and record.updated_us > since_us:
        moment = record.updated_us  # a write moved it
    elif decayed is not None and (applied_us is None or decayed <= applied_us):
        moment = decayed  # decay took it down (before any model change)
    elif applied_us is not None and since_us < applied_us <= now_us:
        moment = applied_us  # the model did it (QA s19 L1: it was dated at the point before)
    elif decayed is not None:
        moment = decayed
    return min(max(moment, since_us), now_us)


def live_crossing(
    index: TenantIndex | None,
    points: list[HistoryPoint],
    lead_id: str,
    tier: str,
    now: datetime,
    applied: datetime | None = None,
) -> datetime | None:
    """When the lead entered `tier`, if its last stored point has another tier (else None);
    `applied`: when the model in force was applied, if known."""
    if index is None or not points or points[-1].priority == tier:
        return None
    last = points[-1]
    moment = entered_tier_us(
        index.get(lead_id),
        index.config,
        last.priority,
        tier,
        to_micros(last.at),
        to_micros(now),
        None if applied is None else to_micros(applied),
    )
    return from_micros(moment)


def crossing_moments(
    index: TenantIndex,
    window: TenantWindow,
    lead_ids: list[str],
    tiers: np.ndarray,
    now: datetime,
    applied: datetime | None = None,
) -> np.ndarray:
    """For leads whose tier changed since their last stored point (tier codes 1 cold .. 3 hot),
    the moment each entered its new tier (µs)."""
    moments = np.full(len(lead_ids), to_micros(now), np.int64)
    for n, lead_id in enumerate(lead_ids):
        entered = live_crossing(
            index, window.indexed(lead_id).points, lead_id, TIERS[tiers[n] - 1], now, applied
        )
        if entered is not None:
            moments[n] = to_micros(entered)
    return moments


def lead_trend(
    index: TenantIndex | None,
    window: TenantWindow,
    lead_id: str,
    score: float,
    tier: str,
    now: datetime,
    applied: datetime | None = None,
) -> Trend:
    """The lead's score change over 7 days and its last tier crossing (the live one last, at
    the moment it entered its tier)."""
    from scoring.history_window import WINDOW_SPAN  # (that module imports this one)

    indexed = window.indexed(lead_id)
    entered = live_crossing(index, indexed.points, lead_id, tier, now, applied)
    return indexed.trend(now - WINDOW_SPAN, score, tier, now, entered)
