"""How well scores match outcomes: conversion by band and tier, AUC, lift, calibration.

Pure: arrays in, a typed report out. The statistics come from scikit-learn and SciPy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from foundation.model_rules import check_thresholds
from scoring.engine_arrays import TIERS, tier_indices

MIN_CONVERSIONS = 30
MIN_NON_CONVERSIONS = 30
CONFIDENCE = 0.95
BAND_WIDTH = 10
CALIBRATION_BINS = 10
TOP_SHARE = 0.10


@dataclass(frozen=True, slots=True)
class RateRow:
    """Conversions among the leads of one score band or tier, with a Wilson 95 % interval."""

    label: str
    count: int
    conversions: int
    rate: float | None
    interval_low: float | None
    interval_high: float | None


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    """Mean predicted (score / 100) against the observed conversion rate in one bin."""

    low: float
    high: float
    count: int
    mean_predicted: float
    observed_rate: float


@dataclass(frozen=True, slots=True)
class ModelReport:
    """Accuracy of a set of scores against the outcomes of the same leads."""

    leads: int
    conversions: int
    overall_rate: float | None
    bands: tuple[RateRow, ...]
    tiers: tuple[RateRow, ...]
    auc: float | None
    top_decile_lift: float | None
    calibration: tuple[CalibrationBin, ...]
    trustworthy: bool
    verdict: str


def model_report(
    scores: npt.ArrayLike, converted: npt.ArrayLike, thresholds: tuple[float, float]
) -> ModelReport:
    """Report on leads with an outcome: ``scores`` 0-100, ``converted`` True (won) / False (lost).

    ``thresholds`` is ``(warm, hot)``. Trustworthy needs at least 30 conversions and 30
    non-conversions; otherwise the verdict says how many there are.
    """
    # scipy and scikit-learn load on first use (seconds of start-up every CLI command and every
    # server would otherwise pay); Python keeps them loaded after that.
    from sklearn.metrics import roc_auc_score

    score_array, outcome = _checked(scores, converted)
    warm, hot = check_thresholds(*thresholds)
    leads, conversions = int(outcome.size), int(outcome.sum())
    both_classes = 0 < conversions < leads
    auc = float(roc_auc_score(outcome, score_array)) if both_classes else None
    lift = _top_decile_lift(score_array, outcome)
    trustworthy = conversions >= MIN_CONVERSIONS and leads - conversions >= MIN_NON_CONVERSIONS
    return ModelReport(
        leads=leads,
        conversions=conversions,
        overall_rate=conversions / leads if leads else None,
        bands=_band_rows(score_array, outcome),
        tiers=_tier_rows(score_array, outcome, warm, hot),
        auc=auc,
        top_decile_lift=lift,
        calibration=_calibration(score_array, outcome) if leads else (),
        trustworthy=trustworthy,
        verdict=_verdict(leads, conversions, auc, lift),
    )


def load_libraries() -> None:
    """Import scipy and scikit-learn now, so the first model report does not wait ~2 s for them.

    The server calls this in a thread at start-up; CLI commands never pay for it.
    """
    import scipy.stats  # noqa: F401
    import sklearn.calibration
    import sklearn.metrics  # noqa: F401

    import scoring.suggest  # noqa: F401


def wilson_interval(conversions: int, count: int) -> tuple[float, float] | None:
    """The Wilson score 95 % interval of a conversion rate (None for no leads)."""
    if count == 0:
        return None
    from scipy.stats import binomtest

    interval = binomtest(conversions, count).proportion_ci(
        confidence_level=CONFIDENCE, method="wilson"
    )
    return float(interval.low), float(interval.high)


def _checked(
    scores: npt.ArrayLike, converted: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    score_array = np.asarray(scores, dtype=np.float64)
    outcome = np.asarray(converted)
    if score_array.ndim != 1 or outcome.ndim != 1:
        raise ValueError("scores: scores and converted must be one-dimensional")
    if score_array.shape != outcome.shape:
        raise ValueError(
            f"converted: {outcome.size} outcomes for {score_array.size} scores; need one per lead"
        )
    if outcome.dtype != np.bool_:
        raise ValueError("converted: must be booleans (won True, lost False)")
    if score_array.size and not (
        np.isfinite(score_array).all() and score_array.min() >= 0 and score_array.max() <= 100
    ):
        raise ValueError("scores: every score must be a finite number from 0 to 100")
    return score_array, outcome


def _rate_row(label: str, count: int, conversions: int) -> RateRow:
    interval = wilson_interval(conversions, count)
    return RateRow(
        label=label,
        count=count,
        conversions=conversions,
        rate=conversions / count if count else None,
        interval_low=interval[0] if interval else None,
        interval_high=interval[1] if interval else None,
    )


def _band_rows(
    scores: npt.NDArray[np.float64], outcome: npt.NDArray[np.bool_]
) -> tuple[RateRow, ...]:
    bands = 100 // BAND_WIDTH
    index = np.minimum((scores // BAND_WIDTH).astype(np.int64), bands - 1)
    counts = np.bincount(index, minlength=bands)
    wins = np.bincount(index, weights=outcome, minlength=bands)
    return tuple(
        _rate_row(_band_label(band), int(counts[band]), round(float(wins[band])))
        for band in range(bands)
    )


def _band_label(band: int) -> str:
    low = band * BAND_WIDTH
    high = low + BAND_WIDTH
    return f"{low}-{high}" if high == 100 else f"{low}-<{high}"


def _tier_rows(
    scores: npt.NDArray[np.float64], outcome: npt.NDArray[np.bool_], warm: float, hot: float
) -> tuple[RateRow, ...]:
    index = tier_indices(scores, warm, hot)
    counts = np.bincount(index, minlength=len(TIERS))
    wins = np.bincount(index, weights=outcome, minlength=len(TIERS))
    return tuple(
        _rate_row(TIERS[tier], int(counts[tier]), round(float(wins[tier])))
        for tier in reversed(range(len(TIERS)))
    )


def _top_decile_lift(
    scores: npt.NDArray[np.float64], outcome: npt.NDArray[np.bool_]
) -> float | None:
    """Conversion rate of the top 10 % by score (ties broken by input order) over the overall."""
    total = int(outcome.sum())
    if total == 0:
        return None
    top = max(1, int(np.ceil(outcome.size * TOP_SHARE)))
    order = np.argsort(-scores, kind="stable")[:top]
    return float(outcome[order].mean() / (total / outcome.size))


def _calibration(
    scores: npt.NDArray[np.float64], outcome: npt.NDArray[np.bool_]
) -> tuple[CalibrationBin, ...]:
    from sklearn.calibration import calibration_curve

    predicted = scores / 100
    observed, mean_predicted = calibration_curve(
        outcome.astype(np.int64), predicted, n_bins=CALIBRATION_BINS, pos_label=1
    )
    edges = np.linspace(0.0, 1.0, CALIBRATION_BINS + 1)
    counts = np.bincount(
        np.searchsorted(edges[1:-1], predicted), minlength=CALIBRATION_BINS
    )  # the same binning as calibration_curve's "uniform" strategy
    filled = np.flatnonzero(counts)
    return tuple(
        CalibrationBin(
            low=float(edges[b]),
            high=float(edges[b + 1]),
            count=int(counts[b]),
            mean_predicted=float(mean_predicted[i]),
            observed_rate=float(observed[i]),
        )
        for i, b in enumerate(filled.tolist())
    )


def _verdict(leads: int, conversions: int, auc: float | None, lift: float | None) -> str:
    losses = leads - conversions
    if conversions < MIN_CONVERSIONS:
        return f"too little data to trust: {conversions} conversions, need {MIN_CONVERSIONS}"
    if losses < MIN_NON_CONVERSIONS:
        return f"too little data to trust: {losses} non-conversions, need {MIN_NON_CONVERSIONS}"
    if auc is None or lift is None:
        return "too little data to trust: outcomes of one kind only"
    if auc >= 0.75:
        quality = "scores separate won from lost leads well"
    elif auc >= 0.6:
        quality = "scores separate won from lost leads somewhat"
    elif auc > 0.5:
        quality = "scores barely separate won from lost leads"
    else:
        quality = "scores do no better than chance"
    return (
        f"{quality}: AUC {auc:.2f}; the top 10 % by score convert {lift:.1f}x the average "
        f"({conversions} conversions among {leads} leads)"
    )
