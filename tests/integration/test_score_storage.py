"""Score documents (`leadScores`) are stored behind the read path, a bounded step at a time."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import scoring.persist
from models import Interaction, LeadScore
from scoring.engine import ScoringConfig
from scoring.service import ScoreService
from tests.conftest import register_tenant
from tests.integration.test_freshness import records


async def test_pending_scores_are_stored_within_the_limit_and_none_is_lost(
    client, monkeypatch
) -> None:
    monkeypatch.setattr(scoring.persist, "CHUNK", 50)
    tenant_id = (await register_tenant(client)).tenant_id
    scores = ScoreService(ScoringConfig())
    await scores.record_interactions(tenant_id, records(120))
    persister = scores.persister
    assert persister.pending == 120
    assert await persister.flush(limit=70) == 70  # two steps: 50, then 20
    assert persister.pending == 50
    assert await persister.flush() == 50
    assert persister.pending == 0
    stored = LeadScore.get_pymongo_collection()
    assert await stored.count_documents({"tenantId": tenant_id}) == 120
    persister.mark_all(tenant_id)  # e.g. after a model change: every document again
    assert persister.pending == 120
    await scores.drain()
    assert persister.pending == 0
    assert await stored.count_documents({"tenantId": tenant_id}) == 120


async def test_the_background_job_writes_a_lead_once_its_changes_have_settled(
    client, monkeypatch
) -> None:
    """A lead changed again while it waits keeps its place: the job writes it once, from its
    latest state, when its first change is SETTLE_S old; leads changed later wait their turn."""
    clock = [1000.0]  # the persister's monotonic clock, moved by the test
    monkeypatch.setattr(scoring.persist, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    settle = scoring.persist.SETTLE_S
    tenant_id = (await register_tenant(client)).tenant_id
    scores = ScoreService(ScoringConfig())
    persister = scores.persister
    stored = LeadScore.get_pymongo_collection()
    await scores.record_interactions(tenant_id, records(30))
    clock[0] += settle * 0.6
    assert await persister.flush_settled() == 0  # nothing has settled yet
    again = records(40)  # the 30 changed again (one more open each), and 10 new leads
    for record in again:
        record["emailOpens"] += 1
    await scores.record_interactions(tenant_id, again)
    assert persister.pending == 40
    clock[0] += settle * 0.6  # the first 30 were marked 1.2 settle ago, the 10 new ones 0.6
    assert await persister.flush_settled() == 30
    assert persister.pending == 10
    docs = {doc["leadId"]: doc async for doc in stored.find({"tenantId": tenant_id})}
    assert sorted(docs) == [f"lead-{i:03d}" for i in range(30)]
    leads = Interaction.get_pymongo_collection().find({"tenantId": tenant_id})
    latest = {doc["leadId"]: doc["updatedAt"] async for doc in leads}  # the second write's
    assert all(doc["sourceUpdatedAt"] == latest[lead] for lead, doc in docs.items())
    clock[0] += settle * 0.6
    assert await persister.flush_settled() == 10
    assert persister.pending == 0
    assert await stored.count_documents({"tenantId": tenant_id}) == 40


@pytest.mark.parametrize("update_first", [True, False])
async def test_stored_scores_are_updated_in_place_and_missing_ones_inserted(
    client, monkeypatch, update_first: bool
) -> None:
    """Existing documents get the new score, new leads get a document, and one created by another
    writer meanwhile is updated, never duplicated — whichever way the chunk is tried first."""
    monkeypatch.setattr(scoring.persist, "WRITE_BATCH", 40)
    tenant_id = (await register_tenant(client)).tenant_id
    scores = ScoreService(ScoringConfig())
    await scores.record_interactions(tenant_id, records(60))
    await scores.drain()
    stored = LeadScore.get_pymongo_collection()
    before = {doc["_id"]: doc async for doc in stored.find({"tenantId": tenant_id})}
    assert len(before) == 60
    gone = sorted(before)[:10]  # deleted by someone: must come back
    await stored.delete_many({"_id": {"$in": gone}})
    await stored.update_many({"tenantId": tenant_id}, {"$set": {"score": -1.0}})
    documents = [{**doc, "score": 12.5} for doc in before.values()]
    real_insert = stored.insert_many.__func__  # type: ignore[attr-defined]
    racer = gone[0]

    async def racing_insert(self, docs, **kwargs):  # another replica writes one of them first
        if any(doc["_id"] == racer for doc in docs):
            await stored.insert_one({**before[racer], "score": -2.0})
        return await real_insert(self, docs, **kwargs)

    monkeypatch.setattr(type(stored), "insert_many", racing_insert)
    next_update_first = await scoring.persist._upsert(documents, update_first=update_first)
    after = [doc async for doc in stored.find({"tenantId": tenant_id})]
    assert sorted(doc["_id"] for doc in after) == sorted(before)
    assert {doc["score"] for doc in after} == {12.5}
    assert next_update_first  # the last chunk (20 documents) existed
