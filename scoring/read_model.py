"""Every loaded tenant's score index, kept current from this replica's writes, the change feed of
the other replicas, and a background watermark scan for the collection's other writers."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from foundation import heap
from models import Interaction, Tenant
from models.base import utcnow
from scoring.changed_leads import WriteStamps, changed_queries
from scoring.config import parsed_model
from scoring.engine import ScoringConfig
from scoring.index import LeadRecord, TenantIndex, to_micros
from scoring.records import record_from_doc

log = logging.getLogger(__name__)
SCAN_SKEW = timedelta(seconds=5)
# documents per reply of a full scan: the driver decodes a reply at once, and a 16 MB reply
# (~40 000 leads) held the event loop for a few hundred ms
SCAN_BATCH = 2000
# A full reconcile reads every lead of every loaded tenant: ~30 s of the database's time at 100k
# on FerretDB, and each reply held the event loop for tens of ms. It reads smaller replies and
# rests after each, working at most RECONCILE_SHARE of its wall time (~2 minutes at 100k, well
# inside the freshness window it has): the default page's p95 at 200/s rose from 4 to 90 ms
# during an unpaced one.
RECONCILE_BATCH = 500
RECONCILE_SHARE = 0.25
HOLD_BATCH = 500  # lead ids per query when a command's index reads the leads it writes
FOLD_CHUNK = 5000  # leads whose search text is folded per turn of the event loop after a build


@dataclass(frozen=True, slots=True)
class EffectiveConfig:
    """The scoring model in force for a tenant, with its version and fingerprint."""

    config: ScoringConfig
    version: int
    fingerprint: str
    overridden: bool
    applied_at: datetime | None = None  # when it was put in force (unknown before this was kept)
    previous: ScoringConfig | None = None  # the model in force before it (when known)


class ReadModel:
    """The tenants' score indexes: built on first use, then updated in place."""

    def __init__(self, defaults: ScoringConfig) -> None:
        self.defaults = defaults
        self._indexes: dict[str, TenantIndex] = {}
        self._configs: dict[str, EffectiveConfig] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        # per loaded tenant: what its index holds of writes stamped before this (less SCAN_SKEW)
        self._watermarks: dict[str, datetime] = {}
        self.stamps = WriteStamps()  # the moments of the service's own recent writes
        self._folding: set[asyncio.Task[None]] = set()

    def lock(self, tenant_id: str) -> asyncio.Lock:
        """The lock serialising this replica's writes (and index builds) for a tenant."""
        return self._locks.setdefault(tenant_id, asyncio.Lock())

    def loaded(self, tenant_id: str) -> TenantIndex | None:
        """The tenant's index if it is in memory."""
        return self._indexes.get(tenant_id)

    def tenants(self) -> list[str]:
        """The tenants whose index is in memory."""
        return list(self._indexes)

    async def index(self, tenant_id: str) -> TenantIndex:
        """The tenant's index, built from the database on first use; LookupError if no tenant."""
        found = self._indexes.get(tenant_id)
        if found is not None:
            return found
        async with self.lock(tenant_id):
            found = self._indexes.get(tenant_id)
            if found is None:
                found = await self._build(tenant_id)
            return found

    async def hold(self, tenant_id: str, lead_ids: Iterable[str]) -> None:
        """Make sure the tenant's loaded index holds these leads as stored (call under `lock`).

        A full index holds every lead already; see `LeadsOnDemand`.
        """

    async def config(self, tenant_id: str) -> EffectiveConfig:
        """The model in force for the tenant."""
        await self.index(tenant_id)
        return self._configs[tenant_id]

    def config_of(self, tenant_id: str) -> EffectiveConfig:
        """The model of a loaded tenant."""
        return self._configs[tenant_id]

    def last_change(self, tenant_id: str) -> EffectiveConfig | None:
        """A loaded tenant's model in force, if the moment it was applied is known."""
        effective = self._configs.get(tenant_id)
        return effective if effective is not None and effective.applied_at is not None else None

    def effective(self, tenant: Mapping[str, Any]) -> EffectiveConfig:
        """The model a tenant document describes (the defaults unless it overrides them)."""
        override = parsed_model(tenant.get("scoring"))
        if override is None and tenant.get("scoring") is not None:
            log.warning("tenant scoring override unusable; using the defaults")
        config = override or self.defaults
        version = int(tenant.get("configVersion", 1))
        applied = tenant.get("configAppliedAt")
        return EffectiveConfig(
            config,
            version,
            fingerprint(config),
            override is not None,
            applied if isinstance(applied, datetime) else None,
            parsed_model(tenant.get("previousScoring")),
        )

    def apply(self, tenant_id: str, records: Iterable[LeadRecord]) -> None:
        """Put another replica's written records into a loaded index (no-op for tenants not in
        memory), except where the index holds a later write of the lead: when two replicas
        write one lead, this one's own later write (which read the other's) is not undone by the
        other's entry arriving after it (counts went back for a moment, 186 times in 1 720
        reads of a two-replica test). Stamps come from each writer's clock: one running behind
        may see its write skipped here, until the external sync reads it (seconds)."""
        index = self._indexes.get(tenant_id)
        if index is None:
            return
        records = list(records)
        self.stamps.note(tenant_id, records)  # the external sync does not read them again
        newer = [r for r in records if not _older(r, index.get(r.lead_id))]
        if newer:
            index.upsert(newer)
            index.take_writes(to_micros(utcnow()))

    async def reload_config(self, tenant_id: str) -> EffectiveConfig | None:
        """Read the tenant's model again and re-derive its index under it."""
        index = self._indexes.get(tenant_id)
        if index is None:
            return None
        tenant = await Tenant.get_pymongo_collection().find_one({"_id": tenant_id})
        if tenant is None:
            return None
        effective = self.effective(tenant)
        if effective != self._configs.get(tenant_id):
            self._configs[tenant_id] = effective
            index.set_config(effective.config, to_micros(utcnow()))  # sorted, ready to read
        return effective

    def forget(self, tenant_id: str) -> None:
        """Drop a tenant's index (rebuilt on next use)."""
        self._indexes.pop(tenant_id, None)
        self._configs.pop(tenant_id, None)
        self._watermarks.pop(tenant_id, None)

    async def sync_external(self, *, full: bool = False) -> int:
        """Pick up writes of other systems: documents updated since the last scan (all if full)."""
        if not self._indexes:
            return 0
        started = utcnow()
        tenants = list(self._indexes)
        if full:
            seen: dict[str, set[str]] = {}
            everything = {"tenantId": {"$in": tenants}}
            changed = await self._take_in(everything, to_micros(started), seen, paced=True)
            changed += self._drop_missing(seen, to_micros(started))
        else:
            # one query per watermark: a tenant loaded since the last sync has its own (its build
            # read it whole; reading it again from an older mark cost ~8 s at 100k leads)
            marks: dict[datetime | None, list[str]] = {}
            for tenant_id in tenants:
                marks.setdefault(self._watermarks.get(tenant_id), []).append(tenant_id)
            changed = 0
            for mark, ids in marks.items():
                query: dict[str, Any] = {"tenantId": ids[0] if len(ids) == 1 else {"$in": ids}}
                if mark is not None:
                    query["updatedAt"] = {"$gt": mark - SCAN_SKEW}
                moments = (
                    None if mark is None else self.stamps.after(ids, to_micros(mark - SCAN_SKEW))
                )
                for part in await changed_queries(query, self._indexes, SCAN_BATCH, moments):
                    changed += await self._take_in(part, to_micros(started))
        for tenant_id in tenants:  # a paced reconcile takes minutes: a sync meanwhile read further
            if tenant_id in self._indexes:
                self._watermarks[tenant_id] = max(self._watermarks.get(tenant_id, started), started)
        return changed

    def _drop_missing(self, seen: dict[str, set[str]], started_us: int) -> int:
        dropped = 0
        for tenant_id, index in self._indexes.items():
            present = seen.get(tenant_id, set())
            gone = [
                r.lead_id
                for r in index.records.values()
                if r.lead_id not in present and r.updated_us < started_us
            ]
            if gone:
                index.remove(gone)
                dropped += len(gone)
        return dropped

    async def _empty_index(self, tenant_id: str) -> TenantIndex:
        """A new index under the tenant's model (kept as the tenant's model); LookupError if no
        tenant."""
        tenant = await Tenant.get_pymongo_collection().find_one({"_id": tenant_id})
        if tenant is None:
            raise LookupError(tenant_id)
        effective = self.effective(tenant)
        self._configs[tenant_id] = effective
        return TenantIndex(tenant_id, effective.config)

    async def _build(self, tenant_id: str) -> TenantIndex:
        index = await self._empty_index(tenant_id)
        started = utcnow()
        cursor = Interaction.get_pymongo_collection().find(
            {"tenantId": tenant_id}, batch_size=SCAN_BATCH
        )
        records = [record async for doc in cursor if (record := record_from_doc(doc))]
        index.upsert(records)
        self._indexes[tenant_id] = index
        self._watermarks[tenant_id] = started  # the scan and catch-up cover what came before
        caught = await self._catch_up(tenant_id, index, started)
        log.info(
            "score index built",
            extra={"tenant_id": tenant_id, "leads": len(index), "caught_up": caught},
        )
        heap.settle("score index")
        folding = asyncio.create_task(_fold_search_text(list(index.records.values())))
        self._folding.add(folding)
        folding.add_done_callback(self._folding.discard)
        return index

    async def _catch_up(self, tenant_id: str, index: TenantIndex, since: datetime) -> int:
        """Take in what was written while the build scanned; returns how many records changed.

        A scan of a big tenant takes seconds to minutes, and writes made meanwhile — by another
        process such as `leadscore import`, or announced on the feed before the index existed —
        reach neither the scan nor the feed follower, and the external sync only looks back from
        its own watermark. Once the index is registered, everything later arrives the usual ways;
        this reads the documents stamped since the scan began, once.
        """
        query = {"tenantId": tenant_id, "updatedAt": {"$gt": since - SCAN_SKEW}}
        return await self._take_in(query, to_micros(utcnow()))

    async def _take_in(
        self,
        query: dict[str, Any],
        started_us: int,
        seen: dict[str, set[str]] | None = None,
        *,
        paced: bool = False,
    ) -> int:
        """Put the documents found into their loaded indexes where they differ; how many did.

        A record is replaced only when the database shows a newer or different state than the
        index and the index's copy is older than `started_us` (this replica's own writes are
        newer). `seen` collects the lead ids found, per tenant. `paced`: read as a full
        reconcile does (RECONCILE_BATCH, RECONCILE_SHARE).
        """
        changed = 0
        batch = RECONCILE_BATCH if paced else SCAN_BATCH
        cursor = Interaction.get_pymongo_collection().find(query, batch_size=batch)
        read = 0
        working_since = time.perf_counter()
        async for doc in cursor:
            read += 1
            if paced and read % batch == 0:
                working_since = await _rest(working_since)
            tenant_id = doc.get("tenantId")
            index = self._indexes.get(tenant_id) if isinstance(tenant_id, str) else None
            record = record_from_doc(doc)
            if index is None or record is None or not isinstance(tenant_id, str):
                continue
            if seen is not None:
                seen.setdefault(tenant_id, set()).add(record.lead_id)
            if _differs(index.get(record.lead_id), record, started_us):
                index.upsert([record])
                index.take_writes(to_micros(utcnow()))
                changed += 1
        return changed


class LeadsOnDemand(ReadModel):
    """A read model for a command that writes some leads of a tenant (`leadscore import`).

    Its index of a tenant holds only the leads the command names, read by id the first time
    (`hold`), instead of every lead: a full build reads the whole tenant, 25-50 s at 100k leads
    on FerretDB, which an import of ten rows into a big tenant paid before writing anything.
    Pages, totals and owners of such an index are not the tenant's: it serves writes only.
    """

    def __init__(self, defaults: ScoringConfig) -> None:
        super().__init__(defaults)
        self._held: dict[str, set[str]] = {}
        self._empty_at_start: dict[str, bool] = {}

    async def _build(self, tenant_id: str) -> TenantIndex:
        index = await self._empty_index(tenant_id)
        self._indexes[tenant_id] = index
        self._held[tenant_id] = set()
        any_lead = await Interaction.get_pymongo_collection().find_one(
            {"tenantId": tenant_id}, {"_id": 1}
        )
        self._empty_at_start[tenant_id] = any_lead is None
        return index

    async def hold(self, tenant_id: str, lead_ids: Iterable[str]) -> None:
        if self._empty_at_start[tenant_id]:
            return  # nothing to read (a lead another writer adds meanwhile is met on insert)
        index = self._indexes[tenant_id]
        held = self._held[tenant_id]
        wanted = [lead_id for lead_id in dict.fromkeys(lead_ids) if lead_id not in held]
        collection = Interaction.get_pymongo_collection()
        for start in range(0, len(wanted), HOLD_BATCH):
            chunk = wanted[start : start + HOLD_BATCH]
            cursor = collection.find({"tenantId": tenant_id, "leadId": {"$in": chunk}})
            index.upsert([record async for doc in cursor if (record := record_from_doc(doc))])
            held.update(chunk)


async def _fold_search_text(records: list[LeadRecord]) -> None:
    """Fold the leads' search text ahead of the first search, a chunk per turn of the event
    loop: that search folded them all at once (0.2 to 0.5 s at 100k leads, in each worker)."""
    for start in range(0, len(records), FOLD_CHUNK):
        for record in records[start : start + FOLD_CHUNK]:
            record.search_text()
        await asyncio.sleep(0)


async def _rest(working_since: float) -> float:
    """Sleep so that the work since ``working_since`` was RECONCILE_SHARE of the time; returns
    when the work starts again."""
    worked = time.perf_counter() - working_since
    await asyncio.sleep(worked * (1 - RECONCILE_SHARE) / RECONCILE_SHARE)
    return time.perf_counter()


def _older(record: LeadRecord, current: LeadRecord | None) -> bool:
    return current is not None and record.updated_us < current.updated_us


def _differs(current: LeadRecord | None, found: LeadRecord, started_us: int) -> bool:
    if current is None:
        return True
    if current.updated_us >= started_us:
        return False
    if found.updated_us > current.updated_us:
        return True
    return _values(current) != _values(found)


def _values(record: LeadRecord) -> tuple[Any, ...]:
    return (
        record.owner_id,
        record.name,
        record.email,
        record.company,
        record.email_opens,
        record.website_visits,
        record.time_spent,
        record.last_us,
        record.status,
        record.status_by,
        record.status_us,
        record.outcome,
        record.outcome_us,
        record.before,
    )


def fingerprint(config: ScoringConfig) -> str:
    """A short digest of a model's parameters (changing the defaults changes it)."""
    text = repr(
        (
            config.weights,
            config.caps,
            config.half_life_days,
            config.hot_threshold,
            config.warm_threshold,
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]
