"""Which leads the collection's other writers changed, without reading this service's own writes.

The incremental scan for other writers reads the documents updated since a watermark. Most of
them are this service's own writes (this replica's, or another's, applied from the change feed),
and reading them cost as much as writing them: under an event load or a CSV import every lead
written was read back by each replica's next two scans (a fifth of the database's CPU, and ~35 %
more time for a 100k-row import into a tenant the dashboard had open).

Every lead a write of the service changes gets the same `updatedAt` (the write's moment), and the
replicas learn each other's writes from the change feed, so each knows the few moments at which
the service wrote a tenant's leads lately (`WriteStamps`). The scan reads the time between those
moments only — `{$gt: one, $lt: the next}`, an index range that skips every document written at
them — and of what it finds, each document's tenant, lead and `updatedAt` (not the whole
document); it fetches in full only those whose `updatedAt` is not the one the index holds. A
writer that changes a document without setting `updatedAt`, or that stamps it with the very
millisecond of one of the service's writes, is left to the full reconcile (README).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from models import Interaction
from scoring.index import LeadRecord, TenantIndex, from_micros, to_micros
from scoring.records import record_from_doc

SUMMARY = {"_id": 0, "tenantId": 1, "leadId": 1, "updatedAt": 1}
STAMPS_KEPT_S = 120.0  # a write's moment is remembered this long (a scan looks back ~10 s)
MAX_GAPS = 200  # ranges one scan reads at most (more moments: some are read through)


class WriteStamps:
    """The moments (`updatedAt`, µs) of the service's recent writes, per tenant."""

    def __init__(self) -> None:
        self._noted: dict[str, dict[int, float]] = {}  # tenant → moment → when it was noted

    def note(self, tenant_id: str, records: Iterable[LeadRecord]) -> None:
        """Remember the moments of written records (this replica's, or another's from the feed)."""
        moments = {record.updated_us for record in records if record.updated_us}
        if not moments:
            return
        now = time.monotonic()
        noted = self._noted.setdefault(tenant_id, {})
        noted.update(dict.fromkeys(moments, now))
        stale = [moment for moment, at in noted.items() if now - at > STAMPS_KEPT_S]
        for moment in stale:
            del noted[moment]

    def after(self, tenant_ids: Iterable[str], since_us: int) -> list[int]:
        """The moments after `since_us` at which the service wrote these tenants, in order."""
        found: set[int] = set()
        for tenant_id in tenant_ids:
            found.update(m for m in self._noted.get(tenant_id, ()) if m > since_us)
        return sorted(found)


def gap_queries(query: Mapping[str, Any], moments: list[int]) -> list[dict[str, Any]]:
    """The query (`updatedAt: {$gt: since}`) as the ranges between the given moments, which it
    leaves out; at most MAX_GAPS + 1 ranges (with more moments, some are read through)."""
    since: datetime = query["updatedAt"]["$gt"]
    inside = [m for m in moments if m > to_micros(since)]
    if len(inside) > MAX_GAPS:
        step = len(inside) / MAX_GAPS
        inside = [inside[int(i * step)] for i in range(MAX_GAPS)]
    bounds = [since, *(from_micros(m) for m in inside)]
    ranges: list[dict[str, Any]] = [
        {"$gt": low, "$lt": high} for low, high in itertools.pairwise(bounds)
    ]
    ranges.append({"$gt": bounds[-1]})
    return [{**query, "updatedAt": bounds_} for bounds_ in ranges]


async def changed_queries(
    query: Mapping[str, Any],
    indexes: Mapping[str, TenantIndex],
    batch: int,
    moments: list[int] | None = None,
) -> list[dict[str, Any]]:
    """Queries for the documents matching `query` whose `updatedAt` differs from their loaded
    index's copy (or that it does not hold), at most `batch` leads each. With `moments` (of the
    service's own writes), the documents stamped at those moments are not read."""
    parts = gap_queries(query, moments) if moments and "updatedAt" in query else [dict(query)]
    wanted: dict[str, list[str]] = {}
    collection = Interaction.get_pymongo_collection()
    for part in parts:
        async for doc in collection.find(part, SUMMARY, batch_size=batch):
            tenant_id = doc.get("tenantId")
            index = indexes.get(tenant_id) if isinstance(tenant_id, str) else None
            found = record_from_doc(doc)
            if index is None or found is None:
                continue
            current = index.get(found.lead_id)
            if current is None or current.updated_us != found.updated_us:
                wanted.setdefault(str(tenant_id), []).append(found.lead_id)
    return [
        {"tenantId": tenant_id, "leadId": {"$in": lead_ids[start : start + batch]}}
        for tenant_id, lead_ids in wanted.items()
        for start in range(0, len(lead_ids), batch)
    ]
