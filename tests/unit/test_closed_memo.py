"""All-time closed leads are built once per version of the index, and rebuilt after any change."""

from __future__ import annotations

import random

import numpy as np

from scoring.backtest import SnapshotTable
from scoring.engine import ScoringConfig
from scoring.index import LeadRecord, TenantIndex
from scoring.model_views import closed_of
from scoring.pre_outcome import closed_snapshots, closed_table

NOW_US = 1_795_000_000_000_000
DAY_US = 86_400_000_000


def closed(lead_id: str, outcome: str) -> LeadRecord:
    return LeadRecord.new(
        lead_id,
        email_opens=3,
        website_visits=2,
        time_spent=60,
        last_us=NOW_US - 3 * DAY_US,
        outcome=outcome,
        outcome_us=NOW_US - DAY_US,
        before=(3, 2, 60, NOW_US - 3 * DAY_US),
    )


def test_closed_leads_are_remembered_until_the_index_changes() -> None:
    index = TenantIndex("t", ScoringConfig())
    index.upsert([closed("a", "won"), closed("b", "lost")])
    first = closed_of(index)
    assert closed_of(index) is first  # nothing changed: the same columns
    assert int(first.table.converted.sum()) == 1
    index.upsert([closed("c", "won")])
    second = closed_of(index)
    assert second is not first
    assert int(second.table.converted.sum()) == 2
    windowed = closed_of(index, 30, NOW_US)  # a window is computed afresh
    assert windowed is not second and int(windowed.table.converted.sum()) == 2


def test_the_columns_equal_the_snapshots_they_replace() -> None:
    """`closed_table` (epoch µs) gives the leads, order, counts and exclusions of the snapshots."""
    rng = random.Random(7)
    records = []
    for i in range(400):
        last = None if rng.random() < 0.1 else NOW_US - rng.randint(0, 40) * DAY_US
        outcome_us = None if rng.random() < 0.1 else NOW_US - rng.randint(0, 40) * DAY_US
        known = last is not None and rng.random() < 0.5
        before = (1, 2.5, 30, last) if known else None  # else: counts if activity is not after
        records.append(
            LeadRecord.new(
                f"lead-{rng.randint(0, 10**6):07d}-{i}",
                email_opens=rng.randint(0, 9),
                website_visits=rng.randint(0, 9),
                time_spent=rng.random() * 600,
                last_us=last,
                outcome=rng.choice(("open", "won", "lost")),
                outcome_us=outcome_us,
                before=before,
            )
        )
    snapshots, excluded = closed_snapshots(records)
    table, table_excluded = closed_table(records)
    expected = SnapshotTable.from_snapshots(snapshots)
    assert table_excluded == excluded > 0
    assert table.lead_ids == expected.lead_ids and len(table.lead_ids) > 100
    for column in ("email_opens", "website_visits", "time_spent", "last_activity_us"):
        assert np.array_equal(getattr(table.counts, column), getattr(expected.counts, column))
    assert np.array_equal(table.counts.has_activity, expected.counts.has_activity)
    assert np.array_equal(table.outcome_us, expected.outcome_us)
    assert np.array_equal(table.converted, expected.converted)
    config = ScoringConfig()
    assert np.array_equal(table.scores(config), expected.scores(config))


def test_no_closed_lead_gives_empty_columns() -> None:
    table, excluded = closed_table([])
    assert excluded == 0 and table.lead_ids == () and len(table.counts) == 0
