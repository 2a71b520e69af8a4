"""Unit tests for the pure scoring engine: worked examples, edge cases, rules and properties."""

from __future__ import annotations

import dataclasses
import math
import pickle
from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foundation.model_rules import MAX_CAP, MAX_HALF_LIFE_DAYS, MAX_WEIGHT, MIN_HALF_LIFE_DAYS
from scoring.engine import (
    FACTORS,
    Breakdown,
    Counts,
    ScoreResult,
    ScoringConfig,
    ScoringConfigError,
    contribution_points,
    contributions,
    decay_at,
    decay_factor,
    epoch_micros,
    norm,
    priority_for,
    raw_and_contributions,
    raw_score,
    score_lead,
    score_leads,
    score_value,
)

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
WEEK_AGO = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
DEFAULT = ScoringConfig()
COUNT_FIELDS = ("email_opens", "website_visits", "time_spent")


def _counts(opens: float, visits: float, seconds: float, days: float | None = 0.0) -> Counts:
    last = None if days is None else NOW - timedelta(days=days)
    return Counts(
        email_opens=opens, website_visits=visits, time_spent=seconds, last_activity_at=last
    )


def _config(**fields: Any) -> ScoringConfig:
    return ScoringConfig(**fields)


def _with(lead: Counts, field: str, value: float) -> Counts:
    changes: dict[str, Any] = {field: value}
    return dataclasses.replace(lead, **changes)


def _contribution_sum(breakdown: Breakdown) -> float:
    return breakdown.email_opens + breakdown.website_visits + breakdown.time_spent


def _is_positive_zero(value: float) -> bool:
    return value == 0 and math.copysign(1.0, value) == 1.0


# --- worked examples (DESIGN.md, "Scoring") -------------------------------------------------


@pytest.mark.parametrize(
    ("opens", "visits", "seconds", "days", "contributions", "decay", "score", "priority"),
    [
        pytest.param(10, 20, 600, 0, (40, 35, 25), 1, 100, "hot", id="all-at-caps"),
        pytest.param(5, 10, 300, 7, (20, 17.5, 12.5), 0.5, 25, "cold", id="one-half-life"),
        pytest.param(20, 0, 0, 14, (40, 0, 0), 0.25, 10, "cold", id="two-half-lives"),
        pytest.param(3, 7, 125, 3.5, (12, 12.25, 5.2083), 0.707107, 20.83, "cold", id="fractional"),
        pytest.param(-3, 0, 0, 0, (0, 0, 0), 1, 0, "cold", id="negative-opens"),
    ],
)
def test_worked_examples(
    opens: float,
    visits: float,
    seconds: float,
    days: float,
    contributions: tuple[float, float, float],
    decay: float,
    score: float,
    priority: str,
) -> None:
    result = score_lead(_counts(opens, visits, seconds, days), DEFAULT, NOW)

    assert result == ScoreResult(
        score=score, priority=priority, breakdown=Breakdown(*contributions, decay_factor=decay)
    )


def test_factors_name_the_wire_fields_in_order() -> None:
    assert FACTORS == ("emailOpens", "websiteVisits", "timeSpent")


# --- custom configurations -------------------------------------------------------------------


def test_custom_weights_caps_and_half_life() -> None:
    config = ScoringConfig(weights=(0.5, 0.3, 0.2), caps=(4, 10, 60), half_life_days=2)

    result = score_lead(_counts(2, 10, 30, days=1), config, NOW)

    assert result.breakdown == Breakdown(25.0, 30.0, 10.0, decay_factor=0.707107)
    assert result.score == 45.96
    assert result.priority == "warm"


def test_shorter_half_life_decays_faster() -> None:
    counts = _counts(10, 20, 600, days=3.5)

    assert score_lead(counts, ScoringConfig(half_life_days=3.5), NOW).score == 50.0
    assert score_lead(counts, ScoringConfig(half_life_days=14), NOW).score == 84.09


def test_weights_summing_above_one_clamp_the_score_not_the_breakdown() -> None:
    config = ScoringConfig(weights=(1, 1, 1))

    result = score_lead(_counts(10, 20, 600), config, NOW)

    assert result.score == 100.0
    assert result.breakdown == Breakdown(100.0, 100.0, 100.0, decay_factor=1.0)


def test_zero_weight_ignores_its_factor() -> None:
    config = ScoringConfig(weights=(1, 0, 0))

    assert score_lead(_counts(5, 20, 600), config, NOW).score == 50.0


# --- edge cases of the counts ----------------------------------------------------------------


def test_values_over_caps_score_as_the_cap() -> None:
    over = score_lead(_counts(1_000, 5_000, 86_400), DEFAULT, NOW)
    at_cap = score_lead(_counts(10, 20, 600), DEFAULT, NOW)

    assert over == at_cap


def test_zero_counts_score_zero() -> None:
    result = score_lead(_counts(0, 0, 0), DEFAULT, NOW)

    assert result == ScoreResult(0.0, "cold", Breakdown(0.0, 0.0, 0.0, decay_factor=1.0))


def test_negative_counts_score_as_positive_zero() -> None:
    result = score_lead(_counts(-1, -0.0, -600), DEFAULT, NOW)

    assert result.score == 0.0
    parts = (result.breakdown.email_opens, result.breakdown.website_visits)
    assert all(_is_positive_zero(part) for part in (*parts, result.breakdown.time_spent))


def test_future_last_activity_does_not_decay() -> None:
    result = score_lead(_counts(10, 20, 600, days=-30), DEFAULT, NOW)

    assert result.breakdown.decay_factor == 1.0
    assert result.score == 100.0


def test_missing_last_activity_scores_zero_but_keeps_contributions() -> None:
    result = score_lead(_counts(10, 20, 600, days=None), DEFAULT, NOW)

    assert result == ScoreResult(0.0, "cold", Breakdown(40.0, 35.0, 25.0, decay_factor=0.0))


@pytest.mark.parametrize(
    ("last", "now"),
    [
        pytest.param(WEEK_AGO.replace(tzinfo=None), NOW, id="naive-last-aware-now"),
        pytest.param(
            WEEK_AGO,
            NOW.replace(tzinfo=None),
            id="aware-last-naive-now",
        ),
        pytest.param(WEEK_AGO.replace(tzinfo=None), NOW.replace(tzinfo=None), id="both-naive"),
        pytest.param(
            datetime(2026, 11, 20, 12, tzinfo=timezone(timedelta(hours=2))), NOW, id="other-offset"
        ),
    ],
)
def test_naive_datetimes_mean_utc(last: datetime, now: datetime) -> None:
    counts = Counts(email_opens=5, website_visits=10, time_spent=300, last_activity_at=last)

    assert score_lead(counts, DEFAULT, now) == score_lead(_counts(5, 10, 300, days=7), DEFAULT, NOW)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(math.nan, 0.0, id="nan"),
        pytest.param(math.inf, 40.0, id="inf"),
        pytest.param(-math.inf, 0.0, id="minus-inf"),
    ],
)
def test_non_finite_counts_never_crash(value: float, expected: float) -> None:
    result = score_lead(_counts(value, value, value), ScoringConfig(weights=(1, 0, 0)), NOW)

    assert result.breakdown.email_opens == expected * 2.5
    assert not math.isnan(result.score)


@pytest.mark.parametrize(
    ("value", "cap", "expected"),
    [
        (5, 10, 0.5),
        (0, 10, 0.0),
        (10, 10, 1.0),
        (11, 10, 1.0),
        (-1, 10, 0.0),
        (math.nan, 10, 0.0),
        (math.inf, 10, 1.0),
        (-math.inf, 10, 0.0),
    ],
)
def test_norm(value: float, cap: float, expected: float) -> None:
    assert norm(value, cap) == expected


def test_decay_uses_fractional_days() -> None:
    last = NOW - timedelta(hours=12)

    assert decay_factor(last, NOW, 1.0) == pytest.approx(2**-0.5, rel=1e-12)


def test_decay_without_activity_is_zero() -> None:
    assert decay_factor(None, NOW, 7.0) == 0.0


def test_decay_for_ancient_activity_underflows_to_zero() -> None:
    assert decay_factor(datetime(1, 1, 1, tzinfo=UTC), NOW, 0.001) == 0.0


# --- configuration rules ---------------------------------------------------------------------


def test_defaults_are_valid_and_stored_as_floats() -> None:
    assert DEFAULT.weights == (0.4, 0.35, 0.25)
    assert DEFAULT.caps == (10.0, 20.0, 600.0)
    assert (DEFAULT.half_life_days, DEFAULT.hot_threshold, DEFAULT.warm_threshold) == (7, 70, 40)
    assert DEFAULT.version == 1


def test_ints_and_lists_are_coerced_to_float_tuples() -> None:
    config = _config(weights=[1, 0, 0], caps=[5, 10, 60], half_life_days=3)

    assert config.weights == (1.0, 0.0, 0.0)
    assert config.caps == (5.0, 10.0, 60.0)
    values = (*config.weights, *config.caps, config.half_life_days, config.hot_threshold)
    assert all(type(value) is float for value in values)


def test_fractions_are_accepted_as_real_numbers() -> None:
    assert _config(half_life_days=Fraction(7, 2)).half_life_days == 3.5


def test_config_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT.half_life_days = 1.0  # type: ignore[misc]


def test_error_carries_field_and_message() -> None:
    error = ScoringConfigError("caps", "must all be positive")

    assert isinstance(error, ValueError)
    assert (error.field, error.message, str(error)) == (
        "caps",
        "must all be positive",
        "caps: must all be positive",
    )


def test_error_survives_pickling() -> None:
    error = pickle.loads(pickle.dumps(ScoringConfigError("weights", "bad")))

    assert (error.field, error.message, str(error)) == ("weights", "bad", "weights: bad")


@pytest.mark.parametrize(
    "weights",
    [
        pytest.param((0.5, 0.5), id="two"),
        pytest.param((0.25, 0.25, 0.25, 0.25), id="four"),
        pytest.param(0.4, id="scalar"),
        pytest.param("0.4", id="string"),
    ],
)
def test_weights_must_be_exactly_three(weights: object) -> None:
    with pytest.raises(ScoringConfigError, match="exactly 3") as caught:
        _config(weights=weights)
    assert caught.value.field == "weights"


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param("0.4", id="string"),
        pytest.param(None, id="none"),
        pytest.param(True, id="bool"),
    ],
)
def test_weights_must_be_numbers(bad: object) -> None:
    with pytest.raises(ScoringConfigError, match="not a number") as caught:
        _config(weights=(bad, 0.35, 0.25))
    assert caught.value.field == "weights"


@pytest.mark.parametrize(
    "bad", [math.nan, math.inf, -math.inf, Fraction(10**400)], ids=["nan", "inf", "-inf", "huge"]
)
def test_weights_must_be_finite(bad: object) -> None:
    with pytest.raises(ScoringConfigError, match="not finite") as caught:
        _config(weights=(0.4, bad, 0.25))
    assert caught.value.field == "weights"


def test_weights_must_not_be_negative() -> None:
    with pytest.raises(ScoringConfigError, match="negative") as caught:
        _config(weights=(0.5, -0.1, 0.6))
    assert caught.value.field == "weights"


def test_weights_need_one_positive() -> None:
    with pytest.raises(ScoringConfigError, match="positive") as caught:
        _config(weights=(0, 0.0, 0))
    assert caught.value.field == "weights"


@pytest.mark.parametrize("caps", [(10, 20), (10, 20, 600, 5), None], ids=["two", "four", "none"])
def test_caps_must_be_exactly_three(caps: object) -> None:
    with pytest.raises(ScoringConfigError, match="exactly 3") as caught:
        _config(caps=caps)
    assert caught.value.field == "caps"


@pytest.mark.parametrize("bad", [0, -5, -0.0], ids=["zero", "negative", "minus-zero"])
def test_caps_must_be_positive(bad: float) -> None:
    with pytest.raises(ScoringConfigError, match="positive") as caught:
        _config(caps=(10, bad, 600))
    assert caught.value.field == "caps"


@pytest.mark.parametrize(
    "bad", [math.nan, math.inf, "10", False], ids=["nan", "inf", "str", "bool"]
)
def test_caps_must_be_finite_numbers(bad: object) -> None:
    with pytest.raises(ScoringConfigError) as caught:
        _config(caps=(bad, 20, 600))
    assert caught.value.field == "caps"


@pytest.mark.parametrize("bad", [0, -7.0], ids=["zero", "negative"])
def test_half_life_must_be_positive(bad: float) -> None:
    with pytest.raises(ScoringConfigError, match="positive") as caught:
        _config(half_life_days=bad)
    assert caught.value.field == "halfLifeDays"


@pytest.mark.parametrize("bad", [math.nan, math.inf, "7", True], ids=["nan", "inf", "str", "bool"])
def test_half_life_must_be_a_finite_number(bad: object) -> None:
    with pytest.raises(ScoringConfigError) as caught:
        _config(half_life_days=bad)
    assert caught.value.field == "halfLifeDays"


@pytest.mark.parametrize(
    ("warm", "hot"),
    [
        pytest.param(80, 70, id="warm-above-hot"),
        pytest.param(-1, 70, id="warm-negative"),
        pytest.param(40, 100.5, id="hot-above-100"),
    ],
)
def test_thresholds_must_be_ordered_within_0_to_100(warm: float, hot: float) -> None:
    with pytest.raises(ScoringConfigError, match="<= 100") as caught:
        _config(warm_threshold=warm, hot_threshold=hot)
    assert caught.value.field == "thresholds"


@pytest.mark.parametrize(
    ("warm", "hot"),
    [(math.nan, 70), (40, math.inf), ("40", 70), (40, True)],
    ids=["warm-nan", "hot-inf", "warm-str", "hot-bool"],
)
def test_thresholds_must_be_finite_numbers(warm: object, hot: object) -> None:
    with pytest.raises(ScoringConfigError) as caught:
        _config(warm_threshold=warm, hot_threshold=hot)
    assert caught.value.field == "thresholds"


def test_thresholds_may_coincide_at_the_bounds() -> None:
    assert _config(warm_threshold=0, hot_threshold=0).hot_threshold == 0.0
    assert _config(warm_threshold=100, hot_threshold=100).warm_threshold == 100.0


# --- priority --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "expected"),
    [(100, "hot"), (70, "hot"), (69.99, "warm"), (40, "warm"), (39.99, "cold"), (0, "cold")],
)
def test_priority_boundaries_with_default_thresholds(score: float, expected: str) -> None:
    assert priority_for(score, DEFAULT) == expected


@pytest.mark.parametrize(
    ("score", "expected"), [(80, "hot"), (79.99, "warm"), (50, "warm"), (49.99, "cold")]
)
def test_priority_boundaries_with_custom_thresholds(score: float, expected: str) -> None:
    assert priority_for(score, ScoringConfig(hot_threshold=80, warm_threshold=50)) == expected


@pytest.mark.parametrize(("score", "expected"), [(60, "hot"), (59.99, "cold")])
def test_equal_thresholds_leave_no_warm_band(score: float, expected: str) -> None:
    assert priority_for(score, ScoringConfig(hot_threshold=60, warm_threshold=60)) == expected


def test_priority_comes_from_the_rounded_score() -> None:
    result = score_lead(_counts(10, 10, 300), DEFAULT, NOW)

    assert (result.score, result.priority) == (70.0, "hot")


# --- batch -----------------------------------------------------------------------------------


def test_score_leads_of_nothing_is_empty() -> None:
    assert score_leads([], DEFAULT, NOW) == []


# --- properties ------------------------------------------------------------------------------

any_count = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**9), 10**9)
ordered_count = any_count.filter(lambda value: not math.isnan(value))
moment = st.datetimes(
    min_value=datetime(2000, 1, 1, tzinfo=UTC).replace(tzinfo=None),
    max_value=datetime(2100, 1, 1, tzinfo=UTC).replace(tzinfo=None),
    timezones=st.sampled_from((None, UTC)),
)
last_activity = st.none() | moment
counts = st.builds(Counts, any_count, any_count, any_count, last_activity)
dated_counts = st.builds(Counts, any_count, any_count, any_count, moment)
cap = st.floats(min_value=1e-3, max_value=MAX_CAP)
half_life = st.floats(min_value=MIN_HALF_LIFE_DAYS, max_value=MAX_HALF_LIFE_DAYS)


def _configs(weight: st.SearchStrategy[float]) -> st.SearchStrategy[ScoringConfig]:
    weights = st.tuples(weight, weight, weight).filter(lambda ws: max(ws) > 0)
    return st.builds(ScoringConfig, weights, st.tuples(cap, cap, cap), half_life)


configs = _configs(st.floats(min_value=0, max_value=MAX_WEIGHT))
configs_up_to_one = _configs(st.floats(min_value=0, max_value=1 / 3))


@given(counts, configs, moment)
def test_score_is_between_0_and_100_and_never_nan(
    lead: Counts, config: ScoringConfig, now: datetime
) -> None:
    result = score_lead(lead, config, now)

    assert 0 <= result.score <= 100
    assert 0 <= result.breakdown.decay_factor <= 1
    assert all(math.isfinite(getattr(result.breakdown, name)) for name in COUNT_FIELDS)
    assert result.priority == priority_for(result.score, config)


@given(dated_counts, configs, moment, st.sampled_from(COUNT_FIELDS), ordered_count, ordered_count)
def test_score_is_non_decreasing_in_each_count(
    lead: Counts, config: ScoringConfig, now: datetime, field: str, one: float, other: float
) -> None:
    low, high = sorted((one, other))
    lower = score_lead(_with(lead, field, low), config, now)
    higher = score_lead(_with(lead, field, high), config, now)

    assert lower.score <= higher.score
    assert getattr(lower.breakdown, field) <= getattr(higher.breakdown, field)


@given(
    st.builds(Counts, any_count, any_count, any_count, st.just(NOW)),
    st.floats(min_value=0, max_value=365),
    st.floats(min_value=0.5, max_value=365),
)
def test_score_halves_every_half_life(lead: Counts, days: float, half_life: float) -> None:
    config = ScoringConfig(half_life_days=half_life)
    now = NOW + timedelta(days=days)
    later = now + timedelta(days=half_life)

    before = decay_factor(lead.last_activity_at, now, half_life)
    after = decay_factor(lead.last_activity_at, later, half_life)

    assert after == pytest.approx(before / 2, rel=1e-9)
    halved = score_lead(lead, config, now).score / 2
    assert score_lead(lead, config, later).score == pytest.approx(halved, abs=0.01)


@given(moment, moment, st.floats(min_value=MIN_HALF_LIFE_DAYS, max_value=MAX_HALF_LIFE_DAYS))
def test_decay_never_grows_with_time(last: datetime, now: datetime, half_life: float) -> None:
    later = now + timedelta(hours=1)

    assert decay_factor(last, later, half_life) <= decay_factor(last, now, half_life) <= 1


@given(counts, configs, moment)
def test_scoring_is_deterministic(lead: Counts, config: ScoringConfig, now: datetime) -> None:
    assert score_lead(lead, config, now) == score_lead(lead, config, now)


@given(counts, st.just(DEFAULT) | configs_up_to_one, moment)
def test_breakdown_explains_the_score(lead: Counts, config: ScoringConfig, now: datetime) -> None:
    result = score_lead(lead, config, now)

    explained = _contribution_sum(result.breakdown) * result.breakdown.decay_factor
    assert explained == pytest.approx(result.score, abs=0.01)


@given(st.lists(counts, max_size=20), configs, moment)
def test_score_leads_matches_score_lead(
    leads: list[Counts], config: ScoringConfig, now: datetime
) -> None:
    expected = [score_lead(lead, config, now) for lead in leads]

    assert score_leads(leads, config, now) == expected
    assert score_leads(iter(leads), config, now) == expected


@given(st.tuples(any_count, any_count, any_count), configs)
def test_raw_and_contributions_match_the_formula(values, config) -> None:
    counts = Counts(*values, None)
    raw, points = raw_and_contributions(*values, config)
    assert raw == raw_score(counts, config)
    assert points == contributions(counts, config)
    assert contribution_points(*values, config) == points


def test_epoch_micros_and_decay_at_agree_with_decay_factor() -> None:
    naive = WEEK_AGO.replace(tzinfo=None)
    assert epoch_micros(naive) == epoch_micros(WEEK_AGO)
    assert decay_at(None, epoch_micros(NOW), 7) == 0.0
    assert decay_at(epoch_micros(WEEK_AGO), epoch_micros(NOW), 7) == 0.5
    assert decay_at(epoch_micros(NOW), epoch_micros(WEEK_AGO), 7) == 1.0  # future counts as now
    assert score_value(0.5, 0.5) == 25.0
