"""Point-in-time backtest: snapshots from events before the outcome, two models side by side."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.backtest import (
    Event,
    LeadSnapshot,
    SnapshotTable,
    backtest,
    counts_before,
)
from scoring.engine import Counts, ScoringConfig, score_lead

OUTCOME = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
DEFAULT = ScoringConfig()
VISITS_HEAVY = ScoringConfig(weights=(0.05, 0.7, 0.25), half_life_days=4.0)


def _at(days_before: float) -> datetime:
    return OUTCOME - timedelta(days=days_before)


def test_counts_only_activity_strictly_before_the_cutoff() -> None:
    events: list[Event] = [
        (_at(5), "email_open", None),
        (_at(4), "email_open", 3),
        (_at(3), "website_visit", None),
        (_at(2), "time_spent", 90),
        (_at(1), "converted", None),
        (OUTCOME, "website_visit", 5),  # at the cutoff: not before it
        (_at(-1), "email_open", 7),
    ]
    assert counts_before(None, events, OUTCOME) == Counts(4.0, 1.0, 90.0, _at(2))


def test_last_activity_is_the_latest_counted_event_in_any_order() -> None:
    events: list[Event] = [(_at(1), "website_visit", 1), (_at(9), "email_open", 1)]
    assert counts_before(None, events, OUTCOME).last_activity_at == _at(1)
    assert counts_before(None, [], OUTCOME) == Counts(0.0, 0.0, 0.0, None)


def test_naive_dates_mean_utc() -> None:
    naive_cutoff = OUTCOME.replace(tzinfo=None)
    events: list[Event] = [
        (_at(1).replace(tzinfo=None), "email_open", 2),
        (OUTCOME, "email_open", 1),
    ]
    assert counts_before(None, events, naive_cutoff).email_opens == 2.0


def test_base_counts_are_added_to() -> None:
    base = Counts(2, 3, 40, _at(10))
    counts = counts_before(base, [(_at(20), "website_visit", 2)], OUTCOME)
    assert counts == Counts(2.0, 5.0, 40.0, _at(10))


def test_base_with_activity_after_the_cutoff_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^base: "):
        counts_before(Counts(1, 1, 1, OUTCOME), [], OUTCOME)


@pytest.mark.parametrize(
    ("event", "field"),
    [
        pytest.param((_at(1), "time_spent", None), "value", id="time-without-seconds"),
        pytest.param((_at(1), "phone_call", 1), "type", id="unknown-type"),
    ],
)
def test_bad_events_name_the_field(event: Event, field: str) -> None:
    with pytest.raises(ValueError, match=f"^{field}: "):
        counts_before(None, [event], OUTCOME)


_kind = st.sampled_from(["email_open", "website_visit", "time_spent", "converted", "lost"])
_event_before = st.tuples(
    st.floats(min_value=0.0001, max_value=60).map(_at), _kind, st.integers(1, 500)
)
_event_after = st.tuples(st.floats(min_value=-60, max_value=0).map(_at), _kind, st.integers(1, 500))


@settings(max_examples=40, deadline=None)
@given(
    before=st.lists(_event_before, max_size=20),
    after=st.lists(_event_after, min_size=1, max_size=20),
    converted=st.booleans(),
)
def test_post_outcome_activity_cannot_change_the_backtest(
    before: list[Event], after: list[Event], converted: bool
) -> None:
    """No leakage: activity at or after the outcome changes neither snapshot nor scores."""

    def run(events: list[Event]) -> tuple[Counts, object]:
        counts = counts_before(None, events, OUTCOME)
        lead = LeadSnapshot("lead-1", counts, OUTCOME, converted)
        other = LeadSnapshot("lead-2", Counts(1, 1, 1, _at(3)), OUTCOME, not converted)
        return counts, backtest([lead, other], DEFAULT, VISITS_HEAVY)

    assert run(before) == run(before + after)
    assert run(before) == run(after + before)


def test_each_lead_is_scored_as_of_its_outcome_under_both_models() -> None:
    snapshots = [
        LeadSnapshot("warm-reader", Counts(10, 0, 100, _at(0.5)), OUTCOME, False),
        LeadSnapshot(
            "hot-visitor", Counts(2, 20, 600, _at(0.5)), OUTCOME + timedelta(days=3), True
        ),
        LeadSnapshot("faded", Counts(10, 20, 600, _at(30)), OUTCOME, False),
        LeadSnapshot("no-data", Counts(0, 0, 0, None), OUTCOME, False),
    ]
    result = backtest(snapshots, DEFAULT, VISITS_HEAVY)
    changes = {change.lead_id: change for change in result.tier_changes}
    for snapshot in snapshots:
        before = score_lead(snapshot.counts, DEFAULT, snapshot.outcome_at)
        after = score_lead(snapshot.counts, VISITS_HEAVY, snapshot.outcome_at)
        change = changes.get(snapshot.lead_id)
        assert (change is not None) == (before.priority != after.priority)
        if change is not None:
            assert (change.from_tier, change.to_tier) == (before.priority, after.priority)
            assert (change.score_before, change.score_after) == (before.score, after.score)
    assert set(changes) == {"warm-reader"}
    assert (changes["warm-reader"].from_tier, changes["warm-reader"].to_tier) == ("warm", "cold")


def test_reports_side_by_side_use_each_models_thresholds() -> None:
    snapshots = [
        LeadSnapshot(f"l{i}", Counts(10, 20, 600, OUTCOME), OUTCOME, i % 2 == 0) for i in range(4)
    ]
    strict = ScoringConfig(hot_threshold=100.0, warm_threshold=100.0)
    lenient = ScoringConfig(hot_threshold=90.0, warm_threshold=50.0)
    result = backtest(snapshots, strict, lenient)
    assert {row.label: row.count for row in result.current.tiers}["hot"] == 4
    assert result.current.leads == result.proposed.leads == 4
    assert result.current.conversions == 2
    assert result.tier_changes == ()
    table = SnapshotTable.from_snapshots(snapshots)
    assert backtest(table, strict, lenient) == result
    assert table.scores(strict).tolist() == [100.0] * 4


def test_a_better_model_shows_a_better_report() -> None:
    """Readers convert less than visitors: the visits-heavy model ranks outcomes better."""
    snapshots = [
        LeadSnapshot(f"reader-{i}", Counts(10, i % 3, 60, _at(1)), OUTCOME, i % 10 == 0)
        for i in range(50)
    ] + [
        LeadSnapshot(f"visitor-{i}", Counts(1, 12 + i % 8, 400, _at(1)), OUTCOME, i % 10 != 0)
        for i in range(50)
    ]
    result = backtest(snapshots, DEFAULT, VISITS_HEAVY)
    assert result.current.auc is not None
    assert result.proposed.auc is not None
    assert result.proposed.auc > result.current.auc
