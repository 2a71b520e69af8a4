"""Persisting computed scores to `leadScores` for other consumers, behind the read path.

Scores are served from the index; this writes a lead's score document when its data or the model
changed (stamped with the interaction's `updatedAt` it was computed from, as `sourceUpdatedAt`),
inserting new documents and updating existing ones in place. It never deletes.

The background job writes a lead's document once its changes have settled for SETTLE_S: every
change within them is written once, from the lead's latest state. A lead that keeps receiving
events is written every few seconds, not after every event batch that touched it (the score
documents were a tenth to a fifth of the embedded database's work under an event load).
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Iterable
from typing import Any

from pymongo import UpdateOne

from foundation import metrics
from models import LeadScore
from models.base import insert_new, lead_key, utcnow
from scoring.index import to_micros
from scoring.read_model import ReadModel
from scoring.records import score_document

log = logging.getLogger(__name__)
# one command, and one transaction on the embedded FerretDB (README "Database", patch 5)
WRITE_BATCH = 1000
CHUNK = 500  # score documents built and written per step
SETTLE_S = 5.0  # how long the background job lets a lead's changes settle before writing it
BACKGROUND_LIMIT = 5000  # documents one background run writes at most (chunk by chunk)


class ScorePersister:
    """Leads whose stored score is out of date, written in the background."""

    def __init__(self, model: ReadModel) -> None:
        self.model = model
        # tenant → lead → when it was first marked (monotonic): insertion order is oldest first
        self._pending: dict[str, dict[str, float]] = {}
        self._update_first = True  # most of the last chunk existed (see _upsert)

    def mark(self, tenant_id: str, lead_ids: Iterable[str]) -> None:
        """Remember leads whose stored score must be rewritten (a lead already waiting keeps its
        place and its time)."""
        pending = self._pending.setdefault(tenant_id, {})
        now = time.monotonic()
        pending.update({lead_id: now for lead_id in lead_ids if lead_id not in pending})

    def mark_all(self, tenant_id: str) -> None:
        """Every lead of a loaded tenant (after a model change)."""
        index = self.model.loaded(tenant_id)
        if index is not None:
            self.mark(tenant_id, list(index.records))

    @property
    def pending(self) -> int:
        """How many leads wait to be written."""
        return sum(len(ids) for ids in self._pending.values())

    async def flush(self, limit: int = 5000, settled_for: float = 0.0) -> int:
        """Write up to ``limit`` pending score documents, of leads marked at least
        ``settled_for`` seconds ago; returns how many were written."""
        written = 0
        marked_by = time.monotonic() - settled_for
        for tenant_id in list(self._pending):
            pending = self._pending[tenant_id]
            # oldest first: marks only ever append, each with the time of its call
            due = [
                lead_id
                for lead_id, _ in itertools.islice(
                    itertools.takewhile(lambda item: item[1] <= marked_by, pending.items()),
                    limit - written,
                )
            ]
            for start in range(0, len(due), CHUNK):
                # a chunk at a time: building and encoding 5000 documents at once held the
                # event loop for ~150 ms; a lead marked again meanwhile is written again later
                chunk = due[start : start + CHUNK]
                batch = [lid for lid in chunk if pending.pop(lid, None) is not None]
                try:
                    written += await self._write(tenant_id, batch)
                except Exception:
                    self.mark(tenant_id, batch)
                    raise
            if not pending and self._pending.get(tenant_id) is pending:
                del self._pending[tenant_id]
            if written >= limit:
                break
        return written

    async def flush_settled(self) -> int:
        """The background job: write the leads whose changes have settled."""
        return await self.flush(BACKGROUND_LIMIT, settled_for=SETTLE_S)

    async def _write(self, tenant_id: str, lead_ids: list[str]) -> int:
        index = self.model.loaded(tenant_id)
        if index is None or not lead_ids:
            return 0
        effective = self.model.config_of(tenant_id)
        now = utcnow()
        now_us = to_micros(now)
        documents = []
        for lead_id in lead_ids:
            record = index.get(lead_id)
            if record is not None:
                doc = score_document(
                    tenant_id,
                    index.scored(record, now_us, now),  # one datetime for the chunk
                    effective.version,
                    effective.fingerprint,
                )
                documents.append({"_id": lead_key(tenant_id, lead_id), **doc})
        self._update_first = await _upsert(documents, update_first=self._update_first)
        metrics.LEADS_SCORED.inc(len(documents))
        return len(documents)


async def _upsert(documents: list[dict[str, object]], *, update_first: bool = True) -> bool:
    """Update the score documents that exist in place and insert the others.

    After a lead's first score, nearly every write is of a document that exists: one update
    command does it (one transaction on the embedded FerretDB). A chunk of new leads (an import)
    is looked up first and inserted. Inserting blindly is not an option there: FerretDB retries a
    batch that hit a duplicate one document at a time, a transaction each. Returns whether the
    next chunk had better update first (most of this one existed).
    """
    collection = LeadScore.get_pymongo_collection()
    for start in range(0, len(documents), WRITE_BATCH):
        chunk = documents[start : start + WRITE_BATCH]
        if update_first:
            result = await collection.bulk_write([_set(doc) for doc in chunk], ordered=False)
            existed = result.matched_count
            if existed < len(chunk):
                present = await _present(collection, chunk)
                await _insert(collection, [doc for doc in chunk if doc["_id"] not in present])
        else:
            present = await _present(collection, chunk)
            await _insert(collection, [doc for doc in chunk if doc["_id"] not in present])
            existing = [doc for doc in chunk if doc["_id"] in present]
            if existing:
                await collection.bulk_write([_set(doc) for doc in existing], ordered=False)
            existed = len(existing)
        update_first = existed * 2 >= len(chunk)
    return update_first


async def _present(collection: Any, chunk: list[dict[str, object]]) -> set[object]:
    ids = [doc["_id"] for doc in chunk]
    return {doc["_id"] async for doc in collection.find({"_id": {"$in": ids}}, {"_id": 1})}


async def _insert(collection: Any, missing: list[dict[str, object]]) -> None:
    taken = await insert_new(collection, missing)
    if taken:  # another writer created some meanwhile: update those
        await collection.bulk_write([_set(missing[i]) for i in taken], ordered=False)


def _set(doc: dict[str, object]) -> UpdateOne:
    return UpdateOne({"_id": doc["_id"]}, {"$set": {k: v for k, v in doc.items() if k != "_id"}})
