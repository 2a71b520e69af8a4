"""Which leads the collection's other writers changed, without reading this service's own writes.

The incremental scan for other writers reads the documents updated since a watermark. Most of
them are this service's own writes (this replica's, or another's, already applied from the change
feed), and reading them whole cost as much as writing them: under an event load every lead
written was read back by each replica's next scan (a fifth of the database's CPU, and the
replicas' CPU to decode them). The scan reads each document's tenant, lead and `updatedAt` only,
and fetches in full only those whose `updatedAt` is not the one their index holds. A writer that
changes a document without setting `updatedAt` is left to the full reconcile, as README says.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from models import Interaction
from scoring.index import TenantIndex
from scoring.records import record_from_doc

SUMMARY = {"_id": 0, "tenantId": 1, "leadId": 1, "updatedAt": 1}


async def changed_queries(
    query: Mapping[str, Any], indexes: Mapping[str, TenantIndex], batch: int
) -> list[dict[str, Any]]:
    """Queries for the documents matching `query` whose `updatedAt` differs from their loaded
    index's copy (or that it does not hold), at most `batch` leads each."""
    cursor = Interaction.get_pymongo_collection().find(query, SUMMARY, batch_size=batch)
    wanted: dict[str, list[str]] = {}
    async for doc in cursor:
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
