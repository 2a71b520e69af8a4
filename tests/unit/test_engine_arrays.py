"""The vectorised engine gives exactly ``engine.score_lead``'s scores and priorities."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import (
    Counts,
    ScoringConfig,
    priority_for,
    raw_and_contributions,
    score_lead,
    score_value,
)
from scoring.engine_arrays import (
    TIERS,
    CountArrays,
    epoch_us,
    raw_scores,
    score_arrays,
    served_scores,
    tier_indices,
)

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)

_count = st.one_of(
    st.integers(min_value=-5, max_value=2_000),
    st.floats(min_value=-10, max_value=5_000, allow_nan=False),
    st.sampled_from([math.nan, math.inf, -math.inf, 0.0]),
)
_moment = st.one_of(
    st.none(),
    st.floats(min_value=-3, max_value=400).map(lambda days: NOW - timedelta(days=days)),
    st.integers(min_value=0, max_value=10**7).map(
        lambda s: (NOW - timedelta(seconds=s)).replace(tzinfo=None)
    ),
    st.integers(min_value=0, max_value=10**7).map(
        lambda s: (NOW - timedelta(seconds=s)).astimezone(timezone(timedelta(hours=-5)))
    ),
)
_counts = st.builds(Counts, _count, _count, _count, _moment)
_config = st.builds(
    ScoringConfig,
    weights=st.tuples(*[st.floats(min_value=0, max_value=1.5)] * 3).filter(lambda w: max(w) > 0),
    caps=st.tuples(*[st.floats(min_value=0.5, max_value=1_000)] * 3),
    half_life_days=st.floats(min_value=0.01, max_value=100),
    warm_threshold=st.just(40.0),
    hot_threshold=st.just(70.0),
)


def _engine_scores(leads: list[Counts], config: ScoringConfig, now: datetime) -> list[float]:
    return [score_lead(lead, config, now).score for lead in leads]


@settings(max_examples=200, deadline=None)
@given(leads=st.lists(_counts, min_size=1, max_size=40), config=_config)
def test_scores_equal_the_engine(leads: list[Counts], config: ScoringConfig) -> None:
    now = np.full(len(leads), epoch_us([NOW])[0])
    scores = score_arrays(CountArrays.from_counts(leads), config, now)
    assert scores.tolist() == _engine_scores(leads, config, NOW)


def test_each_lead_is_scored_as_of_its_own_moment() -> None:
    lead = Counts(10, 20, 600, NOW)
    moments = [NOW, NOW + timedelta(days=7), NOW + timedelta(days=14), NOW - timedelta(days=1)]
    scores = score_arrays(CountArrays.from_counts([lead] * 4), ScoringConfig(), epoch_us(moments))
    assert scores.tolist() == [100.0, 50.0, 25.0, 100.0]


def test_rounding_boundaries_match_the_engine() -> None:
    """Unrounded scores on a half-hundredth (x.xx5) are settled by the engine itself."""
    config = ScoringConfig(weights=(1.0, 0.0, 0.0), caps=(1.0, 1.0, 1.0))
    leads = [Counts(j / 200_000, 0, 0, NOW) for j in range(0, 20_001, 5)]
    expected = _engine_scores(leads, config, NOW)
    naive = np.round(np.array([lead.email_opens for lead in leads]) * 100, 2)
    assert (naive != np.array(expected)).any()  # numpy alone would round some differently
    scores = score_arrays(CountArrays.from_counts(leads), config, epoch_us([NOW] * len(leads)))
    assert scores.tolist() == expected


def test_a_lead_without_activity_scores_zero() -> None:
    counts = CountArrays.from_counts([Counts(10, 20, 600, None)])
    assert not counts.has_activity[0]
    assert score_arrays(counts, ScoringConfig(), epoch_us([NOW])).tolist() == [0.0]
    assert counts.counts_at(0) == Counts(10.0, 20.0, 600.0, None)


@given(score=st.floats(min_value=0, max_value=100))
def test_tiers_match_priority_for(score: float) -> None:
    config = ScoringConfig(warm_threshold=40, hot_threshold=70)
    index = tier_indices(np.array([score]), 40, 70)
    assert TIERS[int(index[0])] == priority_for(score, config)


@settings(max_examples=300)
@given(st.lists(st.tuples(_count, _count, _count), min_size=1, max_size=40), _config)
def test_raw_scores_equal_the_engines_bit_for_bit(rows, config):
    """The exactly rounded sum (math.fsum) of the weighted parts, element by element."""
    opens, visits, spent = (np.array(column, np.float64) for column in zip(*rows, strict=True))
    found = raw_scores(opens, visits, spent, config).tolist()
    expected = [raw_and_contributions(*row, config)[0] for row in rows]
    assert found == expected


def test_raw_scores_take_the_exact_sum_where_a_plain_sum_rounds_the_other_way():
    """Parts whose left-to-right sum differs from math.fsum's (found by search): the vectorised
    raw follows math.fsum."""
    config = ScoringConfig(weights=(0.1, 0.2, 0.3), caps=(1.0, 1.0, 1.0))
    rng = np.random.default_rng(7)
    opens, visits, spent = rng.random(20_000), rng.random(20_000), rng.random(20_000)
    found = raw_scores(opens, visits, spent, config)
    plain = 0.1 * opens + 0.2 * visits + 0.3 * spent
    expected = np.array(
        [
            raw_and_contributions(o, v, s, config)[0]
            for o, v, s in zip(opens, visits, spent, strict=True)
        ]
    )
    assert (plain != expected).any()  # the case exists in this data
    assert (found == expected).all()


def test_raw_scores_sum_exactly_where_the_rounding_errors_land_halfway():
    """0.5 + 2^-54 + 2^-121: the first two tie (half an ulp) and round to even, the errors' sum
    rounds to exactly half an ulp, and only the exact sum shows the total is past halfway."""
    config = ScoringConfig(weights=(0.5, 2.0**-54, 2.0**-121), caps=(1.0, 1.0, 1.0))
    ones = np.ones(1)
    expected = raw_and_contributions(1.0, 1.0, 1.0, config)[0]
    assert expected == 0.5 + 2.0**-53
    assert raw_scores(ones, ones, ones, config).tolist() == [expected]


@given(
    st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=50),
    st.floats(min_value=0, max_value=1),
)
def test_served_scores_equal_score_value_bit_for_bit(raws, decay):
    found = served_scores(np.array(raws, np.float64), decay).tolist()
    assert found == [score_value(raw, decay) for raw in raws]


def test_served_scores_round_like_the_engine_at_a_rounding_boundary():
    """x.xx5 cases, where NumPy's and Python's rounding part ways."""
    raws = np.array([0.12345, 0.00125, 0.5000049999, 0.33335, 0.01005])
    assert served_scores(raws, 1.0).tolist() == [score_value(raw, 1.0) for raw in raws.tolist()]
