"""Recent score history in memory: the last WINDOW days of every lead of a tenant.

Per lead and day: the score as float16 and the tier as uint8 (3 bytes a day, 90 bytes a lead for
30 days), plus the few intra-day tier changes. Loaded from the day documents (by `_id`) when the
tenant's index is first used; trend, sparkline and the "moved up a tier" filter are answered
from it without a database command.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import repeat

import numpy as np
from cachetools import TTLCache
from pymongo.errors import PyMongoError

from foundation import heap
from models.base import utcnow
from scoring.crossing import crossing_moments
from scoring.history import (
    TIERS,
    DayPoints,
    days_back,
    latest_day_tiers,
    purge_history,
    read_days,
    read_new,
    snapshot,
    store_day,
    store_tier_changes,
    tier_code,
)
from scoring.history_points import HistoryPoint, PointIndex, Trend, last_crossing
from scoring.index import from_micros
from scoring.read_model import ReadModel

log = logging.getLogger(__name__)
WINDOW = 30
WINDOW_SPAN = timedelta(days=WINDOW)
MAX_DAYS = 180
OLDER_KEPT = 2  # windows of days before the last WINDOW kept (a 100k tenant's 150 days: 45 MB)
OLDER_SECONDS = 60.0  # for this long (older days change only when purged)
POINTS_MEMO = 4096  # leads whose indexed points a window remembers (then it starts afresh)


@dataclass(slots=True)
class TenantWindow:
    """One tenant's last WINDOW days: rows by lead, columns by day (oldest first)."""

    days: list[date]
    rows: dict[str, int] = field(default_factory=dict)
    scores: np.ndarray = field(default_factory=lambda: np.zeros((0, WINDOW), np.float16))
    tiers: np.ndarray = field(default_factory=lambda: np.zeros((0, WINDOW), np.uint8))
    changes: dict[str, list[HistoryPoint]] = field(default_factory=dict)
    last_tier: dict[str, int] = field(default_factory=dict)
    tier_seq: dict[date, int] = field(default_factory=dict)
    day_at: list[datetime | None] = field(default_factory=lambda: [None] * WINDOW)
    version: int = 0
    complete: bool = True
    _moved: dict[tuple[int, int], frozenset[str]] = field(default_factory=dict)
    _points: dict[str, PointIndex] = field(default_factory=dict)
    _points_version: int = -1

    def __post_init__(self) -> None:
        width = len(self.days)  # WINDOW, or the days beyond it that a longer history reads
        if self.scores.shape[1] != width:
            self.scores = np.zeros((0, width), np.float16)
            self.tiers = np.zeros((0, width), np.uint8)
            self.day_at = [None] * width

    def add(self, points: DayPoints) -> None:
        """Fold stored points into the window."""
        if points.day not in self.days:
            return
        if points.kind == "tier":
            self._add_changes(points)
            return
        column = self.days.index(points.day)
        rows = self._rows_for(points.lead_ids)
        self.scores[rows, column] = points.scores.astype(np.float16)
        self.tiers[rows, column] = points.tiers
        self.day_at[column] = points.at
        self.version += 1

    def has_day(self, day: date) -> bool:
        """Whether the day's snapshot is in the window."""
        return day in self.days and self.day_at[self.days.index(day)] is not None

    def turn(self, today: date) -> None:
        """Shift the window so that it ends with today (older columns drop out)."""
        shift = (today - self.days[-1]).days
        if shift <= 0:
            return
        if shift >= WINDOW:
            self.days = days_back(today, WINDOW)
            self.scores[:] = np.nan
            self.tiers[:] = 0
            self.day_at = [None] * WINDOW
            self.version += 1
            return
        self.days = days_back(today, WINDOW)
        self.scores = np.roll(self.scores, -shift, axis=1)
        self.tiers = np.roll(self.tiers, -shift, axis=1)
        self.scores[:, -shift:] = np.nan
        self.tiers[:, -shift:] = 0
        self.day_at = [*self.day_at[shift:], *([None] * shift)]
        self.version += 1

    def _add_changes(self, points: DayPoints) -> None:
        self.tier_seq[points.day] = self.tier_seq.get(points.day, 0) + 1
        for n, lead_id in enumerate(points.lead_ids):
            tier, score = TIERS[int(points.tiers[n])], round(float(points.scores[n]), 2)
            point = HistoryPoint(points.moment(n), score, tier, "tier")
            self.changes.setdefault(lead_id, []).append(point)
        self.version += 1

    def _rows_for(self, lead_ids: list[str]) -> np.ndarray:
        grow = [lead_id for lead_id in lead_ids if lead_id not in self.rows]
        if grow:
            start = len(self.rows)
            self.rows.update((lead_id, start + n) for n, lead_id in enumerate(grow))
            width = len(self.days)
            self.scores = np.vstack([self.scores, np.full((len(grow), width), np.nan, np.float16)])
            self.tiers = np.vstack([self.tiers, np.zeros((len(grow), width), np.uint8)])
        return np.fromiter(map(self.rows.__getitem__, lead_ids), np.int64, len(lead_ids))

    def points(self, lead_id: str, since: datetime) -> list[HistoryPoint]:
        """The lead's stored points from `since` on, oldest first."""
        return self.indexed(lead_id).since(since)

    def indexed(self, lead_id: str) -> PointIndex:
        """All the lead's points in the window, sorted and indexed; remembered until the window
        changes (a dashboard view asks for 50 leads' sparkline and trend every minute)."""
        if self._points_version != self.version or len(self._points) >= POINTS_MEMO:
            self._points, self._points_version = {}, self.version  # a plain dict: 50 reads a view
        found = self._points.get(lead_id)
        if found is None:
            points = list(self.changes.get(lead_id, []))
            row = self.rows.get(lead_id)
            if row is not None:
                tiers, scores = self.tiers[row].tolist(), self.scores[row].tolist()
                for column in np.flatnonzero(self.tiers[row]).tolist():
                    at = self.day_at[column] or _end_of(self.days[column])
                    points.append(
                        HistoryPoint(at, round(scores[column], 2), TIERS[tiers[column]], "day")
                    )
            points.sort(key=_at)
            found = self._points[lead_id] = PointIndex.of(points)
        return found

    def moved_up(self, days: int, now: datetime) -> frozenset[str]:
        """The leads that crossed into a higher tier in the last `days` days."""
        key = (days, self.version)
        if key not in self._moved:
            self._moved = {key: self._moved_up(now - timedelta(days=days))}
        return self._moved[key]

    def _moved_up(self, since: datetime) -> frozenset[str]:
        prev = np.zeros(len(self.rows), np.uint8)
        crossed = np.full(len(self.rows), -1, np.int64)
        upward = np.zeros(len(self.rows), np.bool_)
        width = len(self.days)
        for column in range(width):
            tier = self.tiers[:, column]
            known = tier > 0
            cross = known & (prev > 0) & (tier != prev)
            crossed[cross] = column
            upward[cross] = tier[cross] > prev[cross]
            prev[known] = tier[known]
        first = next((c for c, day in enumerate(self.days) if _end_of(day) >= since), width)
        by_row = {row: lead_id for lead_id, row in self.rows.items()}
        found = {by_row[int(r)] for r in np.flatnonzero(upward & (crossed >= first))}
        for lead_id in self.changes:
            found.discard(lead_id)
            crossing = last_crossing(self.points(lead_id, since - timedelta(days=WINDOW)))
            if crossing and crossing[0] >= since and _up(crossing):
                found.add(lead_id)
        return frozenset(found)


def _up(crossing: tuple[datetime, str, str]) -> bool:
    return TIERS.index(crossing[2]) > TIERS.index(crossing[1])


def _at(point: HistoryPoint) -> datetime:
    return point.at


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), UTC)


class ScoreHistory:
    """Every tenant's recent history in memory, and the jobs that store and purge points."""

    def __init__(self, model: ReadModel) -> None:
        self.model = model
        self.windows: dict[str, TenantWindow] = {}
        self.purged_on: date | None = None
        self._loading: dict[str, asyncio.Future[TenantWindow]] = {}
        # days before the window, read for every lead at once and shared by the next requests
        self._older: TTLCache[tuple[str, date, int], asyncio.Future[TenantWindow]] = TTLCache(
            maxsize=OLDER_KEPT, ttl=OLDER_SECONDS
        )

    async def window(self, tenant_id: str, now: datetime | None = None) -> TenantWindow:
        """The tenant's window, loaded on first use (kept current by `follow`, not by requests)."""
        current = self.windows.get(tenant_id)
        if current is not None:
            return current
        loading = self._loading.get(tenant_id)
        if loading is None:  # concurrent first uses share one load
            today = (now or utcnow()).date()
            loading = asyncio.ensure_future(self._load(tenant_id, today))
            self._loading[tenant_id] = loading
            loading.add_done_callback(lambda _: self._loading.pop(tenant_id, None))
        return await asyncio.shield(loading)

    async def follow(self, now: datetime | None = None) -> int:
        """Bring every loaded window up to date: turn the day, read the points stored since."""
        today = (now or utcnow()).date()
        read = 0
        for tenant_id, window in list(self.windows.items()):
            if not window.complete or (today - window.days[-1]).days >= WINDOW:
                await self._load(tenant_id, today)
                continue
            window.turn(today)
            for day in window.days[-2:]:
                for points in await read_new(
                    tenant_id, day, window.has_day(day), window.tier_seq.get(day, 0)
                ):
                    window.add(points)
                    read += 1
            self._remember_tiers(window)
        return read

    async def window_or_empty(self, tenant_id: str) -> TenantWindow:
        """The tenant's window; an empty one (completed later by `follow`) if it cannot load."""
        try:
            return await self.window(tenant_id)
        except PyMongoError:
            log.warning("score history not loaded; serving without it for now")
            window = TenantWindow(days_back(utcnow().date(), WINDOW), complete=False)
            self.windows[tenant_id] = window
            return window

    def loaded(self, tenant_id: str) -> TenantWindow | None:
        """The tenant's window if loaded (no database command)."""
        return self.windows.get(tenant_id)

    async def _load(self, tenant_id: str, today: date) -> TenantWindow:
        index = await self.model.index(tenant_id)
        window = TenantWindow(days_back(today, WINDOW))
        for points in await read_days(tenant_id, window.days, len(index)):
            window.add(points)
        self._remember_tiers(window)
        self.windows[tenant_id] = window
        heap.settle("history window")
        return window

    def _remember_tiers(self, window: TenantWindow) -> None:
        """Each lead's latest tier in the window (what a tier change is measured against).

        Vectorised over the daily points (the latest day with a point, per row): a loop over
        100k leads' points held the event loop for seconds at every `follow`. Leads with tier
        changes, few, take the exact path (a change may be later than that day's snapshot).
        """
        window.last_tier.update(latest_day_tiers(window.rows, window.tiers))
        for lead_id in window.changes:
            points = window.points(lead_id, datetime.min.replace(tzinfo=UTC))
            if points:
                window.last_tier[lead_id] = tier_code(points[-1].priority)

    def indexed_in_memory(self, tenant_id: str, lead_id: str, days: int) -> PointIndex | None:
        """The lead's indexed points if the last `days` days are in memory, else None."""
        window = self.windows.get(tenant_id)
        if window is None or days > WINDOW:
            return None
        return window.indexed(lead_id)

    async def points(
        self, tenant_id: str, lead_id: str, days: int, now: datetime
    ) -> list[HistoryPoint]:
        """The lead's points over the last `days` days (beyond the window: read by `_id`)."""
        window = await self.window(tenant_id, now)
        since = now - timedelta(days=days)
        found = window.points(lead_id, since)
        if days > WINDOW:
            older = await self._older_days(tenant_id, now.date() - WINDOW_SPAN, days - WINDOW + 1)
            found = older.points(lead_id, since) + found
        return found

    async def _older_days(self, tenant_id: str, last: date, count: int) -> TenantWindow:
        """The `count` days up to `last` (before the window), for every lead of the tenant.

        Read once and shared: a page of 50 leads asking for 180 days of history read them once
        per lead, 15 s for the 240-lead demo tenant. Concurrent requests share one read; a read
        that failed is not kept.
        """
        key = (tenant_id, last, count)
        found = self._older.get(key)
        if found is None:
            found = asyncio.ensure_future(self._read_older(tenant_id, last, count))
            self._older[key] = found

            def forget_failed(done: asyncio.Future[TenantWindow]) -> None:
                if done.cancelled() or done.exception() is not None:
                    self._older.pop(key, None)

            found.add_done_callback(forget_failed)
        return await asyncio.shield(found)

    async def _read_older(self, tenant_id: str, last: date, count: int) -> TenantWindow:
        older = TenantWindow(days_back(last, count))
        lead_count = len(await self.model.index(tenant_id))
        for stored in await read_days(tenant_id, older.days, lead_count):
            older.add(stored)
        return older

    async def record(self, tenant_id: str, now: datetime | None = None) -> int:
        """Store today's snapshot (once a day) and the tier changes since the last run."""
        now = now or utcnow()
        index = await self.model.index(tenant_id)
        window = await self.window(tenant_id, now)
        window.turn(now.date())
        if now.date() not in window.days:
            window = await self._load(tenant_id, now.date())
        current = snapshot(index, now)
        await asyncio.sleep(0)  # the event loop serves requests between the two halves
        lead_ids, count = current.lead_ids, len(current.lead_ids)
        before = np.fromiter(map(window.last_tier.get, lead_ids, repeat(0)), np.uint8, count)
        moved = np.flatnonzero(before != current.tiers)  # new leads too (before: 0)
        changed = moved[before[moved] != 0].tolist()
        stored = 0
        if changed:
            picked, ids = np.asarray(changed, np.int64), [lead_ids[n] for n in changed]
            model = self.model.last_change(tenant_id)  # a tier change a model made: its time
            applied = None if model is None else model.applied_at
            change = DayPoints(
                now.date(),
                "tier",
                now,
                ids,
                current.scores[picked],
                current.tiers[picked],
                current.counts[picked],
                crossing_moments(index, window, ids, current.tiers[picked], now, applied),
            )
            used = await store_tier_changes(tenant_id, change, window.tier_seq.get(now.date(), 0))
            window.add(change)
            window.tier_seq[now.date()] = used + 1
            stored += len(changed)
        column = window.days.index(now.date())
        if not window.tiers[:, column].any() and await store_day(tenant_id, current):
            window.add(current)
            stored += len(current.lead_ids)
        window.last_tier.update(
            zip([lead_ids[n] for n in moved.tolist()], current.tiers[moved].tolist(), strict=True)
        )
        return stored

    async def record_all(self, tenant_ids: list[str], now: datetime | None = None) -> int:
        """Record every tenant's points; returns how many were stored."""
        total = 0
        for tenant_id in tenant_ids:
            total += await self.record(tenant_id, now)
        return total

    async def purge(self, keep_days: int, now: datetime | None = None) -> int:
        """Delete points older than `keep_days` days (once a day: it scans the collection)."""
        today = (now or utcnow()).date()
        if self.purged_on == today:
            return 0
        self.purged_on = today
        return await purge_history(today - timedelta(days=keep_days))


__all__ = [
    "HistoryPoint",
    "PointIndex",
    "ScoreHistory",
    "TenantWindow",
    "Trend",
    "from_micros",
    "last_crossing",
]
