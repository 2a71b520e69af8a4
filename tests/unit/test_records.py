"""Interaction documents to index records: what the index keeps, and that nothing is lost."""

from __future__ import annotations

import bson
from bson import ObjectId

from models.base import lead_key
from scoring.index import OWN_KEY
from scoring.records import record_from_doc


def decoded(doc: dict) -> dict:
    """The document as the driver hands it over (fresh strings, as from the wire)."""
    return bson.decode(bson.encode(doc))


def test_our_own_key_is_derived_and_a_foreign_id_is_kept() -> None:
    ours = record_from_doc(decoded({"_id": lead_key("t1", "a"), "tenantId": "t1", "leadId": "a"}))
    assert ours is not None and ours.doc_id is OWN_KEY
    assert ours.document_id("t1") == lead_key("t1", "a")
    crm_id = ObjectId()
    theirs = record_from_doc(decoded({"_id": crm_id, "tenantId": "t1", "leadId": "b"}))
    assert theirs is not None and theirs.document_id("t1") == crm_id
    # a string `_id` that is not our key for this lead (another tenant's, another lead's) is kept
    for other in (lead_key("t2", "c"), lead_key("t1", "d"), "c"):
        kept = record_from_doc(decoded({"_id": other, "tenantId": "t1", "leadId": "c"}))
        assert kept is not None and kept.document_id("t1") == other


def test_repeated_values_are_shared_and_unknown_ones_fall_back() -> None:
    docs = [
        decoded(
            {
                "tenantId": "t1",
                "leadId": f"l{i}",
                "ownerId": "rep-1",
                "company": "Globex",
                "status": "contacted",
                "outcome": "won",
            }
        )
        for i in range(2)
    ]
    first, second = (record_from_doc(d) for d in docs)
    assert first is not None and second is not None
    assert first.owner_id == "rep-1" and first.owner_id is second.owner_id
    assert first.company == "Globex" and first.company is second.company
    assert (first.status, first.outcome) == ("contacted", "won")
    assert first.status is second.status and first.outcome is second.outcome
    odd = record_from_doc({"leadId": "x", "status": "won", "outcome": ["won"], "ownerId": ""})
    assert odd is not None and (odd.status, odd.outcome, odd.owner_id) == ("new", "open", None)
