"""Another writer's dates beyond datetime's years 1-9999 (valid BSON) never stop a scan: the
document is read with the date taken as absent, and the documents around it keep flowing."""

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
