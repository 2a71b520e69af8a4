"""Audit details rendered for people, and the write-audit's guard on its source."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from foundation.audit import readable_fields, record_write


def test_keys_become_labels_and_values_text():
    details = {
        "userId": "u1",
        "previousRole": "rep",
        "isActive": False,
        "version": 3,
        "keyId": None,
        "scopes": ["ingest", "read"],
        "at": datetime(2026, 11, 28, 4, 30, tzinfo=UTC),
    }
    assert readable_fields(details) == [
        ("User id", "u1"),
        ("Previous role", "rep"),
        ("Is active", "no"),
        ("Version", "3"),
        ("Key id", "—"),
        ("Scopes", "ingest, read"),
        ("At", "2026-11-28T04:30:00Z"),
    ]


def test_nested_details_are_flattened_in_order():
    details = {"weights": {"emailOpens": 0.4, "timeSpent": 0.25}, "accepted": True}
    assert readable_fields(details) == [
        ("Weights · Email opens", "0.4"),
        ("Weights · Time spent", "0.25"),
        ("Accepted", "yes"),
    ]


def test_a_model_change_reads_as_before_and_after():
    details = {
        "version": 4,
        "diff": [
            {"parameter": "weights.emailOpens", "before": 0.4, "after": 0.8},
            {"parameter": "halfLifeDays", "before": 7, "after": 3.5},
        ],
        "other": [{"kind": "x", "count": 2}],
    }
    assert readable_fields(details) == [
        ("Version", "4"),
        ("Diff", "weights.emailOpens: 0.4 → 0.8; halfLifeDays: 7 → 3.5"),
        ("Other", "kind x, count 2"),
    ]


def test_no_details_no_fields():
    assert readable_fields({}) == []


async def test_a_write_needs_a_known_source():
    with pytest.raises(ValueError, match="unknown write source"):
        await record_write(None, "ftp", 1, 1, 0, tenant_id="t")
