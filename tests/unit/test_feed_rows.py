"""How written leads travel to the other replicas (scoring/feed_rows.py)."""

from __future__ import annotations

from dataclasses import replace

import bson
from bson import ObjectId
from hypothesis import given, settings
from hypothesis import strategies as st

from models.base import lead_key
from scoring import feed_rows
from scoring.attributes import ATTRIBUTES
from scoring.index import OWN_KEY, LeadRecord
from scoring.records import record_from_doc, record_to_doc
from scoring.writes import records_from_feed

TENANT = "tenant-1"
# stored times have BSON's millisecond precision; years 1970-2100 (0 stands for "none" in a
# stored attributesSetAt)
MOMENTS = st.integers(1, 4_102_444_800_000).map(lambda ms: ms * 1000)
TEXT = st.text(min_size=1, max_size=12).filter(lambda s: "\0" not in s)
COUNTS = st.one_of(st.integers(0, 10**6), st.floats(0, 10**6, allow_nan=False).map(float))


@st.composite
def records(draw: st.DrawFn) -> LeadRecord:
    lead_id = draw(TEXT)
    stamps = draw(st.lists(st.tuples(st.sampled_from(ATTRIBUTES), MOMENTS, TEXT), max_size=3))
    return LeadRecord.new(
        lead_id,
        doc_id=draw(st.sampled_from([OWN_KEY, ObjectId(), None, "ext-1", 42])),
        owner_id=draw(st.none() | TEXT),
        name=draw(TEXT),
        email=draw(st.none() | TEXT),
        company=draw(st.none() | TEXT),
        email_opens=draw(COUNTS),
        website_visits=draw(COUNTS),
        time_spent=draw(COUNTS),
        last_us=draw(st.none() | MOMENTS),
        updated_us=draw(MOMENTS),
        status=draw(st.sampled_from(["new", "contacted", "qualified", "disqualified"])),
        status_by=draw(st.none() | TEXT),
        status_us=draw(st.none() | MOMENTS),
        outcome=draw(st.sampled_from(["open", "won", "lost"])),
        outcome_us=draw(st.none() | MOMENTS),
        before=draw(st.none() | st.tuples(COUNTS, COUNTS, COUNTS, st.none() | MOMENTS)),
        batches=tuple(draw(st.lists(TEXT, max_size=3))),
        set_at=draw(st.none() | st.tuples(MOMENTS, st.none() | MOMENTS, st.none() | MOMENTS)),
        stamps=tuple(sorted({s[0]: s for s in stamps}.values(), key=_in_attribute_order)),
    )


def _in_attribute_order(stamp: tuple[str, int, str]) -> int:
    return ATTRIBUTES.index(stamp[0])


@settings(max_examples=300, deadline=None)
@given(st.lists(records(), max_size=5))
def test_records_arrive_as_they_were_written(written: list[LeadRecord]) -> None:
    arrived = feed_rows.unpack(feed_rows.pack(written))
    assert arrived == written
    for record in arrived:  # plain ints: BSON's Int64 is an int 16 bytes larger, kept per lead
        times = [record.last_us, record.updated_us, record.status_us, record.outcome_us]
        times += [*(record.set_at or ()), *(at for _, at, _ in record.stamps)]
        times += [record.before[3]] if record.before else []
        assert {type(at) for at in times} <= {int, type(None)}


@settings(max_examples=300, deadline=None)
@given(records())
def test_a_row_gives_the_record_an_interaction_document_gives(record: LeadRecord) -> None:
    """The rows carry what the documents earlier versions sent carried, and nothing else."""
    doc_id = lead_key(TENANT, record.lead_id) if record.doc_id is OWN_KEY else record.doc_id
    document = {"_id": doc_id, **record_to_doc(record, TENANT)}
    assert feed_rows.unpack(feed_rows.pack([record])) == [record_from_doc(document)]


def test_an_entry_of_an_earlier_version_is_still_read() -> None:
    record = LeadRecord.new("lead-1", name="Ada", email_opens=3, updated_us=1_764_000_000_000_000)
    document = {"_id": lead_key(TENANT, "lead-1"), **record_to_doc(record, TENANT)}
    assert records_from_feed({"packed": bson.encode({"leads": [document]})}) == [record]
    assert records_from_feed({"leads": [document]}) == [record]


def test_a_row_that_is_not_one_is_left_out_and_the_others_are_read() -> None:
    good = LeadRecord.new("lead-2", updated_us=1_764_000_000_000_000)
    rows = bson.decode(feed_rows.pack([good]))["rows"]
    blob = bson.encode({"rows": [["lead-1"], [None, *rows[0][1:]], 7, *rows]})
    assert feed_rows.unpack(blob) == [good]


def test_a_later_version_may_add_fields_to_a_row() -> None:
    good = LeadRecord.new("lead-3", updated_us=1_764_000_000_000_000, batches=("b1",))
    rows = bson.decode(feed_rows.pack([good]))["rows"]
    assert feed_rows.unpack(bson.encode({"rows": [[*rows[0], "new field"]]})) == [good]


def test_scores_derived_by_the_writer_are_not_carried() -> None:
    """The receiving replica derives raw and search text under its own model."""
    record = replace(LeadRecord.new("lead-4", updated_us=1), raw=0.5, folded="lead-4")
    assert feed_rows.unpack(feed_rows.pack([record])) == [replace(record, raw=0.0, folded="")]
