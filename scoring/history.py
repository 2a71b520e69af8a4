"""Score history on disk: one insert-only document per tenant, day and chunk of leads.

A day's points (score, tier, counts) for up to CHUNK leads are packed as binary arrays in one
document whose `_id` is `tenantId|YYYY-MM-DD|day|n`; tier changes between snapshots are appended
as small documents `tenantId|YYYY-MM-DD|tier|n`. Reads are by `_id` only, so FerretDB never
decodes a collection to answer them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import Any

import numpy as np
from bson import Binary

from models import ScoreHistoryChunk
from models.base import insert_new
from scoring.engine import MICROS_PER_DAY
from scoring.engine_arrays import tier_indices
from scoring.index import TenantIndex, from_micros, to_micros

CHUNK = 5000
MAX_TIER_DOCS = 48
TIERS = ("", "cold", "warm", "hot")
READERS = 4


@dataclass(slots=True)
class DayPoints:
    """Every point of one kind stored for a tenant's day (or one tier-change batch)."""

    day: date
    kind: str
    at: datetime
    lead_ids: list[str]
    scores: np.ndarray
    tiers: np.ndarray
    counts: np.ndarray
    moments: np.ndarray | None = None  # tier changes: each one's moment (µs); else `at`

    def moment(self, n: int) -> datetime:
        """When point `n` happened."""
        return self.at if self.moments is None else from_micros(int(self.moments[n]))


def tier_code(priority: str) -> int:
    """1 cold, 2 warm, 3 hot (0 means no point)."""
    return TIERS.index(priority)


def doc_id(tenant_id: str, day: date, kind: str, n: int) -> str:
    """The `_id` of a tenant's day chunk (kind `day`) or tier-change batch (kind `tier`)."""
    return f"{tenant_id}|{day.isoformat()}|{kind}|{n}"


def pack(tenant_id: str, points: DayPoints, n: int, chunks: int) -> dict[str, Any]:
    """The stored form of one chunk of points."""
    return {
        "_id": doc_id(tenant_id, points.day, points.kind, n),
        "tenantId": tenant_id,
        "day": points.day.isoformat(),
        "kind": points.kind,
        "at": points.at,
        "chunks": chunks,
        "ids": Binary(json.dumps(points.lead_ids, separators=(",", ":")).encode()),
        "score": Binary(np.round(points.scores * 100).astype("<u2").tobytes()),
        "tier": Binary(points.tiers.astype(np.uint8).tobytes()),
        "counts": Binary(points.counts.astype("<f4").tobytes()),
        **(
            {}
            if points.moments is None
            else {"moments": Binary(points.moments.astype("<i8").tobytes())}
        ),
    }


def unpack(doc: dict[str, Any]) -> DayPoints:
    """The points of one stored chunk."""
    ids = json.loads(bytes(doc["ids"]))
    scores = np.frombuffer(bytes(doc["score"]), "<u2").astype(np.float32) / 100
    tiers = np.frombuffer(bytes(doc["tier"]), np.uint8)
    counts = np.frombuffer(bytes(doc["counts"]), "<f4").reshape(len(ids), 3)
    day = date.fromisoformat(doc["day"])
    moments = np.frombuffer(bytes(doc["moments"]), "<i8") if "moments" in doc else None
    return DayPoints(day, doc["kind"], doc["at"], ids, scores, tiers, counts, moments)


def chunked(points: DayPoints) -> list[DayPoints]:
    """The points split into chunks of at most CHUNK leads."""
    parts = []
    for start in range(0, max(len(points.lead_ids), 1), CHUNK):
        stop = start + CHUNK
        parts.append(
            DayPoints(
                points.day,
                points.kind,
                points.at,
                points.lead_ids[start:stop],
                points.scores[start:stop],
                points.tiers[start:stop],
                points.counts[start:stop],
                None if points.moments is None else points.moments[start:stop],
            )
        )
    return parts


async def store_day(tenant_id: str, points: DayPoints) -> bool:
    """Insert the day's snapshot once; False when it was already stored."""
    parts = chunked(points)
    docs = [pack(tenant_id, part, n, len(parts)) for n, part in enumerate(parts)]
    return await _insert(docs) > 0


async def store_tier_changes(tenant_id: str, points: DayPoints, seq: int) -> int:
    """Append tier changes as the next free batch number of the day; returns the number used."""
    for n in range(seq, MAX_TIER_DOCS * 4):
        if await _insert([pack(tenant_id, points, n, 1)]):
            return n
    raise RuntimeError("too many tier-change batches in one day")


async def read_days(tenant_id: str, days: Iterable[date], lead_count: int = 0) -> list[DayPoints]:
    """Every stored point of the given days, each document read by `_id` alone.

    FerretDB serves `_id` equality without decoding the collection (an `$in` list is a scan),
    so chunk 0 says how many chunks the day has and tier batches are read until one is missing.
    """
    gate = asyncio.Semaphore(READERS)

    async def one_day(day: date) -> list[DayPoints]:
        async with gate:
            return await _read_day(tenant_id, day)

    found = await asyncio.gather(*(one_day(day) for day in days))
    return [points for day in found for points in day]


async def read_new(tenant_id: str, day: date, have_day: bool, tier_seq: int) -> list[DayPoints]:
    """The day's points not yet known: its snapshot unless held, tier batches from `tier_seq`."""
    return await _read_day(tenant_id, day, have_day, tier_seq)


async def _read_day(
    tenant_id: str, day: date, have_day: bool = False, tier_seq: int = 0
) -> list[DayPoints]:
    collection = ScoreHistoryChunk.get_pymongo_collection()
    found: list[DayPoints] = []
    first = None
    if not have_day:
        first = await collection.find_one({"_id": doc_id(tenant_id, day, "day", 0)})
    if first is not None:
        found.append(unpack(first))
        for n in range(1, int(first.get("chunks", 1))):
            doc = await collection.find_one({"_id": doc_id(tenant_id, day, "day", n)})
            if doc is not None:
                found.append(unpack(doc))
    for n in range(tier_seq, MAX_TIER_DOCS * 4):
        doc = await collection.find_one({"_id": doc_id(tenant_id, day, "tier", n)})
        if doc is None:
            break
        found.append(unpack(doc))
    return found


async def purge_history(before: date) -> int:
    """Delete every point older than the given day; returns how many documents went."""
    collection = ScoreHistoryChunk.get_pymongo_collection()
    result = await collection.delete_many({"day": {"$lt": before.isoformat()}})
    return result.deleted_count


def latest_day_tiers(rows: Mapping[str, int], tiers: np.ndarray) -> list[tuple[str, int]]:
    """Each lead's tier code at its latest daily point (``tiers``: one row per lead, one column
    per day, oldest first, 0 where there is no point); leads without a point are left out."""
    if not rows:
        return []
    lead_ids = list(rows)
    picked = tiers[np.fromiter(rows.values(), np.int64, len(lead_ids))]
    marked = picked != 0
    latest = picked.shape[1] - 1 - np.argmax(marked[:, ::-1], axis=1)
    codes = picked[np.arange(len(lead_ids)), latest].tolist()
    return [(lead_ids[n], int(codes[n])) for n in np.flatnonzero(marked.any(axis=1)).tolist()]


def days_back(today: date, count: int) -> list[date]:
    """The `count` days ending with today, oldest first."""
    return [today - timedelta(days=offset) for offset in range(count - 1, -1, -1)]


async def _insert(docs: Sequence[dict[str, Any]]) -> int:
    collection = ScoreHistoryChunk.get_pymongo_collection()
    return len(docs) - len(await insert_new(collection, docs))


def snapshot(index: TenantIndex, now: datetime, kind: str = "day") -> DayPoints:
    """Every lead's score, tier and counts at `now`: the scores the index serves, computed over
    arrays (a lead at a time took a second at 100k leads, on the event loop, every 5 minutes).
    Columns are read with `map` and no sort (0.4 s of the event loop at 100k leads otherwise)."""
    now_us = to_micros(now)
    records = list(index.records.values())
    size, config = len(records), index.config
    raw = np.fromiter(map(attrgetter("raw"), records), np.float64, size)
    lasts = np.array(list(map(attrgetter("last_us"), records)), np.float64)  # None: NaN
    active = ~np.isnan(lasts)
    last = np.where(active, lasts, 0.0)  # µs since 1970 < 2^53: exact as floats
    days = np.maximum(now_us - last, 0) / MICROS_PER_DAY
    unrounded = raw * np.where(active, np.power(0.5, days / config.half_life_days), 0.0) * 100
    scores = np.round(unrounded, 2)
    hundredths = unrounded * 100
    for n in np.flatnonzero(np.abs(hundredths - np.floor(hundredths) - 0.5) < 1e-6).tolist():
        scores[n] = index.scored(records[n], now_us).score  # a hair from a rounding boundary
    counts = np.empty((size, 3), np.float32)
    for column, name in enumerate(("email_opens", "website_visits", "time_spent")):
        counts[:, column] = np.fromiter(map(attrgetter(name), records), np.float64, size)
    return DayPoints(
        now.date(),
        kind,
        now,
        list(map(attrgetter("lead_id"), records)),
        scores.astype(np.float32),
        (tier_indices(scores, config.warm_threshold, config.hot_threshold) + 1).astype(np.uint8),
        counts,
    )
