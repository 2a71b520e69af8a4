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

MICROS_PER_DAY = 86_400_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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
    last = None if last_activity_at is None else epoch_micros(last_activity_at)
    return decay_at(last, epoch_micros(now), half_life_days)


def decay_at(last_micros: int | None, now_micros: int, half_life_days: float) -> float:
    """The decay factor from epoch microseconds (a future last activity counts as now)."""
    if last_micros is None:
        return 0.0
    days = max(now_micros - last_micros, 0) / MICROS_PER_DAY
    return math.pow(0.5, days / half_life_days)


def raw_score(counts: Counts, config: ScoringConfig) -> float:
    """The weighted sum of normalised counts, clamped to [0, 1]: the score before decay."""
    return _clamp01(math.fsum(_contributions(counts, config)))


def score_value(raw: float, decay: float) -> float:
    """The served score: raw times decay, in points, rounded to 2 decimals."""
    return round(raw * decay * 100, 2)


def contributions(counts: Counts, config: ScoringConfig) -> tuple[float, float, float]:
    """Each factor's contribution in points before decay, as the breakdown shows it."""
    opens, visits, time_spent = (round(part * 100, 4) for part in _contributions(counts, config))
    return opens, visits, time_spent


def raw_and_contributions(
    email_opens: float, website_visits: float, time_spent: float, config: ScoringConfig
) -> tuple[float, tuple[float, float, float]]:
    """``raw_score`` and ``contributions`` of a lead's counts in one pass (the index's hot path)."""
    (w1, w2, w3), (c1, c2, c3) = config.weights, config.caps
    parts = (
        w1 * norm(email_opens, c1),
        w2 * norm(website_visits, c2),
        w3 * norm(time_spent, c3),
    )
    points = (round(parts[0] * 100, 4), round(parts[1] * 100, 4), round(parts[2] * 100, 4))
    return _clamp01(math.fsum(parts)), points


def contribution_points(
    email_opens: float, website_visits: float, time_spent: float, config: ScoringConfig
) -> tuple[float, float, float]:
    """The contributions of ``raw_and_contributions`` alone (a served lead's breakdown)."""
    (w1, w2, w3), (c1, c2, c3) = config.weights, config.caps
    return (
        round(w1 * norm(email_opens, c1) * 100, 4),
        round(w2 * norm(website_visits, c2) * 100, 4),
        round(w3 * norm(time_spent, c3) * 100, 4),
    )


def epoch_micros(moment: datetime) -> int:
    """Microseconds since the Unix epoch; a naive moment means UTC."""
    delta = _as_utc(moment) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


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
    score = score_value(_clamp01(math.fsum(parts)), decay)
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


def _as_utc(moment: datetime) -> datetime:
    if moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment
