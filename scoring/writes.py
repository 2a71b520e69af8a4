"""Writing leads: new documents inserted, existing ones updated field by field (never deleted).

Every write goes to the database first; once acknowledged, the tenant's index is updated at once
and the change is announced on the feed for the other replicas. A lead another writer created
(whatever its `_id`) is found by `{tenantId, leadId}` and updated, never silently skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pymongo import UpdateOne

from foundation.changes import publish
from foundation.errors import ServiceUnavailable
from models import Interaction
from models.base import insert_new, lead_key, utcnow
from scoring import feed_rows
from scoring.attributes import (
    newer_attributes,
    set_at_from_doc,
    set_directly,
    stamps_document,
    stamps_from_doc,
)
from scoring.index import LeadRecord, from_micros, to_micros
from scoring.pre_outcome import before_outcome
from scoring.read_model import ReadModel
from scoring.records import (
    KEPT_BATCHES,
    before_document,
    before_from_doc,
    record_from_doc,
    record_to_doc,
)

log = logging.getLogger(__name__)

# Updates go in commands of up to WRITE_BATCH statements. The embedded FerretDB runs such a
# command of by-`_id` statements as one query and one transaction (README "Database", patch
# 5); unpatched FerretDB v1.24.2 deadlocked on commands of more than ~100 statements (patch 3),
# which is why this was 50. MongoDB takes up to 100 000.
WRITE_BATCH = 1000
CONFLICT_RETRIES = 5  # attempts at adding events to leads that other writers keep changing
FEED_BATCH = 2000  # leads per feed entry (a BSON blob of ~0.6 MB)
_FIELDS = {
    "ownerId": "owner_id",
    "leadName": "name",
    "leadEmail": "email",
    "company": "company",
    "emailOpens": "email_opens",
    "websiteVisits": "website_visits",
    "timeSpent": "time_spent",
    "status": "status",
    "statusSetBy": "status_by",
    "outcome": "outcome",
}
_ENGAGEMENT = {
    "email_open": "emailOpens",
    "website_visit": "websiteVisits",
    "time_spent": "timeSpent",
}
_OUTCOME_OF = {"converted": "won", "lost": "lost"}


class ConcurrentUpdateError(ServiceUnavailable):
    """Other writers kept changing the leads this write adds events to: retry shortly (503)."""

    code = "CONCURRENT_UPDATES"


@dataclass(slots=True)
class EventDelta:
    """What a batch of events adds to one lead: sums, the latest activity, the latest outcome."""

    counts: dict[str, float] = field(default_factory=dict)
    last: datetime | None = None
    outcome: tuple[datetime, str] | None = None
    # attribute → (occurredAt µs, eventId, value) of the latest event in the batch carrying it
    extra: dict[str, tuple[int, str, Any]] = field(default_factory=dict)
    items: list[tuple[datetime, str, float]] = field(default_factory=list)
    batch: str | None = None  # the pending batch the events came in, stamped on the lead
    closed: frozenset[str] = frozenset()  # batches whose markers are gone: their stamps may go

    def add(
        self, kind: str, value: float, at: datetime, extra: Mapping[str, Any], event_id: str = ""
    ) -> None:
        """Count one event (its attributes kept when it is the latest to carry them)."""
        if extra:
            mark = (to_micros(at), event_id)
            for name, carried in extra.items():
                if name not in self.extra or mark > self.extra[name][:2]:
                    self.extra[name] = (*mark, carried)
        if kind in _ENGAGEMENT:
            name = _ENGAGEMENT[kind]
            self.counts[name] = self.counts.get(name, 0) + value
            self.items.append((at, name, value))
            self.last = at if self.last is None else max(self.last, at)
        else:
            candidate = (at, _OUTCOME_OF[kind])
            self.outcome = candidate if self.outcome is None else max(self.outcome, candidate)

    def fields(self, current: LeadRecord | None) -> dict[str, Any]:
        """The absolute values the lead takes once these events are added to it."""
        values, stamps = newer_attributes(current, self.extra)
        if stamps is not None:
            values["attributesAt"] = stamps_document(stamps)
        for name, added in self.counts.items():
            base = 0 if current is None else getattr(current, _FIELDS[name])
            total = base + added
            values[name] = int(total) if float(total).is_integer() else total
        if self.last is not None:
            last_us = None if current is None else current.last_us
            if last_us is None or to_micros(self.last) > last_us:
                values["lastActivityAt"] = self.last
        known = None if current is None else current.outcome_us
        outcome_us, changed = known, False
        if self.outcome is not None:
            at, outcome = self.outcome
            mine = None if current is None else current.outcome
            if known is None or (to_micros(at), outcome) >= (known, mine or ""):
                values["outcome"], values["outcomeAt"] = outcome, at
                outcome_us, changed = to_micros(at), to_micros(at) != known
        if outcome_us is not None and (changed or self.items):
            before = before_outcome(current, self.items, outcome_us, changed)
            values["countsBeforeOutcome"] = before_document(before)
        if self.batch is not None:
            known_batches = () if current is None else current.batches
            kept = [b for b in known_batches if b not in self.closed and b != self.batch]
            values["eventBatches"] = [*kept, self.batch][-KEPT_BATCHES:]
        return values


@dataclass(frozen=True, slots=True)
class LeadChange:
    """The fields a write sets on one lead (wire names); fields not given are kept."""

    lead_id: str
    fields: Mapping[str, Any]
    delta: EventDelta | None = None


async def write_leads(model: ReadModel, tenant_id: str, changes: Sequence[LeadChange]) -> int:
    """Apply the changes (the last one wins per lead); returns how many leads were written."""
    if not changes:
        return 0
    given: dict[str, dict[str, Any]] = {}
    deltas: dict[str, EventDelta] = {}
    for change in changes:
        given.setdefault(change.lead_id, {}).update(change.fields)
        if change.delta is not None:
            deltas[change.lead_id] = change.delta

    def fields_of(lead_id: str, record: LeadRecord | None) -> dict[str, Any]:
        fields = dict(given[lead_id])
        set_directly(record, fields, now)  # the attributes it sends, as of this write
        if lead_id in deltas:
            fields.update(deltas[lead_id].fields(record))
        return fields

    index = await model.index(tenant_id)
    async with model.lock(tenant_id):
        await model.hold(tenant_id, given)
        now = utcnow()
        known = {lead_id: index.get(lead_id) for lead_id in given}
        merged = {lead_id: fields_of(lead_id, record) for lead_id, record in known.items()}
        fresh = [lead_id for lead_id, record in known.items() if record is None]
        inserted, found = await _insert_new(tenant_id, {lid: merged[lid] for lid in fresh}, now)
        for lead_id, record in found.items():
            merged[lead_id] = fields_of(lead_id, record)
        existing = {lid: rec for lid, rec in known.items() if rec is not None} | found
        missing: list[str] = []
        pending, stuck = existing, {}
        for _ in range(CONFLICT_RETRIES):
            gone, changed = await _update_existing(tenant_id, pending, merged, now, deltas)
            missing += gone
            for lead_id, record in changed.items():  # counted again from what is stored now
                existing[lead_id] = record
                merged[lead_id] = fields_of(lead_id, record)
            if not changed:
                break
            pending = changed
        else:
            stuck = pending
        if missing:
            inserted |= (await _insert_new(tenant_id, {lid: merged[lid] for lid in missing}, now))[
                0
            ]
        records = [  # what was written is served at once, even when some leads were not
            inserted[lead_id][0]
            if lead_id in inserted
            else _updated(existing.get(lead_id), tenant_id, lead_id, fields, now)
            for lead_id, fields in merged.items()
            if lead_id not in stuck
        ]
        index.upsert(records)
        index.take_writes(to_micros(now))
        model.stamps.note(tenant_id, records)
    await announce(tenant_id, records)
    if stuck:
        busy = f"{len(stuck)} lead(s) kept changing under this write; retry shortly"
        raise ConcurrentUpdateError(busy, retry_after=1)
    return len(records)


async def announce(tenant_id: str, records: Sequence[LeadRecord]) -> None:
    """Tell the other replicas about written leads.

    The records travel as one BSON blob of rows per entry (scoring/feed_rows.py), not as a list
    of sub-documents: FerretDB converts every nested field of a document it stores, and 500
    leads as sub-documents cost ~120 ms per entry — a third of a CSV import's time. A blob is
    stored as it is.
    """
    for start in range(0, len(records), FEED_BATCH):
        blob = feed_rows.pack(records[start : start + FEED_BATCH])
        await publish(tenant_id, feed_rows.KIND, {"packed": blob})


def records_from_feed(payload: Mapping[str, Any]) -> list[LeadRecord]:
    """The records a feed entry of kind `leads` carries (packed, or listed by older replicas)."""
    packed = payload.get("packed")
    if isinstance(packed, bytes):
        return feed_rows.unpack(packed)
    return [r for doc in payload.get("leads", []) if (r := record_from_doc(doc)) is not None]


Inserted = dict[str, tuple[LeadRecord, dict[str, Any]]]


async def _insert_new(
    tenant_id: str, leads: Mapping[str, Mapping[str, Any]], now: datetime
) -> tuple[Inserted, dict[str, LeadRecord]]:
    """Insert leads as new documents: (the records and documents inserted, by lead id; the
    leads another writer had created meanwhile, as stored)."""
    if not leads:
        return {}, {}
    built = {lead_id: _updated(None, tenant_id, lead_id, f, now) for lead_id, f in leads.items()}
    documents = [
        {"_id": lead_key(tenant_id, lead_id), **record_to_doc(record, tenant_id), "createdAt": now}
        for lead_id, record in built.items()
    ]
    collection = Interaction.get_pymongo_collection()
    taken = [documents[i]["leadId"] for i in await insert_new(collection, documents)]
    inserted = {doc["leadId"]: (built[doc["leadId"]], doc) for doc in documents}
    if not taken:
        return inserted, {}
    for lead_id in taken:
        del inserted[lead_id]
    cursor = collection.find({"tenantId": tenant_id, "leadId": {"$in": taken}})
    return inserted, {r.lead_id: r async for doc in cursor if (r := record_from_doc(doc))}


async def _update_existing(
    tenant_id: str,
    existing: Mapping[str, LeadRecord],
    merged: Mapping[str, Mapping[str, Any]],
    now: datetime,
    deltas: Mapping[str, EventDelta],
) -> tuple[list[str], dict[str, LeadRecord]]:
    """Update the existing documents in place: (leads whose document is gone, leads another
    writer changed first, as stored now).

    Events add to what is stored, so their writes are a compare-and-set: another replica or an
    external writer may have changed the lead since this index last saw it, and writing totals
    computed from the old state would lose their change. The condition is the `updatedAt` and
    the `eventBatches` this index saw (two replicas' event writes can share a millisecond, never
    a batch). Such a lead is returned with its stored state, to be counted again from it.
    """
    operations = []
    for lead_id, record in existing.items():
        query: dict[str, Any] = {"_id": record.document_id(tenant_id)}
        if lead_id in deltas:  # as this index saw it: its time, and its last event batches
            query["$and"] = _as_seen(record)
        update = {"$set": {**_stored(merged[lead_id]), "updatedAt": now}}
        operations.append((lead_id, UpdateOne(query, update)))
    collection = Interaction.get_pymongo_collection()
    missing: list[str] = []
    changed: dict[str, LeadRecord] = {}
    for start in range(0, len(operations), WRITE_BATCH):
        chunk = operations[start : start + WRITE_BATCH]
        result = await collection.bulk_write([op for _, op in chunk], ordered=False)
        if result.matched_count < len(chunk):
            ids = [lead_id for lead_id, _ in chunk]
            gone, moved = await _unmatched(tenant_id, ids, deltas, to_micros(now))
            missing += gone
            changed |= moved
    return missing, changed


def _as_seen(record: LeadRecord) -> list[dict[str, Any]]:
    """The compare-and-set conditions of a lead as this index saw it. A stored `updatedAt` that
    is not a date (an external writer's ISO string: the index reads it as the time it says) or
    an `eventBatches` that is not a list (read as none) would never equal what the index holds,
    and every event for the lead would conflict for ever: such values match as they are."""
    seen_at = from_micros(record.updated_us) if record.updated_us else None
    batches = list(record.batches) if record.batches else []
    not_date = {"updatedAt": {"$not": {"$type": "date"}}}
    not_list = {"eventBatches": {"$not": {"$type": "array"}}}
    return [
        {"$or": [{"updatedAt": seen_at}, not_date]},
        {"$or": [{"eventBatches": batches}, not_list]}
        if not batches
        else {"eventBatches": batches},
    ]


async def _unmatched(
    tenant_id: str, lead_ids: list[str], deltas: Mapping[str, EventDelta], now_us: int
) -> tuple[list[str], dict[str, LeadRecord]]:
    """Of leads some of whose updates matched nothing: those that are gone, and those whose
    events were not applied because the lead had changed (with the stored record)."""
    cursor = Interaction.get_pymongo_collection().find(
        {"tenantId": tenant_id, "leadId": {"$in": lead_ids}}
    )
    stored = {r.lead_id: r async for doc in cursor if (r := record_from_doc(doc))}
    missing = [lead_id for lead_id in lead_ids if lead_id not in stored]
    changed = {
        lead_id: record
        for lead_id, record in stored.items()
        if lead_id in deltas and not _applied(deltas[lead_id], record, now_us)
    }
    return missing, changed


def _applied(delta: EventDelta, stored: LeadRecord, now_us: int) -> bool:
    """Whether the stored lead already holds this write's events: stamped with their batch, or
    (events without one) stamped with this write's time."""
    if delta.batch is not None:
        return delta.batch in stored.batches
    return stored.updated_us == now_us


def _stored(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if name != "leadId"}


def _updated(
    current: LeadRecord | None,
    tenant_id: str,
    lead_id: str,
    fields: Mapping[str, Any],
    now: datetime,
) -> LeadRecord:
    """The record after applying the fields to the current one (or to an empty lead)."""
    record = current or LeadRecord.new(lead_id)
    values: dict[str, Any] = {
        _FIELDS[name]: value for name, value in fields.items() if name in _FIELDS
    }
    if "leadName" in fields and not fields["leadName"]:
        values["name"] = lead_id
    if "lastActivityAt" in fields:
        moment = fields["lastActivityAt"]
        values["last_us"] = None if moment is None else to_micros(moment)
    if "countsBeforeOutcome" in fields:
        values["before"] = before_from_doc(fields["countsBeforeOutcome"])
    if "eventBatches" in fields:
        values["batches"] = tuple(fields["eventBatches"])
    if "attributesAt" in fields:
        values["stamps"] = stamps_from_doc(fields["attributesAt"])
    for name, attribute in (("statusSetAt", "status_us"), ("outcomeAt", "outcome_us")):
        if name in fields:
            moment = fields[name]
            values[attribute] = None if moment is None else to_micros(moment)
    if "attributesSetAt" in fields:
        values["set_at"] = set_at_from_doc(fields["attributesSetAt"])
    return replace(record, **values, updated_us=to_micros(now))
