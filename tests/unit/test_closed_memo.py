"""All-time closed leads are built once per version of the index, and rebuilt after any change."""

from __future__ import annotations

from scoring.engine import ScoringConfig
from scoring.index import LeadRecord, TenantIndex
from scoring.model_views import closed_of

NOW_US = 1_795_000_000_000_000
DAY_US = 86_400_000_000


def closed(lead_id: str, outcome: str) -> LeadRecord:
    return LeadRecord(
        lead_id=lead_id,
        doc_id=lead_id,
        owner_id=None,
        name=lead_id,
        email=None,
        company=None,
        email_opens=3,
        website_visits=2,
        time_spent=60,
        last_us=NOW_US - 3 * DAY_US,
        updated_us=0,
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
