"""The scoring engine over NumPy arrays: ``engine.score_lead``'s scores for many leads at once.

Pure (no I/O, no clock). The arithmetic mirrors ``engine.score_lead`` step by step; where the
vectorised floats could round differently (an unrounded score within a hair of a rounding
boundary) the lead is scored by ``engine.score_lead`` itself, so the scores are always equal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from scoring.engine import Counts, ScoringConfig, score_lead, score_value

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

TIERS: tuple[str, str, str] = ("cold", "warm", "hot")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_US_PER_DAY = 86_400.0 * 1_000_000.0
_ROUNDING_WINDOW = 1e-6


@dataclass(frozen=True, slots=True)
class CountArrays:
    """Many leads' counts as columns; ``last_activity_us`` is 0 where ``has_activity`` is False."""

    email_opens: FloatArray
    website_visits: FloatArray
    time_spent: FloatArray
    last_activity_us: IntArray
    has_activity: BoolArray

    @classmethod
    def from_counts(cls, counts: Sequence[Counts]) -> CountArrays:
        """Columns from a sequence of ``Counts`` (naive dates mean UTC)."""
        lasts = [c.last_activity_at for c in counts]
        return cls(
            email_opens=np.array([float(c.email_opens) for c in counts], dtype=np.float64),
            website_visits=np.array([float(c.website_visits) for c in counts], dtype=np.float64),
            time_spent=np.array([float(c.time_spent) for c in counts], dtype=np.float64),
            last_activity_us=epoch_us([_EPOCH if m is None else m for m in lasts]),
            has_activity=np.array([m is not None for m in lasts], dtype=np.bool_),
        )

    def __len__(self) -> int:
        return int(self.email_opens.shape[0])

    def counts_at(self, index: int) -> Counts:
        """The ``Counts`` of one lead (dates as UTC)."""
        last = from_epoch_us(int(self.last_activity_us[index]))
        return Counts(
            email_opens=float(self.email_opens[index]),
            website_visits=float(self.website_visits[index]),
            time_spent=float(self.time_spent[index]),
            last_activity_at=last if bool(self.has_activity[index]) else None,
        )


def epoch_us(moments: Sequence[datetime]) -> IntArray:
    """Microseconds since the Unix epoch; a naive datetime means UTC."""
    return np.array([_as_utc(m) - _EPOCH for m in moments], dtype="timedelta64[us]").astype(
        np.int64
    )


def from_epoch_us(value: int) -> datetime:
    """The UTC datetime ``value`` microseconds after the Unix epoch."""
    return _EPOCH + value * _MICROSECOND


def days_since_activity(counts: CountArrays, now_us: IntArray) -> FloatArray:
    """Fractional days from each lead's last activity to ``now`` (future counts as 0, none NaN)."""
    elapsed = (now_us - counts.last_activity_us).astype(np.float64) / 1_000_000.0
    days = np.maximum(elapsed, 0.0) / 86_400.0
    return np.where(counts.has_activity, days, np.nan)


def normalised(values: FloatArray, cap: float) -> FloatArray:
    """``engine.norm`` element-wise: negatives and NaN count as 0."""
    positive = values > 0
    return np.where(positive, np.minimum(np.where(positive, values, 0.0), cap) / cap, 0.0)


def raw_scores(
    email_opens: FloatArray,
    website_visits: FloatArray,
    time_spent: FloatArray,
    config: ScoringConfig,
) -> FloatArray:
    """``engine.raw_score`` of each lead, bit for bit.

    The engine adds the three weighted parts with ``math.fsum`` (the exactly rounded sum). Here the
    sum is carried with its rounding errors (error-free additions) and the errors are added back:
    that is the exactly rounded sum unless the errors' own sum was rounded and lands within a
    float of halfway between two floats, where the lead is summed by ``math.fsum`` itself.
    Parts are never negative (weights ≥ 0), which the bound on the errors relies on.
    """
    (opens_w, visits_w, time_w), (opens_c, visits_c, time_c) = config.weights, config.caps
    a = opens_w * normalised(email_opens, opens_c)
    b = visits_w * normalised(website_visits, visits_c)
    c = time_w * normalised(time_spent, time_c)
    first, first_error = _two_sum(a, b)
    total, total_error = _two_sum(first, c)
    errors, lost = _two_sum(first_error, total_error)
    exact = total + errors
    size, step = np.abs(errors), np.spacing(np.abs(errors))
    spacing = np.spacing(total)  # midpoints lie half of it away (a quarter below a power of 2)
    near = (np.abs(size - spacing / 2) <= step) | (np.abs(size - spacing / 4) <= step)
    halfway = (lost != 0) & near
    for n in np.flatnonzero(halfway).tolist():
        exact[n] = math.fsum((float(a[n]), float(b[n]), float(c[n])))
    return np.clip(exact, 0.0, 1.0)


def _two_sum(a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``a + b`` rounded, and what the rounding lost (exactly: a + b = sum + error)."""
    total = a + b
    b_part = total - a
    return total, (a - (total - b_part)) + (b - b_part)


def decay_factors(days: FloatArray, half_life_days: float) -> FloatArray:
    """``engine.decay_factor`` element-wise: NaN days (no activity) give 0."""
    return np.where(np.isnan(days), 0.0, np.power(0.5, np.nan_to_num(days) / half_life_days))


def score_arrays(counts: CountArrays, config: ScoringConfig, now_us: IntArray) -> FloatArray:
    """Each lead's score as of its own ``now``, equal to ``engine.score_lead(...).score``."""
    opens_w, visits_w, time_w = config.weights
    opens_c, visits_c, time_c = config.caps
    raw = (
        opens_w * normalised(counts.email_opens, opens_c)
        + visits_w * normalised(counts.website_visits, visits_c)
        + time_w * normalised(counts.time_spent, time_c)
    )
    decay = decay_factors(days_since_activity(counts, now_us), config.half_life_days)
    unrounded = np.clip(raw, 0.0, 1.0) * decay * 100
    scores = np.round(unrounded, 2)
    hundredths = unrounded * 100
    near_boundary = np.abs(hundredths - np.floor(hundredths) - 0.5) < _ROUNDING_WINDOW
    for index in np.flatnonzero(near_boundary).tolist():
        now = from_epoch_us(int(now_us[index]))
        scores[index] = score_lead(counts.counts_at(index), config, now).score
    return scores


def served_scores(raw: FloatArray, decay: float) -> FloatArray:
    """``engine.score_value(raw, decay)`` element-wise (one decay for all), equal bit for bit:
    NumPy's rounding can differ only a hair from a rounding boundary, where the engine rounds."""
    unrounded = raw * decay * 100
    scores = np.round(unrounded, 2)
    hundredths = unrounded * 100
    near_boundary = np.abs(hundredths - np.floor(hundredths) - 0.5) < _ROUNDING_WINDOW
    for index in np.flatnonzero(near_boundary).tolist():
        scores[index] = score_value(float(raw[index]), decay)
    return scores


def tier_indices(scores: FloatArray, warm: float, hot: float) -> IntArray:
    """0 (cold), 1 (warm) or 2 (hot) per score, as ``engine.priority_for`` decides."""
    return (scores >= warm).astype(np.int64) + (scores >= hot).astype(np.int64)


def _as_utc(moment: datetime) -> datetime:
    if moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment
