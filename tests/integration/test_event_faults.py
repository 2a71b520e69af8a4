"""Events on leads an external writer stored oddly: no lead blocks its events or anyone else's."""

from __future__ import annotations

from datetime import timedelta

from models import Interaction
from models.base import utcnow
from tests.conftest import register_tenant
from tests.integration.test_events import lead_of, post


def _event(eid: str, lead: str) -> dict:
    at = (utcnow() - timedelta(minutes=5)).isoformat()
    return {"eventId": eid, "leadId": lead, "type": "email_open", "occurredAt": at}


async def test_a_lead_stored_with_odd_stamps_takes_its_events_and_blocks_no_other(client):
    """`updatedAt` as an ISO string (not a date) and `eventBatches` as a string made every event
    for the lead a compare-and-set conflict: 503 for ever, its batch-mates unserved (QA s18 M5)."""
    tenant = await register_tenant(client)
    stored = Interaction.get_pymongo_collection()
    now = utcnow()
    base = {"tenantId": tenant.tenant_id, "emailOpens": 2, "websiteVisits": 1, "timeSpent": 30}
    await stored.insert_many(
        [
            {**base, "leadId": "iso-stamp", "leadName": "Iso", "updatedAt": now.isoformat()},
            {
                **base,
                "leadId": "odd-batches",
                "leadName": "Odd",
                "updatedAt": now,
                "eventBatches": "x",
            },
        ]
    )
    for lead in ("iso-stamp", "odd-batches"):  # the index's build reads them (first use)
        assert (await lead_of(client, tenant, lead))["raw"]["emailOpens"] == 2
    batch = [_event("f-1", "iso-stamp"), _event("f-2", "odd-batches"), _event("f-3", "healthy")]
    response = await post(client, tenant, batch)
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == 3
    for lead, opens in (("iso-stamp", 3), ("odd-batches", 3), ("healthy", 1)):
        assert (await lead_of(client, tenant, lead))["raw"]["emailOpens"] == opens, lead
    again = await post(client, tenant, batch)
    assert again.json()["duplicates"] == 3
