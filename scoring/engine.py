"""Pure lead-scoring math: no I/O, no clock (``now`` is always a parameter)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from foundation.model_rules import ScoringConfigError as ScoringConfigError
from foundation.model_rules import (
    check_caps,
    check_half_life,
    check_thresholds,
    check_weights,
)

FACTORS: tuple[str, str, str] = ("emailOpens", "websiteVisits", "timeSpent")

_SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    """Weights, caps, decay half-life and priority thresholds of the scoring model."""

    weights: tuple[float, float, float] = (0.4, 0.35, 0.25)
    caps: tuple[float, float, float] = (10.0, 20.0, 600.0)
    half_life_days: float = 7.0
    hot_threshold: float = 70.0
    warm_threshold: float = 40.0
    version: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", check_weights(self.weights))
        object.__setattr__(self, "caps", check_caps(self.caps))
        object.__setattr__(self, "half_life_days", check_half_life(self.half_life_days))
        warm, hot = check_thresholds(self.warm_threshold, self.hot_threshold)
        object.__setattr__(self, "warm_threshold", warm)
        object.__setattr__(self, "hot_threshold", hot)


@dataclass(frozen=True, slots=True)
class Counts:
    """A lead's interaction counts; a naive ``last_activity_at`` means UTC."""

    email_opens: float
    website_visits: float
    time_spent: float
    last_activity_at: datetime | None


@dataclass(frozen=True, slots=True)
class Breakdown:
    """Each factor's contribution in points before decay, plus the decay factor."""

    email_opens: float
    website_visits: float
    time_spent: float
    decay_factor: float


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """A lead's 0-100 score, its priority and the breakdown that explains it."""

    score: float
    priority: str
    breakdown: Breakdown


def norm(value: float, cap: float) -> float:
    """Scale a count into [0, 1] against its cap; negatives and NaN count as 0."""
    if not value > 0:
        return 0.0
    return min(value, cap) / cap


def decay_factor(last_activity_at: datetime | None, now: datetime, half_life_days: float) -> float:
    """Halve per half-life since the last activity; no activity at all gives 0."""
    if last_activity_at is None:
        return 0.0
    return math.pow(0.5, _days_between(last_activity_at, now) / half_life_days)


def priority_for(score: float, config: ScoringConfig) -> str:
    """Name the priority band a score falls in under the config's thresholds."""
    if score >= config.hot_threshold:
        return "hot"
    if score >= config.warm_threshold:
        return "warm"
    return "cold"


def score_lead(counts: Counts, config: ScoringConfig, now: datetime) -> ScoreResult:
    """Score one lead as of ``now``."""
    parts = _contributions(counts, config)
    decay = decay_factor(counts.last_activity_at, now, config.half_life_days)
    score = round(_clamp01(math.fsum(parts)) * decay * 100, 2)
    return ScoreResult(
        score=score,
        priority=priority_for(score, config),
        breakdown=_breakdown(parts, decay),
    )


def score_leads(items: Iterable[Counts], config: ScoringConfig, now: datetime) -> list[ScoreResult]:
    """Score many leads as of ``now``, in the order given."""
    return [score_lead(counts, config, now) for counts in items]


def _contributions(counts: Counts, config: ScoringConfig) -> tuple[float, float, float]:
    values = (counts.email_opens, counts.website_visits, counts.time_spent)
    first, second, third = (
        weight * norm(value, cap)
        for weight, value, cap in zip(config.weights, values, config.caps, strict=True)
    )
    return first, second, third


def _breakdown(parts: tuple[float, float, float], decay: float) -> Breakdown:
    opens, visits, time_spent = (round(part * 100, 4) for part in parts)
    return Breakdown(
        email_opens=opens,
        website_visits=visits,
        time_spent=time_spent,
        decay_factor=round(decay, 6),
    )


def _clamp01(value: float) -> float:
    return min(max(value, 0.0), 1.0)


def _days_between(start: datetime, end: datetime) -> float:
    elapsed = _as_utc(end) - _as_utc(start)
    return max(elapsed.total_seconds(), 0.0) / _SECONDS_PER_DAY


def _as_utc(moment: datetime) -> datetime:
    if moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment
