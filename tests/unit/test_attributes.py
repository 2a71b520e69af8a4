"""Which write a lead's attributes come from (pure logic; the database side is in
tests/integration/test_event_attributes.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from scoring.attributes import newer_attributes, set_directly, stamps_document, stamps_from_doc
from scoring.index import LeadRecord, to_micros

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


def test_a_write_through_the_api_is_a_floor_for_every_attribute():
    record = LeadRecord.new("l", attrs_us=AT)
    assert newer_attributes(record, {"ownerId": (AT - 1, "e", "rep")}) == ({}, None)
    values, _ = newer_attributes(record, {"ownerId": (AT, "e", "rep")})  # same µs: the event
    assert values == {"ownerId": "rep"}


def test_stamps_round_trip_and_malformed_ones_are_left_out():
    stamps = (("leadName", AT, "e1"), ("ownerId", AT + 5, "e2"))
    assert stamps_from_doc(stamps_document(stamps)) == stamps
    assert stamps_from_doc({"leadName": {"at": "yesterday", "eventId": "e"}, "x": 1}) == ()
    assert stamps_from_doc(None) == () and stamps_document(()) is None
    assert set_directly(stamps, {"ownerId": "rep-3"}) == (("leadName", AT, "e1"),)
