"""Demo history: deterministic, plausible, and it carries a signal the suggestion can find."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from scoring.backtest import backtest
from scoring.demo_outcomes import (
    HISTORY_DAYS,
    TRUE_MODEL,
    DemoLead,
    demo_history,
    demo_snapshots,
)
from scoring.engine import ScoringConfig
from scoring.suggest import Suggestion, suggest_model

NOW = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
LEAD_IDS = [f"lead-{n:04d}" for n in range(240)]  # the demo tenant's 4 reps x 60 leads
DEFAULT = ScoringConfig()


@pytest.fixture(scope="module")
def leads() -> tuple[DemoLead, ...]:
    return demo_history(LEAD_IDS, NOW)


def test_same_seed_same_history_other_seed_other_history(leads: tuple[DemoLead, ...]) -> None:
    assert demo_history(LEAD_IDS, NOW) == leads
    assert demo_history(LEAD_IDS, NOW, seed=7) != leads
    assert [lead.lead_id for lead in leads] == LEAD_IDS


def test_events_are_daily_activity_within_the_last_90_days(leads: tuple[DemoLead, ...]) -> None:
    start = NOW - timedelta(days=HISTORY_DAYS)
    for lead in leads:
        moments = [moment for moment, _, _ in lead.events]
        assert moments == sorted(moments)
        assert all(start <= moment < NOW for moment in moments)
        assert all(
            kind in {"email_open", "website_visit", "time_spent"} for _, kind, _ in lead.events
        )
        assert all(value is not None and value > 0 for _, _, value in lead.events)
    assert sum(not lead.events for lead in leads) >= 3  # a few leads with no data at all


def test_outcomes_are_won_lost_or_open_with_dates_in_the_window(
    leads: tuple[DemoLead, ...],
) -> None:
    outcomes = Counter(lead.outcome for lead in leads)
    assert set(outcomes) == {"won", "lost", "open"}
    assert outcomes["open"] >= 40
    start = NOW - timedelta(days=HISTORY_DAYS)
    for lead in leads:
        assert (lead.outcome == "open") == (lead.outcome_at is None)
        if lead.outcome_at is not None:
            assert start < lead.outcome_at < NOW
            assert lead.events
            assert lead.events[0][0] < lead.outcome_at


def test_snapshots_leave_out_activity_after_the_outcome(leads: tuple[DemoLead, ...]) -> None:
    snapshots = {s.lead_id: s for s in demo_snapshots(leads)}
    closed = [lead for lead in leads if lead.outcome_at is not None]
    assert len(snapshots) == len(closed)
    later = [lead for lead in closed if lead.events[-1][0] >= (lead.outcome_at or NOW)]
    assert later  # won customers stay active: leakage would show if it were possible
    for lead in later:
        snapshot = snapshots[lead.lead_id]
        assert snapshot.converted == (lead.outcome == "won")
        assert snapshot.counts != lead.counts_at(NOW)
        assert snapshot.counts.last_activity_at is not None
        assert snapshot.counts.last_activity_at < snapshot.outcome_at


def test_the_report_shows_real_signal_and_the_suggestion_beats_the_default(
    leads: tuple[DemoLead, ...],
) -> None:
    snapshots = demo_snapshots(leads)
    report = backtest(snapshots, DEFAULT, DEFAULT).current
    assert report.trustworthy, report.verdict
    assert report.auc is not None
    assert report.auc > 0.7
    suggestion = suggest_model(snapshots, DEFAULT)
    assert isinstance(suggestion, Suggestion), suggestion
    current, proposed = suggestion.backtest.current, suggestion.backtest.proposed
    assert proposed.auc is not None
    assert proposed.auc >= current.auc + 0.03
    weights = suggestion.config.weights
    assert weights[1] == max(weights)  # visits dominate, as in the hidden model
    assert weights[0] < DEFAULT.weights[0]  # email opens matter less than the default says
    assert TRUE_MODEL.weights != DEFAULT.weights
