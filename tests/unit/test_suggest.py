"""Suggested model: recovers a known model from its outcomes, refuses on noise and thin data."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from scoring import suggest
from scoring.backtest import LeadSnapshot
from scoring.engine import Counts, ScoringConfig
from scoring.suggest import Refusal, Suggestion, suggest_model

NOW = datetime(2026, 11, 27, tzinfo=UTC)
TRUE_MODEL = ScoringConfig(weights=(0.2, 0.6, 0.2), caps=(5.0, 20.0, 300.0), half_life_days=3.0)
CURRENT = ScoringConfig()


def _synthetic(leads: int, seed: int, *, noise: bool = False) -> list[LeadSnapshot]:
    """Leads whose outcomes are drawn from a logistic link on TRUE_MODEL's score (or a coin)."""
    rng = np.random.default_rng(seed)
    opens, visits, seconds = (rng.integers(0, 2 * int(cap) + 1, leads) for cap in TRUE_MODEL.caps)
    days = rng.exponential(5.0, leads)
    outcome_days = rng.uniform(1, 90, leads)
    columns = zip(TRUE_MODEL.weights, (opens, visits, seconds), TRUE_MODEL.caps, strict=True)
    raw = sum(w * np.minimum(x, c) / c for w, x, c in columns)
    score = raw * 0.5 ** (days / TRUE_MODEL.half_life_days)
    chance = 0.3 if noise else 1 / (1 + np.exp(-(-4 + 12 * score)))
    converted = rng.random(leads) < chance
    snapshots = []
    for i in range(leads):
        outcome_at = NOW - timedelta(days=float(outcome_days[i]))
        last = outcome_at - timedelta(days=float(days[i]))
        counts = Counts(int(opens[i]), int(visits[i]), int(seconds[i]), last)
        snapshots.append(LeadSnapshot(f"lead-{i}", counts, outcome_at, bool(converted[i])))
    return snapshots


@pytest.fixture(scope="module")
def suggestion() -> Suggestion:
    result = suggest_model(_synthetic(4_000, seed=0), CURRENT)
    assert isinstance(result, Suggestion), result
    return result


def test_recovers_the_weights_of_the_true_model(suggestion: Suggestion) -> None:
    for found, true in zip(suggestion.config.weights, TRUE_MODEL.weights, strict=True):
        assert abs(found - true) <= 0.05
    assert all(weight >= 0 for weight in suggestion.config.weights)
    assert math.isclose(sum(suggestion.config.weights), 1.0, abs_tol=1e-9)


def test_recovers_the_half_life_and_caps_of_the_true_model(suggestion: Suggestion) -> None:
    assert abs(suggestion.config.half_life_days - TRUE_MODEL.half_life_days) <= 1.0
    assert suggestion.config.caps == TRUE_MODEL.caps  # on the searched grid: 0.25x-4x current


def test_keeps_the_current_thresholds_and_version(suggestion: Suggestion) -> None:
    config = suggestion.config
    assert (config.warm_threshold, config.hot_threshold, config.version) == (40.0, 70.0, 1)


def test_suggestion_beats_the_current_model_in_the_backtest(suggestion: Suggestion) -> None:
    current, proposed = suggestion.backtest.current, suggestion.backtest.proposed
    assert current.auc is not None
    assert proposed.auc is not None
    assert proposed.auc > current.auc
    assert proposed.leads == current.leads == 4_000
    assert 0.5 < suggestion.cv_auc_low <= suggestion.cv_auc <= suggestion.cv_auc_high


def test_explains_each_factor_in_plain_words(suggestion: Suggestion) -> None:
    lines = suggestion.explanation
    weights = suggestion.config.weights
    assert lines[0].startswith(f"Website visits matter most: weight {weights[1]:.2f} (was 0.35)")
    assert any(line.startswith("Email opens: weight") and "(was 10)" in line for line in lines)
    assert any(line.startswith("Time on site: weight") for line in lines)
    assert any(line.startswith("Interest fades faster than the current model") for line in lines)
    assert lines[-1].startswith("Backtest on 4000 closed leads")


def test_refuses_to_suggest_on_random_outcomes() -> None:
    result = suggest_model(_synthetic(2_000, seed=1, noise=True), CURRENT)
    assert isinstance(result, Refusal), result
    assert result.reason.startswith("no reliable signal: cross-validated AUC")
    assert result.cv_auc_low is not None
    assert result.cv_auc_low <= 0.5


def test_refuses_on_too_few_conversions() -> None:
    snapshots = _synthetic(400, seed=2, noise=True)
    losses = [s for s in snapshots if not s.converted]
    wins = [s for s in snapshots if s.converted][:29]
    result = suggest_model(losses + wins, CURRENT)
    reason = "too little data: 29 conversions, need 30"
    assert result == Refusal(reason, leads=len(losses) + 29, conversions=29)


def test_refuses_on_too_few_non_conversions() -> None:
    snapshots = _synthetic(400, seed=3, noise=True)
    losses = [s for s in snapshots if not s.converted][:10]
    result = suggest_model([s for s in snapshots if s.converted] + losses, CURRENT)
    assert isinstance(result, Refusal)
    assert result.reason == "too little data: 10 non-conversions, need 30"


def test_many_leads_are_fitted_on_a_sample_and_backtested_in_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(suggest, "MAX_FIT_LEADS", 1_500)
    result = suggest_model(_synthetic(3_000, seed=4), CURRENT)
    assert isinstance(result, Suggestion), result
    assert result.backtest.proposed.leads == 3_000
    assert max(result.config.weights) == result.config.weights[1]
