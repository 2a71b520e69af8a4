"""How written leads travel to the other replicas: one BSON blob of rows, a row per lead.

A row is the record's fields in `LeadRecord`'s order, times as epoch microseconds: the replicas
read these rows for every lead another one writes (a 100k-row import, an event load), and
reading them as interaction documents — a sub-document per lead, dates decoded into datetimes
and back — was ~30 µs per lead in every replica (py-spy: 6-7 s of server CPU per 100k-row
import with two workers). Entries written by earlier versions (documents under `leads`) are
still read.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

import bson

from scoring.attributes import shared
from scoring.index_types import OWN_KEY, LeadRecord
from scoring.records import record_from_doc

ROWS = "rows"  # the blob's key for rows (earlier versions: "leads", interaction documents)
# The feed entries' kind: earlier versions wrote "leads" (documents) and fail on a blob of rows,
# so rows travel under a kind they pass over (their external sync finds those leads, ~5 s)
# instead of stopping their poll at each such entry during a rolling upgrade.
KIND = "leadRows"
KINDS = frozenset({KIND, "leads"})  # what a replica applies


def pack(records: Sequence[LeadRecord]) -> bytes:
    """The blob a feed entry carries for these records."""
    return bson.encode({ROWS: [_row(record) for record in records]})


def unpack(packed: bytes) -> list[LeadRecord]:
    """The records of a blob (rows, or an earlier version's documents); a row that is not
    one is left out."""
    decoded = bson.decode(packed)
    rows = decoded.get(ROWS)
    if rows is None:
        return _from_documents(decoded.get("leads", []))
    found = []
    for row in rows:
        try:
            found.append(_record(row))
        except (TypeError, ValueError, IndexError):
            continue
    return found


def _from_documents(docs: Sequence[Mapping[str, Any]]) -> list[LeadRecord]:
    found = []
    for doc in docs:
        record = record_from_doc(doc)
        if record is not None:
            found.append(record)
    return found


def _row(r: LeadRecord) -> list[Any]:
    return [
        r.lead_id,
        None if r.doc_id is OWN_KEY else [r.doc_id],  # a foreign `_id` may itself be null
        r.owner_id,
        r.name,
        r.email,
        r.company,
        r.email_opens,
        r.website_visits,
        r.time_spent,
        r.last_us,
        r.updated_us,
        r.status,
        r.status_by,
        r.status_us,
        r.outcome,
        r.outcome_us,
        None if r.before is None else list(r.before),
        list(r.batches),
        None if r.set_at is None else list(r.set_at),
        [list(stamp) for stamp in r.stamps],
    ]


def _record(row: Sequence[Any]) -> LeadRecord:
    lead_id, doc_id, owner, name, email, company, opens, visits, seconds = row[:9]
    last_us, updated_us, status, status_by, status_us, outcome, outcome_us = row[9:16]
    before, batches, set_at, stamps = row[16:20]  # a later version may add fields
    if not isinstance(lead_id, str) or not lead_id or not isinstance(updated_us, int):
        raise ValueError("not a row")
    return LeadRecord(
        lead_id=lead_id,
        doc_id=OWN_KEY if doc_id is None else doc_id[0],
        owner_id=_interned(owner),
        name=name,
        email=email,
        company=_interned(company),
        email_opens=opens,
        website_visits=visits,
        time_spent=seconds,
        last_us=_micros(last_us),
        updated_us=int(updated_us),
        status=sys.intern(status),
        status_by=_interned(status_by),
        status_us=_micros(status_us),
        outcome=sys.intern(outcome),
        outcome_us=_micros(outcome_us),
        before=None if before is None else (before[0], before[1], before[2], _micros(before[3])),
        batches=tuple(sys.intern(batch) for batch in batches),
        set_at=None
        if set_at is None
        else shared((_micros(set_at[0]), _micros(set_at[1]), _micros(set_at[2]))),
        stamps=tuple((name, int(at), event) for name, at, event in stamps),
    )


def _micros(value: int | None) -> int | None:
    # BSON's int64 comes back as bson.Int64, an int subclass 16 bytes larger: held for every
    # lead of the index, that was 32 bytes a lead
    return None if value is None else int(value)


def _interned(value: str | None) -> str | None:
    return None if value is None else sys.intern(value)
