"""Scores as the APIs serve them: exact at the moment of the request, from the score index.

REST and GraphQL call these functions; none of the reads sends a database command once the
tenant's index is built. Writes go to the database, then into the index (see scoring.writes).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pymongo

from foundation.changes import publish
from models import Interaction, LeadEvent, Tenant
from models.base import database_answers, utcnow
from scoring.config import stored_model
from scoring.engine import ScoringConfig, decay_at, priority_for, raw_score, score_value
from scoring.events import REPEATED_EVENT, Event, EventResult, deltas, store_events, validate_event
from scoring.history_window import ScoreHistory
from scoring.index import (
    ACTIVITY_DESC,
    PRIORITIES,
    SCORE_DESC,
    IndexQuery,
    ScoredLead,
    TenantIndex,
    from_micros,
    to_micros,
)
from scoring.ingest import FieldError, InteractionRecord, validate_interaction
from scoring.moved_up import moved_up_now
from scoring.pending import (
    GRACE,
    abandon,
    close_batch,
    open_batch,
    open_markers,
    replay_pending,
    settle_stored_elsewhere,
)
from scoring.persist import ScorePersister
from scoring.read_model import EffectiveConfig, ReadModel
from scoring.records import band_of, score_document
from scoring.service_types import Distribution, IngestResult, LeadFilter, LeadPage, PageQuery
from scoring.writes import LeadChange, write_leads

log = logging.getLogger(__name__)
# A write of up to 1000 leads may take seconds on a busy database (FerretDB: ~1-2 ms a lead). It
# gets this budget instead of the client's MONGODB_TIMEOUT_MS socket timeout, which is for
# noticing an unreachable database (server selection still fails after it); a failed batch is
# retried at most every REPLAY_EVERY_S, so retries cannot pile onto a busy database.
WRITE_BUDGET_S = 30.0
REPLAY_EVERY_S = 5.0
SORTS = (SCORE_DESC, ACTIVITY_DESC)
_OPTIONAL = ("leadEmail", "ownerId", "lastActivityAt", "company")

__all__ = [
    "SORTS",
    "Distribution",
    "EffectiveConfig",
    "IngestResult",
    "LeadFilter",
    "LeadPage",
    "PageQuery",
]


class ScoreService:
    """Every score read and write of the service, for REST and GraphQL alike."""

    def __init__(self, defaults: ScoringConfig, model: ReadModel | None = None) -> None:
        self.defaults = defaults
        self.model = model or ReadModel(defaults)
        self.persister = ScorePersister(self.model)
        self.history = ScoreHistory(self.model)
        self._unapplied: dict[str, set[str]] = {}
        self._replay_failed_at: dict[str, float] = {}

    async def index(self, tenant_id: str) -> TenantIndex:
        """The tenant's score index (built on first use, with its recent score history)."""
        index = await self.model.index(tenant_id)
        if self.history.loaded(tenant_id) is None:
            await self.history.window_or_empty(tenant_id)
        return index

    def stamp(self, tenant_id: str) -> tuple[int, ...] | None:
        """What the tenant's answers depend on besides their moment, or None while its index is
        not loaded: any write, model change or new score-history day gives another stamp."""
        index, window = self.model.loaded(tenant_id), self.history.loaded(tenant_id)
        if index is None or window is None:
            return None
        effective = self.model.config_of(tenant_id)
        return (index.version, effective.version, id(window), window.version)

    async def config(self, tenant_id: str) -> EffectiveConfig:
        """The scoring model in force for the tenant."""
        return await self.model.config(tenant_id)

    async def page(self, tenant_id: str, query: PageQuery, now: datetime | None = None) -> LeadPage:
        """A page of the tenant's leads, every score exact at ``now``."""
        index = await self.index(tenant_id)
        if query.refresh:
            await self.refresh(tenant_id)
        now_us = to_micros(now or utcnow())
        offset = (query.page - 1) * query.limit
        index_query = _index_query(query.filter, query.sort, offset, query.limit)
        found = index.page(self._moved(index, query.filter, index_query, now_us), now_us)
        effective = self.model.config_of(tenant_id)
        return LeadPage(
            tenant_id,
            found.items,
            found.total,
            query.page,
            query.limit,
            query.refresh,
            effective.version,
            effective.fingerprint,
        )

    async def lead(
        self, tenant_id: str, lead_id: str, now: datetime | None = None
    ) -> dict[str, Any] | None:
        """One lead's score document (as stored in leadScores), or None if unknown."""
        scored = await self.scored_lead(tenant_id, lead_id, now)
        if scored is None:
            return None
        effective = self.model.config_of(tenant_id)
        return score_document(tenant_id, scored, effective.version, effective.fingerprint)

    async def scored_lead(
        self, tenant_id: str, lead_id: str, now: datetime | None = None
    ) -> ScoredLead | None:
        """One lead with its score exact at ``now``, or None if unknown."""
        index = await self.index(tenant_id)
        record = index.get(lead_id) or index.get(lead_id.strip())  # writes trim ids (QA s19 L3)
        return None if record is None else index.scored(record, to_micros(now or utcnow()))

    async def refresh(self, tenant_id: str, lead_ids: Sequence[str] | None = None) -> int:
        """Queue the given leads' score documents (all when None) to be stored again, computed
        at the moment they are written; returns how many leads that is.

        Served scores need no refresh: each is worked out from the index for the moment it is
        served, and every write updates the index. Deriving the index again from itself changed
        nothing and held the event loop for ~1 s at 100k leads, at every `refresh=true` page.
        """
        index = await self.index(tenant_id)
        if lead_ids is None:
            found = list(index.records)
        else:
            found = [lid for lid in dict.fromkeys(lead_ids) if index.get(lid) is not None]
        self.persister.mark(tenant_id, found)
        return len(found)

    async def count(
        self, tenant_id: str, lead_filter: LeadFilter, now: datetime | None = None
    ) -> int:
        """How many of the tenant's leads match a filter."""
        index = await self.index(tenant_id)
        now_us = to_micros(now or utcnow())
        return index.count(
            self._moved(index, lead_filter, _index_query(lead_filter), now_us), now_us
        )

    async def distribution(
        self, tenant_id: str, lead_filter: LeadFilter, now: datetime | None = None
    ) -> Distribution:
        """Counts per 10-point band and per priority of the tenant's scores at ``now``."""
        index = await self.index(tenant_id)
        now_us = to_micros(now or utcnow())
        query = self._moved(index, lead_filter, _index_query(lead_filter), now_us)
        counted = index.distribution(query, now_us)
        return Distribution(counted.bands, counted.priorities)

    async def preview(self, tenant_id: str, config: ScoringConfig) -> Distribution:
        """What the tenant's distribution would be under another model (nothing is written)."""
        index = await self.index(tenant_id)
        now_us = to_micros(utcnow())
        bands = [0] * 10
        priorities = dict.fromkeys(PRIORITIES, 0)
        for record in index.records.values():
            decay = decay_at(record.last_us, now_us, config.half_life_days)
            score = score_value(raw_score(record.counts(), config), decay)
            bands[band_of(score)] += 1
            priorities[priority_for(score, config)] += 1
        return Distribution(bands, priorities)

    async def record_interactions(
        self, tenant_id: str, records: Iterable[Mapping[str, Any]]
    ) -> IngestResult:
        """Validate each record; write the valid ones (fields not sent are kept)."""
        valid: list[InteractionRecord] = []
        errors: list[tuple[int, FieldError]] = []
        for position, raw in enumerate(records):
            outcome = validate_interaction(raw, partial=True)
            if isinstance(outcome, InteractionRecord):
                valid.append(outcome)
            else:
                errors.extend((position, error) for error in outcome)
        await self.upsert_interactions(tenant_id, valid)
        return IngestResult(accepted=len(valid), errors=errors)

    async def upsert_interactions(
        self, tenant_id: str, records: Sequence[InteractionRecord]
    ) -> int:
        """Write validated records (last one wins per lead); returns how many leads were written."""
        changes = [LeadChange(record.lead_id, _sent(record.values)) for record in records]
        await self.model.index(tenant_id)  # a cold tenant's build is not the write's to pay for
        await database_answers(Interaction.get_pymongo_collection())  # down: 503 now, not in 30 s
        with pymongo.timeout(WRITE_BUDGET_S):
            written = await write_leads(self.model, tenant_id, changes)
        self.persister.mark(tenant_id, [change.lead_id for change in changes])
        return written

    async def record_events(self, tenant_id: str, items: Sequence[Any]) -> EventResult:
        """Store new events (a retried eventId is counted once) and add them to their leads."""
        await self.model.index(tenant_id)  # built outside the write budget (31 s at 100k leads)
        await database_answers(Interaction.get_pymongo_collection())
        with pymongo.timeout(WRITE_BUDGET_S):
            return await self._record_events(tenant_id, items)

    async def _record_events(self, tenant_id: str, items: Sequence[Any]) -> EventResult:
        valid: dict[str, Event] = {}
        errors: list[tuple[int, FieldError]] = []
        repeats = 0  # copies of an event earlier in the batch: duplicates, as a retry would be
        for position, raw in enumerate(items):
            outcome = validate_event(raw)
            if not isinstance(outcome, Event):
                errors.extend((position, error) for error in outcome)
            elif (first := valid.setdefault(outcome.event_id, outcome)) is not outcome:
                if first == outcome:
                    repeats += 1
                else:
                    errors.append((position, FieldError("eventId", REPEATED_EVENT)))
        events = list(valid.values())
        await self._replay_failed_quietly(tenant_id)
        if not events:
            return EventResult(0, repeats, 0, errors)
        batch = await open_batch(tenant_id, events)
        try:  # from here a failure leaves the marker: this process applies it before its next batch
            collection = LeadEvent.get_pymongo_collection()
            stored = await store_events(collection, tenant_id, events, batch)
            new = [e for e in events if e.event_id not in stored]
            changes = await self.apply_events(tenant_id, new, batch)
            await close_batch(batch)
        except Exception:
            # a retry finds the events this batch stored and calls them duplicates: they must
            # not wait for another replica's replay of the marker (minutes)
            self._unapplied.setdefault(tenant_id, set()).add(batch)
            abandon(batch)
            raise
        await settle_stored_elsewhere(tenant_id, stored, batch, self.apply_events, WRITE_BUDGET_S)
        return EventResult(len(new), len(events) - len(new) + repeats, changes, errors)

    async def apply_events(
        self, tenant_id: str, events: Sequence[Event], batch: str | None = None
    ) -> int:
        """Fold stored events into their leads; returns how many leads changed.

        With the batch's id, each lead is stamped with it in the same write, and a lead already
        stamped is skipped: its counts were written before the process died, so a replay of the
        batch never counts them twice.
        """
        found = deltas(events)
        if batch is not None:
            index = await self.model.index(tenant_id)
            stamped: set[str] = set()
            for lead_id in list(found):
                record = index.get(lead_id)
                if record is not None and batch in record.batches:
                    del found[lead_id]
                else:
                    found[lead_id].batch = batch
                    stamped.update(record.batches if record is not None else ())
            stamped.discard(batch)
            closed = frozenset(stamped - await open_markers(stamped))
            for delta in found.values():
                delta.closed = closed
        changes = [LeadChange(lid, {}, delta) for lid, delta in found.items()]
        await write_leads(self.model, tenant_id, changes)
        self.persister.mark(tenant_id, [change.lead_id for change in changes])
        return len(changes)

    async def _replay_failed_quietly(self, tenant_id: str) -> None:
        """Retry this process's failed batches first, but never fail a new batch because of them.

        Sums and maxima do not depend on order, so a new batch may be applied before an older
        one that still cannot be; the older one is kept for the next try (or the reconcile).
        """
        failed_at = self._replay_failed_at.get(tenant_id)
        if failed_at is not None and time.monotonic() - failed_at < REPLAY_EVERY_S:
            return  # it failed moments ago: retries must not pile onto a busy database
        try:
            await self.replay_failed(tenant_id)
        except Exception:
            self._replay_failed_at[tenant_id] = time.monotonic()
            log.warning("failed event batches are still pending; they will be retried")
        else:
            self._replay_failed_at.pop(tenant_id, None)

    async def replay_failed(self, tenant_id: str) -> int:
        """Apply the batches whose lead write failed in this process (before new events)."""
        failed = self._unapplied.pop(tenant_id, set())
        if not failed:
            return 0
        try:
            return await replay_pending(self.apply_events, batch_ids=sorted(failed))
        except Exception:
            self._unapplied.setdefault(tenant_id, set()).update(failed)
            raise

    async def replay_pending(self, older_than: timedelta = GRACE) -> int:
        """Apply every event batch left pending (by a dead process) for longer than a grace."""
        return await replay_pending(self.apply_events, older_than=older_than)

    async def set_status(
        self, tenant_id: str, lead_id: str, status: str, actor_id: str
    ) -> ScoredLead | None:
        """Record a lead's sales status (who set it and when); None if the lead is unknown."""
        index = await self.index(tenant_id)
        if index.get(lead_id) is None:
            return None
        fields = {"status": status, "statusSetBy": actor_id, "statusSetAt": utcnow()}
        await write_leads(self.model, tenant_id, [LeadChange(lead_id, fields)])
        return await self.scored_lead(tenant_id, lead_id)

    async def owners(self, tenant_id: str) -> frozenset[str]:
        """The ids of everyone who owns leads in the tenant."""
        return (await self.index(tenant_id)).owners()

    async def update_config(
        self, tenant_id: str, config: ScoringConfig, expected_version: int
    ) -> EffectiveConfig | None:
        """Apply a model as the version after ``expected_version`` (every score derived under it
        at once); None, with nothing changed, when another was applied meanwhile."""
        await self.index(tenant_id)
        before = self.model.config_of(tenant_id).config  # kept: a trend tells its share
        at = [expected_version, None] if expected_version == 1 else [expected_version]
        change: dict[str, Any] = {"scoring": stored_model(config)}
        change["previousScoring"] = stored_model(before)
        change |= {"configVersion": expected_version + 1, "configAppliedAt": utcnow()}
        result = await Tenant.get_pymongo_collection().update_one(
            {"_id": tenant_id, "configVersion": {"$in": at}},  # a new tenant has none: 1
            {"$set": change},
        )
        if result.matched_count == 0:
            return None
        effective = await self.model.reload_config(tenant_id)
        assert effective is not None
        self.persister.mark_all(tenant_id)
        await publish(tenant_id, "config", {"version": effective.version})
        return effective

    def _moved(
        self, index: TenantIndex, lead_filter: LeadFilter, query: IndexQuery, now_us: int
    ) -> IndexQuery:
        """The query restricted to leads that moved up a tier, when the filter asks for it."""
        window = self.history.loaded(index.tenant_id)
        if lead_filter.moved_up_days is None or window is None:
            return query
        moved = moved_up_now(window, index, lead_filter.moved_up_days, from_micros(now_us))
        return replace(query, lead_ids=moved)

    async def drain(self) -> None:
        """Write every pending score document."""
        while self.persister.pending:
            await self.persister.flush()


def _index_query(
    lead_filter: LeadFilter, sort: str = SCORE_DESC, offset: int = 0, limit: int = 0
) -> IndexQuery:
    return IndexQuery(
        sort=sort,
        offset=offset,
        limit=limit,
        owner_id=lead_filter.owner_id,
        min_score=lead_filter.min_score,
        priority=lead_filter.priority,
        search=lead_filter.search,
        status=lead_filter.status,
        no_activity=lead_filter.no_activity,
        stale_days=lead_filter.stale_days,
    )


def _sent(values: Mapping[str, Any]) -> dict[str, Any]:
    """The fields a record sets: optional ones left empty are kept as they are."""
    return {
        name: value for name, value in values.items() if not (name in _OPTIONAL and value is None)
    }
