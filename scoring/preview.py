"""A proposed model's preview over the tenant's open and closed leads, with NumPy (no database)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoring.engine import ScoringConfig
from scoring.engine_arrays import TIERS, CountArrays, FloatArray, score_arrays, tier_indices
from scoring.index import LeadRecord
from scoring.service import Distribution


@dataclass(frozen=True, slots=True)
class LeadTierChange:
    """A lead whose priority differs under the proposed model, now."""

    lead_id: str
    from_tier: str
    to_tier: str
    score_before: float
    score_after: float


@dataclass(frozen=True, slots=True)
class Preview:
    """Distributions before and after, and the leads that change tier (largest change first)."""

    before: Distribution
    after: Distribution
    changes: tuple[LeadTierChange, ...]
    changes_total: int


def record_arrays(records: Sequence[LeadRecord]) -> CountArrays:
    """The records' counts as columns."""
    count = len(records)
    lasts = np.fromiter((r.last_us or 0 for r in records), dtype=np.int64, count=count)
    return CountArrays(
        email_opens=np.fromiter((r.email_opens for r in records), np.float64, count),
        website_visits=np.fromiter((r.website_visits for r in records), np.float64, count),
        time_spent=np.fromiter((r.time_spent for r in records), np.float64, count),
        last_activity_us=lasts,
        has_activity=np.fromiter((r.last_us is not None for r in records), np.bool_, count),
    )


def preview(
    records: Sequence[LeadRecord],
    current: ScoringConfig,
    proposed: ScoringConfig,
    now_us: int,
    limit: int,
) -> Preview:
    """Every lead scored now under both models."""
    arrays = record_arrays(records)
    now = np.full(len(records), now_us, dtype=np.int64)
    before, after = score_arrays(arrays, current, now), score_arrays(arrays, proposed, now)
    tiers_before = tier_indices(before, current.warm_threshold, current.hot_threshold)
    tiers_after = tier_indices(after, proposed.warm_threshold, proposed.hot_threshold)
    changed = np.flatnonzero(tiers_before != tiers_after)
    order = changed[np.argsort(-np.abs(after[changed] - before[changed]), kind="stable")][:limit]
    changes = tuple(
        LeadTierChange(
            records[i].lead_id,
            TIERS[int(tiers_before[i])],
            TIERS[int(tiers_after[i])],
            float(before[i]),
            float(after[i]),
        )
        for i in order.tolist()
    )
    return Preview(
        _distribution(before, tiers_before),
        _distribution(after, tiers_after),
        changes,
        int(changed.size),
    )


def _distribution(scores: FloatArray, tiers: np.ndarray) -> Distribution:
    bands = np.minimum((np.maximum(scores, 0) // 10).astype(np.int64), 9)
    counts = np.bincount(bands, minlength=10).tolist()
    per_tier = np.bincount(tiers, minlength=3).tolist()
    return Distribution(counts, {TIERS[i]: int(per_tier[i]) for i in range(3)})
