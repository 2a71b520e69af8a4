"""Scores as the API serves them: fresh, recomputed when stale, paged, cached, explained."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import DESCENDING, UpdateOne
from pymongo.errors import BulkWriteError

from foundation import metrics
from models import Interaction, LeadScore, ScoringOverride, Tenant, User
from models.base import lead_key, utcnow
from scoring.engine import Counts, ScoreResult, ScoringConfig, score_leads
from scoring.ingest import FieldError, InteractionRecord, validate_interaction

log = logging.getLogger(__name__)

SORTS: dict[str, list[tuple[str, int]]] = {
    "score:desc": [("score", DESCENDING), ("lastActivityAt", DESCENDING), ("leadId", 1)],
    "lastActivityAt:desc": [("lastActivityAt", DESCENDING), ("score", DESCENDING), ("leadId", 1)],
}
PRIORITIES = ("hot", "warm", "cold")
BATCH = 500
# FerretDB v1.24.2 keeps one SQLite query open per statement of an `update` command until the
# command ends (msg_update.go defers each iterator's close inside its loop); past ~100 statements
# matching existing documents the connection pool runs dry and the database deadlocks. Every
# bulk write is therefore sent in commands of at most WRITE_BATCH operations.
WRITE_BATCH = 50
DUPLICATE_KEY = 11000
_STAMP_FIELDS = {"_id": 0, "leadId": 1, "computedAt": 1, "configVersion": 1, "configFingerprint": 1}
_RAW_FIELDS = {
    "_id": 0,
    "leadId": 1,
    "leadEmail": 1,
    "emailOpens": 1,
    "websiteVisits": 1,
    "timeSpent": 1,
}


@dataclass(frozen=True, slots=True)
class LeadFilter:
    """Which of a tenant's leads a query wants."""

    min_score: float | None = None
    owner_id: str | None = None
    priority: str | None = None

    def mongo(self, tenant_id: str) -> dict[str, Any]:
        query: dict[str, Any] = {"tenantId": tenant_id}
        if self.owner_id is not None:
            query["ownerId"] = self.owner_id
        if self.min_score is not None:
            query["score"] = {"$gte": self.min_score}
        if self.priority is not None:
            query["priority"] = self.priority
        return query

    def key(self) -> str:
        return f"{self.min_score}|{self.owner_id}|{self.priority}"


@dataclass(frozen=True, slots=True)
class PageQuery:
    """A page request, already validated."""

    filter: LeadFilter = field(default_factory=LeadFilter)
    sort: str = "score:desc"
    page: int = 1
    limit: int = 50
    refresh: bool = False
    include_raw: bool = False


@dataclass(frozen=True, slots=True)
class EffectiveConfig:
    """The scoring model in force for a tenant, with its version and fingerprint."""

    config: ScoringConfig
    version: int
    fingerprint: str
    overridden: bool


@dataclass(slots=True)
class LeadPage:
    """One page of scored leads (as stored documents) and how it was produced."""

    items: list[dict[str, Any]]
    total: int
    page: int
    limit: int
    refreshed: bool
    stale: bool

    @property
    def has_next_page(self) -> bool:
        return self.page * self.limit < self.total


@dataclass(slots=True)
class IngestResult:
    """How many records were stored, and what was wrong with the others (by index)."""

    accepted: int
    errors: list[tuple[int, FieldError]]


@dataclass(slots=True)
class Distribution:
    """Lead counts per 10-point band and per priority."""

    bands: list[int]
    priorities: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.bands)


class ScoreService:
    """Every score read and write of the service, for REST and GraphQL alike."""

    def __init__(
        self,
        defaults: ScoringConfig,
        cache: Any,
        *,
        freshness: timedelta,
        latency_budget: timedelta,
        cache_ttl: int = 60,
    ) -> None:
        self.defaults = defaults
        self.cache = cache
        self.freshness = freshness
        self.latency_budget = latency_budget
        self.cache_ttl = cache_ttl
        self._locks: dict[str, asyncio.Lock] = {}
        self._background: set[asyncio.Task[int]] = set()

    async def tenant(self, tenant_id: str) -> Tenant:
        """The tenant document (read each time: other replicas may have changed it)."""
        tenant = await Tenant.find_one({"_id": tenant_id})
        if tenant is None:
            raise LookupError(tenant_id)
        return tenant

    def effective_config(self, tenant: Tenant) -> EffectiveConfig:
        """The tenant's own model if it has one, else the environment defaults."""
        if tenant.scoring is None:
            config = self.defaults
        else:
            override = tenant.scoring
            config = ScoringConfig(
                weights=override.weights,
                caps=override.caps,
                half_life_days=override.half_life_days,
                hot_threshold=override.hot_threshold,
                warm_threshold=override.warm_threshold,
            )
        return EffectiveConfig(
            config, tenant.config_version, _fingerprint(config), tenant.scoring is not None
        )

    async def page(self, tenant_id: str, query: PageQuery, now: datetime | None = None) -> LeadPage:
        """A page of the tenant's scores, fresh unless recomputing would exceed the budget."""
        tenant = await self.tenant(tenant_id)
        recomputed, pending = await self.ensure_fresh(tenant, now, force=query.refresh)
        tenant = await self.tenant(tenant_id) if recomputed else tenant
        items, total = await self._cached_page(tenant, query)
        return LeadPage(
            items=items,
            total=total,
            page=query.page,
            limit=query.limit,
            refreshed=recomputed > 0 or query.refresh,
            stale=pending,
        )

    async def lead(
        self, tenant_id: str, lead_id: str, now: datetime | None = None
    ) -> dict[str, Any] | None:
        """One lead's score document, recomputed first when stale; None if unknown."""
        detail = await self.lead_detail(tenant_id, lead_id, now)
        return None if detail is None else detail[0]

    async def lead_detail(
        self, tenant_id: str, lead_id: str, now: datetime | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(score, interaction) documents of one lead, the score fresh; None if unknown."""
        tenant = await self.tenant(tenant_id)
        effective = self.effective_config(tenant)
        moment = now or utcnow()
        key = lead_key(tenant_id, lead_id)
        interaction = await _interactions().find_one({"_id": key})
        if interaction is None:
            return None
        score = await _scores().find_one({"_id": key})
        updated = interaction.get("updatedAt")
        if score is None or not self._is_fresh(score, updated, effective, moment):
            await self._write_scores(tenant_id, [interaction], effective, moment)
            score = await _scores().find_one({"_id": key})
        return (score, interaction) if score is not None else None

    async def raw_interactions(
        self, tenant_id: str, lead_ids: Sequence[str]
    ) -> dict[str, dict[str, Any]]:
        """Interaction counts (and email) of the given leads, keyed by leadId, one query."""
        if not lead_ids:
            return {}
        cursor = _interactions().find(
            {"tenantId": tenant_id, "leadId": {"$in": list(lead_ids)}}, _RAW_FIELDS
        )
        return {doc["leadId"]: doc async for doc in cursor}

    async def refresh(
        self, tenant_id: str, lead_ids: Sequence[str] | None = None, now: datetime | None = None
    ) -> int:
        """Recompute the given leads (all when None) now; returns how many were scored."""
        tenant = await self.tenant(tenant_id)
        effective = self.effective_config(tenant)
        query: dict[str, Any] = {"tenantId": tenant_id}
        if lead_ids is not None:
            query["leadId"] = {"$in": list(lead_ids)}
        return await self._recompute(tenant_id, query, effective, now or utcnow())

    async def ensure_fresh(
        self,
        tenant: Tenant,
        now: datetime | None = None,
        *,
        force: bool = False,
        early: timedelta = timedelta(0),
    ) -> tuple[int, bool]:
        """Recompute the tenant's stale or missing scores; returns (recomputed, still pending)."""
        moment = now or utcnow()
        effective = self.effective_config(tenant)
        memo_key = f"fresh:{tenant.tenant_id}"
        stamp = [tenant.data_version, effective.version, effective.fingerprint]
        memo = await self.cache.get(memo_key)
        if not (force or early) and _memo_holds(memo, stamp, moment):
            metrics.FRESHNESS_CHECKS.labels("memo").inc()
            return 0, False
        async with self._lock(tenant.tenant_id):
            return await self._refresh_stale(tenant, effective, moment, force, early, stamp)

    async def _refresh_stale(
        self,
        tenant: Tenant,
        effective: EffectiveConfig,
        moment: datetime,
        force: bool,
        early: timedelta,
        stamp: list[Any],
    ) -> tuple[int, bool]:
        stale_ids, oldest = await self._stale_lead_ids(tenant.tenant_id, effective, moment, early)
        metrics.FRESHNESS_CHECKS.labels("scan").inc()
        query: dict[str, Any] = {"tenantId": tenant.tenant_id}
        if not force:
            if not stale_ids:
                await self._remember_fresh(tenant.tenant_id, stamp, oldest)
                return 0, False
            query["leadId"] = {"$in": stale_ids}
        count = len(stale_ids) if not force else None
        work = asyncio.create_task(self._recompute(tenant.tenant_id, query, effective, moment))
        done, _ = await asyncio.wait({work}, timeout=self._budget_seconds())
        if not done:
            self._background.add(work)
            work.add_done_callback(self._background.discard)
            metrics.STALE_SERVED.inc()
            log.info("recompute over budget; serving stored scores marked stale")
            return count or 1, True
        recomputed = work.result()
        await self._remember_fresh(tenant.tenant_id, stamp, min(oldest, moment))
        return recomputed, False

    async def _remember_fresh(self, tenant_id: str, stamp: list[Any], oldest: datetime) -> None:
        fresh_until = oldest + self.freshness
        ttl = int((fresh_until - utcnow()).total_seconds())
        if ttl > 0:
            await self.cache.set(
                f"fresh:{tenant_id}", [*stamp, fresh_until.timestamp()], ttl=min(ttl, 3600)
            )

    async def _stale_lead_ids(
        self, tenant_id: str, effective: EffectiveConfig, moment: datetime, early: timedelta
    ) -> tuple[list[str], datetime]:
        scores = {
            doc["leadId"]: doc
            async for doc in _scores().find({"tenantId": tenant_id}, _STAMP_FIELDS)
        }
        stale: list[str] = []
        oldest = moment
        check_at = moment + early
        cursor = _interactions().find(
            {"tenantId": tenant_id}, {"_id": 0, "leadId": 1, "updatedAt": 1}
        )
        async for doc in cursor:
            score = scores.get(doc["leadId"])
            if score is None or not self._is_fresh(
                score, doc.get("updatedAt"), effective, check_at
            ):
                stale.append(doc["leadId"])
            else:
                oldest = min(oldest, score["computedAt"])
        return stale, oldest

    def _is_fresh(
        self,
        score: Mapping[str, Any],
        updated_at: datetime | None,
        effective: EffectiveConfig,
        moment: datetime,
    ) -> bool:
        computed = score.get("computedAt")
        return (
            computed is not None
            and computed >= moment - self.freshness
            and (updated_at is None or computed >= updated_at)
            and score.get("configVersion") == effective.version
            and score.get("configFingerprint") == effective.fingerprint
        )

    async def _recompute(
        self, tenant_id: str, query: dict[str, Any], effective: EffectiveConfig, moment: datetime
    ) -> int:
        total = 0
        batch: list[dict[str, Any]] = []
        async for doc in _interactions().find(query, {"_id": 0}):
            batch.append(doc)
            if len(batch) >= BATCH:
                total += await self._write_scores(tenant_id, batch, effective, moment)
                batch = []
        if batch:
            total += await self._write_scores(tenant_id, batch, effective, moment)
        return total

    async def _write_scores(
        self,
        tenant_id: str,
        interactions: list[dict[str, Any]],
        effective: EffectiveConfig,
        moment: datetime,
    ) -> int:
        results = score_leads((_counts(doc) for doc in interactions), effective.config, moment)
        computed_at = utcnow()
        documents = {
            lead_key(tenant_id, doc["leadId"]): _score_document(
                tenant_id, doc, result, effective, computed_at
            )
            for doc, result in zip(interactions, results, strict=True)
        }
        await write_documents(_scores(), documents)
        await Tenant.get_pymongo_collection().update_one(
            {"_id": tenant_id}, {"$inc": {"scoresVersion": 1}}
        )
        metrics.LEADS_SCORED.inc(len(documents))
        return len(documents)

    async def _cached_page(
        self, tenant: Tenant, query: PageQuery
    ) -> tuple[list[dict[str, Any]], int]:
        key = (
            f"page:{tenant.tenant_id}:{tenant.scores_version}:{query.sort}:{query.page}:{query.limit}:"
            f"{query.filter.key()}"
        )
        cached = await self.cache.get(key)
        if cached is not None:
            metrics.PAGE_CACHE.labels("hit").inc()
            return cached[0], cached[1]
        metrics.PAGE_CACHE.labels("miss").inc()
        mongo_filter = query.filter.mongo(tenant.tenant_id)
        cursor = (
            _scores()
            .find(mongo_filter, {"_id": 0})
            .sort(SORTS[query.sort])
            .skip((query.page - 1) * query.limit)
            .limit(query.limit)
        )
        items = [doc async for doc in cursor]
        total = await _scores().count_documents(mongo_filter)
        await self.cache.set(key, [items, total], ttl=self.cache_ttl)
        return items, total

    async def distribution(self, tenant_id: str, lead_filter: LeadFilter) -> Distribution:
        """Counts per 10-point band and per priority of the tenant's current scores."""
        tenant = await self.tenant(tenant_id)
        await self.ensure_fresh(tenant)
        match = lead_filter.mongo(tenant_id)
        bands = [0] * 10
        async for row in await _scores().aggregate(
            [{"$match": match}, {"$group": {"_id": "$band", "count": {"$sum": 1}}}]
        ):
            bands[min(max(int(row["_id"] or 0), 0), 9)] += int(row["count"])
        priorities = dict.fromkeys(PRIORITIES, 0)
        async for row in await _scores().aggregate(
            [{"$match": match}, {"$group": {"_id": "$priority", "count": {"$sum": 1}}}]
        ):
            priorities[str(row["_id"])] = int(row["count"])
        return Distribution(bands, priorities)

    async def preview(self, tenant_id: str, config: ScoringConfig) -> Distribution:
        """What the tenant's distribution would be under another model (nothing is written)."""
        moment = utcnow()
        bands = [0] * 10
        priorities = dict.fromkeys(PRIORITIES, 0)
        batch: list[dict[str, Any]] = []
        async for doc in _interactions().find({"tenantId": tenant_id}, {"_id": 0}):
            batch.append(doc)
        for result in score_leads((_counts(doc) for doc in batch), config, moment):
            bands[band_of(result.score)] += 1
            priorities[result.priority] += 1
        return Distribution(bands, priorities)

    async def record_interactions(
        self, tenant_id: str, records: Iterable[Mapping[str, Any]]
    ) -> IngestResult:
        """Validate each record; upsert the valid ones and mark their scores stale."""
        valid: list[InteractionRecord] = []
        errors: list[tuple[int, FieldError]] = []
        for index, raw in enumerate(records):
            outcome = validate_interaction(raw)
            if isinstance(outcome, InteractionRecord):
                valid.append(outcome)
            else:
                errors.extend((index, error) for error in outcome)
        await self.upsert_interactions(tenant_id, valid)
        return IngestResult(accepted=len(valid), errors=errors)

    async def upsert_interactions(
        self, tenant_id: str, records: Sequence[InteractionRecord]
    ) -> int:
        """Write validated records (last one wins per lead) and bump the tenant's data version."""
        if not records:
            return 0
        now = utcnow()
        documents = {
            lead_key(tenant_id, record.lead_id): {
                **record.values,
                "tenantId": tenant_id,
                "updatedAt": now,
            }
            for record in records
        }
        await write_documents(_interactions(), documents, on_insert={"createdAt": now})
        await Tenant.get_pymongo_collection().update_one(
            {"_id": tenant_id}, {"$inc": {"dataVersion": 1}}
        )
        return len(documents)

    async def owners(self, tenant_id: str) -> list[tuple[str, str]]:
        """(userId, name) of everyone who owns leads in the tenant, by name."""
        values = await _interactions().distinct("ownerId", {"tenantId": tenant_id})
        owner_ids = [v for v in values if isinstance(v, str) and v]
        cursor = User.get_pymongo_collection().find(
            {"tenantId": tenant_id, "userId": {"$in": owner_ids}},
            {"_id": 0, "userId": 1, "name": 1},
        )
        names = {doc["userId"]: doc["name"] async for doc in cursor}
        return sorted(((oid, names.get(oid, oid)) for oid in owner_ids), key=lambda o: o[1].lower())

    async def update_config(self, tenant_id: str, config: ScoringConfig) -> EffectiveConfig:
        """Apply a new scoring model for the tenant; its version bump makes every score stale."""
        override = ScoringOverride(
            weights=config.weights,
            caps=config.caps,
            half_life_days=config.half_life_days,
            hot_threshold=config.hot_threshold,
            warm_threshold=config.warm_threshold,
        )
        await Tenant.get_pymongo_collection().update_one(
            {"_id": tenant_id},
            {"$set": {"scoring": override.model_dump(by_alias=True)}, "$inc": {"configVersion": 1}},
        )
        return self.effective_config(await self.tenant(tenant_id))

    async def drain(self) -> None:
        """Wait for background recomputes started by over-budget requests."""
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    def _budget_seconds(self) -> float | None:
        seconds = self.latency_budget.total_seconds()
        return seconds if seconds > 0 else None

    def _lock(self, tenant_id: str) -> asyncio.Lock:
        return self._locks.setdefault(tenant_id, asyncio.Lock())


async def write_documents(
    collection: Any,
    documents: Mapping[str, dict[str, Any]],
    *,
    on_insert: dict[str, Any] | None = None,
) -> None:
    """Upsert whole documents by `_id`, in chunks: existing ones are deleted and re-inserted.

    FerretDB-SQLite evaluates every row of the collection for each `update` statement (there is
    no SQLite index on `_id`), while a chunk's `delete_many` costs one pass and `insert_many`
    almost nothing; so rewriting N documents costs N/BATCH passes instead of N. The fields in
    `on_insert` are set on first insert and carried over on rewrites. A key inserted meanwhile
    by another writer comes back as a duplicate (11000) and is updated instead: idempotent.
    """
    keys = list(documents)
    for start in range(0, len(keys), BATCH):
        chunk = keys[start : start + BATCH]
        kept = await _existing(collection, chunk, list(on_insert or {}))
        if kept:
            await collection.delete_many({"_id": {"$in": list(kept)}})
        rows = [
            {"_id": key, **(on_insert or {}), **kept.get(key, {}), **documents[key]}
            for key in chunk
        ]
        duplicates = await _insert_new(collection, rows)
        updates = [UpdateOne({"_id": k}, {"$set": documents[k]}) for k in duplicates]
        for first in range(0, len(updates), WRITE_BATCH):
            await collection.bulk_write(updates[first : first + WRITE_BATCH], ordered=False)


async def _existing(
    collection: Any, keys: list[str], carried: list[str]
) -> dict[str, dict[str, Any]]:
    """The given keys that exist, with the values of the carried-over fields."""
    projection = {"_id": 1, **dict.fromkeys(carried, 1)}
    cursor = collection.find({"_id": {"$in": keys}}, projection)
    return {doc.pop("_id"): doc async for doc in cursor}


async def _insert_new(collection: Any, documents: list[dict[str, Any]]) -> list[str]:
    """Insert the documents; returns the keys that turned out to exist already."""
    try:
        await collection.insert_many(documents, ordered=False)
    except BulkWriteError as exc:
        failed = exc.details.get("writeErrors", [])
        if any(error.get("code") != DUPLICATE_KEY for error in failed):
            raise
        return [documents[error["index"]]["_id"] for error in failed]
    return []


def _memo_holds(memo: Any, stamp: list[Any], moment: datetime) -> bool:
    """True when a freshness memo was made for this data and config and has not expired."""
    return memo is not None and memo[:3] == stamp and moment < datetime.fromtimestamp(memo[3], UTC)


def band_of(score: float) -> int:
    """The 10-point band (0..9) a score falls in; 100 belongs to the top band."""
    return min(int(score // 10), 9) if score > 0 else 0


def _counts(doc: Mapping[str, Any]) -> Counts:
    return Counts(
        email_opens=_number(doc.get("emailOpens")),
        website_visits=_number(doc.get("websiteVisits")),
        time_spent=_number(doc.get("timeSpent")),
        last_activity_at=doc.get("lastActivityAt"),
    )


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _score_document(
    tenant_id: str,
    interaction: Mapping[str, Any],
    result: ScoreResult,
    effective: EffectiveConfig,
    computed_at: datetime,
) -> dict[str, Any]:
    breakdown = result.breakdown
    return {
        "tenantId": tenant_id,
        "leadId": interaction["leadId"],
        "ownerId": interaction.get("ownerId"),
        "leadName": interaction.get("leadName") or interaction["leadId"],
        "score": result.score,
        "band": band_of(result.score),
        "priority": result.priority,
        "breakdown": {
            "emailOpens": breakdown.email_opens,
            "websiteVisits": breakdown.website_visits,
            "timeSpent": breakdown.time_spent,
            "decayFactor": breakdown.decay_factor,
        },
        "configVersion": effective.version,
        "configFingerprint": effective.fingerprint,
        "computedAt": computed_at,
        "lastActivityAt": interaction.get("lastActivityAt"),
        "hasActivity": _has_activity(interaction),
    }


def _has_activity(interaction: Mapping[str, Any]) -> bool:
    return interaction.get("lastActivityAt") is not None or any(
        _number(interaction.get(name)) > 0 for name in ("emailOpens", "websiteVisits", "timeSpent")
    )


def _fingerprint(config: ScoringConfig) -> str:
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


def _scores() -> Any:
    return LeadScore.get_pymongo_collection()


def _interactions() -> Any:
    return Interaction.get_pymongo_collection()
