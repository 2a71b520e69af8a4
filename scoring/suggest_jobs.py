"""The model suggestion as a background job: one fit per tenant and data, shared through the cache.

The fit takes seconds (scoring/suggest.py), so a request only starts it or reads its state:
pending, ready, failed or thin-data. A fit is named by what it was fitted on — a digest of the
closed leads' pre-outcome table and the model in force — and its outcome is put in the cache
(aiocache: this process's memory, or Redis shared by every worker and replica when REDIS_URL is
set): the fitted model's numbers, not the backtest, which is worked out again from them in a
few milliseconds. While a fit runs, the cache says so, so another process asked for the same
data answers `pending` instead of fitting too, and picks the result up from the cache once it
is there. A process that dies mid-fit leaves `pending` for at most PENDING_TTL_S.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

import numpy as np

from models.base import utcnow
from scoring.backtest import SnapshotTable, backtest
from scoring.engine import ScoringConfig
from scoring.suggest import Refusal, Suggestion, explain, suggest_model

log = logging.getLogger(__name__)
PENDING_TTL_S = 300  # a fit takes seconds; one not done by then is taken as lost
RESULT_TTL_S = 7 * 24 * 3600
NAMESPACE = "suggestion"


class SharedCache(Protocol):
    """What the jobs need of the app's cache (api.cache.FailOpenCache never raises)."""

    async def get(self, key: str) -> Any: ...

    async def set(self, key: str, value: Any, ttl: int | None = None) -> None: ...

    async def delete(self, key: str) -> None: ...


@dataclass(slots=True)
class SuggestionJob:
    """One fit: its state, when it started and ended, and its result."""

    key: str
    started_at: datetime
    status: str = "pending"
    finished_at: datetime | None = None
    result: Suggestion | Refusal | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)


def fit_key(tenant_id: str, table: SnapshotTable, fingerprint: str) -> str:
    """The cache key of a fit: the tenant, the model in force and a digest of the closed
    leads' table (the same data gives the same key in every process)."""
    digest = hashlib.sha256(fingerprint.encode())
    # by lead id: each process's index holds the leads in its own order (writes, or a scan)
    order = np.array(sorted(range(len(table.lead_ids)), key=table.lead_ids.__getitem__), np.int64)
    digest.update("\0".join(table.lead_ids[n] for n in order).encode())
    for column in (
        table.counts.email_opens,
        table.counts.website_visits,
        table.counts.time_spent,
        table.counts.last_activity_us,
        table.counts.has_activity,
        table.outcome_us,
        table.converted,
    ):
        digest.update(np.ascontiguousarray(column[order]).tobytes())
    return f"{NAMESPACE}:{tenant_id}:{digest.hexdigest()[:32]}"


class SuggestionJobs:
    """The tenants' suggestion jobs as this process knows them, backed by the shared cache."""

    def __init__(self, cache: SharedCache | None = None) -> None:
        self._jobs: dict[str, SuggestionJob] = {}
        self._cache = cache
        self._keys: dict[str, tuple[tuple[int, str], str]] = {}
        self.fits_started = 0

    def key_for(self, tenant_id: str, version: int, fingerprint: str, table: SnapshotTable) -> str:
        """`fit_key`, worked out once per index version and model (polls come every second)."""
        known = self._keys.get(tenant_id)
        if known is not None and known[0] == (version, fingerprint):
            return known[1]
        key = fit_key(tenant_id, table, fingerprint)
        self._keys[tenant_id] = ((version, fingerprint), key)
        return key

    def get(self, tenant_id: str) -> SuggestionJob | None:
        """The tenant's latest job, or None."""
        return self._jobs.get(tenant_id)

    async def start(
        self, tenant_id: str, key: str, table: SnapshotTable, current: ScoringConfig
    ) -> SuggestionJob:
        """The job for this data: the running one, a finished one (here or in the cache), one
        running elsewhere (pending), or a new fit in a thread."""
        job = self._jobs.get(tenant_id)
        if job is not None and job.task is not None and job.status == "pending":
            return job  # fitting here: one fit at a time per tenant
        if job is not None and job.key == key and job.status not in ("failed", "pending"):
            return job
        shared = await self._shared(key)
        if shared is not None:
            if shared.get("status") == "pending":
                job = SuggestionJob(key=key, started_at=_moment(shared["startedAt"]))
            else:
                job = await asyncio.to_thread(_job_from_cache, key, shared, table, current)
            self._jobs[tenant_id] = job
            return job
        job = SuggestionJob(key=key, started_at=utcnow())
        self._jobs[tenant_id] = job
        self.fits_started += 1
        await self._put(key, {"status": "pending", "startedAt": job.started_at}, PENDING_TTL_S)
        job.task = asyncio.create_task(self._run(job, table, current))
        return job

    async def _run(self, job: SuggestionJob, table: SnapshotTable, current: ScoringConfig) -> None:
        try:
            result = await asyncio.to_thread(suggest_model, table, current)
        except Exception:
            log.exception("model suggestion failed")
            job.status = "failed"
        else:
            job.result = result
            job.status = "ready" if isinstance(result, Suggestion) else "thin-data"
        job.finished_at = utcnow()
        if job.status == "failed":  # not shared: the next request fits again
            if self._cache is not None:
                await self._cache.delete(job.key)
        else:
            await self._put(job.key, _cache_document(job), RESULT_TTL_S)

    async def _shared(self, key: str) -> dict[str, Any] | None:
        if self._cache is None:
            return None
        found = await self._cache.get(key)
        return found if isinstance(found, dict) and "status" in found else None

    async def _put(self, key: str, value: Any, ttl: int) -> None:
        if self._cache is not None:
            await self._cache.set(key, value, ttl=ttl)


def _cache_document(job: SuggestionJob) -> dict[str, Any]:
    """What the cache holds of a finished fit: its numbers, not its backtest."""
    base = {"status": job.status, "startedAt": job.started_at, "finishedAt": job.finished_at}
    result = job.result
    if isinstance(result, Suggestion):
        interval = [result.cv_auc, result.cv_auc_low, result.cv_auc_high]
        return base | {"config": asdict(result.config), "cv": interval}
    assert isinstance(result, Refusal)
    return base | {"refusal": asdict(result)}


def _job_from_cache(
    key: str, shared: dict[str, Any], table: SnapshotTable, current: ScoringConfig
) -> SuggestionJob:
    """A finished fit from the cache, its backtest and explanation worked out again."""
    result: Suggestion | Refusal
    if "refusal" in shared:
        result = Refusal(**shared["refusal"])
    else:
        values = shared["config"]
        proposed = ScoringConfig(
            weights=_three(values["weights"]),
            caps=_three(values["caps"]),
            half_life_days=float(values["half_life_days"]),
            hot_threshold=float(values["hot_threshold"]),
            warm_threshold=float(values["warm_threshold"]),
            version=int(values["version"]),
        )
        auc, low, high = (float(x) for x in shared["cv"])
        tested = backtest(table, current, proposed)
        reasons = explain(proposed, current, tested, (auc, low, high))
        result = Suggestion(proposed, auc, low, high, tested, reasons)
    return SuggestionJob(
        key=key,
        started_at=_moment(shared["startedAt"]),
        status=str(shared["status"]),
        finished_at=_moment(shared.get("finishedAt")) if shared.get("finishedAt") else None,
        result=result,
    )


def _moment(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _three(values: Any) -> tuple[float, float, float]:
    first, second, third = (float(value) for value in values)
    return first, second, third
