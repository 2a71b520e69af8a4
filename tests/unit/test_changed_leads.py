"""The external sync's ranges between the service's own write moments (scoring/changed_leads.py)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from scoring import changed_leads
from scoring.changed_leads import MAX_GAPS, WriteStamps, gap_queries
from scoring.index import LeadRecord, to_micros

SINCE = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _at(ms: int) -> datetime:
    return SINCE + timedelta(milliseconds=ms)


def _record(lead_id: str, moment: datetime) -> LeadRecord:
    record = LeadRecord.new(lead_id)
    record.updated_us = to_micros(moment)
    return record


def test_the_ranges_leave_out_exactly_the_moments_given() -> None:
    query = {"tenantId": "t", "updatedAt": {"$gt": SINCE}}
    moments = [to_micros(_at(5)), to_micros(_at(9))]
    assert gap_queries(query, moments) == [
        {"tenantId": "t", "updatedAt": {"$gt": SINCE, "$lt": _at(5)}},
        {"tenantId": "t", "updatedAt": {"$gt": _at(5), "$lt": _at(9)}},
        {"tenantId": "t", "updatedAt": {"$gt": _at(9)}},
    ]


def test_moments_before_the_scan_are_ignored_and_too_many_are_read_through() -> None:
    query = {"tenantId": "t", "updatedAt": {"$gt": SINCE}}
    assert gap_queries(query, [to_micros(_at(-3))]) == [query]
    many = [to_micros(_at(ms)) for ms in range(1, 3 * MAX_GAPS)]
    parts = gap_queries(query, many)
    assert len(parts) == MAX_GAPS + 1
    # the ranges still cover the whole window, in order, without overlap
    assert parts[0]["updatedAt"]["$gt"] == SINCE and "$lt" not in parts[-1]["updatedAt"]
    for before, after in itertools.pairwise(parts):
        assert before["updatedAt"]["$lt"] == after["updatedAt"]["$gt"]


def test_write_stamps_are_kept_per_tenant_for_a_while(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(changed_leads.time, "monotonic", lambda: clock[0])
    stamps = WriteStamps()
    stamps.note("a", [_record("x", _at(1)), _record("y", _at(1)), _record("z", _at(4))])
    stamps.note("b", [_record("x", _at(2))])
    assert stamps.after(["a"], to_micros(SINCE)) == [to_micros(_at(1)), to_micros(_at(4))]
    assert stamps.after(["a", "b"], to_micros(_at(1))) == [to_micros(_at(2)), to_micros(_at(4))]
    clock[0] += changed_leads.STAMPS_KEPT_S + 1
    stamps.note("a", [_record("w", _at(7))])  # noting prunes what is older than the memory
    assert stamps.after(["a"], to_micros(SINCE)) == [to_micros(_at(7))]
