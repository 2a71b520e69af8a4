"""Background work of a replica: follow the change feed, pick up other writers, store scores."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from api.services import Services
from auth.service import purge_expired_revocations
from foundation import heap
from foundation.changes import ORIGIN, ChangeEntry, entries_since, payload_of, purge_feed
from models import Tenant
from models.base import utcnow
from scoring import feed_rows
from scoring.writes import records_from_feed
from server.leases import acquire_lease

log = logging.getLogger(__name__)
FEED_OVERLAP = timedelta(seconds=3)
HISTORY_SECONDS = 300.0
HEAP_SECONDS = 30.0  # how often the oldest generation's growth is checked (foundation.heap)
SLOW_JOB_SECONDS = 1.0  # a background job that took longer is logged (INFO) with its duration
STOP_JOBS_S = 5.0  # how long a shutdown waits for the jobs to stop
PENDING_SECONDS = 30.0  # how often markers older than scoring.pending.GRACE are looked for


@dataclass
class FeedFollower:
    """Applies the other replicas' feed entries to this replica's read models."""

    services: Services
    watermark: datetime = field(default_factory=utcnow)
    seen: dict[str, datetime] = field(default_factory=dict)

    async def poll(self) -> int:
        """Apply the entries not seen yet; returns how many."""
        entries = await entries_since(self.watermark - FEED_OVERLAP)
        applied = 0
        for entry in entries:
            if entry.id in self.seen:
                continue
            self.seen[entry.id] = entry.at
            if entry.origin != ORIGIN:
                await self._apply(entry)
                applied += 1
        if entries:
            self.watermark = max(self.watermark, entries[-1].at)
        cutoff = self.watermark - FEED_OVERLAP * 4
        self.seen = {k: at for k, at in self.seen.items() if at >= cutoff}
        return applied

    async def _apply(self, entry: ChangeEntry) -> None:
        scores = self.services.scores
        if entry.kind in feed_rows.KINDS and entry.tenant_id:
            if scores.model.loaded(entry.tenant_id) is None:
                # not in memory here: nothing to apply, and a build reads the database (a 100k
                # import made every replica fetch and decode all of it for nothing)
                return
            payload = await payload_of(entry)
            if payload is None:  # purged before it could be read: rebuild the tenant on next use
                scores.model.forget(entry.tenant_id)
            else:
                scores.model.apply(entry.tenant_id, records_from_feed(payload))
        elif entry.kind == "config" and entry.tenant_id:
            await scores.model.reload_config(entry.tenant_id)
        else:
            self.services.auth.directory.apply(entry.kind, entry.payload)


def _sync(follower: FeedFollower) -> Callable[[], Awaitable[int]]:
    async def sync() -> int:
        # The feed first: the scan skips the moments of the service's writes it knows of, and a
        # write whose entry was not applied yet was read twice, by the scan (then fetched in
        # full: the index did not have it) and by the feed (an import's last ~0.5 s of leads,
        # at every scan of every replica)
        await follower.poll()
        return await follower.services.scores.model.sync_external()

    return sync


async def run_background(services: Services) -> None:
    """Run every periodic job until cancelled; a failing job is logged and tried again."""
    settings = services.settings
    follower = FeedFollower(services)
    jobs = [
        _every(settings.index_poll_seconds, "change feed", follower.poll, back_off=False),
        _every(settings.external_sync_seconds, "external sync", _sync(follower), back_off=False),
        _every(settings.score_freshness_minutes * 60, "reconcile", _reconcile(services)),
        _every(PENDING_SECONDS, "pending events", _pending(services)),
        _every(2.0, "score storage", services.scores.persister.flush_settled),
        _every(60.0, "purge", _purge(services)),
        _every(HISTORY_SECONDS, "score history", _history(services)),
        _every(HISTORY_SECONDS, "history window", services.scores.history.follow),
        _every(HEAP_SECONDS, "heap", heap.settle_if_grown),
    ]
    tasks = [asyncio.create_task(job) for job in jobs]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        # a job that will not stop must not hold the shutdown (the process is exiting anyway)
        _, running = await asyncio.wait(tasks, timeout=STOP_JOBS_S)
        if running:
            log.warning("background jobs still running at shutdown", extra={"jobs": len(running)})


def _cancelling() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def _reconcile(services: Services) -> Callable[[], Awaitable[object]]:
    async def run() -> int:
        return await services.scores.model.sync_external(full=True)

    return run


def _pending(services: Services) -> Callable[[], Awaitable[object]]:
    """Replay event batches a dead process left (their events stored, maybe not applied), one
    replica at a time. It ran with the full reconcile only: events a client's retry had been
    told were stored waited up to 15 minutes to be counted."""

    async def run() -> int:
        if not await acquire_lease("pending-events", timedelta(seconds=PENDING_SECONDS * 0.8)):
            return 0
        return await services.scores.replay_pending()

    return run


def _purge(services: Services) -> Callable[[], Awaitable[object]]:
    async def run() -> None:
        services.auth.directory.purge(utcnow())
        if await acquire_lease("purge", timedelta(seconds=120)):
            await purge_expired_revocations()
            await purge_feed()

    return run


def _history(services: Services) -> Callable[[], Awaitable[object]]:
    async def run() -> int:
        if not await acquire_lease("score-history", timedelta(seconds=HISTORY_SECONDS * 0.8)):
            return 0
        return await record_history(services)

    return run


async def record_history(services: Services, now: datetime | None = None) -> int:
    """Store every tenant's daily points and tier changes, and purge the old ones."""
    history = services.scores.history
    tenants = [doc["_id"] async for doc in Tenant.get_pymongo_collection().find({}, {"_id": 1})]
    stored = await history.record_all(tenants, now)
    await history.purge(services.settings.score_history_days, now)
    return stored


async def _every(
    seconds: float, name: str, job: Callable[[], Awaitable[object]], *, back_off: bool = True
) -> None:
    """Run a job every ``seconds`` (never when 0); after a run that took long, wait 4 times as
    long (``back_off``: jobs whose interval is a promise, such as how soon another replica's
    writes are served, keep their interval). A failed run is tried again after ``seconds``: a
    stalled database made the change feed wait 4 x 14 s after it answered again, and replicas
    disagreed for close to a minute."""
    if seconds <= 0:
        return
    while True:
        started = time.monotonic()
        failed = False
        try:
            await job()
        except asyncio.CancelledError:
            raise
        except Exception:
            if _cancelling():  # the driver turned the cancellation into its own error
                raise asyncio.CancelledError from None
            log.exception("background job failed", extra={"job": name})
            failed = True
        took = time.monotonic() - started
        if took >= SLOW_JOB_SECONDS:  # what an operator needs to tie a latency spike to a job
            log.info("background job took %.1f s", took, extra={"job": name})
        await asyncio.sleep(seconds if failed or not back_off else max(seconds, took * 4))
