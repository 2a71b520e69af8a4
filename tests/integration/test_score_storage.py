"""Score documents (`leadScores`) are stored behind the read path, a bounded step at a time."""

from __future__ import annotations

from models import LeadScore
from scoring.engine import ScoringConfig
from scoring.service import ScoreService
from tests.conftest import register_tenant
from tests.integration.test_freshness import records


async def test_pending_scores_are_stored_within_the_limit_and_none_is_lost(client) -> None:
    tenant_id = (await register_tenant(client)).tenant_id
    scores = ScoreService(ScoringConfig())
    await scores.record_interactions(tenant_id, records(1200))
    persister = scores.persister
    assert persister.pending == 1200
    assert await persister.flush(limit=700) == 700  # two steps: 500, then 200
    assert persister.pending == 500
    assert await persister.flush() == 500
    assert persister.pending == 0
    stored = LeadScore.get_pymongo_collection()
    assert await stored.count_documents({"tenantId": tenant_id}) == 1200
    persister.mark_all(tenant_id)  # e.g. after a model change: every document again
    assert persister.pending == 1200
    await scores.drain()
    assert persister.pending == 0
    assert await stored.count_documents({"tenantId": tenant_id}) == 1200
