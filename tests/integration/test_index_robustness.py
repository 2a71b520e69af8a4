"""What other writers and replicas store never stops or undoes the index: a date beyond
datetime's years 1-9999 (valid BSON) is read as absent and the documents around it keep flowing;
another replica's entry older than this replica's own later write of a lead is not applied."""

from __future__ import annotations

from bson import DatetimeMS, ObjectId

from models import Interaction
from models.base import utcnow
from scoring.engine import ScoringConfig
from scoring.service import PageQuery, ScoreService
from tests.conftest import register_tenant


def _lead(tenant_id: str, lead_id: str, **fields: object) -> dict[str, object]:
    now = utcnow()
    return {
        "_id": ObjectId(),
        "tenantId": tenant_id,
        "leadId": lead_id,
        "leadName": lead_id,
        "emailOpens": 3,
        "websiteVisits": 2,
        "timeSpent": 60,
        "lastActivityAt": now,
        "updatedAt": now,
        **fields,
    }


async def test_out_of_range_dates_neither_stop_a_build_nor_the_external_sync(client) -> None:
    tenant_id = (await register_tenant(client)).tenant_id
    collection = Interaction.get_pymongo_collection()
    await collection.insert_many(
        [
            _lead(tenant_id, "fine-before"),
            _lead(tenant_id, "far-future", lastActivityAt=DatetimeMS(2**55)),  # year 1 143 677
            _lead(tenant_id, "before-year-1", statusSetAt=DatetimeMS(-(2**50))),
        ]
    )
    replica = ScoreService(ScoringConfig())  # a replica starting now builds the tenant's index
    page = await replica.page(tenant_id, PageQuery())
    assert page.total == 3
    far = await replica.lead(tenant_id, "far-future")
    assert far is not None and far["lastActivityAt"] is None and far["score"] == 0
    assert (await replica.lead(tenant_id, "before-year-1"))["score"] > 0  # its activity is fine

    await collection.insert_many(
        [
            _lead(tenant_id, "bad-after", outcomeAt=DatetimeMS(2**60)),
            _lead(tenant_id, "fine-after"),
        ]
    )
    await replica.model.sync_external()
    assert await replica.lead(tenant_id, "fine-after") is not None
    assert await replica.lead(tenant_id, "bad-after") is not None
    assert await replica.model.sync_external(full=True) >= 0  # the full reconcile reads them too
    assert (await replica.page(tenant_id, PageQuery())).total == 5


async def test_another_replicas_older_entry_does_not_undo_a_later_write_here(client) -> None:
    """Two replicas write one lead; this one's later write read the other's, and the other's
    feed entry arrives after it: the index keeps the later state (counts went back for a moment
    before); a later entry from the other replica is still taken."""
    from dataclasses import replace

    tenant_id = (await register_tenant(client)).tenant_id
    replica = ScoreService(ScoringConfig())
    lead = {"leadId": "x", "leadName": "X", "emailOpens": 1, "websiteVisits": 0, "timeSpent": 0}
    await replica.record_interactions(tenant_id, [lead])
    index = replica.model.loaded(tenant_id)
    assert index is not None
    earlier = index.get("x")
    await replica.record_interactions(tenant_id, [lead | {"emailOpens": 5}])
    later = index.get("x")
    assert earlier is not None and later is not None
    assert earlier.updated_us < later.updated_us

    replica.model.apply(tenant_id, [earlier])  # the other replica's entry, arriving late
    assert index.get("x").email_opens == 5  # type: ignore[union-attr]
    newest = replace(later, email_opens=7, updated_us=later.updated_us + 1000)
    replica.model.apply(tenant_id, [newest])
    assert index.get("x").email_opens == 7  # type: ignore[union-attr]
