"""Events stored but not yet applied are never lost: a fault between storing and applying is
repaired by replaying the pending batch (at the next batch of this process, or by any process's
reconcile after a crash), and nothing is counted twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

import scoring.service
from models import Interaction, PendingEventBatch
from scoring.engine import ScoringConfig
from scoring.service import ScoreService
from tests.conftest import register_tenant
from tests.integration.test_events import BATCH, lead_of, post


@pytest.fixture
def failing_write(monkeypatch):
    real = scoring.service.write_leads
    calls = {"left": 1}

    async def write_leads(*args, **kwargs):
        if calls["left"]:
            calls["left"] -= 1
            raise RuntimeError("killed between storing and applying")
        return await real(*args, **kwargs)

    monkeypatch.setattr(scoring.service, "write_leads", write_leads)
    return calls


async def _stored_counts(tenant_id: str) -> dict[str, tuple[float, float, float]]:
    cursor = Interaction.get_pymongo_collection().find({"tenantId": tenant_id})
    return {
        d["leadId"]: (d.get("emailOpens", 0), d.get("websiteVisits", 0), d.get("timeSpent", 0))
        async for d in cursor
    }


async def test_a_crash_after_storing_is_replayed_by_another_process(client, failing_write):
    tenant = await register_tenant(client)
    assert (await post(client, tenant, BATCH)).status_code == 500
    assert await _stored_counts(tenant.tenant_id) == {}  # stored, not applied
    pending = PendingEventBatch.get_pymongo_collection()
    assert await pending.count_documents({"tenantId": tenant.tenant_id}) == 1
    survivor = ScoreService(ScoringConfig())  # another process: knows nothing of the failure
    assert await survivor.replay_pending(older_than=timedelta(0)) == len(BATCH)
    expected = {"acme": (2, 1, 42), "globex": (0, 0, 30.5)}
    assert await _stored_counts(tenant.tenant_id) == expected
    assert await pending.count_documents({"tenantId": tenant.tenant_id}) == 0
    retry = await post(client, tenant, BATCH)  # the client retries: counted once in all
    assert retry.json()["duplicates"] == len(BATCH)
    assert await survivor.replay_pending(older_than=timedelta(0)) == 0
    assert await _stored_counts(tenant.tenant_id) == expected


async def test_a_failed_write_is_applied_before_the_next_batch(client, failing_write):
    tenant = await register_tenant(client)
    assert (await post(client, tenant, BATCH)).status_code == 500
    retry = await post(client, tenant, BATCH)
    assert retry.status_code == 200, retry.text
    assert retry.json()["duplicates"] == len(BATCH)
    acme = await lead_of(client, tenant, "acme")
    assert acme["raw"] == {"emailOpens": 2, "websiteVisits": 1, "timeSpent": 42}
    assert (await lead_of(client, tenant, "globex"))["outcome"]["status"] == "won"
    assert await _stored_counts(tenant.tenant_id) == {"acme": (2, 1, 42), "globex": (0, 0, 30.5)}
