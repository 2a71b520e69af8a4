"""Point-in-time backtest: score each closed lead as it stood just before its outcome.

Pure: snapshots in, two model reports side by side and the leads that change tier out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from scoring.engine import Counts, ScoringConfig
from scoring.engine_arrays import (
    TIERS,
    BoolArray,
    CountArrays,
    FloatArray,
    IntArray,
    epoch_us,
    score_arrays,
    tier_indices,
)
from scoring.model_report import ModelReport, model_report

ACTIVITY_TYPES = ("email_open", "website_visit", "time_spent")
OUTCOME_TYPES = ("converted", "lost")

Event = tuple[datetime, str, float | None]


@dataclass(frozen=True, slots=True)
class LeadSnapshot:
    """A closed lead: its counts as of just before the outcome, when, and whether it converted."""

    lead_id: str
    counts: Counts
    outcome_at: datetime
    converted: bool


@dataclass(frozen=True, slots=True)
class TierChange:
    """A lead whose priority tier differs between the current and the proposed model."""

    lead_id: str
    from_tier: str
    to_tier: str
    score_before: float
    score_after: float


@dataclass(frozen=True, slots=True)
class Backtest:
    """The current and the proposed model's reports over the same closed leads."""

    current: ModelReport
    proposed: ModelReport
    tier_changes: tuple[TierChange, ...]


@dataclass(frozen=True, slots=True)
class SnapshotTable:
    """Snapshots as columns, converted once and shared by backtests and the model fit."""

    lead_ids: tuple[str, ...]
    counts: CountArrays
    outcome_us: IntArray
    converted: BoolArray

    @classmethod
    def from_snapshots(cls, snapshots: Sequence[LeadSnapshot]) -> SnapshotTable:
        """Columns from snapshots, in the order given."""
        return cls(
            lead_ids=tuple(s.lead_id for s in snapshots),
            counts=CountArrays.from_counts([s.counts for s in snapshots]),
            outcome_us=epoch_us([s.outcome_at for s in snapshots]),
            converted=np.array([bool(s.converted) for s in snapshots], dtype=np.bool_),
        )

    def scores(self, config: ScoringConfig) -> FloatArray:
        """Each lead's score under ``config`` as of its outcome."""
        return score_arrays(self.counts, config, self.outcome_us)


def counts_before(base: Counts | None, events: Iterable[Event], cutoff: datetime) -> Counts:
    """A lead's counts from ``base`` plus its activity events strictly before ``cutoff``.

    Events are ``(occurred_at, type, value)``: ``email_open`` and ``website_visit`` add
    ``value`` (1 when None), ``time_spent`` adds ``value`` seconds; outcome events
    (``converted``, ``lost``) are not activity. ``last_activity_at`` is the latest of the base's
    and the counted events' dates. ``base`` must hold nothing at or after ``cutoff``.
    """
    limit = _as_utc(cutoff)
    base_last = None if base is None else base.last_activity_at
    if base_last is not None and _as_utc(base_last) >= limit:
        raise ValueError("base: its lastActivityAt is not before the cutoff")
    totals = {kind: 0.0 for kind in ACTIVITY_TYPES}
    if base is not None:
        totals["email_open"] = float(base.email_opens)
        totals["website_visit"] = float(base.website_visits)
        totals["time_spent"] = float(base.time_spent)
    last = base_last
    for occurred_at, kind, value in events:
        amount = _event_amount(kind, value)
        if amount is None or _as_utc(occurred_at) >= limit:
            continue
        totals[kind] += amount
        if last is None or _as_utc(occurred_at) > _as_utc(last):
            last = occurred_at
    return Counts(
        email_opens=totals["email_open"],
        website_visits=totals["website_visit"],
        time_spent=totals["time_spent"],
        last_activity_at=last,
    )


def backtest(
    snapshots: Sequence[LeadSnapshot] | SnapshotTable,
    current: ScoringConfig,
    proposed: ScoringConfig,
) -> Backtest:
    """Score every snapshot as of its outcome under both models and compare them."""
    table = (
        snapshots
        if isinstance(snapshots, SnapshotTable)
        else SnapshotTable.from_snapshots(snapshots)
    )
    before, after = table.scores(current), table.scores(proposed)
    return Backtest(
        current=model_report(before, table.converted, _thresholds(current)),
        proposed=model_report(after, table.converted, _thresholds(proposed)),
        tier_changes=_tier_changes(table.lead_ids, before, after, current, proposed),
    )


def _event_amount(kind: str, value: float | None) -> float | None:
    if kind in OUTCOME_TYPES:
        return None
    if kind not in ACTIVITY_TYPES:
        raise ValueError(f"type: unknown event type {kind!r}")
    if value is None:
        if kind == "time_spent":
            raise ValueError("value: a time_spent event needs its seconds")
        return 1.0
    return float(value)


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.utcoffset() is None else moment


def _thresholds(config: ScoringConfig) -> tuple[float, float]:
    return config.warm_threshold, config.hot_threshold


def _tier_changes(
    lead_ids: tuple[str, ...],
    before: FloatArray,
    after: FloatArray,
    current: ScoringConfig,
    proposed: ScoringConfig,
) -> tuple[TierChange, ...]:
    tiers_before = tier_indices(before, *_thresholds(current))
    tiers_after = tier_indices(after, *_thresholds(proposed))
    changed = np.flatnonzero(tiers_before != tiers_after).tolist()
    return tuple(
        TierChange(
            lead_id=lead_ids[i],
            from_tier=TIERS[int(tiers_before[i])],
            to_tier=TIERS[int(tiers_after[i])],
            score_before=float(before[i]),
            score_after=float(after[i]),
        )
        for i in changed
    )
