"""A suggested scoring model fitted to a tenant's outcomes, or a refusal saying why not.

Pure. The fit: logistic regression of the outcome on ``norm(count, cap) * decay`` with
non-negative coefficients (SciPy L-BFGS-B with bounds: scikit-learn's LogisticRegression has no
sign constraint), the half-life and caps chosen by likelihood over a grid (the half-life then
refined between its grid neighbours), weights = coefficients renormalised to sum 1. The whole
procedure is cross-validated (stratified 5-fold, scikit-learn); the out-of-fold AUC and its
bootstrap 95 % interval (SciPy) decide whether the signal is real enough to suggest anything:
it refuses below 30 conversions or 30 non-conversions, and unless the interval's lower bound
is above 0.5 and the AUC at least 0.55. Above 10 000 closed leads the fit and its
cross-validation use a seeded stratified sample of 10 000; the backtest always uses them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize, minimize_scalar
from scipy.special import expit
from scipy.stats import bootstrap, mannwhitneyu
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from threadpoolctl import threadpool_limits

from foundation.model_rules import MAX_CAP
from scoring.backtest import Backtest, LeadSnapshot, SnapshotTable, backtest
from scoring.engine import ScoringConfig
from scoring.engine_arrays import (
    BoolArray,
    FloatArray,
    IntArray,
    days_since_activity,
    decay_factors,
    normalised,
)
from scoring.model_report import MIN_CONVERSIONS, MIN_NON_CONVERSIONS

HALF_LIFE_GRID = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.0, 10.0, 14.0, 21.0, 30.0, 45.0, 60.0)
CAP_MULTIPLIERS = (0.25, 0.5, 1.0, 2.0, 4.0)
MIN_CV_AUC = 0.55
MAX_FIT_LEADS = 10_000
FOLDS = 5
BOOTSTRAP_RESAMPLES = 999
_SEED = 20_261_127
_MAX_ROUNDS = 3
_FACTOR_TEXT = (
    ("Email opens", "matter", "opens"),
    ("Website visits", "matter", "visits"),
    ("Time on site", "matters", "s"),
)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A proposed model, its backtest against the current one and why, factor by factor."""

    config: ScoringConfig
    cv_auc: float
    cv_auc_low: float
    cv_auc_high: float
    backtest: Backtest
    explanation: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Refusal:
    """No suggestion, and the reason in plain words."""

    reason: str
    leads: int
    conversions: int
    cv_auc: float | None = None
    cv_auc_low: float | None = None


@dataclass(frozen=True, slots=True)
class _Fit:
    half_life: float
    caps: tuple[float, float, float]
    coefficients: FloatArray
    loss: float


@dataclass(frozen=True, slots=True)
class _Data:
    counts: tuple[FloatArray, FloatArray, FloatArray]
    days: FloatArray
    converted: BoolArray
    cap_grid: tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]

    def features(
        self, rows: IntArray, half_life: float, caps: tuple[float, float, float]
    ) -> FloatArray:
        decay = decay_factors(self.days[rows], half_life)
        pairs = zip(self.counts, caps, strict=True)
        return np.column_stack([normalised(column[rows], cap) * decay for column, cap in pairs])


def suggest_model(
    snapshots: Sequence[LeadSnapshot] | SnapshotTable, current: ScoringConfig
) -> Suggestion | Refusal:
    """Fit weights, caps and half-life to the outcomes, or refuse when the data cannot say."""
    with threadpool_limits(limits=1):  # hundreds of tiny fits: BLAS threads only contend
        return _suggest(snapshots, current)


def _suggest(
    snapshots: Sequence[LeadSnapshot] | SnapshotTable, current: ScoringConfig
) -> Suggestion | Refusal:
    table = (
        snapshots
        if isinstance(snapshots, SnapshotTable)
        else SnapshotTable.from_snapshots(snapshots)
    )
    leads, conversions = len(table.lead_ids), int(table.converted.sum())
    thin = _thin_data_reason(leads, conversions)
    if thin:
        return Refusal(reason=thin, leads=leads, conversions=conversions)
    data = _data(table, current)
    rows = _fit_rows(data.converted)
    out_of_fold = _out_of_fold_scores(data, rows, current)
    auc, low, high = _auc_with_interval(out_of_fold, data.converted[rows])
    if low <= 0.5 or auc < MIN_CV_AUC:
        reason = (
            f"no reliable signal: cross-validated AUC {auc:.2f} (95 % CI {low:.2f}-{high:.2f}); "
            f"need its lower bound above 0.5 (a coin toss) and the AUC at least {MIN_CV_AUC}"
        )
        return Refusal(reason, leads, conversions, cv_auc=auc, cv_auc_low=low)
    fit = _search(data, rows, current)
    if not fit.coefficients[1:].max() > 0:
        reason = "no factor shows a positive link with conversion"
        return Refusal(reason, leads, conversions, cv_auc=auc, cv_auc_low=low)
    proposed = _config(fit, current)
    result = backtest(table, current, proposed)
    return Suggestion(
        config=proposed,
        cv_auc=auc,
        cv_auc_low=low,
        cv_auc_high=high,
        backtest=result,
        explanation=explain(proposed, current, result, (auc, low, high)),
    )


def _thin_data_reason(leads: int, conversions: int) -> str | None:
    if conversions < MIN_CONVERSIONS:
        return f"too little data: {conversions} conversions, need {MIN_CONVERSIONS}"
    if leads - conversions < MIN_NON_CONVERSIONS:
        losses = leads - conversions
        return f"too little data: {losses} non-conversions, need {MIN_NON_CONVERSIONS}"
    return None


def _data(table: SnapshotTable, current: ScoringConfig) -> _Data:
    counts = table.counts
    grids = tuple(
        tuple(sorted({min(cap * m, MAX_CAP) for m in CAP_MULTIPLIERS})) for cap in current.caps
    )
    return _Data(
        counts=(counts.email_opens, counts.website_visits, counts.time_spent),
        days=days_since_activity(counts, table.outcome_us),
        converted=table.converted,
        cap_grid=(grids[0], grids[1], grids[2]),
    )


def _fit_rows(converted: BoolArray) -> IntArray:
    """All leads, or a seeded stratified sample of MAX_FIT_LEADS when there are more."""
    every = np.arange(converted.shape[0])
    if every.size <= MAX_FIT_LEADS:
        return every
    sample, _ = train_test_split(
        every, train_size=MAX_FIT_LEADS, stratify=converted, random_state=_SEED
    )
    return np.sort(np.asarray(sample))


def _out_of_fold_scores(data: _Data, rows: IntArray, current: ScoringConfig) -> FloatArray:
    """Each lead's score under a model fitted (search included) without that lead."""
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=_SEED)
    outcome = data.converted[rows]
    scores = np.zeros(rows.shape[0])
    for train, test in folds.split(np.zeros((rows.shape[0], 1)), outcome):
        fit = _search(data, rows[train], current)
        features = data.features(rows[test], fit.half_life, fit.caps)
        scores[test] = features @ fit.coefficients[1:]
    return scores


def _auc_with_interval(scores: FloatArray, converted: BoolArray) -> tuple[float, float, float]:
    auc = float(roc_auc_score(converted, scores))
    won, lost = scores[converted], scores[~converted]

    def statistic(x: FloatArray, y: FloatArray, axis: int) -> FloatArray:
        u = mannwhitneyu(x, y, axis=axis, method="asymptotic").statistic
        return np.asarray(u / (x.shape[axis] * y.shape[axis]))

    result = bootstrap(
        (won, lost),
        statistic,
        n_resamples=BOOTSTRAP_RESAMPLES,
        method="percentile",
        rng=np.random.default_rng(_SEED),
    )
    return auc, float(result.confidence_interval.low), float(result.confidence_interval.high)


def _search(data: _Data, rows: IntArray, current: ScoringConfig) -> _Fit:
    """Coordinate search: half-life over its grid, each cap over its grid, until stable."""
    best = _best_half_life(data, rows, current.caps, HALF_LIFE_GRID, None)
    for _ in range(_MAX_ROUNDS):
        previous = best.caps
        for factor in range(3):
            best = _best_cap(data, rows, best, factor)
        if best.caps == previous:
            break
        best = _best_half_life(data, rows, best.caps, _near(best.half_life), best)
    return _refine_half_life(data, rows, best)


def _near(half_life: float) -> tuple[float, ...]:
    position = HALF_LIFE_GRID.index(half_life)
    return HALF_LIFE_GRID[max(position - 2, 0) : position + 3]


def _best_half_life(
    data: _Data,
    rows: IntArray,
    caps: tuple[float, float, float],
    grid: tuple[float, ...],
    start: _Fit | None,
) -> _Fit:
    best = start
    for half_life in grid:
        candidate = _fit(data, rows, half_life, caps, best)
        if best is None or candidate.loss < best.loss - 1e-12:
            best = candidate
    assert best is not None
    return best


def _best_cap(data: _Data, rows: IntArray, best: _Fit, factor: int) -> _Fit:
    for cap in data.cap_grid[factor]:
        if cap == best.caps[factor]:
            continue
        caps = list(best.caps)
        caps[factor] = cap
        candidate = _fit(data, rows, best.half_life, (caps[0], caps[1], caps[2]), best)
        if candidate.loss < best.loss - 1e-12:
            best = candidate
    return best


def _refine_half_life(data: _Data, rows: IntArray, best: _Fit) -> _Fit:
    position = HALF_LIFE_GRID.index(best.half_life)
    low = HALF_LIFE_GRID[max(position - 1, 0)]
    high = HALF_LIFE_GRID[min(position + 1, len(HALF_LIFE_GRID) - 1)]
    found = minimize_scalar(
        lambda log_h: _fit(data, rows, float(np.exp(log_h)), best.caps, best).loss,
        bounds=(np.log(low), np.log(high)),
        method="bounded",
        options={"xatol": 0.005},
    )
    refined = _fit(data, rows, float(np.exp(found.x)), best.caps, best)
    return refined if refined.loss <= best.loss else best


def _fit(
    data: _Data,
    rows: IntArray,
    half_life: float,
    caps: tuple[float, float, float],
    start: _Fit | None = None,
) -> _Fit:
    """Logistic regression with an intercept and non-negative coefficients (L-BFGS-B)."""
    features = data.features(rows, half_life, caps)
    design = np.column_stack([np.ones(features.shape[0]), features])
    outcome = data.converted[rows].astype(np.float64)

    def loss(theta: FloatArray) -> tuple[float, FloatArray]:
        z = design @ theta
        value = float(np.mean(np.logaddexp(0.0, z) - outcome * z))
        return value, design.T @ (expit(z) - outcome) / outcome.size

    bounds = [(None, None)] + [(0.0, None)] * features.shape[1]
    first = np.zeros(design.shape[1]) if start is None else start.coefficients
    found = minimize(loss, first, jac=True, method="L-BFGS-B", bounds=bounds)
    return _Fit(half_life, caps, np.asarray(found.x), float(found.fun))


def _config(fit: _Fit, current: ScoringConfig) -> ScoringConfig:
    coefficients = fit.coefficients[1:]
    weights = [round(float(c / coefficients.sum()), 3) for c in coefficients]
    top = int(np.argmax(weights))
    weights[top] = round(1.0 - sum(w for i, w in enumerate(weights) if i != top), 3)
    return ScoringConfig(
        weights=(weights[0], weights[1], weights[2]),
        caps=fit.caps,
        half_life_days=max(round(fit.half_life, 1), HALF_LIFE_GRID[0]),
        hot_threshold=current.hot_threshold,
        warm_threshold=current.warm_threshold,
        version=current.version,
    )


def explain(
    proposed: ScoringConfig,
    current: ScoringConfig,
    result: Backtest,
    cv: tuple[float, float, float],
) -> tuple[str, ...]:
    order = sorted(range(3), key=lambda i: -proposed.weights[i])
    lines = [_factor_line(i, rank == 0, proposed, current) for rank, i in enumerate(order)]
    new_h, old_h = proposed.half_life_days, current.half_life_days
    pace = "faster" if new_h < old_h else "slower" if new_h > old_h else "as"
    lines.append(
        f"Interest fades {pace} than the current model assumes: half-life {new_h:g} days "
        f"(was {old_h:g})."
        if pace != "as"
        else f"Interest fades as the current model assumes: half-life {new_h:g} days."
    )
    now, new = result.current, result.proposed
    lines.append(
        f"Backtest on {new.leads} closed leads, each scored as it stood before its outcome: "
        f"AUC {new.auc or 0:.2f} (current model {now.auc or 0:.2f}), top 10 % convert "
        f"{new.top_decile_lift or 0:.1f}x the average (current {now.top_decile_lift or 0:.1f}x); "
        f"cross-validated AUC {cv[0]:.2f} (95 % CI {cv[1]:.2f}-{cv[2]:.2f})."
    )
    return tuple(lines)


def _factor_line(factor: int, first: bool, proposed: ScoringConfig, current: ScoringConfig) -> str:
    name, verb, unit = _FACTOR_TEXT[factor]
    head = f"{name} {verb} most" if first else name
    cap, old_cap = proposed.caps[factor], current.caps[factor]
    cap_text = f"counted up to {cap:g} {unit}" + ("" if cap == old_cap else f" (was {old_cap:g})")
    return (
        f"{head}: weight {proposed.weights[factor]:.2f} (was {current.weights[factor]:.2f}), "
        f"{cap_text}."
    )
