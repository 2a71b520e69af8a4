"""The wire's date-times (the fast epoch-microsecond path writes what `iso` writes) and a
lead's REST item."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from api.wire import iso, iso_micros, lead_to_wire
from scoring.index import from_micros, to_micros
from scoring.index_types import LeadRecord, ScoredLead

FIRST = to_micros(datetime(1, 1, 1, tzinfo=UTC))
LAST = to_micros(datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC))


@given(st.integers(FIRST, LAST))
def test_iso_micros_matches_iso(micros: int) -> None:
    assert iso_micros(micros) == iso(from_micros(micros))


def test_iso_micros_shapes() -> None:
    assert iso_micros(None) is None
    assert iso_micros(0) == "1970-01-01T00:00:00Z"
    assert iso_micros(1) == "1970-01-01T00:00:00.000Z"  # a fraction is always shown
    assert iso_micros(-1) == "1969-12-31T23:59:59.999Z"
    moment = datetime(2026, 11, 3, 9, 30, 5, 120_500, tzinfo=UTC)
    assert iso_micros(to_micros(moment)) == "2026-11-03T09:30:05.120Z"
    assert iso(moment + timedelta(hours=1)) == "2026-11-03T10:30:05.120Z"


def test_remembered_texts_never_mix_time_zones_or_naive_moments() -> None:
    """`iso` remembers its texts by moment: equal moments must be the same instant in UTC."""
    naive = datetime(2026, 11, 3, 12, 0)  # noqa: DTZ001  (a naive moment on purpose)
    plus_two = datetime(2026, 11, 3, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    same_instant = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
    for _ in range(2):  # the second round is answered from memory
        assert iso(naive) == "2026-11-03T12:00:00Z"  # naive means UTC
        assert iso(plus_two) == "2026-11-03T10:00:00Z"
        assert iso(same_instant) == "2026-11-03T10:00:00Z"
        assert iso(None) is None


def _scored(record: LeadRecord, score: float = 55.5) -> ScoredLead:
    moment = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    return ScoredLead(record, score, "warm", 0.5, moment, (10.0, 20.0, 30.0))


def _record(**fields: object) -> LeadRecord:
    values: dict[str, object] = {"owner_id": "u1", "name": "Noor", "email": "n@example.com"}
    return LeadRecord.new("lead-1", **(values | {"last_us": 1_764_000_000_000_000} | fields))


def test_a_leads_wire_item_is_the_contracts_whoever_asks_and_whatever_was_done_with_the_last() -> (
    None
):
    record = _record()
    first = lead_to_wire("t1", _scored(record))
    assert list(first) == [
        "tenantId", "leadId", "leadName", "leadEmail", "score", "priority", "breakdown",
        "lastActivityAt", "computedAt", "ownerId",
    ]  # fmt: skip
    assert first["tenantId"] == "t1" and first["leadName"] == "Noor" and first["score"] == 55.5
    assert first["lastActivityAt"] == "2025-11-24T16:00:00Z"
    assert first["computedAt"] == "2026-11-29T12:00:00Z"
    first["leadName"] = "changed by a caller"
    second = lead_to_wire("t1", _scored(record, 12.0), include_raw=True)
    assert second is not first and second["leadName"] == "Noor" and second["score"] == 12.0
    assert list(second)[-2:] == ["raw", "outcome"]
    replaced = lead_to_wire("t1", _scored(_record(name="Noor B", owner_id=None)))
    assert replaced["leadName"] == "Noor B" and replaced["ownerId"] is None
