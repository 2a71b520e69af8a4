"""A tenant's history window: remembered points follow every change of the window."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from scoring.crossing import lead_trend
from scoring.engine import ScoringConfig
from scoring.history import DayPoints, days_back, snapshot, tier_code
from scoring.history_points import PointIndex
from scoring.history_window import WINDOW, HistoryPoint, ScoreHistory, TenantWindow, Trend
from scoring.index import LeadRecord, TenantIndex, to_micros
from scoring.read_model import ReadModel

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def day(offset: int, leads: list[str], score: float, kind: str = "day") -> DayPoints:
    moment = NOW - timedelta(days=offset)
    tier = 3 if score >= 70 else 2 if score >= 40 else 1
    return DayPoints(
        moment.date(),
        kind,
        moment,
        leads,
        np.full(len(leads), score),
        np.full(len(leads), tier, np.uint8),
        np.zeros((len(leads), 3)),
    )


def test_points_are_sorted_filtered_and_never_stale() -> None:
    window = TenantWindow(days_back(NOW.date(), WINDOW))
    window.add(day(3, ["a", "b"], 20.0))
    window.add(day(1, ["a"], 45.0))
    assert [p.score for p in window.points("a", NOW - timedelta(days=30))] == [20.0, 45.0]
    assert [p.score for p in window.points("a", NOW - timedelta(days=2))] == [45.0]
    assert window.points("c", NOW - timedelta(days=30)) == []
    window.add(day(2, ["a", "c"], 30.0))  # a new day between the two: seen at once
    assert [p.score for p in window.points("a", NOW - timedelta(days=30))] == [20.0, 30.0, 45.0]
    assert [p.score for p in window.points("c", NOW - timedelta(days=30))] == [30.0]
    window.add(day(0, ["a"], 80.0, kind="tier"))  # a tier change today
    assert [p.kind for p in window.points("a", NOW - timedelta(hours=1))] == ["tier"]
    window.turn(NOW.date() + timedelta(days=WINDOW - 2))  # older days leave the window
    since = NOW - timedelta(days=30)
    assert [p.score for p in window.points("a", since)] == [45.0, 80.0]
    assert window.points("b", since) == []


def test_latest_tiers_equal_each_leads_last_point() -> None:
    """The vectorised latest tier per lead equals the tier of the lead's last point."""
    rng = random.Random(3)
    leads = [f"l{i}" for i in range(60)]
    window = TenantWindow(days_back(NOW.date(), WINDOW))
    for offset in sorted(rng.sample(range(WINDOW), 12), reverse=True):
        chosen = rng.sample(leads, rng.randint(1, 40))
        window.add(day(offset, chosen, rng.choice([10.0, 50.0, 90.0])))
        if rng.random() < 0.5:  # a tier change later that day, for a few of them
            window.add(day(offset, rng.sample(chosen, 3), rng.choice([10.0, 50.0, 90.0]), "tier"))
    ScoreHistory(ReadModel(ScoringConfig()))._remember_tiers(window)
    expected = {}
    for lead_id in leads:
        points = window.points(lead_id, NOW - timedelta(days=WINDOW + 1))
        if points:
            expected[lead_id] = tier_code(points[-1].priority)
    assert window.last_tier == expected and len(expected) > 30


def test_a_snapshot_holds_the_scores_the_index_serves() -> None:
    """Scores and tiers over arrays equal the index's own, lead by lead (future and missing
    activity, zero counts, scores a hair from a rounding boundary, other thresholds)."""
    rng = random.Random(5)
    now_us = to_micros(NOW)
    config = ScoringConfig(half_life_days=7, hot_threshold=60, warm_threshold=30)
    index = TenantIndex("t", config)
    records = []
    for i in range(3000):
        last = rng.choice([None, now_us + rng.randint(1, 10**9), now_us - rng.randint(0, 10**14)])
        records.append(
            LeadRecord.new(
                f"l{rng.randint(0, 10**6)}-{i}",
                email_opens=rng.choice([0, rng.randint(0, 30)]),
                website_visits=rng.randint(0, 50),
                time_spent=rng.random() * 1000,
                last_us=last,
            )
        )
    index.upsert(records)
    points = snapshot(index, NOW)
    expected = list(index.records.values())  # in the index's order (no sort: 0.1 s at 100k)
    assert points.lead_ids == [r.lead_id for r in expected]
    served = [index.scored(r, now_us) for r in expected]
    assert points.scores.tolist() == np.array([s.score for s in served], np.float32).tolist()
    assert points.tiers.tolist() == [tier_code(s.priority) for s in served]
    assert len({s.priority for s in served}) == 3
    assert points.counts[:, 1].tolist() == [r.website_visits for r in expected]


class FakeWindow:
    """A window that holds one lead's points, sorted (as TenantWindow.indexed answers)."""

    def __init__(self, points: list[HistoryPoint]) -> None:
        self.stored = points

    def indexed(self, lead_id: str) -> PointIndex:
        return PointIndex.of(self.stored)


def reference_trend(points: list[HistoryPoint], score: float, priority: str) -> Trend:
    """The trend by its definition: the last daily point at least 7 days old, and the last
    change of tier along the points and the live one."""
    week_ago = [p for p in points if p.kind == "day" and p.at <= NOW - timedelta(days=7)]
    change = round(score - week_ago[-1].score, 2) if week_ago else None
    compared = week_ago[-1].at if week_ago else None
    along = [*points, HistoryPoint(NOW, score, priority, "now")]
    crossing = None
    for before, after in itertools.pairwise(along):
        if before.priority != after.priority:
            crossing = (after.at, before.priority, after.priority)
    return Trend(change, *(crossing or (None, None, None)), compared)


@given(
    st.lists(
        st.tuples(
            st.floats(0, 40),  # some before the 30 days the trend looks at
            st.floats(0, 100).map(lambda s: round(s, 2)),
            st.sampled_from(["hot", "warm", "cold"]),
            st.sampled_from(["day", "tier"]),
        ),
        max_size=40,
    ),
    st.floats(0, 100).map(lambda s: round(s, 2)),
    st.sampled_from(["hot", "warm", "cold"]),
)
def test_trend_is_the_last_week_old_day_and_the_last_tier_change(rows, score, priority) -> None:
    points = sorted(
        (HistoryPoint(NOW - timedelta(days=ago), s, tier, kind) for ago, s, tier, kind in rows),
        key=lambda p: p.at,
    )
    got = lead_trend(None, FakeWindow(points), "lead", score, priority, NOW)  # type: ignore[arg-type]
    recent = [p for p in points if p.at >= NOW - timedelta(days=WINDOW)]
    assert got == reference_trend(recent, score, priority)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 40 * 24),
            st.floats(0, 100).map(lambda s: round(s, 2)),
            st.sampled_from(["day", "tier"]),
        ),
        max_size=40,
    ),
    st.integers(0, 41 * 24),
)
def test_indexed_points_answer_as_filtering_them(rows, hours_ago) -> None:
    points = sorted(
        (HistoryPoint(NOW - timedelta(hours=h), s, "hot", kind) for h, s, kind in rows),
        key=lambda p: p.at,
    )
    since = NOW - timedelta(hours=hours_ago)
    indexed = PointIndex.of(points)
    assert indexed.since(since) == [p for p in points if p.at >= since]
    days = [p.score for p in points if p.at >= since and p.kind == "day"]
    assert indexed.day_scores_since(since) == days


def test_points_show_scores_to_the_hundredth_as_stored() -> None:
    """A tier change's score is kept as float32 (96.52 reads back as 96.5199966…): it shows
    96.52. (Daily points are float16 in the window, to 0.06 at most; they show 2 decimals too.)"""
    window = TenantWindow(days_back(NOW.date(), WINDOW))
    points = day(0, ["a"], 0.0, kind="tier")
    points.scores[:] = np.float32(96.52)
    window.add(points)
    assert [p.score for p in window.points("a", NOW - timedelta(days=1))] == [96.52]
