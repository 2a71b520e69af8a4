"""Which write a lead's attributes come from (pure logic; the database side is in
tests/integration/test_event_attributes.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from scoring.attributes import (
    newer_attributes,
    set_at_document,
    set_at_from_doc,
    set_directly,
    stamps_document,
    stamps_from_doc,
)
from scoring.index import LeadRecord, from_micros, to_micros

AT = to_micros(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))


def test_a_new_lead_takes_every_attribute_carried():
    values, stamps = newer_attributes(None, {"leadName": (AT, "e1", "Acme")})
    assert values == {"leadName": "Acme"}
    assert stamps == (("leadName", AT, "e1"),)


def test_an_older_or_equal_event_changes_nothing():
    record = LeadRecord.new("l", stamps=(("leadName", AT, "e5"),))
    for mark in ((AT - 1, "e9"), (AT, "e5"), (AT, "e4")):
        assert newer_attributes(record, {"leadName": (*mark, "Old")}) == ({}, None)
    values, stamps = newer_attributes(record, {"leadName": (AT, "e6", "New")})
    assert values == {"leadName": "New"} and stamps == (("leadName", AT, "e6"),)


def test_a_write_through_the_api_is_a_floor_for_the_attributes_it_set_only():
    record = LeadRecord.new("l", set_at=(AT, None, None))  # it set leadName only
    assert newer_attributes(record, {"leadName": (AT - 1, "e", "Old")}) == ({}, None)
    values, _ = newer_attributes(record, {"ownerId": (AT - 1, "e", "rep")})
    assert values == {"ownerId": "rep"}  # the write did not set the owner
    values, _ = newer_attributes(record, {"leadName": (AT, "e", "Same µs")})  # the event
    assert values == {"leadName": "Same µs"}


def test_a_write_sets_what_it_sends_unless_an_event_dated_after_it_set_it():
    record = LeadRecord.new(
        "l", stamps=(("leadName", AT + 10_000_000, "future"), ("ownerId", AT - 5, "old"))
    )
    fields = {"leadName": "By hand", "ownerId": "rep-2", "emailOpens": 1}
    set_directly(record, fields, from_micros(AT))
    assert "leadName" not in fields  # an event dated 10 s after the write set it
    assert fields["ownerId"] == "rep-2" and fields["emailOpens"] == 1
    assert set_at_from_doc(fields["attributesSetAt"]) == (None, None, AT)
    assert stamps_from_doc(fields["attributesAt"]) == (("leadName", AT + 10_000_000, "future"),)
    untouched = {"emailOpens": 2}
    set_directly(record, untouched, from_micros(AT))
    assert untouched == {"emailOpens": 2}


def test_write_times_are_shared_between_leads_and_round_trip():
    first = set_at_from_doc({"leadName": from_micros(AT), "ownerId": from_micros(AT)})
    second = set_at_from_doc({"leadName": from_micros(AT), "ownerId": from_micros(AT)})
    assert first == (AT, None, AT) and first is second
    assert set_at_from_doc(set_at_document(first)) == first
    assert set_at_from_doc("2026-11-20") is None and set_at_document(None) is None


def test_stamps_round_trip_and_malformed_ones_are_left_out():
    stamps = (("leadName", AT, "e1"), ("ownerId", AT + 5, "e2"))
    assert stamps_from_doc(stamps_document(stamps)) == stamps
    assert stamps_from_doc({"leadName": {"at": "yesterday", "eventId": "e"}, "x": 1}) == ()
    assert stamps_from_doc(None) == () and stamps_document(()) is None
